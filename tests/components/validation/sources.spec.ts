import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BackgroundWorker } from "../../../components/index";
import { validateWorkerArgs } from "../../../components/validation";
import { recordResources } from "../../../tooling/mocks";
import { assertRejectedWith, minimalArgs, ofType, recordWorker } from "../../support/worker";

const STANDARD_TOPIC = "arn:aws:sns:eu-west-1:210987654321:orders";
const FIFO_TOPIC = "arn:aws:sns:eu-west-1:210987654321:orders.fifo";

/** Runs a program that creates a topic and a FIFO worker fed by it, as index.ts does for the email worker. */
function fifoWorkerFedByNewTopic(fifoTopic: boolean, snsTopicsFifo?: boolean): Promise<unknown> {
    return recordResources(() => {
        const topic = new aws.sns.Topic("requests", { fifoTopic });
        new BackgroundWorker(
            "jobs",
            minimalArgs({
                queue: { fifo: true },
                sources: { snsTopicArns: [topic.arn], snsTopicsFifo },
            }),
        );
    });
}

describe("validationSources: SNS topics feeding a FIFO queue", () => {
    it("rejects at construction a topic known only at deployment when the user has not said it is FIFO", async () => {
        await assert.rejects(fifoWorkerFedByNewTopic(false), (error: unknown) => {
            assert.ok(pulumi.InputPropertyError.isInstance(error), String(error));
            assert.equal(error.propertyPath, "sources.snsTopicArns[0]");
            assert.match(
                error.reason,
                /^sources\.snsTopicArns\[0\] is known only at deployment, and queue\.fifo is true: set sources\.snsTopicsFifo to true/,
            );
            assert.match(error.reason, /A standard topic cannot deliver to a FIFO queue/);
            return true;
        });
    });

    it("rejects a standard topic as soon as its ARN is known, when the user said the topics are FIFO", async () => {
        await assert.rejects(fifoWorkerFedByNewTopic(false, true), (error: unknown) => {
            assert.ok(pulumi.InputPropertyError.isInstance(error), String(error));
            assert.equal(error.propertyPath, "sources.snsTopicArns[0]");
            assert.match(
                error.reason,
                /^sources\.snsTopicArns\[0\] must be a FIFO topic \(ARN ending in \.fifo\) when queue\.fifo is true; got "arn:aws:sns:us-east-1:123456789012:requests-[0-9a-f]{7}"/,
            );
            return true;
        });
    });

    it("subscribes a FIFO queue to a FIFO topic created in the same program", async () => {
        const resources = (await fifoWorkerFedByNewTopic(true, true)) as Awaited<ReturnType<typeof recordWorker>>;
        const [subscription] = ofType(resources, "aws:sns/topicSubscription:TopicSubscription");
        assert.match(String(subscription.inputs.topic), /:requests-[0-9a-f]{7}\.fifo$/);
    });

    it("rejects a plain standard topic ARN the user said is FIFO, and accepts plain FIFO ARNs without being told", async () => {
        await assertRejectedWith(
            minimalArgs({ sources: { snsTopicArns: [STANDARD_TOPIC], snsTopicsFifo: true } }),
            "sources.snsTopicArns[0]",
            /must be a FIFO topic \(ARN ending in \.fifo\) when sources\.snsTopicsFifo is true/,
        );
        assert.deepEqual(
            validateWorkerArgs(minimalArgs({ queue: { fifo: true }, sources: { snsTopicArns: [FIFO_TOPIC] } })),
            [],
        );
    });

    it("rejects a snsTopicsFifo that is not a boolean", () =>
        assertRejectedWith(
            minimalArgs({ sources: { snsTopicArns: [STANDARD_TOPIC], snsTopicsFifo: "yes" as unknown as boolean } }),
            "sources.snsTopicsFifo",
            /must be true or false; got "yes"/,
        ));
});

describe("validationSources: event rule names within EventBridge's 64 characters", () => {
    const rules = (name: string) =>
        minimalArgs({ sources: { eventRules: [{ name, eventPattern: JSON.stringify({ source: ["aws.s3"] }) }] } });

    it("rejects a rule whose EventBridge rule name would pass 64 characters, naming the rule's path", () => {
        // jobs-rule-<name>-<7 random characters>: 4 + 6 + name + 8 <= 64, so 46 characters at most.
        assert.deepEqual(validateWorkerArgs(rules("r".repeat(46)), "jobs"), []);
        assert.throws(
            () => validateWorkerArgs(rules("r".repeat(47)), "jobs"),
            (error: unknown) => {
                assert.ok(pulumi.InputPropertyError.isInstance(error), String(error));
                assert.equal(error.propertyPath, "sources.eventRules[0].name");
                assert.match(
                    error.reason,
                    /must be at most 46 characters for this worker: its EventBridge rule is named jobs-rule-r+-<7 random characters>, and EventBridge allows 64; got 47 characters$/,
                );
                return true;
            },
        );
    });
});
