// The receive loop against a real SQS API (moto): delete on success, retry with backoff on failure, the redrive to
// the dead-letter queue, the concurrency limit, and nothing lost at volume.
import * as assert from "assert";
import { CreateQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { BatchFailure, MessageOutcome, WorkerEvent, WorkerMessage } from "../../worker/index";
import { useMoto } from "./support/fixture";
import { createQueues, messageCounts, receiveAllBodies, sendMessages } from "../../tooling/sqsQueues";
import { delay, waitFor } from "./support/workers";

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so a failing run can be replayed. */
function seededRandom(seed: number): () => number {
    let state = seed;
    return () => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
}

function countBy(values: readonly string[]): Map<string, number> {
    const counts = new Map<string, number>();
    values.forEach((value) => counts.set(value, (counts.get(value) ?? 0) + 1));
    return counts;
}

describe("worker consuming from SQS (moto)", function () {
    // Bounded, with room for a loaded machine: moto answers a few hundred calls a second at best.
    this.timeout(90_000);
    const moto = useMoto();
    const { workers } = moto;
    let sqs: SQSClient;
    before(() => (sqs = moto.sqs));

    it("deletes every good message after one run and moves every poison message to the DLQ after maxReceiveCount receives", async () => {
        const { queueUrl, deadLetterQueueUrl } = await createQueues(sqs, {
            visibilityTimeoutSeconds: 30,
            maxReceiveCount: 3,
        });
        const good = Array.from({ length: 20 }, (_, index) => `good-${index}`);
        const poison = Array.from({ length: 5 }, (_, index) => `poison-${index}`);
        await sendMessages(sqs, queueUrl, [...good, ...poison]);
        const handled: string[] = [];
        const worker = workers.start({
            queueUrl,
            concurrency: 4,
            retryBaseSeconds: 0,
            handler: async ({ body }) => {
                handled.push(body);
                if (body.startsWith("poison")) {
                    throw new Error(`cannot process ${body}`);
                }
            },
        });

        await waitFor(
            "the DLQ holds every poison message",
            async () => (await messageCounts(sqs, deadLetterQueueUrl)).visible === poison.length,
        );
        await waitFor(
            "every good message succeeded",
            () => worker.finished(MessageOutcome.Succeeded).length === good.length,
        );
        await worker.stop();

        const attempts = countBy(handled);
        good.forEach((body) => assert.strictEqual(attempts.get(body), 1, `${body} ran ${attempts.get(body)} times`));
        poison.forEach((body) =>
            assert.strictEqual(attempts.get(body), 3, `${body} ran ${attempts.get(body)} times, not maxReceiveCount`),
        );
        assert.deepStrictEqual((await receiveAllBodies(sqs, deadLetterQueueUrl)).sort(), [...poison].sort());
        assert.deepStrictEqual(
            await messageCounts(sqs, queueUrl),
            { visible: 0, inFlight: 0 },
            "the source queue is empty",
        );
    });

    it("loses no message across 1,000 with concurrency 10 and random transient failures, and never runs more than 10 at once", async () => {
        const { queueUrl, deadLetterQueueUrl } = await createQueues(sqs, {
            visibilityTimeoutSeconds: 30,
            maxReceiveCount: 5,
        });
        const bodies = Array.from({ length: 1_000 }, (_, index) => `job-${index}`);
        const random = seededRandom(7);
        const succeeded: string[] = [];
        let transientFailures = 0;
        let running = 0;
        let mostRunning = 0;
        const worker = workers.start({
            queueUrl,
            concurrency: 10,
            retryBaseSeconds: 0,
            handler: async ({ body, receiveCount }) => {
                running += 1;
                mostRunning = Math.max(mostRunning, running);
                try {
                    await new Promise((resolve) => setTimeout(resolve, random() * 5));
                    // A fifth of attempts fail, but never a message's third or later, so none is exhausted.
                    if (receiveCount <= 2 && random() < 0.2) {
                        transientFailures += 1;
                        throw new Error("transient: connection reset");
                    }
                    succeeded.push(body);
                } finally {
                    running -= 1;
                }
            },
        });

        // A producer keeps the backlog near 40 rather than sending all 1,000 first: moto scans the whole queue
        // several times per received message, so a deep queue measures moto's slowness, not the worker.
        for (let sent = 0; sent < bodies.length;) {
            if (sent - succeeded.length < 40) {
                await sendMessages(sqs, queueUrl, bodies.slice(sent, sent + 10));
                sent += 10;
            } else {
                await delay(5);
            }
        }
        await waitFor("all 1,000 messages succeeded", () => succeeded.length >= bodies.length, 80_000);
        await worker.stop();

        const successes = countBy(succeeded);
        const missing = bodies.filter((body) => !successes.has(body));
        const twice = [...successes].filter(([, count]) => count > 1).map(([body]) => body);
        assert.deepStrictEqual(missing, [], "every message succeeded");
        assert.deepStrictEqual(twice, [], "no message succeeded twice");
        assert.ok(transientFailures > 100, `the run exercised retries (${transientFailures} failures)`);
        assert.strictEqual(
            worker.finished(MessageOutcome.Failed).length,
            transientFailures,
            "each failure is logged once",
        );
        assert.strictEqual(mostRunning, 10, "handlers ran 10 at once, and never more");
        assert.deepStrictEqual(await messageCounts(sqs, queueUrl), { visible: 0, inFlight: 0 });
        assert.deepStrictEqual(await messageCounts(sqs, deadLetterQueueUrl), { visible: 0, inFlight: 0 });
    });

    it("runs one handler at a time with the default concurrency", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        await sendMessages(
            sqs,
            queueUrl,
            Array.from({ length: 30 }, (_, index) => `job-${index}`),
        );
        let running = 0;
        let mostRunning = 0;
        const worker = workers.start({
            queueUrl,
            handler: async () => {
                running += 1;
                mostRunning = Math.max(mostRunning, running);
                await new Promise((resolve) => setTimeout(resolve, 2));
                running -= 1;
            },
        });
        await waitFor("all 30 succeeded", () => worker.finished(MessageOutcome.Succeeded).length === 30);
        assert.strictEqual(mostRunning, 1);
    });

    it("hands the handler the body, id, receive count, system attributes and the sender's attributes", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        const sent = await sqs.send(
            new SendMessageCommand({
                QueueUrl: queueUrl,
                MessageBody: '{"report":42}',
                MessageAttributes: { tenant: { DataType: "String", StringValue: "acme" } },
            }),
        );
        const seen: WorkerMessage[] = [];
        const worker = workers.start({
            queueUrl,
            retryBaseSeconds: 0,
            handler: async (message) => {
                seen.push(message);
                if (seen.length === 1) {
                    throw new Error("first attempt fails");
                }
            },
        });
        await waitFor("the second attempt succeeded", () => worker.finished(MessageOutcome.Succeeded).length === 1);
        assert.deepStrictEqual(
            seen.map(({ body, messageId, receiveCount }) => ({ body, messageId, receiveCount })),
            [
                { body: '{"report":42}', messageId: sent.MessageId, receiveCount: 1 },
                { body: '{"report":42}', messageId: sent.MessageId, receiveCount: 2 },
            ],
        );
        assert.match(seen[0].attributes.SentTimestamp ?? "", /^\d+$/);
        assert.deepStrictEqual(seen[0].messageAttributes.tenant, { DataType: "String", StringValue: "acme" });
        const [first, second] = seen.map((message) => message.sqsMessage);
        assert.strictEqual(second?.MessageId, sent.MessageId, "the SDK's own message, for what the fields leave out");
        assert.ok(second?.ReceiptHandle && second.MD5OfBody, "with its receipt handle and digests");
        assert.notStrictEqual(second.ReceiptHandle, first?.ReceiptHandle, "one per delivery");
    });

    it("hides a failed message for the retry delay, doubling with its receive count, before it is tried again", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        await sendMessages(sqs, queueUrl, ["flaky"]);
        const attemptsAtMs: number[] = [];
        const worker = workers.start({
            queueUrl,
            retryBaseSeconds: 1,
            retryMaxSeconds: 900,
            handler: async () => {
                attemptsAtMs.push(Date.now());
                if (attemptsAtMs.length < 3) {
                    throw new Error("not yet");
                }
            },
        });
        await waitFor(
            "the third attempt succeeded",
            () => worker.finished(MessageOutcome.Succeeded).length === 1,
            15_000,
        );
        const gapsMs = attemptsAtMs.slice(1).map((atMs, index) => atMs - attemptsAtMs[index]);
        const delays = worker.finished(MessageOutcome.Failed).map((entry) => entry.retryDelaySeconds);
        assert.deepStrictEqual(delays, [1, 2], "retryBaseSeconds after the first receive, doubled after the second");
        gapsMs.forEach((gapMs, index) => {
            const delayMs = (delays[index] ?? 0) * 1000;
            assert.ok(gapMs >= delayMs, `retry ${index + 1} came after ${gapMs} ms, before its ${delayMs} ms delay`);
            // A long poll in moto notices a message turning visible on its next one-second check, not at once.
            assert.ok(
                gapMs < delayMs + 2_500,
                `retry ${index + 1} came after ${gapMs} ms, long after its ${delayMs} ms delay`,
            );
        });
    });

    it("logs one entry per message with its id, receive count, duration and outcome", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        const [messageId] = await sendMessages(sqs, queueUrl, ["slow"]);
        const worker = workers.start({ queueUrl, handler: () => new Promise((resolve) => setTimeout(resolve, 120)) });
        await waitFor("the message succeeded", () => worker.finished(MessageOutcome.Succeeded).length === 1);
        const [entry] = worker.finished(MessageOutcome.Succeeded);
        assert.strictEqual(entry.messageId, messageId);
        assert.strictEqual(entry.receiveCount, 1);
        assert.ok((entry.durationMs ?? 0) >= 110 && (entry.durationMs ?? 0) < 2_000, `duration ${entry.durationMs} ms`);
    });

    it("keeps retrying a failing receive with a doubling pause, tells the sqsError hook, and consumes once the queue is there", async () => {
        const queueName = `late-${Date.now()}`;
        const queueUrl = `${moto.endpoint}/123456789012/${queueName}`;
        const sqsErrors: Array<{ error: unknown; event: WorkerEvent; message: unknown }> = [];
        const worker = workers.start({
            queueUrl,
            visibilityTimeoutSeconds: 30,
            handler: async () => undefined,
            hooks: { sqsError: (error, { event, message }) => sqsErrors.push({ error, event, message }) },
        });
        const failures = () => worker.logs.filter((entry) => entry.event === WorkerEvent.ReceiveFailed);
        await waitFor("two receives failed", () => failures().length === 2, 5_000);
        assert.deepStrictEqual(
            failures().map((entry) => entry.retryInSeconds),
            [1, 2],
        );
        assert.match(failures()[0].error ?? "", /QueueDoesNotExist|does not exist/i);
        assert.deepStrictEqual(
            sqsErrors.map(({ event, message }) => [event, message]),
            [
                [WorkerEvent.ReceiveFailed, undefined],
                [WorkerEvent.ReceiveFailed, undefined],
            ],
        );
        assert.match(
            (sqsErrors[0].error as Error).name,
            /QueueDoesNotExist|NonExistentQueue/,
            "the SDK's error, named by SQS's error code",
        );

        await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
        await sendMessages(sqs, queueUrl, ["after-outage"]);
        await waitFor("the message succeeded", () => worker.finished(MessageOutcome.Succeeded).length === 1, 10_000);
    });

    it("stop() does not wait out a pause after a failed receive", async () => {
        const worker = workers.start({
            queueUrl: `${moto.endpoint}/123456789012/missing`,
            visibilityTimeoutSeconds: 30,
            handler: async () => undefined,
        });
        await waitFor(
            "a receive failed",
            () => worker.logs.some((entry) => entry.event === WorkerEvent.ReceiveFailed),
            5_000,
        );
        const startedAtMs = Date.now();
        await worker.stop();
        assert.ok(Date.now() - startedAtMs < 500, `stop() took ${Date.now() - startedAtMs} ms`);
    });

    it("batches the SQS calls: at most 0.25 requests per message at concurrency 10 on a backlog, with hooks and stats that add up", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        const bodies = Array.from({ length: 200 }, (_, index) => `job-${index}`);
        const hooked = { received: 0, succeeded: 0 };
        const worker = workers.start({
            queueUrl,
            concurrency: 10,
            visibilityTimeoutSeconds: 30,
            handler: async () => undefined,
            hooks: { received: () => (hooked.received += 1), succeeded: () => (hooked.succeeded += 1) },
        });
        // A producer keeps about 40 waiting: a full backlog for a worker that holds 20, without measuring moto's
        // slowness at depth.
        for (let sent = 0; sent < bodies.length;) {
            if (sent - worker.stats().processed < 40) {
                await sendMessages(sqs, queueUrl, bodies.slice(sent, sent + 10));
                sent += 10;
            } else {
                await delay(5);
            }
        }
        await waitFor(
            "all 200 succeeded",
            () => worker.finished(MessageOutcome.Succeeded).length === bodies.length,
            40_000,
        );
        await worker.stop();

        const stats = worker.stats();
        assert.deepStrictEqual(
            { received: stats.received, processed: stats.processed, failed: stats.failed, inFlight: stats.inFlight },
            { received: 200, processed: 200, failed: 0, inFlight: 0 },
        );
        assert.deepStrictEqual(hooked, { received: 200, succeeded: 200 });
        assert.strictEqual(stats.handlerLatency.count, 200);
        assert.ok(
            stats.receiveLatency.count >= 20 && stats.receiveLatency.averageMs > 0,
            `receive latency ${JSON.stringify(stats.receiveLatency)}`,
        );
        const perMessage = stats.sqsRequests / bodies.length;
        assert.ok(
            perMessage <= 0.25,
            `${stats.sqsRequests} SQS requests for 200 messages: ${perMessage.toFixed(3)} per message`,
        );
        assert.deepStrictEqual(await messageCounts(sqs, queueUrl), { visible: 0, inFlight: 0 });
    });

    it("keeps slots independent: one slow job does not hold up the other nine", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        await sendMessages(sqs, queueUrl, ["slow", ...Array.from({ length: 29 }, (_, index) => `quick-${index}`)]);
        const quickDoneAtMs: number[] = [];
        let slowDoneAtMs = 0;
        const worker = workers.start({
            queueUrl,
            concurrency: 10,
            handler: async ({ body }) => {
                if (body === "slow") {
                    await delay(3_000);
                    slowDoneAtMs = Date.now();
                } else {
                    await delay(20);
                    quickDoneAtMs.push(Date.now());
                }
            },
        });
        await waitFor("all 30 succeeded", () => worker.finished(MessageOutcome.Succeeded).length === 30, 15_000);
        assert.strictEqual(quickDoneAtMs.length, 29);
        assert.ok(Math.max(...quickDoneAtMs) < slowDoneAtMs, "every quick job finished while the slow one still ran");
    });

    it("retryAfter brings a message back after the asked delay, release() at once, neither counted as a failure", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        await sendMessages(sqs, queueUrl, ["later", "elsewhere"]);
        const seen: Array<{ body: string; receiveCount: number; atMs: number }> = [];
        const retried: number[] = [];
        const released: string[] = [];
        const worker = workers.start({
            queueUrl,
            concurrency: 2,
            hooks: {
                retried: (_message, seconds) => retried.push(seconds),
                released: ({ body }) => released.push(body),
            },
            handler: async (message) => {
                seen.push({ body: message.body, receiveCount: message.receiveCount, atMs: Date.now() });
                if (message.receiveCount > 1) {
                    return;
                }
                if (message.body === "later") {
                    message.retryAfter(2);
                    return; // resolving would delete it; retryAfter wins
                }
                await message.release();
                throw new Error("ignored: the message was released");
            },
        });
        await waitFor(
            "both came back and succeeded",
            () => worker.finished(MessageOutcome.Succeeded).length === 2,
            15_000,
        );
        const first = (body: string) =>
            seen.find((entry) => entry.body === body && entry.receiveCount === 1)?.atMs ?? 0;
        const second = (body: string) =>
            seen.find((entry) => entry.body === body && entry.receiveCount === 2)?.atMs ?? 0;
        assert.ok(
            second("later") - first("later") >= 2_000,
            `retried after ${second("later") - first("later")} ms, before its 2 s`,
        );
        assert.ok(
            second("elsewhere") - first("elsewhere") < 2_500,
            "a released message comes back at once, not after 30 s",
        );
        assert.deepStrictEqual(retried, [2]);
        assert.deepStrictEqual(released, ["elsewhere"]);
        assert.deepStrictEqual(worker.finished(MessageOutcome.Failed), [], "neither counts as a failure");
        assert.deepStrictEqual(
            worker.finished(MessageOutcome.Retried).map((entry) => entry.retryDelaySeconds),
            [2],
        );
    });

    it("extendVisibility hides a message for the asked time, and the heartbeat extends by that much from then on", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        await sendMessages(sqs, queueUrl, ["long"]);
        let requestsDuringJob = -1;
        const worker = workers.start({
            queueUrl,
            visibilityTimeoutSeconds: 2,
            // No prefetch: the worker sends nothing but this message's own calls while the job runs.
            prefetchMessages: 0,
            handler: async (message) => {
                await message.extendVisibility(60);
                const before = worker.stats().sqsRequests;
                // A 2 s timeout would be extended every 0.67 s; after asking for 60 s, the next one is due in 20 s.
                await delay(3_000);
                requestsDuringJob = worker.stats().sqsRequests - before;
            },
        });
        await waitFor("the message succeeded", () => worker.finished(MessageOutcome.Succeeded).length === 1, 10_000);
        await worker.stop();
        assert.strictEqual(requestsDuringJob, 0, "no 2 s extensions after the 60 s one");
        assert.deepStrictEqual(await messageCounts(sqs, queueUrl), { visible: 0, inFlight: 0 }, "deleted");
        assert.deepStrictEqual(
            worker.logs.filter((entry) => entry.event === WorkerEvent.VisibilityChangeFailed),
            [],
        );
    });

    it("fails a handler that outruns handlerTimeoutSeconds: its signal says why, its slot takes the next message", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        await sendMessages(sqs, queueUrl, ["hangs-once", "quick"]);
        const runs: Array<{ body: string; receiveCount: number }> = [];
        const signals: AbortSignal[] = [];
        let hungHandlerReturned = false;
        const worker = workers.start({
            queueUrl,
            handlerTimeoutSeconds: 1,
            retryBaseSeconds: 1,
            handler: async ({ body, receiveCount }, signal) => {
                runs.push({ body, receiveCount });
                if (body === "hangs-once" && receiveCount === 1) {
                    signals.push(signal);
                    await delay(4_000); // ignores its signal: the slot must free up anyway
                    hungHandlerReturned = true;
                }
            },
        });
        await waitFor("both succeeded", () => worker.finished(MessageOutcome.Succeeded).length === 2, 15_000);

        assert.deepStrictEqual(runs, [
            { body: "hangs-once", receiveCount: 1 },
            { body: "quick", receiveCount: 1 },
            { body: "hangs-once", receiveCount: 2 },
        ]);
        assert.strictEqual(hungHandlerReturned, false, "the next message ran while the hung call was still going");
        assert.strictEqual((signals[0].reason as Error).name, "TimeoutError");
        const [failed] = worker.finished(MessageOutcome.Failed);
        assert.match(failed.error ?? "", /did not finish within handlerTimeoutSeconds \(1 s\)/);
        assert.strictEqual(failed.retryDelaySeconds, 1, "retried after the backoff, like any failure");
    });

    it("refuses a batch handler result it cannot read, before any message is retried or deleted, and stops", async () => {
        const { queueUrl, deadLetterQueueUrl } = await createQueues(sqs, {
            visibilityTimeoutSeconds: 30,
            maxReceiveCount: 2,
        });
        await sendMessages(sqs, queueUrl, ["one", "two", "three"]);
        const calls: string[][] = [];
        const exitCodeBefore = process.exitCode;
        const worker = workers.start({
            queueUrl,
            concurrency: 3,
            batchHandler: async (messages) => {
                calls.push(messages.map((message) => message.body));
                return messages as unknown as BatchFailure[]; // sqs-consumer's convention, from plain JavaScript
            },
        });
        await waitFor("the worker stopped", () => worker.logs.some((entry) => entry.event === WorkerEvent.Stopped));

        const refused = worker.logs.filter((entry) => entry.event === WorkerEvent.HandlerRefused);
        assert.strictEqual(refused.length, 1);
        assert.match(refused[0].error ?? "", /must resolve with the messages that failed, as \[\{ message, error \}\]/);
        assert.strictEqual(calls.length, 1, "no batch after the refused one");
        assert.deepStrictEqual(worker.finished(MessageOutcome.Failed), [], "nothing went down the retry path");
        assert.deepStrictEqual(worker.finished(MessageOutcome.Succeeded), [], "nothing was deleted");
        assert.deepStrictEqual((await receiveAllBodies(sqs, queueUrl)).sort(), ["one", "three", "two"]);
        assert.deepStrictEqual(await messageCounts(sqs, deadLetterQueueUrl), { visible: 0, inFlight: 0 });
        assert.strictEqual(process.exitCode, exitCodeBefore, "without handleSignals the process is the program's");
    });

    it("requests only the attributes asked for, and always the receive count", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        await sqs.send(
            new SendMessageCommand({
                QueueUrl: queueUrl,
                MessageBody: "x",
                MessageAttributes: {
                    tenant: { DataType: "String", StringValue: "acme" },
                    trace: { DataType: "String", StringValue: "t-1" },
                },
            }),
        );
        const seen: WorkerMessage[] = [];
        const worker = workers.start({
            queueUrl,
            messageSystemAttributeNames: ["SentTimestamp"],
            messageAttributeNames: ["tenant"],
            handler: async (message) => void seen.push(message),
        });
        await waitFor("the message succeeded", () => worker.finished(MessageOutcome.Succeeded).length === 1);
        assert.deepStrictEqual(Object.keys(seen[0].attributes).sort(), ["ApproximateReceiveCount", "SentTimestamp"]);
        assert.deepStrictEqual(Object.keys(seen[0].messageAttributes), ["tenant"]);
    });
});
