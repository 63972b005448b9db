// What the validation specs share: assertions on the one problem (or several) validation reports, and the table test
// of AWS's numeric bounds, so each rule file's spec states only its own rules.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { BackgroundWorkerArgs, WorkerSchedule } from "../../components/index";
import { validateWorkerArgs } from "../../components/validation";

/** A value of the wrong type where the typings want a number: what a JavaScript or YAML user can still pass. */
export function untyped<T>(value: unknown): T {
    return value as T;
}

export const WEEKDAY_CRON = "cron(0 8 ? * MON-FRI *)";

export function schedule(fields: Partial<WorkerSchedule> = {}): WorkerSchedule {
    return { name: "business-hours", schedule: WEEKDAY_CRON, minTasks: 2, ...fields };
}

export function describeThrown(error: unknown): string {
    if (pulumi.InputPropertiesError.isInstance(error)) {
        return `InputPropertiesError: ${error.message}`;
    }
    return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
}

/** Validates and expects exactly one rejected property. */
export function singleProblem(args: BackgroundWorkerArgs): pulumi.InputPropertyError {
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
export function severalProblems(args: BackgroundWorkerArgs): pulumi.InputPropertiesError {
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
export function assertRejected(args: BackgroundWorkerArgs, propertyPath: string, ...mentions: string[]): string {
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
export function accepted(args: BackgroundWorkerArgs): string[] {
    try {
        return validateWorkerArgs(args);
    } catch (error) {
        assert.fail(`expected the arguments to be accepted; got ${describeThrown(error)}`);
    }
}

export interface IntegerBound {
    path: string;
    min: number;
    max: number;
    /** The worker arguments with `value` at `path` (and whatever else the value needs to be the only problem). */
    args(value: unknown): BackgroundWorkerArgs;
}

/** For each bound: both ends accepted, one past each end rejected, and a fraction, a string and an Output refused. */
export function describeIntegerBounds(bounds: readonly IntegerBound[]): void {
    for (const bound of bounds) {
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
                assertRejected(bound.args(String(bound.max)), bound.path, "whole number", range, `got "${bound.max}"`);
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
}
