// Application Auto Scaling on an ECS service's DesiredCount, as the model describes it: target-tracking policies
// (with the two alarms AWS creates for them), step-scaling policies on alarms, cooldowns, several policies at once,
// and scheduled changes of the bounds. It decides the desired count once a minute; the simulation engine turns the
// desired count into tasks.
import {
    PlannedStep,
    PlannedTargetTracking,
    StepAdjustmentType,
    StepMetricAggregation,
} from "../components/plan/scalingPlan";
import { ScheduleSettings } from "../components/plan/settings";
import { AlarmEvaluation, AlarmState, evaluateAlarm, MetricStore, SimulatedAlarm, SimulatedQuery } from "./cloudwatch";
import {
    METRIC_PERIOD_SECONDS,
    TARGET_TRACKING_IN_DATAPOINTS,
    TARGET_TRACKING_IN_FRACTION,
    TARGET_TRACKING_OUT_DATAPOINTS,
    TARGET_TRACKING_SCALE_IN_MAX_FRACTION,
} from "./parameters";

/** A target-tracking policy; the plan's PlannedTargetTracking is one (its query may read any simulated metric). */
export type TargetTrackingSpec = Omit<PlannedTargetTracking, "query"> & { name: string; query: SimulatedQuery };

/** A step-scaling policy and its alarm; the plan's wake-up, catch-up, scale-in and drain policies are ones. */
export interface StepScalingSpec {
    name: string;
    adjustmentType: StepAdjustmentType;
    cooldownSeconds: number;
    metricAggregationType: StepMetricAggregation | "Average";
    steps: PlannedStep[];
    alarm: SimulatedAlarm;
}

/** A scheduled change of the bounds at a time of the simulation (schedules.ts-free: the engine resolves cron). */
export interface ScheduledBounds {
    at: number;
    minTasks?: number;
    maxTasks?: number;
}

/** Everything one alternative deploys on the scalable target. */
export interface ScalingConfiguration {
    minTasks: number;
    maxTasks: number;
    targetTracking: TargetTrackingSpec[];
    stepScaling: StepScalingSpec[];
    schedules: ScheduleSettings[];
}

/** The alarms AWS creates for a target-tracking policy (model: 3 of 3 above, 15 of 15 below 90 %). */
export function targetTrackingAlarms(policy: TargetTrackingSpec): { high: SimulatedAlarm; low: SimulatedAlarm } {
    const base = { query: policy.query, periodSeconds: METRIC_PERIOD_SECONDS, treatMissingData: "missing" as const };
    return {
        high: {
            ...base,
            evaluationPeriods: TARGET_TRACKING_OUT_DATAPOINTS,
            datapointsToAlarm: TARGET_TRACKING_OUT_DATAPOINTS,
            threshold: policy.targetValue,
            comparison: "GreaterThanThreshold",
        },
        low: {
            ...base,
            evaluationPeriods: TARGET_TRACKING_IN_DATAPOINTS,
            datapointsToAlarm: TARGET_TRACKING_IN_DATAPOINTS,
            threshold: policy.targetValue * TARGET_TRACKING_IN_FRACTION,
            comparison: "LessThanThreshold",
        },
    };
}

interface Cooldown {
    outUntil: number;
    /** Capacity before the scale-out that started the cooldown: during it, added capacity counts as already there. */
    outBase: number;
    inUntil: number;
}

interface TrackingRuntime {
    spec: TargetTrackingSpec;
    high: SimulatedAlarm;
    low: SimulatedAlarm;
    highState: AlarmState;
    lowState: AlarmState;
    cooldown: Cooldown;
}

interface StepRuntime {
    spec: StepScalingSpec;
    state: AlarmState;
    cooldown: Cooldown;
}

/** One scaling decision, for the run's activity log (tests read it). */
export interface ScalingActivity {
    at: number;
    from: number;
    to: number;
    cause: string;
}

function newCooldown(): Cooldown {
    return { outUntil: -Infinity, outBase: 0, inUntil: -Infinity };
}

function stepAdjustment(steps: readonly PlannedStep[], relative: number): number | undefined {
    for (const step of steps) {
        const lower = step.lowerBound ?? -Infinity;
        const upper = step.upperBound ?? Infinity;
        // AWS: the lower bound is inclusive and the upper exclusive, except that a null lower bound takes everything
        // below the upper one, inclusive of it when the step is the breach of a "less than or equal" alarm.
        if (
            (relative >= lower && relative < upper) ||
            (step.upperBound !== undefined && step.lowerBound === undefined && relative <= upper)
        ) {
            return step.scalingAdjustment;
        }
    }
    return undefined;
}

