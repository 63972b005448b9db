import * as assert from "assert";
import { WorkerMessage } from "../../worker/index";
import { batchFailures, HandlerTimeoutError, RefusedResultError, withTimeout } from "../../worker/handlerCall";
import { ManualTimers } from "./support/timers";

function message(messageId: string): WorkerMessage {
    return {
        body: messageId,
        messageId,
        receiveCount: 1,
        attributes: {},
        messageAttributes: {},
        sqsMessage: { MessageId: messageId, ReceiptHandle: `handle-${messageId}`, Body: messageId },
        retryAfter: () => undefined,
        extendVisibility: async () => undefined,
        release: async () => undefined,
    };
}

function refusal(result: unknown, batch: WorkerMessage[]): string {
    try {
        batchFailures(result, batch);
    } catch (error) {
        assert.ok(error instanceof RefusedResultError, `expected a RefusedResultError, got ${String(error)}`);
        return error.message;
    }
    throw new Error("expected the result to be refused");
}

describe("worker batch handler results", () => {
    const batch = ["a", "b", "c"].map(message);

    it("reads nothing or an empty array as every message succeeded", () => {
        assert.deepStrictEqual(batchFailures(undefined, batch), new Map());
        assert.deepStrictEqual(batchFailures([], batch), new Map());
    });

    it("reads { message, error } entries as the failed messages, matched by the object or its id", () => {
        const error = new Error("bulk write rejected b");
        const failures = batchFailures(
            [
                { message: batch[1], error },
                { message: { ...batch[2] }, error: "c failed" },
            ],
            batch,
        );
        assert.deepStrictEqual(
            [...failures].map(([failed, why]) => [failed.messageId, why]),
            [
                ["b", error],
                ["c", "c failed"],
            ],
        );
        assert.strictEqual(failures.get(batch[2]), "c failed", "keyed by the batch's own message");
    });

    it("refuses the batch's messages themselves (sqs-consumer's acknowledgement), saying what to return", () => {
        const why = refusal([...batch], batch);
        assert.match(why, /must resolve with the messages that failed, as \[\{ message, error \}\]/);
        assert.match(why, /how sqs-consumer acknowledges/);
        assert.match(why, /return nothing to have every message deleted, or \{ message, error \} for each/);
        assert.match(refusal([batch[0].sqsMessage], batch), /how sqs-consumer acknowledges/, "the SDK's messages too");
    });

    it("refuses anything else it cannot read, naming what it got", () => {
        assert.match(refusal(null, batch), /it resolved with null/);
        assert.match(refusal(true, batch), /it resolved with boolean true/);
        assert.match(refusal({ failed: [] }, batch), /it resolved with an object with keys failed/);
        assert.match(
            refusal([{ message: message("z"), error: "?" }], batch),
            /names no message of this batch/,
            "a message of another batch",
        );
        assert.match(refusal(["a"], batch), /holding string a, which names no message of this batch/);
    });
});

describe("worker handler time limit", () => {
    it("passes the result through when there is no limit or the call ends in time", async () => {
        const timers = new ManualTimers();
        assert.strictEqual(await withTimeout(Promise.resolve(7), undefined, timers, () => undefined), 7);
        const inTime = withTimeout(Promise.resolve("done"), 5, timers, () => assert.fail("no timeout"));
        assert.strictEqual(await inTime, "done");
        assert.strictEqual(timers.pending, 0, "the timer is cancelled");
    });

    it("rejects with a TimeoutError naming the limit, after telling the caller, and ignores a late result", async () => {
        const timers = new ManualTimers();
        let finish: (value: string) => void = () => undefined;
        const told: Error[] = [];
        const call = withTimeout(new Promise<string>((resolve) => (finish = resolve)), 30, timers, (error) =>
            told.push(error),
        );
        const outcome = call.then(
            () => "resolved",
            (error: unknown) => error,
        );
        await timers.advance(29_999);
        assert.deepStrictEqual(told, [], "not before the limit");
        await timers.advance(1);
        const error = await outcome;
        assert.ok(error instanceof HandlerTimeoutError);
        assert.strictEqual(error.name, "TimeoutError");
        assert.match(error.message, /did not finish within handlerTimeoutSeconds \(30 s\)/);
        assert.deepStrictEqual(told, [error]);
        finish("too late");
        assert.strictEqual(await outcome, error);
    });
});
