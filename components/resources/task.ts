// The task side of a worker: log group, the two roles, and the Fargate task definition.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement, policyDocument, serviceAssumeRolePolicy } from "../plan/iam";
import { accountWideName } from "../plan/names";
import { WorkerEnvironment } from "../../contract";
import { ClusterArnParts } from "../../contract/arns";
import { ContainerSettings, QueueSettings } from "../plan/settings";
import { WorkerContainer } from "../types";
import { WorkerScope } from "./scope";

/** A role document letting ECS tasks of this account and region, and nobody else, assume the role. */
function ecsTasksAssumeRolePolicy(cluster: ClusterArnParts): string {
    // Confused-deputy guard: only ECS acting for this account may assume the role.
    return serviceAssumeRolePolicy("ecs-tasks.amazonaws.com", {
        StringEquals: { "aws:SourceAccount": cluster.account },
        ArnLike: { "aws:SourceArn": `arn:${cluster.partition}:ecs:${cluster.region}:${cluster.account}:*` },
    });
}

/**
 * What the worker itself may do: consume its queue, decrypt its messages when a customer-managed key encrypts them,
 * and set scale-in protection on tasks of its own cluster (scoped to the cluster's
 * tasks, since a task's ARN is not known when the role is written), nothing else.
 */
function taskRoleStatements(queueArn: string, cluster: ClusterArnParts, kmsKeyArn?: string): PolicyStatement[] {
    // The worker only receives: SQS calls GenerateDataKey for senders, and only Decrypt for ReceiveMessage.
    const decrypt: PolicyStatement[] =
        kmsKeyArn === undefined
            ? []
            : [{ Sid: "DecryptJobQueueMessages", Effect: "Allow", Action: "kms:Decrypt", Resource: kmsKeyArn }];
    return [
        {
            Sid: "ConsumeJobQueue",
            Effect: "Allow",
            Action: [
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
            ],
            Resource: queueArn,
        },
        ...decrypt,
        {
            Sid: "ManageOwnTaskProtection",
            Effect: "Allow",
            Action: ["ecs:UpdateTaskProtection", "ecs:GetTaskProtection"],
            Resource: `arn:${cluster.partition}:ecs:${cluster.region}:${cluster.account}:task/${cluster.clusterName}/*`,
        },
    ];
}

/** A secret reference may name a JSON key or version (`arn:...:secret:name-AbCdEf:key::`); IAM wants the secret. */
export function secretResourceArn(valueFrom: string): string {
    return valueFrom.startsWith("arn:") && valueFrom.includes(":secretsmanager:")
        ? valueFrom.split(":").slice(0, 7).join(":")
        : valueFrom;
}

