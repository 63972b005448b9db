import * as assert from "assert";
import { compare, latencyGoalSeconds, traceForSeed, WorkerUnderTest } from "../../simulator/experiment";
import { achievableOracle, lowerBound } from "../../simulator/oracle";
import { LAUNCH_MIN_SECONDS } from "../../simulator/parameters";
import { BuiltInTrace, Trace } from "../../simulator/traces";
import { trace, workerSettings } from "./fixtures";

/**
 * The problem the bound solves, by trying every capacity on a grid (multiples of `step` tasks up to `maxTasks`) in
 * every slot: the initial capacity is free, each later increase pays `startup` seconds per task.
 */
function bruteForce(
    workload: Trace,
    goal: number,
    startup: number,
    slot: number,
    slots: number,
    maxTasks: number,
    step: number,
): number {
    const required = (s: number, e: number) =>
        workload.messages
            .filter((m) => m.at >= s * slot && m.at + goal + m.processingSeconds <= (e + 1) * slot)
            .reduce((sum, m) => sum + m.processingSeconds, 0);
    let best = Infinity;
    const x = new Array<number>(slots).fill(0);
    const visit = (t: number): void => {
        if (t === slots) {
            for (let s = 0; s < slots; s++) {
                let capacity = 0;
                for (let e = s; e < slots; e++) {
                    capacity += x[e] * slot;
                    if (capacity < required(s, e)) {
                        return;
                    }
                }
            }
            let cost = x.reduce((sum, tasks) => sum + tasks * slot, 0);
            for (let i = 1; i < slots; i++) {
                cost += startup * Math.max(0, x[i] - x[i - 1]);
            }
            best = Math.min(best, cost);
            return;
        }
        for (let tasks = 0; tasks <= maxTasks + 1e-9; tasks += step) {
            x[t] = tasks;
            visit(t + 1);
        }
    };
    visit(0);
    return best;
}

