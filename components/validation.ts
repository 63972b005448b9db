// Validation of a worker's arguments against AWS's limits (../shared/AWS-LIMITS.md) and against each other.
// Runs in the constructor before any child exists, so a bad value never leaves half a stack behind. Pure: it returns
// warnings and throws Pulumi's input errors, whose reason starts with the property path so that the message alone,
// as the engine prints it for a TypeScript program, tells the user what to change.
import { MAX_RECEIVE_WAIT_TIME_SECONDS, MAX_STOP_TIMEOUT_SECONDS, MAX_VISIBILITY_TIMEOUT_SECONDS } from "../contract";
import * as pulumi from "@pulumi/pulumi";
import {
    canScaleToZero,
    DEFAULT_CPU_UNITS,
    DEFAULT_DEAD_LETTER_RETENTION_SECONDS,
    DEFAULT_DELAY_SECONDS,
    DEFAULT_MAX_RECEIVE_COUNT,
    DEFAULT_MAX_TASKS,
    DEFAULT_MEMORY_MIB,
    DEFAULT_MESSAGE_RETENTION_SECONDS,
    DEFAULT_MIN_TASKS,
    DEFAULT_RECEIVE_WAIT_TIME_SECONDS,
    DEFAULT_SCALE_IN_COOLDOWN_SECONDS,
    DEFAULT_SCALE_OUT_COOLDOWN_SECONDS,
    DEFAULT_STOP_TIMEOUT_SECONDS,
    DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
    RESERVED_ENVIRONMENT_NAMES,
} from "./settings";
import {
    BackgroundWorkerArgs,
    CapacityProvider,
    CpuArchitecture,
    SnsFilterPolicyScope,
    WorkerClusterArgs,
    WorkerSchedule,
} from "./types";

/** One rejected property: `reason` starts with `propertyPath`. */
export interface ValidationProblem {
    propertyPath: string;
    reason: string;
}

/** Collects every problem so the user fixes them in one round, then throws Pulumi's input error types. */
export class Problems {
    readonly list: ValidationProblem[] = [];

    add(propertyPath: string, message: string): void {
        this.list.push({ propertyPath, reason: `${propertyPath} ${message}` });
    }

    /** Checks that `value` is a whole number in [min, max]; `unit` is appended to the range ("seconds"). */
    integer(path: string, value: unknown, min: number, max: number, unit = ""): value is number {
        const range = `between ${min} and ${max}${unit ? ` ${unit}` : ""}`;
        if (typeof value !== "number" || !Number.isInteger(value)) {
            this.add(path, `must be a whole number ${range}; got ${describe(value)}`);
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
            this.add(path, `must be one of ${allowed.join(", ")}; got ${describe(value)}`);
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
                message: `${resource} has ${this.list.length} invalid properties:\n` +
                    this.list.map((problem) => `  - ${problem.reason}`).join("\n"),
                errors: this.list,
            });
        }
    }
}

export function describe(value: unknown): string {
    if (typeof value === "string") {
        return JSON.stringify(value);
    }
    // JSON.stringify writes NaN and Infinity as "null", hiding the value the user actually gave.
    if (typeof value === "number") {
        return String(value);
    }
    if (pulumi.Output.isInstance(value)) {
        return "an Output (this setting must be a plain value known before deployment)";
    }
    return value === undefined ? "nothing" : JSON.stringify(value) ?? String(value);
}

const MIN_RETENTION_SECONDS = 60;
const MAX_RETENTION_SECONDS = 1_209_600;
const MAX_DELAY_SECONDS = 900;
const MIN_MESSAGE_SIZE_BYTES = 1_024;
const MAX_MESSAGE_SIZE_BYTES = 1_048_576;
const MAX_RECEIVE_COUNT = 1_000;
const MAX_STRATEGY_WEIGHT = 1_000;
const MAX_STRATEGY_BASE = 100_000;
/** Application Auto Scaling accepts far more, but an ECS service is capped at 5,000 tasks by default quotas. */
const MAX_TASKS_LIMIT = 5_000;
const MAX_COOLDOWN_SECONDS = 86_400;

/** The retention periods CloudWatch Logs accepts (0 would mean never expire; we require a bound). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Valid Fargate memory sizes (MiB) for each CPU size. */
export const FARGATE_MEMORY_BY_CPU: ReadonlyMap<number, readonly number[]> = new Map([
    [256, [512, 1024, 2048]],
    [512, steps(1024, 4096, 1024)],
    [1024, steps(2048, 8192, 1024)],
    [2048, steps(4096, 16384, 1024)],
    [4096, steps(8192, 30720, 1024)],
    [8192, steps(16384, 61440, 4096)],
    [16384, steps(32768, 122880, 8192)],
]);

function steps(from: number, to: number, step: number): number[] {
    const values: number[] = [];
    for (let value = from; value <= to; value += step) {
        values.push(value);
    }
    return values;
}

