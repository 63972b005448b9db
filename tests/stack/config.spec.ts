import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import { CapacityProvider } from "../../components/index";
import { validateWorkerArgs } from "../../components/validation";
import {
    ConfiguredWorker,
    EXAMPLE_WORKERS,
    NatGatewayStrategy,
    readStackConfig,
    StackConfig,
    StackConfigError,
    WorkerConfig,
    workerArgs,
} from "../../stack/config";
import { readStackConfigFile } from "../../stack/configFile";
import { readComponentSchema } from "../../stack/schema";

/** Reads a stack's YAML as the program does: flat "namespace:key" strings, as `pulumi.runtime.allConfig()` returns. */
function stackConfig(stack: string): StackConfig {
    return readStackConfig(readStackConfigFile(stack));
}

/** A minimal config in the flat form; `overrides` replace whole keys (objects as JSON), undefined removes one. */
function configWith(overrides: Record<string, unknown> = {}): Record<string, string> {
    const values: Record<string, unknown> = {
        "aws:region": "us-east-1",
        jobWorker: { container: { image: "worker:1" } },
        emailWorker: { container: { image: "mailer:1" } },
        ...overrides,
    };
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(values)) {
        if (value !== undefined) {
            flat[key.includes(":") ? key : `background-worker:${key}`] =
                typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return flat;
}

function assertConfigError(config: Record<string, string>, message: RegExp, schema?: PackageSpec): void {
    assert.throws(
        () => readStackConfig(config, schema),
        (error: unknown) => {
            assert.ok(error instanceof StackConfigError, `expected a StackConfigError; got ${String(error)}`);
            assert.match(error.message, message);
            return true;
        },
    );
}

const WIRING = {
    clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/workers",
    subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"],
};

/** One configured worker by its config key. */
function workerOf(config: StackConfig, configKey: string): WorkerConfig {
    const found = config.workers.find((worker: ConfiguredWorker) => worker.configKey === configKey);
    assert.ok(found, `no worker ${configKey}`);
    return found.config;
}

function strategyOf(worker: WorkerConfig): { capacityProvider: CapacityProvider; weight: number; base: number }[] {
    return (worker.capacityProviderStrategy ?? []).map((item) => ({
        capacityProvider: item.capacityProvider,
        weight: item.weight ?? 1,
        base: item.base ?? 0,
    }));
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
                for (const worker of config.workers) {
                    assert.deepEqual(
                        validateWorkerArgs(workerArgs(worker.config, WIRING), worker.resourceName),
                        [],
                        worker.configKey,
                    );
                }
            });
        }

        it("passes a worker's settings through to the component with the program's wiring", () => {
            const args = workerArgs(workerOf(prod, "jobWorker"), { ...WIRING, tags: { team: "jobs" } });
            assert.equal(args.clusterArn, WIRING.clusterArn);
            assert.deepEqual(args.subnetIds, WIRING.subnetIds);
            assert.deepEqual(args.tags, { team: "jobs" });
            assert.equal(args.container, workerOf(prod, "jobWorker").container);
            assert.equal(args.scaling, workerOf(prod, "jobWorker").scaling);
            assert.equal(args.queue, workerOf(prod, "jobWorker").queue);
            assert.equal(args.capacityProviderStrategy, workerOf(prod, "jobWorker").capacityProviderStrategy);
        });

        it("keeps the seed's 300 s visibility timeout for job-worker in both stacks", () => {
            assert.equal(workerOf(dev, "jobWorker").queue?.visibilityTimeoutSeconds, 300);
            assert.equal(workerOf(prod, "jobWorker").queue?.visibilityTimeoutSeconds, 300);
        });

        it("prod: job-worker runs 1 to 50 tasks, four in five on Spot beyond an on-demand base", () => {
            assert.equal(workerOf(prod, "jobWorker").scaling?.minTasks, 1);
            assert.equal(workerOf(prod, "jobWorker").scaling?.maxTasks, 50);
            assert.deepEqual(strategyOf(workerOf(prod, "jobWorker")), [
                { capacityProvider: CapacityProvider.Fargate, weight: 1, base: 1 },
                { capacityProvider: CapacityProvider.FargateSpot, weight: 4, base: 0 },
            ]);
        });

        it("prod: email-worker runs 1 to 10 tasks with an on-demand base", () => {
            assert.equal(workerOf(prod, "emailWorker").scaling?.minTasks, 1);
            assert.equal(workerOf(prod, "emailWorker").scaling?.maxTasks, 10);
            const onDemand = strategyOf(workerOf(prod, "emailWorker")).find(
                (item) => item.capacityProvider === CapacityProvider.Fargate,
            );
            assert.ok(onDemand && onDemand.base >= 1, "a Spot shortage must not stop email-worker in prod");
        });

        it("dev: both workers run on Spot only, scale to zero and stay below prod's maxima", () => {
            for (const [name, worker] of [
                ["jobWorker", workerOf(dev, "jobWorker")],
                ["emailWorker", workerOf(dev, "emailWorker")],
            ] as const) {
                assert.deepEqual(
                    strategyOf(worker).map((item) => item.capacityProvider),
                    [CapacityProvider.FargateSpot],
                    `${name} strategy`,
                );
                assert.equal(worker.scaling?.minTasks, 0, `${name} minTasks`);
            }
            assert.ok(
                (workerOf(dev, "jobWorker").scaling?.maxTasks ?? Infinity) <
                    (workerOf(prod, "jobWorker").scaling?.maxTasks ?? 0),
                "jobWorker maxTasks",
            );
            assert.ok(
                (workerOf(dev, "emailWorker").scaling?.maxTasks ?? Infinity) <
                    (workerOf(prod, "emailWorker").scaling?.maxTasks ?? 0),
                "emailWorker maxTasks",
            );
        });

        it("prod keeps logs longer than dev", () => {
            for (const name of ["jobWorker", "emailWorker"] as const) {
                const devDays = workerOf(dev, name).container?.logRetentionDays ?? 0;
                const prodDays = workerOf(prod, name).container?.logRetentionDays ?? 0;
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
                /^config background-worker:emailWorker\.queues is not a known setting; expected one of securityGroupIds, assignPublicIp, container, taskDefinitionArn, queue,/,
            );
            assertConfigError(
                configWith({
                    jobWorker: {
                        container: { image: "worker:1" },
                        capacityProviderStrategy: [{ capacityProvider: "FARGATE", wieght: 1 }],
                    },
                }),
                /^config background-worker:jobWorker\.capacityProviderStrategy\[0\]\.wieght is not a known setting/,
            );
        });

        it("rejects an unknown key of the project's namespace: a typo must not fall back to a default", () => {
            const known = "expected one of subnetIds, natGateways, tags, alarmTopicArn, jobWorker, emailWorker";
            assertConfigError(
                configWith({ natGateway: "OnePerAz" }),
                new RegExp(`^config background-worker:natGateway is not a known setting; ${known}$`),
            );
            assertConfigError(
                configWith({ subnetIDs: ["subnet-1"] }),
                /^config background-worker:subnetIDs is not a known setting/,
            );
            assertConfigError(
                configWith({ thirdWorker: { container: { image: "third:1" } } }),
                /^config background-worker:thirdWorker is not a known setting/,
            );
        });

        it("says to nest a key written as a path, which a stack file reads as one key", () => {
            assertConfigError(
                { ...configWith(), "background-worker:jobWorker.scaling.maxTasks": "5" },
                /^config background-worker:jobWorker\.scaling\.maxTasks is written as a path, .*nest it under background-worker:jobWorker in Pulumi\.<stack>\.yaml/,
            );
        });

        it("reports every problem at once, one key per line", () => {
            assertConfigError(
                configWith({ natGateway: "OnePerAz", jobWorker: { container: { image: "worker:1", cpu: "256" } } }),
                /^config background-worker:jobWorker\.container\.cpu must be a number; got "256"\nconfig background-worker:natGateway is not a known setting/,
            );
        });

        it("ignores other namespaces' keys", () => {
            assert.equal(readStackConfig(configWith({ "aws:profile": "prod" })).region, "us-east-1");
        });

        it("requires aws:region, since every resource and price depends on it", () => {
            assertConfigError(
                configWith({ "aws:region": undefined }),
                /^config aws:region is required: the region the stack deploys to/,
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
                /^config background-worker:jobWorker\.container\.environment\.PORT must be a string; got 8080$/,
            );
            assertConfigError(
                configWith({
                    jobWorker: {
                        container: { image: "worker:1" },
                        scaling: { schedules: [{ name: "peak", schedule: "rate(1 day)", minTasks: "2" }] },
                    },
                }),
                /^config background-worker:jobWorker\.scaling\.schedules\[0\]\.minTasks must be a number; got "2"$/,
            );
            assertConfigError(
                configWith({ jobWorker: { container: { image: "worker:1", architecture: "arm64" } } }),
                /^config background-worker:jobWorker\.container\.architecture must be one of X86_64, ARM64; got "arm64"$/,
            );
            assertConfigError(
                configWith({ jobWorker: "worker:1" }),
                /^config background-worker:jobWorker must be an object; got "worker:1"$/,
            );
            assertConfigError(
                configWith({ subnetIds: "subnet-1" }),
                /^config background-worker:subnetIds must be a list of strings; got "subnet-1"$/,
            );
            assertConfigError(
                configWith({ tags: { cost: 1 } }),
                /^config background-worker:tags\.cost must be a string; got 1$/,
            );
            assertConfigError(
                configWith({ subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", 5] }),
                /^config background-worker:subnetIds\[1\] must be a string; got 5$/,
            );
        });

        it("requires every worker of the example, naming the missing one", () => {
            for (const { configKey } of EXAMPLE_WORKERS) {
                assertConfigError(
                    configWith({ [configKey]: undefined }),
                    new RegExp(`^config background-worker:${configKey} is required`),
                );
            }
        });

        it("requires what the component's schema requires, such as a container's image", () => {
            assertConfigError(
                configWith({ emailWorker: { container: { cpu: 256 } } }),
                /^config background-worker:emailWorker\.container\.image is required$/,
            );
            assertConfigError(
                configWith({
                    jobWorker: { container: { image: "worker:1" }, sources: { eventRules: [{ name: "uploads" }] } },
                }),
                /^config background-worker:jobWorker\.sources\.eventRules\[0\]\.eventPattern is required$/,
            );
        });

        it("accepts only Single or OnePerAz for natGateways, and defaults to Single", () => {
            assertConfigError(
                configWith({ natGateways: "None" }),
                /^config background-worker:natGateways must be one of Single, OnePerAz; got "None"$/,
            );
            assert.equal(
                readStackConfig(configWith({ natGateways: "OnePerAz" })).natGateways,
                NatGatewayStrategy.OnePerAz,
            );
            assert.equal(readStackConfig(configWith()).natGateways, NatGatewayStrategy.Single);
        });

        it("reads subnets, tags and the alarm topic when given, and leaves subnets unset so the program builds a VPC", () => {
            const topic = "arn:aws:sns:us-east-1:123456789012:on-call";
            const withSubnets = readStackConfig(
                configWith({
                    subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
                    tags: { team: "jobs" },
                    alarmTopicArn: topic,
                }),
            );
            assert.deepEqual(withSubnets.subnetIds, ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]);
            assert.deepEqual(withSubnets.tags, { team: "jobs" });
            assert.equal(withSubnets.alarmTopicArn, topic);
            const defaults = readStackConfig(configWith());
            assert.equal(defaults.subnetIds, undefined);
            assert.deepEqual(defaults.tags, {});
            assert.equal(defaults.alarmTopicArn, undefined);
        });

        it("lists the workers in the example's order whatever the file's order", () => {
            const reversed = Object.fromEntries(Object.entries(configWith()).reverse());
            assert.deepEqual(
                readStackConfig(reversed).workers.map((worker) => worker.configKey),
                EXAMPLE_WORKERS.map((worker) => worker.configKey),
            );
        });
    });

    describe("derived from the component's schema", () => {
        it("accepts an argument the schema gains, with no edit to the reader", () => {
            const schema = readComponentSchema();
            const fixture = JSON.parse(JSON.stringify(schema)) as PackageSpec;
            const queue = fixture.types["background-worker:index:WorkerQueue"];
            assert.ok(queue.properties, "the fixture schema has WorkerQueue");
            queue.properties.kmsDataKeyReusePeriodSeconds = { type: "number", plain: true };
            const config = configWith({
                jobWorker: { container: { image: "worker:1" }, queue: { kmsDataKeyReusePeriodSeconds: 300 } },
            });
            const read = readStackConfig(config, fixture);
            assert.deepEqual(workerOf(read, "jobWorker").queue, { kmsDataKeyReusePeriodSeconds: 300 });
            // The same config against the real schema, which lacks the argument, is a typo.
            assertConfigError(
                config,
                /^config background-worker:jobWorker\.queue\.kmsDataKeyReusePeriodSeconds is not a known setting/,
                schema,
            );
        });

        it("accepts every argument of the component except what the program wires itself", () => {
            const worker = readStackConfig(
                configWith({
                    jobWorker: {
                        container: { image: "worker:1" },
                        sources: { snsTopicsFifo: true },
                        assignPublicIp: false,
                    },
                }),
            );
            assert.deepEqual(workerOf(worker, "jobWorker").sources, { snsTopicsFifo: true });
            for (const wired of ["clusterArn", "subnetIds", "tags"]) {
                assertConfigError(
                    configWith({ jobWorker: { container: { image: "worker:1" }, [wired]: "x" } }),
                    new RegExp(`^config background-worker:jobWorker\\.${wired} is not a known setting`),
                );
            }
        });
    });

    describe("workerArgs", () => {
        it("adds the program's topics and alarm actions to those the config gives", () => {
            const config: WorkerConfig = {
                container: { image: "worker:1" },
                sources: { snsTopicArns: ["arn:aws:sns:us-east-1:123456789012:a"], snsTopicsFifo: false },
                alarms: { maxMessageAgeSeconds: 600, actionArns: ["arn:aws:sns:us-east-1:123456789012:team"] },
            };
            const args = workerArgs(config, {
                ...WIRING,
                snsTopicArns: ["arn:aws:sns:us-east-1:123456789012:b"],
                alarmActionArns: ["arn:aws:sns:us-east-1:123456789012:on-call"],
            });
            assert.deepEqual(args.sources, {
                snsTopicArns: ["arn:aws:sns:us-east-1:123456789012:a", "arn:aws:sns:us-east-1:123456789012:b"],
                snsTopicsFifo: false,
            });
            assert.deepEqual(args.alarms, {
                maxMessageAgeSeconds: 600,
                actionArns: ["arn:aws:sns:us-east-1:123456789012:team", "arn:aws:sns:us-east-1:123456789012:on-call"],
            });
        });
    });
});

