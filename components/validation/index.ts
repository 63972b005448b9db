// Validation of a worker's arguments, after their defaults are applied (settings.ts): the resolved values are checked
// against AWS's limits and formats (contract/, docs/aws-limits.md) and against each other, one file of rules per concern. It
// runs in the constructor before any child exists, so a bad value never leaves half a stack behind. Pure but for one
// step, deleting null properties from the arguments (dropNullProperties): it returns warnings and throws Pulumi's input
// errors, naming every problem at once.
import { ECS_CLUSTER_NAME } from "../../contract/arns";
import { MAX_CLUSTER_NAME_LENGTH } from "../../contract/awsLimits";
import { describe, isObject, isOutput, Problems } from "./problems";
import { resolveWorkerSettings, WorkerSettings } from "../plan/settings";
import { BackgroundWorkerArgs, WorkerClusterArgs } from "../types";
import { validateAlarms } from "./alarms";
import { validateTaskSource } from "./container";
import { validateWorkerName } from "./name";
import { validateExistingQueue, validateQueue } from "./queue";
import { validateReferences } from "./references";
import { validateScaling } from "./scaling";
import { validateCapacityProviderStrategy, validateNetwork } from "./service";
import { validateSources } from "./sources";
import { validateTags, validateTagValues } from "./tags";

/**
 * Resolves a worker's arguments into its settings and validates them, and its resource name when given. Throws
 * InputPropertyError (or InputPropertiesError for several) naming each property; returns the validated settings and
 * the warnings for combinations that are legal but probably not what the user wants, each starting with its property
 * path as a problem's reason does.
 */
export function validatedWorkerSettings(
    args: BackgroundWorkerArgs,
    name?: string,
): { settings: WorkerSettings; warnings: string[] } {
    const problems = new Problems();
    if (args === undefined || args === null || typeof args !== "object") {
        problems.add("args", "must be an object with at least clusterArn, subnetIds and container");
    }
    problems.throwIfAny("BackgroundWorker");
    dropNullProperties(args);
    const settings = resolveWorkerSettings(args);
    if (name !== undefined) {
        validateWorkerName(name, args, settings, problems);
    }
    validateNetwork(args, settings, problems);
    validateReferences(args, problems);
    problems.boolean("dashboard", args.dashboard);
    validateTaskSource(args, settings, problems);
    validateQueue(args, settings, problems);
    validateCapacityProviderStrategy(args, settings, problems);
    validateScaling(args, settings, problems);
    validateExistingQueue(args, problems);
    validateSources(args, settings, problems, name);
    validateAlarms(args, settings, problems);
    // The alarms carry the component's alarm-purpose tag besides the user's.
    validateTags("tags", args.tags, problems, 1);
    validateTagValues("tags", args.tags, problems);
    problems.throwIfAny("BackgroundWorker");
    return { settings, warnings: problems.warnings.map((warning) => warning.reason) };
}

/** validatedWorkerSettings, for callers that need only the warnings. */
export function validateWorkerArgs(args: BackgroundWorkerArgs, name?: string): string[] {
    return validatedWorkerSettings(args, name).warnings;
}

/** Validates a cluster's arguments. */
export function validateClusterArgs(args: WorkerClusterArgs): void {
    const problems = new Problems();
    dropNullProperties(args);
    if (
        args.clusterName !== undefined &&
        (typeof args.clusterName !== "string" || !ECS_CLUSTER_NAME.test(args.clusterName))
    ) {
        problems.add(
            "clusterName",
            `must be 1 to ${MAX_CLUSTER_NAME_LENGTH} letters, digits, - or _; got ${describe(args.clusterName)}`,
        );
    }
    validateTags("tags", args.tags, problems);
    validateTagValues("tags", args.tags, problems);
    problems.throwIfAny("WorkerCluster");
}

/** Maps whose keys the user names: a null there is a value given for that key, not a property left unset. */
const USER_KEYED_MAPS = ["environment", "secrets", "tags"];

/**
 * A program in another language may send null for a property it leaves unset (a Python dict entry of None, a YAML key
 * with no value), and to Pulumi null and absent mean the same. Deletes such properties in place, at every level of the
 * arguments, before anything reads them: the component reads this same object after validation, so a null never
 * reaches a default, a plan or a resource as a value. A null list item, or a null value in `environment`, `secrets`
 * or `tags`, stays for validation to refuse with its position.
 */
function dropNullProperties(value: unknown): void {
    if (Array.isArray(value)) {
        value.forEach(dropNullProperties);
        return;
    }
    if (!isObject(value) || isOutput(value)) {
        return;
    }
    for (const [key, inner] of Object.entries(value)) {
        if (inner === null) {
            Reflect.deleteProperty(value, key);
        } else if (!USER_KEYED_MAPS.includes(key)) {
            dropNullProperties(inner);
        }
    }
}
