// Turns a scaling plan (plan/scalingPlan.ts) into Application Auto Scaling and CloudWatch resources. Every decision was
// made in the plan, and plan/metricQueries.ts adapts its queries to each consumer's shape; this file only builds.
import { ALARM_PURPOSE_TAG, AlarmPurpose } from "../../contract";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, serviceAssumeRolePolicy } from "../plan/iam";
import { alarmMetricQueries, MetricDimensions, targetTrackingMetrics } from "../plan/metricQueries";
import { PlannedAlarm, PlannedStepScaling, ScalingPlan } from "../plan/scalingPlan";
import { StepScalingNames } from "../plan/names";
import { WorkerScope } from "./scope";

function createAlarm(
    scope: WorkerScope,
    name: string,
    alarm: PlannedAlarm,
    dimensions: MetricDimensions,
    actions: pulumi.Input<string>[],
): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm(
        name,
        {
            alarmDescription: alarm.description,
            comparisonOperator: alarm.comparison,
            evaluationPeriods: alarm.evaluationPeriods,
            datapointsToAlarm: alarm.datapointsToAlarm,
            threshold: alarm.threshold,
            treatMissingData: alarm.treatMissingData,
            metricQueries: alarmMetricQueries(alarm.query, alarm.periodSeconds, dimensions),
            alarmActions: actions,
            tags: { ...scope.tags, [ALARM_PURPOSE_TAG]: AlarmPurpose.Scaling },
        },
        { parent: scope.parent },
    );
}

/** The scalable target a policy acts on. */
interface OnTarget {
    serviceNamespace: pulumi.Output<string>;
    scalableDimension: pulumi.Output<string>;
    resourceId: pulumi.Output<string>;
}

/** A step-scaling policy and the alarm that invokes it; returns the alarm. */
function createStepScaling(
    scope: WorkerScope,
    names: StepScalingNames,
    step: PlannedStepScaling,
    onTarget: OnTarget,
    dimensions: MetricDimensions,
): aws.cloudwatch.MetricAlarm {
    const policy = new aws.appautoscaling.Policy(
        names.policy,
        {
            ...onTarget,
            policyType: "StepScaling",
            stepScalingPolicyConfiguration: {
                adjustmentType: step.adjustmentType,
                cooldown: step.cooldownSeconds,
                metricAggregationType: step.metricAggregationType,
                // Step bounds are strings in the provider's schema.
                stepAdjustments: step.steps.map((adjustment) => ({
                    metricIntervalLowerBound:
                        adjustment.lowerBound === undefined ? undefined : String(adjustment.lowerBound),
                    metricIntervalUpperBound:
                        adjustment.upperBound === undefined ? undefined : String(adjustment.upperBound),
                    scalingAdjustment: adjustment.scalingAdjustment,
                })),
            },
        },
        { parent: scope.parent },
    );
    return createAlarm(scope, names.alarm, step.alarm, dimensions, [policy.arn]);
}

/** What the scaling needs beyond its scope. */
export interface ScalingInputs {
    plan: ScalingPlan;
    dimensions: MetricDimensions;
    queueArn: pulumi.Output<string>;
    queueUrl: pulumi.Output<string>;
    account: pulumi.Output<string>;
    /** The cluster's partition (aws, aws-cn, aws-us-gov): Scheduler's universal target ARNs carry it. */
    partition: pulumi.Output<string>;
}

/**
 * Creates the scalable target, the backlog policy, the wake-up, catch-up, scale-in and drain alarms with their step
 * policies, schedules and the keep-alive. Returns the alarms it created, for the dashboard's alarm status.
 */
