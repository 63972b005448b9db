import * as assert from "node:assert/strict";
import { evaluateMetricQueries, MetricSeries, referencedIds } from "../../../simulator/metricMath";
import {
    CATCH_UP_COOLDOWN_SECONDS,
    catchUpQuery,
    estimateWakeUp,
    FARGATE_LAUNCH_P95_SECONDS,
    MAX_STEP_ADJUSTMENTS,
    METRIC_LAG_WORST_SECONDS,
    planScaling,
    PlannedQuery,
    PlannedStepScaling,
    ScalingPlan,
    stepLadder,
    WAKE_UP_COOLDOWN_SECONDS,
} from "../../../components/plan/scalingPlan";
import { resolveWorkerSettings } from "../../../components/plan/settings";
import { WorkerScaling } from "../../../components/types";
import { minimalArgs } from "../../support/worker";

function plan(scaling: WorkerScaling = {}): ScalingPlan {
    return planScaling(resolveWorkerSettings(minimalArgs({ scaling })).scaling);
}

/** Evaluates a planned query's returned expression over per-minute series, as CloudWatch would. */
function evaluate(query: PlannedQuery, series: Record<string, MetricSeries>): MetricSeries {
    const length = Math.max(...Object.values(series).map((values) => values.length));
    const queries = [...query.metrics.map((metric) => ({ id: metric.id })), ...query.expressions];
    return evaluateMetricQueries(queries, series, length)[query.returnId];
}

/** Would a step policy's alarm go to ALARM on the newest `evaluationPeriods` minutes (missing data not breaching)? */
function alarmFires(step: PlannedStepScaling | undefined, series: Record<string, MetricSeries>): boolean {
    assert.ok(step, "the plan has this alarm");
    assert.equal(step.alarm.treatMissingData, "notBreaching");
    const { comparison, threshold } = step.alarm;
    assert.ok(comparison === "GreaterThanOrEqualToThreshold" || comparison === "LessThanOrEqualToThreshold");
    const breaches = (value: number) =>
        comparison === "GreaterThanOrEqualToThreshold" ? value >= threshold : value <= threshold;
    const newest = evaluate(step.alarm.query, series).slice(-step.alarm.evaluationPeriods);
    return newest.filter((value) => value !== undefined && breaches(value)).length >= step.alarm.datapointsToAlarm;
}

/** The step a policy takes for a metric value, with the bounds read relative to the alarm threshold as AWS does. */
function stepFor(step: PlannedStepScaling, value: number): number | undefined {
    const relative = value - step.alarm.threshold;
    return step.steps.find(
        (s) =>
            (s.lowerBound === undefined || relative >= s.lowerBound) &&
            (s.upperBound === undefined ||
                relative < s.upperBound ||
                (s.lowerBound === undefined && relative <= s.upperBound)),
    )?.scalingAdjustment;
}

