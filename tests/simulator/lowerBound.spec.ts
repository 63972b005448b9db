import * as assert from "assert";
import { lowerBound } from "../../simulator/lowerBound";
import { BILLING_MINIMUM_SECONDS, LAUNCH_MIN_SECONDS } from "../../simulator/parameters";
import { burst, trace } from "./fixtures";

const close = (a: number, b: number, tolerance = 1e-3) => Math.abs(a - b) <= tolerance * Math.max(1, b);

describe("simulator/lowerBound", () => {
    it("charges a lone message the billing minimum when no task is kept (integer task counts)", async () => {
        // One 20 s job at 300 s that must start at once: the cheapest schedule launches one task 20 s before (the
        // launch floor) and is billed its minute.
        const workload = trace([{ at: 300, processingSeconds: 20 }], 600);
        const exact = await lowerBound({ trace: workload, waitSeconds: 0, minTasks: 0, integer: true });
        assert.ok(close(exact.taskSeconds, BILLING_MINIMUM_SECONDS), `MIP ${exact.taskSeconds}`);
        // The relaxation may spread that task thin, but never charges more.
        const relaxed = await lowerBound({ trace: workload, waitSeconds: 0, minTasks: 0 });
        assert.ok(relaxed.taskSeconds <= exact.taskSeconds + 1e-6);
        assert.ok(relaxed.taskSeconds >= 0.999 * (20 + LAUNCH_MIN_SECONDS / 3), `LP ${relaxed.taskSeconds}`);
    });

    it("charges the startup of every launch on top of the work when the work cannot wait", async () => {
        // Three 600 s jobs at once with no wait allowed: three launches, each billed its startup and its job.
        const workload = trace(burst(300, 3, 600), 600);
        const bound = await lowerBound({ trace: workload, waitSeconds: 0, minTasks: 0, integer: true });
        assert.ok(close(bound.taskSeconds, 3 * (600 + LAUNCH_MIN_SECONDS)), `bound ${bound.taskSeconds}`);
    });

    it("lets waiting jobs share one task: a wait of 1200 s serves three 300 s jobs with one launch", async () => {
        const workload = trace(burst(120, 3, 300), 300);
        const tight = await lowerBound({ trace: workload, waitSeconds: 0, minTasks: 0, integer: true });
        const patient = await lowerBound({ trace: workload, waitSeconds: 1200, minTasks: 0, integer: true });
        assert.ok(close(tight.taskSeconds, 3 * (300 + LAUNCH_MIN_SECONDS)), `tight ${tight.taskSeconds}`);
        assert.ok(close(patient.taskSeconds, 900 + LAUNCH_MIN_SECONDS), `patient ${patient.taskSeconds}`);
    });

    it("holds minTasks until the trace ends and not after: later work is billed only as work", async () => {
        // A job arriving at the end of a 600 s trace with a 0 s goal runs past the end: the floor covers [0, 600) and
        // the job's tail is the only billing after it.
        const workload = trace([{ at: 590, processingSeconds: 120 }], 600);
        const bound = await lowerBound({ trace: workload, waitSeconds: 0, minTasks: 1 });
        assert.ok(close(bound.taskSeconds, 600 + 110), `bound ${bound.taskSeconds}`);
        const idle = await lowerBound({
            trace: trace([{ at: 10, processingSeconds: 5 }], 600),
            waitSeconds: 60,
            minTasks: 2,
        });
        assert.ok(close(idle.taskSeconds, 2 * 600), `idle ${idle.taskSeconds}`);
    });

    it("requires nothing of a message whose wait would reach the end of a run that stopped early", async () => {
        const workload = trace([...burst(100, 2, 100), { at: 1000, processingSeconds: 100 }], 1200);
        const full = await lowerBound({ trace: workload, waitSeconds: 300, minTasks: 0, integer: true });
        const stopped = await lowerBound({
            trace: workload,
            waitSeconds: 300,
            minTasks: 0,
            endSeconds: 1200,
            integer: true,
        });
        assert.ok(stopped.taskSeconds < full.taskSeconds - 50, `${stopped.taskSeconds} vs ${full.taskSeconds}`);
        assert.ok(close(stopped.taskSeconds, 200 + LAUNCH_MIN_SECONDS), `stopped ${stopped.taskSeconds}`);
    });

    it("lets a p95 goal leave the largest jobs late, and never asks more than the max goal", async () => {
        // Twenty 10 s jobs and one 1000 s job together: a p95 goal over 21 messages lets one wait, and the cheapest
        // choice is the long one.
        const workload = trace([...burst(600, 20, 10), { at: 600, processingSeconds: 1000 }], 3600);
        const all = await lowerBound({ trace: workload, waitSeconds: 0, minTasks: 0 });
        const p95 = await lowerBound({ trace: workload, waitSeconds: 0, minTasks: 0, lateMessages: 1 });
        assert.ok(p95.taskSeconds <= all.taskSeconds);
        assert.ok(p95.taskSeconds <= 200 + 20 * LAUNCH_MIN_SECONDS + 1e-6, `p95 ${p95.taskSeconds}`);
        assert.ok(all.taskSeconds >= 1200, `all ${all.taskSeconds}`);
    });

    it("never charges more for a longer wait (the bound falls as the goal loosens)", async () => {
        const workload = trace(
            Array.from({ length: 200 }, (_, i) => ({ at: 30 * i + (i % 7) * 3, processingSeconds: 15 + (i % 5) * 10 })),
            6000,
        );
        let previous = Infinity;
        for (const wait of [0, 30, 60, 120, 300, 900]) {
            const bound = await lowerBound({ trace: workload, waitSeconds: wait, minTasks: 1 });
            assert.ok(bound.taskSeconds <= previous + 1e-6, `wait ${wait}: ${bound.taskSeconds} > ${previous}`);
            previous = bound.taskSeconds;
        }
    });
});