const SCHEDULE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Six fields: minutes hours day-of-month month day-of-week year (Application Auto Scaling's cron form). */
const CRON_EXPRESSION = /^cron\(\s*(\S+\s+){5}\S+\s*\)$/;
const RATE_EXPRESSION = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const AT_EXPRESSION = /^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/;
const SECRET_LOOKING_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
const AWS_CREDENTIAL_NAMES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];
/** Registry credentials for the ECS agent: Security Hub ECS.8 flags it beside the AWS keys. */
const REGISTRY_CREDENTIAL_NAME = "ECS_ENGINE_AUTH_DATA";
const SQS_QUEUE_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
/** What `container.secrets` may name: the execution role is granted exactly these, and IAM only takes ARNs. */
const SECRET_REFERENCE_ARN = /^arn:aws[a-z-]*:(secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+|ssm:[a-z0-9-]+:\d{12}:parameter\/\S+)$/;
/** EventBridge's limit for a FIFO target's message group. */
const MAX_MESSAGE_GROUP_ID_LENGTH = 128;
/** CloudWatch takes at most five actions per alarm state. */
const MAX_ALARM_ACTIONS = 5;
/** With an existing queue, only what the worker must know of it; the rest is set where the queue is created. */
const EXISTING_QUEUE_SETTINGS = ["visibilityTimeoutSeconds", "kmsMasterKeyId"];

/** Is `timezone` an IANA zone name the runtime knows (Node ships the full ICU data)? */
function isTimezone(timezone: string): boolean {
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: timezone });
        return true;
    } catch {
        return false;
    }
}

/** Checks a schedule expression's form; returns a reason, or undefined when it is valid. */
export function scheduleExpressionProblem(expression: string): string | undefined {
    if (CRON_EXPRESSION.test(expression) || AT_EXPRESSION.test(expression)) {
        return undefined;
    }
    const rate = RATE_EXPRESSION.exec(expression);
    if (rate) {
        const value = Number(rate[1]);
        const singular = !rate[2].endsWith("s");
        if (value < 1) {
            return `must have a rate of at least 1; got ${JSON.stringify(expression)}`;
        }
        if (singular !== (value === 1)) {
            return `must use the singular unit for 1 and the plural otherwise, as AWS requires; got ${JSON.stringify(expression)}`;
        }
        return undefined;
    }
    return "must be cron(minutes hours day-of-month month day-of-week year), rate(value unit) or " +
        `at(yyyy-mm-ddThh:mm:ss); got ${JSON.stringify(expression)}`;
}

/** The longest SQS queue name, `.fifo` included. */
const MAX_QUEUE_NAME_LENGTH = 80;
/** What autonaming adds to `${name}-queue`: a dash and seven random characters. */
const AUTONAME_SUFFIX_LENGTH = 8;
const MAX_ROLE_NAME_LENGTH = 64;
/** SQS queue and ECS service names allow only these characters, and both are generated from the worker's name. */
const WORKER_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * The worker's resource name becomes the prefix of its queue and service names: `${name}-queue-1a2b3c4` (with
 * `.fifo` appended after the random part for a FIFO queue, past the length autonaming checks) and
 * `${name}-service-1a2b3c4`.
 */
function validateWorkerName(name: string, args: BackgroundWorkerArgs, problems: Problems): void {
    if (!WORKER_NAME.test(name)) {
        problems.add("name", `must use only letters, digits, - and _, since it prefixes the SQS queue and ECS service names; got ${describe(name)}`);
        return;
    }
    // IAM role names are at most 64 characters: `${name}-execution-role-1a2b3c4` when the component builds the task,
    // `${name}-keep-active-role-1a2b3c4` when it keeps the queue active (decided as resolveWorkerSettings and
    // planScaling decide it: asked for or defaulted, and something can bring the service to zero).
    const scaling = args.scaling ?? {};
    const keepsQueueActive = scaling.keepQueueActive !== false &&
        canScaleToZero(scaling.minTasks ?? DEFAULT_MIN_TASKS, scaling.schedules ?? []);
    const roleSuffix = keepsQueueActive ? "-keep-active-role" : args.container ? "-execution-role" : undefined;
    if (roleSuffix !== undefined) {
        const longestForRoles = MAX_ROLE_NAME_LENGTH - roleSuffix.length - AUTONAME_SUFFIX_LENGTH;
        if (name.length > longestForRoles) {
            problems.add(
                "name",
                `must be at most ${longestForRoles} characters: an IAM role is named ${name}${roleSuffix}-<7 random ` +
                    `characters>, and IAM allows ${MAX_ROLE_NAME_LENGTH}; got ${name.length} characters`,
            );
            return;
        }
    }
    if (args.existingQueue !== undefined) {
        return;
    }
    const fifoSuffix = args.queue?.fifo === true ? ".fifo".length : 0;
    const longest = MAX_QUEUE_NAME_LENGTH - "-queue".length - AUTONAME_SUFFIX_LENGTH - fifoSuffix;
    if (name.length > longest) {
        problems.add(
            "name",
            `must be at most ${longest} characters${fifoSuffix ? " for a FIFO queue" : ""}: the job queue is named ` +
                `${name}-queue-<7 random characters>${fifoSuffix ? ".fifo" : ""}, and SQS allows ${MAX_QUEUE_NAME_LENGTH}; ` +
                `got ${name.length} characters`,
        );
    }
}

