// Reads a scaling plan (scalingPlan.ts) without knowing its field names: its alarms, step policies and target-tracking
// policies are found by their shape, so a part the plan gains later is drawn on the dashboard and described in its
// text without a change here. Pure.
import {
    AlarmComparison,
    PlannedAlarm,
    PlannedQuery,
    PlannedStepScaling,
    PlannedTargetTracking,
    ScalingPlan,
} from "./scalingPlan";

/** How an alarm comparison reads in a label or a sentence. */
export const COMPARISON_SYMBOL: Readonly<Record<AlarmComparison, string>> = {
    GreaterThanThreshold: ">",
    GreaterThanOrEqualToThreshold: ">=",
    LessThanThreshold: "<",
    LessThanOrEqualToThreshold: "<=",
};

/** An object or a list: something whose values findInPlan walks into (validation's isObject excludes lists). */
function isObjectOrList(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null;
}

function isQuery(value: unknown): value is PlannedQuery {
    return (
        isObjectOrList(value) &&
        Array.isArray(value.metrics) &&
        Array.isArray(value.expressions) &&
        typeof value.returnId === "string"
    );
}

/** Every part of the scaling plan that matches `test`, wherever the plan keeps it, in the plan's own order. */
function findInPlan<T>(plan: ScalingPlan, test: (value: unknown) => value is T): T[] {
    const found: T[] = [];
    const visit = (value: unknown): void => {
        if (test(value)) {
            found.push(value);
        } else if (isObjectOrList(value)) {
            Object.values(value).forEach(visit);
        }
    };
    visit(plan);
    return found;
}

/** The alarms the scaling plan creates, wherever the plan keeps them. */
export function plannedScalingAlarms(plan: ScalingPlan): PlannedAlarm[] {
    return findInPlan(
        plan,
        (value): value is PlannedAlarm =>
            isObjectOrList(value) &&
            isQuery(value.query) &&
            typeof value.threshold === "number" &&
            typeof value.comparison === "string",
    );
}

/** The step-scaling policies of the plan, each with the alarm that drives it. */
function stepPolicies(plan: ScalingPlan): PlannedStepScaling[] {
    return findInPlan(
        plan,
        (value): value is PlannedStepScaling =>
            isObjectOrList(value) &&
            Array.isArray(value.steps) &&
            isObjectOrList(value.alarm) &&
            typeof value.adjustmentType === "string",
    );
}

/** The target-tracking policies of the plan. */
export function targetTrackings(plan: ScalingPlan): PlannedTargetTracking[] {
    return findInPlan(
        plan,
        (value): value is PlannedTargetTracking =>
            isObjectOrList(value) && typeof value.targetValue === "number" && isQuery(value.query),
    );
}

function steps(policy: PlannedStepScaling): string {
    const unit = (adjustment: number) =>
        policy.adjustmentType === "PercentChangeInCapacity"
            ? " % of the running tasks"
            : Math.abs(adjustment) === 1
              ? " task"
              : " tasks";
    const change = (adjustment: number) => `${adjustment > 0 ? "+" : ""}${adjustment}${unit(adjustment)}`;
    if (policy.steps.length === 1) {
        return change(policy.steps[0].scalingAdjustment);
    }
    return policy.steps
        .map((step) => `${change(step.scalingAdjustment)} from ${policy.alarm.threshold + (step.lowerBound ?? 0)}`)
        .join(", ");
}

/** What the scaling does, in one paragraph written from the plan. */
export function describeScaling(plan: ScalingPlan): string {
    const expressionOf = (query: PlannedQuery) =>
        query.expressions.find((expression) => expression.id === query.returnId)?.expression ?? query.returnId;
    const sentences = [
        ...targetTrackings(plan).map(
            (tracking) =>
                `Target tracking keeps \`${expressionOf(tracking.query)}\` near ${tracking.targetValue} between ` +
                `${plan.minTasks} and ${plan.maxTasks} tasks (scale-out cooldown ${tracking.scaleOutCooldownSeconds} s, ` +
                `scale-in ${tracking.disableScaleIn ? "disabled" : `cooldown ${tracking.scaleInCooldownSeconds} s`}).`,
        ),
        ...stepPolicies(plan).map(
            (policy) =>
                `${policy.alarm.description} Its alarm fires when \`${expressionOf(policy.alarm.query)}\` ` +
                `${COMPARISON_SYMBOL[policy.alarm.comparison]} ${policy.alarm.threshold} for ${policy.alarm.datapointsToAlarm} ` +
                `of ${policy.alarm.evaluationPeriods} one-minute periods, and then scales by ${steps(policy)} ` +
                `(cooldown ${policy.cooldownSeconds} s).`,
        ),
        plan.wakeUpEstimate
            ? `From zero tasks, a first message waits about ${plan.wakeUpEstimate.typicalSeconds} s for a task ` +
              `(${plan.wakeUpEstimate.worstSeconds} s at worst${plan.wakeUpEstimate.idleQueueExtraSeconds > 0 ? `, plus up to ${plan.wakeUpEstimate.idleQueueExtraSeconds} s after six idle hours` : ""}).`
            : "",
        plan.keepQueueActive
            ? `A schedule (${plan.keepQueueActive.scheduleExpression}) keeps the queue's metrics flowing while it is idle.`
            : "",
        ...plan.schedules.map(
            (schedule) =>
                `Schedule ${schedule.name} (${schedule.schedule}${schedule.timezone ? `, ${schedule.timezone}` : ""}) sets ` +
                `minTasks ${schedule.minTasks ?? "unchanged"} and maxTasks ${schedule.maxTasks ?? "unchanged"}.`,
        ),
    ];
    return sentences.filter(Boolean).join(" ");
}
