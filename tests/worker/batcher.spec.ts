import * as assert from "assert";
import { EntryBatcher, EntryFailedError, EntryFailure } from "../../worker/batcher";
import { ManualTimers } from "./support/timers";

type Answer = ReadonlyMap<number, EntryFailure> | Error;

/** A batcher over string entries whose calls are recorded and answered from `answers` (all accepted when empty). */
function recordingBatcher(
    timers: ManualTimers,
    answers: Answer[] = [],
    expectedWithin: (ms: number) => number = () => Infinity,
) {
    const calls: Array<{ atMs: number; entries: string[] }> = [];
    const startMs = timers.now();
    const batcher = new EntryBatcher<string>(
        async (entries) => {
            calls.push({ atMs: timers.now() - startMs, entries: [...entries] });
            const answer = answers.shift() ?? new Map();
            if (answer instanceof Error) {
                throw answer;
            }
            return answer;
        },
        50,
        timers,
        () => undefined,
        expectedWithin,
    );
    return { batcher, calls };
}

function outcome(promise: Promise<void>): { settled?: "resolved" | "rejected"; error?: unknown } {
    const result: { settled?: "resolved" | "rejected"; error?: unknown } = {};
    promise.then(
        () => (result.settled = "resolved"),
        (error: unknown) => {
            result.settled = "rejected";
            result.error = error;
        },
    );
    return result;
}

const retryable: EntryFailure = { code: "InternalError", message: "try again", senderFault: false };
const unusable: EntryFailure = {
    code: "ReceiptHandleIsInvalid",
    message: "the receipt handle has expired",
    senderFault: true,
};

describe("worker batch calls", () => {
    it("sends ten entries in one call at once, and fewer after the delay", async () => {
        const timers = new ManualTimers();
        const { batcher, calls } = recordingBatcher(timers);
        const entries = Array.from({ length: 13 }, (_, index) => `h${index}`);
        const results = entries.map((entry) => outcome(batcher.submit(entry, () => Infinity)));
        await timers.advance(0);
        assert.deepStrictEqual(calls, [{ atMs: 0, entries: entries.slice(0, 10) }], "ten ready go out at once");
        await timers.advance(49);
        assert.strictEqual(calls.length, 1, "the other three wait for company");
        await timers.advance(1);
        assert.deepStrictEqual(calls[1], { atMs: 50, entries: entries.slice(10) });
        assert.ok(results.every((result) => result.settled === "resolved"));
    });

    it("does not wait for company that is unlikely to come, but still joins the entries queued together", async () => {
        const timers = new ManualTimers();
        let expected = 0;
        const { batcher, calls } = recordingBatcher(timers, [], (ms) => {
            assert.strictEqual(ms, 50, "asked about the batching delay");
            return expected;
        });
        ["a", "b", "c"].forEach((entry) => void batcher.submit(entry, () => Infinity));
        await timers.advance(0);
        assert.deepStrictEqual(calls, [{ atMs: 0, entries: ["a", "b", "c"] }], "one call, at once");

        expected = 3;
        void batcher.submit("d", () => Infinity);
        await timers.advance(10);
        expected = 0.5;
        void batcher.submit("e", () => Infinity);
        await timers.advance(0);
        assert.deepStrictEqual(
            calls[1],
            { atMs: 10, entries: ["d", "e"] },
            "an entry waiting for company goes out as soon as no more is expected",
        );
    });

    it("retries only the entries that failed, with a doubling pause, until they succeed", async () => {
        const timers = new ManualTimers();
        const { batcher, calls } = recordingBatcher(timers, [new Map([[1, retryable]]), new Error("socket hang up")]);
        const results = ["a", "b", "c"].map((entry) => outcome(batcher.submit(entry, () => Infinity)));
        await timers.advance(50);
        assert.deepStrictEqual([results[0].settled, results[2].settled], ["resolved", "resolved"]);
        assert.strictEqual(results[1].settled, undefined, "the failed entry is not given up");
        await timers.advance(1_000);
        assert.deepStrictEqual(
            calls.map((call) => [call.atMs, call.entries]),
            [
                [50, ["a", "b", "c"]],
                [350, ["b"]], // 0.25 s pause, then the 50 ms batching delay; the whole call fails
                [900, ["b"]], // 0.5 s pause, then the delay; accepted
            ],
        );
        assert.strictEqual(results[1].settled, "resolved");
    });

    it("gives an entry up at once when SQS says its receipt handle is unusable", async () => {
        const timers = new ManualTimers();
        const { batcher, calls } = recordingBatcher(timers, [new Map([[0, unusable]])]);
        const result = outcome(batcher.submit("stale", () => Infinity));
        await timers.advance(10_000);
        assert.strictEqual(calls.length, 1);
        assert.strictEqual(result.settled, "rejected");
        assert.ok(result.error instanceof EntryFailedError && /ReceiptHandleIsInvalid/.test(result.error.message));
    });

    it("stops retrying once the receipt handle may no longer hold the message", async () => {
        const timers = new ManualTimers();
        const outage = Array.from({ length: 20 }, () => new Error("connect ECONNREFUSED"));
        const { batcher, calls } = recordingBatcher(timers, outage);
        const giveUpAtMs = timers.now() + 5_000;
        const result = outcome(batcher.submit("h", () => giveUpAtMs));
        await timers.advance(60_000);
        assert.strictEqual(result.settled, "rejected");
        assert.match(String(result.error), /ECONNREFUSED/);
        assert.ok(
            calls.every((call) => call.atMs < 5_000),
            `no call after the give-up time: ${calls.map((call) => call.atMs)}`,
        );
        assert.ok(calls.length >= 4, `retried through the outage (${calls.length} calls)`);
    });
});
