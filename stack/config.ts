// The example stacks' configuration: read from Pulumi.<stack>.yaml, checked key by key, and turned into component
// arguments. Pure: the plan, the tests and `pulumi up` all go through it, and a typo fails with the config key named.
import {
    BackgroundWorkerArgs,
    CapacityProviderStrategyItem,
    WorkerAlarms,
    WorkerContainer,
    WorkerQueue,
    WorkerScaling,
} from "../components";

/** The project's config namespace (Pulumi.yaml's `name`). */
export const CONFIG_NAMESPACE = "background-worker";

/** One worker as the stack config describes it: the component's settings, minus what the program wires itself. */
export interface WorkerConfig {
    container: WorkerContainer;
    queue?: WorkerQueue;
    scaling?: WorkerScaling;
    capacityProviderStrategy?: CapacityProviderStrategyItem[];
    alarms?: WorkerAlarms;
}

export enum NatGatewayStrategy {
    Single = "Single",
    OnePerAz = "OnePerAz",
}

export interface StackConfig {
    /** Existing private subnets; when absent the program creates a VPC. */
    subnetIds?: string[];
    natGateways: NatGatewayStrategy;
    tags: { [key: string]: string };
    jobWorker: WorkerConfig;
    emailWorker: WorkerConfig;
}

/** A config problem, named by its full key as the user writes it (`background-worker:jobWorker.scaling.maxTasks`). */
export class StackConfigError extends Error {}

type Shape = "string" | "number" | "boolean" | "strings" | "stringMap" | { [key: string]: Shape } | [{ [key: string]: Shape }];

const CONTAINER_SHAPE: { [key: string]: Shape } = {
    image: "string",
    cpu: "number",
    memory: "number",
    command: "strings",
    environment: "stringMap",
    secrets: "stringMap",
    architecture: "string",
    stopTimeoutSeconds: "number",
    logRetentionDays: "number",
    readonlyRootFilesystem: "boolean",
};
const QUEUE_SHAPE: { [key: string]: Shape } = {
    visibilityTimeoutSeconds: "number",
    messageRetentionSeconds: "number",
    receiveWaitTimeSeconds: "number",
    delaySeconds: "number",
    maxMessageSizeBytes: "number",
    maxReceiveCount: "number",
    deadLetterRetentionSeconds: "number",
    fifo: "boolean",
    contentBasedDeduplication: "boolean",
    kmsMasterKeyId: "string",
};
const SCALING_SHAPE: { [key: string]: Shape } = {
    minTasks: "number",
    maxTasks: "number",
    targetBacklogPerTask: "number",
    acceptableLatencySeconds: "number",
    averageProcessingSeconds: "number",
    countInFlight: "boolean",
    scaleOutCooldownSeconds: "number",
    scaleInCooldownSeconds: "number",
    disableScaleIn: "boolean",
    burstScaleOut: "boolean",
    keepQueueActive: "boolean",
    schedules: [{ name: "string", schedule: "string", timezone: "string", minTasks: "number", maxTasks: "number" }],
};
const ALARMS_SHAPE: { [key: string]: Shape } = {
    deadLetterQueueNotEmpty: "boolean",
    maxMessageAgeSeconds: "number",
    queueDepthThreshold: "number",
    actionArns: "strings",
};
const WORKER_SHAPE: { [key: string]: Shape } = {
    container: CONTAINER_SHAPE,
    queue: QUEUE_SHAPE,
    scaling: SCALING_SHAPE,
    capacityProviderStrategy: [{ capacityProvider: "string", weight: "number", base: "number" }],
    alarms: ALARMS_SHAPE,
};

function checkShape(key: string, value: unknown, shape: Shape): void {
    const fail = (expected: string) => {
        throw new StackConfigError(`config ${key} must be ${expected}; got ${JSON.stringify(value)}`);
    };
    if (shape === "string" || shape === "number" || shape === "boolean") {
        if (typeof value !== shape) {
            fail(`a ${shape}`);
        }
    } else if (shape === "strings") {
        if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
            fail("a list of strings");
        }
    } else if (shape === "stringMap") {
        if (!isObject(value) || Object.values(value).some((item) => typeof item !== "string")) {
            fail("a map of strings");
        }
    } else if (Array.isArray(shape)) {
        if (!Array.isArray(value)) {
            fail("a list");
        }
        (value as unknown[]).forEach((item, index) => checkShape(`${key}[${index}]`, item, shape[0]));
    } else {
        if (!isObject(value)) {
            fail("an object");
        }
        for (const [inner, innerValue] of Object.entries(value as object)) {
            if (!(inner in shape)) {
                throw new StackConfigError(
                    `config ${key}.${inner} is not a known setting; expected one of ${Object.keys(shape).join(", ")}`,
                );
            }
            checkShape(`${key}.${inner}`, innerValue, shape[inner]);
        }
    }
}

function isObject(value: unknown): value is { [key: string]: unknown } {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A config value as Pulumi stores it: structured values as JSON, plain strings as themselves. Returns the parsed
 * value, the string when it is not JSON, or undefined when the key is unset.
 */
export function parseConfigValue(raw: string | undefined): unknown {
    if (raw === undefined) {
        return undefined;
    }
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

/** A getter over flat "namespace:key" config (Pulumi.<stack>.yaml as the runtime holds it), for readStackConfig. */
export function flatConfigGetter(flat: Record<string, string>): (key: string) => unknown {
    return (key) => parseConfigValue(flat[`${CONFIG_NAMESPACE}:${key}`]);
}

/**
 * Reads the stack config. `get` returns a key's parsed value (see parseConfigValue) or undefined.
 */
export function readStackConfig(get: (key: string) => unknown): StackConfig {
    const full = (key: string) => `${CONFIG_NAMESPACE}:${key}`;
    const worker = (key: string): WorkerConfig => {
        const value = get(key);
        if (value === undefined) {
            throw new StackConfigError(`config ${full(key)} is required: the worker's container and its settings`);
        }
        checkShape(full(key), value, WORKER_SHAPE);
        const config = value as unknown as WorkerConfig;
        if (!config.container?.image) {
            throw new StackConfigError(`config ${full(key)}.container.image is required: the worker's image URI`);
        }
        return config;
    };
    const subnetIds = get("subnetIds");
    if (subnetIds !== undefined) {
        checkShape(full("subnetIds"), subnetIds, "strings");
    }
    const natGateways = get("natGateways") ?? NatGatewayStrategy.Single;
    if (!Object.values(NatGatewayStrategy).includes(natGateways as NatGatewayStrategy)) {
        throw new StackConfigError(
            `config ${full("natGateways")} must be one of ${Object.values(NatGatewayStrategy).join(", ")}; got ${JSON.stringify(natGateways)}`,
        );
    }
    const tags = get("tags") ?? {};
    checkShape(full("tags"), tags, "stringMap");
    return {
        subnetIds: subnetIds as string[] | undefined,
        natGateways: natGateways as NatGatewayStrategy,
        tags: tags as { [key: string]: string },
        jobWorker: worker("jobWorker"),
        emailWorker: worker("emailWorker"),
    };
}

/** The component arguments for one configured worker; `sources` are wired by the program, which owns the topics. */
export function workerArgs(
    config: WorkerConfig,
    wiring: Pick<BackgroundWorkerArgs, "clusterArn" | "subnetIds" | "tags" | "sources">,
): BackgroundWorkerArgs {
    return {
        ...wiring,
        container: config.container,
        queue: config.queue,
        scaling: config.scaling,
        capacityProviderStrategy: config.capacityProviderStrategy,
        alarms: config.alarms,
    };
}
