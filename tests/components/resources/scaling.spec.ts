import * as assert from "node:assert/strict";
import { ALARM_PURPOSE_TAG, AlarmPurpose } from "../../../contract";
import { RegisteredResource } from "../../../tooling/mocks";
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

interface TrackingMetric {
    id: string;
    expression?: string;
    returnData: boolean;
    metricStat?: {
        stat: string;
        metric: { namespace: string; metricName: string; dimensions: { name: string; value: string }[] };
    };
}
interface AlarmQuery {
    id: string;
    expression?: string;
    returnData: boolean;
    metric?: {
        namespace: string;
        metricName: string;
        dimensions: Record<string, string>;
        period: number;
        stat: string;
    };
}

/** The scaling alarms (the operational alarms of alarms.ts are tested in alarms.spec.ts). */
function wakeAlarms(resources: RegisteredResource[]): string[] {
    return ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm")
        .map((alarm) => alarm.name)
        .filter((name) => name.endsWith("-wake-alarm"));
}

function serviceAndQueue(resources: RegisteredResource[]) {
    return {
        service: one(resources, "aws:ecs/service:Service", "jobs-service"),
        queue: one(resources, "aws:sqs/queue:Queue", "jobs-queue"),
    };
}

describe("scaling: autoscaling resources built from the plan", () => {
    it("registers the service as a scalable target with the task bounds", async () => {
        const resources = await recordWorker(minimalArgs({ scaling: { minTasks: 2, maxTasks: 40 } }));
        const { service } = serviceAndQueue(resources);
        const target = one(resources, "aws:appautoscaling/target:Target", "jobs-scaling-target");
        assert.deepEqual(
            [
                target.inputs.serviceNamespace,
                target.inputs.scalableDimension,
                target.inputs.resourceId,
                target.inputs.minCapacity,
                target.inputs.maxCapacity,
            ],
            ["ecs", "ecs:service:DesiredCount", `service/workers/${service.outputs.name}`, 2, 40],
        );
    });

    it("tracks backlog per task with metric math on this queue and this service", async () => {
        const { resources, worker } = await recordWorkerWithComponent(
            minimalArgs({ scaling: { targetBacklogPerTask: 7 } }),
        );
        const { service, queue } = serviceAndQueue(resources);
        const policy = one(resources, "aws:appautoscaling/policy:Policy", "jobs-backlog-policy");
        const target = one(resources, "aws:appautoscaling/target:Target", "jobs-scaling-target");
        assert.equal(policy.inputs.policyType, "TargetTrackingScaling");
        assert.equal(policy.inputs.resourceId, target.outputs.resourceId);
        const configuration = policy.inputs.targetTrackingScalingPolicyConfiguration as {
            targetValue: number;
            scaleOutCooldown: number;
            scaleInCooldown: number;
            disableScaleIn: boolean;
            customizedMetricSpecification: { metrics: TrackingMetric[] };
        };
        // Scale-in is the step policies' (scale-in, drain): target tracking only scales out.
        assert.deepEqual(
            [
                configuration.targetValue,
                configuration.scaleOutCooldown,
                configuration.scaleInCooldown,
                configuration.disableScaleIn,
            ],
            [7, 300, 300, true],
        );
        const metrics = configuration.customizedMetricSpecification.metrics;
        const queueDimensions = [{ name: "QueueName", value: queue.outputs.name }];
        const serviceDimensions = [
            { name: "ClusterName", value: "workers" },
            { name: "ServiceName", value: service.outputs.name },
        ];
        assert.deepEqual(metrics, [
            {
                id: "visible",
                returnData: false,
                metricStat: {
                    stat: "Sum",
                    metric: {
                        namespace: "AWS/SQS",
                        metricName: "ApproximateNumberOfMessagesVisible",
                        dimensions: queueDimensions,
                    },
                },
            },
            {
                id: "inflight",
                returnData: false,
                metricStat: {
                    stat: "Sum",
                    metric: {
                        namespace: "AWS/SQS",
                        metricName: "ApproximateNumberOfMessagesNotVisible",
                        dimensions: queueDimensions,
                    },
                },
            },
            {
                id: "desired",
                returnData: false,
                metricStat: {
                    stat: "Average",
                    metric: {
                        namespace: "ECS/ContainerInsights",
                        metricName: "DesiredTaskCount",
                        dimensions: serviceDimensions,
                    },
                },
            },
            {
                id: "backlog",
                expression: "(visible + inflight) / desired",
                label: "Backlog per desired task",
                returnData: true,
            },
        ]);
        assert.equal(metrics.filter((metric) => metric.returnData).length, 1, "exactly one expression returns data");
        assert.equal(await valueOf(worker.targetBacklogPerTask), 7);
    });

    it("reports the target derived from a latency goal through the targetBacklogPerTask output", async () => {
        const { resources, worker } = await recordWorkerWithComponent(
            minimalArgs({ scaling: { acceptableLatencySeconds: 600, averageProcessingSeconds: 40 } }),
        );
        const policy = one(resources, "aws:appautoscaling/policy:Policy", "jobs-backlog-policy");
        assert.equal(
            (policy.inputs.targetTrackingScalingPolicyConfiguration as { targetValue: number }).targetValue,
            15,
        );
        assert.equal(await valueOf(worker.targetBacklogPerTask), 15);
    });

    it("creates no wake-up alarm, step policy or keep-alive when the service never reaches zero", async () => {
        const resources = await recordWorker(minimalArgs({ scaling: { minTasks: 1 } }));
        assert.deepEqual(wakeAlarms(resources), []);
        assert.deepEqual(
            ofType(resources, "aws:appautoscaling/policy:Policy")
                .map((policy) => policy.name)
                .sort(),
            ["jobs-backlog-policy", "jobs-burst-policy", "jobs-drain-policy", "jobs-scale-in-policy"],
        );
        assert.equal(ofType(resources, "aws:scheduler/schedule:Schedule").length, 0);
    });

    it("wakes the service from zero with its own alarm driving a +1 step policy", async () => {
        const resources = await recordWorker(minimalArgs({ scaling: { minTasks: 0 } }));
        const { service, queue } = serviceAndQueue(resources);
        const policy = one(resources, "aws:appautoscaling/policy:Policy", "jobs-wake-policy");
        assert.equal(policy.inputs.policyType, "StepScaling");
        assert.deepEqual(policy.inputs.stepScalingPolicyConfiguration, {
            adjustmentType: "ChangeInCapacity",
            cooldown: 300,
            metricAggregationType: "Maximum",
            stepAdjustments: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }],
        });
        const alarm = one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "jobs-wake-alarm");
        assert.deepEqual(alarm.inputs.alarmActions, [policy.outputs.arn]);
        assert.deepEqual(
            [
                alarm.inputs.comparisonOperator,
                alarm.inputs.threshold,
                alarm.inputs.evaluationPeriods,
                alarm.inputs.datapointsToAlarm,
                alarm.inputs.treatMissingData,
            ],
            ["GreaterThanOrEqualToThreshold", 1, 2, 2, "notBreaching"],
        );
        assert.deepEqual(alarm.inputs.metricQueries as AlarmQuery[], [
            {
                id: "visible",
                returnData: false,
                metric: {
                    namespace: "AWS/SQS",
                    metricName: "ApproximateNumberOfMessagesVisible",
                    dimensions: { QueueName: queue.outputs.name },
                    period: 60,
                    stat: "Sum",
                },
            },
            {
                id: "running",
                returnData: false,
                metric: {
                    namespace: "ECS/ContainerInsights",
                    metricName: "RunningTaskCount",
                    dimensions: { ClusterName: "workers", ServiceName: service.outputs.name },
                    period: 60,
                    stat: "Average",
                },
            },
            {
                id: "wake",
                expression: "IF(visible > 0 AND FILL(FILL(running, REPEAT), 0) == 0, 1, 0)",
                label: "Messages waiting with no task running",
                returnData: true,
            },
        ]);
    });

    it("catches up with a task deficit ahead of target tracking: its own one-minute alarm driving task steps", async () => {
        const resources = await recordWorker(minimalArgs({ scaling: { targetBacklogPerTask: 5, maxTasks: 4 } }));
        const { service, queue } = serviceAndQueue(resources);
        const target = one(resources, "aws:appautoscaling/target:Target", "jobs-scaling-target");
        const policy = one(resources, "aws:appautoscaling/policy:Policy", "jobs-burst-policy");
        assert.deepEqual(
            [policy.inputs.policyType, policy.inputs.resourceId],
            ["StepScaling", target.outputs.resourceId],
        );
        assert.deepEqual(policy.inputs.stepScalingPolicyConfiguration, {
            adjustmentType: "ChangeInCapacity",
            cooldown: 300,
            metricAggregationType: "Maximum",
            // Bounds relative to the threshold of one task: 1 to 2 tasks short adds 1, ..., 4 or more adds 4.
            stepAdjustments: [
                { metricIntervalLowerBound: "0", metricIntervalUpperBound: "1", scalingAdjustment: 1 },
                { metricIntervalLowerBound: "1", metricIntervalUpperBound: "2", scalingAdjustment: 2 },
                { metricIntervalLowerBound: "2", metricIntervalUpperBound: "3", scalingAdjustment: 3 },
                { metricIntervalLowerBound: "3", scalingAdjustment: 4 },
            ],
        });
        const alarm = one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "jobs-burst-alarm");
        assert.deepEqual(alarm.inputs.alarmActions, [policy.outputs.arn]);
        assert.deepEqual(
            [
                alarm.inputs.comparisonOperator,
                alarm.inputs.threshold,
                alarm.inputs.evaluationPeriods,
                alarm.inputs.datapointsToAlarm,
                alarm.inputs.treatMissingData,
            ],
            ["GreaterThanOrEqualToThreshold", 1, 1, 1, "notBreaching"],
        );
        const queueDimensions = { QueueName: queue.outputs.name };
        assert.deepEqual(alarm.inputs.metricQueries as AlarmQuery[], [
            {
                id: "visible",
                returnData: false,
                metric: {
                    namespace: "AWS/SQS",
                    metricName: "ApproximateNumberOfMessagesVisible",
                    dimensions: queueDimensions,
                    period: 60,
                    stat: "Sum",
                },
            },
            {
                id: "inflight",
                returnData: false,
                metric: {
                    namespace: "AWS/SQS",
                    metricName: "ApproximateNumberOfMessagesNotVisible",
                    dimensions: queueDimensions,
                    period: 60,
                    stat: "Sum",
                },
            },
            {
                id: "desired",
                returnData: false,
                metric: {
                    namespace: "ECS/ContainerInsights",
                    metricName: "DesiredTaskCount",
                    dimensions: { ClusterName: "workers", ServiceName: service.outputs.name },
                    period: 60,
                    stat: "Average",
                },
            },
            {
                id: "deficit",
                expression: "(visible + inflight) / 5 - FILL(FILL(desired, REPEAT), 0)",
                label: "Tasks short of the backlog target",
                returnData: true,
            },
        ]);
    });

    it("scales in with its own alarms: the surplus after three minutes, and a drain to the minimum on an empty queue", async () => {
        const resources = await recordWorker(minimalArgs({ scaling: { maxTasks: 3, scaleInCooldownSeconds: 240 } }));
        const scaleIn = one(resources, "aws:appautoscaling/policy:Policy", "jobs-scale-in-policy");
        assert.deepEqual(scaleIn.inputs.stepScalingPolicyConfiguration, {
            adjustmentType: "ChangeInCapacity",
            cooldown: 240,
            metricAggregationType: "Minimum",
            stepAdjustments: [
                { metricIntervalLowerBound: "0", metricIntervalUpperBound: "1", scalingAdjustment: -1 },
                { metricIntervalLowerBound: "1", metricIntervalUpperBound: "2", scalingAdjustment: -2 },
                { metricIntervalLowerBound: "2", scalingAdjustment: -3 },
            ],
        });
        const drain = one(resources, "aws:appautoscaling/policy:Policy", "jobs-drain-policy");
        assert.deepEqual(drain.inputs.stepScalingPolicyConfiguration, {
            adjustmentType: "PercentChangeInCapacity",
            cooldown: 60,
            metricAggregationType: "Maximum",
            stepAdjustments: [{ metricIntervalUpperBound: "0", scalingAdjustment: -100 }],
        });
        const drainAlarm = one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "jobs-drain-alarm");
        assert.deepEqual(drainAlarm.inputs.alarmActions, [drain.outputs.arn]);
        assert.deepEqual(
            [
                drainAlarm.inputs.comparisonOperator,
                drainAlarm.inputs.threshold,
                drainAlarm.inputs.evaluationPeriods,
                drainAlarm.inputs.datapointsToAlarm,
            ],
            ["LessThanOrEqualToThreshold", 0, 3, 3],
        );
        assert.deepEqual(
            (drainAlarm.inputs.metricQueries as AlarmQuery[]).map((query) => query.metric?.stat ?? query.expression),
            ["Maximum", "Maximum", "visible + inflight"],
        );
        assert.deepEqual(
            one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "jobs-scale-in-alarm").inputs.alarmActions,
            [scaleIn.outputs.arn],
        );
    });

    it("creates no scale-in or drain alarm or policy under disableScaleIn", async () => {
        const resources = await recordWorker(minimalArgs({ scaling: { disableScaleIn: true } }));
        assert.deepEqual(
            ofType(resources, "aws:appautoscaling/policy:Policy")
                .map((policy) => policy.name)
                .sort(),
            ["jobs-backlog-policy", "jobs-burst-policy"],
        );
        assert.deepEqual(
            ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm")
                .map((alarm) => alarm.name)
                .filter((name) => /scale-in|drain/.test(name)),
            [],
        );
    });

    it("tags every alarm it creates as a scaling alarm", async () => {
        const resources = await recordWorker(minimalArgs({ scaling: { minTasks: 0 } }));
        const scaling = ["jobs-wake-alarm", "jobs-burst-alarm", "jobs-scale-in-alarm", "jobs-drain-alarm"];
        for (const name of scaling) {
            const tags = one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", name).inputs.tags as Record<
                string,
                string
            >;
            assert.equal(tags[ALARM_PURPOSE_TAG], AlarmPurpose.Scaling, name);
        }
    });

    it("creates no burst alarm or policy when burstScaleOut is false", async () => {
        const resources = await recordWorker(minimalArgs({ scaling: { burstScaleOut: false } }));
        assert.deepEqual(
            ofType(resources, "aws:appautoscaling/policy:Policy")
                .map((policy) => policy.name)
                .sort(),
            ["jobs-backlog-policy", "jobs-drain-policy", "jobs-scale-in-policy"],
        );
        assert.deepEqual(
            ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm")
                .map((alarm) => alarm.name)
                .filter((name) => name.includes("burst")),
            [],
        );
    });

    it("keeps an idle queue's metrics flowing with an hourly Scheduler call scoped to this queue", async () => {
        const resources = await recordWorker(minimalArgs({ scaling: { minTasks: 0 } }));
        const { queue } = serviceAndQueue(resources);
        const schedule = one(resources, "aws:scheduler/schedule:Schedule", "jobs-keep-active");
        const role = one(resources, "aws:iam/role:Role", "jobs-keep-active-role");
        assert.equal(schedule.inputs.scheduleExpression, "rate(1 hour)");
        const target = schedule.inputs.target as { arn: string; roleArn: string; input: string };
        assert.equal(target.arn, "arn:aws:scheduler:::aws-sdk:sqs:getQueueAttributes");
        assert.equal(target.roleArn, role.outputs.arn);
        assert.deepEqual(json(target.input), {
            QueueUrl: queue.outputs.url,
            AttributeNames: ["ApproximateNumberOfMessages"],
        });
        const document = json<PolicyDocument>(
            one(resources, "aws:iam/rolePolicy:RolePolicy", "jobs-keep-active-policy").inputs.policy,
        );
        assert.deepEqual(document.Statement, [
            { Effect: "Allow", Action: "sqs:GetQueueAttributes", Resource: queue.outputs.arn },
        ]);
        const trust = json<PolicyDocument>(role.inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement[0].Principal, { Service: "scheduler.amazonaws.com" });
    });

    it("calls the keep-alive's SDK target in the cluster's partition, outside the commercial one too", async () => {
        const resources = await recordWorker(
            minimalArgs({
                clusterArn: "arn:aws-cn:ecs:cn-north-1:210987654321:cluster/workers",
                scaling: { minTasks: 0 },
            }),
        );
        const target = one(resources, "aws:scheduler/schedule:Schedule", "jobs-keep-active").inputs.target as {
            arn: string;
        };
        assert.equal(target.arn, "arn:aws-cn:scheduler:::aws-sdk:sqs:getQueueAttributes");
    });

    it("skips the keep-alive when keepQueueActive is false", async () => {
        const resources = await recordWorker(minimalArgs({ scaling: { minTasks: 0, keepQueueActive: false } }));
        assert.equal(ofType(resources, "aws:scheduler/schedule:Schedule").length, 0);
        assert.deepEqual(wakeAlarms(resources), ["jobs-wake-alarm"], "the wake-up alarm stays");
    });

    it("turns each schedule into a scheduled action named after it, on the scalable target", async () => {
        const resources = await recordWorker(
            minimalArgs({
                scaling: {
                    minTasks: 1,
                    maxTasks: 20,
                    schedules: [
                        {
                            name: "night",
                            schedule: "cron(0 20 ? * MON-FRI *)",
                            timezone: "Europe/Paris",
                            minTasks: 0,
                            maxTasks: 2,
                        },
                        {
                            name: "morning",
                            schedule: "cron(0 7 ? * MON-FRI *)",
                            timezone: "Europe/Paris",
                            minTasks: 1,
                            maxTasks: 20,
                        },
                    ],
                },
            }),
        );
        const target = one(resources, "aws:appautoscaling/target:Target", "jobs-scaling-target");
        const night = one(resources, "aws:appautoscaling/scheduledAction:ScheduledAction", "jobs-schedule-night");
        const morning = one(resources, "aws:appautoscaling/scheduledAction:ScheduledAction", "jobs-schedule-morning");
        assert.deepEqual(
            [
                night.inputs.name,
                night.inputs.schedule,
                night.inputs.timezone,
                night.inputs.scalableTargetAction,
                night.inputs.resourceId,
            ],
            [
                "jobs-night",
                "cron(0 20 ? * MON-FRI *)",
                "Europe/Paris",
                { minCapacity: 0, maxCapacity: 2 },
                target.outputs.resourceId,
            ],
        );
        assert.deepEqual(morning.inputs.scalableTargetAction, { minCapacity: 1, maxCapacity: 20 });
        // A schedule that can reach zero brings the wake-up with it.
        assert.deepEqual(wakeAlarms(resources), ["jobs-wake-alarm"]);
    });

    it("names scheduled actions by schedule name, so reordering the list replaces nothing", async () => {
        const night = { name: "night", schedule: "cron(0 20 * * ? *)", minTasks: 0 };
        const morning = { name: "morning", schedule: "cron(0 7 * * ? *)", minTasks: 1 };
        const first = await recordWorker(minimalArgs({ scaling: { schedules: [night, morning] } }));
        const second = await recordWorker(minimalArgs({ scaling: { schedules: [morning, night] } }));
        const urns = (resources: RegisteredResource[]) =>
            ofType(resources, "aws:appautoscaling/scheduledAction:ScheduledAction")
                .map((action) => action.urn)
                .sort();
        assert.deepEqual(urns(first), urns(second));
    });
});
