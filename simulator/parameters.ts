// Every number the simulator assumes about AWS, each a named constant with its source. Most come from
// docs/scaling-model.md ("the model"); the plan's own constants (scalingPlan.ts) are reused, not copied. Where
// AWS publishes no number the model marks the parameter (sweep): it is a range, each seed of a run takes one point
// of it (see sweepPoint), and every report prints the range tried. Changing a value here to flatter a policy is not
// allowed: a policy that loses under the model has to be changed instead.
import {
    FARGATE_LAUNCH_MEDIAN_SECONDS,
    FARGATE_LAUNCH_P95_SECONDS,
    IDLE_QUEUE_METRIC_DELAY_SECONDS,
    METRIC_LAG_TYPICAL_SECONDS,
    METRIC_LAG_WORST_SECONDS,
    METRIC_PERIOD_SECONDS,
} from "../components/plan/scalingPlan";

export { METRIC_PERIOD_SECONDS };

/** An inclusive range of a parameter AWS does not publish; the model marks it (sweep). */
export interface SweepRange {
    low: number;
    high: number;
    unit: string;
    source: string;
}

// --- Signals --------------------------------------------------------------------------------------------------------
/**
 * Delivery lag of SQS and Container Insights datapoints, from the end of their minute until an alarm evaluation can
 * see them. Model: "Delivery lag is not published: 60 .. 180 s (sweep)". Each datapoint draws its own lag in the
 * range, so the newest minute of one metric is often published before another's (what the wake-up alarm guards
 * against); the sweep moves the range's centre.
 */
export const METRIC_LAG_SWEEP: SweepRange = {
    low: METRIC_LAG_TYPICAL_SECONDS,
    high: METRIC_LAG_WORST_SECONDS,
    unit: "s",
    source: "docs/scaling-model.md Signals: delivery lag 60 .. 180 s (sweep)",
};
/** Spread of the per-datapoint lag around the lag a run's seed draws, in seconds, kept inside METRIC_LAG_SWEEP. */
export const METRIC_LAG_JITTER_SECONDS = 30;
/** After this long with no message and no API call SQS stops publishing the queue's metrics. Model: "about 6 h". */
export const SQS_INACTIVE_AFTER_SECONDS = 6 * 3600;
/** The first datapoints after an inactive queue wakes take "up to 15 min" (model); each wake draws in [0, this]. */
export const SQS_INACTIVE_WAKE_DELAY_MAX_SECONDS = IDLE_QUEUE_METRIC_DELAY_SECONDS;
/**
 * A custom metric put by a Lambda (Copilot's backlog calculator) is visible to the next alarm evaluation: PutMetricData
 * is not subject to SQS's delivery lag. One period is the honest minimum, since alarms evaluate once a minute.
 */
export const CUSTOM_METRIC_LAG_SECONDS = METRIC_PERIOD_SECONDS;
/**
 * CloudWatch "attempts to retrieve a higher number of data points than the number specified as Evaluation Periods"
 * (User Guide, alarms and missing data). How many more is not published; enough to look past the worst lag.
 */
export const ALARM_LOOKBACK_EXTRA_PERIODS = Math.ceil(METRIC_LAG_WORST_SECONDS / METRIC_PERIOD_SECONDS);

// --- Target tracking ------------------------------------------------------------------------------------------------
/** Model: scale out when above the target for 3 of 3 one-minute datapoints. */
export const TARGET_TRACKING_OUT_DATAPOINTS = 3;
/** Model: scale in when below 90 % of the target for 15 of 15. */
export const TARGET_TRACKING_IN_DATAPOINTS = 15;
export const TARGET_TRACKING_IN_FRACTION = 0.9;
/**
 * Model: "scale-in is gradual"; AWS publishes no rate. Assumed: one scale-in activity removes at most this share of
 * the capacity (and at least one task), towards ceil(capacity x metric / target).
 */
export const TARGET_TRACKING_SCALE_IN_MAX_FRACTION = 0.1;
/** Model: "Cooldowns default to 300 s for ECS" (used where a policy sets none: CDK's steps and CPU policy). */
export const ECS_DEFAULT_COOLDOWN_SECONDS = 300;

// --- Fargate --------------------------------------------------------------------------------------------------------
/** Model: launch from desired-count change to RUNNING, lognormal with median about 45 s and p95 about 90 s. */
export const LAUNCH_MEDIAN_SECONDS = FARGATE_LAUNCH_MEDIAN_SECONDS;
export const LAUNCH_P95_SECONDS = FARGATE_LAUNCH_P95_SECONDS;
/** sigma of that lognormal: p95 = median x exp(1.645 sigma). */
export const LAUNCH_SIGMA = Math.log(LAUNCH_P95_SECONDS / LAUNCH_MEDIAN_SECONDS) / 1.6449;
/**
 * Not published; assumed floor of a launch (ENI attachment and image pull never take less). It is also the startup
 * the oracle's lower bound charges per launch, so the bound stays below every simulated run.
 */