/**
 * Validates a worker's arguments, and its resource name when given. Throws InputPropertyError (or
 * InputPropertiesError for several) naming each property; returns the warnings for combinations that are legal but
 * probably not what the user wants.
 */
export function validateWorkerArgs(args: BackgroundWorkerArgs, name?: string): string[] {
    const problems = new Problems();
    const warnings: string[] = [];
    if (args === undefined || args === null || typeof args !== "object") {
        problems.add("args", "must be an object with at least clusterArn, subnetIds and container");
        problems.throwIfAny("BackgroundWorker");
        return warnings;
    }
    if (name !== undefined) {
        validateWorkerName(name, args, problems);
    }
    if (args.clusterArn === undefined || args.clusterArn === null || args.clusterArn === "") {
        problems.add("clusterArn", "is required: the ARN of the ECS cluster, for example a WorkerCluster's arn");
    }
    if (args.subnetIds === undefined || args.subnetIds === null) {
        problems.add("subnetIds", "is required: the private subnets the tasks run in");
    } else if (Array.isArray(args.subnetIds) && args.subnetIds.length === 0) {
        problems.add("subnetIds", "must name at least one subnet; got an empty list");
    }
    if (Array.isArray(args.securityGroupIds) && args.securityGroupIds.length === 0) {
        problems.add("securityGroupIds", "must name at least one security group when given; omit it to have one created");
    }
    problems.boolean("assignPublicIp", args.assignPublicIp);
    problems.boolean("dashboard", args.dashboard);

    validateTaskSource(args, problems, warnings);
    validateQueue(args, problems, warnings);
    validateCapacityProviderStrategy(args, problems);
    validateScaling(args, problems);
    validateExistingQueue(args, problems);
    validateSources(args, problems);
    validateAlarms(args, problems);
    problems.throwIfAny("BackgroundWorker");
    return warnings;
}

function validateTaskSource(args: BackgroundWorkerArgs, problems: Problems, warnings: string[]): void {
    const hasContainer = args.container !== undefined && args.container !== null;
    const hasTaskDefinition = args.taskDefinitionArn !== undefined && args.taskDefinitionArn !== null;
    if (hasContainer === hasTaskDefinition) {
        problems.add(
            hasContainer ? "taskDefinitionArn" : "container",
            hasContainer
                ? "cannot be given together with container: give one of them (container lets the component build the task definition)"
                : "or taskDefinitionArn is required: give container (the component builds the task definition) or the ARN of your own",
        );
        return;
    }
    const container = args.container;
    if (!container) {
        return;
    }
    if (container.image === undefined || container.image === null || container.image === "") {
        problems.add("container.image", "is required: the image URI to run");
    }
    const cpu = container.cpu ?? DEFAULT_CPU_UNITS;
    const memory = container.memory ?? DEFAULT_MEMORY_MIB;
    const cpuValid = problems.oneOf("container.cpu", cpu, [...FARGATE_MEMORY_BY_CPU.keys()]);
    if (cpuValid) {
        const allowed = FARGATE_MEMORY_BY_CPU.get(cpu) ?? [];
        if (!allowed.includes(memory)) {
            const range = allowed.length <= 3
                ? allowed.join(", ")
                : `${allowed[0]} to ${allowed[allowed.length - 1]} in steps of ${allowed[1] - allowed[0]}`;
            problems.add("container.memory", `must be ${range} MiB when container.cpu is ${cpu}; got ${describe(memory)}`);
        }
    }
    if (container.architecture !== undefined) {
        problems.oneOf("container.architecture", container.architecture, Object.values(CpuArchitecture));
    }
    if (container.stopTimeoutSeconds !== undefined) {
        problems.integer("container.stopTimeoutSeconds", container.stopTimeoutSeconds, 0, MAX_STOP_TIMEOUT_SECONDS, "seconds (Fargate's limit)");
    }
    if (container.logRetentionDays !== undefined) {
        problems.oneOf("container.logRetentionDays", container.logRetentionDays, LOG_RETENTION_DAYS);
    }
    problems.boolean("container.readonlyRootFilesystem", container.readonlyRootFilesystem);
    if (container.command !== undefined && (!Array.isArray(container.command) || container.command.some((part) => typeof part !== "string"))) {
        problems.add("container.command", `must be a list of strings; got ${describe(container.command)}`);
    }
    const environment = container.environment ?? {};
    const secrets = container.secrets ?? {};
    for (const name of Object.keys(environment)) {
        const path = `container.environment.${name}`;
        if ((RESERVED_ENVIRONMENT_NAMES as readonly string[]).includes(name)) {
            problems.add(path, `is set by the component (${RESERVED_ENVIRONMENT_NAMES.join(", ")}); remove it`);
        } else if (AWS_CREDENTIAL_NAMES.includes(name.toUpperCase())) {
            problems.add(path, "must not hold AWS credentials: the task role gives the container its permissions; remove it");
        } else if (name.toUpperCase() === REGISTRY_CREDENTIAL_NAME) {
            problems.add(path, "must not hold registry credentials in plain text (Security Hub ECS.8): the execution role pulls from ECR; remove it");
        } else if (name in secrets) {
            problems.add(path, "is also set in container.secrets; keep only the secret");
        } else if (SECRET_LOOKING_NAME.test(name) && typeof environment[name] === "string") {
            warnings.push(`${path} looks like a secret but is a plain value visible in the task definition; move it to container.secrets`);
        }
    }
    for (const name of Object.keys(secrets)) {
        if ((RESERVED_ENVIRONMENT_NAMES as readonly string[]).includes(name)) {
            problems.add(`container.secrets.${name}`, `is set by the component (${RESERVED_ENVIRONMENT_NAMES.join(", ")}); remove it`);
        } else if (!pulumi.Output.isInstance(secrets[name]) &&
            (typeof secrets[name] !== "string" || !SECRET_REFERENCE_ARN.test(secrets[name] as string))) {
            // ECS would accept a bare parameter name, but the execution role's policy lists these values as IAM
            // resources, and IAM rejects a resource that is not an ARN.
            problems.add(
                `container.secrets.${name}`,
                "must be the ARN of a Secrets Manager secret (arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf) " +
                    "or of an SSM parameter (arn:aws:ssm:us-east-1:123456789012:parameter/db/password), not a name: the " +
                    `execution role is granted exactly these ARNs; got ${describe(secrets[name])}`,
            );
        }
    }
}

