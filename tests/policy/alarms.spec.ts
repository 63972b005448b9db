import * as assert from "node:assert/strict";
import { ALARM_PURPOSE_TAG, AlarmPurpose } from "../../contract";
import { cloudwatchAlarmHasActions, sqsDeadLetterQueueAlarmed } from "../../policy/alarms";
import {
    componentQueues,
    componentStack,
    planned,
    queue,
    redriveDocument,
    resource,
    undecided,
    violations,
} from "./fixtures";

const ONCALL = "arn:aws:sns:eu-west-1:210987654321:oncall";

function alarm(name: string, inputs: Record<string, unknown>) {
    return resource("aws:cloudwatch/metricAlarm:MetricAlarm", name, {
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 1,
        threshold: 0,
        ...inputs,
    });
}

const dlqAlarm = (name: string, queueName: unknown, metricName = "ApproximateNumberOfMessagesVisible") =>
    alarm(name, {
        namespace: "AWS/SQS",
        metricName,
        statistic: "Maximum",
        period: 60,
        dimensions: { QueueName: queueName },
        alarmActions: [ONCALL],
    });

describe("policy cloudwatch-alarm-has-actions", function () {
    this.timeout(30_000);

    it("reports the component's operational alarms without actions, and never its scaling alarms", async () => {
        const found = await violations(cloudwatchAlarmHasActions, await componentStack());
        assert.deepEqual(found, [
            "jobs-dlq-not-empty-alarm: The alarm has no alarmActions, so entering ALARM notifies no one.",
        ]);
    });

    it("passes the component's alarms once alarms.actionArns names a topic", async () => {
        assert.deepEqual(
            await violations(cloudwatchAlarmHasActions, await componentStack({ alarms: { actionArns: [ONCALL] } })),
            [],
        );
    });

    it("judges hand-built alarms by their purpose tag: untagged and operational ones need actions, scaling ones do not", async () => {
        const alarms = [
            alarm("untagged", {}),
            alarm("operational", { tags: { [ALARM_PURPOSE_TAG]: AlarmPurpose.Operational }, alarmActions: [] }),
            alarm("scaling", { tags: { [ALARM_PURPOSE_TAG]: AlarmPurpose.Scaling } }),
            alarm("muted", { alarmActions: [ONCALL], actionsEnabled: false }),
            alarm("paging", { alarmActions: [ONCALL] }),
        ];
        assert.deepEqual(await violations(cloudwatchAlarmHasActions, alarms), [
            "untagged: The alarm has no alarmActions, so entering ALARM notifies no one.",
            "operational: The alarm has no alarmActions, so entering ALARM notifies no one.",
            "muted: The alarm turns its actions off (actionsEnabled: false).",
        ]);
    });

    it("counts actions whose ARNs are not known yet in preview as actions", async () => {
        const topic = resource("aws:sns/topic:Topic", "oncall", {}, { arn: ONCALL });
        const stack = planned([topic, alarm("paging", { alarmActions: [ONCALL] })]);
        assert.deepEqual(await violations(cloudwatchAlarmHasActions, stack, { preview: true }), []);
        assert.deepEqual(await undecided(cloudwatchAlarmHasActions, stack), []);
    });
});

describe("policy sqs-dead-letter-queue-alarmed", function () {
    this.timeout(30_000);

    it("passes the component's dead-letter queue, whose not-empty alarm it creates, in preview as well", async () => {
        assert.deepEqual(await violations(sqsDeadLetterQueueAlarmed, await componentStack()), []);
        const previewed = await componentStack({}, true);
        assert.deepEqual(await violations(sqsDeadLetterQueueAlarmed, previewed, { preview: true }), []);
        assert.deepEqual(await undecided(sqsDeadLetterQueueAlarmed, previewed), []);
    });

    it("fails a hand-built dead-letter queue without an alarm, or with an alarm on a metric redrives do not move", async () => {
        const deadLetterQueue = queue("orders-dlq");
        const orders = queue("orders", { redrivePolicy: redriveDocument(deadLetterQueue) });
        const message =
            "orders-dlq: Dead-letter queue orders-dlq has no alarm on ApproximateNumberOfMessagesVisible or ApproximateAgeOfOldestMessage: failed messages land there unnoticed.";
        assert.deepEqual(await violations(sqsDeadLetterQueueAlarmed, [deadLetterQueue, orders]), [message]);
        assert.deepEqual(
            await violations(sqsDeadLetterQueueAlarmed, [
                deadLetterQueue,
                orders,
                dlqAlarm("sent", "orders-dlq", "NumberOfMessagesSent"),
            ]),
            [message],
        );
        assert.deepEqual(
            await violations(sqsDeadLetterQueueAlarmed, [deadLetterQueue, orders, dlqAlarm("wrong-queue", "orders")]),
            [message],
        );
        assert.deepEqual(
            await violations(sqsDeadLetterQueueAlarmed, [deadLetterQueue, orders, dlqAlarm("visible", "orders-dlq")]),
            [],
        );
    });

    it("finds the alarm in a metric math query, and follows an unknown QueueName to the queue it was built from", async () => {
        const [deadLetterQueue, ...rest] = componentQueues("job-worker");
        const math = alarm("math", {
            metricQueries: [
                {
                    id: "m1",
                    returnData: true,
                    metric: {
                        namespace: "AWS/SQS",
                        metricName: "ApproximateAgeOfOldestMessage",
                        dimensions: { QueueName: "job-worker-dlq" },
                        period: 60,
                        stat: "Maximum",
                    },
                },
            ],
        });
        assert.deepEqual(await violations(sqsDeadLetterQueueAlarmed, [deadLetterQueue, ...rest, math]), []);
        const byName = {
            ...dlqAlarm("visible", undefined),
            options: {
                protect: false,
                ignoreChanges: [],
                dependsOn: [deadLetterQueue.urn],
                propertyDependencies: { dimensions: [deadLetterQueue.urn] },
            },
        };
        const stack = [...planned([deadLetterQueue, ...rest]), byName];
        assert.deepEqual(await violations(sqsDeadLetterQueueAlarmed, stack, { preview: true }), []);
        assert.deepEqual(await undecided(sqsDeadLetterQueueAlarmed, stack), []);
        // Without the property dependency the alarm could be any queue's: the dead-letter queue stays open.
        const unplaced = { ...byName, options: { ...byName.options, propertyDependencies: {} } };
        assert.equal(
            (await undecided(sqsDeadLetterQueueAlarmed, [...planned([deadLetterQueue, ...rest]), unplaced])).length,
            1,
        );
    });
});
