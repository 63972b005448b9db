// The whole scaling design of a worker as plain data: the backlog target, the metric queries, every alarm, policy
// and schedule. Resource code (scaling.ts) only turns this plan into AWS resources; the tests evaluate the plan's own
// metric-math expressions, and the simulator runs exactly this plan, so what is tested and simulated is what deploys.
// The AWS behaviour it is designed against is described in docs/scaling-model.md.
import { canScaleToZero, ScalingSettings, ScheduleSettings } from "./settings";

/** Which resource a metric's dimensions point at; the adapters in scaling.ts fill in the real names. */
export type MetricSubject = "queue" | "service";

/** One CloudWatch metric in a query, in a neutral form each consumer adapts (see scaling.ts). */
export interface PlannedMetric {
    id: string;
    namespace: "AWS/SQS" | "ECS/ContainerInsights";
    metricName: string;
    stat: "Sum" | "Average" | "Maximum";
    subject: MetricSubject;
}

/** One metric-math expression over the query's metrics (CloudWatch syntax; see metricMath.ts). */
export interface PlannedExpression {
    id: string;
    expression: string;
    label: string;
}

/** A metric-math query: metrics, expressions, and the one expression whose data is returned. */
export interface PlannedQuery {
    metrics: PlannedMetric[];
    expressions: PlannedExpression[];
    returnId: string;
}

export type AlarmComparison =
    | "GreaterThanThreshold"
    | "GreaterThanOrEqualToThreshold"
    | "LessThanThreshold"
    | "LessThanOrEqualToThreshold";

/** A CloudWatch alarm the component creates itself. */
export interface PlannedAlarm {
    description: string;
    query: PlannedQuery;
    periodSeconds: number;
    evaluationPeriods: number;
    datapointsToAlarm: number;
    threshold: number;
    comparison: AlarmComparison;
    treatMissingData: "missing" | "notBreaching" | "breaching" | "ignore";
}

/** The target-tracking policy on backlog per task. Application Auto Scaling creates and owns its alarms. */
export interface PlannedTargetTracking {
    targetValue: number;
    query: PlannedQuery;
    scaleOutCooldownSeconds: number;
    scaleInCooldownSeconds: number;
    disableScaleIn: boolean;
}

/** One step of a step-scaling policy; bounds are relative to the alarm threshold. */
export interface PlannedStep {
    lowerBound?: number;
    upperBound?: number;
    scalingAdjustment: number;
}

/**
 * How a step's scalingAdjustment is read: a number of tasks, or a percentage of the current capacity (Application Auto
 * Scaling rounds a fractional result down above 1, up to 1 between 0 and 1).
 */
export type StepAdjustmentType = "ChangeInCapacity" | "PercentChangeInCapacity";

/** A step-scaling policy and the alarm that drives it. */
export interface PlannedStepScaling {
    adjustmentType: StepAdjustmentType;
    cooldownSeconds: number;
    metricAggregationType: "Maximum";
    steps: PlannedStep[];
    alarm: PlannedAlarm;
}

/** How long a message waits before the first task starts, when the service is at zero. */
export interface WakeUpEstimate {
    formula: string;
    /** Metric lag + datapoints x period + Fargate launch, with the typical lag and median launch. */
    typicalSeconds: number;
    /** The same with the slowest lag and the p95 launch. */
    worstSeconds: number;
    /** Added when SQS stopped publishing after about six idle hours and keepQueueActive is off. */
    idleQueueExtraSeconds: number;
}

/** The schedule that keeps the queue active for CloudWatch (an EventBridge Scheduler call of GetQueueAttributes). */
export interface PlannedKeepActive {
    scheduleExpression: string;
    invocationsPerMonth: number;
}

export interface ScalingPlan {
    minTasks: number;
    maxTasks: number;
    targetBacklogPerTask: number;
    backlog: PlannedTargetTracking;
    /** Present only when something can bring the service to zero tasks. */
    wakeUp?: PlannedStepScaling;
    /** A fast scale-out next to target tracking for a backlog far above the target; absent when turned off. */
    burst?: PlannedStepScaling;
    wakeUpEstimate?: WakeUpEstimate;
    keepQueueActive?: PlannedKeepActive;
    schedules: ScheduleSettings[];
}

// Facts about AWS that the design depends on (docs/scaling-model.md).
/** SQS and Container Insights publish one datapoint a minute. */
export const METRIC_PERIOD_SECONDS = 60;
/** Metric delivery lag is not published; 60 to 180 s observed. */
export const METRIC_LAG_TYPICAL_SECONDS = 60;
export const METRIC_LAG_WORST_SECONDS = 180;
/** Fargate launch from desired-count change to RUNNING: median about 45 s, p95 about 90 s. */
export const FARGATE_LAUNCH_MEDIAN_SECONDS = 45;
export const FARGATE_LAUNCH_P95_SECONDS = 90;
/** After about six idle hours SQS stops publishing, and the first datapoints after that can take up to 15 minutes. */
export const IDLE_QUEUE_METRIC_DELAY_SECONDS = 900;