describe("simulator/oracle", () => {
    describe("matches a brute-force optimum on a tiny trace", () => {
        // A burst of three one-minute jobs, one more the next minute, a quiet minute, one job after it.
        const workload = trace(
            [60, 60, 60, 120, 240].map((at) => ({ at, processingSeconds: 60 })),
            300,
        );
        const bound = (goal: number, startup: number) =>
            lowerBound({
                trace: workload,
                latencyGoalSeconds: goal,
                startupSeconds: startup,
                slotSeconds: 60,
                maxWindowSlots: 100,
            });
        const close = (a: number, b: number) => Math.abs(a - b) <= 1e-3 * Math.max(1, b);

        it("with no slack, where the only choice is launching again or idling through the gap", async () => {
            for (const startup of [40, 90]) {
                const lp = await bound(0, startup);
                const exact = bruteForce(workload, 0, startup, 60, lp.capacity.length, 3, 1);
                assert.ok(
                    close(lp.taskSeconds, exact),
                    `startup ${startup}: bound ${lp.taskSeconds} vs brute force ${exact}`,
                );
            }
            // A 60 s gap costs less than a 90 s startup but more than a 40 s one (ski rental).
            assert.ok(close((await bound(0, 40)).taskSeconds, 60 * 5 + 40 * 4));
        });

        it("with a latency goal, which lets work move into the next slot and capacity be shared", async () => {
            const lp = await bound(60, 40);
            const exact = bruteForce(workload, 60, 40, 60, lp.capacity.length, 3, 0.5);
            assert.ok(close(lp.taskSeconds, exact), `bound ${lp.taskSeconds} vs brute force ${exact}`);
            // Whole tasks cannot do better than the relaxation.
            assert.ok(lp.taskSeconds <= bruteForce(workload, 60, 40, 60, lp.capacity.length, 3, 1) + 1e-6);
        });
    });

    it("never bounds above what a policy that processed everything was billed, at the waits that policy achieved", async function () {
        this.timeout(120_000);
        const worker: WorkerUnderTest = { name: "small", settings: workerSettings({ minTasks: 0, maxTasks: 3 }, true) };
        for (const kind of [BuiltInTrace.Bursty, BuiltInTrace.Batch, BuiltInTrace.Sparse]) {
            const comparison = await compare(worker, { builtIn: kind }, { seeds: 2 });
            for (const [index, seed] of comparison.seeds.entries()) {
                const workload = traceForSeed({ builtIn: kind }, worker.settings, seed, index, comparison.seeds.length);
                const goal = latencyGoalSeconds(worker.settings, workload);
                for (const result of comparison.runs.filter((r) => r.seed === seed && r.unprocessed === 0)) {
                    // A late policy did not meet the goal, so it is held to the bound at its own worst wait.
                    const achieved = Math.max(goal, result.maxWaitSeconds);
                    const bound = await lowerBound({
                        trace: workload,
                        latencyGoalSeconds: achieved,
                        startupSeconds: LAUNCH_MIN_SECONDS,
                    });
                    assert.ok(
                        bound.taskSeconds <= result.taskSeconds + 1e-6,
                        `${kind} seed ${seed} ${result.policy}: bound ${bound.taskSeconds.toFixed(0)} > billed ${result.taskSeconds.toFixed(0)}`,
                    );
                }
                const oracle = comparison.oracle[index];
                assert.ok(oracle.lowerBoundTaskSeconds !== undefined);
                assert.ok(
                    oracle.lowerBoundTaskSeconds <= oracle.achievable.taskSeconds + 1e-6 ||
                        oracle.achievable.maxWaitSeconds > goal,
                );
            }
        }
    });

    it("bounds a trace of 300,000 messages at one-minute slots (no argument spread that overflows the stack)", async function () {
        this.timeout(60_000);
        const messages = Array.from({ length: 300_000 }, (_, i) => ({ at: i / 100, processingSeconds: 0.5 }));
        const bound = await lowerBound({
            trace: trace(messages, 3000),
            latencyGoalSeconds: 30,
            startupSeconds: LAUNCH_MIN_SECONDS,
        });
        // 100 messages a second of half a second each keep 50 tasks busy for the 50 minutes.
        assert.strictEqual(bound.slotSeconds, 60);
        assert.ok(Math.abs(bound.taskSeconds - 150_000) / 150_000 < 0.02, `bound ${bound.taskSeconds}`);
    });

    it("keeps the worker's minTasks in both oracles, as every policy does", async () => {
        const settings = workerSettings({ maxTasks: 5 });
        const workload = trace([{ at: 600, processingSeconds: 60 }], 3600);
        const taskSize = {
            cpu: 256,
            memory: 512,
            architecture: settings.container?.architecture ?? ("X86_64" as never),
        };
        const common = {
            trace: workload,
            latencyGoalSeconds: 0,
            startupSeconds: 45,
            maxTasks: 5,
            strategy: settings.capacityProviderStrategy,
            taskSize,
        };
        const none = achievableOracle({ ...common, minTasks: 0 });
        const two = achievableOracle({ ...common, minTasks: 2 });
        assert.deepStrictEqual([none.launches, none.taskSeconds], [1, 45 + 60]);
        // Two tasks run the whole hour and one of them takes the message: nothing is launched.
        assert.deepStrictEqual([two.launches, two.taskSeconds, two.maxWaitSeconds], [0, 2 * 3600, 0]);
        const bound = await lowerBound({
            trace: workload,
            latencyGoalSeconds: 0,
            startupSeconds: 20,
            minTasks: 2,
            slotSeconds: 60,
        });
        assert.ok(bound.capacity.every((tasks) => tasks >= 2 - 1e-9));
        assert.ok(
            bound.taskSeconds >= 2 * 3600 - 1e-6 && bound.taskSeconds <= two.taskSeconds + 1e-6,
            `bound ${bound.taskSeconds}`,
        );
    });

    it("keeps an idle task through a gap shorter than the billed startup, and stops it for a longer one", () => {
        const settings = workerSettings({ maxTasks: 5 });
        const common = {
            latencyGoalSeconds: 0,
            startupSeconds: 45,
            minTasks: 0,
            maxTasks: 5,
            strategy: settings.capacityProviderStrategy,
            taskSize: { cpu: 256, memory: 512, architecture: settings.container?.architecture ?? ("X86_64" as never) },
        };
        const shortGap = achievableOracle({
            ...common,
            trace: trace(
                [
                    { at: 100, processingSeconds: 100 },
                    { at: 230, processingSeconds: 100 },
                ],
                400,
            ),
        });
        const longGap = achievableOracle({
            ...common,
            trace: trace(
                [
                    { at: 100, processingSeconds: 100 },
                    { at: 400, processingSeconds: 100 },
                ],
                600,
            ),
        });
        assert.deepStrictEqual([shortGap.launches, shortGap.taskSeconds], [1, 45 + 230]);
        assert.deepStrictEqual([longGap.launches, longGap.taskSeconds], [2, 2 * (45 + 100)]);
        assert.strictEqual(shortGap.maxWaitSeconds + longGap.maxWaitSeconds, 0);
    });
});
