import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { BackgroundWorkerArgs, CapacityProvider, CpuArchitecture } from "../../../components/index";
import {
    backlogTargetFromLatency,
    canScaleToZero,
    DEFAULT_BURST_SCALE_OUT,
    DEFAULT_CAPACITY_PROVIDER_STRATEGY,
    DEFAULT_CPU_UNITS,
    DEFAULT_DEAD_LETTER_RETENTION_SECONDS,
    DEFAULT_DELAY_SECONDS,
    DEFAULT_LOG_RETENTION_DAYS,
    DEFAULT_MAX_RECEIVE_COUNT,
    DEFAULT_MAX_TASKS,
    DEFAULT_MEMORY_MIB,
    DEFAULT_MESSAGE_RETENTION_SECONDS,
    DEFAULT_MIN_TASKS,
    DEFAULT_RECEIVE_WAIT_TIME_SECONDS,
    DEFAULT_SCALE_IN_COOLDOWN_SECONDS,
    DEFAULT_SCALE_OUT_COOLDOWN_SECONDS,
    DEFAULT_SCHEDULE_TIMEZONE,
    DEFAULT_STOP_TIMEOUT_SECONDS,
    DEFAULT_TARGET_BACKLOG_PER_TASK,
    DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
    resolveWorkerSettings,
    ScheduleSettings,
    WorkerSettings,
} from "../../../components/plan/settings";
import { validateWorkerArgs } from "../../../components/validation";
import { minimalArgs } from "../../support/worker";

/** Each default: the resolved value, the named constant, and the value the docs promise. */
function assertDefault(actual: unknown, constant: unknown, documented: unknown, what: string): void {
    assert.equal(constant, documented, `${what}: the constant should hold the documented default ${documented}`);
    assert.equal(actual, documented, `${what}: a worker that does not set it should get ${documented}`);
}

/** Asserts that each of `expected`'s keys has that value in `actual`. */
function assertKeeps<T extends object>(actual: T | undefined, expected: Partial<T>): void {
    assert.ok(actual, "expected the settings to be present");
    for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(actual[key as keyof T], value, `${key} should keep the user's ${JSON.stringify(value)}`);
    }
}

function schedule(fields: Partial<ScheduleSettings>): ScheduleSettings {
    return { name: "nights", schedule: "cron(0 20 * * ? *)", timezone: "UTC", ...fields };
}

