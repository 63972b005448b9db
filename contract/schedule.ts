// The schedule expressions of Application Auto Scaling's scheduled actions, which are EventBridge's: cron() with six
// fields, rate(value unit) and at(yyyy-mm-ddThh:mm:ss). One parser turns the text into a typed expression; validation
// reports what it refuses, and the simulator fires what it accepts, so the two cannot disagree on an expression.
// The grammar, with its source, is in docs/aws-limits.md ("Schedule expressions").

/** The three forms, as an error message states them. */
export const SCHEDULE_FORMS =
    "cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)";

/** `rate(value unit)`: every `value` units, counted from when the action is created. */
export interface RateExpression {
    kind: "rate";
    value: number;
    unit: "minute" | "hour" | "day";
    intervalSeconds: number;
}

/** `at(yyyy-mm-ddThh:mm:ss)`: once, at that local time. */
export interface AtExpression {
    kind: "at";
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second: number;
}

/** One part of a cron list: the values from `from` to `to` that are `step` apart (a single value has from = to). */
export interface CronRange {
    from: number;
    to: number;
    step: number;
}

/** A cron field's values, one range per comma-separated part; `*` is the field's whole range. */
export type CronValues = readonly CronRange[];

/** The day-of-month field. */
export type CronDayOfMonth =
    /** `?`: no day of the month is named; the day-of-week field decides. */
    | { kind: "unspecified" }
    | { kind: "days"; days: CronValues }
    /** `L`: the month's last day. */
    | { kind: "lastDay" }
    /** `nW`: the weekday (Monday to Friday) nearest day n, within the same month. */
    | { kind: "nearestWeekday"; day: number };

/** The day-of-week field; days are 1 (SUN) to 7 (SAT). */
export type CronDayOfWeek =
    /** `?`: no day of the week is named; the day-of-month field decides. */
    | { kind: "unspecified" }
    /** A list; `L` alone is the week's last day, 7 (SAT). */
    | { kind: "days"; days: CronValues }
    /** `nL`: the month's last weekday n (`6L`, the last Friday). */
    | { kind: "lastInMonth"; weekday: number }
    /** `n#k`: the month's k-th weekday n (`2#1`, the first Monday). */
    | { kind: "nthInMonth"; weekday: number; occurrence: number };

/** `cron(minutes hours day-of-month month day-of-week year)`. */
export interface CronExpression {
    kind: "cron";
    minutes: CronValues;
    hours: CronValues;
    dayOfMonth: CronDayOfMonth;
    months: CronValues;
    dayOfWeek: CronDayOfWeek;
    years: CronValues;
}

export type ScheduleExpression = RateExpression | AtExpression | CronExpression;

/** The parsed expression, or why it is refused: a reason that starts with "must", ready to follow a property path. */
export type ScheduleParseResult = { expression: ScheduleExpression } | { problem: string };

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const CRON = /^cron\(\s*(.*?)\s*\)$/;
const UNIT_SECONDS = { minute: 60, hour: 3_600, day: 86_400 } as const;

const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** A cron field's bounds, value names and the forms it takes beyond lists, ranges and steps, as AWS documents them. */
interface FieldRule {
    name: string;
    min: number;
    max: number;
    names?: readonly string[];
    steps: boolean;
    /** How a reason states the field's valid values. */
    form: string;
}

const MINUTES: FieldRule = { name: "minutes", min: 0, max: 59, steps: true, form: "0-59 with , - * /" };
const HOURS: FieldRule = { name: "hours", min: 0, max: 23, steps: true, form: "0-23 with , - * /" };
const DAY_OF_MONTH: FieldRule = {
    name: "day-of-month",
    min: 1,
    max: 31,
    steps: true,
    form: "1-31 with , - * /, or ?, L or nW",
};
const MONTH: FieldRule = {
    name: "month",
    min: 1,
    max: 12,
    names: MONTH_NAMES,
    steps: true,
    form: "1-12 or JAN-DEC with , - * /",
};
const DAY_OF_WEEK: FieldRule = {
    name: "day-of-week",
    min: 1,
    max: 7,
    names: WEEKDAY_NAMES,
    steps: false,
    form: "1-7 or SUN-SAT with , - *, or ?, L, nL or n#k",
};
const YEAR: FieldRule = { name: "year", min: 1970, max: 2199, steps: true, form: "1970-2199 with , - * /" };

