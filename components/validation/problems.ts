// The problem collector: every rule adds what it finds, and the component throws them all at once, so the user fixes
// every problem in one round. Each reason starts with the property path, so the message alone, as the engine prints
// it for a TypeScript program, tells the user what to change. The one module of the pure groups that uses Pulumi's
// values: its input error types, and telling an Output from a plain value (ESLint holds the others to types).
import * as pulumi from "@pulumi/pulumi";

/** One rejected property, or one legal but doubtful one: `reason` starts with `propertyPath`. */
interface ValidationProblem {
    propertyPath: string;
    reason: string;
}

/** Collects problems and warnings, then throws Pulumi's input error types for the problems. */
export class Problems {
    readonly list: ValidationProblem[] = [];
    readonly warnings: ValidationProblem[] = [];

    add(propertyPath: string, message: string): void {
        this.list.push({ propertyPath, reason: `${propertyPath} ${message}` });
    }

    /** A combination that is legal but probably not what the user wants; the same prefix as a problem. */
    warn(propertyPath: string, message: string): void {
        this.warnings.push({ propertyPath, reason: `${propertyPath} ${message}` });
    }

    /** Checks that `value` is a whole number in [min, max]; `unit` is appended to the range ("seconds"). */
    integer(path: string, value: unknown, min: number, max: number, unit = ""): value is number {
        const range = `between ${min} and ${max}${unit ? ` ${unit}` : ""}`;
        if (typeof value !== "number" || !Number.isInteger(value)) {
            this.add(path, `must be a whole number ${range}; got ${describe(value)}${numberInQuotes(value)}`);
            return false;
        }
        if (value < min || value > max) {
            this.add(path, `must be ${range}; got ${value}`);
            return false;
        }
        return true;
    }

    boolean(path: string, value: unknown): void {
        if (value !== undefined && typeof value !== "boolean") {
            this.add(path, `must be true or false; got ${describe(value)}`);
        }
    }

    oneOf<T>(path: string, value: unknown, allowed: readonly T[]): value is T {
        if (!allowed.includes(value as T)) {
            const sameLetters = allowed.find(
                (choice) =>
                    typeof choice === "string" &&
                    typeof value === "string" &&
                    choice.toUpperCase() === value.toUpperCase(),
            );
            const hint =
                sameLetters === undefined
                    ? numberInQuotes(value)
                    : ` (values are case-sensitive: write ${String(sameLetters)})`;
            this.add(path, `must be one of ${allowed.join(", ")}; got ${describe(value)}${hint}`);
            return false;
        }
        return true;
    }

    /** Throws when anything was collected: one problem as InputPropertyError, several as InputPropertiesError. */
    throwIfAny(resource: string): void {
        if (this.list.length === 1) {
            throw new pulumi.InputPropertyError(this.list[0]);
        }
        if (this.list.length > 1) {
            throw new pulumi.InputPropertiesError({
                message:
                    `${resource} has ${this.list.length} invalid properties:\n` +
                    this.list.map((problem) => `  - ${problem.reason}`).join("\n"),
                errors: this.list,
            });
        }
    }
}

/** A value as the user wrote it, for the "got ..." part of a reason. */
export function describe(value: unknown): string {
    if (typeof value === "string") {
        return JSON.stringify(value);
    }
    // JSON.stringify writes NaN and Infinity as "null", hiding the value the user actually gave.
    if (typeof value === "number") {
        return String(value);
    }
    if (isOutput(value)) {
        return "an Output (this setting must be a plain value known before deployment)";
    }
    return value === undefined ? "nothing" : (JSON.stringify(value) ?? String(value));
}

/**
 * A value known only at deployment, which validation leaves to AWS or checks once it resolves: an Output, or the
 * placeholder a preview may send from another language for a value not yet known, which becomes one.
 */
export function isOutput(value: unknown): value is pulumi.Output<unknown> {
    return pulumi.Output.isInstance(value) || pulumi.isUnknown(value);
}

/** For a number given as a string ("10", as YAML config or a quoted value gives it): how to write it instead. */
function numberInQuotes(value: unknown): string {
    return typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))
        ? " (a string: write the number without quotes)"
        : "";
}

/** A plain object: not null, not a list. */
export function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