export const LAUNCH_MIN_SECONDS = 20;
/** Model: "100-task burst, then about 20 tasks/s per account and region". */
export const LAUNCH_BURST_TASKS = 100;
export const LAUNCH_RATE_PER_SECOND = 20;
/** Model: billing is per second with a one-minute minimum, from the image pull (taken as the launch request). */
export const BILLING_MINIMUM_SECONDS = 60;
/** Model: Spot gives a two-minute warning (SIGTERM), then the task is reclaimed. */
export const SPOT_WARNING_SECONDS = 120;
/** Model: "interruption rate not published: hazard per task-hour (sweep)". */
export const SPOT_INTERRUPTION_SWEEP: SweepRange = {
    low: 0.005,
    high: 0.05,
    unit: "per task-hour",
    source: "docs/scaling-model.md Fargate: Spot hazard per task-hour (sweep); range assumed",
};
/** Model: "a chance that Spot capacity is unavailable at launch (sweep)". */
export const SPOT_UNAVAILABLE_SWEEP: SweepRange = {
    low: 0,
    high: 0.1,
    unit: "per launch",
    source: "docs/scaling-model.md Fargate: Spot unavailable at launch (sweep); range assumed",
};
/** Not published: how long the ECS service scheduler waits before placing again after a failed Spot placement. */
export const SPOT_PLACEMENT_RETRY_SECONDS = 60;
/**
 * A worker that crashes leaves its message to the visibility timeout. Not published: the share of interruptions where
 * the worker dies without draining (its message then waits out the visibility timeout). Swept.
 */
export const CRASH_SHARE_SWEEP: SweepRange = {
    low: 0,
    high: 0.1,
    unit: "of interruptions",
    source: "worker crash path: the message waits out its visibility timeout; share assumed (sweep)",
};

// --- Workload -------------------------------------------------------------------------------------------------------
/** Model, traces: lognormal processing time with coefficient of variation 0.5 .. 2 (swept over seeds). */
export const PROCESSING_CV_SWEEP: SweepRange = {
    low: 0.5,
    high: 2,
    unit: "coefficient of variation",
    source: "docs/scaling-model.md Workload traces: steady, CV 0.5 .. 2",
};

/** The values one simulated run uses; tests override single fields. */
export interface AwsParameters {
    metricLagSeconds: number;
    metricLagJitterSeconds: number;
    customMetricLagSeconds: number;
    launchMedianSeconds: number;
    launchSigma: number;
    launchMinSeconds: number;
    spotInterruptionsPerTaskHour: number;
    spotUnavailableProbability: number;
    crashShare: number;
}

/**
 * The point of a sweep range that seed `index` of `count` uses: evenly spread from low to high, so three seeds try
 * the optimistic end, the middle and the pessimistic end.
 */
export function sweepPoint(range: SweepRange, index: number, count: number): number {
    if (count <= 1) {
        return (range.low + range.high) / 2;
    }
    return range.low + ((range.high - range.low) * index) / (count - 1);
}

export function parametersForSeed(index: number, count: number): AwsParameters {
    return {
        metricLagSeconds: sweepPoint(METRIC_LAG_SWEEP, index, count),
        metricLagJitterSeconds: METRIC_LAG_JITTER_SECONDS,
        customMetricLagSeconds: CUSTOM_METRIC_LAG_SECONDS,
        launchMedianSeconds: LAUNCH_MEDIAN_SECONDS,
        launchSigma: LAUNCH_SIGMA,
        launchMinSeconds: LAUNCH_MIN_SECONDS,
        spotInterruptionsPerTaskHour: sweepPoint(SPOT_INTERRUPTION_SWEEP, index, count),
        spotUnavailableProbability: sweepPoint(SPOT_UNAVAILABLE_SWEEP, index, count),
        crashShare: sweepPoint(CRASH_SHARE_SWEEP, index, count),
    };
}

/** The swept parameters, by name, for the reports' "range tried" lines. */
export const SWEEPS: Readonly<Record<string, SweepRange>> = {
    "SQS/Container Insights metric lag": METRIC_LAG_SWEEP,
    "Spot interruption hazard": SPOT_INTERRUPTION_SWEEP,
    "Spot unavailable at launch": SPOT_UNAVAILABLE_SWEEP,
    "worker crash on interruption": CRASH_SHARE_SWEEP,
    "processing time": PROCESSING_CV_SWEEP,
};
