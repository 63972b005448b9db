// The BackgroundWorker component: it reads like the architecture it deploys. Validate and decide in plain data first,
// then build in the order data flows: sources, queue and dead-letter queue, task and roles, service and capacity,
// scaling, alarms, and the dashboard that shows them.
import * as pulumi from "@pulumi/pulumi";
import { parseClusterArn } from "../../contract/arns";
import { planAlarms } from "../plan/alarmPlan";
import { createAlarms } from "./alarms";
import { createDashboard } from "./dashboard";
import { existingQueueEndpoints } from "./queue";
import { createScaling } from "./scaling";
import { planScaling } from "../plan/scalingPlan";
import { createService } from "./service";
import { workerScope } from "./scope";
import { createQueuesWithSources } from "./sources";
import { createTask } from "./task";
import { BackgroundWorkerArgs } from "../types";
import { validatedWorkerSettings } from "../validation";

/**
 * A background worker on ECS Fargate: an encrypted SQS queue with a dead-letter queue and redrive (or a queue created
 * elsewhere), fed by SNS topics and EventBridge rules if asked, a hardened Fargate service that runs mostly on Spot,
 * autoscaling on backlog per task that can scale to zero and wake on a single message, alarms on the queues, and a
 * CloudWatch dashboard that shows them all.
 */
export class BackgroundWorker extends pulumi.ComponentResource {
    /** The URL of the job queue: send jobs here. */
    public readonly queueUrl!: pulumi.Output<string>;
    /** The ARN of the job queue. */
    public readonly queueArn!: pulumi.Output<string>;
    /** The name of the job queue (generated from the component's name, or the existing queue's). */
    public readonly queueName!: pulumi.Output<string>;
    /**
     * The URL of the dead-letter queue, where messages go after `queue.maxReceiveCount` failed receives; empty when
     * an existing queue was given without one.
     */
    public readonly deadLetterQueueUrl!: pulumi.Output<string>;
    /** The ARN of the dead-letter queue; empty when an existing queue was given without one. */
    public readonly deadLetterQueueArn!: pulumi.Output<string>;
    /** The name of the ECS service. */
    public readonly serviceName!: pulumi.Output<string>;
    /** The ARN of the task definition the service runs (the given one, or the one the component built). */
    public readonly taskDefinitionArn!: pulumi.Output<string>;
    /** The ARN of the task role (the worker's own permissions); empty when `taskDefinitionArn` was given. */
    public readonly taskRoleArn!: pulumi.Output<string>;
    /** The ARN of the execution role (image pull, logs, secrets); empty when `taskDefinitionArn` was given. */
    public readonly executionRoleArn!: pulumi.Output<string>;
    /** The CloudWatch Logs group of the container; empty when `taskDefinitionArn` was given. */
    public readonly logGroupName!: pulumi.Output<string>;
    /** The backlog-per-task target in force: `scaling.targetBacklogPerTask`, or the one derived from latency. */
    public readonly targetBacklogPerTask!: pulumi.Output<number>;
    /** The name of the worker's CloudWatch dashboard; empty when `dashboard` is false. */
    public readonly dashboardName!: pulumi.Output<string>;

