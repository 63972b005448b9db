// The receive loop against a fake SQS in virtual time (support/fakeSqs.ts): what it asks SQS for, and when, in the
// situations moto cannot show, such as a FIFO queue that hands out one message group at a time, as SQS does.
import * as assert from "assert";
import { runWorker, WorkerHandle, WorkerOptions } from "../../worker/index";
import { FakeQueueOptions, FakeSqs } from "./support/fakeSqs";
import { ManualTimers } from "./support/timers";

/** Resolves after `ms` on the test's clock: a job that takes that long. */
function jobOf(timers: ManualTimers, ms: number): Promise<void> {
    return new Promise((resolve) => timers.schedule(ms, resolve));
}

interface Run {
    timers: ManualTimers;
    sqs: FakeSqs;
    worker: WorkerHandle;
    /** Virtual milliseconds since the start. */
    elapsedMs(): number;
}

function start(queue: FakeQueueOptions, options: Partial<WorkerOptions> & Pick<WorkerOptions, "handler">): Run {
    const timers = new ManualTimers();
    const startedAtMs = timers.now();
    const sqs = new FakeSqs(timers, queue);
    const worker = runWorker({
        queueUrl: sqs.queueUrl,
        sqsClient: sqs.client,
        timers,
        handleSignals: false,
        log: () => undefined,
        visibilityTimeoutSeconds: 30,
        ...options,
    });
    return { timers, sqs, worker, elapsedMs: () => timers.now() - startedAtMs };
}

/** `${group}-${index}` for each group, interleaved as a producer would send them. */
function interleaved(groups: string[], perGroup: number): { body: string; groupId: string }[] {
    return Array.from({ length: perGroup }, (_, index) =>
        groups.map((group) => ({ body: `${group}-${index}`, groupId: group })),
    ).flat();
}

describe("worker receive loop (fake SQS, virtual time)", () => {
    const runs: Run[] = [];
    afterEach(async () => {
        for (const run of runs.splice(0)) {
            const stopped = run.worker.stop();
            await run.timers.advance(60_000);
            await stopped;
        }
    });

    describe("on a FIFO queue that hands out one message group at a time, as SQS does", () => {
        const cases = [
            { groups: 5, perGroup: 40, runTogether: 5 },
            { groups: 20, perGroup: 10, runTogether: 10 },
        ];
        for (const { groups: groupCount, perGroup, runTogether } of cases) {
            it(`runs ${runTogether} groups at once at concurrency 10 with ${groupCount} groups of ${perGroup}, in group order, holding at most 100`, async () => {
                const groups = Array.from({ length: groupCount }, (_, index) => `g${index}`);
                let running = 0;
                let mostRunning = 0;
                let mostInHand = 0;
                const finished: string[] = [];
                const run: Run = start(
                    { fifo: true },
                    {
                        concurrency: 10,
                        handler: async ({ body }) => {
                            running += 1;
                            mostRunning = Math.max(mostRunning, running);
                            mostInHand = Math.max(mostInHand, run.worker.stats().inFlight);
                            await jobOf(run.timers, 100);
                            running -= 1;
                            finished.push(body);
                        },
                    },
                );
                runs.push(run);
                run.sqs.send(interleaved(groups, perGroup));
                const total = groupCount * perGroup;
                while (finished.length < total && run.elapsedMs() < 120_000) {
                    await run.timers.advance(100);
                }
                await run.timers.advance(1_000); // the last deletes

                assert.strictEqual(finished.length, total, `${finished.length} of ${total} finished`);
                for (const group of groups) {
                    const ofGroup = finished.filter((body) => body.startsWith(`${group}-`));
                    assert.deepStrictEqual(
                        ofGroup,
                        Array.from({ length: perGroup }, (_, index) => `${group}-${index}`),
                        `group ${group} in send order`,
                    );
                }
                assert.strictEqual(mostRunning, runTogether, "groups running at once");
                assert.ok(mostInHand <= 100, `at most ten messages a slot in hand; saw ${mostInHand}`);
                // Each group's jobs run one after another: 100 ms each, at most 10 slots.
                const leastMs = (total / runTogether) * 100;
                assert.ok(
                    run.elapsedMs() < leastMs * 1.5 + 1_000,
                    `took ${run.elapsedMs()} virtual ms, at least ${leastMs} ms of jobs`,
                );
                assert.deepStrictEqual(run.sqs.counts(), { visible: 0, inFlight: 0 });
                const calls = run.sqs.requests.length / total;
                assert.ok(calls <= 0.4, `${run.sqs.requests.length} SQS calls for ${total} messages`);
            });
        }
    });
});
