// Defaults, and the plain settings the rest of the component works from once they are applied.
// Pure functions over plain values: no resources, no Outputs. The scaling plan, the simulator and the policy pack
// reuse them, so a default lives in exactly one place.
import {
    BackgroundWorkerArgs,
    CapacityProvider,
    CapacityProviderStrategyItem,
    CpuArchitecture,
    WorkerSchedule,
} from "../types";
import { DEFAULT_STOP_TIMEOUT_SECONDS, WORKER_ENVIRONMENT_NAMES } from "../../contract";
import { FIFO_SUFFIX } from "../../contract/arns";
import {
    AWS_DEFAULT_MESSAGE_RETENTION_SECONDS,
    MAX_RECEIVE_WAIT_TIME_SECONDS,
    MAX_RETENTION_SECONDS,
} from "../../contract/awsLimits";

export { DEFAULT_STOP_TIMEOUT_SECONDS };

/** SQS holds a received message this long unless told otherwise: long enough for most jobs. */
export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 300;
/** AWS's own default retention (4 days). */
export const DEFAULT_MESSAGE_RETENTION_SECONDS = AWS_DEFAULT_MESSAGE_RETENTION_SECONDS;
/** Long polling at the maximum: fewer empty receives, lower cost, no added latency. */
export const DEFAULT_RECEIVE_WAIT_TIME_SECONDS = MAX_RECEIVE_WAIT_TIME_SECONDS;
export const DEFAULT_DELAY_SECONDS = 0;
/** Five tries before a message is parked in the dead-letter queue (what CDK and Copilot use too). */
export const DEFAULT_MAX_RECEIVE_COUNT = 5;
/** The longest SQS allows, so a failed message outlives its source's retention (see WorkerQueue). */
export const DEFAULT_DEAD_LETTER_RETENTION_SECONDS = MAX_RETENTION_SECONDS;

export const DEFAULT_CPU_UNITS = 256;
export const DEFAULT_MEMORY_MIB = 512;
export const DEFAULT_LOG_RETENTION_DAYS = 30;
/** Security Hub ECS.5: an image that cannot write outside its scratch volume cannot be altered while it runs. */
const DEFAULT_READONLY_ROOT_FILESYSTEM = true;

export const DEFAULT_MIN_TASKS = 1;
export const DEFAULT_MAX_TASKS = 10;
export const DEFAULT_TARGET_BACKLOG_PER_TASK = 10;
/**
 * Metric lag (worst 180 s) + Fargate launch (p95 90 s), rounded up to the minute: the time before a scale-out shows in
 * backlog per task. A shorter cooldown lets target tracking multiply the new capacity by a backlog still divided by the
 * old running count, and overshoot (60 s cost 21 to 28 % more on the bench's steady and diurnal traces). A larger
 * scale-out still happens during the cooldown, and the catch-up policy covers a sudden batch.
 */
export const DEFAULT_SCALE_OUT_COOLDOWN_SECONDS = 300;
/**
 * ECS's own default, and the scale-in step policy's cooldown: longer than the worst metric lag (180 s) plus a minute,
 * so DesiredTaskCount shows one scale-in before the next is decided.
 */
export const DEFAULT_SCALE_IN_COOLDOWN_SECONDS = 300;
/** The catch-up step policy next to target tracking (see scalingPlan.ts and docs/scaling.md). */
export const DEFAULT_BURST_SCALE_OUT = true;
export const DEFAULT_SCHEDULE_TIMEZONE = "UTC";

/** Every dead-lettered message is a job that failed for good: someone should hear of the first one. */
const DEFAULT_DEAD_LETTER_QUEUE_NOT_EMPTY_ALARM = true;

/** Mostly Spot, one task in five on demand, no base: a Spot shortage slows the service but cannot stop it. */
export const DEFAULT_CAPACITY_PROVIDER_STRATEGY: readonly CapacityProviderSettings[] = [
    { capacityProvider: CapacityProvider.FargateSpot, weight: 4, base: 0 },
    { capacityProvider: CapacityProvider.Fargate, weight: 1, base: 0 },
];

/** Names the component sets on the container itself; the worker runtime reads them. */
export const RESERVED_ENVIRONMENT_NAMES = WORKER_ENVIRONMENT_NAMES;