    constructor(name: string, args: BackgroundWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validation comes first: a bad value must fail before anything, the component included, is registered.
        const { settings, warnings } = validatedWorkerSettings(args, name);
        super("background-worker:index:BackgroundWorker", name, args, opts);
        for (const warning of warnings) {
            pulumi.log.warn(warning, this);
        }

        const scope = workerScope(name, args.tags, this);
        const plan = planScaling(settings.scaling);
        const cluster = pulumi
            .output(args.clusterArn)
            .apply((arn) => checkedOnArrival(this, "clusterArn", arn, parseClusterArn));

        const jobQueue = args.existingQueue
            ? existingQueueEndpoints(args.existingQueue)
            : createQueuesWithSources(scope, {
                  settings: settings.queue,
                  kmsMasterKeyId: args.queue?.kmsMasterKeyId,
                  sources: args.sources ?? {},
              });
        const deadLetterQueue = jobQueue.deadLetterQueue;
        // An existing queue may come without a dead-letter queue: the worker and the outputs then get "".
        const deadLetterQueueUrl = deadLetterQueue?.url ?? pulumi.output("");

        const task =
            args.container && settings.container
                ? createTask(scope, {
                      container: args.container,
                      settings: settings.container,
                      queueSettings: settings.queue,
                      cluster,
                      queueArn: jobQueue.arn,
                      queueUrl: jobQueue.url,
                      deadLetterQueueUrl,
                      kmsKeyArn: args.queue?.kmsMasterKeyId,
                  })
                : undefined;
        const taskDefinitionArn = task
            ? task.taskDefinition.arn
            : pulumi.output(args.taskDefinitionArn as pulumi.Input<string>);

        const service = createService(scope, {
            clusterArn: args.clusterArn,
            taskDefinitionArn,
            subnetIds: args.subnetIds,
            securityGroupIds: args.securityGroupIds,
            assignPublicIp: settings.assignPublicIp,
            capacityProviderStrategy: settings.capacityProviderStrategy,
            initialTasks: settings.scaling.minTasks,
        });

        const clusterName = cluster.apply((parts) => parts.clusterName);
        const scalingAlarms = createScaling(scope, {
            plan,
            dimensions: { queueName: jobQueue.name, clusterName, serviceName: service.name },
            queueArn: jobQueue.arn,
            queueUrl: jobQueue.url,
            account: cluster.apply((parts) => parts.account),
            partition: cluster.apply((parts) => parts.partition),
        });

        const operationalAlarms = planAlarms(settings.alarms, deadLetterQueue !== undefined);
        const alarms = createAlarms(scope, {
            alarms: operationalAlarms,
            queueName: jobQueue.name,
            deadLetterQueueName: deadLetterQueue?.name,
            actionArns: args.alarms?.actionArns ?? [],
        });

        // On unless turned off: a plain boolean, checked in validation.
        const dashboard =
            args.dashboard === false
                ? undefined
                : createDashboard(scope, {
                      scaling: plan,
                      operationalAlarms,
                      alarms: [...scalingAlarms, ...alarms],
                      queueName: jobQueue.name,
                      deadLetterQueueName: deadLetterQueue?.name,
                      clusterName,
                      serviceName: service.name,
                      region: cluster.apply((parts) => parts.region),
                  });

        this.queueUrl = jobQueue.url;
        this.queueArn = jobQueue.arn;
        this.queueName = jobQueue.name;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
        this.deadLetterQueueArn = deadLetterQueue?.arn ?? pulumi.output("");
        this.serviceName = service.name;
        this.taskDefinitionArn = taskDefinitionArn;
        this.taskRoleArn = task ? task.taskRole.arn : pulumi.output("");
        this.executionRoleArn = task ? task.executionRole.arn : pulumi.output("");
        this.logGroupName = task ? task.logGroup.name : pulumi.output("");
        this.targetBacklogPerTask = pulumi.output(plan.targetBacklogPerTask);
        this.dashboardName = dashboard ? dashboard.dashboardName : pulumi.output("");
        this.registerOutputs({
            queueUrl: this.queueUrl,
            queueArn: this.queueArn,
            queueName: this.queueName,
            deadLetterQueueUrl: this.deadLetterQueueUrl,
            deadLetterQueueArn: this.deadLetterQueueArn,
            serviceName: this.serviceName,
            taskDefinitionArn: this.taskDefinitionArn,
            taskRoleArn: this.taskRoleArn,
            executionRoleArn: this.executionRoleArn,
            logGroupName: this.logGroupName,
            targetBacklogPerTask: this.targetBacklogPerTask,
            dashboardName: this.dashboardName,
        });
    }
}

/**
 * Checks a value that arrives as an Output, known only now. Pulumi reports a failed Output as a rejection of every
 * input built from it: a stack of errors at deployment, and under a test framework's mocks nothing at all (the
 * rejections are not attributed to a test, which waits for its timeout). So the problem is also logged once, on the
 * component, and raised as the property's input error.
 */
function checkedOnArrival<T>(
    resource: pulumi.Resource,
    propertyPath: string,
    value: string,
    parse: (value: string) => T,
): T {
    try {
        return parse(value);
    } catch (error) {
        const reason =
            `${(error as Error).message}. Under unit-test mocks, answer with ARNs in AWS's format, as ` +
            "@background-worker/pulumi/testing does";
        void pulumi.log.error(reason, resource);
        throw new pulumi.InputPropertyError({ propertyPath, reason });
    }
}
