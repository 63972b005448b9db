// FIFO queues, a customer-managed KMS key and a bring-your-own queue: the queue options of components/queue.ts that
// change what is created (the defaults are in queue.spec.ts).
import * as assert from "node:assert/strict";
import { queueNameFromArn } from "../../../contract/arns";
import { mockPhysicalName } from "../../../components/testing";
import { ContainerDefinition } from "../../../tooling/mocks";
import {
    assertRejectedWith,
    json,
    minimalArgs,
    ofType,
    one,
    PolicyDocument,
    recordWorker,
    recordWorkerWithComponent,
    valueOf,
} from "../../support/worker";

const KEY_ARN = "arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const EXISTING = {
    arn: "arn:aws:sqs:eu-west-1:210987654321:orders",
    url: "https://sqs.eu-west-1.amazonaws.com/210987654321/orders",
    deadLetterQueueArn: "arn:aws:sqs:eu-west-1:210987654321:orders-dlq",
    deadLetterQueueUrl: "https://sqs.eu-west-1.amazonaws.com/210987654321/orders-dlq",
};

function environmentOf(resources: Awaited<ReturnType<typeof recordWorker>>): Record<string, string> {
    const [container] = json<ContainerDefinition[]>(
        one(resources, "aws:ecs/taskDefinition:TaskDefinition", "jobs-task").inputs.containerDefinitions,
    );
    return Object.fromEntries(container.environment.map((variable) => [variable.name, variable.value]));
}

function taskPolicy(resources: Awaited<ReturnType<typeof recordWorker>>): PolicyDocument {
    return json<PolicyDocument>(one(resources, "aws:iam/rolePolicy:RolePolicy", "jobs-task-policy").inputs.policy);
}