export function createScaling(scope: WorkerScope, inputs: ScalingInputs): aws.cloudwatch.MetricAlarm[] {
    const { names: children, tags, parent } = scope;
    const { plan, dimensions } = inputs;
    const target = new aws.appautoscaling.Target(
        children.scalingTarget,
        {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${dimensions.clusterName}/${dimensions.serviceName}`,
            minCapacity: plan.minTasks,
            maxCapacity: plan.maxTasks,
            tags,
        },
        { parent },
    );
    const onTarget = {
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
    };

    new aws.appautoscaling.Policy(
        children.backlogPolicy,
        {
            ...onTarget,
            policyType: "TargetTrackingScaling",
            targetTrackingScalingPolicyConfiguration: {
                targetValue: plan.backlog.targetValue,
                scaleOutCooldown: plan.backlog.scaleOutCooldownSeconds,
                scaleInCooldown: plan.backlog.scaleInCooldownSeconds,
                disableScaleIn: plan.backlog.disableScaleIn,
                customizedMetricSpecification: { metrics: targetTrackingMetrics(plan.backlog.query, dimensions) },
            },
        },
        { parent },
    );

    const alarms: aws.cloudwatch.MetricAlarm[] = [];
    if (plan.wakeUp) {
        alarms.push(createStepScaling(scope, children.wakeUp, plan.wakeUp, onTarget, dimensions));
    }
    if (plan.catchUp) {
        alarms.push(createStepScaling(scope, children.catchUp, plan.catchUp, onTarget, dimensions));
    }
    if (plan.scaleIn) {
        alarms.push(createStepScaling(scope, children.scaleIn, plan.scaleIn, onTarget, dimensions));
    }
    if (plan.drain) {
        alarms.push(createStepScaling(scope, children.drain, plan.drain, onTarget, dimensions));
    }

    for (const schedule of plan.schedules) {
        new aws.appautoscaling.ScheduledAction(
            children.scheduledAction(schedule.name),
            {
                ...onTarget,
                name: children.scheduledActionName(schedule.name),
                schedule: schedule.schedule,
                timezone: schedule.timezone,
                scalableTargetAction: { minCapacity: schedule.minTasks, maxCapacity: schedule.maxTasks },
            },
            { parent },
        );
    }

    if (plan.keepQueueActive) {
        createKeepActiveSchedule(scope, inputs, plan.keepQueueActive.scheduleExpression);
    }
    return alarms;
}

/**
 * SQS counts a queue as active for CloudWatch for about six hours after any API call; past that it stops publishing
 * and the first datapoints after new messages arrive take up to 15 minutes. A Scheduler call of GetQueueAttributes
 * keeps the metrics flowing with no Lambda and no code.
 */
function createKeepActiveSchedule(scope: WorkerScope, inputs: ScalingInputs, scheduleExpression: string): void {
    const { names: children, tags, parent } = scope;
    const role = new aws.iam.Role(
        children.keepActiveRole,
        {
            description: "Lets EventBridge Scheduler read the worker queue's attributes to keep its metrics flowing.",
            assumeRolePolicy: inputs.account.apply((account) =>
                serviceAssumeRolePolicy("scheduler.amazonaws.com", { StringEquals: { "aws:SourceAccount": account } }),
            ),
            tags,
        },
        { parent },
    );
    new aws.iam.RolePolicy(
        children.keepActivePolicy,
        {
            role: role.id,
            policy: pulumi.jsonStringify(
                policyDocument([{ Effect: "Allow", Action: "sqs:GetQueueAttributes", Resource: inputs.queueArn }]),
            ),
        },
        { parent },
    );
    new aws.scheduler.Schedule(
        children.keepActiveSchedule,
        {
            description: "Keeps the worker queue active for CloudWatch so scale-from-zero is not delayed.",
            scheduleExpression,
            flexibleTimeWindow: { mode: "OFF" },
            target: {
                arn: pulumi.interpolate`arn:${inputs.partition}:scheduler:::aws-sdk:sqs:getQueueAttributes`,
                roleArn: role.arn,
                input: pulumi.jsonStringify({
                    QueueUrl: inputs.queueUrl,
                    AttributeNames: ["ApproximateNumberOfMessages"],
                }),
            },
        },
        { parent },
    );
}
