import * as assert from "node:assert/strict";
import { planAlarms } from "../../../components/plan/alarmPlan";
import { ALARM_PURPOSE_TAG, AlarmPurpose } from "../../../contract";
import { assertRejectedWith, minimalArgs, ofType, one, recordWorker } from "../../support/worker";

const ON_CALL = "arn:aws:sns:eu-west-1:210987654321:on-call";

/** The operational alarms only: the alarms tagged as scaling alarms belong to scaling. */
function operationalAlarms(resources: Awaited<ReturnType<typeof recordWorker>>) {
    return ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
        (alarm) =>
            (alarm.inputs.tags as Record<string, string> | undefined)?.[ALARM_PURPOSE_TAG] !== AlarmPurpose.Scaling,
    );
}

describe("alarms: operational alarms on the queues", () => {
    describe("the plan", () => {
        it("has only the dead-letter alarm by default", () => {
            const plan = planAlarms({ deadLetterQueueNotEmpty: true }, true);
            assert.deepEqual(
                plan.map((alarm) => alarm.key),
                ["dlq-not-empty"],
            );
            assert.deepEqual(
                [
                    plan[0].queue,
                    plan[0].metricName,
                    plan[0].stat,
                    plan[0].comparison,
                    plan[0].threshold,
                    plan[0].evaluationPeriods,
                ],
                ["deadLetterQueue", "ApproximateNumberOfMessagesVisible", "Maximum", "GreaterThanThreshold", 0, 1],
            );
        });

        it("plans no dead-letter alarm when there is no dead-letter queue, or when it is turned off", () => {
            assert.deepEqual(planAlarms({ deadLetterQueueNotEmpty: true }, false), []);
            assert.deepEqual(planAlarms({ deadLetterQueueNotEmpty: false }, true), []);
        });

        it("alarms on the oldest message's age above the limit", () => {
            const [age] = planAlarms({ deadLetterQueueNotEmpty: false, maxMessageAgeSeconds: 900 }, true);
            assert.deepEqual(
                [age.key, age.queue, age.metricName, age.comparison, age.threshold],
                ["message-age", "queue", "ApproximateAgeOfOldestMessage", "GreaterThanThreshold", 900],
            );
        });

        it("keeps the seed's queue-depth alarm: average visible messages above the threshold for 2 periods of 60 s", () => {
            const [depth] = planAlarms({ deadLetterQueueNotEmpty: false, queueDepthThreshold: 100 }, true);
            assert.deepEqual(
                [
                    depth.key,
                    depth.metricName,
                    depth.stat,
                    depth.periodSeconds,
                    depth.evaluationPeriods,
                    depth.datapointsToAlarm,
                    depth.threshold,
                    depth.comparison,
                ],
                ["queue-depth", "ApproximateNumberOfMessagesVisible", "Average", 60, 2, 2, 100, "GreaterThanThreshold"],
            );
        });

        it("treats missing data as not breaching on every alarm, since an idle queue publishes nothing", () => {
            const plan = planAlarms(
                { deadLetterQueueNotEmpty: true, maxMessageAgeSeconds: 900, queueDepthThreshold: 0 },
                true,
            );
            assert.equal(plan.length, 3);
            assert.ok(plan.every((alarm) => alarm.treatMissingData === "notBreaching"));
        });
    });

    describe("the resources", () => {
        it("alarms on the dead-letter queue by default, as a child of the component", async () => {
            const resources = await recordWorker(minimalArgs());
            const component = one(resources, "background-worker:index:BackgroundWorker", "jobs");
            const dlq = one(resources, "aws:sqs/queue:Queue", "jobs-dlq");
            const alarm = one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "jobs-dlq-not-empty-alarm");
            assert.equal(alarm.parent, component.urn);
            assert.deepEqual(
                [
                    alarm.inputs.namespace,
                    alarm.inputs.metricName,
                    alarm.inputs.dimensions,
                    alarm.inputs.statistic,
                    alarm.inputs.period,
                ],
                ["AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: dlq.outputs.name }, "Maximum", 60],
            );
            assert.deepEqual(
                [
                    alarm.inputs.comparisonOperator,
                    alarm.inputs.threshold,
                    alarm.inputs.evaluationPeriods,
                    alarm.inputs.treatMissingData,
                ],
                ["GreaterThanThreshold", 0, 1, "notBreaching"],
            );
            assert.equal(operationalAlarms(resources).length, 1);
        });

        it("creates the age and depth alarms on the job queue when asked, and none of the dead-letter one when off", async () => {
            const resources = await recordWorker(
                minimalArgs({
                    alarms: { deadLetterQueueNotEmpty: false, maxMessageAgeSeconds: 3600, queueDepthThreshold: 100 },
                }),
            );
            const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
            assert.deepEqual(
                operationalAlarms(resources)
                    .map((alarm) => alarm.name)
                    .sort(),
                ["jobs-message-age-alarm", "jobs-queue-depth-alarm"],
            );
            const age = one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "jobs-message-age-alarm");
            assert.deepEqual(
                [age.inputs.metricName, age.inputs.threshold, age.inputs.dimensions],
                ["ApproximateAgeOfOldestMessage", 3600, { QueueName: queue.outputs.name }],
            );
            const depth = one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "jobs-queue-depth-alarm");
            assert.deepEqual(
                [
                    depth.inputs.statistic,
                    depth.inputs.period,
                    depth.inputs.evaluationPeriods,
                    depth.inputs.threshold,
                    depth.inputs.dimensions,
                ],
                ["Average", 60, 2, 100, { QueueName: queue.outputs.name }],
            );
        });

        it("notifies the action topics on alarm and on recovery", async () => {
            const resources = await recordWorker(
                minimalArgs({ alarms: { actionArns: [ON_CALL], queueDepthThreshold: 10 } }),
            );
            for (const alarm of operationalAlarms(resources)) {
                assert.deepEqual(alarm.inputs.alarmActions, [ON_CALL], alarm.name);
                assert.deepEqual(alarm.inputs.okActions, [ON_CALL], alarm.name);
            }
            assert.equal(operationalAlarms(resources).length, 2);
        });

        it("leaves the scaling alarms' actions to scaling", async () => {
            const resources = await recordWorker(
                minimalArgs({ scaling: { minTasks: 0 }, alarms: { actionArns: [ON_CALL] } }),
            );
            for (const name of ["jobs-wake-alarm", "jobs-burst-alarm", "jobs-scale-in-alarm", "jobs-drain-alarm"]) {
                const actions = one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", name).inputs
                    .alarmActions as string[];
                assert.equal(actions.length, 1, `${name}: only the step policy`);
                assert.ok(!actions.includes(ON_CALL), `${name}: a page on every scale-out would be noise`);
            }
        });
    });

    describe("invalid values", () => {
        it("rejects a message-age limit beyond the queue's retention, where it could never fire", () =>
            assertRejectedWith(
                minimalArgs({ queue: { messageRetentionSeconds: 3600 }, alarms: { maxMessageAgeSeconds: 7200 } }),
                "alarms.maxMessageAgeSeconds",
                /alarms\.maxMessageAgeSeconds must be between 60 and 3600 seconds \(up to queue\.messageRetentionSeconds\); got 7200/,
            ));

        it("rejects a negative or fractional depth threshold", async () => {
            await assertRejectedWith(
                minimalArgs({ alarms: { queueDepthThreshold: -1 } }),
                "alarms.queueDepthThreshold",
                /alarms\.queueDepthThreshold must be a whole number of messages, 0 or more; got -1/,
            );
            await assertRejectedWith(
                minimalArgs({ alarms: { queueDepthThreshold: 2.5 } }),
                "alarms.queueDepthThreshold",
                /alarms\.queueDepthThreshold must be a whole number of messages/,
            );
        });

        it("rejects more than five action topics and anything that is not an SNS topic ARN", async () => {
            await assertRejectedWith(
                minimalArgs({ alarms: { actionArns: Array.from({ length: 6 }, (_, index) => `${ON_CALL}-${index}`) } }),
                "alarms.actionArns",
                /alarms\.actionArns must list at most 5 topics/,
            );
            await assertRejectedWith(
                minimalArgs({ alarms: { actionArns: ["on-call"] } }),
                "alarms.actionArns[0]",
                /alarms\.actionArns\[0\] must be an ARN such as arn:aws:sns:/,
            );
        });

        it("rejects a dead-letter alarm asked for on an existing queue without a dead-letter queue", () =>
            assertRejectedWith(
                minimalArgs({
                    existingQueue: {
                        arn: "arn:aws:sqs:eu-west-1:210987654321:orders",
                        url: "https://sqs.eu-west-1.amazonaws.com/210987654321/orders",
                    },
                    alarms: { deadLetterQueueNotEmpty: true },
                }),
                "alarms.deadLetterQueueNotEmpty",
                /alarms\.deadLetterQueueNotEmpty needs a dead-letter queue/,
            ));
    });
});
