// When a worker's scheduled actions fire during a simulation: Application Auto Scaling's cron(), rate() and at()
// expressions, read in the schedule's time zone, resolved to seconds from the trace's start.
import { ScheduleSettings } from "../components/plan/settings";

/** The simulated trace starts at this instant: a Monday, midnight UTC, so "weekdays at 08:00" means something. */
export const SIMULATION_START_MS = Date.UTC(2024, 0, 1);

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
// Application Auto Scaling cron: day-of-week 1-7 is SUN-SAT.
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function fieldMatcher(field: string, names: string[], offset: number): (value: number) => boolean {
    if (field === "*" || field === "?") {
        return () => true;
    }
    const parts = field.split(",").map((part) => {
        const [range, stepText] = part.split("/");
        const step = stepText === undefined ? 1 : Number(stepText);
        const toNumber = (text: string) => {
            const index = names.indexOf(text.toUpperCase());
            return index >= 0 ? index + offset : Number(text);
        };
        const [low, high] =
            range === "*"
                ? [-Infinity, Infinity]
                : range.includes("-")
                  ? range.split("-").map(toNumber)
                  : [toNumber(range), stepText === undefined ? toNumber(range) : Infinity];
        return (value: number) =>
            value >= low && value <= high && (value - (Number.isFinite(low) ? low : 0)) % step === 0;
    });
    return (value) => parts.some((matches) => matches(value));
}

interface LocalTime {
    minute: number;
    hour: number;
    day: number;
    month: number;
    weekday: number;
    year: number;
}

function localTime(ms: number, timeZone: string): LocalTime {
    const parts = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        weekday: "short",
    }).formatToParts(new Date(ms));
    const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "";
    return {
        minute: Number(get("minute")),
        hour: Number(get("hour")),
        day: Number(get("day")),
        month: Number(get("month")),
        weekday: DAYS.indexOf(get("weekday").toUpperCase()) + 1,
        year: Number(get("year")),
    };
}

/** Seconds from the trace start at which `schedule` fires, within [0, horizonSeconds). */
export function scheduleFireTimes(schedule: ScheduleSettings, horizonSeconds: number): number[] {
    const expression = schedule.schedule.trim();
    const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression);
    if (rate) {
        const unit = rate[2].startsWith("minute") ? 60 : rate[2].startsWith("hour") ? 3600 : 86400;
        const every = Number(rate[1]) * unit;
        const times: number[] = [];
        for (let t = every; t < horizonSeconds; t += every) {
            times.push(t);
        }
        return times;
    }
    const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
    const cron = /^cron\((.+)\)$/.exec(expression);
    const times: number[] = [];
    let matches: (time: LocalTime) => boolean;
    if (at) {
        const [year, month, day, hour, minute] = at.slice(1, 6).map(Number);
        matches = (t) =>
            t.year === year && t.month === month && t.day === day && t.hour === hour && t.minute === minute;
    } else if (cron) {
        const fields = cron[1].trim().split(/\s+/);
        if (fields.length !== 6) {
            throw new Error(
                `schedule ${schedule.name}: cron() needs 6 fields (minutes hours day-of-month month day-of-week year); got "${expression}"`,
            );
        }
        const [minute, hour, day, month, weekday, year] = [
            fieldMatcher(fields[0], [], 0),
            fieldMatcher(fields[1], [], 0),
            fieldMatcher(fields[2], [], 0),
            fieldMatcher(fields[3], MONTHS, 1),
            fieldMatcher(fields[4], DAYS, 1),
            fieldMatcher(fields[5], [], 0),
        ];
        matches = (t) =>
            minute(t.minute) && hour(t.hour) && day(t.day) && month(t.month) && weekday(t.weekday) && year(t.year);
    } else {
        throw new Error(
            `schedule ${schedule.name}: cannot read "${expression}"; expected cron(...), rate(...) or at(...)`,
        );
    }
    for (let t = 0; t < horizonSeconds; t += 60) {
        if (matches(localTime(SIMULATION_START_MS + t * 1000, schedule.timezone))) {
            times.push(t);
        }
    }
    return times;
}
