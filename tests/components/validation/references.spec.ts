// validation/references.ts: references to other resources given as plain strings (ARNs, IDs, URLs) are checked when
// the component is constructed, each on its own and against the others, so a value AWS would refuse, or one that
// names the wrong thing, fails with one error naming the property instead of at deployment.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { BackgroundWorker } from "../../../components/index";
import { accepted, assertRejected, severalProblems } from "../../support/validation";
import { CLUSTER_ARN, minimalArgs } from "../../support/worker";

/** minimalArgs' cluster is in eu-west-1, account 210987654321. */
const QUEUE_ARN = "arn:aws:sqs:eu-west-1:210987654321:orders";
const QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/210987654321/orders";
const DLQ_ARN = "arn:aws:sqs:eu-west-1:210987654321:orders-dlq";
const DLQ_URL = "https://sqs.eu-west-1.amazonaws.com/210987654321/orders-dlq";

describe("validation/references: ARNs, IDs and URLs given as plain strings", () => {
    describe("each on its own", () => {
        it("clusterArn must be an ECS cluster ARN", () => {
            assertRejected(
                minimalArgs({ clusterArn: "arn:aws:mock:workers" }),
                "clusterArn",
                "must be an ECS cluster ARN",
                "arn:aws:ecs:us-east-1:123456789012:cluster/workers",
                '"arn:aws:mock:workers"',
            );
            assertRejected(minimalArgs({ clusterArn: "workers" }), "clusterArn", "a WorkerCluster's arn");
        });

        it("subnetIds and securityGroupIds must be subnet and security group IDs, each named by its index", () => {
            assertRejected(
                minimalArgs({ subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-123"] }),
                "subnetIds[1]",
                "subnet-0123456789abcdef0",
                '"subnet-123"',
            );
            assertRejected(minimalArgs({ subnetIds: ["10.0.1.0/24"] }), "subnetIds[0]", "a subnet ID");
            assertRejected(
                minimalArgs({ securityGroupIds: ["sg-0123456789abcdef0", "default"] }),
                "securityGroupIds[1]",
                "a security group ID",
                '"default"',
            );
            assert.deepEqual(
                accepted(minimalArgs({ subnetIds: ["subnet-1a2b3c4d"], securityGroupIds: ["sg-1a2b3c4d"] })),
                [],
                "8-digit IDs, as older resources have them, are IDs too",
            );
        });

        it("taskDefinitionArn must be an ECS task definition ARN or family:revision", () => {
            const args = (taskDefinitionArn: string) => minimalArgs({ container: undefined, taskDefinitionArn });
            assertRejected(args("arn:aws:mock:td"), "taskDefinitionArn", "task definition", '"arn:aws:mock:td"');
            accepted(args("arn:aws:ecs:eu-west-1:210987654321:task-definition/jobs:7"));
            accepted(args("jobs:7"));
        });

        it("existingQueue.url must be an SQS queue URL", () => {
            assertRejected(
                minimalArgs({ existingQueue: { arn: QUEUE_ARN, url: "orders" } }),
                "existingQueue.url",
                "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
                '"orders"',
            );
        });

        it("leaves Outputs to deployment: they are not known yet", () => {
            assert.deepEqual(
                accepted(
                    minimalArgs({
                        clusterArn: pulumi.output("arn:aws:mock:workers"),
                        subnetIds: [pulumi.output("subnet-123")],
                        existingQueue: { arn: pulumi.output(QUEUE_ARN), url: pulumi.output("orders") },
                    }),
                ),
                [],
            );
        });
    });

    describe("against each other", () => {
        it("an existing queue's ARN and URL must name the same queue", () => {
            assertRejected(
                minimalArgs({ existingQueue: { arn: QUEUE_ARN, url: DLQ_URL } }),
                "existingQueue.url",
                "orders-dlq",
                "existingQueue.arn",
                "orders",
            );
            assertRejected(
                minimalArgs({
                    existingQueue: {
                        arn: QUEUE_ARN,
                        url: QUEUE_URL,
                        deadLetterQueueArn: DLQ_ARN,
                        deadLetterQueueUrl: QUEUE_URL,
                    },
                }),
                "existingQueue.deadLetterQueueUrl",
                "existingQueue.deadLetterQueueArn",
            );
            assertRejected(
                minimalArgs({
                    existingQueue: {
                        arn: QUEUE_ARN,
                        url: "https://sqs.eu-west-1.amazonaws.com/111111111111/orders",
                    },
                }),
                "existingQueue.url",
                "111111111111",
                "210987654321",
            );
            // Same account and name, another region: another queue, whose messages the worker would read while the
            // service scaled on this one's metrics.
            assertRejected(
                minimalArgs({
                    existingQueue: { arn: QUEUE_ARN, url: "https://sqs.us-east-1.amazonaws.com/210987654321/orders" },
                }),
                "existingQueue.url",
                "(eu-west-1 210987654321/orders)",
                "which names us-east-1 210987654321/orders",
            );
            accepted(
                minimalArgs({
                    existingQueue: { arn: QUEUE_ARN, url: "https://eu-west-1.queue.amazonaws.com/210987654321/orders" },
                }),
            );
        });

        it("an existing queue cannot be its own dead-letter queue", () => {
            assertRejected(
                minimalArgs({
                    existingQueue: {
                        arn: QUEUE_ARN,
                        url: QUEUE_URL,
                        deadLetterQueueArn: QUEUE_ARN,
                        deadLetterQueueUrl: QUEUE_URL,
                    },
                }),
                "existingQueue.deadLetterQueueArn",
                "the queue itself",
            );
        });

        it("an existing FIFO queue needs a FIFO dead-letter queue, and a standard one a standard one", () => {
            assertRejected(
                minimalArgs({
                    existingQueue: {
                        arn: `${QUEUE_ARN}.fifo`,
                        url: `${QUEUE_URL}.fifo`,
                        deadLetterQueueArn: DLQ_ARN,
                        deadLetterQueueUrl: DLQ_URL,
                    },
                }),
                "existingQueue.deadLetterQueueArn",
                "FIFO",
                ".fifo",
            );
            assertRejected(
                minimalArgs({
                    existingQueue: {
                        arn: QUEUE_ARN,
                        url: QUEUE_URL,
                        deadLetterQueueArn: `${DLQ_ARN}.fifo`,
                        deadLetterQueueUrl: `${DLQ_URL}.fifo`,
                    },
                }),
                "existingQueue.deadLetterQueueArn",
                "standard",
            );
        });

        it("what must be in the cluster's region is: the existing queue, the KMS key, the alarm topics", () => {
            const otherRegion = "arn:aws:sqs:us-east-1:210987654321:orders";
            assertRejected(
                minimalArgs({
                    existingQueue: { arn: otherRegion, url: "https://sqs.us-east-1.amazonaws.com/210987654321/orders" },
                }),
                "existingQueue.arn",
                "us-east-1",
                "eu-west-1",
            );
            assertRejected(
                minimalArgs({
                    queue: {
                        kmsMasterKeyId: "arn:aws:kms:us-east-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                    },
                }),
                "queue.kmsMasterKeyId",
                "us-east-1",
                "eu-west-1",
            );
            assertRejected(
                minimalArgs({ alarms: { actionArns: ["arn:aws:sns:us-east-1:210987654321:on-call"] } }),
                "alarms.actionArns[0]",
                "us-east-1",
                "eu-west-1",
            );
        });

        it("reports every bad reference at once", () => {
            const error = severalProblems(
                minimalArgs({ clusterArn: "arn:aws:mock:workers", subnetIds: ["subnet-1"], securityGroupIds: ["sg"] }),
            );
            assert.deepEqual(
                error.errors.map((problem) => problem.propertyPath),
                ["clusterArn", "subnetIds[0]", "securityGroupIds[0]"],
            );
        });
    });

    describe("a scaling plan that contradicts the queue", () => {
        it("warns when the visibility timeout is shorter than the declared average processing time", () => {
            const warnings = accepted(
                minimalArgs({
                    queue: { visibilityTimeoutSeconds: 60 },
                    container: { image: "public.ecr.aws/example/worker:1.0.0", stopTimeoutSeconds: 30 },
                    scaling: { acceptableLatencySeconds: 600, averageProcessingSeconds: 120 },
                }),
            );
            assert.equal(warnings.length, 1, warnings.join("\n"));
            assert.match(
                warnings[0],
                /^queue\.visibilityTimeoutSeconds \(60\) is shorter than scaling\.averageProcessingSeconds \(120\)/,
            );
        });
    });

    describe("in the constructor", () => {
        it("throws one error naming every bad property, before anything is registered", () => {
            assert.throws(
                () =>
                    new BackgroundWorker("jobs", {
                        clusterArn: "arn:aws:mock:workers",
                        subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"],
                        container: { image: "public.ecr.aws/example/worker:1.0.0" },
                    }),
                (error: unknown) =>
                    pulumi.InputPropertyError.isInstance(error) &&
                    error.propertyPath === "clusterArn" &&
                    /clusterArn must be an ECS cluster ARN/.test(error.message),
            );
        });

        it("accepts well-formed references that agree, without a warning", () => {
            assert.deepEqual(
                accepted(
                    minimalArgs({
                        clusterArn: CLUSTER_ARN,
                        existingQueue: {
                            arn: QUEUE_ARN,
                            url: QUEUE_URL,
                            deadLetterQueueArn: DLQ_ARN,
                            deadLetterQueueUrl: DLQ_URL,
                        },
                        alarms: { actionArns: ["arn:aws:sns:eu-west-1:210987654321:on-call"] },
                    }),
                ),
                [],
            );
        });
    });
});
