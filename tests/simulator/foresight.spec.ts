import * as assert from "assert";
import { foresightSchedule } from "../../simulator/foresight";
import { trace, workerSettings } from "./fixtures";

describe("simulator/foresight", () => {
    const settings = workerSettings({ maxTasks: 5 });
    const common = {
        latencyGoalSeconds: 0,
        startupSeconds: 45,
        maxTasks: 5,
        strategy: settings.capacityProviderStrategy,
        taskSize: { cpu: 256, memory: 512, architecture: settings.container?.architecture ?? ("X86_64" as never) },
    };

    it("keeps the worker's minTasks running throughout, and gives them the work first", () => {
        const workload = trace([{ at: 600, processingSeconds: 60 }], 3600);
        const none = foresightSchedule({ ...common, trace: workload, minTasks: 0 });
        const two = foresightSchedule({ ...common, trace: workload, minTasks: 2 });
        assert.deepStrictEqual([none.launches, none.taskSeconds], [1, 45 + 60]);
        assert.deepStrictEqual([two.launches, two.taskSeconds, two.maxWaitSeconds], [0, 2 * 3600, 0]);
    });

    it("keeps an idle task through a gap shorter than the billed startup, and stops it for a longer one", () => {
        const shortGap = foresightSchedule({
            ...common,
            minTasks: 0,
            trace: trace(
                [
                    { at: 100, processingSeconds: 100 },
                    { at: 230, processingSeconds: 100 },
                ],
                400,
            ),
        });
        const longGap = foresightSchedule({
            ...common,
            minTasks: 0,
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

    it("never launches before the trace starts: a message in the first seconds waits for the launch", () => {
        const early = foresightSchedule({
            ...common,
            minTasks: 0,
            trace: trace([{ at: 10, processingSeconds: 5 }], 60),
        });
        assert.deepStrictEqual([early.maxWaitSeconds, early.taskSeconds], [35, 60]);
        assert.deepStrictEqual(Array.from(early.billedIntervals), [0, 60]);
    });
});
