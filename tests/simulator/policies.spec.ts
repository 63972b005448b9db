import * as assert from "assert";
import { planScaling } from "../../components/plan/scalingPlan";
import { cdkPolicy, copilotPolicy, ourPolicy } from "../../simulator/policies";
import { workerSettings } from "./fixtures";

describe("simulator/policies", () => {
    it("simulates exactly the plan the component deploys: its queries, alarm and cooldowns, unchanged", () => {
        const plan = planScaling(workerSettings({ minTasks: 0, maxTasks: 7 }).scaling);
        const ours = ourPolicy(plan);
        assert.strictEqual(ours.scaling.targetTracking[0].query, plan.backlog.query);
        assert.strictEqual(
            ours.scaling.targetTracking[0].scaleOutCooldownSeconds,
            plan.backlog.scaleOutCooldownSeconds,
        );
        assert.strictEqual(ours.scaling.stepScaling[0].alarm, plan.wakeUp?.alarm);
        assert.deepStrictEqual([ours.scaling.minTasks, ours.scaling.maxTasks, ours.keepQueueActive], [0, 7, true]);
    });

    it("has no wake-up policy when the plan cannot reach zero, the catch-up unless it is turned off, and scale-in and drain unless scale-in is", () => {
        const steps = (scaling: { burstScaleOut?: boolean; disableScaleIn?: boolean }) =>
            ourPolicy(planScaling(workerSettings({ minTasks: 1, ...scaling }).scaling)).scaling.stepScaling.map(
                (policy) => policy.name,
            );
        assert.deepStrictEqual(steps({}), ["catch-up", "scale-in", "drain"]);
        assert.deepStrictEqual(steps({ burstScaleOut: false }), ["scale-in", "drain"]);
        assert.deepStrictEqual(steps({ disableScaleIn: true }), ["catch-up"]);
    });

    it("simulates the plan's step policies unchanged: their alarms, steps, adjustment types, aggregation and cooldowns", () => {
        const plan = planScaling(workerSettings({ minTasks: 0 }).scaling);
        const simulated = ourPolicy(plan).scaling.stepScaling;
        for (const [name, planned] of [
            ["wake-up", plan.wakeUp],
            ["catch-up", plan.catchUp],
            ["scale-in", plan.scaleIn],
            ["drain", plan.drain],
        ] as const) {
            const policy = simulated.find((candidate) => candidate.name === name);
            assert.ok(policy && planned, name);
            assert.strictEqual(policy.alarm, planned.alarm);
            assert.strictEqual(policy.steps, planned.steps);
            assert.deepStrictEqual(
                [policy.adjustmentType, policy.metricAggregationType, policy.cooldownSeconds],
                [planned.adjustmentType, planned.metricAggregationType, planned.cooldownSeconds],
            );
        }
    });

    it("gives the alternatives their documented defaults", () => {
        const cdk = cdkPolicy(1, 10);
        assert.deepStrictEqual(
            cdk.scaling.stepScaling.map((p) => [p.alarm.threshold, p.steps.map((s) => s.scalingAdjustment)]),
            [
                [100, [1, 5]],
                [0, [-1]],
            ],
        );
        assert.strictEqual(cdk.scaling.targetTracking[0].targetValue, 50);
        const copilot = copilotPolicy(0, 10, 12).scaling.targetTracking[0];
        assert.deepStrictEqual(
            [copilot.targetValue, copilot.scaleOutCooldownSeconds, copilot.scaleInCooldownSeconds],
            [12, 60, 120],
        );
    });
});