/** Thrown inside the cron parser and turned into a problem at its edge. */
class CronFieldError extends Error {}

/** Parses a schedule expression; never throws. */
export function parseScheduleExpression(text: string): ScheduleParseResult {
    const got = `got ${JSON.stringify(text)}`;
    const rate = RATE.exec(text);
    if (rate) {
        const value = Number(rate[1]);
        if (value < 1) {
            return { problem: `must have a rate of at least 1; ${got}` };
        }
        const plural = rate[2].endsWith("s");
        if (plural === (value === 1)) {
            return { problem: `must use the singular unit for 1 and the plural otherwise, as AWS requires; ${got}` };
        }
        const unit = (plural ? rate[2].slice(0, -1) : rate[2]) as RateExpression["unit"];
        return { expression: { kind: "rate", value, unit, intervalSeconds: value * UNIT_SECONDS[unit] } };
    }
    const at = AT.exec(text);
    if (at) {
        const [year, month, day, hour, minute, second] = at.slice(1).map(Number);
        if (
            month < 1 ||
            month > 12 ||
            day < 1 ||
            day > daysInMonth(year, month) ||
            hour > 23 ||
            minute > 59 ||
            second > 59
        ) {
            return { problem: `must name a date and time that exist, as at(yyyy-mm-ddThh:mm:ss); ${got}` };
        }
        return { expression: { kind: "at", year, month, day, hour, minute, second } };
    }
    const cron = CRON.exec(text);
    const fields = cron ? cron[1].split(/\s+/) : [];
    if (!cron || fields.length !== 6) {
        return { problem: `must be ${SCHEDULE_FORMS}; ${got}` };
    }
    try {
        return { expression: parseCron(fields) };
    } catch (error) {
        if (error instanceof CronFieldError) {
            return { problem: `${error.message}; ${got}` };
        }
        throw error;
    }
}

function parseCron([minutes, hours, dayOfMonth, months, dayOfWeek, years]: string[]): CronExpression {
    if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
        throw new CronFieldError(
            "must set exactly one of day-of-month and day-of-week to ?, since AWS cannot match both " +
                `(day-of-month is ${JSON.stringify(dayOfMonth)}, day-of-week ${JSON.stringify(dayOfWeek)})`,
        );
    }
    return {
        kind: "cron",
        minutes: parseList(minutes, MINUTES),
        hours: parseList(hours, HOURS),
        dayOfMonth: parseDayOfMonth(dayOfMonth),
        months: parseList(months, MONTH),
        dayOfWeek: parseDayOfWeek(dayOfWeek),
        years: parseList(years, YEAR),
    };
}

function fieldError(rule: FieldRule, text: string, why = ""): CronFieldError {
    return new CronFieldError(
        `must have a ${rule.name} field of ${rule.form}, not ${JSON.stringify(text)}${why ? ` (${why})` : ""}`,
    );
}

function parseDayOfMonth(text: string): CronDayOfMonth {
    if (text === "?") {
        return { kind: "unspecified" };
    }
    if (text === "L") {
        return { kind: "lastDay" };
    }
    const weekday = /^(\d+)W$/.exec(text);
    if (weekday) {
        return { kind: "nearestWeekday", day: parseValue(weekday[1], DAY_OF_MONTH, text) };
    }
    return { kind: "days", days: parseList(text, DAY_OF_MONTH) };
}

