// Turns the operational alarm plan (alarmPlan.ts) into CloudWatch alarms on the worker's queues.
import { ALARM_PURPOSE_TAG, AlarmPurpose } from "../../contract";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PlannedQueueAlarm } from "../plan/alarmPlan";
import { WorkerScope } from "./scope";

/** What the operational alarms need beyond their scope. */
export interface AlarmInputs {
    alarms: PlannedQueueAlarm[];
    queueName: pulumi.Input<string>;
    /** Required when the plan has an alarm on the dead-letter queue. */
    deadLetterQueueName?: pulumi.Input<string>;
    /** Notified on alarm and on recovery, so a page is followed by its all-clear. */
    actionArns: pulumi.Input<string>[];
}

/** Creates one alarm per planned alarm, named by its key. */
export function createAlarms(scope: WorkerScope, inputs: AlarmInputs): aws.cloudwatch.MetricAlarm[] {
    const { name, names, tags, parent } = scope;
    const { actionArns } = inputs;
    return inputs.alarms.map((alarm) => {
        const queueName = alarm.queue === "queue" ? inputs.queueName : inputs.deadLetterQueueName;
        if (queueName === undefined) {
            throw new Error(`the ${alarm.key} alarm of ${name} watches a dead-letter queue, but the worker has none`);
        }
        return new aws.cloudwatch.MetricAlarm(
            names.operationalAlarm(alarm.key),
            {
                alarmDescription: alarm.description,
                namespace: "AWS/SQS",
                metricName: alarm.metricName,
                dimensions: { QueueName: queueName },
                statistic: alarm.stat,
                period: alarm.periodSeconds,
                evaluationPeriods: alarm.evaluationPeriods,
                datapointsToAlarm: alarm.datapointsToAlarm,
                threshold: alarm.threshold,
                comparisonOperator: alarm.comparison,
                treatMissingData: alarm.treatMissingData,
                alarmActions: actionArns,
                okActions: actionArns,
                tags: { ...tags, [ALARM_PURPOSE_TAG]: AlarmPurpose.Operational },
            },
            { parent },
        );
    });
}
