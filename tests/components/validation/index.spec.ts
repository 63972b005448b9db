import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
    BackgroundWorker,
    BackgroundWorkerArgs,
    CapacityProvider,
    CpuArchitecture,
    WorkerScaling,
    WorkerSchedule,
} from "../../../components/index";
import { RESERVED_ENVIRONMENT_NAMES } from "../../../components/plan/settings";
import { LOG_RETENTION_DAYS } from "../../../contract/awsLimits";
import { FARGATE_MEMORY_BY_CPU } from "../../../components/plan/fargateSizes";
import { validateWorkerArgs } from "../../../components/validation";
import { recordResources } from "../../../scripts/mocks";
import { minimalArgs, recordWorker } from "../../support/worker";

/** A value of the wrong type where the typings want a number: what a JavaScript or YAML user can still pass. */
function untyped<T>(value: unknown): T {
    return value as T;
}

const WEEKDAY_CRON = "cron(0 8 ? * MON-FRI *)";

function schedule(fields: Partial<WorkerSchedule> = {}): WorkerSchedule {
    return { name: "business-hours", schedule: WEEKDAY_CRON, minTasks: 2, ...fields };
}

function describeThrown(error: unknown): string {
    if (pulumi.InputPropertiesError.isInstance(error)) {
        return `InputPropertiesError: ${error.message}`;
    }
    return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
}

/** Validates and expects exactly one rejected property. */
function singleProblem(args: BackgroundWorkerArgs): pulumi.InputPropertyError {
    try {
        validateWorkerArgs(args);
    } catch (error) {
        assert.ok(
            pulumi.InputPropertyError.isInstance(error),
            `expected one InputPropertyError; got ${describeThrown(error)}`,
        );
        return error;
    }
    assert.fail("expected validateWorkerArgs to reject the arguments; it accepted them");
}

/** Validates and expects several rejected properties at once. */
function severalProblems(args: BackgroundWorkerArgs): pulumi.InputPropertiesError {
    try {
        validateWorkerArgs(args);
    } catch (error) {
        assert.ok(
            pulumi.InputPropertiesError.isInstance(error),
            `expected an InputPropertiesError; got ${describeThrown(error)}`,
        );
        return error;
    }
    assert.fail("expected validateWorkerArgs to reject the arguments; it accepted them");
}

/**
 * Expects exactly one problem at `propertyPath`, whose reason starts with that path (so the message alone tells the
 * user what to change) and mentions every one of `mentions` (the valid range, the value given, the fix).
 */
function assertRejected(args: BackgroundWorkerArgs, propertyPath: string, ...mentions: string[]): string {
    const error = singleProblem(args);
    assert.equal(error.propertyPath, propertyPath, `wrong property path; reason: ${error.reason}`);
    assert.ok(
        error.reason.startsWith(`${propertyPath} `),
        `the reason should start with ${propertyPath}: ${error.reason}`,
    );
    for (const mention of mentions) {
        assert.ok(
            error.reason.includes(mention),
            `the reason should mention ${JSON.stringify(mention)}: ${error.reason}`,
        );
    }
    return error.reason;
}

/** Validates arguments that must be accepted and returns the warnings. */
function accepted(args: BackgroundWorkerArgs): string[] {
    try {
        return validateWorkerArgs(args);
    } catch (error) {
        assert.fail(`expected the arguments to be accepted; got ${describeThrown(error)}`);
    }
}

interface IntegerBound {
    path: string;
    min: number;
    max: number;
    /** The worker arguments with `value` at `path` (and whatever else the value needs to be the only problem). */
    args(value: unknown): BackgroundWorkerArgs;
}