export interface QueueSettings {
    visibilityTimeoutSeconds: number;
    messageRetentionSeconds: number;
    receiveWaitTimeSeconds: number;
    delaySeconds: number;
    /** Unset means AWS's default. */
    maxMessageSizeBytes?: number;
    maxReceiveCount: number;
    deadLetterRetentionSeconds: number;
    fifo: boolean;
    contentBasedDeduplication: boolean;
}

export interface ContainerSettings {
    cpu: number;
    memory: number;
    command?: string[];
    architecture: CpuArchitecture;
    stopTimeoutSeconds: number;
    logRetentionDays: number;
    readonlyRootFilesystem: boolean;
}

export interface CapacityProviderSettings {
    capacityProvider: CapacityProvider;
    weight: number;
    base: number;
}

export interface ScheduleSettings {
    name: string;
    schedule: string;
    timezone: string;
    minTasks?: number;
    maxTasks?: number;
}

/** Where the backlog target came from, so the plan and the docs can say why it is what it is. */
export type BacklogTargetSource = "default" | "targetBacklogPerTask" | "latency";

export interface ScalingSettings {
    minTasks: number;
    maxTasks: number;
    targetBacklogPerTask: number;
    targetSource: BacklogTargetSource;
    acceptableLatencySeconds?: number;
    averageProcessingSeconds?: number;
    countInFlight: boolean;
    scaleOutCooldownSeconds: number;
    scaleInCooldownSeconds: number;
    disableScaleIn: boolean;
    /** Whether a step policy scales out ahead of target tracking when the backlog is far above the target. */
    burstScaleOut: boolean;
    schedules: ScheduleSettings[];
    /** Whether a schedule keeps the queue's metrics flowing while the service is at zero (see WorkerScaling). */
    keepQueueActive: boolean;
}

/** The operational alarms' plain settings (alarmPlan.ts turns them into alarms). */
export interface AlarmSettings {
    deadLetterQueueNotEmpty: boolean;
    /** Unset means no message-age alarm. */
    maxMessageAgeSeconds?: number;
    /** Unset means no queue-depth alarm. */
    queueDepthThreshold?: number;
}

/** What the component knows of the worker's sources before deployment. */
interface SourceSettings {
    /** Whether the SNS topics are FIFO topics, as stated or as their plain ARNs show. */
    snsTopicsFifo: boolean;
}

/** Every plain setting of a worker with its default applied. */
export interface WorkerSettings {
    queue: QueueSettings;
    /** Unset when the user brings a task definition. */
    container?: ContainerSettings;
    capacityProviderStrategy: CapacityProviderSettings[];
    scaling: ScalingSettings;
    alarms: AlarmSettings;
    sources: SourceSettings;
    assignPublicIp: boolean;
}

/** Little's law: a task with backlog B drains it in B x processing time, so B = latency / processing. */
export function backlogTargetFromLatency(acceptableLatencySeconds: number, averageProcessingSeconds: number): number {
    return Math.floor(acceptableLatencySeconds / averageProcessingSeconds);
}

function resolveStrategyItem(item: CapacityProviderStrategyItem): CapacityProviderSettings {
    return { capacityProvider: item?.capacityProvider, weight: item?.weight ?? 1, base: item?.base ?? 0 };
}

function resolveSchedule(schedule: WorkerSchedule): ScheduleSettings {
    if (typeof schedule !== "object" || schedule === null) {
        // Left as given for validation to reject with its position in the list.
        return schedule;
    }
    return {
        name: schedule.name,
        schedule: schedule.schedule,
        timezone: schedule.timezone ?? DEFAULT_SCHEDULE_TIMEZONE,
        minTasks: schedule.minTasks,
        maxTasks: schedule.maxTasks,
    };
}

/**
 * Applies the defaults, once: everything else (validation, the scaling and alarm plans, the resources, the simulator)
 * reads the values this returns. The user's values always win. It never throws: a value of the wrong type is passed
 * through as given, and validation (validation.ts), which checks these resolved values, rejects it with its path.
 */
