import * as assert from "node:assert/strict";
import { evaluateMetricQueries, MetricSeries, referencedIds } from "../simulator/metricMath";
import {
    BURST_COOLDOWN_SECONDS,
    BURST_THRESHOLD_MULTIPLE,
    burstQuery,
    estimateWakeUp,
    FARGATE_LAUNCH_P95_SECONDS,
    METRIC_LAG_WORST_SECONDS,
    planScaling,
    PlannedQuery,
    PlannedStepScaling,
    ScalingPlan,
    WAKE_UP_COOLDOWN_SECONDS,
} from "../components/scalingPlan";
import { resolveWorkerSettings } from "../components/settings";
import { WorkerScaling } from "../components/types";
import { minimalArgs } from "./support/worker";

function plan(scaling: WorkerScaling = {}): ScalingPlan {
    return planScaling(resolveWorkerSettings(minimalArgs({ scaling })).scaling);
}

/** Evaluates a planned query's returned expression over per-minute series, as CloudWatch would. */
function evaluate(query: PlannedQuery, series: Record<string, MetricSeries>): MetricSeries {
    const length = Math.max(...Object.values(series).map((values) => values.length));
    const queries = [...query.metrics.map((metric) => ({ id: metric.id })), ...query.expressions];
    return evaluateMetricQueries(queries, series, length)[query.returnId];
}

/** Would a step policy's alarm (">= threshold") go to ALARM on the newest `evaluationPeriods` minutes? */
function alarmFires(step: PlannedStepScaling | undefined, series: Record<string, MetricSeries>): boolean {
    assert.ok(step, "the plan has this alarm");
    assert.equal(step.alarm.comparison, "GreaterThanOrEqualToThreshold");
    const values = evaluate(step.alarm.query, series);
    const newest = values.slice(-step.alarm.evaluationPeriods);
    const breaching = newest.filter((value) => value !== undefined && value >= step.alarm.threshold).length;
    return breaching >= step.alarm.datapointsToAlarm;
}

function wakeAlarmFires(scalingPlan: ScalingPlan, series: Record<string, MetricSeries>): boolean {
    return alarmFires(scalingPlan.wakeUp, series);
}

function burstAlarmFires(scalingPlan: ScalingPlan, series: Record<string, MetricSeries>): boolean {
    return alarmFires(scalingPlan.burst, series);
}

const NONE = [undefined, undefined, undefined, undefined];