/** Writes `yaml` as Pulumi.<stack>.yaml in a fresh directory and reads it; the directory is removed afterwards. */
function readYaml(yaml: string, stack = "edited"): Record<string, string> {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-"));
    try {
        fs.writeFileSync(path.join(directory, `Pulumi.${stack}.yaml`), yaml);
        return readStackConfigFile(stack, directory);
    } finally {
        fs.rmSync(directory, { recursive: true, force: true });
    }
}

/** The problems readStackConfigFile reports for `yaml`, one per line; fails when it reads the file. */
function fileProblems(yaml: string): string[] {
    try {
        readYaml(yaml);
    } catch (error) {
        assert.ok(error instanceof StackConfigError, `expected a StackConfigError; got ${String(error)}`);
        return error.message.split("\n");
    }
    assert.fail("expected the file to be refused; it was read");
}

describe("readStackConfigFile", () => {
    it("refuses a value YAML 1.1 reads otherwise than YAML 1.2, naming its key, since Pulumi's reader follows 1.1 in part", () => {
        const problems = fileProblems(
            [
                "config:",
                "  aws:region: us-east-1",
                "  background-worker:tags:",
                "    environment: on",
                "    created: 2024-01-01",
                "  background-worker:jobWorker:",
                "    queue:",
                "      visibilityTimeoutSeconds: 0300",
                "    scaling:",
                "      maxTasks: 1_000",
                "",
            ].join("\n"),
        );
        assert.deepEqual(
            problems.map((problem) => problem.split(" in Pulumi.edited.yaml")[0]),
            [
                "config background-worker:tags.environment",
                "config background-worker:tags.created",
                "config background-worker:jobWorker.queue.visibilityTimeoutSeconds",
                "config background-worker:jobWorker.scaling.maxTasks",
            ],
        );
        assert.match(
            problems[0],
            /^config background-worker:tags\.environment in Pulumi\.edited\.yaml reads as the string "on" in YAML 1\.2 but as the boolean true in YAML 1\.1.*quote a string/,
        );
        assert.match(
            problems[2],
            /^config background-worker:jobWorker\.queue\.visibilityTimeoutSeconds in Pulumi\.edited\.yaml reads as the number 300 in YAML 1\.2 but as the number 192 in YAML 1\.1.*without leading zeros/,
        );
    });

    it("names a date, an underscored number and a key such as on: that YAML 1.1 reads otherwise", () => {
        const [date] = fileProblems("config:\n  background-worker:tags:\n    created: 2024-01-01\n");
        assert.match(
            date,
            /^config background-worker:tags\.created .* the string "2024-01-01" in YAML 1\.2 but as the date /,
        );
        const [underscored] = fileProblems(
            "config:\n  background-worker:jobWorker:\n    scaling:\n      maxTasks: 1_000\n",
        );
        assert.match(
            underscored,
            /^config background-worker:jobWorker\.scaling\.maxTasks .* "1_000" .* the number 1000 /,
        );
        const [key] = fileProblems("config:\n  background-worker:tags:\n    on: prod\n");
        assert.match(
            key,
            /^config background-worker:tags\.on .* the key on in YAML 1\.2 but as the key true in YAML 1\.1/,
        );
    });

    it("reads what every YAML reader agrees on: quoted strings, plain decimals, true and false", () => {
        const config = readYaml(
            [
                "config:",
                "  background-worker:tags:",
                '    environment: "on"',
                "    created: '2024-01-01'",
                "  background-worker:jobWorker:",
                "    dashboard: false",
                "    queue:",
                "      visibilityTimeoutSeconds: 300",
                "    scaling:",
                "      maxTasks: 1e3",
                "",
            ].join("\n"),
        );
        assert.deepEqual(JSON.parse(config["background-worker:tags"]), { environment: "on", created: "2024-01-01" });
        assert.deepEqual(JSON.parse(config["background-worker:jobWorker"]), {
            dashboard: false,
            queue: { visibilityTimeoutSeconds: 300 },
            scaling: { maxTasks: 1000 },
        });
    });

    it("names a secret nested in a worker by its full path, not as a wrong type of its map", () => {
        const problems = fileProblems(
            [
                "config:",
                "  background-worker:jobWorker:",
                "    container:",
                "      environment:",
                "        DB_PASSWORD:",
                "          secure: AAABAKZ0c2VjcmV0",
                "  background-worker:alarmTopicArn:",
                "    secure: AAABAKZ0c2VjcmV0",
                "",
            ].join("\n"),
        );
        assert.deepEqual(
            problems.map((problem) => problem.split(" is a secret")[0]),
            [
                "config background-worker:jobWorker.container.environment.DB_PASSWORD in Pulumi.edited.yaml",
                "config background-worker:alarmTopicArn in Pulumi.edited.yaml",
            ],
        );
        assert.match(problems[0], /the offline plan cannot decrypt it.*container\.secrets/);
    });

    it("names the file when its YAML does not parse", () => {
        const directory = fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-"));
        try {
            fs.writeFileSync(
                path.join(directory, "Pulumi.broken.yaml"),
                "config:\n  background-worker:jobWorker:\n    container: [image\n",
            );
            assert.throws(
                () => readStackConfigFile("broken", directory),
                (error: unknown) => {
                    assert.ok(error instanceof StackConfigError, String(error));
                    assert.match(error.message, /^Pulumi\.broken\.yaml is not valid YAML: /);
                    return true;
                },
            );
        } finally {
            fs.rmSync(directory, { recursive: true, force: true });
        }
    });
});
