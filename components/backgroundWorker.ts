// The BackgroundWorker component: it reads like the architecture it deploys. Validate and decide in plain data first,
// then build in the order data flows: queue and dead-letter queue, task and roles, service and capacity, scaling.
import * as pulumi from "@pulumi/pulumi";
import { createQueues } from "./queue";
import { createScaling } from "./scaling";
import { planScaling } from "./scalingPlan";
import { createService } from "./service";
import { resolveWorkerSettings } from "./settings";
import { createTask, parseClusterArn } from "./task";
import { BackgroundWorkerArgs } from "./types";
import { validateWorkerArgs } from "./validation";

/**
 * A background worker on ECS Fargate: an encrypted SQS queue with a dead-letter queue and redrive, a Fargate service
 * that runs mostly on Spot, and autoscaling on backlog per task that can scale to zero and wake on a single message.
 */
export class BackgroundWorker extends pulumi.ComponentResource {
    /** The URL of the job queue: send jobs here. */
    public readonly queueUrl!: pulumi.Output<string>;
    /** The ARN of the job queue. */
    public readonly queueArn!: pulumi.Output<string>;
    /** The name of the job queue (generated from the component's name). */
    public readonly queueName!: pulumi.Output<string>;
    /** The URL of the dead-letter queue, where messages go after `queue.maxReceiveCount` failed receives. */
    public readonly deadLetterQueueUrl!: pulumi.Output<string>;
    /** The ARN of the dead-letter queue. */
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

    constructor(name: string, args: BackgroundWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validation comes first: a bad value must fail before anything, the component included, is registered.
        const warnings = validateWorkerArgs(args);
        super("background-worker:index:BackgroundWorker", name, args, opts);
        for (const warning of warnings) {
            pulumi.log.warn(warning, this);
        }

        const settings = resolveWorkerSettings(args);
        const plan = planScaling(settings.scaling);
        const cluster = pulumi.output(args.clusterArn).apply(parseClusterArn);

        const { queue, deadLetterQueue } = createQueues(name, settings.queue, args.tags, this);

        const task = args.container && settings.container
            ? createTask({
                name,
                container: args.container,
                settings: settings.container,
                queueSettings: settings.queue,
                cluster,
                queueArn: queue.arn,
                queueUrl: queue.url,
                deadLetterQueueUrl: deadLetterQueue.url,
                tags: args.tags,
                parent: this,
            })
            : undefined;
        const taskDefinitionArn = task ? task.taskDefinition.arn : pulumi.output(args.taskDefinitionArn as pulumi.Input<string>);

        const service = createService({
            name,
            clusterArn: args.clusterArn,
            taskDefinitionArn,
            subnetIds: args.subnetIds,
            securityGroupIds: args.securityGroupIds,
            assignPublicIp: settings.assignPublicIp,
            capacityProviderStrategy: settings.capacityProviderStrategy,
            initialTasks: settings.scaling.minTasks,
            tags: args.tags,
            parent: this,
        });

        createScaling({
            name,
            plan,
            names: {
                queueName: queue.name,
                clusterName: cluster.apply((parts) => parts.clusterName),
                serviceName: service.name,
            },
            queueArn: queue.arn,
            queueUrl: queue.url,
            account: cluster.apply((parts) => parts.account),
            tags: args.tags,
            parent: this,
        });

        this.queueUrl = queue.url;
        this.queueArn = queue.arn;
        this.queueName = queue.name;
        this.deadLetterQueueUrl = deadLetterQueue.url;
        this.deadLetterQueueArn = deadLetterQueue.arn;
        this.serviceName = service.name;
        this.taskDefinitionArn = taskDefinitionArn;
        this.taskRoleArn = task ? task.taskRole.arn : pulumi.output("");
        this.executionRoleArn = task ? task.executionRole.arn : pulumi.output("");
        this.logGroupName = task ? task.logGroup.name : pulumi.output("");
        this.targetBacklogPerTask = pulumi.output(plan.targetBacklogPerTask);
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
        });
    }
}