function validateQueue(args: BackgroundWorkerArgs, problems: Problems, warnings: string[]): void {
    const queue = args.queue ?? {};
    const visibility = queue.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS;
    const retention = queue.messageRetentionSeconds ?? DEFAULT_MESSAGE_RETENTION_SECONDS;
    const deadLetterRetention = queue.deadLetterRetentionSeconds ?? DEFAULT_DEAD_LETTER_RETENTION_SECONDS;
    const visibilityValid = problems.integer("queue.visibilityTimeoutSeconds", visibility, 0, MAX_VISIBILITY_TIMEOUT_SECONDS, "seconds (12 hours)");
    const retentionValid = problems.integer("queue.messageRetentionSeconds", retention, MIN_RETENTION_SECONDS, MAX_RETENTION_SECONDS, "seconds (14 days)");
    problems.integer("queue.receiveWaitTimeSeconds", queue.receiveWaitTimeSeconds ?? DEFAULT_RECEIVE_WAIT_TIME_SECONDS, 0, MAX_RECEIVE_WAIT_TIME_SECONDS, "seconds");
    problems.integer("queue.delaySeconds", queue.delaySeconds ?? DEFAULT_DELAY_SECONDS, 0, MAX_DELAY_SECONDS, "seconds");
    if (queue.maxMessageSizeBytes !== undefined) {
        problems.integer("queue.maxMessageSizeBytes", queue.maxMessageSizeBytes, MIN_MESSAGE_SIZE_BYTES, MAX_MESSAGE_SIZE_BYTES, "bytes");
    }
    problems.integer("queue.maxReceiveCount", queue.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT, 1, MAX_RECEIVE_COUNT);
    const deadLetterValid = problems.integer("queue.deadLetterRetentionSeconds", deadLetterRetention, MIN_RETENTION_SECONDS, MAX_RETENTION_SECONDS, "seconds (14 days)");
    if (retentionValid && deadLetterValid) {
        if (deadLetterRetention < retention) {
            problems.add(
                "queue.deadLetterRetentionSeconds",
                `must be at least queue.messageRetentionSeconds (${retention}); got ${deadLetterRetention}. A message keeps ` +
                    "its original enqueue time when it moves to a standard dead-letter queue, so it would expire there early",
            );
        } else if (deadLetterRetention === retention && queue.fifo !== true) {
            // FIFO queues reset the enqueue time on the move; standard queues keep it.
            const fix = retention < MAX_RETENTION_SECONDS
                ? `raise queue.deadLetterRetentionSeconds, up to ${MAX_RETENTION_SECONDS} (14 days)`
                : "shorten queue.messageRetentionSeconds, since 14 days is the most SQS keeps a message";
            warnings.push(
                `queue.deadLetterRetentionSeconds equals queue.messageRetentionSeconds (${retention}): a message moved to the ` +
                    "standard dead-letter queue keeps its original enqueue time, so it expires there as soon as it would " +
                    `have in the source; ${fix}`,
            );
        }
    }
    problems.boolean("queue.fifo", queue.fifo);
    problems.boolean("queue.contentBasedDeduplication", queue.contentBasedDeduplication);
    if (queue.contentBasedDeduplication === true && queue.fifo !== true) {
        problems.add("queue.contentBasedDeduplication", "applies only to FIFO queues: set queue.fifo to true as well, or remove it");
    }
    if (queue.kmsMasterKeyId !== undefined && !pulumi.Output.isInstance(queue.kmsMasterKeyId) &&
        (typeof queue.kmsMasterKeyId !== "string" || !KMS_KEY_ARN.test(queue.kmsMasterKeyId))) {
        problems.add(
            "queue.kmsMasterKeyId",
            "must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab, not an " +
                `alias or key ID: the task role is granted kms:Decrypt on the key's ARN; got ${describe(queue.kmsMasterKeyId)}`,
        );
    }
    const stopTimeout = args.container?.stopTimeoutSeconds ?? (args.container ? DEFAULT_STOP_TIMEOUT_SECONDS : undefined);
    if (visibilityValid && stopTimeout !== undefined && typeof stopTimeout === "number" && visibility < stopTimeout) {
        warnings.push(
            `queue.visibilityTimeoutSeconds (${visibility}) is shorter than container.stopTimeoutSeconds (${stopTimeout}): ` +
                "a message being drained after SIGTERM can reappear and be processed twice unless the worker extends its visibility",
        );
    }
}