describe("resolveWorkerSettings", () => {
    describe("defaults", () => {
        const settings: WorkerSettings = resolveWorkerSettings(minimalArgs());

        it("gives the queue the documented defaults: visibility 300 s, 4-day retention, 20 s long polling, 5 receives", () => {
            const queue = settings.queue;
            assertDefault(
                queue.visibilityTimeoutSeconds,
                DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
                300,
                "queue.visibilityTimeoutSeconds",
            );
            assertDefault(
                queue.messageRetentionSeconds,
                DEFAULT_MESSAGE_RETENTION_SECONDS,
                345_600,
                "queue.messageRetentionSeconds",
            );
            assertDefault(
                queue.receiveWaitTimeSeconds,
                DEFAULT_RECEIVE_WAIT_TIME_SECONDS,
                20,
                "queue.receiveWaitTimeSeconds",
            );
            assertDefault(queue.delaySeconds, DEFAULT_DELAY_SECONDS, 0, "queue.delaySeconds");
            assertDefault(queue.maxReceiveCount, DEFAULT_MAX_RECEIVE_COUNT, 5, "queue.maxReceiveCount");
            assert.equal(queue.maxMessageSizeBytes, undefined, "an unset message size is left to AWS's default");
        });

        it("keeps dead letters 14 days (1209600 s), the longest SQS allows", () => {
            assertDefault(
                settings.queue.deadLetterRetentionSeconds,
                DEFAULT_DEAD_LETTER_RETENTION_SECONDS,
                1_209_600,
                "queue.deadLetterRetentionSeconds",
            );
        });

        it("sizes the container at 256 CPU units and 512 MiB, x86_64, 120 s to drain, 30 days of logs", () => {
            const container = settings.container;
            assert.ok(container, "a worker with a container gets container settings");
            assertDefault(container.cpu, DEFAULT_CPU_UNITS, 256, "container.cpu");
            assertDefault(container.memory, DEFAULT_MEMORY_MIB, 512, "container.memory");
            assertDefault(
                container.stopTimeoutSeconds,
                DEFAULT_STOP_TIMEOUT_SECONDS,
                120,
                "container.stopTimeoutSeconds",
            );
            assertDefault(container.logRetentionDays, DEFAULT_LOG_RETENTION_DAYS, 30, "container.logRetentionDays");
            assert.equal(container.architecture, CpuArchitecture.X86_64);
            assert.equal(container.command, undefined, "no command means the image's own CMD");
        });

        it("scales between 1 and 10 tasks on a backlog of 10 per task, out after 300 s and in after 300 s, with the burst policy", () => {
            const scaling = settings.scaling;
            assertDefault(scaling.minTasks, DEFAULT_MIN_TASKS, 1, "scaling.minTasks");
            assertDefault(scaling.maxTasks, DEFAULT_MAX_TASKS, 10, "scaling.maxTasks");
            assertDefault(
                scaling.targetBacklogPerTask,
                DEFAULT_TARGET_BACKLOG_PER_TASK,
                10,
                "scaling.targetBacklogPerTask",
            );
            assert.equal(scaling.targetSource, "default");
            assertDefault(
                scaling.scaleOutCooldownSeconds,
                DEFAULT_SCALE_OUT_COOLDOWN_SECONDS,
                300,
                "scaling.scaleOutCooldownSeconds",
            );
            assertDefault(
                scaling.scaleInCooldownSeconds,
                DEFAULT_SCALE_IN_COOLDOWN_SECONDS,
                300,
                "scaling.scaleInCooldownSeconds",
            );
            assert.equal(scaling.countInFlight, true, "in-flight messages count toward the backlog by default");
            assert.equal(scaling.disableScaleIn, false);
            assertDefault(scaling.burstScaleOut, DEFAULT_BURST_SCALE_OUT, true, "scaling.burstScaleOut");
            assert.deepEqual(scaling.schedules, []);
            assert.equal(scaling.acceptableLatencySeconds, undefined);
            assert.equal(scaling.averageProcessingSeconds, undefined);
        });

        it("runs about four tasks in five on Spot: FARGATE_SPOT weight 4 and FARGATE weight 1, no base", () => {
            const expected = [
                { capacityProvider: "FARGATE_SPOT", weight: 4, base: 0 },
                { capacityProvider: "FARGATE", weight: 1, base: 0 },
            ];
            assert.deepEqual(DEFAULT_CAPACITY_PROVIDER_STRATEGY, expected);
            assert.deepEqual(settings.capacityProviderStrategy, expected);
        });

        it("gives each worker its own copy of the default strategy, so changing one cannot change another", () => {
            resolveWorkerSettings(minimalArgs()).capacityProviderStrategy[0].weight = 99;
            assert.equal(DEFAULT_CAPACITY_PROVIDER_STRATEGY[0].weight, 4);
            assert.equal(resolveWorkerSettings(minimalArgs()).capacityProviderStrategy[0].weight, 4);
        });

        it("keeps tasks off public IPs", () => {
            assert.equal(settings.assignPublicIp, false);
        });

        it("reads schedules in UTC unless told otherwise", () => {
            const resolved = resolveWorkerSettings(
                minimalArgs({
                    scaling: { schedules: [{ name: "nights", schedule: "cron(0 20 * * ? *)", minTasks: 1 }] },
                }),
            );
            assert.equal(DEFAULT_SCHEDULE_TIMEZONE, "UTC");
            assert.equal(resolved.scaling.schedules[0].timezone, "UTC");
        });

        it("gives an unset strategy entry weight 1 and base 0", () => {
            const resolved = resolveWorkerSettings(
                minimalArgs({ capacityProviderStrategy: [{ capacityProvider: CapacityProvider.Fargate }] }),
            );
            assert.deepEqual(resolved.capacityProviderStrategy, [{ capacityProvider: "FARGATE", weight: 1, base: 0 }]);
        });

        it("has no container settings when the user brings a task definition", () => {
            const resolved = resolveWorkerSettings(
                minimalArgs({
                    container: undefined,
                    taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/jobs:3",
                }),
            );
            assert.equal(resolved.container, undefined);
        });
    });

    describe("the user's values", () => {
        it("win over every default, including 0 and false", () => {
            const resolved = resolveWorkerSettings(
                minimalArgs({
                    assignPublicIp: true,
                    container: {
                        image: "worker:2",
                        cpu: 1024,
                        memory: 4096,
                        command: ["node", "worker.js"],
                        architecture: CpuArchitecture.ARM64,
                        stopTimeoutSeconds: 0,
                        logRetentionDays: 365,
                    },
                    queue: {
                        visibilityTimeoutSeconds: 0,
                        messageRetentionSeconds: 60,
                        receiveWaitTimeSeconds: 0,
                        delaySeconds: 900,
                        maxMessageSizeBytes: 1_048_576,
                        maxReceiveCount: 1,
                        deadLetterRetentionSeconds: 86_400,
                    },
                    capacityProviderStrategy: [
                        { capacityProvider: CapacityProvider.Fargate, weight: 0, base: 2 },
                        { capacityProvider: CapacityProvider.FargateSpot, weight: 7 },
                    ],
                    scaling: {
                        minTasks: 0,
                        maxTasks: 3,
                        targetBacklogPerTask: 2.5,
                        countInFlight: false,
                        scaleOutCooldownSeconds: 0,
                        scaleInCooldownSeconds: 0,
                        disableScaleIn: true,
                        burstScaleOut: false,
                        keepQueueActive: false,
                        schedules: [
                            {
                                name: "peak",
                                schedule: "rate(1 hour)",
                                timezone: "Europe/Paris",
                                minTasks: 2,
                                maxTasks: 3,
                            },
                        ],
                    },
                }),
            );
            // Compared key by key rather than as a whole: settings this test does not set may be added later.
            assert.equal(resolved.assignPublicIp, true);
            assertKeeps(resolved.container, {
                cpu: 1024,
                memory: 4096,
                command: ["node", "worker.js"],
                architecture: CpuArchitecture.ARM64,
                stopTimeoutSeconds: 0,
                logRetentionDays: 365,
            });
            assertKeeps(resolved.queue, {
                visibilityTimeoutSeconds: 0,
                messageRetentionSeconds: 60,
                receiveWaitTimeSeconds: 0,
                delaySeconds: 900,
                maxMessageSizeBytes: 1_048_576,
                maxReceiveCount: 1,
                deadLetterRetentionSeconds: 86_400,
            });
            assert.deepEqual(resolved.capacityProviderStrategy, [
                { capacityProvider: "FARGATE", weight: 0, base: 2 },
                { capacityProvider: "FARGATE_SPOT", weight: 7, base: 0 },
            ]);
            assertKeeps(resolved.scaling, {
                minTasks: 0,
                maxTasks: 3,
                targetBacklogPerTask: 2.5,
                targetSource: "targetBacklogPerTask",
                countInFlight: false,
                scaleOutCooldownSeconds: 0,
                scaleInCooldownSeconds: 0,
                disableScaleIn: true,
                burstScaleOut: false,
                keepQueueActive: false,
                schedules: [
                    { name: "peak", schedule: "rate(1 hour)", timezone: "Europe/Paris", minTasks: 2, maxTasks: 3 },
                ],
            });
        });

        it("mark a backlog target set to the default's value as the user's own", () => {
            const resolved = resolveWorkerSettings(minimalArgs({ scaling: { targetBacklogPerTask: 10 } }));
            assert.equal(resolved.scaling.targetBacklogPerTask, 10);
            assert.equal(resolved.scaling.targetSource, "targetBacklogPerTask");
        });
    });

    describe("backlog target from latency (Little's law)", () => {
        it("is floor(acceptable latency / average processing time)", () => {
            assert.equal(backlogTargetFromLatency(60, 6), 10);
            assert.equal(
                backlogTargetFromLatency(60, 7),
                8,
                "60 / 7 = 8.57 rounds down, so the latency goal is still met",
            );
            assert.equal(backlogTargetFromLatency(30, 30), 1);
            assert.equal(backlogTargetFromLatency(299, 100), 2);
        });

        it("sets the worker's target and says it came from the latency settings", () => {
            const resolved = resolveWorkerSettings(
                minimalArgs({ scaling: { acceptableLatencySeconds: 120, averageProcessingSeconds: 9 } }),
            );
            assert.equal(resolved.scaling.targetBacklogPerTask, 13);
            assert.equal(resolved.scaling.targetSource, "latency");
            assert.equal(resolved.scaling.acceptableLatencySeconds, 120);
            assert.equal(resolved.scaling.averageProcessingSeconds, 9);
        });
    });

    describe("keepQueueActive", () => {
        const keepActive = (scaling: BackgroundWorkerArgs["scaling"]) =>
            resolveWorkerSettings(minimalArgs({ scaling })).scaling.keepQueueActive;

        it("defaults to true when minTasks is 0, so an idle queue keeps publishing metrics that wake the service", () => {
            assert.equal(keepActive({ minTasks: 0 }), true);
        });

        it("defaults to true when a schedule can lower the minimum to 0", () => {
            assert.equal(
                keepActive({
                    minTasks: 2,
                    schedules: [{ name: "nights", schedule: "cron(0 20 * * ? *)", minTasks: 0 }],
                }),
                true,
            );
        });

        it("defaults to false when nothing can bring the service to zero", () => {
            assert.equal(keepActive(undefined), false);
            assert.equal(
                keepActive({
                    minTasks: 1,
                    schedules: [{ name: "peak", schedule: "cron(0 8 * * ? *)", minTasks: 5, maxTasks: 20 }],
                }),
                false,
            );
        });

        it("follows the user's choice either way", () => {
            assert.equal(keepActive({ minTasks: 0, keepQueueActive: false }), false);
            assert.equal(keepActive({ minTasks: 1, keepQueueActive: true }), true);
        });
    });

    describe("canScaleToZero", () => {
        it("is true when the floor is 0", () => {
            assert.equal(canScaleToZero(0, []), true);
        });

        it("is true when any schedule sets the minimum to 0", () => {
            assert.equal(
                canScaleToZero(3, [schedule({ name: "days", minTasks: 3 }), schedule({ minTasks: 0, maxTasks: 0 })]),
                true,
            );
        });

        it("is false when the floor and every scheduled minimum are above 0, or a schedule only sets a maximum", () => {
            assert.equal(canScaleToZero(1, []), false);
            assert.equal(canScaleToZero(1, [schedule({ minTasks: 1 }), schedule({ name: "cap", maxTasks: 4 })]), false);
        });
    });

    describe("resolve once, then validate", () => {
        it("never throws on values of the wrong shape, and leaves them for validation to reject with their path", () => {
            const args = minimalArgs({
                capacityProviderStrategy: [null as unknown as { capacityProvider: CapacityProvider }],
                scaling: { schedules: "nightly" as unknown as ScheduleSettings[] },
            });
            const settings = resolveWorkerSettings(args);
            assert.deepEqual(settings.scaling.schedules, []);
            assert.throws(
                () => validateWorkerArgs(args),
                (error: unknown) => {
                    assert.ok(pulumi.InputPropertiesError.isInstance(error), String(error));
                    const paths = error.errors.map((problem) => problem.propertyPath);
                    assert.ok(paths.includes("capacityProviderStrategy[0]"), paths.join(", "));
                    assert.ok(paths.includes("scaling.schedules"), paths.join(", "));
                    return true;
                },
            );
        });

        it("applies no default anywhere but settings.ts: no validation file reads a DEFAULT_ constant", () => {
            const directory = path.join(__dirname, "..", "..", "..", "components", "validation");
            const readers = fs
                .readdirSync(directory)
                .filter((file) => /\bDEFAULT_[A-Z_]+/.test(fs.readFileSync(path.join(directory, file), "utf8")));
            assert.deepEqual(readers, []);
        });

        it("decides whether the SNS topics are FIFO: as stated, or from plain ARNs that all end in .fifo", () => {
            const fifo = "arn:aws:sns:us-east-1:123456789012:orders.fifo";
            const standard = "arn:aws:sns:us-east-1:123456789012:orders";
            const resolved = (sources: BackgroundWorkerArgs["sources"]) =>
                resolveWorkerSettings(minimalArgs({ sources })).sources.snsTopicsFifo;
            assert.equal(resolved({ snsTopicArns: [fifo] }), true);
            assert.equal(resolved({ snsTopicArns: [fifo, standard] }), false);
            assert.equal(resolved({ snsTopicArns: [pulumi.output(fifo)] }), false);
            assert.equal(resolved({ snsTopicArns: [pulumi.output(fifo)], snsTopicsFifo: true }), true);
            assert.equal(resolved(undefined), false);
        });
    });
});
