// Faults against a real SQS API (moto), each run counting every message: a worker killed with SIGKILL mid-run, a
// SIGTERM during a long job with more prefetched, a poison message in a batch handler's batch, and an outage of the
// SQS endpoint itself, during which no message may be lost or run twice.
import * as assert from "assert";
import { SQSClient } from "@aws-sdk/client-sqs";
import { BatchFailure, MessageOutcome, WorkerEvent } from "../../worker/index";
import { useMoto } from "./support/fixture";
import { OutageProxy, startOutageProxy } from "./support/outageProxy";
import { createQueues, messageCounts, receiveAllBodies, sendMessages, sqsClient } from "../../tooling/sqsQueues";
import { JobEvent, startWorkerProcess, WorkerProcess } from "./support/workerProcess";
import { delay, waitFor } from "./support/workers";

const job = (jobMs: number, index: number): string => JSON.stringify({ jobMs, index });

function countBy(values: readonly string[]): Map<string, number> {
    const counts = new Map<string, number>();
    values.forEach((value) => counts.set(value, (counts.get(value) ?? 0) + 1));
    return counts;
}

describe("worker losing nothing under faults (moto)", function () {
    this.timeout(60_000);
    const moto = useMoto();
    const { workers } = moto;
    let sqs: SQSClient;
    const processes: WorkerProcess[] = [];
    before(() => (sqs = moto.sqs));
    afterEach(() => Promise.all(processes.splice(0).map((child) => child.stop())));

    it("after kill -9 mid-run, every message is processed, and none the killed worker deleted runs again", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        const ids = await sendMessages(
            sqs,
            queueUrl,
            Array.from({ length: 40 }, (_, index) => job(150, index)),
        );
        const child = startWorkerProcess(moto.endpoint, {
            QUEUE_URL: queueUrl,
            VISIBILITY_TIMEOUT_SECONDS: "2",
            WORKER_CONCURRENCY: "5",
        });
        processes.push(child);
        await child.waitForEvent("ten messages were deleted", () => deletedBy(child).length >= 10, 30_000);
        child.signal("SIGKILL");
        await child.exited;
        const deletedByChild = deletedBy(child);

        const handled: string[] = [];
        const second = workers.start({
            queueUrl,
            concurrency: 10,
            handler: async ({ messageId }) => void handled.push(messageId),
        });
        const missing = (): string[] => ids.filter((id) => !deletedByChild.includes(id) && !handled.includes(id));
        await waitFor("every message the child did not delete succeeded", () => missing().length === 0, 30_000);
        await second.stop();

        assert.deepStrictEqual(missing(), [], "nothing lost");
        assert.deepStrictEqual(
            handled.filter((id) => deletedByChild.includes(id)),
            [],
            "nothing deleted by the killed worker ran again",
        );
        assert.deepStrictEqual(
            [...countBy(handled)].filter(([, count]) => count > 1),
            [],
            "the second worker ran each once",
        );
        assert.deepStrictEqual(await messageCounts(sqs, queueUrl), { visible: 0, inFlight: 0 });
    });

    it("SIGTERM during a long job finishes it, hands the prefetched messages back at once, and every message runs once", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        const [longJob, ...shortJobs] = await sendMessages(sqs, queueUrl, [
            job(2_500, 0),
            ...Array.from({ length: 9 }, (_, index) => job(0, index + 1)),
        ]);
        // Concurrency 1 prefetches one more; the short jobs after the long one wait behind it.
        const child = startWorkerProcess(moto.endpoint, {
            QUEUE_URL: queueUrl,
            VISIBILITY_TIMEOUT_SECONDS: "30",
            STOP_TIMEOUT_SECONDS: "20",
        });
        processes.push(child);
        await child.waitForEvent(
            "the long job started",
            (event) => event.event === JobEvent.Started && event.messageId === longJob,
        );
        child.signal("SIGTERM");
        const signalledAtMs = Date.now();
        const { code } = await child.exited;
        assert.strictEqual(code, 0);
        const deletedByChild = deletedBy(child);
        assert.ok(deletedByChild.includes(longJob), "the long job finished and was deleted during the drain");

        const handled: string[] = [];
        const second = workers.start({
            queueUrl,
            concurrency: 10,
            handler: async ({ messageId }) => void handled.push(messageId),
        });
        const all = [longJob, ...shortJobs];
        await waitFor(
            "every message was processed",
            () => all.every((id) => deletedByChild.includes(id) || handled.includes(id)),
            15_000,
        );
        assert.ok(
            Date.now() - signalledAtMs < 20_000,
            "released messages came back at once, not after the 30 s visibility timeout",
        );
        await second.stop();
        const runs = countBy([...deletedByChild, ...handled]);
        assert.deepStrictEqual(
            [...runs].filter(([, count]) => count !== 1),
            [],
            "every message succeeded exactly once",
        );
        assert.deepStrictEqual(await messageCounts(sqs, queueUrl), { visible: 0, inFlight: 0 });
    });

    it("a poison message in a batch handler's batch goes to the DLQ alone; its batch-mates are deleted once", async () => {
        const { queueUrl, deadLetterQueueUrl } = await createQueues(sqs, {
            visibilityTimeoutSeconds: 30,
            maxReceiveCount: 3,
        });
        const bodies = ["poison", ...Array.from({ length: 19 }, (_, index) => `good-${index}`)];
        await sendMessages(sqs, queueUrl, bodies);
        const runs: string[] = [];
        const batchSizes: number[] = [];
        const worker = workers.start({
            queueUrl,
            concurrency: 10,
            retryBaseSeconds: 0,
            batchHandler: async (messages) => {
                batchSizes.push(messages.length);
                runs.push(...messages.map((message) => message.body));
                return messages
                    .filter((message) => message.body === "poison")
                    .map((message): BatchFailure => ({ message, error: new Error("cannot parse") }));
            },
        });
        await waitFor(
            "the poison message is in the DLQ",
            async () => (await messageCounts(sqs, deadLetterQueueUrl)).visible === 1,
            20_000,
        );
        await waitFor("every good message succeeded", () => worker.finished(MessageOutcome.Succeeded).length === 19);
        await worker.stop();

        const counts = countBy(runs);
        assert.strictEqual(counts.get("poison"), 3, "tried maxReceiveCount times");
        bodies
            .filter((body) => body !== "poison")
            .forEach((body) => assert.strictEqual(counts.get(body), 1, `${body} ran ${counts.get(body)} times`));
        assert.ok(Math.max(...batchSizes) > 1, `messages were handled in batches (${batchSizes})`);
        assert.deepStrictEqual(await receiveAllBodies(sqs, deadLetterQueueUrl), ["poison"]);
        assert.deepStrictEqual(await messageCounts(sqs, queueUrl), { visible: 0, inFlight: 0 });
    });

    describe("with the SQS endpoint behind a proxy", () => {
        let proxy: OutageProxy;
        let proxiedSqs: SQSClient;
        beforeEach(async () => {
            proxy = await startOutageProxy(moto.endpoint);
            proxiedSqs = sqsClient(proxy.endpoint);
        });
        afterEach(async () => {
            await workers.stopAll();
            proxiedSqs.destroy();
            await proxy.close();
        });

        it("rides out a 10 s outage mid-run: nothing lost, nothing run twice, deletes retried until they land", async () => {
            const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
            const bodies = Array.from({ length: 120 }, (_, index) => `job-${index}`);
            await sendMessages(sqs, queueUrl, bodies);
            const succeeded: string[] = [];
            const worker = workers.start({
                queueUrl,
                sqsClient: proxiedSqs,
                concurrency: 10,
                handler: async ({ body }) => {
                    await delay(100);
                    succeeded.push(body);
                },
            });
            await waitFor("30 messages succeeded", () => succeeded.length >= 30, 30_000);
            // Down while a batch is in hand: its deletes fail until the endpoint is back.
            await proxy.down();
            const succeededAtOutage = succeeded.length;
            await delay(10_000);
            await proxy.up();
            await waitFor("every message succeeded", () => new Set(succeeded).size === bodies.length, 40_000);
            await worker.stop();

            assert.ok(
                worker.logs.some((entry) => entry.event === WorkerEvent.ReceiveFailed),
                "the outage was felt",
            );
            assert.ok(succeededAtOutage < bodies.length, "messages were still left when the endpoint went down");
            assert.deepStrictEqual(
                worker.logs.filter((entry) => entry.event === WorkerEvent.DeleteFailed).map((entry) => entry.error),
                [],
                "no delete was given up",
            );
            assert.deepStrictEqual(
                [...countBy(succeeded)].filter(([, count]) => count > 1),
                [],
                "no message ran twice",
            );
            assert.deepStrictEqual(
                await messageCounts(sqs, queueUrl),
                { visible: 0, inFlight: 0 },
                "every message was deleted",
            );
        });
    });
});

/** The messages the child process logged as succeeded: the runtime logs that once the delete was answered. */
function deletedBy(child: WorkerProcess): string[] {
    return child.events
        .filter((event) => event.event === WorkerEvent.MessageFinished && event.outcome === MessageOutcome.Succeeded)
        .map((event) => event.messageId ?? "");
}
