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
    const noAlarm = (queueName: string) =>
        `${queueName}: Dead-letter queue ${queueName} has no alarm that fires on its first message and notifies someone: failed messages land there unnoticed.`;

    it("passes the component's dead-letter queue once its alarm notifies a topic, in preview as well", async () => {
        const paging = { alarms: { actionArns: [ONCALL] } };
        assert.deepEqual(await violations(sqsDeadLetterQueueAlarmed, await componentStack(paging)), []);
        const previewed = await componentStack(paging, true);
        assert.deepEqual(await violations(sqsDeadLetterQueueAlarmed, previewed, { preview: true }), []);
        assert.deepEqual(await undecided(sqsDeadLetterQueueAlarmed, previewed), []);
    });

    it("fails the component's dead-letter queue when its alarm notifies no one, or is turned off", async () => {
        const [quiet] = await violations(sqsDeadLetterQueueAlarmed, await componentStack());
        assert.match(quiet, /^jobs-dlq: .* Alarm jobs-dlq-not-empty-alarm watches it, but it has no alarmActions\.$/);
        const [none] = await violations(
            sqsDeadLetterQueueAlarmed,
            await componentStack({ alarms: { deadLetterQueueNotEmpty: false } }),
        );
        assert.match(none, /^jobs-dlq: Dead-letter queue jobs-dlq-\w+ has no alarm that fires on its first message/);
    });

    it("fails a hand-built dead-letter queue without an alarm, or with an alarm on another metric or queue", async () => {
        const deadLetterQueue = queue("orders-dlq");
        const orders = queue("orders", { redrivePolicy: redriveDocument(deadLetterQueue) });
        assert.deepEqual(await violations(sqsDeadLetterQueueAlarmed, [deadLetterQueue, orders]), [
            noAlarm("orders-dlq"),
        ]);
        assert.deepEqual(
            await violations(sqsDeadLetterQueueAlarmed, [deadLetterQueue, orders, dlqAlarm("wrong-queue", "orders")]),
            [noAlarm("orders-dlq")],
        );
        assert.deepEqual(
            await violations(sqsDeadLetterQueueAlarmed, [deadLetterQueue, orders, dlqAlarm("visible", "orders-dlq")]),
            [],
        );
    });

    it("fails an alarm that cannot fire on one message or tells no one, whatever its purpose tag says", async () => {
        const deadLetterQueue = queue("orders-dlq");
        const orders = queue("orders", { redrivePolicy: redriveDocument(deadLetterQueue) });
        const fake = (name: string, inputs: Record<string, unknown>) => ({
            ...dlqAlarm(name, "orders-dlq"),
            inputs: { ...dlqAlarm(name, "orders-dlq").inputs, ...inputs },
            outputs: { ...dlqAlarm(name, "orders-dlq").outputs, ...inputs },
        });
        const cases: [Record<string, unknown>, string][] = [
            [
                { metricName: "NumberOfMessagesSent" },
                "it watches NumberOfMessagesSent, not ApproximateNumberOfMessagesVisible",
            ],
            [{ threshold: 1_000_000 }, "it fires on GreaterThanThreshold 1000000, not on the first message"],
            [{ comparisonOperator: "LessThanThreshold" }, "it fires on LessThanThreshold 0, not on the first message"],
            [{ statistic: "SampleCount" }, "its statistic SampleCount does not count messages"],
            [
                { dimensions: { QueueName: "orders-dlq", Team: "payments" } },
                "its dimensions QueueName, Team name no metric SQS publishes",
            ],
            [{ unit: "Seconds" }, "its unit Seconds is not the metric's (Count)"],
            [{ evaluationPeriods: 1, datapointsToAlarm: 3 }, "it evaluates 3 of 1 periods"],
            [{ actionsEnabled: false }, "its actions are turned off (actionsEnabled: false)"],
            [{ alarmActions: [], tags: { [ALARM_PURPOSE_TAG]: AlarmPurpose.Scaling } }, "it has no alarmActions"],
            [
                {
                    alarmActions: [
                        "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:a:resource/ecs/x:policyName/p",
                    ],
                },
                "its alarmActions (arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:a:resource/ecs/x:policyName/p) notify no one",
            ],
        ];
        for (const [inputs, reason] of cases) {
            const [found, ...rest] = await violations(sqsDeadLetterQueueAlarmed, [
                deadLetterQueue,
                orders,
                fake("fake", inputs),
            ]);
            assert.deepEqual(rest, []);
            assert.ok(found?.includes(`Alarm fake watches it, but ${reason}`), `${JSON.stringify(inputs)}: ${found}`);
        }
        const atOne = fake("at-one", {
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
            statistic: "Average",
        });
        assert.deepEqual(await violations(sqsDeadLetterQueueAlarmed, [deadLetterQueue, orders, atOne]), []);
    });

    it("finds the alarm in a metric math query that returns the metric, and follows an unknown QueueName to the queue it was built from", async () => {
        const [deadLetterQueue, ...rest] = componentQueues("job-worker");
        const math = (returnData: boolean) =>
            alarm("math", {
                alarmActions: [ONCALL],
                metricQueries: [
                    {
                        id: "m1",
                        returnData,
                        metric: {
                            namespace: "AWS/SQS",
                            metricName: "ApproximateNumberOfMessagesVisible",
                            dimensions: { QueueName: "job-worker-dlq" },
                            period: 60,
                            stat: "Maximum",
                        },
                    },
                    ...(returnData ? [] : [{ id: "e1", expression: "m1 * 0", returnData: true }]),
                ],
            });
        assert.deepEqual(await violations(sqsDeadLetterQueueAlarmed, [deadLetterQueue, ...rest, math(true)]), []);
        const [hidden] = await violations(sqsDeadLetterQueueAlarmed, [deadLetterQueue, ...rest, math(false)]);
        assert.match(hidden, /it alarms on an expression over ApproximateNumberOfMessagesVisible/);
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
