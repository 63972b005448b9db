import * as assert from "assert";
import {
    estimateWakeUp,
    FARGATE_LAUNCH_P95_SECONDS,
    METRIC_LAG_WORST_SECONDS,
    planScaling,
} from "../../components/plan/scalingPlan";
import { CapacityProvider } from "../../components/types";
import { copilotPolicy, fixedPolicy, ourPolicy } from "../../simulator/policies";
import { SQS_INACTIVE_AFTER_SECONDS } from "../../simulator/parameters";
import { burst, pinnedParameters, run, trace, workerSettings } from "./fixtures";

// The worst case the scaling issue states: slowest metric lag and the p95 launch, every time.
const worstCase = pinnedParameters({
    metricLagSeconds: METRIC_LAG_WORST_SECONDS,
    launchMedianSeconds: FARGATE_LAUNCH_P95_SECONDS,
});

describe("simulator/simulation", () => {
    describe("target tracking", () => {
        it("waits for three breaching datapoints (plus their lag) before the first scale-out", () => {
            // Target tracking alone: the burst policy would act first on this surge (see below).
            const settings = workerSettings({ minTasks: 1, maxTasks: 10, burstScaleOut: false });
            const surgeAt = 610;
            const result = run(
                ourPolicy(planScaling(settings.scaling)),
                settings,
                trace(burst(surgeAt, 300, 30), 3600),
            );
            const first = result.activities.find((activity) => activity.to > activity.from);
            assert.ok(first, "the surge is scaled out");
            // The surge is first sampled at the end of its minute (660 s); the third breaching minute ends at 780 s and
            // its datapoint is visible 60 s (the lag) later.
            assert.strictEqual(first.at, 660 + 2 * 60 + 60);
            // Two breaching datapoints were visible at 780 s, one minute earlier, and did not scale out.
            assert.ok(first.at - surgeAt >= 2 * 60 + 60, `scaled out ${first.at - surgeAt} s after the surge`);
            assert.strictEqual(
                first.to,
                10,
                "proportional: backlog 300 per task at target 10 asks for 30, capped at maxTasks",
            );
        });

        it("leaves scale-in to the step policies: target tracking itself never removes a task", () => {
            const settings = workerSettings({ minTasks: 1, maxTasks: 10 });
            const result = run(ourPolicy(planScaling(settings.scaling)), settings, trace(burst(60, 300, 30), 2 * 3600));
            const removals = result.activities.filter((activity) => activity.to < activity.from);
            assert.ok(removals.length > 0);
            assert.ok(
                removals.every((activity) => /^(scale-in|drain): step/.test(activity.cause)),
                removals.map((a) => a.cause).join(", "),
            );
            assert.ok(result.activities.every((activity) => activity.to >= 1));
            assert.strictEqual(result.unprocessed, 0);
        });
    });

    describe("catch-up step policy", () => {
        it("scales a surge out on its first breaching datapoint, two minutes ahead of target tracking", () => {
            const settings = workerSettings({ minTasks: 1, maxTasks: 10 });
            const result = run(ourPolicy(planScaling(settings.scaling)), settings, trace(burst(610, 300, 30), 3600));
            const first = result.activities.find((activity) => activity.to > activity.from);
            // The surge's minute ends at 660 s and its datapoint is visible 60 s (the lag) later: one datapoint, not
            // three. 300 messages at a target of 10 is 29 tasks short: capped at maxTasks.
            assert.deepStrictEqual(first && [first.at, first.from, first.to], [720, 1, 10]);
            assert.match(first?.cause ?? "", /^catch-up: step \+\d+$/);
        });

        it("adds once for a deficit, not once a minute, while its alarm stays in ALARM on a stale desired count", () => {
            const settings = workerSettings({ minTasks: 1, maxTasks: 10 });
            // 50 messages for one task, one done by the minute's end: 4.9 tasks asked for, 3.9 short, so +3 (a step never
            // adds more than its lower edge). The alarm stays in ALARM for minutes while DesiredTaskCount still reads
            // one task; during the cooldown AWS counts the three added as already there.
            const result = run(ourPolicy(planScaling(settings.scaling)), settings, trace(burst(610, 50, 30), 3600));
            const catchUps = result.activities.filter((activity) => activity.cause.startsWith("catch-up"));
            assert.deepStrictEqual(
                catchUps.map((activity) => [activity.at, activity.from, activity.to]),
                [[720, 1, 4]],
            );
            assert.strictEqual(result.unprocessed, 0);
        });

        it("stays quiet while the backlog is within a task of the target", () => {
            const settings = workerSettings({ minTasks: 2, maxTasks: 10 });
            // 25 messages for two tasks ask for 2.5 tasks: half a task short.
            const result = run(ourPolicy(planScaling(settings.scaling)), settings, trace(burst(610, 25, 30), 3600));
            assert.deepStrictEqual(
                result.activities.filter((activity) => activity.to > activity.from),
                [],
            );
        });
    });

    describe("scale-in and drain", () => {
        it("drains to minTasks within three empty minutes plus the metric lag after the last job ends", () => {
            const settings = workerSettings({ minTasks: 2, maxTasks: 10 });
            const result = run(
                ourPolicy(planScaling(settings.scaling)),
                settings,
                trace(burst(610, 300, 30), 3 * 3600),
            );
            const peak = Math.max(...result.activities.map((activity) => activity.to));
            const lastDown = [...result.activities].reverse().find((activity) => activity.to < activity.from);
            assert.ok(peak === 10 && lastDown !== undefined);
            assert.strictEqual(lastDown.to, 2);
            // 300 jobs of 30 s on 10 tasks end about 15 minutes after the surge plus the scale-out; then three empty
            // minutes, the lag and the next evaluation.
            const drainedBy = 610 + (300 * 30) / 10 + 240 + 3 * 60 + 60 + 300;
            assert.ok(lastDown.at <= drainedBy, `back at minTasks at ${lastDown.at} s`);
            assert.strictEqual(result.unprocessed, 0);
        });

        it("keeps the tasks that are busy and a spare: four long jobs on six tasks lose one task, not a job", () => {
            const settings = workerSettings({ minTasks: 0, maxTasks: 6 });
            const jobs = trace(burst(30, 4, 1500), 3600);
            const result = run({ ...ourPolicy(planScaling(settings.scaling)), initialTasks: 6 }, settings, jobs);
            const removals = result.activities.filter((activity) => activity.to < activity.from);
            // The first scale-in leaves five tasks, one per job and the spare; no other goes before the jobs end.
            assert.deepStrictEqual(removals[0] && [removals[0].from, removals[0].to], [6, 5]);
            assert.ok(
                removals.slice(1).every((activity) => activity.at >= 30 + 1500),
                removals.map((a) => `${a.at} ${a.to}`).join(", "),
            );
            assert.strictEqual(result.unprocessed, 0);
            assert.ok(result.waits.every((wait) => wait === 0));
        });

        it("never scales in under disableScaleIn", () => {
            const settings = workerSettings({ minTasks: 1, maxTasks: 10, disableScaleIn: true });
            const result = run(
                ourPolicy(planScaling(settings.scaling)),
                settings,
                trace(burst(610, 300, 30), 2 * 3600),
            );
            assert.ok(result.activities.some((activity) => activity.to > activity.from));
            assert.deepStrictEqual(
                result.activities.filter((activity) => activity.to < activity.from),
                [],
            );
        });
    });

    describe("scale from zero", () => {
        it("never wakes Copilot's rule for one message when the target is above one", () => {
            const settings = workerSettings({ minTasks: 0, maxTasks: 5, targetBacklogPerTask: 10 });
            const single = run(copilotPolicy(0, 5, 10), settings, trace([{ at: 300, processingSeconds: 5 }], 3600));
            assert.strictEqual(single.unprocessed, 1);
            assert.strictEqual(single.launches, 0);
            // A backlog above the target does wake it: the rule itself works, one message is just never enough.
            const many = run(copilotPolicy(0, 5, 10), settings, trace(burst(300, 11, 5), 3600));
            assert.strictEqual(many.unprocessed, 0);
        });

        it("wakes our plan from zero within the bound the scaling issue states, wherever in the minute the message lands", () => {
            const settings = workerSettings({ minTasks: 0, maxTasks: 5 });
            const plan = planScaling(settings.scaling);
            const bound = estimateWakeUp(true).worstSeconds;
            for (let offset = 0; offset < 60; offset += 7) {
                const result = run(
                    ourPolicy(plan),
                    settings,
                    trace([{ at: 1200 + offset, processingSeconds: 5 }], 3600),
                    worstCase,
                );
                assert.strictEqual(result.unprocessed, 0);
                assert.ok(
                    result.waits[0] <= bound,
                    `waited ${result.waits[0]} s at offset ${offset} (bound ${bound} s)`,
                );
            }
            assert.strictEqual(bound, 180 + 120 + 90);
        });

        it("wakes within the bound plus 15 minutes after an idle queue stopped publishing, when keep-active is off", () => {
            const settings = workerSettings({ minTasks: 0, maxTasks: 5, keepQueueActive: false });
            const plan = planScaling(settings.scaling);
            const estimate = estimateWakeUp(false);
            const at = SQS_INACTIVE_AFTER_SECONDS + 3600;
            for (const seed of [1, 2, 3, 4, 5]) {
                const result = run(
                    ourPolicy(plan),
                    settings,
                    trace([{ at, processingSeconds: 5 }], at + 3600),
                    worstCase,
                    seed,
                );
                assert.strictEqual(result.unprocessed, 0);
                assert.ok(
                    result.waits[0] <= estimate.worstSeconds + estimate.idleQueueExtraSeconds,
                    `waited ${result.waits[0]} s`,
                );
            }
        });

        it("keeps the queue publishing while at zero when the plan keeps it active, so the wake-up is not delayed", () => {
            const settings = workerSettings({ minTasks: 0, maxTasks: 5 });
            const at = SQS_INACTIVE_AFTER_SECONDS + 3600;
            const result = run(
                ourPolicy(planScaling(settings.scaling)),
                settings,
                trace([{ at, processingSeconds: 5 }], at + 3600),
                worstCase,
            );
            assert.ok(result.waits[0] <= estimateWakeUp(true).worstSeconds, `waited ${result.waits[0]} s`);
        });
    });

    describe("Fargate", () => {
        it("bills every task per second with a one-minute minimum, from its launch", () => {
            const settings = workerSettings({ minTasks: 2, maxTasks: 2 });
            const result = run(fixedPolicy(2), settings, trace([{ at: 10, processingSeconds: 20 }], 600));
            // Two tasks from 0 until the first minute boundary after the trace ends with nothing left.
            assert.strictEqual(result.taskSeconds, 2 * 600);
            assert.strictEqual(result.spotShare, 0);
        });

        it("releases a Spot-interrupted job at the warning's deadline, and a crash leaves it to the visibility timeout", () => {
            const settings = workerSettings({ minTasks: 1, maxTasks: 1 }, true);
            const job = trace([{ at: 0, processingSeconds: 400 }], 600);
            // Seed 3 interrupts the first task once, mid-job, and its replacement finishes the job.
            const interrupting = { spotInterruptionsPerTaskHour: 4 };
            const drained = run(fixedPolicy(1), settings, job, pinnedParameters({ ...interrupting, crashShare: 0 }), 3);
            const crashed = run(fixedPolicy(1), settings, job, pinnedParameters({ ...interrupting, crashShare: 1 }), 3);
            assert.deepStrictEqual(
                [drained.interruptions, crashed.interruptions, drained.unprocessed, crashed.unprocessed],
                [1, 1, 0, 0],
            );
            assert.strictEqual(drained.spotShare, 1);
            // Same interruption time in both runs: the drained job is back after the 120 s warning, the crashed one
            // only when its visibility lapses (2/3 to all of the timeout after the last extension).
            const visibility = settings.queue.visibilityTimeoutSeconds;
            const extraWait = crashed.waits[0] - drained.waits[0];
            assert.ok(
                extraWait >= (2 / 3) * visibility - 120 && extraWait <= visibility - 120,
                `crash waited ${extraWait} s longer`,
            );
        });

        it("splits tasks over the capacity providers by base, then weight", () => {
            const settings = workerSettings({ minTasks: 5, maxTasks: 5 });
            settings.capacityProviderStrategy = [
                { capacityProvider: CapacityProvider.Fargate, weight: 1, base: 1 },
                { capacityProvider: CapacityProvider.FargateSpot, weight: 3, base: 0 },
            ];
            const result = run(fixedPolicy(5), settings, trace([{ at: 10, processingSeconds: 5 }], 600));
            assert.strictEqual(result.spotShare, 3 / 5);
        });
    });

    it("is deterministic for a seed", () => {
        const settings = workerSettings({ minTasks: 0, maxTasks: 5 }, true);
        const workload = trace([...burst(100, 40, 20), ...burst(2000, 80, 10)], 3600);
        const parameters = pinnedParameters({
            metricLagJitterSeconds: 30,
            launchSigma: 0.4,
            spotInterruptionsPerTaskHour: 0.5,
            crashShare: 0.5,
        });
        const a = run(ourPolicy(planScaling(settings.scaling)), settings, workload, parameters, 7);
        const b = run(ourPolicy(planScaling(settings.scaling)), settings, workload, parameters, 7);
        assert.deepStrictEqual(a, b);
    });

    it("applies scheduled actions at their time, in their time zone", () => {
        const settings = workerSettings({
            minTasks: 0,
            maxTasks: 5,
            schedules: [{ name: "morning", schedule: "cron(0 8 * * ? *)", timezone: "Europe/Paris", minTasks: 3 }],
        });
        const result = run(
            ourPolicy(planScaling(settings.scaling)),
            settings,
            trace([{ at: 10 * 3600, processingSeconds: 5 }], 11 * 3600),
        );
        const scheduled = result.activities.find((activity) => activity.cause === "schedule morning");
        // The trace starts at midnight UTC in January: 08:00 in Paris is 07:00 UTC.
        assert.deepStrictEqual(scheduled && { at: scheduled.at, to: scheduled.to }, { at: 7 * 3600, to: 3 });
    });
});
