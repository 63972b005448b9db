import * as assert from "node:assert/strict";
import { planScaling, ScalingPlan } from "../../../components/plan/scalingPlan";
import { describeScaling, plannedScalingAlarms, targetTrackings } from "../../../components/plan/scalingSummary";
import { resolveWorkerSettings } from "../../../components/plan/settings";
import { WorkerScaling } from "../../../components/types";
import { minimalArgs } from "../../support/worker";

function planFor(scaling: WorkerScaling): ScalingPlan {
    return planScaling(resolveWorkerSettings(minimalArgs({ scaling })).scaling);
}

describe("scalingSummary: reading a scaling plan by the shape of its parts", () => {
    it("finds every alarm and target-tracking policy the plan holds, wherever it keeps them", () => {
        const plan = planFor({ minTasks: 0 });
        assert.ok(plan.wakeUp && plan.catchUp && plan.scaleIn && plan.drain, "the plan has every step policy");
        assert.deepEqual(plannedScalingAlarms(plan), [
            plan.wakeUp?.alarm,
            plan.catchUp?.alarm,
            plan.scaleIn?.alarm,
            plan.drain?.alarm,
        ]);
        assert.deepEqual(targetTrackings(plan), [plan.backlog]);
        // Without burst and scale-in nothing is left to alarm on.
        assert.deepEqual(
            plannedScalingAlarms(planFor({ minTasks: 1, burstScaleOut: false, disableScaleIn: true })),
            [],
        );
    });

    describe("describeScaling", () => {
        it("states the target, the task range, each step policy with its alarm, the wake-up time and the schedules", () => {
            const plan = planFor({
                minTasks: 0,
                schedules: [{ name: "days", schedule: "cron(0 8 ? * MON-FRI *)", minTasks: 2 }],
            });
            const text = describeScaling(plan);
            assert.ok(
                text.includes(
                    `Target tracking keeps \`${plan.backlog.query.expressions[0].expression}\` near ${plan.targetBacklogPerTask} between 0 and ${plan.maxTasks} tasks`,
                ),
                text,
            );
            assert.ok(plan.wakeUp && text.includes(plan.wakeUp.alarm.description), text);
            assert.ok(
                plan.wakeUp &&
                    text.includes(
                        `\`${plan.wakeUp.alarm.query.expressions[0].expression}\` >= 1 for 2 of 2 one-minute periods, and then scales by +1 task`,
                    ),
                text,
            );
            assert.ok(plan.catchUp && text.includes(plan.catchUp.alarm.description), text);
            assert.ok(
                plan.wakeUpEstimate && text.includes(`waits about ${plan.wakeUpEstimate.typicalSeconds} s`),
                text,
            );
            assert.ok(
                text.includes("Schedule days (cron(0 8 ? * MON-FRI *), UTC) sets minTasks 2 and maxTasks unchanged."),
                text,
            );
            assert.ok(!text.includes("\n\n"), "one paragraph");
        });

        it("says nothing of a wake-up when the service never reaches zero", () => {
            const text = describeScaling(planFor({}));
            assert.ok(!/waits about|scale from zero/.test(text), text);
        });
    });
});