function wakeAlarmFires(scalingPlan: ScalingPlan, series: Record<string, MetricSeries>): boolean {
    return alarmFires(scalingPlan.wakeUp, series);
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
            assert.deepEqual(
                query.metrics.map((metric) => [metric.id, metric.namespace, metric.metricName, metric.stat]),
                [
                    ["visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Sum"],
                    ["inflight", "AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "Sum"],
                    ["desired", "ECS/ContainerInsights", "DesiredTaskCount", "Average"],
                ],
            );
            assert.equal(
                query.expressions.find((expression) => expression.id === query.returnId)?.expression,
                "(visible + inflight) / desired",
            );
            assert.deepEqual(evaluate(query, { visible: [40, 0], inflight: [20, 10], desired: [2, 5] }), [30, 2]);
        });

        it("counts only visible messages when countInFlight is false", () => {
            const query = plan({ countInFlight: false }).backlog.query;
            assert.deepEqual(
                query.metrics.map((metric) => metric.id),
                ["visible", "desired"],
            );
            assert.deepEqual(evaluate(query, { visible: [40], desired: [4] }), [10]);
        });

        it("has no backlog value at zero tasks, which is why target tracking alone cannot leave zero", () => {
            assert.deepEqual(
                evaluate(plan().backlog.query, { visible: [5, 5], inflight: [0, 0], desired: [undefined, undefined] }),
                [undefined, undefined],
            );
        });

        it("passes the cooldowns to target tracking and leaves scale-in to the step policies, whose pace AWS documents", () => {
            const backlog = plan({ scaleOutCooldownSeconds: 30, scaleInCooldownSeconds: 600 }).backlog;
            assert.deepEqual(
                [backlog.scaleOutCooldownSeconds, backlog.scaleInCooldownSeconds, backlog.disableScaleIn],
                [30, 600, true],
            );
            assert.equal(plan().backlog.disableScaleIn, true);
            assert.equal(plan({ scaleInCooldownSeconds: 600 }).scaleIn?.cooldownSeconds, 600);
        });

        it("only names queries that exist in every expression", () => {
            const scalingPlan = plan({ minTasks: 0 });
            const steps = [scalingPlan.wakeUp, scalingPlan.catchUp, scalingPlan.scaleIn, scalingPlan.drain];
            for (const query of [scalingPlan.backlog.query, ...steps.map((step) => step?.alarm.query)]) {
                assert.ok(query);
                const ids = new Set([
                    ...query.metrics.map((metric) => metric.id),
                    ...query.expressions.map((expression) => expression.id),
                ]);
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
            assert.ok(
                plan({ minTasks: 1, schedules: [{ name: "night", schedule: "cron(0 20 * * ? *)", minTasks: 0 }] })
                    .wakeUp,
            );
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
            assert.equal(
                wakeAlarmFires(plan({ minTasks: 0 }), { visible: [50, 50, 50, 50], running: [2, 2, 2, 2] }),
                false,
            );
        });

        it("stays quiet when the newest RunningTaskCount minute is not yet published while tasks run", () => {
            const scalingPlan = plan({ minTasks: 0 });
            assert.equal(wakeAlarmFires(scalingPlan, { visible: [9, 9, 9, 9], running: [2, 2, 2, undefined] }), false);
            // Even two late minutes in a row do not fire: the last published count is carried over.
            assert.equal(
                wakeAlarmFires(scalingPlan, { visible: [9, 9, 9, 9], running: [2, 2, undefined, undefined] }),
                false,
            );
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
            assert.deepEqual(plan({ minTasks: 0 }).keepQueueActive, {
                scheduleExpression: "rate(1 hour)",
                invocationsPerMonth: 720,
            });
            assert.equal(plan({ minTasks: 0, keepQueueActive: false }).keepQueueActive, undefined);
        });
    });

    describe("step ladders within AWS's 20 step adjustments", () => {
        it("counts one by one while that fits, then grows geometrically to the largest capacity", () => {
            assert.deepEqual(stepLadder(1, 10), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
            for (const largest of [20, 50, 1000]) {
                const ladder = stepLadder(1, largest);
                assert.ok(ladder.length <= MAX_STEP_ADJUSTMENTS, `${largest}: ${ladder.length} steps`);
                assert.ok(ladder[ladder.length - 1] >= largest);
                assert.ok(ladder.every((count, i) => i === 0 || count > ladder[i - 1]));
            }
        });

        const policies: [string, (p: ScalingPlan) => PlannedStepScaling | undefined, 1 | -1][] = [
            ["catch-up", (p) => p.catchUp, 1],
            ["scale-in", (p) => p.scaleIn, -1],
        ];
        for (const [name, of, sign] of policies) {
            it(`gives the ${name} contiguous steps, none moving by more than its interval's lower edge, up to the largest scheduled capacity`, () => {
                const step = of(
                    plan({ maxTasks: 50, schedules: [{ name: "peak", schedule: "cron(0 8 * * ? *)", maxTasks: 200 }] }),
                );
                assert.ok(step);
                assert.equal(step.adjustmentType, "ChangeInCapacity");
                assert.ok(step.steps.length <= MAX_STEP_ADJUSTMENTS);
                assert.equal(step.steps[0].lowerBound, 0);
                assert.equal(step.steps[step.steps.length - 1].upperBound, undefined);
                step.steps.forEach((adjustment, i) => {
                    // Bounds are relative to the threshold: the interval starts at threshold + lowerBound tasks.
                    assert.equal(
                        adjustment.scalingAdjustment,
                        sign * (step.alarm.threshold + (adjustment.lowerBound ?? 0)),
                    );
                    if (i > 0) {
                        assert.equal(adjustment.lowerBound, step.steps[i - 1].upperBound);
                    }
                });
                // The last, open-ended step moves the whole largest capacity (or just past it: the target clamps).
                assert.ok(Math.abs(step.steps[step.steps.length - 1].scalingAdjustment) >= 200);
                assert.ok(Math.abs(step.steps[step.steps.length - 2].scalingAdjustment) < 200);
            });
        }
    });

    describe("the catch-up step policy", () => {
        it("is planned by default, with or without a floor of zero, and not when burstScaleOut is false", () => {
            assert.ok(plan().catchUp);
            assert.ok(plan({ minTasks: 0 }).catchUp);
            assert.equal(plan({ burstScaleOut: false }).catchUp, undefined);
        });

        it("alarms on one minute with a deficit of a task or more, fewer datapoints than target tracking's 3 of 3", () => {
            const burst = plan({ targetBacklogPerTask: 5 }).catchUp;
            assert.ok(burst);
            assert.deepEqual(
                [
                    burst.alarm.threshold,
                    burst.alarm.comparison,
                    burst.alarm.periodSeconds,
                    burst.alarm.evaluationPeriods,
                    burst.alarm.datapointsToAlarm,
                ],
                [1, "GreaterThanOrEqualToThreshold", 60, 1, 1],
            );
        });

        it("cools down longer than the worst metric lag plus a minute, so a stale desired count is not answered twice", () => {
            const burst = plan().catchUp;
            assert.ok(burst);
            assert.ok(burst.cooldownSeconds >= METRIC_LAG_WORST_SECONDS + 60);
            assert.equal(burst.cooldownSeconds, CATCH_UP_COOLDOWN_SECONDS);
        });

        it("reads the deficit against the desired count, with a late minute carried over and no count read as zero", () => {
            assert.equal(
                plan().catchUp?.alarm.query.expressions[0].expression,
                "(visible + inflight) / 10 - FILL(FILL(desired, REPEAT), 0)",
            );
            assert.equal(
                plan({ countInFlight: false }).catchUp?.alarm.query.expressions[0].expression,
                "visible / 10 - FILL(FILL(desired, REPEAT), 0)",
            );
        });

        it("adds the tasks a batch dropped on a running service asks for, in the batch's first minute", () => {
            const scalingPlan = plan({ maxTasks: 50 });
            const batch = { visible: [0, 0, 0, 449], inflight: [0, 0, 0, 1], desired: [1, 1, 1, 1] };
            assert.equal(alarmFires(scalingPlan.catchUp, batch), true);
            assert.deepEqual(evaluate(catchUpQuery(true, 10), batch), [-1, -1, -1, 44]);
            // 44 tasks short: the step for 44 adds no more than 44, and the scalable target caps it at maxTasks.
            const added = scalingPlan.catchUp && stepFor(scalingPlan.catchUp, 44);
            assert.ok(added !== undefined && added <= 44 && added >= 40, `adds ${added}`);
        });

        it("stays quiet up to just under one task short", () => {
            const scalingPlan = plan();
            assert.equal(
                alarmFires(scalingPlan.catchUp, {
                    visible: [25, 25, 25, 25],
                    inflight: [4, 4, 4, 4],
                    desired: [2, 2, 2, 2],
                }),
                false,
            );
            assert.equal(
                alarmFires(scalingPlan.catchUp, {
                    visible: [25, 25, 25, 26],
                    inflight: [4, 4, 4, 4],
                    desired: [2, 2, 2, 2],
                }),
                true,
            );
        });

        it("at zero tasks adds for a batch but leaves a single message to the wake-up", () => {
            const scalingPlan = plan({ minTasks: 0 });
            assert.equal(
                alarmFires(scalingPlan.catchUp, {
                    visible: [500, 500, 500, 500],
                    inflight: [0, 0, 0, 0],
                    desired: NONE,
                }),
                true,
            );
            assert.equal(
                alarmFires(scalingPlan.catchUp, { visible: [1, 1, 1, 1], inflight: [0, 0, 0, 0], desired: NONE }),
                false,
            );
            assert.equal(wakeAlarmFires(scalingPlan, { visible: [1, 1, 1, 1], running: NONE }), true);
        });

        it("on a late DesiredTaskCount minute compares with the last published count: no spurious scale-out", () => {
            assert.equal(
                alarmFires(plan().catchUp, {
                    visible: [18, 18, 18, 18],
                    inflight: [2, 2, 2, 2],
                    desired: [2, 2, 2, undefined],
                }),
                false,
            );
        });
    });

    describe("the scale-in step policy", () => {
        it("is planned unless disableScaleIn, needs 3 of 3 minutes and removes the smallest surplus it saw", () => {
            assert.equal(plan({ disableScaleIn: true }).scaleIn, undefined);
            const scaleIn = plan().scaleIn;
            assert.ok(scaleIn);
            assert.deepEqual(
                [
                    scaleIn.alarm.evaluationPeriods,
                    scaleIn.alarm.datapointsToAlarm,
                    scaleIn.alarm.threshold,
                    scaleIn.metricAggregationType,
                ],
                [3, 3, 1, "Minimum"],
            );
            assert.ok(scaleIn.steps.every((step) => step.scalingAdjustment < 0));
        });

        it("reads desired - max(work / target, in flight + a spare), in flight counted whatever countInFlight says", () => {
            const expected =
                "FILL(FILL(desired, REPEAT), 0) - IF(inflight + 1 > (visible + inflight) / 10, inflight + 1, (visible + inflight) / 10)";
            assert.equal(plan().scaleIn?.alarm.query.expressions[0].expression, expected);
            assert.deepEqual(
                plan({ countInFlight: false }).scaleIn?.alarm.query.metrics.map((metric) => metric.id),
                ["visible", "inflight", "desired"],
            );
        });

        it("never counts a busy task or the spare as surplus: six tasks, four jobs in flight, nothing waiting, removes one", () => {
            const scaleIn = plan().scaleIn;
            assert.ok(scaleIn);
            const busy = { visible: [0, 0, 0], inflight: [4, 4, 4], desired: [6, 6, 6] };
            assert.deepEqual(evaluate(scaleIn.alarm.query, busy), [1, 1, 1]);
            assert.equal(alarmFires(scaleIn, busy), true);
            assert.equal(stepFor(scaleIn, 1), -1);
            // Five tasks for four jobs is four busy and the spare: nothing to remove.
            assert.equal(alarmFires(scaleIn, { visible: [0, 0, 0], inflight: [4, 4, 4], desired: [5, 5, 5] }), false);
        });

        it("leaves a fleet at the target alone, and one short minute in three keeps it", () => {
            const scaleIn = plan().scaleIn;
            assert.equal(
                alarmFires(scaleIn, { visible: [45, 45, 45], inflight: [5, 5, 5], desired: [5, 5, 5] }),
                false,
            );
            assert.equal(alarmFires(scaleIn, { visible: [0, 45, 0], inflight: [2, 5, 2], desired: [5, 5, 5] }), false);
        });
    });

    describe("the drain to the minimum", () => {
        it("is planned unless disableScaleIn, and asks for -100 %, which the scalable target's minimum stops", () => {
            assert.equal(plan({ disableScaleIn: true }).drain, undefined);
            const drain = plan().drain;
            assert.ok(drain);
            assert.equal(drain.adjustmentType, "PercentChangeInCapacity");
            assert.deepEqual(drain.steps, [{ upperBound: 0, scalingAdjustment: -100 }]);
            assert.deepEqual(
                [
                    drain.alarm.comparison,
                    drain.alarm.threshold,
                    drain.alarm.evaluationPeriods,
                    drain.alarm.datapointsToAlarm,
                ],
                ["LessThanOrEqualToThreshold", 0, 3, 3],
            );
        });

        it("acts only when nothing is visible and nothing in flight for three minutes, whatever countInFlight says", () => {
            for (const countInFlight of [true, false]) {
                const drain = plan({ countInFlight }).drain;
                assert.equal(drain?.alarm.query.expressions[0].expression, "visible + inflight");
                assert.equal(alarmFires(drain, { visible: [0, 0, 0], inflight: [0, 0, 0] }), true);
                // A task still holding one message, or one message waiting, keeps the service as it is.
                assert.equal(alarmFires(drain, { visible: [0, 0, 0], inflight: [0, 0, 1] }), false);
                assert.equal(alarmFires(drain, { visible: [0, 1, 0], inflight: [0, 0, 0] }), false);
                // A minute SQS has not published is not an empty queue.
                assert.equal(alarmFires(drain, { visible: [0, 0, undefined], inflight: [0, 0, undefined] }), false);
            }
        });

        it("and a message that arrives after the drain still wakes the service: the wake-up reads the same visible count", () => {
            const scalingPlan = plan({ minTasks: 0 });
            const arrived = {
                visible: [0, 0, 0, 1, 1],
                inflight: [0, 0, 0, 0, 0],
                running: [1, 0, undefined, undefined, undefined],
            };
            assert.equal(alarmFires(scalingPlan.drain, arrived), false);
            assert.equal(wakeAlarmFires(scalingPlan, arrived), true);
        });
    });

    describe("who may add and who may remove", () => {
        it("wake-up and catch-up only add (never ExactCapacity, never a scale-in); only the scale-in and the drain remove", () => {
            const scalingPlan = plan({ minTasks: 0 });
            for (const step of [scalingPlan.wakeUp, scalingPlan.catchUp]) {
                assert.ok(step);
                assert.equal(step.adjustmentType, "ChangeInCapacity");
                assert.ok(step.steps.every((adjustment) => adjustment.scalingAdjustment > 0));
            }
            for (const step of [scalingPlan.scaleIn, scalingPlan.drain]) {
                assert.ok(step && step.steps.every((adjustment) => adjustment.scalingAdjustment < 0));
            }
        });
    });

    describe("schedules", () => {
        it("carries each schedule with its timezone defaulted to UTC", () => {
            const scalingPlan = plan({
                schedules: [
                    {
                        name: "night",
                        schedule: "cron(0 20 ? * MON-FRI *)",
                        timezone: "Europe/Paris",
                        minTasks: 0,
                        maxTasks: 2,
                    },
                    { name: "morning", schedule: "cron(0 7 ? * MON-FRI *)", minTasks: 2 },
                ],
            });
            assert.deepEqual(scalingPlan.schedules, [
                {
                    name: "night",
                    schedule: "cron(0 20 ? * MON-FRI *)",
                    timezone: "Europe/Paris",
                    minTasks: 0,
                    maxTasks: 2,
                },
                {
                    name: "morning",
                    schedule: "cron(0 7 ? * MON-FRI *)",
                    timezone: "UTC",
                    minTasks: 2,
                    maxTasks: undefined,
                },
            ]);
        });
    });
});
