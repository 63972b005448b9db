// Task scale-in protection against a stand-in ECS agent and a real SQS API (moto): protected while busy, renewed on
// long jobs, released when idle, and work goes on when the agent refuses.
import * as assert from "assert";
import { SQSClient } from "@aws-sdk/client-sqs";
import { MessageOutcome, WorkerEvent } from "../../worker/index";
import { FakeEcsAgent, PROTECTION_PATH, startFakeEcsAgent } from "./support/fakeEcsAgent";
import { useMoto } from "./support/fixture";
import { createQueues, sendMessages } from "../../tooling/sqsQueues";
import { acceleratedTimers } from "./support/timers";
import { waitFor } from "./support/workers";

describe("worker task protection (moto and a fake ECS agent)", function () {
    this.timeout(30_000);
    const moto = useMoto();
    const { workers } = moto;
    let sqs: SQSClient;
    let agent: FakeEcsAgent;

    before(async () => {
        sqs = moto.sqs;
        agent = await startFakeEcsAgent();
    });
    beforeEach(() => {
        agent.requests.length = 0;
        agent.refuseWith = undefined;
    });
    after(async () => {
        await agent?.stop();
    });

    it("protects the task before the handler starts and releases it once the queue is idle", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        await sendMessages(sqs, queueUrl, ["job"]);
        let handlerStartedAtMs = 0;
        let handlerEndedAtMs = 0;
        const worker = workers.start({
            queueUrl,
            ecsAgentUri: agent.uri,
            handler: async () => {
                handlerStartedAtMs = Date.now();
                await new Promise((resolve) => setTimeout(resolve, 500));
                handlerEndedAtMs = Date.now();
            },
        });
        await waitFor("protection was released", () => agent.requests.length === 2, 10_000);

        const [enable, release] = agent.requests;
        assert.deepStrictEqual(
            agent.requests.map(({ method, path, body }) => ({ method, path, body })),
            [
                { method: "PUT", path: PROTECTION_PATH, body: { ProtectionEnabled: true, ExpiresInMinutes: 15 } },
                { method: "PUT", path: PROTECTION_PATH, body: { ProtectionEnabled: false } },
            ],
        );
        assert.ok(enable.atMs <= handlerStartedAtMs, "protected before the work began");
        assert.ok(release.atMs >= handlerEndedAtMs, "released only after the work ended");
        assert.strictEqual(worker.finished(MessageOutcome.Succeeded).length, 1);
    });

    it("keeps the protection across a backlog instead of toggling it for every message", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        await sendMessages(
            sqs,
            queueUrl,
            Array.from({ length: 20 }, (_, index) => `job-${index}`),
        );
        const worker = workers.start({ queueUrl, ecsAgentUri: agent.uri, handler: async () => undefined });
        await waitFor("all 20 succeeded", () => worker.finished(MessageOutcome.Succeeded).length === 20);
        await waitFor(
            "protection was released",
            () => agent.requests.some((request) => request.body.ProtectionEnabled === false),
            5_000,
        );
        assert.deepStrictEqual(
            agent.requests.map((request) => request.body.ProtectionEnabled),
            [true, false],
        );
    });

    it("renews the protection before it expires while a job outlasts protectionMinutes", async () => {
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 600, maxReceiveCount: 5 });
        await sendMessages(sqs, queueUrl, ["long-job"]);
        // Thirty times real time: the one-minute protection lasts 2 s of wall-clock time and is renewed every second.
        const timers = acceleratedTimers(30);
        let jobDone = false;
        const worker = workers.start({
            queueUrl,
            ecsAgentUri: agent.uri,
            protectionMinutes: 1,
            timers,
            handler: async () => {
                await new Promise((resolve) => setTimeout(resolve, 4_500)); // 2.25 minutes of worker time
                jobDone = true;
            },
        });
        await waitFor("the job finished", () => jobDone, 10_000);
        await worker.stop();

        const enables = agent.requests.filter((request) => request.body.ProtectionEnabled === true);
        assert.ok(enables.length >= 4, `renewed while the job ran (${enables.length} requests)`);
        assert.ok(enables.every((request) => request.body.ExpiresInMinutes === 1));
        const gapsMs = enables.slice(1).map((request, index) => request.atMs - enables[index].atMs);
        // Each renewal comes before the minute (2 s of wall-clock time) the previous request bought runs out.
        assert.ok(
            gapsMs.every((gapMs) => gapMs < 2_000),
            `renewal gaps ${gapsMs.join(", ")} ms`,
        );
        assert.strictEqual(
            agent.requests[agent.requests.length - 1].body.ProtectionEnabled,
            false,
            "released at the end",
        );
    });

    it("still processes messages when the agent refuses protection, and logs why", async () => {
        agent.refuseWith = 400;
        const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
        await sendMessages(sqs, queueUrl, ["job"]);
        const worker = workers.start({ queueUrl, ecsAgentUri: agent.uri, handler: async () => undefined });
        await waitFor("the job succeeded", () => worker.finished(MessageOutcome.Succeeded).length === 1);
        const failure = worker.logs.find((entry) => entry.event === WorkerEvent.ProtectionFailed);
        assert.match(failure?.error ?? "", /HTTP 400.*AccessDeniedException/s);
    });
});
