import * as assert from "node:assert/strict";
import { scheduleFireTimes, SIMULATION_START_MS } from "../../simulator/schedules";

const DAY_SECONDS = 86_400;
/** January to June 2024: 182 days, a leap February among them. */
const HALF_YEAR_SECONDS = 182 * DAY_SECONDS;

/** The fire times of an expression as UTC `yyyy-mm-ddThh:mm`, or as local times of `timezone`. */
function firings(schedule: string, timezone = "UTC", horizonSeconds = HALF_YEAR_SECONDS): string[] {
    return scheduleFireTimes({ name: "s", schedule, timezone }, horizonSeconds).map((seconds) =>
        new Date(SIMULATION_START_MS + seconds * 1000).toISOString().slice(0, 16),
    );
}

describe("simulator/schedules: when a scheduled action fires in a simulation", () => {
    // The same expressions validation accepts (contract/schedule.ts), fired over January to June 2024.
    const table: { schedule: string; what: string; expected: string[] }[] = [
        {
            schedule: "cron(0 8 L * ? *)",
            what: "the last day of each month",
            expected: [
                "2024-01-31T08:00",
                "2024-02-29T08:00",
                "2024-03-31T08:00",
                "2024-04-30T08:00",
                "2024-05-31T08:00",
                "2024-06-30T08:00",
            ],
        },
        {
            schedule: "cron(0 8 15W * ? *)",
            what: "the weekday nearest the 15th (June 15 is a Saturday)",
            expected: [
                "2024-01-15T08:00",
                "2024-02-15T08:00",
                "2024-03-15T08:00",
                "2024-04-15T08:00",
                "2024-05-15T08:00",
                "2024-06-14T08:00",
            ],
        },
        {
            schedule: "cron(0 8 1W * ? *)",
            what: "the first weekday (June 1 is a Saturday: Monday the 3rd, not May 31)",
            expected: [
                "2024-01-01T08:00",
                "2024-02-01T08:00",
                "2024-03-01T08:00",
                "2024-04-01T08:00",
                "2024-05-01T08:00",
                "2024-06-03T08:00",
            ],
        },
        {
            schedule: "cron(0 9 ? * 2#1 *)",
            what: "the first Monday of each month",
            expected: [
                "2024-01-01T09:00",
                "2024-02-05T09:00",
                "2024-03-04T09:00",
                "2024-04-01T09:00",
                "2024-05-06T09:00",
                "2024-06-03T09:00",
            ],
        },
        {
            schedule: "cron(0 17 ? * FRIL *)",
            what: "the last Friday of each month",
            expected: [
                "2024-01-26T17:00",
                "2024-02-23T17:00",
                "2024-03-29T17:00",
                "2024-04-26T17:00",
                "2024-05-31T17:00",
                "2024-06-28T17:00",
            ],
        },
        {
            schedule: "cron(0 0 29 FEB ? *)",
            what: "February 29th, which 2024 has",
            expected: ["2024-02-29T00:00"],
        },
        {
            schedule: "at(2024-03-10T06:45:00)",
            what: "once, in the minute at() names",
            expected: ["2024-03-10T06:45"],
        },
    ];
    for (const { schedule, what, expected } of table) {
        it(`fires ${schedule} on ${what}`, () => {
            assert.deepEqual(firings(schedule), expected);
        });
    }

    it("reads a cron expression in the schedule's time zone: 08:00 in Paris is 07:00 UTC in winter, 06:00 in summer", () => {
        assert.deepEqual(firings("cron(0 8 L * ? *)", "Europe/Paris", 100 * DAY_SECONDS), [
            "2024-01-31T07:00",
            "2024-02-29T07:00",
            "2024-03-31T06:00",
        ]);
    });

    it("follows a clock change minute by minute: March 31 in Paris has 23 hours, so 46 half-hours", () => {
        const times = firings("cron(0/30 * 31 MAR ? 2024)", "Europe/Paris", 100 * DAY_SECONDS);
        assert.equal(times.length, 46);
        assert.deepEqual(times.slice(0, 4), [
            "2024-03-30T23:00",
            "2024-03-30T23:30",
            "2024-03-31T00:00",
            "2024-03-31T00:30",
        ]);
        // 02:00 local does not exist that day: 01:30 local (00:30 UTC) is followed by 03:00 local (01:00 UTC).
        assert.equal(times[4], "2024-03-31T01:00");
    });

    it("fires a rate every interval from the start", () => {
        const times = scheduleFireTimes({ name: "s", schedule: "rate(6 hours)", timezone: "UTC" }, 2 * DAY_SECONDS);
        assert.deepEqual(times, [21_600, 43_200, 64_800, 86_400, 108_000, 129_600, 151_200]);
    });

    it("refuses an expression validation would refuse, with validation's reason", () => {
        assert.throws(
            () => scheduleFireTimes({ name: "night", schedule: "cron(0 8 * * MON *)", timezone: "UTC" }, DAY_SECONDS),
            /^Error: schedule night: the expression must set exactly one of day-of-month and day-of-week to \?/,
        );
    });
});