function validateCapacityProviderStrategy(args: BackgroundWorkerArgs, problems: Problems): void {
    const strategy = args.capacityProviderStrategy;
    if (strategy === undefined) {
        return;
    }
    if (!Array.isArray(strategy) || strategy.length === 0) {
        problems.add("capacityProviderStrategy", "must list at least one capacity provider when given; omit it for the default (FARGATE_SPOT weight 4, FARGATE weight 1)");
        return;
    }
    const seen = new Set<string>();
    let withBase = 0;
    let totalWeight = 0;
    strategy.forEach((item, index) => {
        const path = `capacityProviderStrategy[${index}]`;
        if (problems.oneOf(`${path}.capacityProvider`, item.capacityProvider, Object.values(CapacityProvider))) {
            if (seen.has(item.capacityProvider)) {
                problems.add(`${path}.capacityProvider`, `must appear only once in the strategy; ${item.capacityProvider} is listed twice`);
            }
            seen.add(item.capacityProvider);
        }
        const weight = item.weight ?? 1;
        const base = item.base ?? 0;
        if (problems.integer(`${path}.weight`, weight, 0, MAX_STRATEGY_WEIGHT)) {
            totalWeight += weight;
        }
        if (problems.integer(`${path}.base`, base, 0, MAX_STRATEGY_BASE) && base > 0) {
            withBase += 1;
            if (withBase === 2) {
                problems.add(`${path}.base`, `must be 0: only one capacity provider in a strategy may have a base above 0; got ${base}`);
            }
        }
    });
    if (totalWeight === 0 && problems.list.every((problem) => !problem.propertyPath.endsWith(".weight"))) {
        problems.add("capacityProviderStrategy", "must give at least one capacity provider a weight above 0, or no task beyond the base is ever placed");
    }
}

function validateScaling(args: BackgroundWorkerArgs, problems: Problems): void {
    const scaling = args.scaling ?? {};
    const minTasks = scaling.minTasks ?? DEFAULT_MIN_TASKS;
    const maxTasks = scaling.maxTasks ?? DEFAULT_MAX_TASKS;
    const minValid = problems.integer("scaling.minTasks", minTasks, 0, MAX_TASKS_LIMIT, "tasks");
    const maxValid = problems.integer("scaling.maxTasks", maxTasks, 1, MAX_TASKS_LIMIT, "tasks");
    if (minValid && maxValid && minTasks > maxTasks) {
        problems.add("scaling.minTasks", `must be at most scaling.maxTasks (${maxTasks}); got ${minTasks}`);
    }

    const latency = scaling.acceptableLatencySeconds;
    const processing = scaling.averageProcessingSeconds;
    if (scaling.targetBacklogPerTask !== undefined) {
        if (typeof scaling.targetBacklogPerTask !== "number" || !(scaling.targetBacklogPerTask > 0) || !Number.isFinite(scaling.targetBacklogPerTask)) {
            problems.add("scaling.targetBacklogPerTask", `must be a number above 0; got ${describe(scaling.targetBacklogPerTask)}`);
        }
        for (const [name, value] of [["acceptableLatencySeconds", latency], ["averageProcessingSeconds", processing]] as const) {
            if (value !== undefined) {
                problems.add(`scaling.${name}`, "cannot be given together with scaling.targetBacklogPerTask: give the target directly, or both latency settings to derive it");
            }
        }
    } else if ((latency === undefined) !== (processing === undefined)) {
        const missing = latency === undefined ? "acceptableLatencySeconds" : "averageProcessingSeconds";
        const given = latency === undefined ? "averageProcessingSeconds" : "acceptableLatencySeconds";
        problems.add(`scaling.${missing}`, `is required when scaling.${given} is given: the backlog target is floor(acceptableLatencySeconds / averageProcessingSeconds)`);
    } else if (latency !== undefined && processing !== undefined) {
        const latencyValid = positiveNumber(problems, "scaling.acceptableLatencySeconds", latency);
        const processingValid = positiveNumber(problems, "scaling.averageProcessingSeconds", processing);
        if (latencyValid && processingValid && latency < processing) {
            problems.add(
                "scaling.acceptableLatencySeconds",
                `(${latency}) must be at least scaling.averageProcessingSeconds (${processing}): a backlog target below one ` +
                    "message per task cannot be met; raise the latency goal or make the job faster",
            );
        }
    }
    problems.boolean("scaling.countInFlight", scaling.countInFlight);
    problems.boolean("scaling.disableScaleIn", scaling.disableScaleIn);
    problems.boolean("scaling.burstScaleOut", scaling.burstScaleOut);
    problems.boolean("scaling.keepQueueActive", scaling.keepQueueActive);
    problems.integer("scaling.scaleOutCooldownSeconds", scaling.scaleOutCooldownSeconds ?? DEFAULT_SCALE_OUT_COOLDOWN_SECONDS, 0, MAX_COOLDOWN_SECONDS, "seconds");
    problems.integer("scaling.scaleInCooldownSeconds", scaling.scaleInCooldownSeconds ?? DEFAULT_SCALE_IN_COOLDOWN_SECONDS, 0, MAX_COOLDOWN_SECONDS, "seconds");

    const schedules = scaling.schedules ?? [];
    if (!Array.isArray(schedules)) {
        problems.add("scaling.schedules", `must be a list; got ${describe(schedules)}`);
        return;
    }
    const names = new Set<string>();
    schedules.forEach((schedule, index) =>
        validateSchedule(schedule, `scaling.schedules[${index}]`, names, minValid ? minTasks : 0, maxValid ? maxTasks : MAX_TASKS_LIMIT, problems));
}