/**
 * The change in tasks a step asks for from `capacity`. PercentChangeInCapacity is rounded as Application Auto Scaling
 * documents it (step scaling, "Adjustment types"): above 1 down (12.7 -> 12), between 0 and 1 up to 1, between -1 and
 * 0 to -1, below -1 up (-6.67 -> -6). A percentage of zero tasks is zero tasks.
 */
export function capacityChange(type: StepAdjustmentType, adjustment: number, capacity: number): number {
    if (type === "ChangeInCapacity") {
        return adjustment;
    }
    const change = (capacity * adjustment) / 100;
    if (change === 0) {
        return 0;
    }
    return change > 0 ? Math.max(1, Math.floor(change + 1e-9)) : Math.min(-1, Math.ceil(change - 1e-9));
}

function aggregate(values: readonly number[], how: StepMetricAggregation | "Average"): number {
    switch (how) {
        case "Maximum":
            return Math.max(...values);
        case "Minimum":
            return Math.min(...values);
        case "Average":
            return values.reduce((sum, v) => sum + v, 0) / values.length;
    }
}

/** The scalable target with its policies: call `evaluate` at each minute boundary. */
export class ScalableTarget {
    desired: number;
    minTasks: number;
    maxTasks: number;
    readonly activities: ScalingActivity[] = [];
    private readonly tracking: TrackingRuntime[];
    private readonly stepping: StepRuntime[];

    constructor(configuration: ScalingConfiguration, initialDesired: number) {
        this.minTasks = configuration.minTasks;
        this.maxTasks = configuration.maxTasks;
        this.desired = Math.min(this.maxTasks, Math.max(this.minTasks, initialDesired));
        this.tracking = configuration.targetTracking.map((spec) => ({
            spec,
            ...targetTrackingAlarms(spec),
            highState: AlarmState.InsufficientData,
            lowState: AlarmState.InsufficientData,
            cooldown: newCooldown(),
        }));
        this.stepping = configuration.stepScaling.map((spec) => ({
            spec,
            state: AlarmState.InsufficientData,
            cooldown: newCooldown(),
        }));
    }

    /** A scheduled action: new bounds, desired count clamped into them, cooldowns ignored (model). */
    applySchedule(now: number, bounds: ScheduledBounds, name: string): void {
        this.minTasks = bounds.minTasks ?? this.minTasks;
        this.maxTasks = bounds.maxTasks ?? this.maxTasks;
        this.set(now, Math.min(this.maxTasks, Math.max(this.minTasks, this.desired)), `schedule ${name}`);
    }