const INTEGER_BOUNDS: IntegerBound[] = [
    {
        path: "queue.visibilityTimeoutSeconds",
        min: 0,
        max: 43_200,
        args: (value) => minimalArgs({ queue: { visibilityTimeoutSeconds: untyped(value) } }),
    },
    {
        path: "queue.messageRetentionSeconds",
        min: 60,
        max: 1_209_600,
        args: (value) => minimalArgs({ queue: { messageRetentionSeconds: untyped(value) } }),
    },
    {
        path: "queue.receiveWaitTimeSeconds",
        min: 0,
        max: 20,
        args: (value) => minimalArgs({ queue: { receiveWaitTimeSeconds: untyped(value) } }),
    },
    {
        path: "queue.delaySeconds",
        min: 0,
        max: 900,
        args: (value) => minimalArgs({ queue: { delaySeconds: untyped(value) } }),
    },
    {
        path: "queue.maxMessageSizeBytes",
        min: 1_024,
        max: 1_048_576,
        args: (value) => minimalArgs({ queue: { maxMessageSizeBytes: untyped(value) } }),
    },
    {
        path: "queue.maxReceiveCount",
        min: 1,
        max: 1_000,
        args: (value) => minimalArgs({ queue: { maxReceiveCount: untyped(value) } }),
    },
    {
        // The source keeps 60 s so that the dead-letter queue's own lower bound is the only rule in play.
        path: "queue.deadLetterRetentionSeconds",
        min: 60,
        max: 1_209_600,
        args: (value) =>
            minimalArgs({ queue: { messageRetentionSeconds: 60, deadLetterRetentionSeconds: untyped(value) } }),
    },
    {
        path: "container.stopTimeoutSeconds",
        min: 0,
        max: 120,
        args: (value) => minimalArgs({ container: { image: "worker:1", stopTimeoutSeconds: untyped(value) } }),
    },
    {
        path: "capacityProviderStrategy[0].weight",
        min: 0,
        max: 1_000,
        args: (value) =>
            minimalArgs({
                capacityProviderStrategy: [
                    { capacityProvider: CapacityProvider.Fargate, weight: untyped(value) },
                    { capacityProvider: CapacityProvider.FargateSpot, weight: 1 },
                ],
            }),
    },
    {
        path: "capacityProviderStrategy[1].base",
        min: 0,
        max: 100_000,
        args: (value) =>
            minimalArgs({
                capacityProviderStrategy: [
                    { capacityProvider: CapacityProvider.FargateSpot, weight: 4 },
                    { capacityProvider: CapacityProvider.Fargate, weight: 1, base: untyped(value) },
                ],
            }),
    },
    {
        path: "scaling.minTasks",
        min: 0,
        max: 5_000,
        args: (value) => minimalArgs({ scaling: { minTasks: untyped(value), maxTasks: 5_000 } }),
    },
    {
        path: "scaling.maxTasks",
        min: 1,
        max: 5_000,
        args: (value) => minimalArgs({ scaling: { minTasks: 0, maxTasks: untyped(value) } }),
    },
    {
        path: "scaling.scaleOutCooldownSeconds",
        min: 0,
        max: 86_400,
        args: (value) => minimalArgs({ scaling: { scaleOutCooldownSeconds: untyped(value) } }),
    },
    {
        path: "scaling.scaleInCooldownSeconds",
        min: 0,
        max: 86_400,
        args: (value) => minimalArgs({ scaling: { scaleInCooldownSeconds: untyped(value) } }),
    },
    {
        path: "scaling.schedules[0].minTasks",
        min: 0,
        max: 5_000,
        args: (value) =>
            minimalArgs({ scaling: { maxTasks: 5_000, schedules: [schedule({ minTasks: untyped(value) })] } }),
    },
    {
        path: "scaling.schedules[0].maxTasks",
        min: 0,
        max: 5_000,
        args: (value) =>
            minimalArgs({
                scaling: { minTasks: 0, schedules: [schedule({ minTasks: undefined, maxTasks: untyped(value) })] },
            }),
    },
];

