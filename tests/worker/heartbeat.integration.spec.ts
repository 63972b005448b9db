// The visibility heartbeat against a real SQS API (moto): a job that outlasts the visibility timeout is not delivered
// to a second worker while the first is still on it.
import * as assert from "assert";
import { SQSClient } from "@aws-sdk/client-sqs";
import { MessageOutcome, WorkerEvent } from "../../worker/index";
import { useMoto } from "./support/fixture";
import { createQueues, messageCounts, sendMessages } from "../../tooling/sqsQueues";
import { waitFor } from "./support/workers";

describe("worker visibility heartbeat (moto)", function () {
    this.timeout(30_000);
    const moto = useMoto();
    const { workers } = moto;
    let sqs: SQSClient;
    before(() => (sqs = moto.sqs));

    it("receives a job that runs longer than the visibility timeout exactly once, even with another worker polling", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 2, maxReceiveCount: 5 });
        await sendMessages(sqs, queueUrl, ["four-second-job"]);
        const deliveries: Array<{ worker: string; receiveCount: number }> = [];
        // No visibilityTimeoutSeconds: the workers read the queue's own 2 s at start.
        const start = (name: string) =>
            workers.start({
                queueUrl,
                handler: async ({ receiveCount }) => {
                    deliveries.push({ worker: name, receiveCount });
                    await new Promise((resolve) => setTimeout(resolve, 4_000));
                },
            });
        const first = start("first");
        await waitFor("the first worker took the job", () => deliveries.length === 1);
        const second = start("second");

        await waitFor(
            "the job succeeded",
            () =>
                first.finished(MessageOutcome.Succeeded).length + second.finished(MessageOutcome.Succeeded).length ===
                1,
            10_000,
        );
        // Give a lapsed message time to reach the second worker, were the heartbeat broken.
        await new Promise((resolve) => setTimeout(resolve, 500));

        assert.deepStrictEqual(deliveries, [{ worker: "first", receiveCount: 1 }]);
        assert.deepStrictEqual(
            [...first.logs, ...second.logs].filter((entry) => entry.event === WorkerEvent.VisibilityChangeFailed),
            [],
            "every extension was accepted",
        );
        assert.deepStrictEqual(
            await messageCounts(sqs, queueUrl),
            { visible: 0, inFlight: 0 },
            "deleted after success",
        );
    });

    it("extends the messages of one receive together, in one ChangeMessageVisibilityBatch per beat", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 3, maxReceiveCount: 5 });
        await sendMessages(
            sqs,
            queueUrl,
            Array.from({ length: 10 }, (_, index) => `job-${index}`),
        );
        let started = 0;
        let requestsAtStart = 0;
        let requestsAtEnd = 0;
        const worker = workers.start({
            queueUrl,
            concurrency: 10,
            // No prefetch and a full house: the worker sends nothing but the messages' own calls while they run.
            prefetchMessages: 0,
            handler: async () => {
                started += 1;
                if (started === 10) {
                    requestsAtStart = worker.stats().sqsRequests;
                }
                // Beats at 1 s and 2 s: twenty extensions one by one.
                await new Promise((resolve) => setTimeout(resolve, 2_300));
                requestsAtEnd = Math.max(requestsAtEnd, worker.stats().sqsRequests);
            },
        });
        await waitFor("all ten succeeded", () => worker.finished(MessageOutcome.Succeeded).length === 10, 15_000);
        await worker.stop();
        assert.strictEqual(started, 10, "each ran once: no message lapsed");
        const extensionCalls = requestsAtEnd - requestsAtStart;
        assert.ok(extensionCalls >= 2 && extensionCalls <= 4, `${extensionCalls} calls extended ten messages twice`);
        assert.deepStrictEqual(
            worker.logs.filter((entry) => entry.event === WorkerEvent.VisibilityChangeFailed),
            [],
        );
    });

    it("keeps a prefetched message hidden while it waits longer than the visibility timeout for a slot", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 2, maxReceiveCount: 5 });
        await sendMessages(sqs, queueUrl, ["first", "second"]);
        const runs: Array<{ worker: string; body: string }> = [];
        const start = (name: string, prefetchMessages: number) =>
            workers.start({
                queueUrl,
                prefetchMessages,
                handler: async ({ body }) => {
                    runs.push({ worker: name, body });
                    await new Promise((resolve) => setTimeout(resolve, 3_000));
                },
            });
        const holder = start("holder", 1);
        await waitFor("the holder took both, one running and one waiting", () => holder.stats().inFlight === 2, 10_000);
        const other = start("other", 0);
        await waitFor(
            "both succeeded",
            () =>
                holder.finished(MessageOutcome.Succeeded).length + other.finished(MessageOutcome.Succeeded).length ===
                2,
            15_000,
        );
        assert.deepStrictEqual(
            runs,
            [
                { worker: "holder", body: "first" },
                { worker: "holder", body: "second" },
            ],
            "the waiting message never reached the other worker, though it waited 3 s with a 2 s timeout",
        );
    });
});
