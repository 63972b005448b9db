// When a worker's scheduled actions fire during a simulation: the expression is read by the same parser validation
// uses (contract/schedule.ts), in the schedule's time zone, and resolved to seconds from the trace's start.
import { cronFiresAt, LocalMinute, parseScheduleExpression, ScheduleExpression } from "../contract/schedule";
import { ScheduleSettings } from "../components/plan/settings";

/** The simulated trace starts at this instant: a Monday, midnight UTC, so "weekdays at 08:00" means something. */
export const SIMULATION_START_MS = Date.UTC(2024, 0, 1);
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** One formatter per time zone: building one costs far more than formatting with it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone`'s wall clock is ahead of UTC at the instant `ms` (a whole minute), in milliseconds. */
function offsetMs(ms: number, timeZone: string): number {
    let formatter = formatters.get(timeZone);
    if (formatter === undefined) {
        formatter = new Intl.DateTimeFormat("en-US", {
            timeZone,
            hourCycle: "h23",
            year: "numeric",
            month: "numeric",
            day: "numeric",
            hour: "numeric",
            minute: "numeric",
        });
        formatters.set(timeZone, formatter);
    }
    const parts = formatter.formatToParts(new Date(ms));
    const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
    return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute")) - ms;
}

/** A wall-clock time, given as milliseconds that read as that time in UTC, as cron sees it. */
function localMinute(wallClockMs: number): LocalMinute {
    const time = new Date(wallClockMs);
    return {
        year: time.getUTCFullYear(),
        month: time.getUTCMonth() + 1,
        day: time.getUTCDate(),
        hour: time.getUTCHours(),
        minute: time.getUTCMinutes(),
        weekday: time.getUTCDay() + 1,
    };
}

/** Whether an at() or cron() expression fires at this local minute (at() fires in the minute it names). */
function firesAt(expression: Exclude<ScheduleExpression, { kind: "rate" }>, time: LocalMinute): boolean {
    if (expression.kind === "cron") {
        return cronFiresAt(expression, time);
    }
    return (
        time.year === expression.year &&
        time.month === expression.month &&
        time.day === expression.day &&
        time.hour === expression.hour &&
        time.minute === expression.minute
    );
}

/** Seconds from the trace start at which `schedule` fires, within [0, horizonSeconds). */
export function scheduleFireTimes(schedule: ScheduleSettings, horizonSeconds: number): number[] {
    const parsed = parseScheduleExpression(schedule.schedule);
    if ("problem" in parsed) {
        throw new Error(`schedule ${schedule.name}: the expression ${parsed.problem}`);
    }
    const expression = parsed.expression;
    const times: number[] = [];
    if (expression.kind === "rate") {
        for (let t = expression.intervalSeconds; t < horizonSeconds; t += expression.intervalSeconds) {
            times.push(t);
        }
        return times;
    }
    const endMs = SIMULATION_START_MS + horizonSeconds * 1000;
    for (let hourMs = SIMULATION_START_MS; hourMs < endMs; hourMs += HOUR_MS) {
        // The zone's offset is read at both ends of each hour, and minute by minute only in an hour where it changes.
        const offset = offsetMs(hourMs, schedule.timezone);
        const steady = offset === offsetMs(hourMs + HOUR_MS, schedule.timezone);
        for (let ms = hourMs; ms < Math.min(hourMs + HOUR_MS, endMs); ms += MINUTE_MS) {
            const wallClock = ms + (steady ? offset : offsetMs(ms, schedule.timezone));
            if (firesAt(expression, localMinute(wallClock))) {
                times.push((ms - SIMULATION_START_MS) / 1000);
            }
        }
    }
    return times;
}
