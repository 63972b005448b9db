// The whole scaling design of a worker as plain data: the backlog target, the metric queries, every alarm, policy
// and schedule. Resource code (scaling.ts) only turns this plan into AWS resources; the tests evaluate the plan's own
// metric-math expressions, and the simulator runs exactly this plan, so what is tested and simulated is what deploys.
// The AWS behaviour it is designed against is described in docs/scaling-model.md, and the step-scaling rules it relies
// on, with their sources, in docs/scaling.md ("What AWS documents").
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

/** One metric-math expression over the query's metrics (CloudWatch syntax; simulator/metricMath.ts evaluates it). */
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
    "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";

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

/**
 * How Application Auto Scaling aggregates the alarm's datapoints before it picks a step: the largest, for a scale-out
 * that should answer the worst minute; the smallest, for a scale-in that must hold for every minute it saw.
 */
export type StepMetricAggregation = "Maximum" | "Minimum";

/** A step-scaling policy and the alarm that drives it. */
export interface PlannedStepScaling {
    adjustmentType: StepAdjustmentType;
    cooldownSeconds: number;
    metricAggregationType: StepMetricAggregation;
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
    /**
     * The catch-up: adds the task deficit (work / target - desired tasks) one minute after it appears, ahead of target
     * tracking's 3 of 3; absent when `burstScaleOut` is off.
     */
    catchUp?: PlannedStepScaling;
    /**
     * The scale-in: removes the task surplus (desired tasks - work / target) once it has lasted three minutes. Target
     * tracking's own scale-in is disabled, so how fast capacity leaves follows only documented step-scaling rules.
     * Absent under `disableScaleIn`.
     */
    scaleIn?: PlannedStepScaling;
    /**
     * The drain: sets the service to its minimum once no message has been visible or in flight for three minutes.
     * Absent under `disableScaleIn`.
     */
    drain?: PlannedStepScaling;
    wakeUpEstimate?: WakeUpEstimate;
    keepQueueActive?: PlannedKeepActive;
    schedules: ScheduleSettings[];
}

// Facts about AWS that the design depends on (docs/scaling-model.md; docs/scaling.md, "What AWS documents").
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
/** Application Auto Scaling quota: at most 20 step adjustments per step-scaling policy. */
export const MAX_STEP_ADJUSTMENTS = 20;

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
 * The catch-up alarm fires when the work in hand asks for at least this many tasks more than the service has. One
 * task: anything less is what target tracking's proportional rule rounds away.
 */
const CATCH_UP_THRESHOLD_TASKS = 1;
/** The catch-up acts on one breaching minute: fewer than target tracking's 3 of 3, which is where its delay goes. */
export const CATCH_UP_DATAPOINTS = 1;
/**
 * While its alarm stays in ALARM the catch-up is re-invoked every minute, and during its cooldown Application Auto
 * Scaling counts the tasks it added as already there, so it only adds for a deficit that grew. Its metric reads
 * DesiredTaskCount, which shows a change after the metric lag: the cooldown outlasts the worst lag plus a minute.
 */
export const CATCH_UP_COOLDOWN_SECONDS = WAKE_UP_COOLDOWN_SECONDS;
/** The scale-in alarm fires when the service has at least this many tasks more than the work in hand asks for. */
const SCALE_IN_THRESHOLD_TASKS = 1;
/**
 * Idle tasks the scale-in leaves next to the busy ones. One: a relaunch costs a minute's billing plus the launch, and
 * without a free task every message that finds the busy ones taken waits for the catch-up's next scale-out (on a day
 * of two-second jobs at two or three busy tasks, no spare cost 56 % more and doubled the p95 wait).
 */
const SCALE_IN_SPARE_TASKS = 1;
/**
 * The scale-in needs this many consecutive minutes of surplus, and removes the smallest surplus among them: a lull of
 * a minute or two between arrivals does not send tasks away that the next minute needs again.
 */
const SCALE_IN_DATAPOINTS = 3;
/**
 * The drain needs this many consecutive minutes with nothing visible and nothing in flight. Three, like the scale-in:
 * a queue empty for three published minutes has no task working and, with the metric lag, was empty for longer.
 */
const DRAIN_DATAPOINTS = 3;
/**
 * The drain sets the service to its minimum and then, re-invoked every minute in ALARM, asks for the minimum again,
 * which changes nothing; a minute's cooldown only keeps two invocations from overlapping.
 */
const DRAIN_COOLDOWN_SECONDS = METRIC_PERIOD_SECONDS;
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
 * The count Application Auto Scaling sets. The catch-up and the scale-in compare the work with it rather than with
 * RunningTaskCount: tasks still launching, or protected tasks finishing their last job, would otherwise be counted
 * as missing or as surplus a second time.
 */
const DESIRED: PlannedMetric = {
    id: "desired",
    namespace: "ECS/ContainerInsights",
    metricName: "DesiredTaskCount",
    stat: "Average",
    subject: "service",
};

