import * as assert from "node:assert/strict";
import { denyInsecureTransport } from "../../../components/resources/queue";
import {
    json,
    minimalArgs,
    ofType,
    one,
    PolicyDocument,
    recordWorker,
    recordWorkerWithComponent,
    valueOf,
} from "../../support/worker";

describe("queue: the job queue and its dead-letter queue", () => {
    it("creates both queues encrypted with SSE-SQS and the documented defaults", async () => {
        const resources = await recordWorker(minimalArgs());
        const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
        const dlq = one(resources, "aws:sqs/queue:Queue", "jobs-dlq");
        assert.equal(queue.inputs.sqsManagedSseEnabled, true);
        assert.equal(dlq.inputs.sqsManagedSseEnabled, true);
        assert.equal(queue.inputs.visibilityTimeoutSeconds, 300);
        assert.equal(queue.inputs.messageRetentionSeconds, 345600);
        assert.equal(queue.inputs.receiveWaitTimeSeconds, 20);
        assert.equal(queue.inputs.delaySeconds, 0);
        assert.equal(queue.inputs.maxMessageSize, undefined, "unset means AWS's own default");
        assert.equal(dlq.inputs.messageRetentionSeconds, 1209600);
        assert.equal(ofType(resources, "aws:sqs/queue:Queue").length, 2);
    });

    it("passes every queue setting through to SQS", async () => {
        const resources = await recordWorker(
            minimalArgs({
                queue: {
                    visibilityTimeoutSeconds: 900,
                    messageRetentionSeconds: 86400,
                    receiveWaitTimeSeconds: 5,
                    delaySeconds: 30,
                    maxMessageSizeBytes: 1048576,
                    maxReceiveCount: 3,
                    deadLetterRetentionSeconds: 172800,
                },
            }),
        );
        const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
        assert.deepEqual(
            [
                queue.inputs.visibilityTimeoutSeconds,
                queue.inputs.messageRetentionSeconds,
                queue.inputs.receiveWaitTimeSeconds,
                queue.inputs.delaySeconds,
                queue.inputs.maxMessageSize,
            ],
            [900, 86400, 5, 30, 1048576],
        );
        assert.equal(one(resources, "aws:sqs/queue:Queue", "jobs-dlq").inputs.messageRetentionSeconds, 172800);
        const redrive = json<{ maxReceiveCount: number }>(
            one(resources, "aws:sqs/redrivePolicy:RedrivePolicy", "jobs-redrive").inputs.redrivePolicy,
        );
        assert.equal(redrive.maxReceiveCount, 3);
    });

    it("redrives the job queue to its own dead-letter queue after maxReceiveCount receives", async () => {
        const resources = await recordWorker(minimalArgs());
        const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
        const dlq = one(resources, "aws:sqs/queue:Queue", "jobs-dlq");
        const redrive = one(resources, "aws:sqs/redrivePolicy:RedrivePolicy", "jobs-redrive");
        assert.equal(redrive.inputs.queueUrl, queue.outputs.url);
        assert.deepEqual(json(redrive.inputs.redrivePolicy), {
            deadLetterTargetArn: dlq.outputs.arn,
            maxReceiveCount: 5,
        });
        // Separate resources, not inline attributes: inline on both queues they would form a dependency cycle.
        assert.equal(queue.inputs.redrivePolicy, undefined);
        assert.equal(dlq.inputs.redriveAllowPolicy, undefined);
    });

    it("lets only this worker's queue redrive into the dead-letter queue", async () => {
        const resources = await recordWorker(minimalArgs());
        const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
        const dlq = one(resources, "aws:sqs/queue:Queue", "jobs-dlq");
        const allow = one(resources, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", "jobs-dlq-redrive-allow");
        assert.equal(allow.inputs.queueUrl, dlq.outputs.url);
        assert.deepEqual(json(allow.inputs.redriveAllowPolicy), {
            redrivePermission: "byQueue",
            sourceQueueArns: [queue.outputs.arn],
        });
    });

    it("gives each queue exactly one policy, denying every request without TLS on that queue", async () => {
        const resources = await recordWorker(minimalArgs());
        const policies = ofType(resources, "aws:sqs/queuePolicy:QueuePolicy");
        assert.equal(policies.length, 2, "one per queue: two QueuePolicy resources on one queue overwrite each other");
        for (const [queueName, policyName] of [
            ["jobs-queue", "jobs-queue-policy"],
            ["jobs-dlq", "jobs-dlq-policy"],
        ]) {
            const queue = one(resources, "aws:sqs/queue:Queue", queueName);
            const policy = one(resources, "aws:sqs/queuePolicy:QueuePolicy", policyName);
            assert.equal(policy.inputs.queueUrl, queue.outputs.url);
            const document = json<PolicyDocument>(policy.inputs.policy);
            assert.deepEqual(document.Statement, [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "sqs:*",
                    Resource: queue.outputs.arn,
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ]);
        }
    });

    it("builds the TLS statement as plain data", () => {
        assert.deepEqual(denyInsecureTransport("arn:aws:sqs:us-east-1:123456789012:q").Condition, {
            Bool: { "aws:SecureTransport": "false" },
        });
    });

    it("exposes the queues through the component's outputs, as children of the component", async () => {
        const { resources, worker } = await recordWorkerWithComponent(minimalArgs());
        const component = one(resources, "background-worker:index:BackgroundWorker", "jobs");
        const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
        const dlq = one(resources, "aws:sqs/queue:Queue", "jobs-dlq");
        assert.equal(queue.parent, component.urn);
        assert.equal(dlq.parent, component.urn);
        assert.equal(await valueOf(worker.queueUrl), queue.outputs.url);
        assert.equal(await valueOf(worker.queueArn), queue.outputs.arn);
        assert.equal(await valueOf(worker.queueName), queue.outputs.name);
        assert.equal(await valueOf(worker.deadLetterQueueUrl), dlq.outputs.url);
        assert.equal(await valueOf(worker.deadLetterQueueArn), dlq.outputs.arn);
    });
});