export function resolveWorkerSettings(args: BackgroundWorkerArgs): WorkerSettings {
    const queue = args.queue ?? {};
    const scaling = args.scaling ?? {};
    const latency = scaling.acceptableLatencySeconds;
    const processing = scaling.averageProcessingSeconds;
    const fromLatency = latency !== undefined && processing !== undefined;
    const minTasks = scaling.minTasks ?? DEFAULT_MIN_TASKS;
    const schedules = Array.isArray(scaling.schedules) ? scaling.schedules.map(resolveSchedule) : [];
    return {
        queue: {
            visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
            messageRetentionSeconds: queue.messageRetentionSeconds ?? DEFAULT_MESSAGE_RETENTION_SECONDS,
            receiveWaitTimeSeconds: queue.receiveWaitTimeSeconds ?? DEFAULT_RECEIVE_WAIT_TIME_SECONDS,
            delaySeconds: queue.delaySeconds ?? DEFAULT_DELAY_SECONDS,
            maxMessageSizeBytes: queue.maxMessageSizeBytes,
            maxReceiveCount: queue.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
            deadLetterRetentionSeconds: queue.deadLetterRetentionSeconds ?? DEFAULT_DEAD_LETTER_RETENTION_SECONDS,
            fifo: queue.fifo ?? false,
            contentBasedDeduplication: queue.contentBasedDeduplication ?? false,
        },
        container: args.container && {
            cpu: args.container.cpu ?? DEFAULT_CPU_UNITS,
            memory: args.container.memory ?? DEFAULT_MEMORY_MIB,
            command: args.container.command,
            architecture: args.container.architecture ?? CpuArchitecture.X86_64,
            stopTimeoutSeconds: args.container.stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS,
            logRetentionDays: args.container.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
            readonlyRootFilesystem: args.container.readonlyRootFilesystem ?? DEFAULT_READONLY_ROOT_FILESYSTEM,
        },
        capacityProviderStrategy: Array.isArray(args.capacityProviderStrategy)
            ? args.capacityProviderStrategy.map(resolveStrategyItem)
            : DEFAULT_CAPACITY_PROVIDER_STRATEGY.map((item) => ({ ...item })),
        scaling: {
            minTasks,
            maxTasks: scaling.maxTasks ?? DEFAULT_MAX_TASKS,
            targetBacklogPerTask: fromLatency
                ? backlogTargetFromLatency(latency, processing)
                : (scaling.targetBacklogPerTask ?? DEFAULT_TARGET_BACKLOG_PER_TASK),
            targetSource: fromLatency
                ? "latency"
                : scaling.targetBacklogPerTask !== undefined
                  ? "targetBacklogPerTask"
                  : "default",
            acceptableLatencySeconds: latency,
            averageProcessingSeconds: processing,
            countInFlight: scaling.countInFlight ?? true,
            scaleOutCooldownSeconds: scaling.scaleOutCooldownSeconds ?? DEFAULT_SCALE_OUT_COOLDOWN_SECONDS,
            scaleInCooldownSeconds: scaling.scaleInCooldownSeconds ?? DEFAULT_SCALE_IN_COOLDOWN_SECONDS,
            disableScaleIn: scaling.disableScaleIn ?? false,
            burstScaleOut: scaling.burstScaleOut ?? DEFAULT_BURST_SCALE_OUT,
            schedules,
            keepQueueActive: scaling.keepQueueActive ?? canScaleToZero(minTasks, schedules),
        },
        alarms: {
            deadLetterQueueNotEmpty: args.alarms?.deadLetterQueueNotEmpty ?? DEFAULT_DEAD_LETTER_QUEUE_NOT_EMPTY_ALARM,
            maxMessageAgeSeconds: args.alarms?.maxMessageAgeSeconds,
            queueDepthThreshold: args.alarms?.queueDepthThreshold,
        },
        sources: { snsTopicsFifo: resolveSnsTopicsFifo(args.sources) },
        assignPublicIp: args.assignPublicIp ?? false,
    };
}

/** True when anything (the floor or a schedule) can bring the service to zero tasks. */
export function canScaleToZero(minTasks: number, schedules: readonly Pick<ScheduleSettings, "minTasks">[]): boolean {
    // A schedule that is not an object (null from another language) is left, as given, for validation to refuse.
    const given = schedules as readonly (Pick<ScheduleSettings, "minTasks"> | null | undefined)[];
    return minTasks === 0 || given.some((schedule) => schedule?.minTasks === 0);
}

/** As stated, or true when every topic ARN is a plain string ending in `.fifo` (see WorkerSources.snsTopicsFifo). */
function resolveSnsTopicsFifo(sources: BackgroundWorkerArgs["sources"]): boolean {
    if (sources?.snsTopicsFifo !== undefined) {
        return sources.snsTopicsFifo;
    }
    const topics = sources?.snsTopicArns;
    return (
        Array.isArray(topics) &&
        topics.length > 0 &&
        topics.every((topic) => typeof topic === "string" && topic.endsWith(FIFO_SUFFIX))
    );
}
