import * as assert from "node:assert/strict";
import { WorkerScaling, WorkerSchedule } from "../../../components/index";
import {
    accepted,
    assertRejected,
    describeIntegerBounds,
    IntegerBound,
    schedule,
    severalProblems,
    untyped,
    WEEKDAY_CRON,
} from "../../support/validation";
import { minimalArgs } from "../../support/worker";

const INTEGER_BOUNDS: IntegerBound[] = [
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

describe("validation/scaling: task bounds, backlog target, cooldowns and schedules", () => {
    describe("AWS's numeric limits", () => {
        describeIntegerBounds(INTEGER_BOUNDS);

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

        it("warns about a backlog target below 1, which keeps more tasks than messages: messages per task, not tasks per message", () => {
            const [warning, ...others] = accepted(minimalArgs({ scaling: { targetBacklogPerTask: 0.1 } }));
            assert.deepEqual(others, []);
            assert.match(
                warning,
                /^scaling\.targetBacklogPerTask \(0\.1\) is below one message per task: the service keeps about 10 tasks per waiting message, .*for one task per 10 messages, write 10$/,
            );
            assert.deepEqual(accepted(minimalArgs({ scaling: { targetBacklogPerTask: 1 } })), []);
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

        it("refuses a schedule that is not an object (null from another language) with its position, not a crash", () => {
            for (const value of [null, undefined, "cron(0 8 * * ? *)"]) {
                assertRejected(withSchedules([untyped(value)]), "scaling.schedules[0]", "must be an object");
            }
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

        it("accepts the cron day forms AWS documents: L, nW, nL and n#k", () => {
            accepted(
                withSchedules([
                    schedule({ name: "month-end", schedule: "cron(0 8 L * ? *)" }),
                    schedule({ name: "near-15th", schedule: "cron(0 8 15W * ? *)" }),
                    schedule({ name: "last-friday", schedule: "cron(0 17 ? * 6L *)" }),
                    schedule({ name: "first-monday", schedule: "cron(0 9 ? * MON#1 2025-2030)" }),
                ]),
            );
        });

        it("rejects a cron field AWS would refuse, naming the field, its valid form and the expression", () => {
            assertRejected(
                withSchedules([schedule({ schedule: "cron(0 8 32 * ? *)" })]),
                "scaling.schedules[0].schedule",
                "day-of-month field of 1-31",
                '"32"',
                'got "cron(0 8 32 * ? *)"',
            );
            assertRejected(
                withSchedules([schedule({ schedule: "cron(0 8 * * MON-FRI *)" })]),
                "scaling.schedules[0].schedule",
                "exactly one of day-of-month and day-of-week to ?",
                'got "cron(0 8 * * MON-FRI *)"',
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
});