/**
 * The work a backlog counts, as a metric-math term, and the metrics a query needs for it and for the running count:
 * waiting messages, plus those being processed when `countInFlight`. Every policy that weighs work shares it, so
 * they all divide the same work.
 */
function workInHand(
    countInFlight: boolean,
    count: PlannedMetric = RUNNING,
): { work: string; metrics: PlannedMetric[] } {
    return countInFlight
        ? { work: "(visible + inflight)", metrics: [VISIBLE, IN_FLIGHT, count] }
        : { work: "visible", metrics: [VISIBLE, count] };
}

/**
 * The desired count, with a late newest minute carried over from the last published one (REPEAT) and no datapoint
 * at all read as zero tasks (Container Insights publishes nothing for a service with no task).
 */
const DESIRED_TASKS = "FILL(FILL(desired, REPEAT), 0)";

/**
 * Backlog per task: (visible [+ in flight]) / desired tasks. Divided by the desired count, not the running one: a
 * scale-out shows in DesiredTaskCount after the metric lag, in RunningTaskCount only after the launch too, and target
 * tracking multiplies the capacity by this ratio, so a stale running count would make it add the same tasks twice.
 * No data at zero tasks: target tracking cannot leave zero.
 */
export function backlogQuery(countInFlight: boolean): PlannedQuery {
    const { work, metrics } = workInHand(countInFlight, DESIRED);
    return {
        metrics,
        expressions: [{ id: "backlog", expression: `${work} / desired`, label: "Backlog per desired task" }],
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
        expressions: [
            {
                id: "wake",
                expression: "IF(visible > 0 AND FILL(FILL(running, REPEAT), 0) == 0, 1, 0)",
                label: "Messages waiting with no task running",
            },
        ],
        returnId: "wake",
    };
}

/** Tasks the work asks for beyond the desired count: work / target - desired. Negative when there are too many. */
export function catchUpQuery(countInFlight: boolean, targetBacklogPerTask: number): PlannedQuery {
    const { work, metrics } = workInHand(countInFlight, DESIRED);
    return {
        metrics,
        expressions: [
            {
                id: "deficit",
                expression: `${work} / ${targetBacklogPerTask} - ${DESIRED_TASKS}`,
                label: "Tasks short of the backlog target",
            },
        ],
        returnId: "deficit",
    };
}

/**
 * Tasks beyond what the work asks for: desired - max(work / target, in flight + spare). Never fewer tasks than
 * messages in flight, each a task busy with a job, plus a spare: short jobs arriving faster than one task takes them
 * keep the tasks they need even when few messages wait, and the next message starts at once instead of after a
 * launch. In flight counts here whatever `countInFlight` says. Negative when too few. The drain, not this, takes an
 * idle service below the spare.
 */
function scaleInQuery(countInFlight: boolean, targetBacklogPerTask: number): PlannedQuery {
    const { work } = workInHand(countInFlight);
    const wanted = `${work} / ${targetBacklogPerTask}`;
    const busy = `inflight + ${SCALE_IN_SPARE_TASKS}`;
    return {
        metrics: [VISIBLE, IN_FLIGHT, DESIRED],
        expressions: [
            {
                id: "surplus",
                expression: `${DESIRED_TASKS} - IF(${busy} > ${wanted}, ${busy}, ${wanted})`,
                label: "Tasks beyond the backlog target and the busy tasks",
            },
        ],
        returnId: "surplus",
    };
}

/**
 * Messages visible plus in flight, always both whatever `countInFlight` says: zero means no message waits and no task
 * holds one. A minute either metric has not published yet has no value, so it never reads as an empty queue.
 */
function drainQuery(): PlannedQuery {
    return {
        metrics: [
            { ...VISIBLE, stat: "Maximum" },
            { ...IN_FLIGHT, stat: "Maximum" },
        ],
        expressions: [{ id: "messages", expression: "visible + inflight", label: "Messages visible or in flight" }],
        returnId: "messages",
    };
}

/**
 * The task counts a ladder of MAX_STEP_ADJUSTMENTS steps moves by, starting at `first` and reaching `largest`: one by
 * one while that fits, then growing geometrically, each count at least one more than the last. Each step moves by
 * its interval's lower edge, so a step never asks for more than the deficit (or surplus) it answers.
 */
export function stepLadder(first: number, largest: number): number[] {
    const counts = (ratio: number) => {
        const values = [first];
        while (values.length < MAX_STEP_ADJUSTMENTS && values[values.length - 1] < largest) {
            const last = values[values.length - 1];
            values.push(Math.max(last + 1, Math.round(last * ratio)));
        }
        return values;
    };
    let ratio = 1;
    while (counts(ratio)[counts(ratio).length - 1] < largest) {
        ratio += 0.01;
    }
    return counts(ratio);
}

