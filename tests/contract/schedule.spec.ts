import * as assert from "node:assert/strict";
import {
    CronExpression,
    cronFiresAt,
    LocalMinute,
    parseScheduleExpression,
    ScheduleExpression,
} from "../../contract/schedule";

function parsed(text: string): ScheduleExpression {
    const result = parseScheduleExpression(text);
    assert.ok("expression" in result, `expected ${text} to parse; got ${"problem" in result ? result.problem : ""}`);
    return result.expression;
}

function cron(text: string): CronExpression {
    const expression = parsed(text);
    assert.equal(expression.kind, "cron");
    return expression as CronExpression;
}

function problem(text: string): string {
    const result = parseScheduleExpression(text);
    assert.ok("problem" in result, `expected ${text} to be refused; it parsed`);
    return result.problem;
}

/** A local minute of 2024 (a leap year that starts on a Monday), with its weekday, 1 = SUN, as cron counts. */
function at(month: number, day: number, hour = 8, minute = 0, year = 2024): LocalMinute {
    const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
    return { year, month, day, hour, minute, weekday };
}

const ALL = (from: number, to: number) => [{ from, to, step: 1 }];

describe("contract/schedule: Application Auto Scaling's schedule expressions", () => {
    describe("what it reads, field by field", () => {
        const table: { text: string; expected: ScheduleExpression }[] = [
            {
                text: "rate(1 minute)",
                expected: { kind: "rate", value: 1, unit: "minute", intervalSeconds: 60 },
            },
            {
                text: "rate(6 hours)",
                expected: { kind: "rate", value: 6, unit: "hour", intervalSeconds: 21_600 },
            },
            {
                text: "rate(2 days)",
                expected: { kind: "rate", value: 2, unit: "day", intervalSeconds: 172_800 },
            },
            {
                text: "at(2030-01-15T08:30:05)",
                expected: { kind: "at", year: 2030, month: 1, day: 15, hour: 8, minute: 30, second: 5 },
            },
            {
                text: "cron(0 8 ? * MON-FRI *)",
                expected: {
                    kind: "cron",
                    minutes: [{ from: 0, to: 0, step: 1 }],
                    hours: [{ from: 8, to: 8, step: 1 }],
                    dayOfMonth: { kind: "unspecified" },
                    months: ALL(1, 12),
                    dayOfWeek: { kind: "days", days: [{ from: 2, to: 6, step: 1 }] },
                    years: ALL(1970, 2199),
                },
            },
            {
                text: "cron(*/15 9-17/2 1,15 JAN,jul-SEP ? 2025-2030)",
                expected: {
                    kind: "cron",
                    minutes: [{ from: 0, to: 59, step: 15 }],
                    hours: [{ from: 9, to: 17, step: 2 }],
                    dayOfMonth: {
                        kind: "days",
                        days: [
                            { from: 1, to: 1, step: 1 },
                            { from: 15, to: 15, step: 1 },
                        ],
                    },
                    months: [
                        { from: 1, to: 1, step: 1 },
                        { from: 7, to: 9, step: 1 },
                    ],
                    dayOfWeek: { kind: "unspecified" },
                    years: [{ from: 2025, to: 2030, step: 1 }],
                },
            },
            {
                text: "cron(5/10 0 L * ? *)",
                expected: {
                    kind: "cron",
                    minutes: [{ from: 5, to: 59, step: 10 }],
                    hours: [{ from: 0, to: 0, step: 1 }],
                    dayOfMonth: { kind: "lastDay" },
                    months: ALL(1, 12),
                    dayOfWeek: { kind: "unspecified" },
                    years: ALL(1970, 2199),
                },
            },
        ];
        for (const { text, expected } of table) {
            it(`reads ${text}`, () => {
                assert.deepEqual(parsed(text), expected);
            });
        }

        it("reads the day forms: nW, L and nL, n#k, and L alone as the week's last day", () => {
            assert.deepEqual(cron("cron(0 8 15W * ? *)").dayOfMonth, { kind: "nearestWeekday", day: 15 });
            assert.deepEqual(cron("cron(0 8 ? * 6L *)").dayOfWeek, { kind: "lastInMonth", weekday: 6 });
            assert.deepEqual(cron("cron(0 8 ? * FRIL *)").dayOfWeek, { kind: "lastInMonth", weekday: 6 });
            assert.deepEqual(cron("cron(0 8 ? * 2#1 *)").dayOfWeek, {
                kind: "nthInMonth",
                weekday: 2,
                occurrence: 1,
            });
            assert.deepEqual(cron("cron(0 8 ? * L *)").dayOfWeek, {
                kind: "days",
                days: [{ from: 7, to: 7, step: 1 }],
            });
        });

        it("allows white space around the fields and between them", () => {
            assert.deepEqual(parsed("cron( 0  8 ? * MON *  )"), parsed("cron(0 8 ? * MON *)"));
        });
    });

    describe("what it refuses, and how it says so", () => {
        const table: { text: string; mentions: string[] }[] = [
            { text: "cron(0 8 * * *)", mentions: ["must be cron(minutes hours", "rate(value unit)", "at(yyyy"] },
            { text: "every weekday at 8", mentions: ["must be cron("] },
            { text: "rate(0 minutes)", mentions: ["at least 1"] },
            { text: "rate(1 minutes)", mentions: ["singular unit for 1"] },
            { text: "rate(5 minute)", mentions: ["plural otherwise"] },
            { text: "rate(1 week)", mentions: ["rate(value unit)"] },
            { text: "at(2030-01-15 08:00)", mentions: ["at(yyyy-mm-ddThh:mm:ss)"] },
            { text: "at(2030-02-30T08:00:00)", mentions: ["date and time that exist"] },
            { text: "at(2030-01-15T24:00:00)", mentions: ["date and time that exist"] },
            { text: "cron(0 8 * * MON *)", mentions: ["exactly one of day-of-month and day-of-week", "?"] },
            { text: "cron(0 8 ? * ? *)", mentions: ["exactly one of day-of-month and day-of-week"] },
            { text: "cron(60 8 * * ? *)", mentions: ["minutes field of 0-59", '"60"', "60 is outside 0-59"] },
            { text: "cron(0 24 * * ? *)", mentions: ["hours field of 0-23"] },
            { text: "cron(0 8 32 * ? *)", mentions: ["day-of-month field of 1-31", "L or nW"] },
            { text: "cron(0 8 0W * ? *)", mentions: ["day-of-month field"] },
            { text: "cron(0 8 * 13 ? *)", mentions: ["month field of 1-12 or JAN-DEC"] },
            { text: "cron(0 8 * SEPT ? *)", mentions: ["month field", '"SEPT" is no month value'] },
            { text: "cron(0 8 ? * 0 *)", mentions: ["day-of-week field of 1-7 or SUN-SAT"] },
            { text: "cron(0 8 ? * MON/2 *)", mentions: ["day-of-week field", "no / in this field"] },
            { text: "cron(0 8 ? * 3#6 *)", mentions: ["n#k needs k from 1 to 5"] },
            { text: "cron(0 8 ? * 3#1,6#3 *)", mentions: ["n#k stands alone in its field"] },
            { text: "cron(0 8 * * ? 1969)", mentions: ["year field of 1970-2199"] },
            { text: "cron(0 17-9 * * ? *)", mentions: ["a range runs from low to high"] },
            { text: "cron(*/0 8 * * ? *)", mentions: ["a step is a whole number of at least 1"] },
            { text: "cron(0 8 LW * ? *)", mentions: ["day-of-month field"] },
        ];
        for (const { text, mentions } of table) {
            it(`refuses ${text}, ending with the expression as given`, () => {
                const reason = problem(text);
                assert.ok(reason.startsWith("must "), reason);
                assert.ok(reason.endsWith(`got ${JSON.stringify(text)}`), reason);
                for (const mention of mentions) {
                    assert.ok(reason.includes(mention), `${JSON.stringify(mention)} missing from: ${reason}`);
                }
            });
        }
    });

    describe("when a cron expression fires", () => {
        it("fires on the minute, hour, month and year it names, and at no other", () => {
            const weekdayMornings = cron("cron(30 8 ? * MON-FRI 2024)");
            assert.equal(cronFiresAt(weekdayMornings, at(1, 1, 8, 30)), true); // a Monday
            assert.equal(cronFiresAt(weekdayMornings, at(1, 6, 8, 30)), false); // a Saturday
            assert.equal(cronFiresAt(weekdayMornings, at(1, 1, 8, 31)), false);
            assert.equal(cronFiresAt(weekdayMornings, at(1, 1, 9, 30)), false);
            assert.equal(cronFiresAt(weekdayMornings, at(1, 1, 8, 30, 2025)), false);
        });

        it("reads steps from the start of their range: 5/20 is minutes 5, 25 and 45", () => {
            const expression = cron("cron(5/20 * * * ? *)");
            const minutes = Array.from({ length: 60 }, (_, minute) => minute).filter((minute) =>
                cronFiresAt(expression, at(3, 1, 12, minute)),
            );
            assert.deepEqual(minutes, [5, 25, 45]);
        });

        it("L is each month's own last day, leap years included", () => {
            const expression = cron("cron(0 8 L * ? *)");
            assert.equal(cronFiresAt(expression, at(2, 29)), true);
            assert.equal(cronFiresAt(expression, at(2, 28)), false);
            assert.equal(cronFiresAt(expression, at(2, 28, 8, 0, 2023)), true);
            assert.equal(cronFiresAt(expression, at(4, 30)), true);
            assert.equal(cronFiresAt(expression, at(4, 31)), false);
        });

        it("nW moves a weekend day to the nearest weekday without leaving the month", () => {
            // June 2024: the 1st is a Saturday, the 15th a Saturday, the 16th a Sunday, the 30th a Sunday.
            assert.equal(cronFiresAt(cron("cron(0 8 1W * ? *)"), at(6, 3)), true);
            assert.equal(cronFiresAt(cron("cron(0 8 1W * ? *)"), at(6, 1)), false);
            assert.equal(cronFiresAt(cron("cron(0 8 15W * ? *)"), at(6, 14)), true);
            assert.equal(cronFiresAt(cron("cron(0 8 16W * ? *)"), at(6, 17)), true);
            assert.equal(cronFiresAt(cron("cron(0 8 30W * ? *)"), at(6, 28)), true);
            // A day the month does not have never fires: 31W in June.
            const june = Array.from({ length: 30 }, (_, index) => index + 1);
            assert.deepEqual(
                june.filter((day) => cronFiresAt(cron("cron(0 8 31W * ? *)"), at(6, day))),
                [],
            );
        });
    });
});
