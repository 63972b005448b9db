// A FIFO queue against a real SQS API (moto): one receive may return several messages of one group, yet the worker
// runs a group's messages one at a time and in order, while different groups run side by side.
import * as assert from "assert";
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { randomUUID } from "crypto";
import { MessageOutcome } from "../../worker/index";
import { useMoto } from "./support/fixture";
import { messageCounts } from "../../tooling/sqsQueues";
import { waitFor } from "./support/workers";

const GROUPS = ["a", "b", "c"];
const PER_GROUP = 6;

async function createFifoQueue(sqs: SQSClient): Promise<string> {
    const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({
            QueueName: `worker-${randomUUID().slice(0, 8)}.fifo`,
            Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true", VisibilityTimeout: "30" },
        }),
    );
    return QueueUrl ?? "";
}

/** Sends `${group}-${index}` for every group, interleaved, ten to a batch: SQS keeps each group's send order. */
async function sendInterleaved(sqs: SQSClient, queueUrl: string): Promise<void> {
    const entries = Array.from({ length: PER_GROUP }, (_, index) =>
        GROUPS.map((group) => ({ group, body: `${group}-${index}` })),
    ).flat();
    for (let start = 0; start < entries.length; start += 10) {
        await sqs.send(
            new SendMessageBatchCommand({
                QueueUrl: queueUrl,
                Entries: entries
                    .slice(start, start + 10)
                    .map(({ group, body }, index) => ({ Id: String(index), MessageBody: body, MessageGroupId: group })),
            }),
        );
    }
}

describe("worker on a FIFO queue (moto)", function () {
    this.timeout(40_000);
    const moto = useMoto();
    const { workers } = moto;

    it("runs each group's messages one at a time in send order, and different groups at once, even when one fails", async () => {
        const { sqs } = moto;
        const queueUrl = await createFifoQueue(sqs);
        await sendInterleaved(sqs, queueUrl);
        const started: string[] = [];
        const succeeded: string[] = [];
        const runningByGroup = new Map<string, number>();
        let running = 0;
        let mostRunning = 0;
        let mostInOneGroup = 0;
        const worker = workers.start({
            queueUrl,
            concurrency: 10,
            retryBaseSeconds: 0,
            handler: async ({ body, attributes, receiveCount }) => {
                const group = attributes.MessageGroupId ?? "?";
                started.push(body);
                runningByGroup.set(group, (runningByGroup.get(group) ?? 0) + 1);
                mostInOneGroup = Math.max(mostInOneGroup, runningByGroup.get(group) ?? 0);
                running += 1;
                mostRunning = Math.max(mostRunning, running);
                try {
                    await new Promise((resolve) => setTimeout(resolve, 100));
                    if (body === "b-2" && receiveCount === 1) {
                        throw new Error("b-2 fails once: b-3 and later must wait for it");
                    }
                    succeeded.push(body);
                } finally {
                    running -= 1;
                    runningByGroup.set(group, (runningByGroup.get(group) ?? 1) - 1);
                }
            },
        });
        await waitFor("every message succeeded", () => succeeded.length === GROUPS.length * PER_GROUP, 30_000);
        await worker.stop();

        for (const group of GROUPS) {
            const inOrder = Array.from({ length: PER_GROUP }, (_, index) => `${group}-${index}`);
            assert.deepStrictEqual(
                succeeded.filter((body) => body.startsWith(group)),
                inOrder,
                `group ${group} succeeded in send order`,
            );
        }
        const bStarts = started.filter((body) => body.startsWith("b"));
        assert.deepStrictEqual(
            bStarts,
            ["b-0", "b-1", "b-2", "b-2", "b-3", "b-4", "b-5"],
            "nothing of group b ran between b-2's failure and its retry",
        );
        assert.strictEqual(mostInOneGroup, 1, "never two messages of one group at once");
        assert.ok(mostRunning >= 2, `groups ran side by side (at most ${mostRunning} at once)`);
        assert.strictEqual(worker.finished(MessageOutcome.Failed).length, 1);
        assert.deepStrictEqual(await messageCounts(sqs, queueUrl), { visible: 0, inFlight: 0 });
    });
});