/** What ECS needs to start the task: pull the image, write its logs, read exactly the given secrets. */
export function executionRoleStatements(logGroupArn: string, secretArns: string[]): PolicyStatement[] {
    const statements: PolicyStatement[] = [
        {
            Sid: "PullImage",
            Effect: "Allow",
            Action: [
                "ecr:GetAuthorizationToken",
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage",
            ],
            Resource: "*",
        },
        {
            Sid: "WriteLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${logGroupArn}:*`,
        },
    ];
    const secretsManager = [
        ...new Set(secretArns.filter((arn) => arn.includes(":secretsmanager:")).map(secretResourceArn)),
    ].sort();
    const parameters = [...new Set(secretArns.filter((arn) => !arn.includes(":secretsmanager:")))].sort();
    if (secretsManager.length > 0) {
        statements.push({
            Sid: "ReadSecrets",
            Effect: "Allow",
            Action: "secretsmanager:GetSecretValue",
            Resource: secretsManager,
        });
    }
    if (parameters.length > 0) {
        statements.push({ Sid: "ReadParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: parameters });
    }
    return statements;
}

/** The container's name inside the task definition. */
const CONTAINER_NAME = "worker";
/** The task-scoped volume that stays writable under a read-only root filesystem. */
const SCRATCH_VOLUME = { name: "tmp", containerPath: "/tmp" } as const;

export interface WorkerTask {
    taskDefinition: aws.ecs.TaskDefinition;
    taskRole: aws.iam.Role;
    executionRole: aws.iam.Role;
    logGroup: aws.cloudwatch.LogGroup;
}

/** What the task needs beyond its scope. */
export interface TaskInputs {
    container: WorkerContainer;
    settings: ContainerSettings;
    queueSettings: QueueSettings;
    cluster: pulumi.Output<ClusterArnParts>;
    queueArn: pulumi.Output<string>;
    queueUrl: pulumi.Output<string>;
    /** Empty when the worker consumes an existing queue without a dead-letter queue. */
    deadLetterQueueUrl: pulumi.Output<string>;
    /** The customer-managed key encrypting the queue, which the task role may decrypt with. */
    kmsKeyArn?: pulumi.Input<string>;
}

/** Creates the log group, both roles and the task definition for a component-built container. */
export function createTask(scope: WorkerScope, inputs: TaskInputs): WorkerTask {
    const { name, names, tags, parent } = scope;
    const { container, settings, cluster } = inputs;
    const logGroup = new aws.cloudwatch.LogGroup(
        names.logGroup,
        {
            retentionInDays: settings.logRetentionDays,
            tags,
        },
        { parent },
    );

    const assumeRolePolicy = cluster.apply(ecsTasksAssumeRolePolicy);
    const executionRole = new aws.iam.Role(
        names.executionRole,
        {
            description: "Lets ECS pull the worker image, write its logs and read its secrets.",
            assumeRolePolicy,
            tags,
        },
        { parent },
    );
    const secretArns = pulumi.output(container.secrets ?? {}).apply((secrets) => Object.values(secrets));
    const executionPolicy = new aws.iam.RolePolicy(
        names.executionPolicy,
        {
            role: executionRole.id,
            policy: pulumi
                .all([logGroup.arn, secretArns])
                .apply(([logGroupArn, arns]) =>
                    JSON.stringify(policyDocument(executionRoleStatements(logGroupArn, arns))),
                ),
        },
        { parent },
    );

    const taskRole = new aws.iam.Role(
        names.taskRole,
        {
            description: "The worker's own identity: consume its queue and manage its scale-in protection.",
            assumeRolePolicy,
            tags,
        },
        { parent },
    );
    const taskPolicy = new aws.iam.RolePolicy(
        names.taskPolicy,
        {
            role: taskRole.id,
            policy: pulumi
                .all([inputs.queueArn, cluster, inputs.kmsKeyArn])
                .apply(([queueArn, parts, kmsKeyArn]) =>
                    JSON.stringify(policyDocument(taskRoleStatements(queueArn, parts, kmsKeyArn))),
                ),
        },
        { parent },
    );

    const environment = pulumi
        .all([container.environment ?? {}, inputs.queueUrl, inputs.deadLetterQueueUrl])
        .apply(([userEnvironment, queueUrl, deadLetterQueueUrl]) => {
            // Typed by the reserved list, so a variable added here is also refused in container.environment.
            const componentEnvironment: Record<WorkerEnvironment, string> = {
                [WorkerEnvironment.QueueUrl]: queueUrl,
                [WorkerEnvironment.DeadLetterQueueUrl]: deadLetterQueueUrl,
                [WorkerEnvironment.VisibilityTimeoutSeconds]: String(inputs.queueSettings.visibilityTimeoutSeconds),
                [WorkerEnvironment.StopTimeoutSeconds]: String(settings.stopTimeoutSeconds),
            };
            const merged: { [name: string]: string } = { ...userEnvironment, ...componentEnvironment };
            // Sorted, so the JSON (and therefore the task definition) only changes when a value does.
            return Object.keys(merged)
                .sort()
                .map((key) => ({ name: key, value: merged[key] }));
        });
    const secrets = pulumi.output(container.secrets ?? {}).apply((map) =>
        Object.keys(map)
            .sort()
            .map((key) => ({ name: key, valueFrom: map[key] })),
    );

    const containerDefinitions = pulumi.jsonStringify([
        {
            name: CONTAINER_NAME,
            image: container.image,
            essential: true,
            command: settings.command,
            environment,
            secrets,
            stopTimeout: settings.stopTimeoutSeconds,
            // Security Hub ECS.4 and ECS.5: never privileged, and no writes outside the scratch volume.
            privileged: false,
            readonlyRootFilesystem: settings.readonlyRootFilesystem,
            mountPoints: settings.readonlyRootFilesystem
                ? [{ sourceVolume: SCRATCH_VOLUME.name, containerPath: SCRATCH_VOLUME.containerPath, readOnly: false }]
                : [],
            logConfiguration: {
                logDriver: "awslogs",
                options: {
                    "awslogs-group": logGroup.name,
                    "awslogs-region": cluster.apply((parts) => parts.region),
                    "awslogs-stream-prefix": CONTAINER_NAME,
                },
            },
        },
    ]);

    const taskDefinition = new aws.ecs.TaskDefinition(
        names.taskDefinition,
        {
            family: taskFamily(name),
            cpu: String(settings.cpu),
            memory: String(settings.memory),
            networkMode: "awsvpc",
            requiresCompatibilities: ["FARGATE"],
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: settings.architecture },
            executionRoleArn: executionRole.arn,
            taskRoleArn: taskRole.arn,
            containerDefinitions,
            // A volume with no host path is the task's own ephemeral storage on Fargate, gone when the task stops.
            volumes: settings.readonlyRootFilesystem ? [{ name: SCRATCH_VOLUME.name }] : undefined,
            tags,
        },
        {
            parent,
            // The roles' ARNs alone let the service start tasks before their policies exist: the first tasks would fail
            // to pull the image or write logs, and three such failures trip the circuit breaker on a first deployment.
            dependsOn: [executionPolicy, taskPolicy],
        },
    );

    return { taskDefinition, taskRole, executionRole, logGroup };
}

/** Task definition families are account-wide: include project and stack so dev and prod never share revisions. */
export function taskFamily(name: string): string {
    return accountWideName(pulumi.getProject(), pulumi.getStack(), name);
}