/** Steps on a metric in tasks with a threshold of `threshold` tasks: [c_i - threshold, c_(i+1) - threshold) moves c_i. */
function ladderSteps(threshold: number, largest: number, sign: 1 | -1): PlannedStep[] {
    const counts = stepLadder(threshold, Math.max(threshold, largest));
    return counts.map((count, i) => ({
        lowerBound: count - threshold,
        upperBound: i + 1 < counts.length ? counts[i + 1] - threshold : undefined,
        scalingAdjustment: sign * count,
    }));
}

/** The most tasks the service can ever have, schedules included: the ladders reach it. */
function largestCapacity(scaling: ScalingSettings): number {
    return Math.max(scaling.maxTasks, ...scaling.schedules.map((schedule) => schedule.maxTasks ?? 0));
}

function catchUpPlan(scaling: ScalingSettings): PlannedStepScaling {
    return {
        adjustmentType: "ChangeInCapacity",
        cooldownSeconds: CATCH_UP_COOLDOWN_SECONDS,
        metricAggregationType: "Maximum",
        // Only positive steps: the catch-up never blocks or makes a scale-in.
        steps: ladderSteps(CATCH_UP_THRESHOLD_TASKS, largestCapacity(scaling), 1),
        alarm: {
            description: `The backlog asks for at least ${CATCH_UP_THRESHOLD_TASKS} task more than the service has: add them now, ahead of target tracking's 3 of 3.`,
            query: catchUpQuery(scaling.countInFlight, scaling.targetBacklogPerTask),
            periodSeconds: METRIC_PERIOD_SECONDS,
            evaluationPeriods: CATCH_UP_DATAPOINTS,
            datapointsToAlarm: CATCH_UP_DATAPOINTS,
            threshold: CATCH_UP_THRESHOLD_TASKS,
            comparison: "GreaterThanOrEqualToThreshold",
            // No data means no SQS minute yet: nothing to catch up with.
            treatMissingData: "notBreaching",
        },
    };
}

function scaleInPlan(scaling: ScalingSettings): PlannedStepScaling {
    return {
        adjustmentType: "ChangeInCapacity",
        cooldownSeconds: scaling.scaleInCooldownSeconds,
        // The smallest surplus of the minutes the alarm saw: a minute published before the last scale-in showed in
        // DesiredTaskCount never removes the same tasks twice.
        metricAggregationType: "Minimum",
        steps: ladderSteps(SCALE_IN_THRESHOLD_TASKS, largestCapacity(scaling), -1),
        alarm: {
            description: `The service has had at least ${SCALE_IN_THRESHOLD_TASKS} task more than the backlog asks for, ${SCALE_IN_DATAPOINTS} minutes running: remove the surplus.`,
            query: scaleInQuery(scaling.countInFlight, scaling.targetBacklogPerTask),
            periodSeconds: METRIC_PERIOD_SECONDS,
            evaluationPeriods: SCALE_IN_DATAPOINTS,
            datapointsToAlarm: SCALE_IN_DATAPOINTS,
            threshold: SCALE_IN_THRESHOLD_TASKS,
            comparison: "GreaterThanOrEqualToThreshold",
            // No data is no evidence of a surplus.
            treatMissingData: "notBreaching",
        },
    };
}

function drainPlan(): PlannedStepScaling {
    return {
        adjustmentType: "PercentChangeInCapacity",
        cooldownSeconds: DRAIN_COOLDOWN_SECONDS,
        metricAggregationType: "Maximum",
        // -100 % asks for zero tasks; Application Auto Scaling never goes below the scalable target's minimum, so
        // this is "the minimum in force now", schedules included, without writing the number into the policy.
        steps: [{ upperBound: 0, scalingAdjustment: -100 }],
        alarm: {
            description: `No message visible or in flight for ${DRAIN_DATAPOINTS} minutes: set the service to its minimum.`,
            query: drainQuery(),
            periodSeconds: METRIC_PERIOD_SECONDS,
            evaluationPeriods: DRAIN_DATAPOINTS,
            datapointsToAlarm: DRAIN_DATAPOINTS,
            threshold: 0,
            comparison: "LessThanOrEqualToThreshold",
            // A minute SQS did not publish is not an empty queue.
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
        // fight the backlog policy. Target tracking and the catch-up take over once the first task reports.
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
            // Scale-in is the step policies' (scaleIn, drain): their pace is documented, target tracking's is not.
            disableScaleIn: true,
        },
        wakeUp: toZero ? wakeUpPlan() : undefined,
        catchUp: scaling.burstScaleOut ? catchUpPlan(scaling) : undefined,
        scaleIn: scaling.disableScaleIn ? undefined : scaleInPlan(scaling),
        drain: scaling.disableScaleIn ? undefined : drainPlan(),
        wakeUpEstimate: toZero ? estimateWakeUp(keepActive) : undefined,
        keepQueueActive: keepActive
            ? { scheduleExpression: KEEP_ACTIVE_SCHEDULE, invocationsPerMonth: 24 * 30 }
            : undefined,
        schedules: scaling.schedules.map((schedule) => ({ ...schedule })),
    };
}