/**
 * The wake-up alarm needs this many consecutive breaching minutes. One is not enough: the newest minute of
 * RunningTaskCount is often not yet published, and FILL reads that gap as zero tasks while tasks are running.
 */
export const WAKE_UP_DATAPOINTS = 2;
/**
 * While its alarm stays in ALARM a step policy is re-invoked about once a minute; the cooldown must outlast a task's
 * launch (p95 90 s) plus the metric lag (up to 180 s), or a second task is added before the first one shows up.
 */
export const WAKE_UP_COOLDOWN_SECONDS = 300;
/**
 * The burst alarm fires on backlog per task at this multiple of the target or more. Target tracking already follows a
 * backlog near the target; a multiple this high is a batch or a burst that three minutes of waiting would make worse,
 * and Poisson noise at a handful of tasks does not reach it. 3, 4 and 5 bench alike (README, simulator section); the
 * higher the multiple, the fewer moderate surges pay for target tracking scaling out again on top of the burst.
 */
export const BURST_THRESHOLD_MULTIPLE = 4;
/**
 * The burst alarm needs this many breaching minutes: fewer than target tracking's 3 of 3, which is where the time to
 * the first scale-out goes besides the metric lag.
 */
export const BURST_DATAPOINTS = 1;
/**
 * Like the wake-up, the burst policy is re-invoked every minute while its alarm stays in ALARM, and the backlog per
 * task it reads keeps dividing by the old running count until the new tasks run and their count is published: its
 * cooldown outlasts the p95 launch plus the worst metric lag, so it acts once per burst, not once a minute.
 */
export const BURST_COOLDOWN_SECONDS = WAKE_UP_COOLDOWN_SECONDS;
/** SQS counts a queue active for about six hours after any API call; hourly leaves a wide margin. */
export const KEEP_ACTIVE_SCHEDULE = "rate(1 hour)";

const VISIBLE: PlannedMetric = {
    id: "visible",
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    stat: "Sum",
    subject: "queue",
};
const IN_FLIGHT: PlannedMetric = {
    id: "inflight",
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesNotVisible",
    stat: "Sum",
    subject: "queue",
};
const RUNNING: PlannedMetric = {
    id: "running",
    namespace: "ECS/ContainerInsights",
    metricName: "RunningTaskCount",
    stat: "Average",
    subject: "service",
};

/**
 * The work a backlog counts, as a metric-math term, and the metrics a query needs for it and for the running count:
 * waiting messages, plus those being processed when `countInFlight`. The backlog and the burst alarm share it, so
 * they always divide the same work.
 */
function workInHand(countInFlight: boolean): { work: string; metrics: PlannedMetric[] } {
    return countInFlight
        ? { work: "(visible + inflight)", metrics: [VISIBLE, IN_FLIGHT, RUNNING] }
        : { work: "visible", metrics: [VISIBLE, RUNNING] };
}

/** Backlog per task: (visible [+ in flight]) / running. No data at zero tasks: target tracking cannot leave zero. */
export function backlogQuery(countInFlight: boolean): PlannedQuery {
    const { work, metrics } = workInHand(countInFlight);
    return {
        metrics,
        expressions: [{ id: "backlog", expression: `${work} / running`, label: "Backlog per running task" }],
        returnId: "backlog",
    };
}

/**
 * 1 when messages wait and no task runs, else 0. A missing RunningTaskCount is what zero tasks looks like (Container
 * Insights publishes nothing for a service with no task), hence the outer FILL(..., 0). The inner FILL(running, REPEAT)
 * carries the last published count over a newest minute that is merely late, which FILL(..., 0) alone would read as
 * "no task running"; the two-datapoint alarm is the second guard against that trap.
 */
export function wakeUpQuery(): PlannedQuery {
    return {
        metrics: [VISIBLE, RUNNING],
        expressions: [{
            id: "wake",
            expression: "IF(visible > 0 AND FILL(FILL(running, REPEAT), 0) == 0, 1, 0)",
            label: "Messages waiting with no task running",
        }],
        returnId: "wake",
    };
}

/**
 * Backlog per running task, and 0 when no task runs. The guard is the wake-up's, mirrored: FILL(running, REPEAT)
 * carries the last published count over a newest minute that is merely late, so the alarm can act on the newest SQS
 * minute without waiting for Container Insights; the outer FILL(..., 0) reads a service with no task as 0 tasks, and
 * then the expression is 0 and the burst stays quiet (leaving zero is the wake-up's job, and a percentage of zero
 * tasks is zero anyway).
 */
export function burstQuery(countInFlight: boolean): PlannedQuery {
    const { work, metrics } = workInHand(countInFlight);
    return {
        metrics,
        expressions: [{
            id: "burst",
            expression: `IF(FILL(FILL(running, REPEAT), 0) > 0, ${work} / FILL(running, REPEAT), 0)`,
            label: "Backlog per running task, 0 with no task running",
        }],
        returnId: "burst",
    };
}