describe("queue options: FIFO, KMS and an existing queue", () => {
    describe("FIFO", () => {
        it("makes both queues FIFO, with content-based deduplication on the job queue only when asked", async () => {
            const resources = await recordWorker(
                minimalArgs({ queue: { fifo: true, contentBasedDeduplication: true } }),
            );
            const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
            const dlq = one(resources, "aws:sqs/queue:Queue", "jobs-dlq");
            assert.deepEqual([queue.inputs.fifoQueue, queue.inputs.contentBasedDeduplication], [true, true]);
            assert.deepEqual([dlq.inputs.fifoQueue, dlq.inputs.contentBasedDeduplication], [true, false]);
        });

        it("leaves the names to the provider's autonaming, which ends FIFO names in .fifo", async () => {
            const resources = await recordWorker(minimalArgs({ queue: { fifo: true } }));
            for (const name of ["jobs-queue", "jobs-dlq"]) {
                const queue = one(resources, "aws:sqs/queue:Queue", name);
                assert.equal(
                    queue.inputs.name,
                    undefined,
                    "no explicit name: a stable autoname, as for standard queues",
                );
                assert.equal(queue.outputs.name, `${mockPhysicalName(name)}.fifo`);
            }
        });

        it("sets no FIFO input at all on a standard queue, so queues created before FIFO support keep their inputs", async () => {
            const resources = await recordWorker(minimalArgs());
            for (const queue of ofType(resources, "aws:sqs/queue:Queue")) {
                assert.equal(queue.inputs.fifoQueue, undefined);
                assert.equal(queue.inputs.contentBasedDeduplication, undefined);
            }
        });

        it("rejects content-based deduplication on a standard queue, and non-boolean values", async () => {
            await assertRejectedWith(
                minimalArgs({ queue: { contentBasedDeduplication: true } }),
                "queue.contentBasedDeduplication",
                /queue\.contentBasedDeduplication applies only to FIFO queues/,
            );
            await assertRejectedWith(
                minimalArgs({ queue: { fifo: "yes" as unknown as boolean } }),
                "queue.fifo",
                /queue\.fifo must be true or false; got "yes"/,
            );
        });
    });

    describe("KMS", () => {
        it("encrypts both queues with the given key instead of SSE-SQS", async () => {
            const resources = await recordWorker(minimalArgs({ queue: { kmsMasterKeyId: KEY_ARN } }));
            for (const queue of ofType(resources, "aws:sqs/queue:Queue")) {
                assert.equal(queue.inputs.kmsMasterKeyId, KEY_ARN, queue.name);
                assert.equal(queue.inputs.sqsManagedSseEnabled, undefined, "the provider rejects both together");
            }
        });

        it("lets the task role decrypt with that key and no other, and nothing more of KMS", async () => {
            const statements = taskPolicy(
                await recordWorker(minimalArgs({ queue: { kmsMasterKeyId: KEY_ARN } })),
            ).Statement;
            const kms = statements.filter((statement) =>
                [statement.Action].flat().some((action) => action.startsWith("kms:")),
            );
            assert.deepEqual(kms, [
                { Sid: "DecryptJobQueueMessages", Effect: "Allow", Action: "kms:Decrypt", Resource: KEY_ARN },
            ]);
        });

        it("grants no KMS permission with SSE-SQS", async () => {
            const statements = taskPolicy(await recordWorker(minimalArgs())).Statement;
            assert.deepEqual(
                statements.map((statement) => statement.Sid),
                ["ConsumeJobQueue", "ManageOwnTaskProtection"],
            );
        });

        it("rejects an alias or key ID, which IAM cannot scope a grant to", async () => {
            await assertRejectedWith(
                minimalArgs({ queue: { kmsMasterKeyId: "alias/orders" } }),
                "queue.kmsMasterKeyId",
                /queue\.kmsMasterKeyId must be a KMS key ARN .*; got "alias\/orders"/,
            );
            await assertRejectedWith(
                minimalArgs({ queue: { kmsMasterKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" } }),
                "queue.kmsMasterKeyId",
                /queue\.kmsMasterKeyId must be a KMS key ARN/,
            );
        });
    });

    describe("existing queue", () => {
        it("creates no queue, dead-letter queue, redrive or queue policy", async () => {
            const resources = await recordWorker(minimalArgs({ existingQueue: EXISTING }));
            for (const type of [
                "aws:sqs/queue:Queue",
                "aws:sqs/queuePolicy:QueuePolicy",
                "aws:sqs/redrivePolicy:RedrivePolicy",
                "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
            ]) {
                assert.equal(ofType(resources, type).length, 0, type);
            }
        });

        it("scopes the task role to the existing queue and tells the worker both URLs", async () => {
            const resources = await recordWorker(minimalArgs({ existingQueue: EXISTING }));
            const consume = taskPolicy(resources).Statement.find((statement) => statement.Sid === "ConsumeJobQueue");
            assert.equal(consume?.Resource, EXISTING.arn);
            const environment = environmentOf(resources);
            assert.equal(environment.QUEUE_URL, EXISTING.url);
            assert.equal(environment.DEAD_LETTER_QUEUE_URL, EXISTING.deadLetterQueueUrl);
        });

        it("scales on the queue's name, taken from its ARN", async () => {
            const resources = await recordWorker(minimalArgs({ existingQueue: EXISTING, scaling: { minTasks: 0 } }));
            const policy = one(resources, "aws:appautoscaling/policy:Policy", "jobs-backlog-policy");
            const metrics = (
                policy.inputs.targetTrackingScalingPolicyConfiguration as {
                    customizedMetricSpecification: {
                        metrics: {
                            metricStat?: {
                                metric: { namespace: string; dimensions: { name: string; value: string }[] };
                            };
                        }[];
                    };
                }
            ).customizedMetricSpecification.metrics;
            const queueDimensions = metrics
                .filter((metric) => metric.metricStat?.metric.namespace === "AWS/SQS")
                .map((metric) => metric.metricStat?.metric.dimensions);
            assert.ok(queueDimensions.length > 0);
            for (const dimensions of queueDimensions) {
                assert.deepEqual(dimensions, [{ name: "QueueName", value: "orders" }]);
            }
            const wake = one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "jobs-wake-alarm");
            const visible = (
                wake.inputs.metricQueries as { id: string; metric?: { dimensions: Record<string, string> } }[]
            ).find((query) => query.id === "visible");
            assert.deepEqual(visible?.metric?.dimensions, { QueueName: "orders" });
        });

        it("reports the existing queues through the outputs", async () => {
            const { worker } = await recordWorkerWithComponent(minimalArgs({ existingQueue: EXISTING }));
            assert.deepEqual(
                await Promise.all(
                    [
                        worker.queueArn,
                        worker.queueUrl,
                        worker.queueName,
                        worker.deadLetterQueueArn,
                        worker.deadLetterQueueUrl,
                    ].map(valueOf),
                ),
                [EXISTING.arn, EXISTING.url, "orders", EXISTING.deadLetterQueueArn, EXISTING.deadLetterQueueUrl],
            );
        });

        it("leaves the dead-letter outputs and DEAD_LETTER_QUEUE_URL empty, and skips its alarm, without a dead-letter queue", async () => {
            const { resources, worker } = await recordWorkerWithComponent(
                minimalArgs({ existingQueue: { arn: EXISTING.arn, url: EXISTING.url } }),
            );
            assert.equal(await valueOf(worker.deadLetterQueueArn), "");
            assert.equal(await valueOf(worker.deadLetterQueueUrl), "");
            assert.equal(environmentOf(resources).DEAD_LETTER_QUEUE_URL, "");
            assert.equal(
                ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
                    (alarm) => alarm.name === "jobs-dlq-not-empty-alarm",
                ).length,
                0,
            );
        });

        it("lets the task role decrypt with the key the existing queue uses", async () => {
            const resources = await recordWorker(
                minimalArgs({ existingQueue: EXISTING, queue: { kmsMasterKeyId: KEY_ARN } }),
            );
            assert.ok(
                taskPolicy(resources).Statement.some(
                    (statement) => statement.Action === "kms:Decrypt" && statement.Resource === KEY_ARN,
                ),
            );
        });

        it("derives a queue's name from the last segment of its ARN", () => {
            assert.equal(queueNameFromArn("arn:aws:sqs:us-east-1:123456789012:orders.fifo"), "orders.fifo");
        });

        it("rejects queue settings that only apply to a queue the component creates", () =>
            assertRejectedWith(
                minimalArgs({
                    existingQueue: EXISTING,
                    queue: { visibilityTimeoutSeconds: 600, messageRetentionSeconds: 86400 },
                }),
                "queue.messageRetentionSeconds",
                /queue\.messageRetentionSeconds cannot be given together with existingQueue/,
            ));

        it("rejects a dead-letter ARN without its URL, and the reverse", async () => {
            await assertRejectedWith(
                minimalArgs({
                    existingQueue: {
                        arn: EXISTING.arn,
                        url: EXISTING.url,
                        deadLetterQueueArn: EXISTING.deadLetterQueueArn,
                    },
                }),
                "existingQueue.deadLetterQueueUrl",
                /existingQueue\.deadLetterQueueUrl is required when existingQueue\.deadLetterQueueArn is given/,
            );
            await assertRejectedWith(
                minimalArgs({
                    existingQueue: {
                        arn: EXISTING.arn,
                        url: EXISTING.url,
                        deadLetterQueueUrl: EXISTING.deadLetterQueueUrl,
                    },
                }),
                "existingQueue.deadLetterQueueArn",
                /existingQueue\.deadLetterQueueArn is required when existingQueue\.deadLetterQueueUrl is given/,
            );
        });

        it("rejects a missing URL and an ARN that is not an SQS queue's", async () => {
            await assertRejectedWith(
                minimalArgs({ existingQueue: { arn: EXISTING.arn, url: "" } }),
                "existingQueue.url",
                /existingQueue\.url is required/,
            );
            await assertRejectedWith(
                minimalArgs({ existingQueue: { arn: "arn:aws:sns:eu-west-1:210987654321:orders", url: EXISTING.url } }),
                "existingQueue.arn",
                /existingQueue\.arn must be an ARN such as arn:aws:sqs:/,
            );
        });
    });
});