    /** Evaluates every alarm and applies the policies' combined decision (model: several policies). */
    evaluate(now: number, store: MetricStore): void {
        const current = this.desired;
        let out = current;
        let outCause = "";
        const outPolicies: Cooldown[] = [];
        const inProposals: number[] = [];
        let trackingAgreesIn = this.tracking.length > 0;
        let stepIn: { to: number; cause: string; cooldown: Cooldown; seconds: number } | undefined;

        for (const policy of this.tracking) {
            const high = evaluateAlarm(policy.high, store, now, policy.highState);
            const low = evaluateAlarm(policy.low, store, now, policy.lowState);
            policy.highState = high.state;
            policy.lowState = low.state;
            const target = policy.spec.targetValue;
            if (high.state === AlarmState.Alarm) {
                const metric = high.datapoints[high.datapoints.length - 1];
                const inCooldown = now < policy.cooldown.outUntil;
                const base = inCooldown ? policy.cooldown.outBase : current;
                // At zero capacity the proportional rule has nothing to multiply; a metric that still has a value
                // there (Copilot's max(running, 1)) is read as the backlog of one task.
                const wanted = Math.ceil((Math.max(base, 1) * metric) / target - 1e-9);
                if (wanted > out) {
                    out = wanted;
                    outCause = `${policy.spec.name}: ${metric.toFixed(1)} > ${target} (3 of 3)`;
                }
                if (wanted > current) {
                    outPolicies.push(policy.cooldown);
                }
                trackingAgreesIn = false;
            } else if (
                low.state === AlarmState.Alarm &&
                high.state !== AlarmState.InsufficientData &&
                !policy.spec.disableScaleIn &&
                now >= policy.cooldown.inUntil
            ) {
                const metric = low.datapoints[low.datapoints.length - 1];
                const proportional = Math.ceil((current * metric) / target - 1e-9);
                const gradual = current - Math.max(1, Math.floor(current * TARGET_TRACKING_SCALE_IN_MAX_FRACTION));
                inProposals.push(Math.max(proportional, gradual));
            } else {
                trackingAgreesIn = false;
            }
        }

        for (const policy of this.stepping) {
            const evaluation: AlarmEvaluation = evaluateAlarm(policy.spec.alarm, store, now, policy.state);
            policy.state = evaluation.state;
            if (evaluation.state !== AlarmState.Alarm || evaluation.datapoints.length === 0) {
                continue;
            }
            // While in ALARM the policy is re-invoked about once a minute (model).
            const metric = aggregate(evaluation.datapoints, policy.spec.metricAggregationType);
            const adjustment = stepAdjustment(policy.spec.steps, metric - policy.spec.alarm.threshold);
            if (adjustment === undefined || adjustment === 0) {
                continue;
            }
            if (adjustment > 0) {
                // During the cooldown the capacity the last scale-out added counts as already there: the step applies
                // to the capacity before it, a percentage included.
                const inCooldown = now < policy.cooldown.outUntil;
                const base = inCooldown ? policy.cooldown.outBase : current;
                const wanted = base + capacityChange(policy.spec.adjustmentType, adjustment, base);
                if (wanted > out) {
                    out = wanted;
                    outCause = `${policy.spec.name}: step +${adjustment}${policy.spec.adjustmentType === "PercentChangeInCapacity" ? " %" : ""}`;
                }
                if (wanted > current) {
                    outPolicies.push(policy.cooldown);
                }
            } else if (now >= policy.cooldown.inUntil && now >= policy.cooldown.outUntil) {
                const to = current + capacityChange(policy.spec.adjustmentType, adjustment, current);
                // Model: when several policies scale in at once, the largest resulting capacity wins.
                if (stepIn === undefined || to > stepIn.to) {
                    stepIn = {
                        to,
                        cause: `${policy.spec.name}: step ${adjustment}`,
                        cooldown: policy.cooldown,
                        seconds: policy.spec.cooldownSeconds,
                    };
                }
            }
        }

        const clampedOut = Math.min(this.maxTasks, out);
        if (clampedOut > current) {
            // Model: the largest capacity wins; a scale-out ends every scale-in cooldown.
            this.set(now, clampedOut, outCause);
            for (const policy of this.tracking) {
                policy.cooldown.inUntil = -Infinity;
                if (outPolicies.includes(policy.cooldown) && now >= policy.cooldown.outUntil) {
                    policy.cooldown.outBase = current;
                    policy.cooldown.outUntil = now + policy.spec.scaleOutCooldownSeconds;
                }
            }
            for (const policy of this.stepping) {
                policy.cooldown.inUntil = -Infinity;
                if (outPolicies.includes(policy.cooldown) && now >= policy.cooldown.outUntil) {
                    policy.cooldown.outBase = current;
                    policy.cooldown.outUntil = now + policy.spec.cooldownSeconds;
                }
            }
            return;
        }
        // Model: scale-in needs every target-tracking policy to agree; the largest of their proposals wins.
        if (trackingAgreesIn && inProposals.length > 0) {
            const to = Math.max(this.minTasks, Math.max(...inProposals));
            if (to < current) {
                this.set(now, to, "target tracking: below 90 % of target (15 of 15)");
                for (const policy of this.tracking) {
                    policy.cooldown.inUntil = now + policy.spec.scaleInCooldownSeconds;
                }
                return;
            }
        }
        if (stepIn !== undefined) {
            const to = Math.max(this.minTasks, stepIn.to);
            if (to < current) {
                this.set(now, to, stepIn.cause);
                stepIn.cooldown.inUntil = now + stepIn.seconds;
            }
        }
    }

    private set(now: number, to: number, cause: string): void {
        if (to !== this.desired) {
            this.activities.push({ at: now, from: this.desired, to, cause });
            this.desired = to;
        }
    }
}