describe("scalingPlan: the scaling design as plain data", () => {
    describe("the backlog-per-task target", () => {
        it("uses targetBacklogPerTask, 10 by default", () => {
            assert.equal(plan().targetBacklogPerTask, 10);
            assert.equal(plan({ targetBacklogPerTask: 3 }).backlog.targetValue, 3);
        });

        it("derives the target from latency and processing time (Little's law, floored)", () => {
            const derived = plan({ acceptableLatencySeconds: 300, averageProcessingSeconds: 45 });
            assert.equal(derived.targetBacklogPerTask, 6);
            assert.equal(derived.backlog.targetValue, 6);
        });

        it("counts in-flight messages by default, so the service does not shrink while jobs still run", () => {
            const query = plan().backlog.query;
            assert.deepEqual(query.metrics.map((metric) => [metric.id, metric.namespace, metric.metricName, metric.stat]), [
                ["visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Sum"],
                ["inflight", "AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "Sum"],
                ["running", "ECS/ContainerInsights", "RunningTaskCount", "Average"],
            ]);
            assert.equal(query.expressions.find((expression) => expression.id === query.returnId)?.expression, "(visible + inflight) / running");
            assert.deepEqual(evaluate(query, { visible: [40, 0], inflight: [20, 10], running: [2, 5] }), [30, 2]);
        });

        it("counts only visible messages when countInFlight is false", () => {
            const query = plan({ countInFlight: false }).backlog.query;
            assert.deepEqual(query.metrics.map((metric) => metric.id), ["visible", "running"]);
            assert.deepEqual(evaluate(query, { visible: [40], running: [4] }), [10]);
        });

        it("has no backlog value at zero tasks, which is why target tracking alone cannot leave zero", () => {
            assert.deepEqual(evaluate(plan().backlog.query, { visible: [5, 5], inflight: [0, 0], running: [undefined, undefined] }), [undefined, undefined]);
        });

        it("passes cooldowns and disableScaleIn to the target-tracking policy", () => {
            const backlog = plan({ scaleOutCooldownSeconds: 30, scaleInCooldownSeconds: 600, disableScaleIn: true }).backlog;
            assert.deepEqual([backlog.scaleOutCooldownSeconds, backlog.scaleInCooldownSeconds, backlog.disableScaleIn], [30, 600, true]);
            const defaults = plan().backlog;
            assert.deepEqual([defaults.scaleOutCooldownSeconds, defaults.scaleInCooldownSeconds, defaults.disableScaleIn], [300, 300, false]);
        });

        it("only names queries that exist in every expression", () => {
            const scalingPlan = plan({ minTasks: 0 });
            for (const query of [scalingPlan.backlog.query, scalingPlan.wakeUp?.alarm.query]) {
                assert.ok(query);
                const ids = new Set([...query.metrics.map((metric) => metric.id), ...query.expressions.map((expression) => expression.id)]);
                for (const expression of query.expressions) {
                    for (const id of referencedIds(expression.expression)) {
                        assert.ok(ids.has(id), `${expression.expression} names ${id}`);
                    }
                }
            }
        });
    });

    describe("scale to zero and back, without a Lambda", () => {
        it("plans no wake-up alarm when nothing can bring the service to zero", () => {
            const scalingPlan = plan({ minTasks: 1 });
            assert.equal(scalingPlan.wakeUp, undefined);
            assert.equal(scalingPlan.wakeUpEstimate, undefined);
            assert.equal(scalingPlan.keepQueueActive, undefined);
        });

        it("plans a wake-up when minTasks is 0, and when only a schedule sets minTasks 0", () => {
            assert.ok(plan({ minTasks: 0 }).wakeUp);
            assert.ok(plan({ minTasks: 1, schedules: [{ name: "night", schedule: "cron(0 20 * * ? *)", minTasks: 0 }] }).wakeUp);
        });

        it("adds exactly one task per alarm (ChangeInCapacity +1), never ExactCapacity and never a scale-in", () => {
            const wake = plan({ minTasks: 0 }).wakeUp;
            assert.ok(wake);
            assert.equal(wake.adjustmentType, "ChangeInCapacity");
            assert.deepEqual(wake.steps, [{ lowerBound: 0, scalingAdjustment: 1 }]);
            assert.ok(wake.steps.every((step) => step.scalingAdjustment > 0));
        });

        it("needs more than one breaching minute and cools down longer than a launch plus the metric lag", () => {
            const wake = plan({ minTasks: 0 }).wakeUp;
            assert.ok(wake);
            assert.ok(wake.alarm.datapointsToAlarm > 1);
            assert.equal(wake.alarm.datapointsToAlarm, wake.alarm.evaluationPeriods);
            assert.equal(wake.alarm.periodSeconds, 60);
            assert.ok(wake.cooldownSeconds >= FARGATE_LAUNCH_P95_SECONDS + METRIC_LAG_WORST_SECONDS);
            assert.equal(wake.cooldownSeconds, WAKE_UP_COOLDOWN_SECONDS);
            assert.equal(wake.alarm.treatMissingData, "notBreaching");
        });

        it("fires for zero tasks with messages waiting", () => {
            assert.equal(wakeAlarmFires(plan({ minTasks: 0 }), { visible: [3, 3, 3, 3], running: [0, 0, 0, 0] }), true);
        });

        it("fires when RunningTaskCount has no datapoints at all (what zero tasks looks like)", () => {
            assert.equal(wakeAlarmFires(plan({ minTasks: 0 }), { visible: [1, 1, 1, 1], running: NONE }), true);
        });

        it("stays quiet for zero tasks and an empty queue", () => {
            assert.equal(wakeAlarmFires(plan({ minTasks: 0 }), { visible: [0, 0, 0, 0], running: NONE }), false);
        });

        it("stays quiet while tasks run with messages waiting (the backlog policy's job)", () => {
            assert.equal(wakeAlarmFires(plan({ minTasks: 0 }), { visible: [50, 50, 50, 50], running: [2, 2, 2, 2] }), false);
        });

        it("stays quiet when the newest RunningTaskCount minute is not yet published while tasks run", () => {
            const scalingPlan = plan({ minTasks: 0 });
            assert.equal(wakeAlarmFires(scalingPlan, { visible: [9, 9, 9, 9], running: [2, 2, 2, undefined] }), false);
            // Even two late minutes in a row do not fire: the last published count is carried over.
            assert.equal(wakeAlarmFires(scalingPlan, { visible: [9, 9, 9, 9], running: [2, 2, undefined, undefined] }), false);
        });

        it("stays quiet when SQS publishes nothing (an idle queue)", () => {
            assert.equal(wakeAlarmFires(plan({ minTasks: 0 }), { visible: NONE, running: NONE }), false);
        });

        it("states the honest wake-up time: lag + 2 x 60 s + launch, and 15 idle minutes more without keepQueueActive", () => {
            const estimate = estimateWakeUp(true);
            assert.equal(estimate.typicalSeconds, 60 + 120 + 45);
            assert.equal(estimate.worstSeconds, 180 + 120 + 90);
            assert.equal(estimate.idleQueueExtraSeconds, 0);
            assert.equal(estimateWakeUp(false).idleQueueExtraSeconds, 900);
            assert.deepEqual(plan({ minTasks: 0 }).wakeUpEstimate, estimate);
            assert.equal(plan({ minTasks: 0, keepQueueActive: false }).wakeUpEstimate?.idleQueueExtraSeconds, 900);
        });

        it("keeps the queue active with an hourly call when the service can reach zero, unless turned off", () => {
            assert.deepEqual(plan({ minTasks: 0 }).keepQueueActive, { scheduleExpression: "rate(1 hour)", invocationsPerMonth: 720 });
            assert.equal(plan({ minTasks: 0, keepQueueActive: false }).keepQueueActive, undefined);
        });
    });

    describe("the burst step policy", () => {
        it("is planned by default, with or without a floor of zero, and not when burstScaleOut is false", () => {
            assert.ok(plan().burst);
            assert.ok(plan({ minTasks: 0 }).burst);
            assert.equal(plan({ burstScaleOut: false }).burst, undefined);
        });

        it("alarms on one minute at 4 x the target, fewer datapoints than target tracking's 3 of 3", () => {
            const burst = plan({ targetBacklogPerTask: 5 }).burst;
            assert.ok(burst);
            assert.equal(BURST_THRESHOLD_MULTIPLE, 4);
            assert.deepEqual(
                [burst.alarm.threshold, burst.alarm.comparison, burst.alarm.periodSeconds, burst.alarm.evaluationPeriods, burst.alarm.datapointsToAlarm],
                [20, "GreaterThanOrEqualToThreshold", 60, 1, 1],
            );
            assert.equal(burst.alarm.treatMissingData, "notBreaching");
        });

        it("grows capacity by percent steps at or below the proportional rule, and never scales in", () => {
            const burst = plan().burst;
            assert.ok(burst);
            assert.equal(burst.adjustmentType, "PercentChangeInCapacity");
            // Threshold 40 (4 x 10): backlog 40 to 80 per task +300 %, 80 to 160 +700 %, 160 and more +1500 %.
            assert.deepEqual(burst.steps, [
                { lowerBound: 0, upperBound: 40, scalingAdjustment: 300 },
                { lowerBound: 40, upperBound: 120, scalingAdjustment: 700 },
                { lowerBound: 120, scalingAdjustment: 1500 },
            ]);
            // At each step's lower edge the new capacity is backlog / target times the old: what target tracking asks.
            for (const step of burst.steps) {
                const backlog: number = burst.alarm.threshold + (step.lowerBound ?? 0);
                assert.equal(1 + step.scalingAdjustment / 100, backlog / 10);
            }
        });

        it("cools down longer than a launch plus the metric lag, so it acts once per burst", () => {
            const burst = plan().burst;
            assert.ok(burst);
            assert.ok(burst.cooldownSeconds >= FARGATE_LAUNCH_P95_SECONDS + METRIC_LAG_WORST_SECONDS);
            assert.equal(burst.cooldownSeconds, BURST_COOLDOWN_SECONDS);
        });

        it("reads backlog per running task with the wake-up's running-count guard", () => {
            assert.equal(
                plan().burst?.alarm.query.expressions[0].expression,
                "IF(FILL(FILL(running, REPEAT), 0) > 0, (visible + inflight) / FILL(running, REPEAT), 0)",
            );
            assert.equal(
                plan({ countInFlight: false }).burst?.alarm.query.expressions[0].expression,
                "IF(FILL(FILL(running, REPEAT), 0) > 0, visible / FILL(running, REPEAT), 0)",
            );
        });

        it("fires on a batch dropped on a running service, in the batch's first minute", () => {
            assert.equal(burstAlarmFires(plan(), { visible: [0, 0, 0, 450], inflight: [0, 0, 0, 1], running: [1, 1, 1, 1] }), true);
            assert.deepEqual(evaluate(burstQuery(true), { visible: [450], inflight: [1], running: [1] }), [451]);
        });

        it("stays quiet at the target and up to just below 4 x the target", () => {
            const scalingPlan = plan();
            assert.equal(burstAlarmFires(scalingPlan, { visible: [15, 15, 15, 15], inflight: [5, 5, 5, 5], running: [2, 2, 2, 2] }), false);
            assert.equal(burstAlarmFires(scalingPlan, { visible: [60, 60, 60, 77], inflight: [2, 2, 2, 2], running: [2, 2, 2, 2] }), false);
            assert.equal(burstAlarmFires(scalingPlan, { visible: [60, 60, 60, 78], inflight: [2, 2, 2, 2], running: [2, 2, 2, 2] }), true);
        });

        it("stays quiet at zero tasks, where the wake-up alarm acts instead", () => {
            const scalingPlan = plan({ minTasks: 0 });
            const zeroTasks = { visible: [500, 500, 500, 500], inflight: [0, 0, 0, 0], running: NONE };
            assert.equal(burstAlarmFires(scalingPlan, zeroTasks), false);
            assert.deepEqual(evaluate(burstQuery(true), zeroTasks), [0, 0, 0, 0]);
            assert.equal(wakeAlarmFires(scalingPlan, zeroTasks), true);
            // A count of 0 published for the last minute a task ran is zero tasks too.
            assert.equal(burstAlarmFires(scalingPlan, { visible: [500, 500, 500, 500], inflight: [0, 0, 0, 0], running: [1, 0, 0, 0] }), false);
        });

        it("on a late RunningTaskCount minute divides by the last published count: no spurious burst, no missed one", () => {
            const scalingPlan = plan();
            // At the target with the newest count late: FILL(running, 0) alone would divide by zero tasks.
            assert.equal(burstAlarmFires(scalingPlan, { visible: [18, 18, 18, 18], inflight: [2, 2, 2, 2], running: [2, 2, 2, undefined] }), false);
            assert.deepEqual(evaluate(burstQuery(true), { visible: [18, 18], inflight: [2, 2], running: [2, undefined] }), [10, 10]);
            // A batch in the newest SQS minute is seen without waiting for Container Insights.
            assert.equal(burstAlarmFires(scalingPlan, { visible: [18, 18, 18, 400], inflight: [2, 2, 2, 2], running: [2, 2, 2, undefined] }), true);
        });
    });

    describe("schedules", () => {
        it("carries each schedule with its timezone defaulted to UTC", () => {
            const scalingPlan = plan({
                schedules: [
                    { name: "night", schedule: "cron(0 20 ? * MON-FRI *)", timezone: "Europe/Paris", minTasks: 0, maxTasks: 2 },
                    { name: "morning", schedule: "cron(0 7 ? * MON-FRI *)", minTasks: 2 },
                ],
            });
            assert.deepEqual(scalingPlan.schedules, [
                { name: "night", schedule: "cron(0 20 ? * MON-FRI *)", timezone: "Europe/Paris", minTasks: 0, maxTasks: 2 },
                { name: "morning", schedule: "cron(0 7 ? * MON-FRI *)", timezone: "UTC", minTasks: 2, maxTasks: undefined },
            ]);
        });
    });
});
