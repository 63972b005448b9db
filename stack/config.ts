// The example stacks' configuration: read from the stack's config, checked key by key against the component's own
// schema (stack/schema.ts), and turned into component arguments. Pure: the plan, the tests and `pulumi up` all go
// through it, and a typo fails with the config key named.
import * as pulumi from "@pulumi/pulumi";
import { PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import { BackgroundWorkerArgs } from "@background-worker/pulumi";
import { isObject, Problems } from "../components/validation/problems";
import { validateRegion } from "../components/validation/references";
import { validateTags } from "../components/validation/tags";
import {
    imageRegionWarnings,
    isProductionStack,
    misplacedHint,
    misplacedKeys,
    networkAndAlarmFindings,
    productionStackWarnings,
    productionWarnings,
    regionProblems,
} from "./checks";
import { readComponentSchema, Shape, workerInputShape, workerInputShapes } from "./schema";

/** The tags index.ts adds to the stack's own on every resource: `stack` and `managed-by`. */
const PROGRAM_TAGS = 2;

/** The project's config namespace (Pulumi.yaml's `name`). */
const CONFIG_NAMESPACE = "background-worker";

/** One worker of the example program. */
export interface ExampleWorker {
    /** Its key in the stack config: `background-worker:<configKey>`. */
    configKey: string;
    /** Its resource name, which prefixes its children's names; never change it once deployed. */
    resourceName: string;
    /** An SNS topic the program creates for other services to publish this worker's jobs to. */
    requestTopic?: string;
}

/** The example's workers, in the order the program creates them and the plan lists them: the one place they're named. */
export const EXAMPLE_WORKERS: readonly ExampleWorker[] = [
    { configKey: "jobWorker", resourceName: "job-worker" },
    { configKey: "emailWorker", resourceName: "email-worker", requestTopic: "email-requests" },
];

/** The component arguments the program wires itself, and which the config therefore cannot set. */
const WIRED_INPUTS = ["clusterArn", "subnetIds", "tags"] as const;

/** One worker as the stack config describes it: every component argument but those the program wires. */
export type WorkerConfig = Omit<BackgroundWorkerArgs, (typeof WIRED_INPUTS)[number]>;

export interface ConfiguredWorker extends ExampleWorker {
    config: WorkerConfig;
}

export enum NatGatewayStrategy {
    Single = "Single",
    OnePerAz = "OnePerAz",
}

export interface StackConfig {
    /** `aws:region`: where the stack deploys. */
    region: string;
    /** Existing private subnets; when absent the program creates a VPC. */
    subnetIds?: string[];
    natGateways: NatGatewayStrategy;
    tags: { [key: string]: string };
    /** An SNS topic every worker alarm notifies; when absent the program creates one. */
    alarmTopicArn?: string;
    /** Every worker of EXAMPLE_WORKERS, in that order. */
    workers: ConfiguredWorker[];
    /** Settings that are legal but probably not what the user wants, each naming its key; the program logs them. */
    warnings: string[];
}

/** A config problem, named by its full key as the user writes it (`background-worker:jobWorker.scaling.maxTasks`). */
export class StackConfigError extends Error {}

/**
 * A value as Pulumi's config holds it: structured values as JSON, plain strings as themselves. Returns the parsed
 * value, or the value itself when it is not a string or not JSON.
 */
export function parseJsonOrRaw(value: unknown): unknown {
    if (typeof value !== "string") {
        return value;
    }
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/** The namespace's keys: the stack's own settings, derived from the component where it has them, and the workers. */
function namespaceShape(schema: PackageSpec): Record<string, Shape> {
    const worker: Shape = { kind: "object", properties: workerInputShapes(schema, WIRED_INPUTS), required: [] };
    return {
        subnetIds: workerInputShape(schema, "subnetIds"),
        natGateways: { kind: "enum", values: Object.values(NatGatewayStrategy) },
        tags: workerInputShape(schema, "tags"),
        alarmTopicArn: { kind: "string" },
        ...Object.fromEntries(EXAMPLE_WORKERS.map(({ configKey }) => [configKey, worker])),
    };
}

const SHAPE_NAMES: Record<"string" | "number" | "boolean", string> = {
    string: "a string",
    number: "a number",
    boolean: "a boolean",
};

function describeShape(shape: Shape): string {
    switch (shape.kind) {
        case "string":
        case "number":
        case "boolean":
            return SHAPE_NAMES[shape.kind];
        case "enum":
            return `one of ${shape.values.join(", ")}`;
        case "list":
            return shape.item.kind === "string" ? "a list of strings" : "a list";
        case "map":
            return shape.value.kind === "string" ? "a map of strings" : "a map";
        case "object":
            return "an object";
    }
}

/** Checks `value` against `shape`, adding one problem per wrong key to `problems`. */
function checkShape(key: string, value: unknown, shape: Shape, problems: string[]): void {
    const wrong = () => problems.push(`config ${key} must be ${describeShape(shape)}; got ${JSON.stringify(value)}`);
    switch (shape.kind) {
        case "string":
        case "number":
        case "boolean":
            if (typeof value !== shape.kind) {
                wrong();
            }
            return;
        case "enum":
            if (!shape.values.includes(value as string)) {
                wrong();
            }
            return;
        case "list":
            if (!Array.isArray(value)) {
                wrong();
            } else {
                // Each item under its own index, so `got` shows the item the user wrote, not the whole list.
                value.forEach((item, index) => checkShape(`${key}[${index}]`, item, shape.item, problems));
            }
            return;
        case "map":
            if (!isObject(value)) {
                wrong();
            } else {
                Object.entries(value).forEach(([inner, item]) =>
                    checkShape(`${key}.${inner}`, item, shape.value, problems),
                );
            }
            return;
        case "object":
            if (!isObject(value)) {
                wrong();
                return;
            }
            for (const [inner, innerValue] of Object.entries(value)) {
                if (inner in shape.properties) {
                    checkShape(`${key}.${inner}`, innerValue, shape.properties[inner], problems);
                } else {
                    problems.push(
                        `config ${key}.${inner} is not a known setting; expected one of ${Object.keys(shape.properties).join(", ")}`,
                    );
                }
            }
            for (const required of shape.required) {
                if (value[required] === undefined) {
                    problems.push(`config ${key}.${required} is required`);
                }
            }
    }
}

/**
 * Reads the stack config from `config`, every key as `pulumi.runtime.allConfig()` returns it ("namespace:key" to
 * the stored string). Every key of the project's namespace must be known; all problems are reported at once.
 */
export function readStackConfig(
    config: Record<string, string>,
    schema: PackageSpec = readComponentSchema(),
    stack = "",
): StackConfig {
    const full = (key: string) => `${CONFIG_NAMESPACE}:${key}`;
    const shapes = namespaceShape(schema);
    const problems: string[] = misplacedKeys(config, CONFIG_NAMESPACE, Object.keys(shapes));
    const values: Record<string, unknown> = {};
    for (const [fullKey, raw] of Object.entries(config)) {
        const [namespace, key] = [fullKey.slice(0, fullKey.indexOf(":")), fullKey.slice(fullKey.indexOf(":") + 1)];
        if (namespace !== CONFIG_NAMESPACE) {
            continue;
        }
        if (!(key in shapes)) {
            const root = key.split(/[.[]/)[0];
            problems.push(
                root !== key && root in shapes
                    ? `config ${fullKey} is written as a path, which a stack file reads as one key named so: nest it ` +
                          `under ${CONFIG_NAMESPACE}:${root} in Pulumi.<stack>.yaml, as \`pulumi config set --path ` +
                          `'${fullKey}' <value>\` writes it`
                    : `config ${fullKey} is not a known setting; expected one of ${Object.keys(shapes).join(", ")}`,
            );
            continue;
        }
        values[key] = parseJsonOrRaw(raw);
        checkShape(fullKey, values[key], shapes[key], problems);
    }
    const region = config["aws:region"];
    if (region === undefined || region === "") {
        problems.push(
            "config aws:region is required: the region the stack deploys to, for example `pulumi config set aws:region us-east-1`" +
                misplacedHint(config, "region", "aws:region"),
        );
    }
    const regionValid = regionProblems(region);
    problems.push(...regionValid);
    const knownRegion = region !== undefined && region !== "" && regionValid.length === 0 ? region : undefined;
    const stackFindings = networkAndAlarmFindings(CONFIG_NAMESPACE, values, knownRegion);
    problems.push(...stackFindings.problems);
    const warnings = [...stackFindings.warnings];
    const tags = (isObject(values.tags) ? values.tags : {}) as { [key: string]: string };
    // Every resource gets them, with the program's `stack` and `managed-by` and, on alarms, the component's own.
    const tagProblems = new Problems();
    validateTags("tags", tags, tagProblems, PROGRAM_TAGS + 1);
    problems.push(...tagProblems.list.map((problem) => `config ${full(problem.reason)}`));
    const production = isProductionStack(stack, tags);
    if (production) {
        warnings.push(...productionStackWarnings(CONFIG_NAMESPACE, values));
    }
    for (const { configKey } of EXAMPLE_WORKERS) {
        const worker = values[configKey];
        if (worker === undefined) {
            problems.push(
                `config ${full(configKey)} is required: the worker's container and its settings${misplacedHint(config, configKey, full(configKey))}`,
            );
            continue;
        }
        if (knownRegion !== undefined) {
            warnings.push(...imageRegionWarnings(full(configKey), worker, knownRegion));
        }
        if (knownRegion !== undefined && isObject(worker)) {
            const regional = new Problems();
            validateRegion(
                worker as WorkerConfig as BackgroundWorkerArgs,
                knownRegion,
                "the stack's region (aws:region)",
                regional,
            );
            problems.push(...regional.list.map((problem) => configKeyed(configKey, problem.reason)));
        }
        if (production) {
            warnings.push(...productionWarnings(full(configKey), worker));
        }
    }
    if (problems.length > 0) {
        throw new StackConfigError(problems.join("\n"));
    }
    return {
        region,
        subnetIds: values.subnetIds as string[] | undefined,
        natGateways: (values.natGateways as NatGatewayStrategy | undefined) ?? NatGatewayStrategy.Single,
        tags,
        alarmTopicArn: values.alarmTopicArn as string | undefined,
        workers: EXAMPLE_WORKERS.map((worker) => ({ ...worker, config: values[worker.configKey] as WorkerConfig })),
        warnings,
    };
}

/** What the program wires into every worker: the cluster, the subnets, tags, and what it created for the worker. */
export interface WorkerWiring {
    clusterArn: pulumi.Input<string>;
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    tags?: BackgroundWorkerArgs["tags"];
    /** Topics the program created for the worker, subscribed besides any in the config. */
    snsTopicArns?: pulumi.Input<string>[];
    /** Topics every alarm notifies, besides any in the config. */
    alarmActionArns?: pulumi.Input<string>[];
}

/** The component arguments for one configured worker: its config, with the program's wiring added. */
export function workerArgs(config: WorkerConfig, wiring: WorkerWiring): BackgroundWorkerArgs {
    const { snsTopicArns, alarmActionArns, ...wired } = wiring;
    return {
        ...config,
        ...wired,
        sources: snsTopicArns?.length
            ? { ...config.sources, snsTopicArns: [...(config.sources?.snsTopicArns ?? []), ...snsTopicArns] }
            : config.sources,
        alarms: alarmActionArns?.length
            ? { ...config.alarms, actionArns: [...(config.alarms?.actionArns ?? []), ...alarmActionArns] }
            : config.alarms,
    };
}

/**
 * A component validation error, reported under the config key the worker came from: every reason starts with its
 * property path, so `config background-worker:jobWorker.` + reason names the key to change.
 */
export function asConfigError(configKey: string, error: unknown): unknown {
    if (pulumi.InputPropertyError.isInstance(error) || pulumi.InputPropertiesError.isInstance(error)) {
        const reasons = pulumi.InputPropertyError.isInstance(error)
            ? [error.reason]
            : error.errors.map((e) => e.reason);
        return new StackConfigError(reasons.map((reason) => configKeyed(configKey, reason)).join("\n"));
    }
    return error;
}

/** A component's problem or warning, prefixed with the config key of the worker it came from. */
export function configKeyed(configKey: string, reason: string): string {
    return `config ${CONFIG_NAMESPACE}:${configKey}.${reason}`;
}
