import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { BackgroundWorker, BackgroundWorkerArgs, CpuArchitecture } from "../../../components/index";
import { recordResources } from "../../../tooling/mocks";
import { accepted, assertRejected, describeThrown, schedule, severalProblems, untyped } from "../../support/validation";
import { minimalArgs, recordWorker } from "../../support/worker";

describe("validation: resolve, validate every concern, report every problem at once", () => {
    describe("AWS's numeric limits", () => {
        it("rejects an architecture or a capacity provider that is not one of the enum's values", () => {
            accepted(minimalArgs({ container: { image: "worker:1", architecture: CpuArchitecture.ARM64 } }));
            assertRejected(
                minimalArgs({ container: { image: "worker:1", architecture: untyped("arm64") } }),
                "container.architecture",
                "X86_64, ARM64",
                'got "arm64"',
            );
            assertRejected(
                minimalArgs({ capacityProviderStrategy: [{ capacityProvider: untyped("EC2") }] }),
                "capacityProviderStrategy[0].capacityProvider",
                "FARGATE, FARGATE_SPOT",
                'got "EC2"',
            );
        });

        it("rejects true/false settings given as anything but a boolean", () => {
            assertRejected(
                minimalArgs({ assignPublicIp: untyped("yes") }),
                "assignPublicIp",
                "true or false",
                'got "yes"',
            );
            assertRejected(
                minimalArgs({ scaling: { countInFlight: untyped(1) } }),
                "scaling.countInFlight",
                "true or false",
                "got 1",
            );
            assertRejected(
                minimalArgs({ scaling: { disableScaleIn: untyped("false") } }),
                "scaling.disableScaleIn",
                "true or false",
                'got "false"',
            );
            assertRejected(
                minimalArgs({ scaling: { keepQueueActive: untyped(0) } }),
                "scaling.keepQueueActive",
                "true or false",
                "got 0",
            );
            assertRejected(
                minimalArgs({ scaling: { burstScaleOut: untyped("on") } }),
                "scaling.burstScaleOut",
                "true or false",
                'got "on"',
            );
        });
    });

    describe("the arguments object", () => {
        it("accepts the smallest worker (cluster, subnet, image) without warnings", () => {
            assert.deepEqual(accepted(minimalArgs()), []);
        });

        it("requires the arguments object itself", () => {
            assertRejected(untyped<BackgroundWorkerArgs>(undefined), "args", "clusterArn, subnetIds and container");
        });
    });

    describe("several problems at once", () => {
        it("throws one InputPropertiesError listing every problem, so the user fixes them in one round", () => {
            const error = severalProblems(
                minimalArgs({
                    queue: { visibilityTimeoutSeconds: 50_000, maxReceiveCount: 0 },
                    container: { image: "worker:1", cpu: 512, memory: 512 },
                    scaling: { minTasks: 3, maxTasks: 2, schedules: [schedule({ schedule: "rate(1 minutes)" })] },
                }),
            );
            assert.deepEqual(
                error.errors.map((problem) => problem.propertyPath),
                [
                    "container.memory",
                    "queue.visibilityTimeoutSeconds",
                    "queue.maxReceiveCount",
                    "scaling.minTasks",
                    "scaling.schedules[0].schedule",
                ],
            );
            assert.match(error.message, /^BackgroundWorker has 5 invalid properties:/);
            for (const problem of error.errors) {
                assert.ok(problem.reason.startsWith(`${problem.propertyPath} `), problem.reason);
                assert.ok(
                    error.message.includes(`  - ${problem.reason}`),
                    `the message should list: ${problem.reason}`,
                );
            }
        });
    });
});

describe("BackgroundWorker constructor", () => {
    const invalid = minimalArgs({ scaling: { minTasks: 0, maxTasks: 0 } });

    it("rejects invalid arguments with the validation error", async () => {
        await assert.rejects(
            recordWorker(invalid),
            (error: unknown) =>
                pulumi.InputPropertyError.isInstance(error) && error.propertyPath === "scaling.maxTasks",
        );
    });

    it("registers nothing, not even the component, when the arguments are invalid", async () => {
        let thrown: unknown;
        const resources = await recordResources(() => {
            try {
                new BackgroundWorker("jobs", invalid);
            } catch (error) {
                // Caught here so that the recorder returns what was registered instead of rethrowing.
                thrown = error;
            }
        });
        assert.ok(
            pulumi.InputPropertyError.isInstance(thrown),
            `expected the constructor to throw; got ${describeThrown(thrown)}`,
        );
        assert.deepEqual(
            resources.map((resource) => resource.urn),
            [],
        );
    });

    it("registers the component and its children for the same worker once the arguments are fixed", async () => {
        const resources = await recordWorker(minimalArgs({ scaling: { minTasks: 0, maxTasks: 1 } }));
        assert.ok(
            resources.some(
                (resource) => resource.type === "background-worker:index:BackgroundWorker" && resource.name === "jobs",
            ),
        );
        assert.ok(resources.some((resource) => resource.type === "aws:sqs/queue:Queue"));
    });
});