/** A name that keys child resources (schedules, event rules): well-formed, and unique among `names`, which it joins. */
function uniqueName(problems: Problems, path: string, name: unknown, names: Set<string>): void {
    if (typeof name !== "string" || !SCHEDULE_NAME.test(name)) {
        problems.add(path, `is required: 1 to 64 letters, digits, - or _, unique within the worker; got ${describe(name)}`);
    } else if (names.has(name)) {
        problems.add(path, `must be unique within the worker; ${JSON.stringify(name)} is used twice`);
    } else {
        names.add(name);
    }
}

function positiveNumber(problems: Problems, path: string, value: unknown): boolean {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
        problems.add(path, `must be a number of seconds above 0; got ${describe(value)}`);
        return false;
    }
    return true;
}

function validateSchedule(
    schedule: WorkerSchedule,
    path: string,
    names: Set<string>,
    minTasks: number,
    maxTasks: number,
    problems: Problems,
): void {
    uniqueName(problems, `${path}.name`, schedule.name, names);
    if (typeof schedule.schedule !== "string") {
        problems.add(`${path}.schedule`, "is required: cron(...), rate(...) or at(...)");
    } else {
        const problem = scheduleExpressionProblem(schedule.schedule);
        if (problem) {
            problems.add(`${path}.schedule`, problem);
        }
    }
    if (schedule.timezone !== undefined && (typeof schedule.timezone !== "string" || !isTimezone(schedule.timezone))) {
        problems.add(`${path}.timezone`, `must be an IANA time zone name such as UTC or Europe/Paris; got ${describe(schedule.timezone)}`);
    }
    if (schedule.minTasks === undefined && schedule.maxTasks === undefined) {
        problems.add(path, "must set minTasks, maxTasks or both");
        return;
    }
    const minValid = schedule.minTasks === undefined || problems.integer(`${path}.minTasks`, schedule.minTasks, 0, MAX_TASKS_LIMIT, "tasks");
    const maxValid = schedule.maxTasks === undefined || problems.integer(`${path}.maxTasks`, schedule.maxTasks, 0, MAX_TASKS_LIMIT, "tasks");
    const effectiveMin = schedule.minTasks ?? minTasks;
    const effectiveMax = schedule.maxTasks ?? maxTasks;
    if (minValid && maxValid && effectiveMin > effectiveMax) {
        const minSource = schedule.minTasks === undefined ? "scaling.minTasks" : `${path}.minTasks`;
        const maxSource = schedule.maxTasks === undefined ? "scaling.maxTasks" : `${path}.maxTasks`;
        problems.add(
            schedule.minTasks === undefined ? `${path}.maxTasks` : `${path}.minTasks`,
            `leaves the minimum (${minSource} = ${effectiveMin}) above the maximum (${maxSource} = ${effectiveMax}); ` +
                "a scheduled action needs min <= max",
        );
    }
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A plain value that must match `pattern`; an Output is left to AWS, which checks it at deployment. */
function arnOf(problems: Problems, path: string, value: unknown, pattern: RegExp, example: string): boolean {
    if (!pulumi.Output.isInstance(value) && (typeof value !== "string" || !pattern.test(value))) {
        problems.add(path, `must be an ARN such as ${example}; got ${describe(value)}`);
        return false;
    }
    return true;
}

/** A JSON string holding a non-empty object (event patterns, filter policies). */
function jsonObject(problems: Problems, path: string, value: unknown, what: string): void {
    let parsed: unknown;
    try {
        parsed = typeof value === "string" ? JSON.parse(value) : undefined;
    } catch (error) {
        problems.add(path, `must be ${what} as valid JSON (${(error as Error).message}); got ${describe(value)}`);
        return;
    }
    if (!isObject(parsed) || Object.keys(parsed).length === 0) {
        problems.add(path, `must be ${what}: a JSON string holding an object with at least one key; got ${describe(value)}`);
    }
}

function validateExistingQueue(args: BackgroundWorkerArgs, problems: Problems): void {
    const existing = args.existingQueue;
    if (existing === undefined) {
        return;
    }
    if (!isObject(existing)) {
        problems.add("existingQueue", `must be an object with the queue's arn and url; got ${describe(existing)}`);
        return;
    }
    const queueExample = "arn:aws:sqs:us-east-1:123456789012:orders";
    if (existing.arn === undefined || existing.arn === null || existing.arn === "") {
        problems.add("existingQueue.arn", "is required: the ARN of the queue to consume");
    } else {
        arnOf(problems, "existingQueue.arn", existing.arn, SQS_QUEUE_ARN, queueExample);
    }
    if (existing.url === undefined || existing.url === null || existing.url === "") {
        problems.add("existingQueue.url", "is required: the URL of the queue to consume, which the worker reads from QUEUE_URL");
    }
    const hasDeadLetterArn = existing.deadLetterQueueArn !== undefined;
    const hasDeadLetterUrl = existing.deadLetterQueueUrl !== undefined;
    if (hasDeadLetterArn !== hasDeadLetterUrl) {
        const [missing, given] = hasDeadLetterArn ? ["deadLetterQueueUrl", "deadLetterQueueArn"] : ["deadLetterQueueArn", "deadLetterQueueUrl"];
        problems.add(`existingQueue.${missing}`, `is required when existingQueue.${given} is given: the worker needs the URL, the alarm the ARN`);
    }
    if (hasDeadLetterArn) {
        arnOf(problems, "existingQueue.deadLetterQueueArn", existing.deadLetterQueueArn, SQS_QUEUE_ARN, `${queueExample}-dlq`);
    }
    if (args.sources !== undefined) {
        problems.add(
            "sources",
            "cannot be given together with existingQueue: admitting SNS or EventBridge needs the queue's policy, which belongs " +
                "to the queue's owner and would be overwritten. Subscribe the queue where it is created, or let the component create it",
        );
    }
    for (const key of Object.keys(args.queue ?? {})) {
        if (!EXISTING_QUEUE_SETTINGS.includes(key)) {
            problems.add(
                `queue.${key}`,
                "cannot be given together with existingQueue: the component creates no queue; set it where the queue is created " +
                    `(only ${EXISTING_QUEUE_SETTINGS.map((setting) => `queue.${setting}`).join(" and ")} apply to an existing queue)`,
            );
        }
    }
}

function validateSources(args: BackgroundWorkerArgs, problems: Problems): void {
    const sources = args.sources;
    if (sources === undefined) {
        return;
    }
    if (!isObject(sources)) {
        problems.add("sources", `must be an object with snsTopicArns and/or eventRules; got ${describe(sources)}`);
        return;
    }
    const fifo = args.queue?.fifo === true;
    const topics = sources.snsTopicArns ?? [];
    if (!Array.isArray(topics)) {
        problems.add("sources.snsTopicArns", `must be a list of SNS topic ARNs; got ${describe(topics)}`);
    } else {
        const seen = new Set<string>();
        topics.forEach((topic, index) => {
            const path = `sources.snsTopicArns[${index}]`;
            const valid = arnOf(problems, path, topic, SNS_TOPIC_ARN, "arn:aws:sns:us-east-1:123456789012:orders");
            if (!valid || typeof topic !== "string") {
                return;
            }
            if (seen.has(topic)) {
                problems.add(path, `repeats ${JSON.stringify(topic)}; list each topic once`);
            } else if (fifo && !topic.endsWith(".fifo")) {
                problems.add(path, `must be a FIFO topic (ARN ending in .fifo) when queue.fifo is true; got ${JSON.stringify(topic)}. A standard topic cannot deliver to a FIFO queue`);
            }
            seen.add(topic);
        });
    }
    if (sources.snsFilterPolicy !== undefined) {
        jsonObject(problems, "sources.snsFilterPolicy", sources.snsFilterPolicy, "an SNS filter policy");
        if (Array.isArray(topics) && topics.length === 0) {
            problems.add("sources.snsFilterPolicy", "applies only to SNS subscriptions: list the topics in sources.snsTopicArns, or remove it");
        }
    }
    if (sources.snsFilterPolicyScope !== undefined &&
        problems.oneOf("sources.snsFilterPolicyScope", sources.snsFilterPolicyScope, Object.values(SnsFilterPolicyScope)) &&
        sources.snsFilterPolicy === undefined) {
        problems.add("sources.snsFilterPolicyScope", "applies only with sources.snsFilterPolicy: give the policy, or remove the scope");
    }

    const rules = sources.eventRules ?? [];
    if (!Array.isArray(rules)) {
        problems.add("sources.eventRules", `must be a list of rules; got ${describe(rules)}`);
        return;
    }
    const names = new Set<string>();
    rules.forEach((rule, index) => {
        const path = `sources.eventRules[${index}]`;
        if (!isObject(rule)) {
            problems.add(path, `must be an object with name and eventPattern; got ${describe(rule)}`);
            return;
        }
        uniqueName(problems, `${path}.name`, rule.name, names);
        jsonObject(problems, `${path}.eventPattern`, rule.eventPattern, "an EventBridge event pattern");
        if (rule.messageGroupId !== undefined) {
            if (!fifo) {
                problems.add(`${path}.messageGroupId`, "applies only to FIFO queues: set queue.fifo to true, or remove it");
            } else if (typeof rule.messageGroupId !== "string" || rule.messageGroupId.length < 1 || rule.messageGroupId.length > MAX_MESSAGE_GROUP_ID_LENGTH) {
                problems.add(`${path}.messageGroupId`, `must be 1 to ${MAX_MESSAGE_GROUP_ID_LENGTH} characters; got ${describe(rule.messageGroupId)}`);
            }
        }
    });
    if (fifo && rules.length > 0 && args.queue?.contentBasedDeduplication !== true) {
        problems.add(
            "queue.contentBasedDeduplication",
            "must be true when sources.eventRules deliver to a FIFO queue: EventBridge sends no deduplication ID, so SQS needs " +
                `to derive one from the body; got ${describe(args.queue?.contentBasedDeduplication)}`,
        );
    }
}

function validateAlarms(args: BackgroundWorkerArgs, problems: Problems): void {
    const alarms = args.alarms;
    if (alarms === undefined) {
        return;
    }
    if (!isObject(alarms)) {
        problems.add("alarms", `must be an object; got ${describe(alarms)}`);
        return;
    }
    problems.boolean("alarms.deadLetterQueueNotEmpty", alarms.deadLetterQueueNotEmpty);
    if (alarms.deadLetterQueueNotEmpty === true && isObject(args.existingQueue) && args.existingQueue.deadLetterQueueArn === undefined) {
        problems.add(
            "alarms.deadLetterQueueNotEmpty",
            "needs a dead-letter queue: give existingQueue.deadLetterQueueArn and existingQueue.deadLetterQueueUrl, or set it to false",
        );
    }
    if (alarms.maxMessageAgeSeconds !== undefined) {
        // A message older than the retention is deleted, so the alarm could never fire above it.
        const retention = args.queue?.messageRetentionSeconds ?? DEFAULT_MESSAGE_RETENTION_SECONDS;
        const ceiling = args.existingQueue === undefined && Number.isInteger(retention) ? retention : MAX_RETENTION_SECONDS;
        const unit = args.existingQueue === undefined ? "seconds (up to queue.messageRetentionSeconds)" : "seconds";
        problems.integer("alarms.maxMessageAgeSeconds", alarms.maxMessageAgeSeconds, MIN_RETENTION_SECONDS, ceiling, unit);
    }
    const depth = alarms.queueDepthThreshold;
    if (depth !== undefined && (typeof depth !== "number" || !Number.isSafeInteger(depth) || depth < 0)) {
        problems.add("alarms.queueDepthThreshold", `must be a whole number of messages, 0 or more; got ${describe(depth)}`);
    }
    const actions = alarms.actionArns;
    if (actions !== undefined) {
        if (!Array.isArray(actions)) {
            problems.add("alarms.actionArns", `must be a list of SNS topic ARNs; got ${describe(actions)}`);
        } else if (actions.length > MAX_ALARM_ACTIONS) {
            problems.add("alarms.actionArns", `must list at most ${MAX_ALARM_ACTIONS} topics, CloudWatch's limit per alarm state; got ${actions.length}`);
        } else {
            actions.forEach((action, index) =>
                arnOf(problems, `alarms.actionArns[${index}]`, action, SNS_TOPIC_ARN, "arn:aws:sns:us-east-1:123456789012:on-call"));
        }
    }
}

/** Validates a cluster's arguments. */
export function validateClusterArgs(args: WorkerClusterArgs): void {
    const problems = new Problems();
    if (args.clusterName !== undefined && (typeof args.clusterName !== "string" || !/^[A-Za-z0-9_-]{1,255}$/.test(args.clusterName))) {
        problems.add("clusterName", `must be 1 to 255 letters, digits, - or _; got ${describe(args.clusterName)}`);
    }
    problems.throwIfAny("WorkerCluster");
}