function parseDayOfWeek(text: string): CronDayOfWeek {
    if (text === "?") {
        return { kind: "unspecified" };
    }
    if (text === "L") {
        return { kind: "days", days: [{ from: DAY_OF_WEEK.max, to: DAY_OF_WEEK.max, step: 1 }] };
    }
    const last = /^([^#]+)L$/.exec(text);
    if (last) {
        return { kind: "lastInMonth", weekday: parseValue(last[1], DAY_OF_WEEK, text) };
    }
    const nth = /^([^#]+)#(\d+)$/.exec(text);
    if (nth) {
        const occurrence = Number(nth[2]);
        if (occurrence < 1 || occurrence > 5) {
            throw fieldError(DAY_OF_WEEK, text, "n#k needs k from 1 to 5");
        }
        return { kind: "nthInMonth", weekday: parseValue(nth[1], DAY_OF_WEEK, text), occurrence };
    }
    if (text.includes("#")) {
        throw fieldError(DAY_OF_WEEK, text, "n#k stands alone in its field");
    }
    return { kind: "days", days: parseList(text, DAY_OF_WEEK) };
}

/** A comma-separated list of `*`, values and ranges, each with an optional `/step` where the field allows steps. */
function parseList(text: string, rule: FieldRule): CronValues {
    return text.split(",").map((part) => {
        const [base, stepText, ...rest] = part.split("/");
        if (rest.length > 0 || (stepText !== undefined && !rule.steps)) {
            throw fieldError(rule, text, stepText !== undefined && !rule.steps ? "no / in this field" : "");
        }
        const step = stepText === undefined ? 1 : Number(stepText);
        if (!/^\d+$/.test(stepText ?? "1") || step < 1) {
            throw fieldError(rule, text, "a step is a whole number of at least 1");
        }
        if (base === "*") {
            return { from: rule.min, to: rule.max, step };
        }
        const bounds = base.split("-");
        if (bounds.length > 2) {
            throw fieldError(rule, text);
        }
        const from = parseValue(bounds[0], rule, text);
        // `n/step` runs from n to the field's end, as `*/step` runs from its start.
        const to = bounds.length === 2 ? parseValue(bounds[1], rule, text) : stepText === undefined ? from : rule.max;
        if (to < from) {
            throw fieldError(rule, text, "a range runs from low to high");
        }
        return { from, to, step };
    });
}

function parseValue(text: string, rule: FieldRule, field: string): number {
    const named = rule.names?.indexOf(text.toUpperCase()) ?? -1;
    const value = named >= 0 ? named + rule.min : /^\d+$/.test(text) ? Number(text) : NaN;
    if (Number.isNaN(value)) {
        throw fieldError(rule, field, `${JSON.stringify(text)} is no ${rule.name} value`);
    }
    if (value < rule.min || value > rule.max) {
        throw fieldError(rule, field, `${value} is outside ${rule.min}-${rule.max}`);
    }
    return value;
}

/** A wall-clock minute in the schedule's time zone; `weekday` is 1 (Sunday) to 7 (Saturday), as cron counts. */
export interface LocalMinute {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    weekday: number;
}

/** The number of days in `month` (1-12) of `year`. */
function daysInMonth(year: number, month: number): number {
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function weekdayOf(year: number, month: number, day: number): number {
    return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function inValues(values: CronValues, value: number): boolean {
    return values.some((range) => value >= range.from && value <= range.to && (value - range.from) % range.step === 0);
}

/** The day `nW` means in a month: day n if a weekday, else the nearest weekday without leaving the month. */
function nearestWeekday(year: number, month: number, day: number): number | undefined {
    const last = daysInMonth(year, month);
    if (day > last) {
        return undefined;
    }
    const weekday = weekdayOf(year, month, day);
    if (weekday === 7) {
        return day === 1 ? day + 2 : day - 1;
    }
    if (weekday === 1) {
        return day === last ? day - 2 : day + 1;
    }
    return day;
}

function dayOfMonthMatches(field: CronDayOfMonth, time: LocalMinute): boolean {
    switch (field.kind) {
        case "unspecified":
            return true;
        case "days":
            return inValues(field.days, time.day);
        case "lastDay":
            return time.day === daysInMonth(time.year, time.month);
        case "nearestWeekday":
            return time.day === nearestWeekday(time.year, time.month, field.day);
    }
}

function dayOfWeekMatches(field: CronDayOfWeek, time: LocalMinute): boolean {
    switch (field.kind) {
        case "unspecified":
            return true;
        case "days":
            return inValues(field.days, time.weekday);
        case "lastInMonth":
            return time.weekday === field.weekday && time.day + 7 > daysInMonth(time.year, time.month);
        case "nthInMonth":
            return time.weekday === field.weekday && Math.ceil(time.day / 7) === field.occurrence;
    }
}

/** Whether a cron expression fires at this local minute. */
export function cronFiresAt(cron: CronExpression, time: LocalMinute): boolean {
    return (
        inValues(cron.minutes, time.minute) &&
        inValues(cron.hours, time.hour) &&
        inValues(cron.months, time.month) &&
        inValues(cron.years, time.year) &&
        dayOfMonthMatches(cron.dayOfMonth, time) &&
        dayOfWeekMatches(cron.dayOfWeek, time)
    );
}
