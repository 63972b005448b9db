// The receive loop against a fake SQS in virtual time (support/fakeSqs.ts): what it asks SQS for, and when, in the
// situations moto cannot show. A FIFO queue that hands out one message group at a time, as SQS does, and an empty
// queue polled without waiting, where every receive is billed.
import * as assert from "assert";
import { runWorker, WorkerHandle, WorkerOptions } from "../../worker/index";
import { FakeQueueOptions, FakeSqs, loadSdkOnce } from "./support/fakeSqs";
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

/** Each ReceiveMessage: when the fake took it up, in virtual milliseconds since the start, and what it returned. */
function receives(run: Run, fromMs = 0, untilMs = Infinity): { atMs: number; returned: number }[] {
    const startedAtMs = run.timers.now() - run.elapsedMs();
    return run.sqs
        .calls("ReceiveMessage")
        .map((request) => ({ atMs: request.atMs - startedAtMs, returned: request.returned ?? 0 }))
        .filter(({ atMs }) => atMs >= fromMs && atMs < untilMs);
}

function receiveTimes(run: Run, fromMs = 0, untilMs = Infinity): number[] {
    return receives(run, fromMs, untilMs).map(({ atMs }) => atMs);
}

const gaps = (times: number[]): number[] => times.slice(1).map((atMs, index) => atMs - times[index]);

/** `${group}-${index}` for each group, interleaved as a producer would send them. */
function interleaved(groups: string[], perGroup: number): { body: string; groupId: string }[] {
    return Array.from({ length: perGroup }, (_, index) =>
        groups.map((group) => ({ body: `${group}-${index}`, groupId: group })),
    ).flat();
}

/** Where each receive should be taken up: 10 ms of latency, then the pause: 0.25 s doubling to 5 s. */
function expectedTimes(firstAtMs: number, untilMs: number): number[] {
    const times = [firstAtMs];
    for (let pauseMs = 250; times[times.length - 1] < untilMs; pauseMs = Math.min(pauseMs * 2, 5_000)) {
        times.push(times[times.length - 1] + 10 + pauseMs);
    }
    return times.filter((atMs) => atMs < untilMs);
}

describe("worker receive loop (fake SQS, virtual time)", () => {
    const runs: Run[] = [];
    before(loadSdkOnce);
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

    describe("with waitTimeSeconds 0 on an empty queue", () => {
        it("pauses between empty receives, 0.25 s doubling to 5 s: 16 receives a minute instead of one per answer", async () => {
            const run = start({ fifo: false }, { waitTimeSeconds: 0, handler: async () => undefined });
            runs.push(run);
            await run.timers.advance(60_000);
            const times = receiveTimes(run);
            assert.deepStrictEqual(times, expectedTimes(10, 60_000));
            assert.strictEqual(times.length, 16);
        });

        it("takes a message sent meanwhile at the next receive, then starts the pauses over", async () => {
            const handledAtMs: number[] = [];
            const run: Run = start(
                { fifo: false },
                { waitTimeSeconds: 0, handler: async () => void handledAtMs.push(run.elapsedMs()) },
            );
            runs.push(run);
            await run.timers.advance(30_000);
            run.sqs.send([{ body: "sent at 30 s" }]);
            await run.timers.advance(30_000);

            const all = receives(run);
            const taking = all.findIndex(({ returned }) => returned > 0);
            const takenAtMs = all[taking].atMs;
            assert.ok(takenAtMs > 30_000 && takenAtMs <= 35_010, `taken at ${takenAtMs} ms, sent at 30,000 ms`);
            assert.deepStrictEqual(handledAtMs, [takenAtMs]);
            // The receive that brought it is followed at once by one that does not wait, then the pauses from 0.25 s.
            assert.deepStrictEqual(gaps(receiveTimes(run, takenAtMs)).slice(0, 4), [10, 260, 510, 1_010]);
        });

        it("stops at once during a pause", async () => {
            const run = start({ fifo: false }, { waitTimeSeconds: 0, handler: async () => undefined });
            await run.timers.advance(20_000);
            let stopped = false;
            void run.worker.stop().then(() => (stopped = true));
            await run.timers.advance(0);
            assert.ok(stopped, "stop() resolved without the clock moving");
        });
    });

    describe("on a FIFO queue whose held groups block everything", () => {
        /** One message of group a whose job runs 60 s, so nothing else can be received meanwhile. */
        async function blockedFor60Seconds(waitTimeSeconds: number | undefined): Promise<Run> {
            const run = start(
                { fifo: true },
                { concurrency: 10, waitTimeSeconds, handler: () => jobOf(run.timers, 60_000) },
            );
            runs.push(run);
            run.sqs.send([{ body: "a-0", groupId: "a" }]);
            await run.timers.advance(59_000);
            return run;
        }

        it("with waitTimeSeconds 0, pauses between its empty receives as on an empty queue", async () => {
            const run = await blockedFor60Seconds(0);
            const times = receiveTimes(run, 11, 59_000);
            // The receive that brought a-0 (at 10 ms) is followed at once by one without waiting, then the pauses.
            assert.deepStrictEqual(times, expectedTimes(20, 59_000));
        });

        it("with the default 20 s, looks for new groups once per 20 s", async () => {
            const run = await blockedFor60Seconds(undefined);
            assert.deepStrictEqual(receiveTimes(run), [10, 20_020, 40_030]);
        });
    });
});
