import * as assert from "node:assert/strict";
import { CapacityProvider } from "../components";
import { validateWorkerArgs } from "../components/validation";
import { readStackConfigFile } from "../scripts/harness";
import { flatConfigGetter, NatGatewayStrategy, readStackConfig, StackConfig, StackConfigError, WorkerConfig, workerArgs } from "../stack/config";

/** Reads a stack's YAML as the program does: flat "namespace:key" strings, JSON parsed where it parses (index.ts). */
function stackConfig(stack: string): StackConfig {
    return readStackConfig(flatConfigGetter(readStackConfigFile(stack)));
}

/** A minimal config as `get` would return it; `overrides` replace whole keys, undefined removes one. */
function configWith(overrides: Record<string, unknown> = {}): (key: string) => unknown {
    const values: Record<string, unknown> = {
        jobWorker: { container: { image: "worker:1" } },
        emailWorker: { container: { image: "mailer:1" } },
        ...overrides,
    };
    return (key) => values[key];
}

function assertConfigError(get: (key: string) => unknown, message: RegExp): void {
    assert.throws(() => readStackConfig(get), (error: unknown) => {
        assert.ok(error instanceof StackConfigError, `expected a StackConfigError; got ${String(error)}`);
        assert.match(error.message, message);
        return true;
    });
}

const WIRING = { clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/workers", subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"] };

function strategyOf(worker: WorkerConfig): { capacityProvider: CapacityProvider; weight: number; base: number }[] {
    return (worker.capacityProviderStrategy ?? []).map((item) => ({ capacityProvider: item.capacityProvider, weight: item.weight ?? 1, base: item.base ?? 0 }));
}

