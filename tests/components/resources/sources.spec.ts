import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BackgroundWorker, SnsFilterPolicyScope } from "../../../components/index";
import { snsSubscriptionKey, sourcePolicyStatements } from "../../../components/resources/sources";
import { recordResources } from "../../../tooling/mocks";
import { assertRejectedWith, json, minimalArgs, ofType, one, PolicyDocument, recordWorker } from "../../support/worker";

const ORDERS_TOPIC = "arn:aws:sns:eu-west-1:210987654321:orders";
const REFUNDS_TOPIC = "arn:aws:sns:eu-west-1:210987654321:refunds";
const ORDERS_FIFO_TOPIC = "arn:aws:sns:eu-west-1:210987654321:orders.fifo";
const S3_PATTERN = JSON.stringify({ source: ["aws.s3"], "detail-type": ["Object Created"] });

function queuePolicy(resources: Awaited<ReturnType<typeof recordWorker>>): PolicyDocument {
    return json<PolicyDocument>(one(resources, "aws:sqs/queuePolicy:QueuePolicy", "jobs-queue-policy").inputs.policy);
}

describe("sources: SNS topics and EventBridge rules feeding the queue", () => {
    describe("SNS topics", () => {
        it("subscribes the queue to each topic with raw message delivery, named by a hash of the topic ARN", async () => {
            const resources = await recordWorker(
                minimalArgs({ sources: { snsTopicArns: [ORDERS_TOPIC, REFUNDS_TOPIC] } }),
            );
            const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
            const subscriptions = ofType(resources, "aws:sns/topicSubscription:TopicSubscription");
            assert.deepEqual(
                subscriptions.map((subscription) => subscription.name).sort(),
                [
                    `jobs-sns-${snsSubscriptionKey(ORDERS_TOPIC, 0)}`,
                    `jobs-sns-${snsSubscriptionKey(REFUNDS_TOPIC, 1)}`,
                ].sort(),
            );
            const orders = one(
                resources,
                "aws:sns/topicSubscription:TopicSubscription",
                `jobs-sns-${snsSubscriptionKey(ORDERS_TOPIC, 0)}`,
            );
            assert.deepEqual(
                [orders.inputs.topic, orders.inputs.protocol, orders.inputs.endpoint, orders.inputs.rawMessageDelivery],
                [ORDERS_TOPIC, "sqs", queue.outputs.arn, true],
            );
            assert.equal(orders.inputs.filterPolicy, undefined, "no filter unless asked");
            assert.equal(orders.inputs.filterPolicyScope, undefined);
        });

        it("keeps each subscription's name when the topic list is reordered, so nothing is replaced", async () => {
            const names = async (topics: string[]) =>
                ofType(
                    await recordWorker(minimalArgs({ sources: { snsTopicArns: topics } })),
                    "aws:sns/topicSubscription:TopicSubscription",
                )
                    .map((subscription) => `${subscription.name}=${subscription.inputs.topic}`)
                    .sort();
            assert.deepEqual(await names([ORDERS_TOPIC, REFUNDS_TOPIC]), await names([REFUNDS_TOPIC, ORDERS_TOPIC]));
        });

        it("keys a topic ARN known only at deployment by its position, the only stable thing there is", () => {
            assert.equal(snsSubscriptionKey(pulumi.output(ORDERS_TOPIC), 3), "3");
            assert.match(snsSubscriptionKey(ORDERS_TOPIC, 3), /^[0-9a-f]{8}$/);
        });

        it("lets sns.amazonaws.com send only from the listed topics, merged into the queue's one policy", async () => {
            const resources = await recordWorker(
                minimalArgs({ sources: { snsTopicArns: [ORDERS_TOPIC, REFUNDS_TOPIC] } }),
            );
            const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
            assert.equal(ofType(resources, "aws:sqs/queuePolicy:QueuePolicy").length, 2, "still one policy per queue");
            const statements = queuePolicy(resources).Statement;
            assert.deepEqual(
                statements.map((statement) => statement.Sid),
                ["DenyInsecureTransport", "AllowSnsTopics"],
            );
            assert.deepEqual(statements[1], {
                Sid: "AllowSnsTopics",
                Effect: "Allow",
                Principal: { Service: "sns.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: queue.outputs.arn,
                Condition: { ArnEquals: { "aws:SourceArn": [ORDERS_TOPIC, REFUNDS_TOPIC] } },
            });
            const dlqStatements = json<PolicyDocument>(
                one(resources, "aws:sqs/queuePolicy:QueuePolicy", "jobs-dlq-policy").inputs.policy,
            ).Statement;
            assert.deepEqual(
                dlqStatements.map((statement) => statement.Sid),
                ["DenyInsecureTransport"],
                "sources never send to the dead-letter queue",
            );
        });

        it("subscribes only once the queue policy exists, so no early message is refused", async () => {
            const resources = await recordWorker(minimalArgs({ sources: { snsTopicArns: [ORDERS_TOPIC] } }));
            const policy = one(resources, "aws:sqs/queuePolicy:QueuePolicy", "jobs-queue-policy");
            const [subscription] = ofType(resources, "aws:sns/topicSubscription:TopicSubscription");
            assert.ok(subscription.options.dependsOn.includes(policy.urn));
        });

        it("applies the filter policy to every subscription, on message attributes unless told otherwise", async () => {
            const filter = JSON.stringify({ kind: ["order"] });
            const byDefault = await recordWorker(
                minimalArgs({ sources: { snsTopicArns: [ORDERS_TOPIC, REFUNDS_TOPIC], snsFilterPolicy: filter } }),
            );
            for (const subscription of ofType(byDefault, "aws:sns/topicSubscription:TopicSubscription")) {
                assert.equal(subscription.inputs.filterPolicy, filter);
                assert.equal(subscription.inputs.filterPolicyScope, "MessageAttributes");
            }
            const onBody = await recordWorker(
                minimalArgs({
                    sources: {
                        snsTopicArns: [ORDERS_TOPIC],
                        snsFilterPolicy: filter,
                        snsFilterPolicyScope: SnsFilterPolicyScope.MessageBody,
                    },
                }),
            );
            assert.equal(
                ofType(onBody, "aws:sns/topicSubscription:TopicSubscription")[0].inputs.filterPolicyScope,
                "MessageBody",
            );
        });

        it("subscribes to a topic created in the same program and names it in the policy", async () => {
            let topicArn: string | undefined;
            const resources = await recordResources(() => {
                const topic = new aws.sns.Topic("orders");
                topic.arn.apply((arn) => (topicArn = arn));
                return new BackgroundWorker("jobs", minimalArgs({ sources: { snsTopicArns: [topic.arn] } }));
            });
            const subscription = one(resources, "aws:sns/topicSubscription:TopicSubscription", "jobs-sns-0");
            assert.equal(subscription.inputs.topic, topicArn);
            assert.deepEqual(queuePolicy(resources).Statement[1].Condition, {
                ArnEquals: { "aws:SourceArn": [topicArn] },
            });
        });
    });

    describe("EventBridge rules", () => {
        it("creates a rule and a target per entry, named by the rule's name, on the default bus unless told", async () => {
            const resources = await recordWorker(
                minimalArgs({
                    sources: {
                        eventRules: [
                            { name: "uploads", eventPattern: S3_PATTERN },
                            {
                                name: "invoices",
                                eventPattern: JSON.stringify({ source: ["billing"] }),
                                eventBusName: "billing",
                            },
                        ],
                    },
                }),
            );
            const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
            const uploads = one(resources, "aws:cloudwatch/eventRule:EventRule", "jobs-rule-uploads");
            assert.equal(uploads.inputs.eventPattern, S3_PATTERN);
            assert.equal(uploads.inputs.eventBusName, undefined, "the provider's default: the account's default bus");
            const uploadsTarget = one(resources, "aws:cloudwatch/eventTarget:EventTarget", "jobs-rule-uploads-target");
            assert.deepEqual(
                [uploadsTarget.inputs.rule, uploadsTarget.inputs.arn, uploadsTarget.inputs.sqsTarget],
                [uploads.outputs.name, queue.outputs.arn, undefined],
            );
            const invoices = one(resources, "aws:cloudwatch/eventRule:EventRule", "jobs-rule-invoices");
            assert.equal(invoices.inputs.eventBusName, "billing");
            assert.equal(
                one(resources, "aws:cloudwatch/eventTarget:EventTarget", "jobs-rule-invoices-target").inputs
                    .eventBusName,
                "billing",
            );
        });

        it("lets events.amazonaws.com send only from these rules, merged with SNS into the one queue policy", async () => {
            const resources = await recordWorker(
                minimalArgs({
                    sources: {
                        snsTopicArns: [ORDERS_TOPIC],
                        eventRules: [
                            { name: "uploads", eventPattern: S3_PATTERN },
                            { name: "deletes", eventPattern: S3_PATTERN },
                        ],
                    },
                }),
            );
            const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
            const ruleArns = ["jobs-rule-uploads", "jobs-rule-deletes"].map(
                (name) => one(resources, "aws:cloudwatch/eventRule:EventRule", name).outputs.arn,
            );
            assert.equal(ofType(resources, "aws:sqs/queuePolicy:QueuePolicy").length, 2);
            const statements = queuePolicy(resources).Statement;
            assert.deepEqual(
                statements.map((statement) => statement.Sid),
                ["DenyInsecureTransport", "AllowSnsTopics", "AllowEventRules"],
            );
            assert.deepEqual(statements[2], {
                Sid: "AllowEventRules",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: queue.outputs.arn,
                Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
            });
            const policy = one(resources, "aws:sqs/queuePolicy:QueuePolicy", "jobs-queue-policy");
            for (const target of ofType(resources, "aws:cloudwatch/eventTarget:EventTarget")) {
                assert.ok(target.options.dependsOn.includes(policy.urn), `${target.name} waits for the policy`);
            }
        });

        it("keeps a rule's resources when the list is reordered", async () => {
            const names = async (rules: { name: string; eventPattern: string }[]) =>
                ofType(
                    await recordWorker(minimalArgs({ sources: { eventRules: rules } })),
                    "aws:cloudwatch/eventRule:EventRule",
                )
                    .map((rule) => rule.name)
                    .sort();
            const uploads = { name: "uploads", eventPattern: S3_PATTERN };
            const deletes = { name: "deletes", eventPattern: S3_PATTERN };
            assert.deepEqual(await names([uploads, deletes]), await names([deletes, uploads]));
        });

        it("sets the message group on a FIFO queue's targets: the rule's name, or the one given", async () => {
            const resources = await recordWorker(
                minimalArgs({
                    queue: { fifo: true, contentBasedDeduplication: true },
                    sources: {
                        eventRules: [
                            { name: "uploads", eventPattern: S3_PATTERN },
                            { name: "deletes", eventPattern: S3_PATTERN, messageGroupId: "bucket-events" },
                        ],
                    },
                }),
            );
            assert.deepEqual(
                one(resources, "aws:cloudwatch/eventTarget:EventTarget", "jobs-rule-uploads-target").inputs.sqsTarget,
                { messageGroupId: "uploads" },
            );
            assert.deepEqual(
                one(resources, "aws:cloudwatch/eventTarget:EventTarget", "jobs-rule-deletes-target").inputs.sqsTarget,
                { messageGroupId: "bucket-events" },
            );
        });
    });

    describe("no sources", () => {
        it("creates no subscription, rule or allow statement", async () => {
            const resources = await recordWorker(minimalArgs());
            assert.equal(ofType(resources, "aws:sns/topicSubscription:TopicSubscription").length, 0);
            assert.equal(ofType(resources, "aws:cloudwatch/eventRule:EventRule").length, 0);
            assert.deepEqual(
                queuePolicy(resources).Statement.map((statement) => statement.Sid),
                ["DenyInsecureTransport"],
            );
            assert.deepEqual(sourcePolicyStatements("arn:aws:sqs:us-east-1:123456789012:q", [], []), []);
        });
    });

    describe("invalid mixes", () => {
        it("rejects a standard topic for a FIFO queue, naming the entry", () =>
            assertRejectedWith(
                minimalArgs({ queue: { fifo: true }, sources: { snsTopicArns: [ORDERS_FIFO_TOPIC, ORDERS_TOPIC] } }),
                "sources.snsTopicArns[1]",
                /sources\.snsTopicArns\[1\] must be a FIFO topic \(ARN ending in \.fifo\) when queue\.fifo is true; got "arn:aws:sns:eu-west-1:210987654321:orders"/,
            ));

        it("accepts FIFO topics for a FIFO queue", async () => {
            const resources = await recordWorker(
                minimalArgs({ queue: { fifo: true }, sources: { snsTopicArns: [ORDERS_FIFO_TOPIC] } }),
            );
            assert.equal(ofType(resources, "aws:sns/topicSubscription:TopicSubscription").length, 1);
        });

        it("rejects something that is not an SNS topic ARN", () =>
            assertRejectedWith(
                minimalArgs({ sources: { snsTopicArns: ["orders"] } }),
                "sources.snsTopicArns[0]",
                /sources\.snsTopicArns\[0\] must be an ARN such as arn:aws:sns:/,
            ));

        it("rejects the same topic listed twice", () =>
            assertRejectedWith(
                minimalArgs({ sources: { snsTopicArns: [ORDERS_TOPIC, ORDERS_TOPIC] } }),
                "sources.snsTopicArns[1]",
                /sources\.snsTopicArns\[1\] repeats/,
            ));

        it("rejects a filter policy that is not a JSON object", () =>
            assertRejectedWith(
                minimalArgs({ sources: { snsTopicArns: [ORDERS_TOPIC], snsFilterPolicy: "{kind: order}" } }),
                "sources.snsFilterPolicy",
                /sources\.snsFilterPolicy must be an SNS filter policy as valid JSON/,
            ));

        it("rejects a filter policy without topics, and a scope without a policy", async () => {
            await assertRejectedWith(
                minimalArgs({ sources: { snsFilterPolicy: JSON.stringify({ kind: ["order"] }) } }),
                "sources.snsFilterPolicy",
                /sources\.snsFilterPolicy applies only to SNS subscriptions/,
            );
            await assertRejectedWith(
                minimalArgs({
                    sources: { snsTopicArns: [ORDERS_TOPIC], snsFilterPolicyScope: SnsFilterPolicyScope.MessageBody },
                }),
                "sources.snsFilterPolicyScope",
                /sources\.snsFilterPolicyScope applies only with sources\.snsFilterPolicy/,
            );
        });

        it("rejects an unknown filter policy scope", () =>
            assertRejectedWith(
                minimalArgs({
                    sources: {
                        snsTopicArns: [ORDERS_TOPIC],
                        snsFilterPolicy: '{"a":[1]}',
                        snsFilterPolicyScope: "Body" as SnsFilterPolicyScope,
                    },
                }),
                "sources.snsFilterPolicyScope",
                /sources\.snsFilterPolicyScope must be one of MessageAttributes, MessageBody; got "Body"/,
            ));

        it("rejects rules without a usable name, with a duplicate name, or with a pattern that is not JSON", async () => {
            await assertRejectedWith(
                minimalArgs({ sources: { eventRules: [{ name: "up loads", eventPattern: S3_PATTERN }] } }),
                "sources.eventRules[0].name",
                /sources\.eventRules\[0\]\.name is required: 1 to 64 letters/,
            );
            await assertRejectedWith(
                minimalArgs({
                    sources: {
                        eventRules: [
                            { name: "uploads", eventPattern: S3_PATTERN },
                            { name: "uploads", eventPattern: S3_PATTERN },
                        ],
                    },
                }),
                "sources.eventRules[1].name",
                /sources\.eventRules\[1\]\.name must be unique within the worker/,
            );
            await assertRejectedWith(
                minimalArgs({ sources: { eventRules: [{ name: "uploads", eventPattern: "source=aws.s3" }] } }),
                "sources.eventRules[0].eventPattern",
                /sources\.eventRules\[0\]\.eventPattern must be an EventBridge event pattern as valid JSON/,
            );
            await assertRejectedWith(
                minimalArgs({ sources: { eventRules: [{ name: "uploads", eventPattern: "{}" }] } }),
                "sources.eventRules[0].eventPattern",
                /sources\.eventRules\[0\]\.eventPattern must be an EventBridge event pattern: a JSON string holding an object with at least one key/,
            );
        });

        it("rejects rules feeding a FIFO queue without content-based deduplication", () =>
            assertRejectedWith(
                minimalArgs({
                    queue: { fifo: true },
                    sources: { eventRules: [{ name: "uploads", eventPattern: S3_PATTERN }] },
                }),
                "queue.contentBasedDeduplication",
                /queue\.contentBasedDeduplication must be true when sources\.eventRules deliver to a FIFO queue/,
            ));

        it("rejects a message group on a standard queue", () =>
            assertRejectedWith(
                minimalArgs({
                    sources: { eventRules: [{ name: "uploads", eventPattern: S3_PATTERN, messageGroupId: "g" }] },
                }),
                "sources.eventRules[0].messageGroupId",
                /sources\.eventRules\[0\]\.messageGroupId applies only to FIFO queues/,
            ));

        it("rejects sources together with an existing queue, whose policy is not the component's to replace", () =>
            assertRejectedWith(
                minimalArgs({
                    existingQueue: {
                        arn: "arn:aws:sqs:eu-west-1:210987654321:orders",
                        url: "https://sqs.eu-west-1.amazonaws.com/210987654321/orders",
                    },
                    sources: { snsTopicArns: [ORDERS_TOPIC] },
                }),
                "sources",
                /sources cannot be given together with existingQueue/,
            ));
    });
});
