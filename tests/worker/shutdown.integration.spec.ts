// Draining against a real SQS API (moto): stop() and SIGTERM let the job in hand finish and take nothing new, stop()
// after a busy period is prompt and strands nothing, a job that cannot finish by the deadline (or any job, with
// stop({ abort })) is released to another worker at once, and after SIGKILL the message comes back when its
// visibility timeout lapses.
import * as assert from "assert";
import { SQSClient } from "@aws-sdk/client-sqs";
import { MessageOutcome, WorkerEvent, WorkerMessage } from "../../worker/index";
import { FakeEcsAgent, startFakeEcsAgent } from "./support/fakeEcsAgent";
import { useMoto } from "./support/fixture";
import { createQueues, messageCounts, receiveAllBodies, sendMessages } from "../../tooling/sqsQueues";
import { JobEvent, startWorkerProcess, WorkerProcess } from "./support/workerProcess";
import { delay, waitFor } from "./support/workers";

const job = (jobMs: number): string => JSON.stringify({ jobMs });

describe("worker shutdown (moto)", function () {
    this.timeout(40_000);
    const moto = useMoto();
    const { workers } = moto;
    let sqs: SQSClient;
    let agent: FakeEcsAgent;
    const processes: WorkerProcess[] = [];

    function startProcess(environment: Record<string, string>): WorkerProcess {
        const child = startWorkerProcess(moto.endpoint, environment);
        processes.push(child);
        return child;
    }

    before(async () => {
        sqs = moto.sqs;
        agent = await startFakeEcsAgent();
    });
    afterEach(() => Promise.all(processes.splice(0).map((child) => child.stop())));
    after(async () => {
        await agent?.stop();
    });

    it("stop() lets the job in hand finish and deletes it, takes nothing new, and leaves the rest for another worker", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        await sendMessages(sqs, queueUrl, ["in-hand"]);
        const seen: string[] = [];
        let finishedAtMs = 0;
        const worker = workers.start({
            queueUrl,
            handler: async ({ body }) => {
                seen.push(body);
                await new Promise((resolve) => setTimeout(resolve, 1_500));
                finishedAtMs = Date.now();
            },
        });
        await waitFor("the job started", () => seen.length === 1);

        const stopping = worker.stop();
        await sendMessages(sqs, queueUrl, ["arrived-during-stop"]);
        await stopping;
        const stoppedAtMs = Date.now();

        assert.deepStrictEqual(seen, ["in-hand"], "nothing new was started after stop()");
        assert.ok(finishedAtMs > 0 && finishedAtMs <= stoppedAtMs, "stop() resolved only after the job finished");
        assert.strictEqual(worker.finished(MessageOutcome.Succeeded).length, 1);
        assert.deepStrictEqual(
            await messageCounts(sqs, queueUrl),
            { visible: 1, inFlight: 0 },
            "the finished job is deleted; the new one waits",
        );

        const taken: string[] = [];
        const second = workers.start({ queueUrl, handler: async ({ body }) => void taken.push(body) });
        await waitFor(
            "the second worker processed the new message",
            () => second.finished(MessageOutcome.Succeeded).length === 1,
        );
        assert.deepStrictEqual(taken, ["arrived-during-stop"]);
    });

    /** Handles 40 messages at concurrency 10 with default options and waits until the last has succeeded. */
    async function busyWorker(queueUrl: string) {
        await sendMessages(
            sqs,
            queueUrl,
            Array.from({ length: 40 }, (_, index) => `busy-${index}`),
        );
        const worker = workers.start({ queueUrl, concurrency: 10, handler: () => delay(50) });
        await waitFor("all 40 succeeded", () => worker.finished(MessageOutcome.Succeeded).length === 40);
        return worker;
    }

    /** Sends five messages and returns how long each took to reach a second worker, in ms. */
    async function delaysToNextWorker(queueUrl: string): Promise<number[]> {
        const sentAtMs = Date.now();
        await sendMessages(sqs, queueUrl, ["n-1", "n-2", "n-3", "n-4", "n-5"]);
        const delaysMs: number[] = [];
        workers.start({ queueUrl, concurrency: 5, handler: async () => void delaysMs.push(Date.now() - sentAtMs) });
        await waitFor("the second worker handled all five", () => delaysMs.length === 5, 15_000);
        return delaysMs;
    }

    it("stop() right after a busy period returns within 3 s with default options, and strands nothing", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        const worker = await busyWorker(queueUrl);

        const stopStartedAtMs = Date.now();
        await worker.stop();
        const stopTookMs = Date.now() - stopStartedAtMs;
        assert.ok(stopTookMs <= 3_000, `stop() took ${stopTookMs} ms`);
        assert.deepStrictEqual(await messageCounts(sqs, queueUrl), { visible: 0, inFlight: 0 }, "nothing left hidden");
        const delaysMs = await delaysToNextWorker(queueUrl);
        assert.ok(Math.max(...delaysMs) < 3_000, `messages sent after the stop waited ${delaysMs} ms`);
    });

    it("stop() a few seconds after a busy period returns at once, and what its abandoned poll took is back within seconds", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        const worker = await busyWorker(queueUrl);
        await delay(3_000); // the queue is empty: the worker is in a long poll now

        const stopStartedAtMs = Date.now();
        await worker.stop();
        const stopTookMs = Date.now() - stopStartedAtMs;
        assert.ok(stopTookMs <= 1_000, `stop() took ${stopTookMs} ms`);
        // Moto serves an abandoned poll until its wait ends, so it may take some of these, for 5 s rather than 30 s.
        const delaysMs = await delaysToNextWorker(queueUrl);
        assert.ok(Math.max(...delaysMs) < 8_000, `messages sent after the stop waited ${delaysMs} ms`);
    });

    it("stop({ abort: true }) gives up the jobs in hand at once: signals aborted, messages visible to another worker", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        await sendMessages(sqs, queueUrl, ["long-1", "long-2"]);
        const signals: AbortSignal[] = [];
        const worker = workers.start({
            queueUrl,
            concurrency: 2,
            handler: async (_message, signal) => {
                signals.push(signal);
                await delay(10_000); // ignores its signal: the release must not depend on it
            },
        });
        await waitFor("both jobs started", () => signals.length === 2);

        const stopStartedAtMs = Date.now();
        await worker.stop({ abort: true });
        const stopTookMs = Date.now() - stopStartedAtMs;
        assert.ok(stopTookMs < 3_000, `stop() took ${stopTookMs} ms, not the 110 s deadline`);
        assert.deepStrictEqual(
            signals.map((signal) => signal.aborted),
            [true, true],
        );
        assert.deepStrictEqual(
            worker
                .finished(MessageOutcome.Released)
                .map((entry) => entry.receiveCount)
                .sort(),
            [1, 1],
        );
        assert.deepStrictEqual(await messageCounts(sqs, queueUrl), { visible: 2, inFlight: 0 }, "visible at once");
    });

    it("stop() hands back, unstarted, a message that arrives in the long poll already out", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        const seen: string[] = [];
        // With idle polls abandoned at stop, the poll would not be waited for: this is the worker that waits.
        const worker = workers.start({
            queueUrl,
            waitTimeSeconds: 3,
            idlePollVisibilityTimeoutSeconds: 0,
            handler: async ({ body }) => void seen.push(body),
        });
        await new Promise((resolve) => setTimeout(resolve, 300)); // the worker is now inside a 3 s poll of an empty queue

        const stopping = worker.stop();
        await sendMessages(sqs, queueUrl, ["late"]);
        await stopping;

        assert.deepStrictEqual(seen, [], "the handler never ran");
        assert.deepStrictEqual(
            worker.finished(MessageOutcome.Released).map((entry) => [entry.receiveCount, entry.durationMs]),
            [[1, 0]],
            "the poll returned it and the worker released it",
        );
        assert.deepStrictEqual(
            await messageCounts(sqs, queueUrl),
            { visible: 1, inFlight: 0 },
            "visible again at once, not after 30 s",
        );
    });

    it("stop() on an idle worker abandons its poll at once; what that poll took comes back after the idle poll's timeout", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        const first = workers.start({
            queueUrl,
            waitTimeSeconds: 5,
            idlePollVisibilityTimeoutSeconds: 2,
            handler: async () => undefined,
        });
        await new Promise((resolve) => setTimeout(resolve, 500)); // the worker is now inside an idle 5 s poll

        const stopStartedAtMs = Date.now();
        await first.stop();
        const stopTookMs = Date.now() - stopStartedAtMs;
        assert.ok(stopTookMs < 1_000, `stop() took ${stopTookMs} ms, not the rest of the poll`);
        assert.deepStrictEqual(
            first.logs
                .filter((entry) => entry.event === WorkerEvent.PollAbandoned)
                .map((entry) => entry.visibilityTimeoutSeconds),
            [2],
            "the abandoned poll is logged with how long what it took stays hidden",
        );

        // Sent while the abandoned poll may still be open at the server: it may take them, for 2 s, not 30.
        const sentAtMs = Date.now();
        await sendMessages(sqs, queueUrl, ["a", "b", "c"]);
        const handled: Array<{ body: string; atMs: number }> = [];
        const second = workers.start({
            queueUrl,
            handler: async ({ body }) => void handled.push({ body, atMs: Date.now() }),
        });
        await waitFor(
            "the second worker processed all three",
            () => second.finished(MessageOutcome.Succeeded).length === 3,
            10_000,
        );
        assert.deepStrictEqual(
            handled.map((entry) => entry.body).sort(),
            ["a", "b", "c"],
            "nothing lost, nothing twice",
        );
        const longestDelayMs = Math.max(...handled.map((entry) => entry.atMs - sentAtMs));
        assert.ok(
            longestDelayMs < 6_000,
            `delayed ${longestDelayMs} ms at most, far below the 30 s visibility timeout`,
        );
    });

    it("stop() releases a job that cannot finish by the deadline, aborts its signal, and another worker takes it at once", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        await sendMessages(sqs, queueUrl, ["too-long"]);
        let firstSignal: AbortSignal | undefined;
        let firstHandlerDone = false;
        const first = workers.start({
            queueUrl,
            // A free slot keeps a 20 s poll out during the stop; it must not receive the released message again.
            concurrency: 2,
            waitTimeSeconds: 20,
            stopTimeoutSeconds: 2,
            shutdownMarginSeconds: 1,
            // Ignores its signal on purpose: the release must not depend on the handler's cooperation.
            handler: async (_message, signal) => {
                firstSignal = signal;
                await new Promise((resolve) => setTimeout(resolve, 3_000));
                firstHandlerDone = true;
            },
        });
        await waitFor("the first worker started the job", () => firstSignal !== undefined);

        const stopStartedAtMs = Date.now();
        await first.stop();
        const stopTookMs = Date.now() - stopStartedAtMs;
        assert.ok(
            stopTookMs >= 900 && stopTookMs < 2_500,
            `stop() resolved at the 1 s deadline, not after the job (${stopTookMs} ms)`,
        );
        assert.strictEqual(firstSignal?.aborted, true, "the handler's signal was aborted");
        assert.deepStrictEqual(
            first.finished(MessageOutcome.Released).map((entry) => entry.receiveCount),
            [1],
        );

        const taken: WorkerMessage[] = [];
        const second = workers.start({ queueUrl, handler: async (message) => void taken.push(message) });
        await waitFor(
            "the second worker processed the released job",
            () => second.finished(MessageOutcome.Succeeded).length === 1,
            5_000,
        );
        const tookOverAfterMs = Date.now() - stopStartedAtMs;
        assert.ok(
            tookOverAfterMs < 10_000,
            `taken over in ${tookOverAfterMs} ms, long before the 30 s visibility timeout`,
        );
        assert.deepStrictEqual(
            taken.map((message) => [message.body, message.receiveCount]),
            [["too-long", 2]],
        );

        await waitFor("the first handler returned", () => firstHandlerDone, 5_000);
        assert.deepStrictEqual(
            first.finished(MessageOutcome.Succeeded),
            [],
            "a released message is never deleted by the worker that gave it up",
        );
    });

    it("SIGTERM drains the process: the job in hand finishes and is deleted, nothing new is taken, protection is released, exit 0", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        const [inHand] = await sendMessages(sqs, queueUrl, [job(1_500)]);
        agent.requests.length = 0;
        const child = startProcess({
            QUEUE_URL: queueUrl,
            VISIBILITY_TIMEOUT_SECONDS: "30",
            STOP_TIMEOUT_SECONDS: "20",
            ECS_AGENT_URI: agent.uri,
        });
        await child.waitForEvent("the job started", (event) => event.event === JobEvent.Started);

        child.signal("SIGTERM");
        await sendMessages(sqs, queueUrl, [job(0)]);
        const { code } = await child.exited;

        assert.strictEqual(code, 0);
        const started = child.events
            .filter((event) => event.event === JobEvent.Started)
            .map((event) => event.messageId);
        assert.deepStrictEqual(started, [inHand], "nothing new was started after SIGTERM");
        assert.ok(child.events.some((event) => event.event === JobEvent.Finished && event.messageId === inHand));
        assert.ok(
            child.events.some(
                (event) =>
                    event.event === WorkerEvent.MessageFinished &&
                    event.messageId === inHand &&
                    event.outcome === MessageOutcome.Succeeded,
            ),
        );
        assert.deepStrictEqual(
            await messageCounts(sqs, queueUrl),
            { visible: 1, inFlight: 0 },
            "the job is deleted; the new message waits",
        );
        assert.deepStrictEqual(
            agent.requests.map((request) => request.body.ProtectionEnabled),
            [true, false],
            "protected while busy (from ECS_AGENT_URI), released before exit",
        );
    });

    it("SIGTERM releases a job that cannot finish before the deadline, and a second worker picks it up at once", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        const [longJob] = await sendMessages(sqs, queueUrl, [job(60_000)]);
        // The default 10 s margin leaves 2 s to work after SIGTERM.
        const child = startProcess({ QUEUE_URL: queueUrl, STOP_TIMEOUT_SECONDS: "12" });
        await child.waitForEvent("the long job started", (event) => event.event === JobEvent.Started);

        const signalledAtMs = Date.now();
        child.signal("SIGTERM");
        const { code, atMs: exitedAtMs } = await child.exited;

        assert.strictEqual(code, 0);
        assert.ok(
            exitedAtMs - signalledAtMs < 5_000,
            `exited ${exitedAtMs - signalledAtMs} ms after SIGTERM, within the stop timeout`,
        );
        assert.ok(
            child.events.some((event) => event.event === JobEvent.Aborted),
            "the handler's signal was aborted",
        );
        assert.ok(
            child.events.some(
                (event) =>
                    event.event === WorkerEvent.MessageFinished &&
                    event.messageId === longJob &&
                    event.outcome === MessageOutcome.Released,
            ),
        );

        const taken: WorkerMessage[] = [];
        const second = workers.start({ queueUrl, handler: async (message) => void taken.push(message) });
        await waitFor("the second worker processed the released job", () => taken.length === 1, 5_000);
        assert.ok(Date.now() - signalledAtMs < 10_000, "taken over long before the 30 s visibility timeout");
        assert.deepStrictEqual(
            taken.map((message) => [message.messageId, message.receiveCount]),
            [[longJob, 2]],
        );
        await waitFor("the second worker deleted it", () => second.finished(MessageOutcome.Succeeded).length === 1);
        assert.deepStrictEqual(await receiveAllBodies(sqs, queueUrl), []);
    });

    it("a second SIGTERM releases the job in hand at once instead of waiting for the deadline", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        const [longJob] = await sendMessages(sqs, queueUrl, [job(60_000)]);
        // The default 120 s stop timeout: the first SIGTERM alone would let the job run for 110 s.
        const child = startProcess({ QUEUE_URL: queueUrl });
        await child.waitForEvent("the long job started", (event) => event.event === JobEvent.Started);

        child.signal("SIGTERM");
        await child.waitForEvent("the stop began", (event) => event.event === WorkerEvent.Stopping);
        const secondAtMs = Date.now();
        child.signal("SIGTERM");
        const { code, atMs: exitedAtMs } = await child.exited;

        assert.strictEqual(code, 0);
        assert.ok(exitedAtMs - secondAtMs < 5_000, `exited ${exitedAtMs - secondAtMs} ms after the second SIGTERM`);
        assert.ok(
            child.events.some((event) => event.event === JobEvent.Aborted),
            "the handler's signal was aborted",
        );
        assert.ok(
            child.events.some(
                (event) =>
                    event.event === WorkerEvent.MessageFinished &&
                    event.messageId === longJob &&
                    event.outcome === MessageOutcome.Released,
            ),
        );
        assert.deepStrictEqual(await messageCounts(sqs, queueUrl), { visible: 1, inFlight: 0 }, "visible at once");
    });

    it("a refused batch result stops the process with exit code 1 and leaves the batch in the queue, out of the DLQ", async () => {
        const { queueUrl, deadLetterQueueUrl } = await createQueues(sqs, {
            visibilityTimeoutSeconds: 30,
            maxReceiveCount: 2,
        });
        const ids = await sendMessages(sqs, queueUrl, [job(0), job(0), job(0)]);
        // The child's batch handler resolves with its messages, as sqs-consumer's handleMessageBatch does.
        const child = startProcess({ QUEUE_URL: queueUrl, WORKER_BATCH_RESULT: "messages" });
        const { code } = await child.exited;

        assert.strictEqual(code, 1);
        const refused = child.events.filter((event) => event.event === WorkerEvent.HandlerRefused);
        assert.strictEqual(refused.length, 1, "refused once; the worker took no second batch");
        assert.match(String(refused[0].error), /how sqs-consumer acknowledges/);
        assert.deepStrictEqual(
            (await receiveAllBodies(sqs, queueUrl)).length,
            ids.length,
            "every message is back in the queue, visible at once",
        );
        assert.deepStrictEqual(await messageCounts(sqs, deadLetterQueueUrl), { visible: 0, inFlight: 0 });
    });

    it("after SIGKILL mid-job the message comes back when its visibility timeout lapses and another worker processes it", async () => {
        // The queue's own timeout is 30 s; VISIBILITY_TIMEOUT_SECONDS=2 must win, or the message stays hidden 30 s.
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        const [killedJob] = await sendMessages(sqs, queueUrl, [job(60_000)]);
        const child = startProcess({ QUEUE_URL: queueUrl, VISIBILITY_TIMEOUT_SECONDS: "2" });
        await child.waitForEvent("the job started", (event) => event.event === JobEvent.Started);

        child.signal("SIGKILL");
        const { signal, atMs: killedAtMs } = await child.exited;
        assert.strictEqual(signal, "SIGKILL");
        assert.deepStrictEqual(
            await messageCounts(sqs, queueUrl),
            { visible: 0, inFlight: 1 },
            "still hidden right after the kill",
        );

        const taken: Array<{ message: WorkerMessage; atMs: number }> = [];
        const second = workers.start({
            queueUrl,
            handler: async (message) => void taken.push({ message, atMs: Date.now() }),
        });
        await waitFor(
            "the second worker processed the orphaned job",
            () => second.finished(MessageOutcome.Succeeded).length === 1,
            10_000,
        );
        assert.deepStrictEqual(
            taken.map(({ message }) => [message.messageId, message.receiveCount]),
            [[killedJob, 2]],
        );
        // The dead worker's last heartbeat (every 2/3 s) gave it up to 2 s more; SQS, not the worker, brings it back.
        assert.ok(taken[0].atMs - killedAtMs < 5_000, `came back ${taken[0].atMs - killedAtMs} ms after the kill`);
        assert.deepStrictEqual(await messageCounts(sqs, queueUrl), { visible: 0, inFlight: 0 });
    });
});