describe("readStackConfig", () => {
    describe("the example stacks", () => {
        let dev: StackConfig;
        let prod: StackConfig;
        before(() => {
            dev = stackConfig("dev");
            prod = stackConfig("prod");
        });

        for (const stack of ["dev", "prod"]) {
            it(`${stack}: both workers make arguments the component accepts without warnings`, () => {
                const config = stackConfig(stack);
                for (const worker of [config.jobWorker, config.emailWorker]) {
                    assert.deepEqual(validateWorkerArgs(workerArgs(worker, WIRING)), []);
                }
            });
        }

        it("passes a worker's settings through to the component with the program's wiring", () => {
            const args = workerArgs(prod.jobWorker, { ...WIRING, tags: { team: "jobs" } });
            assert.equal(args.clusterArn, WIRING.clusterArn);
            assert.deepEqual(args.subnetIds, WIRING.subnetIds);
            assert.deepEqual(args.tags, { team: "jobs" });
            assert.equal(args.container, prod.jobWorker.container);
            assert.equal(args.scaling, prod.jobWorker.scaling);
            assert.equal(args.queue, prod.jobWorker.queue);
            assert.equal(args.capacityProviderStrategy, prod.jobWorker.capacityProviderStrategy);
        });

        it("keeps the seed's 300 s visibility timeout for job-worker in both stacks", () => {
            assert.equal(dev.jobWorker.queue?.visibilityTimeoutSeconds, 300);
            assert.equal(prod.jobWorker.queue?.visibilityTimeoutSeconds, 300);
        });

        it("prod: job-worker runs 1 to 50 tasks, four in five on Spot beyond an on-demand base", () => {
            assert.equal(prod.jobWorker.scaling?.minTasks, 1);
            assert.equal(prod.jobWorker.scaling?.maxTasks, 50);
            assert.deepEqual(strategyOf(prod.jobWorker), [
                { capacityProvider: CapacityProvider.Fargate, weight: 1, base: 1 },
                { capacityProvider: CapacityProvider.FargateSpot, weight: 4, base: 0 },
            ]);
        });

        it("prod: email-worker runs 1 to 10 tasks with an on-demand base", () => {
            assert.equal(prod.emailWorker.scaling?.minTasks, 1);
            assert.equal(prod.emailWorker.scaling?.maxTasks, 10);
            const onDemand = strategyOf(prod.emailWorker).find((item) => item.capacityProvider === CapacityProvider.Fargate);
            assert.ok(onDemand && onDemand.base >= 1, "a Spot shortage must not stop email-worker in prod");
        });

        it("dev: both workers run on Spot only, scale to zero and stay below prod's maxima", () => {
            for (const [name, worker] of [["jobWorker", dev.jobWorker], ["emailWorker", dev.emailWorker]] as const) {
                assert.deepEqual(strategyOf(worker).map((item) => item.capacityProvider), [CapacityProvider.FargateSpot], `${name} strategy`);
                assert.equal(worker.scaling?.minTasks, 0, `${name} minTasks`);
            }
            assert.ok((dev.jobWorker.scaling?.maxTasks ?? Infinity) < (prod.jobWorker.scaling?.maxTasks ?? 0), "jobWorker maxTasks");
            assert.ok((dev.emailWorker.scaling?.maxTasks ?? Infinity) < (prod.emailWorker.scaling?.maxTasks ?? 0), "emailWorker maxTasks");
        });

        it("prod keeps logs longer than dev", () => {
            for (const name of ["jobWorker", "emailWorker"] as const) {
                const devDays = dev[name].container.logRetentionDays ?? 0;
                const prodDays = prod[name].container.logRetentionDays ?? 0;
                assert.ok(prodDays > devDays, `${name}: prod ${prodDays} days should exceed dev ${devDays} days`);
            }
        });

        it("uses one NAT gateway in dev and one per AZ in prod, and tags each environment", () => {
            assert.equal(dev.natGateways, NatGatewayStrategy.Single);
            assert.equal(prod.natGateways, NatGatewayStrategy.OnePerAz);
            assert.deepEqual(dev.tags, { environment: "dev" });
            assert.deepEqual(prod.tags, { environment: "prod" });
        });
    });

    describe("mistakes in a stack's config", () => {
        it("rejects an unknown key, naming the full key and the known ones", () => {
            assertConfigError(
                configWith({ jobWorker: { container: { image: "worker:1" }, scaling: { maxTask: 5 } } }),
                /^config background-worker:jobWorker\.scaling\.maxTask is not a known setting; expected one of minTasks, maxTasks,/,
            );
            assertConfigError(
                configWith({ emailWorker: { container: { image: "mailer:1" }, queues: {} } }),
                /^config background-worker:emailWorker\.queues is not a known setting; expected one of container, queue, scaling/,
            );
            assertConfigError(
                configWith({ jobWorker: { container: { image: "worker:1" }, capacityProviderStrategy: [{ capacityProvider: "FARGATE", wieght: 1 }] } }),
                /^config background-worker:jobWorker\.capacityProviderStrategy\[0\]\.wieght is not a known setting/,
            );
        });

        it("rejects a value of the wrong type, naming the key, the expected type and the value", () => {
            assertConfigError(
                configWith({ jobWorker: { container: { image: "worker:1" }, scaling: { maxTasks: "5" } } }),
                /^config background-worker:jobWorker\.scaling\.maxTasks must be a number; got "5"$/,
            );
            assertConfigError(
                configWith({ jobWorker: { container: { image: "worker:1", command: "node worker.js" } } }),
                /^config background-worker:jobWorker\.container\.command must be a list of strings; got "node worker.js"$/,
            );
            assertConfigError(
                configWith({ jobWorker: { container: { image: "worker:1", environment: { PORT: 8080 } } } }),
                /^config background-worker:jobWorker\.container\.environment must be a map of strings/,
            );
            assertConfigError(
                configWith({ jobWorker: { container: { image: "worker:1" }, scaling: { schedules: [{ name: "peak", minTasks: "2" }] } } }),
                /^config background-worker:jobWorker\.scaling\.schedules\[0\]\.minTasks must be a number; got "2"$/,
            );
            assertConfigError(configWith({ jobWorker: "worker:1" }), /^config background-worker:jobWorker must be an object; got "worker:1"$/);
            assertConfigError(configWith({ subnetIds: "subnet-1" }), /^config background-worker:subnetIds must be a list of strings; got "subnet-1"$/);
            assertConfigError(configWith({ tags: { cost: 1 } }), /^config background-worker:tags must be a map of strings; got \{"cost":1\}$/);
        });

        it("requires both workers, naming the missing one", () => {
            assertConfigError(configWith({ jobWorker: undefined }), /^config background-worker:jobWorker is required/);
            assertConfigError(configWith({ emailWorker: undefined }), /^config background-worker:emailWorker is required/);
        });

        it("requires each worker's image, naming its key", () => {
            assertConfigError(configWith({ emailWorker: { container: { cpu: 256 } } }), /^config background-worker:emailWorker\.container\.image is required/);
            assertConfigError(configWith({ jobWorker: { scaling: { minTasks: 0 } } }), /^config background-worker:jobWorker\.container\.image is required/);
        });

        it("accepts only Single or OnePerAz for natGateways, and defaults to Single", () => {
            assertConfigError(configWith({ natGateways: "None" }), /^config background-worker:natGateways must be one of Single, OnePerAz; got "None"$/);
            assert.equal(readStackConfig(configWith({ natGateways: "OnePerAz" })).natGateways, NatGatewayStrategy.OnePerAz);
            assert.equal(readStackConfig(configWith()).natGateways, NatGatewayStrategy.Single);
        });

        it("reads subnets and tags when given, and leaves subnets unset so the program builds a VPC", () => {
            const withSubnets = readStackConfig(configWith({ subnetIds: ["subnet-1", "subnet-2"], tags: { team: "jobs" } }));
            assert.deepEqual(withSubnets.subnetIds, ["subnet-1", "subnet-2"]);
            assert.deepEqual(withSubnets.tags, { team: "jobs" });
            const defaults = readStackConfig(configWith());
            assert.equal(defaults.subnetIds, undefined);
            assert.deepEqual(defaults.tags, {});
        });
    });
});