/**
 * Percent steps that approximate target tracking's proportional rule from below: a backlog of r x the target asks
 * for about r times the capacity, and each step adds the growth its lower edge justifies (r = k, 2k, 4k for the
 * threshold multiple k). Never more than target tracking would ask for on the same datapoint, so the burst only comes
 * earlier, it does not overshoot further; target tracking still fine-tunes from there.
 */
function burstPlan(targetBacklogPerTask: number, countInFlight: boolean): PlannedStepScaling {
    const threshold = BURST_THRESHOLD_MULTIPLE * targetBacklogPerTask;
    const growthAt = (ratio: number) => Math.round((ratio - 1) * 100);
    return {
        adjustmentType: "PercentChangeInCapacity",
        cooldownSeconds: BURST_COOLDOWN_SECONDS,
        metricAggregationType: "Maximum",
        steps: [
            { lowerBound: 0, upperBound: threshold, scalingAdjustment: growthAt(BURST_THRESHOLD_MULTIPLE) },
            { lowerBound: threshold, upperBound: 3 * threshold, scalingAdjustment: growthAt(2 * BURST_THRESHOLD_MULTIPLE) },
            { lowerBound: 3 * threshold, scalingAdjustment: growthAt(4 * BURST_THRESHOLD_MULTIPLE) },
        ],
        alarm: {
            description: `Backlog per task is ${BURST_THRESHOLD_MULTIPLE} x the target or more: scale out now, ahead of target tracking's 3 of 3.`,
            query: burstQuery(countInFlight),
            periodSeconds: METRIC_PERIOD_SECONDS,
            evaluationPeriods: BURST_DATAPOINTS,
            datapointsToAlarm: BURST_DATAPOINTS,
            threshold,
            comparison: "GreaterThanOrEqualToThreshold",
            // No data means no SQS minute yet or no task: nothing to burst for.
            treatMissingData: "notBreaching",
        },
    };
}

function wakeUpPlan(): PlannedStepScaling {
    return {
        adjustmentType: "ChangeInCapacity",
        cooldownSeconds: WAKE_UP_COOLDOWN_SECONDS,
        metricAggregationType: "Maximum",
        // +1 and nothing else: ExactCapacity could undo a scale-out that happened meanwhile, and a negative step would
        // fight the backlog policy. Target tracking takes over once the first task reports RunningTaskCount.
        steps: [{ lowerBound: 0, scalingAdjustment: 1 }],
        alarm: {
            description: "Messages are waiting and no task is running: start one (scale from zero).",
            query: wakeUpQuery(),
            periodSeconds: METRIC_PERIOD_SECONDS,
            evaluationPeriods: WAKE_UP_DATAPOINTS,
            datapointsToAlarm: WAKE_UP_DATAPOINTS,
            threshold: 1,
            comparison: "GreaterThanOrEqualToThreshold",
            // No SQS data means an idle queue: nothing to wake for.
            treatMissingData: "notBreaching",
        },
    };
}

/** The honest wake-up time: metric lag + datapoints x period + Fargate launch. */
export function estimateWakeUp(keepQueueActive: boolean): WakeUpEstimate {
    const evaluation = WAKE_UP_DATAPOINTS * METRIC_PERIOD_SECONDS;
    return {
        formula: "metric lag + datapoints x period + Fargate launch",
        typicalSeconds: METRIC_LAG_TYPICAL_SECONDS + evaluation + FARGATE_LAUNCH_MEDIAN_SECONDS,
        worstSeconds: METRIC_LAG_WORST_SECONDS + evaluation + FARGATE_LAUNCH_P95_SECONDS,
        idleQueueExtraSeconds: keepQueueActive ? 0 : IDLE_QUEUE_METRIC_DELAY_SECONDS,
    };
}

/** Decides the scaling design from resolved settings. Pure: same settings, same plan. */
export function planScaling(scaling: ScalingSettings): ScalingPlan {
    const toZero = canScaleToZero(scaling.minTasks, scaling.schedules);
    const keepActive = toZero && scaling.keepQueueActive;
    return {
        minTasks: scaling.minTasks,
        maxTasks: scaling.maxTasks,
        targetBacklogPerTask: scaling.targetBacklogPerTask,
        backlog: {
            targetValue: scaling.targetBacklogPerTask,
            query: backlogQuery(scaling.countInFlight),
            scaleOutCooldownSeconds: scaling.scaleOutCooldownSeconds,
            scaleInCooldownSeconds: scaling.scaleInCooldownSeconds,
            disableScaleIn: scaling.disableScaleIn,
        },
        wakeUp: toZero ? wakeUpPlan() : undefined,
        burst: scaling.burstScaleOut ? burstPlan(scaling.targetBacklogPerTask, scaling.countInFlight) : undefined,
        wakeUpEstimate: toZero ? estimateWakeUp(keepActive) : undefined,
        keepQueueActive: keepActive
            ? { scheduleExpression: KEEP_ACTIVE_SCHEDULE, invocationsPerMonth: 24 * 30 }
            : undefined,
        schedules: scaling.schedules.map((schedule) => ({ ...schedule })),
    };
}
