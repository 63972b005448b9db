// Turns the dashboard plan (dashboardPlan.ts) into CloudWatch dashboards: it resolves the names and the alarms' ARNs
// and purposes, and hands plain values to the pure builder.
import { ALARM_PURPOSE_TAG } from "../../contract";
import { parseClusterArn, queueNameFromArn } from "../../contract/arns";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PlannedQueueAlarm } from "../plan/alarmPlan";
import { overviewDashboardBody, workerDashboardBody } from "../plan/dashboardPlan";
import { accountWideName, overviewDashboardName } from "../plan/names";
import { ScalingPlan } from "../plan/scalingPlan";
import { WorkerScope } from "./scope";

/** What the worker's dashboard needs beyond its scope. */
export interface DashboardInputs {
    scaling: ScalingPlan;
    operationalAlarms: PlannedQueueAlarm[];
    /** Every alarm the component created, scaling and operational; grouped by their ALARM_PURPOSE_TAG. */
    alarms: aws.cloudwatch.MetricAlarm[];
    queueName: pulumi.Input<string>;
    deadLetterQueueName?: pulumi.Input<string>;
    clusterName: pulumi.Input<string>;
    serviceName: pulumi.Input<string>;
    /** The cluster's region: the metrics live there. */
    region: pulumi.Input<string>;
}

/**
 * The worker's dashboard `${name}-dashboard`, named per project, stack and worker: CloudWatch dashboard names are
 * account-wide, and a second PutDashboard silently overwrites the first.
 */
export function createDashboard(scope: WorkerScope, inputs: DashboardInputs): aws.cloudwatch.Dashboard {
    const createdAlarms = pulumi.all(
        inputs.alarms.map((alarm) =>
            pulumi
                .all([alarm.arn, alarm.tags])
                .apply(([arn, tags]) => ({ arn, purpose: tags?.[ALARM_PURPOSE_TAG] ?? "untagged" })),
        ),
    );
    const body = pulumi
        .all([
            inputs.queueName,
            inputs.deadLetterQueueName,
            inputs.clusterName,
            inputs.serviceName,
            inputs.region,
            createdAlarms,
        ])
        .apply(([queueName, deadLetterQueueName, clusterName, serviceName, region, alarms]) =>
            JSON.stringify(
                workerDashboardBody({
                    workerName: scope.name,
                    region,
                    names: { queueName, deadLetterQueueName, clusterName, serviceName },
                    scaling: inputs.scaling,
                    operationalAlarms: inputs.operationalAlarms,
                    createdAlarms: alarms,
                }),
            ),
        );
    return new aws.cloudwatch.Dashboard(
        scope.names.dashboard,
        {
            dashboardName: accountWideName(pulumi.getProject(), pulumi.getStack(), scope.name),
            dashboardBody: body,
        },
        { parent: scope.parent },
    );
}

/** What the overview needs of each worker: a BackgroundWorker's outputs fit. */
interface OverviewWorker {
    queueName: pulumi.Output<string>;
    deadLetterQueueArn: pulumi.Output<string>;
    serviceName: pulumi.Output<string>;
    dashboardName: pulumi.Output<string>;
}

/**
 * A stack-wide dashboard `${name}-dashboard` with one row per worker (its queue, tasks and dead-letter queue, and a
 * link to its own dashboard), named per project and stack like the workers' own.
 */
export function createOverviewDashboard(
    name: string,
    args: {
        clusterArn: pulumi.Input<string>;
        clusterName: pulumi.Input<string>;
        workers: Record<string, OverviewWorker>;
    },
): aws.cloudwatch.Dashboard {
    const rows = Object.entries(args.workers).map(([workerName, worker]) =>
        pulumi
            .all([
                worker.queueName,
                worker.deadLetterQueueArn,
                worker.serviceName,
                worker.dashboardName,
                args.clusterName,
            ])
            .apply(([queueName, deadLetterQueueArn, serviceName, workerDashboard, clusterName]) => ({
                workerName,
                // An existing queue may come without a dead-letter queue: its ARN output is then "".
                names: {
                    queueName,
                    deadLetterQueueName: deadLetterQueueArn ? queueNameFromArn(deadLetterQueueArn) : undefined,
                    clusterName,
                    serviceName,
                },
                dashboardName: workerDashboard,
            })),
    );
    const region = pulumi.output(args.clusterArn).apply((arn) => parseClusterArn(arn).region);
    return new aws.cloudwatch.Dashboard(overviewDashboardName(name), {
        dashboardName: accountWideName(pulumi.getProject(), pulumi.getStack(), name),
        dashboardBody: pulumi
            .all([region, pulumi.all(rows)])
            .apply(([resolvedRegion, resolvedRows]) =>
                JSON.stringify(overviewDashboardBody(resolvedRegion, resolvedRows)),
            ),
    });
}