describe("validateWorkerArgs", () => {
    it("accepts the smallest worker (cluster, subnet, image) without warnings", () => {
        assert.deepEqual(accepted(minimalArgs()), []);
    });

    describe("AWS's numeric limits", () => {
        for (const bound of INTEGER_BOUNDS) {
            describe(bound.path, () => {
                it(`accepts both ends of ${bound.min}..${bound.max}`, () => {
                    accepted(bound.args(bound.min));
                    accepted(bound.args(bound.max));
                });

                it(`rejects ${bound.min - 1} and ${bound.max + 1}, naming the range and the value given`, () => {
                    assertRejected(
                        bound.args(bound.min - 1),
                        bound.path,
                        `between ${bound.min} and ${bound.max}`,
                        `got ${bound.min - 1}`,
                    );
                    assertRejected(
                        bound.args(bound.max + 1),
                        bound.path,
                        `between ${bound.min} and ${bound.max}`,
                        `got ${bound.max + 1}`,
                    );
                });

                it("rejects a fraction, a string and an Output: it must be a plain whole number", () => {
                    const range = `between ${bound.min} and ${bound.max}`;
                    assertRejected(
                        bound.args(bound.min + 0.5),
                        bound.path,
                        "whole number",
                        range,
                        `got ${bound.min + 0.5}`,
                    );
                    assertRejected(
                        bound.args(String(bound.max)),
                        bound.path,
                        "whole number",
                        range,
                        `got "${bound.max}"`,
                    );
                    assertRejected(
                        bound.args(pulumi.output(bound.max)),
                        bound.path,
                        range,
                        "got an Output",
                        "plain value known before deployment",
                    );
                });
            });
        }

        it("words the visibility timeout error as the limits document does", () => {
            assert.equal(
                assertRejected(
                    minimalArgs({ queue: { visibilityTimeoutSeconds: 50_000 } }),
                    "queue.visibilityTimeoutSeconds",
                ),
                "queue.visibilityTimeoutSeconds must be between 0 and 43200 seconds (12 hours); got 50000",
            );
        });

        it("rejects a backlog target that is not a finite number above 0, showing the value as given", () => {
            const given: [unknown, string][] = [
                [0, "got 0"],
                [-1, "got -1"],
                [Number.POSITIVE_INFINITY, "got Infinity"],
                [Number.NaN, "got NaN"],
                ["10", 'got "10"'],
            ];
            for (const [value, shown] of given) {
                assertRejected(
                    minimalArgs({ scaling: { targetBacklogPerTask: untyped(value) } }),
                    "scaling.targetBacklogPerTask",
                    "above 0",
                    shown,
                );
            }
            assert.deepEqual(accepted(minimalArgs({ scaling: { targetBacklogPerTask: 2.5 } })), []);
        });

        it("accepts every CloudWatch Logs retention period and rejects others (0, never expire, included)", () => {
            for (const days of LOG_RETENTION_DAYS) {
                accepted(minimalArgs({ container: { image: "worker:1", logRetentionDays: days } }));
            }
            for (const days of [0, 2, 4000]) {
                assertRejected(
                    minimalArgs({ container: { image: "worker:1", logRetentionDays: days } }),
                    "container.logRetentionDays",
                    "must be one of 1, 3, 5, 7, 14, 30, 60, 90",
                    "3653",
                    `got ${days}`,
                );
            }
        });

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

    describe("Fargate CPU and memory", () => {
        // For each CPU size: memory sizes Fargate accepts, and ones it rejects (below, above, off the step).
        const combinations: { cpu: number; valid: number[]; invalid: number[]; range: string }[] = [
            { cpu: 256, valid: [512, 1024, 2048], invalid: [1536, 4096], range: "512, 1024, 2048 MiB" },
            {
                cpu: 512,
                valid: [1024, 3072, 4096],
                invalid: [512, 1536, 5120],
                range: "1024 to 4096 in steps of 1024 MiB",
            },
            { cpu: 1024, valid: [2048, 8192], invalid: [1024, 2560, 9216], range: "2048 to 8192 in steps of 1024 MiB" },
            {
                cpu: 2048,
                valid: [4096, 16384],
                invalid: [3072, 4608, 17408],
                range: "4096 to 16384 in steps of 1024 MiB",
            },
            {
                cpu: 4096,
                valid: [8192, 30720],
                invalid: [7168, 8704, 31744],
                range: "8192 to 30720 in steps of 1024 MiB",
            },
            {
                cpu: 8192,
                valid: [16384, 20480, 61440],
                invalid: [12288, 17408, 65536],
                range: "16384 to 61440 in steps of 4096 MiB",
            },
            {
                cpu: 16384,
                valid: [32768, 40960, 122880],
                invalid: [24576, 36864, 131072],
                range: "32768 to 122880 in steps of 8192 MiB",
            },
        ];

        it("covers every CPU size Fargate offers", () => {
            assert.deepEqual(
                combinations.map((combination) => combination.cpu),
                [...FARGATE_MEMORY_BY_CPU.keys()],
            );
        });

        for (const { cpu, valid, invalid, range } of combinations) {
            it(`cpu ${cpu} accepts memory ${valid.join(", ")} and rejects ${invalid.join(", ")} with the valid sizes`, () => {
                for (const memory of valid) {
                    accepted(minimalArgs({ container: { image: "worker:1", cpu, memory } }));
                }
                for (const memory of invalid) {
                    assertRejected(
                        minimalArgs({ container: { image: "worker:1", cpu, memory } }),
                        "container.memory",
                        `must be ${range} when container.cpu is ${cpu}`,
                        `got ${memory}`,
                    );
                }
            });
        }

        it("checks the default memory (512 MiB) against a larger cpu, so raising cpu alone is caught", () => {
            assertRejected(
                minimalArgs({ container: { image: "worker:1", cpu: 1024 } }),
                "container.memory",
                "when container.cpu is 1024",
                "got 512",
            );
        });

        it("rejects a CPU size Fargate does not offer, listing the ones it does", () => {
            for (const cpu of [128, 300, "256"]) {
                assertRejected(
                    minimalArgs({ container: { image: "worker:1", cpu: untyped(cpu) } }),
                    "container.cpu",
                    "one of 256, 512, 1024, 2048, 4096, 8192, 16384",
                    `got ${JSON.stringify(cpu)}`,
                );
            }
        });
    });

    describe("required arguments", () => {
        it("requires the arguments object itself", () => {
            assertRejected(untyped<BackgroundWorkerArgs>(undefined), "args", "clusterArn, subnetIds and container");
        });

        it("requires a cluster ARN", () => {
            assertRejected(minimalArgs({ clusterArn: untyped(undefined) }), "clusterArn", "is required");
            assertRejected(minimalArgs({ clusterArn: "" }), "clusterArn", "is required");
        });

        it("requires at least one subnet", () => {
            assertRejected(minimalArgs({ subnetIds: untyped(undefined) }), "subnetIds", "is required");
            assertRejected(minimalArgs({ subnetIds: [] }), "subnetIds", "at least one subnet", "empty list");
        });

        it("rejects an empty list of security groups and says to omit it instead", () => {
            assertRejected(
                minimalArgs({ securityGroupIds: [] }),
                "securityGroupIds",
                "at least one security group",
                "omit it",
            );
        });

        it("requires the container's image", () => {
            assertRejected(minimalArgs({ container: untyped({}) }), "container.image", "is required");
            assertRejected(minimalArgs({ container: { image: "" } }), "container.image", "is required");
        });

        it("rejects an image reference a task could not pull: a space, an uppercase repository, an empty tag", () => {
            for (const image of ["job worker:latest", "Job-Worker:1", "worker:", " worker:1"]) {
                assertRejected(
                    minimalArgs({ container: { image } }),
                    "container.image",
                    "must be an image reference",
                    JSON.stringify(image),
                );
            }
        });

        it("accepts the image references ECS pulls: ECR with a tag, a digest, a registry port, a bare name, an Output", () => {
            for (const image of [
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/jobs/worker:1.0.0",
                `public.ecr.aws/docker/library/node@sha256:${"a".repeat(64)}`,
                "localhost:5000/worker:dev",
                "worker",
            ]) {
                accepted(minimalArgs({ container: { image } }));
            }
            accepted(minimalArgs({ container: { image: pulumi.output("Not Checked Until Deployment") } }));
        });

        it("rejects a command that is not a list of strings", () => {
            assertRejected(
                minimalArgs({ container: { image: "worker:1", command: untyped("node worker.js") } }),
                "container.command",
                "list of strings",
                'got "node worker.js"',
            );
            assertRejected(
                minimalArgs({ container: { image: "worker:1", command: untyped(["node", 1]) } }),
                "container.command",
                "list of strings",
            );
            accepted(minimalArgs({ container: { image: "worker:1", command: ["node", "worker.js"] } }));
        });
    });

    describe("container or task definition", () => {
        it("rejects a container and a task definition ARN together, naming taskDefinitionArn", () => {
            assertRejected(
                minimalArgs({ taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/jobs:3" }),
                "taskDefinitionArn",
                "cannot be given together with container",
            );
        });

        it("rejects neither, naming container and the alternative", () => {
            assertRejected(minimalArgs({ container: undefined }), "container", "or taskDefinitionArn is required");
        });

        it("accepts a task definition ARN on its own, and then warns about nothing container-related", () => {
            assert.deepEqual(
                accepted(
                    minimalArgs({
                        container: undefined,
                        taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/jobs:3",
                        queue: { visibilityTimeoutSeconds: 10 },
                    }),
                ),
                [],
            );
        });
    });

    describe("queue retention", () => {
        it("rejects a dead-letter retention shorter than the source's, with both values", () => {
            assertRejected(
                minimalArgs({ queue: { messageRetentionSeconds: 345_600, deadLetterRetentionSeconds: 86_400 } }),
                "queue.deadLetterRetentionSeconds",
                "at least queue.messageRetentionSeconds (345600)",
                "got 86400",
            );
        });

        it("warns when the dead-letter retention equals the source's, since moved messages keep their enqueue time", () => {
            const warnings = accepted(
                minimalArgs({ queue: { messageRetentionSeconds: 345_600, deadLetterRetentionSeconds: 345_600 } }),
            );
            assert.equal(warnings.length, 1, warnings.join("\n"));
            assert.match(
                warnings[0],
                /^queue\.deadLetterRetentionSeconds equals queue\.messageRetentionSeconds \(345600\).*1209600/,
            );
        });

        it("warns at the 14-day maximum too, pointing to a shorter source retention", () => {
            const warnings = accepted(
                minimalArgs({ queue: { messageRetentionSeconds: 1_209_600, deadLetterRetentionSeconds: 1_209_600 } }),
            );
            assert.equal(warnings.length, 1, warnings.join("\n"));
            assert.match(
                warnings[0],
                /^queue\.deadLetterRetentionSeconds equals queue\.messageRetentionSeconds \(1209600\).*shorten queue\.messageRetentionSeconds/,
            );
        });

        it("does not warn for FIFO queues, whose dead-letter queue resets the enqueue time", () => {
            assert.deepEqual(
                accepted(
                    minimalArgs({
                        queue: { fifo: true, messageRetentionSeconds: 345_600, deadLetterRetentionSeconds: 345_600 },
                    }),
                ),
                [],
            );
        });

        it("does not warn when the dead-letter retention is longer", () => {
            assert.deepEqual(
                accepted(
                    minimalArgs({ queue: { messageRetentionSeconds: 345_600, deadLetterRetentionSeconds: 345_601 } }),
                ),
                [],
            );
        });
    });

    describe("visibility timeout and stop timeout", () => {
        it("warns when the visibility timeout is shorter than the default 120 s stop timeout", () => {
            const warnings = accepted(minimalArgs({ queue: { visibilityTimeoutSeconds: 60 } }));
            assert.equal(warnings.length, 1, warnings.join("\n"));
            assert.match(
                warnings[0],
                /^queue\.visibilityTimeoutSeconds \(60\) is shorter than container\.stopTimeoutSeconds \(120\)/,
            );
        });

        it("warns against a stop timeout the user set", () => {
            const warnings = accepted(
                minimalArgs({
                    queue: { visibilityTimeoutSeconds: 20 },
                    container: { image: "worker:1", stopTimeoutSeconds: 30 },
                }),
            );
            assert.match(warnings.join("\n"), /\(20\) is shorter than container\.stopTimeoutSeconds \(30\)/);
        });

        it("does not warn when the visibility timeout covers the stop timeout", () => {
            assert.deepEqual(accepted(minimalArgs({ queue: { visibilityTimeoutSeconds: 120 } })), []);
            assert.deepEqual(
                accepted(
                    minimalArgs({
                        queue: { visibilityTimeoutSeconds: 60 },
                        container: { image: "worker:1", stopTimeoutSeconds: 60 },
                    }),
                ),
                [],
            );
        });
    });

    describe("capacity provider strategy", () => {
        it("accepts the seed's strategy: an on-demand base and Spot weight 4", () => {
            accepted(
                minimalArgs({
                    capacityProviderStrategy: [
                        { capacityProvider: CapacityProvider.Fargate, weight: 1, base: 1 },
                        { capacityProvider: CapacityProvider.FargateSpot, weight: 4 },
                    ],
                }),
            );
        });

        it("rejects a second provider with a base above 0, naming its index", () => {
            assertRejected(
                minimalArgs({
                    capacityProviderStrategy: [
                        { capacityProvider: CapacityProvider.Fargate, base: 1 },
                        { capacityProvider: CapacityProvider.FargateSpot, base: 2 },
                    ],
                }),
                "capacityProviderStrategy[1].base",
                "only one capacity provider",
                "got 2",
            );
        });

        it("rejects a strategy in which no provider has a weight above 0", () => {
            assertRejected(
                minimalArgs({
                    capacityProviderStrategy: [
                        { capacityProvider: CapacityProvider.Fargate, weight: 0, base: 2 },
                        { capacityProvider: CapacityProvider.FargateSpot, weight: 0 },
                    ],
                }),
                "capacityProviderStrategy",
                "weight above 0",
            );
        });

        it("reports only the bad weight, not also a zero total, when a weight is out of range", () => {
            assertRejected(
                minimalArgs({ capacityProviderStrategy: [{ capacityProvider: CapacityProvider.Fargate, weight: -1 }] }),
                "capacityProviderStrategy[0].weight",
                "between 0 and 1000",
            );
        });

        it("rejects a provider listed twice, naming the second entry and the provider", () => {
            assertRejected(
                minimalArgs({
                    capacityProviderStrategy: [
                        { capacityProvider: CapacityProvider.FargateSpot, weight: 4 },
                        { capacityProvider: CapacityProvider.FargateSpot, weight: 1 },
                    ],
                }),
                "capacityProviderStrategy[1].capacityProvider",
                "only once",
                "FARGATE_SPOT",
            );
        });

        it("rejects an empty strategy and points to the default", () => {
            assertRejected(
                minimalArgs({ capacityProviderStrategy: [] }),
                "capacityProviderStrategy",
                "at least one capacity provider",
                "omit it",
            );
        });
    });

    describe("task bounds", () => {
        it("rejects minTasks above maxTasks, naming both values", () => {
            assertRejected(
                minimalArgs({ scaling: { minTasks: 6, maxTasks: 5 } }),
                "scaling.minTasks",
                "at most scaling.maxTasks (5)",
                "got 6",
            );
        });

        it("rejects minTasks above the default maxTasks of 10", () => {
            assertRejected(
                minimalArgs({ scaling: { minTasks: 11 } }),
                "scaling.minTasks",
                "at most scaling.maxTasks (10)",
                "got 11",
            );
        });

        it("accepts minTasks equal to maxTasks, a fixed-size worker", () => {
            accepted(minimalArgs({ scaling: { minTasks: 5, maxTasks: 5 } }));
        });
    });

    describe("environment and secrets", () => {
        for (const name of RESERVED_ENVIRONMENT_NAMES) {
            it(`rejects ${name} in environment or secrets: the component sets it`, () => {
                assertRejected(
                    minimalArgs({ container: { image: "worker:1", environment: { [name]: "x" } } }),
                    `container.environment.${name}`,
                    "is set by the component",
                    "remove it",
                );
                assertRejected(
                    minimalArgs({
                        container: {
                            image: "worker:1",
                            secrets: { [name]: "arn:aws:ssm:us-east-1:123456789012:parameter/x" },
                        },
                    }),
                    `container.secrets.${name}`,
                    "is set by the component",
                );
            });
        }

        it("rejects AWS credentials in the environment, whatever their case, and points to the task role", () => {
            for (const name of [
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
                "aws_access_key_id",
            ]) {
                assertRejected(
                    minimalArgs({ container: { image: "worker:1", environment: { [name]: "x" } } }),
                    `container.environment.${name}`,
                    "must not hold AWS credentials",
                    "task role",
                );
            }
        });

        it("warns about a plain value whose name looks like a secret", () => {
            for (const name of [
                "DB_PASSWORD",
                "STRIPE_SECRET",
                "GITHUB_TOKEN",
                "API_KEY",
                "APIKEY",
                "SIGNING_PRIVATE_KEY",
                "SERVICE_CREDENTIALS",
                "smtp_passwd",
            ]) {
                const warnings = accepted(
                    minimalArgs({ container: { image: "worker:1", environment: { [name]: "hunter2" } } }),
                );
                assert.equal(warnings.length, 1, `${name}: ${warnings.join("\n")}`);
                assert.ok(warnings[0].startsWith(`container.environment.${name} looks like a secret`), warnings[0]);
                assert.match(warnings[0], /move it to container\.secrets/);
            }
        });

        it("does not warn about ordinary names", () => {
            assert.deepEqual(
                accepted(
                    minimalArgs({
                        container: { image: "worker:1", environment: { LOG_LEVEL: "info", BUCKET: "uploads" } },
                    }),
                ),
                [],
            );
        });

        it("does not warn when a secret-looking value comes from another resource rather than a literal", () => {
            assert.deepEqual(
                accepted(
                    minimalArgs({
                        container: {
                            image: "worker:1",
                            environment: { UPSTREAM_TOKEN_URL: pulumi.output("https://auth.example.com") },
                        },
                    }),
                ),
                [],
            );
        });

        it("rejects a secret given by name instead of ARN, which would make the execution role's policy invalid", () => {
            for (const value of ["/prod/db/password", "db-credentials", "arn:aws:s3:::bucket/secret"]) {
                assertRejected(
                    minimalArgs({ container: { image: "worker:1", secrets: { DB_PASSWORD: value } } }),
                    "container.secrets.DB_PASSWORD",
                    "must be the ARN",
                    JSON.stringify(value),
                );
            }
        });

        it("accepts Secrets Manager and SSM parameter ARNs, a JSON key of a secret, and ARNs known only at deployment", () => {
            accepted(
                minimalArgs({
                    container: {
                        image: "worker:1",
                        secrets: {
                            DB_PASSWORD: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::",
                            API_KEY: "arn:aws:ssm:us-east-1:123456789012:parameter/prod/api-key",
                            SIGNING_KEY: pulumi.output("arn:aws:ssm:us-east-1:123456789012:parameter/signing"),
                        },
                    },
                }),
            );
        });

        it("rejects a Secrets Manager ARN without its six-character suffix, which IAM would not match", () => {
            for (const value of [
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:db:password::",
            ]) {
                assertRejected(
                    minimalArgs({ container: { image: "worker:1", secrets: { DB_PASSWORD: value } } }),
                    "container.secrets.DB_PASSWORD",
                    "complete ARN",
                    "six random characters",
                    "IAM does not match a partial one",
                    JSON.stringify(value),
                );
            }
        });

        it("accepts a complete secret ARN, with or without a JSON key, and SSM parameter ARNs", () => {
            accepted(
                minimalArgs({
                    container: {
                        image: "worker:1",
                        secrets: {
                            DB: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
                            DB_USER: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf:username::",
                            API: "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api",
                        },
                    },
                }),
            );
        });

        it("rejects a name set both as environment and as a secret, keeping the secret", () => {
            assertRejected(
                minimalArgs({
                    container: {
                        image: "worker:1",
                        environment: { DATABASE_URL: "postgres://" },
                        secrets: { DATABASE_URL: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf" },
                    },
                }),
                "container.environment.DATABASE_URL",
                "also set in container.secrets",
                "keep only the secret",
            );
        });
    });

    describe("backlog target from latency", () => {
        it("accepts both latency settings together and no explicit target", () => {
            accepted(minimalArgs({ scaling: { acceptableLatencySeconds: 60, averageProcessingSeconds: 6 } }));
        });

        it("names averageProcessingSeconds when only the latency is given", () => {
            assertRejected(
                minimalArgs({ scaling: { acceptableLatencySeconds: 60 } }),
                "scaling.averageProcessingSeconds",
                "is required when scaling.acceptableLatencySeconds is given",
            );
        });

        it("names acceptableLatencySeconds when only the processing time is given", () => {
            assertRejected(
                minimalArgs({ scaling: { averageProcessingSeconds: 6 } }),
                "scaling.acceptableLatencySeconds",
                "is required when scaling.averageProcessingSeconds is given",
            );
        });

        it("rejects either latency setting next to targetBacklogPerTask", () => {
            assertRejected(
                minimalArgs({ scaling: { targetBacklogPerTask: 5, acceptableLatencySeconds: 60 } }),
                "scaling.acceptableLatencySeconds",
                "together with scaling.targetBacklogPerTask",
            );
            assertRejected(
                minimalArgs({ scaling: { targetBacklogPerTask: 5, averageProcessingSeconds: 6 } }),
                "scaling.averageProcessingSeconds",
                "together with scaling.targetBacklogPerTask",
            );
            const error = severalProblems(
                minimalArgs({
                    scaling: { targetBacklogPerTask: 5, acceptableLatencySeconds: 60, averageProcessingSeconds: 6 },
                }),
            );
            assert.deepEqual(
                error.errors.map((problem) => problem.propertyPath),
                ["scaling.acceptableLatencySeconds", "scaling.averageProcessingSeconds"],
            );
        });

        it("rejects a latency below the processing time, naming both settings and values", () => {
            assertRejected(
                minimalArgs({ scaling: { acceptableLatencySeconds: 5, averageProcessingSeconds: 10 } }),
                "scaling.acceptableLatencySeconds",
                "(5)",
                "scaling.averageProcessingSeconds (10)",
            );
        });

        it("rejects a latency or processing time that is not a number above 0", () => {
            assertRejected(
                minimalArgs({ scaling: { acceptableLatencySeconds: 0, averageProcessingSeconds: 6 } }),
                "scaling.acceptableLatencySeconds",
                "above 0",
                "got 0",
            );
            assertRejected(
                minimalArgs({ scaling: { acceptableLatencySeconds: 60, averageProcessingSeconds: untyped("6") } }),
                "scaling.averageProcessingSeconds",
                "above 0",
                'got "6"',
            );
        });
    });

    describe("schedules", () => {
        const withSchedules = (schedules: WorkerSchedule[], scaling: WorkerScaling = {}) =>
            minimalArgs({ scaling: { ...scaling, schedules } });

        it("accepts named cron, rate and at schedules with a time zone", () => {
            accepted(
                withSchedules([
                    schedule({
                        name: "weekday-mornings",
                        schedule: WEEKDAY_CRON,
                        timezone: "Europe/Paris",
                        minTasks: 3,
                    }),
                    schedule({ name: "every_minute", schedule: "rate(1 minute)", minTasks: 1 }),
                    schedule({ name: "every-5-minutes", schedule: "rate(5 minutes)", minTasks: 1 }),
                    schedule({ name: "hourly", schedule: "rate(1 hour)", minTasks: 1 }),
                    schedule({ name: "two-days", schedule: "rate(2 days)", minTasks: 1 }),
                    schedule({
                        name: "launch",
                        schedule: "at(2030-01-15T08:00:00)",
                        timezone: "America/New_York",
                        minTasks: 5,
                        maxTasks: 10,
                    }),
                ]),
            );
        });

        it("requires a name of letters, digits, - and _ up to 64 characters", () => {
            assertRejected(
                withSchedules([schedule({ name: untyped(undefined) })]),
                "scaling.schedules[0].name",
                "is required",
                "letters, digits, - or _",
                "got nothing",
            );
            assertRejected(
                withSchedules([schedule({ name: "business hours" })]),
                "scaling.schedules[0].name",
                "letters, digits, - or _",
                'got "business hours"',
            );
            assertRejected(withSchedules([schedule({ name: "a".repeat(65) })]), "scaling.schedules[0].name", "1 to 64");
            accepted(withSchedules([schedule({ name: "a".repeat(64) })]));
        });

        it("rejects a name used twice, naming the second schedule", () => {
            assertRejected(
                withSchedules([schedule({ name: "peak" }), schedule({ name: "peak", schedule: "rate(1 hour)" })]),
                "scaling.schedules[1].name",
                "must be unique",
                '"peak"',
            );
        });

        it("rejects a cron expression without the six fields Application Auto Scaling reads", () => {
            assertRejected(
                withSchedules([schedule({ schedule: "cron(0 8 * * *)" })]),
                "scaling.schedules[0].schedule",
                "cron(minutes hours day-of-month month day-of-week year)",
                'got "cron(0 8 * * *)"',
            );
        });

        it("rejects rate(1 minutes) and rate(5 minute): AWS wants the singular for 1 and the plural otherwise", () => {
            assertRejected(
                withSchedules([schedule({ schedule: "rate(1 minutes)" })]),
                "scaling.schedules[0].schedule",
                "singular unit for 1",
                'got "rate(1 minutes)"',
            );
            assertRejected(
                withSchedules([schedule({ schedule: "rate(5 minute)" })]),
                "scaling.schedules[0].schedule",
                "plural otherwise",
                'got "rate(5 minute)"',
            );
            assertRejected(
                withSchedules([schedule({ schedule: "rate(2 hour)" })]),
                "scaling.schedules[0].schedule",
                "singular unit for 1",
            );
        });

        it("rejects a rate of 0 and a unit AWS does not offer", () => {
            assertRejected(
                withSchedules([schedule({ schedule: "rate(0 minutes)" })]),
                "scaling.schedules[0].schedule",
                "at least 1",
                'got "rate(0 minutes)"',
            );
            assertRejected(
                withSchedules([schedule({ schedule: "rate(1 week)" })]),
                "scaling.schedules[0].schedule",
                "rate(value unit)",
                'got "rate(1 week)"',
            );
        });

        it("rejects an at() time that is not yyyy-mm-ddThh:mm:ss, and free text", () => {
            assertRejected(
                withSchedules([schedule({ schedule: "at(2030-01-15 08:00)" })]),
                "scaling.schedules[0].schedule",
                "at(yyyy-mm-ddThh:mm:ss)",
                'got "at(2030-01-15 08:00)"',
            );
            assertRejected(
                withSchedules([schedule({ schedule: "every weekday at 8" })]),
                "scaling.schedules[0].schedule",
                "cron(",
                "rate(",
                "at(",
            );
            assertRejected(
                withSchedules([schedule({ schedule: untyped(undefined) })]),
                "scaling.schedules[0].schedule",
                "is required",
            );
        });

        it("rejects a time zone that is not an IANA name", () => {
            assertRejected(
                withSchedules([schedule({ timezone: "Mars/Olympus_Mons" })]),
                "scaling.schedules[0].timezone",
                "IANA time zone",
                'got "Mars/Olympus_Mons"',
            );
        });

        it("rejects a schedule that sets neither minTasks nor maxTasks, naming the schedule", () => {
            assertRejected(
                withSchedules([schedule({ minTasks: undefined })]),
                "scaling.schedules[0]",
                "must set minTasks, maxTasks or both",
            );
        });

        it("rejects a schedule whose own minTasks is above its maxTasks", () => {
            assertRejected(
                withSchedules([schedule({ minTasks: 5, maxTasks: 2 })]),
                "scaling.schedules[0].minTasks",
                "scaling.schedules[0].minTasks = 5",
                "scaling.schedules[0].maxTasks = 2",
            );
        });

        it("rejects a schedule minTasks above the worker's scaling.maxTasks", () => {
            assertRejected(
                withSchedules([schedule({ minTasks: 20 })], { maxTasks: 10 }),
                "scaling.schedules[0].minTasks",
                "scaling.schedules[0].minTasks = 20",
                "scaling.maxTasks = 10",
            );
        });

        it("rejects a schedule maxTasks below the worker's scaling.minTasks, naming the schedule's maxTasks", () => {
            assertRejected(
                withSchedules([schedule({ name: "nights", minTasks: undefined, maxTasks: 1 })], { minTasks: 2 }),
                "scaling.schedules[0].maxTasks",
                "scaling.minTasks = 2",
                "scaling.schedules[0].maxTasks = 1",
            );
        });

        it("accepts a night schedule to zero when it lowers the minimum too", () => {
            accepted(
                withSchedules([
                    schedule({ name: "nights", minTasks: 0, maxTasks: 0 }),
                    schedule({ name: "days", minTasks: 1, maxTasks: 10 }),
                ]),
            );
        });
    });

    describe("the worker's name, which prefixes its queue and service names", () => {
        const rejectedName = (name: string, args: BackgroundWorkerArgs): string => {
            try {
                validateWorkerArgs(args, name);
            } catch (error) {
                assert.ok(
                    pulumi.InputPropertyError.isInstance(error),
                    `expected one InputPropertyError; got ${describeThrown(error)}`,
                );
                assert.equal(error.propertyPath, "name");
                return error.reason;
            }
            assert.fail(`expected the name ${JSON.stringify(name)} to be rejected`);
        };

        it("rejects characters SQS queue and ECS service names do not allow", () => {
            assert.match(
                rejectedName("jobs.v2", minimalArgs()),
                /^name must use only letters, digits, - and _.*got "jobs\.v2"$/,
            );
        });

        // With a task definition of its own and no scale to zero, the worker creates no IAM role: queue names bind.
        const noRoles = (overrides: Partial<BackgroundWorkerArgs> = {}) =>
            minimalArgs({
                container: undefined,
                taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/jobs:1",
                ...overrides,
            });

        it("rejects a FIFO worker whose queue name would pass 80 characters once .fifo is appended", () => {
            assert.deepEqual(validateWorkerArgs(noRoles({ queue: { fifo: true } }), "a".repeat(61)), []);
            const reason = rejectedName("a".repeat(62), noRoles({ queue: { fifo: true } }));
            assert.match(reason, /^name must be at most 61 characters for a FIFO queue: .*got 62 characters$/);
        });

        it("allows a longer name for a standard queue, and any length with an existing queue", () => {
            assert.deepEqual(validateWorkerArgs(noRoles(), "a".repeat(66)), []);
            assert.match(rejectedName("a".repeat(67), noRoles()), /at most 66 characters: /);
            const existingQueue = {
                arn: "arn:aws:sqs:us-east-1:123456789012:orders",
                url: "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
            };
            assert.deepEqual(
                validateWorkerArgs(
                    noRoles({ existingQueue, alarms: { deadLetterQueueNotEmpty: false } }),
                    "a".repeat(100),
                ),
                [],
            );
        });

        it("keeps the IAM role names it generates within IAM's 64 characters", () => {
            assert.deepEqual(validateWorkerArgs(minimalArgs(), "a".repeat(41)), []);
            assert.match(
                rejectedName("a".repeat(42), minimalArgs()),
                /^name must be at most 41 characters: an IAM role is named a+-execution-role-<7 random characters>, and IAM allows 64; got 42 characters$/,
            );
            const toZero = minimalArgs({ scaling: { minTasks: 0 } });
            assert.deepEqual(validateWorkerArgs(toZero, "a".repeat(39)), []);
            assert.match(
                rejectedName("a".repeat(40), toZero),
                /at most 39 characters: an IAM role is named a+-keep-active-role-/,
            );
            assert.deepEqual(
                validateWorkerArgs(minimalArgs({ scaling: { minTasks: 0, keepQueueActive: false } }), "a".repeat(41)),
                [],
            );
        });

        it("is checked by the constructor, before anything is registered", async () => {
            await assert.rejects(
                recordResources(() => new BackgroundWorker("jobs v2", minimalArgs())),
                (error: unknown) => pulumi.InputPropertyError.isInstance(error) && error.propertyPath === "name",
            );
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
