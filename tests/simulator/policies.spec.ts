import * as assert from "assert";
import { planScaling } from "../../components/scalingPlan";
import { cdkPolicy, copilotPolicy, ourPolicy } from "../../simulator/policies";
import { workerSettings } from "./fixtures";

describe("simulator/policies", () => {
    it("simulates exactly the plan the component deploys: its queries, alarm and cooldowns, unchanged", () => {
        const plan = planScaling(workerSettings({ minTasks: 0, maxTasks: 7 }).scaling);
        const ours = ourPolicy(plan);
        assert.strictEqual(ours.scaling.targetTracking[0].query, plan.backlog.query);
        assert.strictEqual(ours.scaling.targetTracking[0].scaleOutCooldownSeconds, plan.backlog.scaleOutCooldownSeconds);
        assert.strictEqual(ours.scaling.stepScaling[0].alarm, plan.wakeUp?.alarm);
        assert.deepStrictEqual([ours.scaling.minTasks, ours.scaling.maxTasks, ours.keepQueueActive], [0, 7, true]);
    });

    it("has no wake-up policy when the plan cannot reach zero, and the burst policy unless it is turned off", () => {
        const steps = (burstScaleOut?: boolean) => ourPolicy(planScaling(workerSettings({ minTasks: 1, burstScaleOut }).scaling)).scaling.stepScaling;
        assert.deepStrictEqual(steps().map((policy) => policy.name), ["burst"]);
        assert.deepStrictEqual(steps(false), []);
    });

    it("simulates the plan's burst policy unchanged: its alarm, steps, adjustment type and cooldown", () => {
        const plan = planScaling(workerSettings({ minTasks: 0 }).scaling);
        const burst = ourPolicy(plan).scaling.stepScaling.find((policy) => policy.name === "burst");
        assert.ok(burst && plan.burst);
        assert.strictEqual(burst.alarm, plan.burst.alarm);
        assert.strictEqual(burst.steps, plan.burst.steps);
        assert.deepStrictEqual([burst.adjustmentType, burst.cooldownSeconds], [plan.burst.adjustmentType, plan.burst.cooldownSeconds]);
    });

    it("gives the alternatives their documented defaults", () => {
        const cdk = cdkPolicy(1, 10);
        assert.deepStrictEqual(cdk.scaling.stepScaling.map((p) => [p.alarm.threshold, p.steps.map((s) => s.scalingAdjustment)]), [[100, [1, 5]], [0, [-1]]]);
        assert.strictEqual(cdk.scaling.targetTracking[0].targetValue, 50);
        const copilot = copilotPolicy(0, 10, 12).scaling.targetTracking[0];
        assert.deepStrictEqual([copilot.targetValue, copilot.scaleOutCooldownSeconds, copilot.scaleInCooldownSeconds], [12, 60, 120]);
    });
});
