// A FIFO queue against a real SQS API (moto), with the worker's default options: one receive may return several
// messages of one group, yet the worker runs a group's messages one at a time and in order, while different groups run
// side by side; and it does not sit in a long poll while every group it could get is blocked by its own messages.
import * as assert from "assert";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { MessageOutcome } from "../../worker/index";
import { createFifoQueue, messageCounts } from "../../tooling/sqsQueues";
import { useMoto } from "./support/fixture";
import { delay, waitFor } from "./support/workers";

/** Sends `${group}-${index}` for every group, interleaved, ten to a batch: SQS keeps each group's send order. */
async function sendInterleaved(sqs: SQSClient, queueUrl: string, groups: string[], perGroup: number): Promise<void> {
    const entries = Array.from({ length: perGroup }, (_, index) =>
        groups.map((group) => ({ group, body: `${group}-${index}` })),
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

/** The bodies of `group`, in the order they appear in `bodies`. */
const ofGroup = (bodies: string[], group: string): string[] => bodies.filter((body) => body.startsWith(`${group}-`));
const inSendOrder = (group: string, count: number): string[] =>
    Array.from({ length: count }, (_, index) => `${group}-${index}`);

describe("worker on a FIFO queue (moto, default options)", function () {
    this.timeout(60_000);
    const moto = useMoto();
    const { workers } = moto;

    it("runs each group's messages one at a time in send order, and different groups at once, even when one fails", async () => {
        const { sqs } = moto;
        const groups = ["a", "b", "c"];
        const queueUrl = await createFifoQueue(sqs, 30);
        await sendInterleaved(sqs, queueUrl, groups, 6);
        const started: string[] = [];
        const succeeded: string[] = [];
        const runningByGroup = new Map<string, number>();
        let running = 0;
        let mostRunning = 0;
        let mostInOneGroup = 0;
        const worker = workers.start({
            queueUrl,
            concurrency: 10,
            handler: async ({ body, attributes, receiveCount }) => {
                const group = attributes.MessageGroupId ?? "?";
                started.push(body);
                runningByGroup.set(group, (runningByGroup.get(group) ?? 0) + 1);
                mostInOneGroup = Math.max(mostInOneGroup, runningByGroup.get(group) ?? 0);
                running += 1;
                mostRunning = Math.max(mostRunning, running);
                try {
                    await delay(100);
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
        // b-2 comes back after the default 5 s retry delay.
        await waitFor("every message succeeded", () => succeeded.length === groups.length * 6, 40_000);
        await worker.stop();

        for (const group of groups) {
            assert.deepStrictEqual(ofGroup(succeeded, group), inSendOrder(group, 6), `group ${group} in send order`);
        }
        assert.deepStrictEqual(
            ofGroup(started, "b"),
            ["b-0", "b-1", "b-2", "b-2", "b-3", "b-4", "b-5"],
            "nothing of group b ran between b-2's failure and its retry",
        );
        assert.strictEqual(mostInOneGroup, 1, "never two messages of one group at once");
        assert.ok(mostRunning >= 2, `groups ran side by side (at most ${mostRunning} at once)`);
        assert.strictEqual(worker.finished(MessageOutcome.Failed).length, 1);
        assert.deepStrictEqual(await messageCounts(sqs, queueUrl), { visible: 0, inFlight: 0 });
    });

    it("handles 5 groups x 40 messages at concurrency 10 within 30 s, in group order, with at most 0.4 SQS calls a message", async () => {
        const { sqs } = moto;
        const groups = ["a", "b", "c", "d", "e"];
        const queueUrl = await createFifoQueue(sqs, 30);
        await sendInterleaved(sqs, queueUrl, groups, 40);
        const succeeded: string[] = [];
        const startedAtMs = Date.now();
        const worker = workers.start({
            queueUrl,
            concurrency: 10,
            // As the component's environment gives it, so the count holds only the calls the messages cost.
            visibilityTimeoutSeconds: 30,
            handler: async ({ body }) => {
                await delay(20);
                succeeded.push(body);
            },
        });
        await waitFor("all 200 succeeded", () => succeeded.length === 200, 30_000);
        const tookMs = Date.now() - startedAtMs;
        await worker.stop(); // waits for the last deletes
        const { sqsRequests } = worker.stats();

        for (const group of groups) {
            assert.deepStrictEqual(ofGroup(succeeded, group), inSendOrder(group, 40), `group ${group} in send order`);
        }
        assert.ok(tookMs < 30_000, `200 messages took ${tookMs} ms`);
        assert.ok(sqsRequests / 200 <= 0.4, `${sqsRequests} SQS calls for 200 messages`);
        assert.deepStrictEqual(await messageCounts(sqs, queueUrl), { visible: 0, inFlight: 0 });
    });
});
