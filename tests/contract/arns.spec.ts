import * as assert from "node:assert/strict";
import { ECS_CLUSTER_NAME, parseClusterArn, queueNameFromArn, SNS_TOPIC_ARN, SQS_QUEUE_ARN } from "../../contract/arns";
import { MAX_QUEUE_NAME_LENGTH } from "../../contract/awsLimits";

const queueArn = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${name}`;
const topicArn = (name: string) => `arn:aws:sns:us-east-1:123456789012:${name}`;

describe("contract/arns: the names and ARNs AWS accepts", () => {
    it("counts .fifo in a queue name's 80 characters: 75 + .fifo passes, 76 + .fifo does not", () => {
        assert.equal(MAX_QUEUE_NAME_LENGTH, 80);
        assert.ok(SQS_QUEUE_ARN.test(queueArn(`${"q".repeat(75)}.fifo`)));
        assert.ok(!SQS_QUEUE_ARN.test(queueArn(`${"q".repeat(76)}.fifo`)));
        assert.ok(SQS_QUEUE_ARN.test(queueArn("q".repeat(80))));
        assert.ok(!SQS_QUEUE_ARN.test(queueArn("q".repeat(81))));
    });

    it("takes queue names of letters, digits, - and _ only, with .fifo only at the end", () => {
        assert.ok(SQS_QUEUE_ARN.test(queueArn("jobs_2-queue")));
        assert.ok(!SQS_QUEUE_ARN.test(queueArn("jobs.queue")));
        assert.ok(!SQS_QUEUE_ARN.test(queueArn(".fifo")));
        assert.ok(!SQS_QUEUE_ARN.test("arn:aws:sqs:us-east-1:1234:jobs"));
        assert.ok(SQS_QUEUE_ARN.test("arn:aws-us-gov:sqs:us-gov-west-1:123456789012:jobs"));
    });

    it("counts .fifo in a topic name's 256 characters too", () => {
        assert.ok(SNS_TOPIC_ARN.test(topicArn(`${"t".repeat(251)}.fifo`)));
        assert.ok(!SNS_TOPIC_ARN.test(topicArn(`${"t".repeat(252)}.fifo`)));
        assert.ok(SNS_TOPIC_ARN.test(topicArn("t".repeat(256))));
        assert.ok(!SNS_TOPIC_ARN.test(topicArn("t".repeat(257))));
    });

    it("parses an ECS cluster ARN into partition, region, account and name, and names clusterArn when it cannot", () => {
        assert.deepEqual(parseClusterArn("arn:aws-cn:ecs:cn-north-1:123456789012:cluster/workers"), {
            partition: "aws-cn",
            region: "cn-north-1",
            account: "123456789012",
            clusterName: "workers",
        });
        assert.throws(
            () => parseClusterArn("workers"),
            /^Error: clusterArn must be an ECS cluster ARN .*; got "workers"$/,
        );
        assert.ok(ECS_CLUSTER_NAME.test("c".repeat(255)));
        assert.ok(!ECS_CLUSTER_NAME.test("c".repeat(256)));
    });

    it("reads a queue's name from its ARN", () => {
        assert.equal(queueNameFromArn(queueArn("orders.fifo")), "orders.fifo");
    });
});
