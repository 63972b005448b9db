// A worker built by hand, without the component, that satisfies every policy of the pack: the inline and object
// forms the pack must read as well as the component's (inline redrive policy, queue policy as an object, a launch
// type instead of a capacity provider strategy, an execution role with the AWS managed execution policy, a task role
// with an inline policy, and literal names where the component would wire outputs).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const region = "us-east-1";
const account = "123456789012";
const tags = { team: "payments", environment: "prod" };

const deadLetterQueue = new aws.sqs.Queue("hand-dlq", {
    name: "hand-dlq",
    tags,
    sqsManagedSseEnabled: true,
    messageRetentionSeconds: 1_209_600,
    // Inline policy: the queue's own ARN is not known inside its own arguments, so it is spelt out from the name.
    policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Deny",
                Principal: { AWS: "*" },
                Action: ["sqs:*"],
                Resource: `arn:aws:sqs:${region}:${account}:hand-dlq`,
                Condition: { Bool: { "aws:SecureTransport": false } },
            },
        ],
    }),
});

const queue = new aws.sqs.Queue("hand-queue", {
    kmsMasterKeyId: "alias/aws/sqs",
    tags,
    visibilityTimeoutSeconds: 120,
    messageRetentionSeconds: 345_600,
    redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: deadLetterQueue.arn, maxReceiveCount: 3 }),
});

new aws.sqs.QueuePolicy("hand-queue-policy", {
    queueUrl: queue.url,
    policy: {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Deny",
                Principal: "*",
                Action: "sqs:*",
                Resource: queue.arn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    },
});

// The dead-letter queue's alarm, found by its QueueName dimension, paging the on-call topic.
new aws.cloudwatch.MetricAlarm("hand-dlq-alarm", {
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: "hand-dlq" },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    alarmActions: [`arn:aws:sns:${region}:${account}:oncall`],
});

const cluster = new aws.ecs.Cluster("hand-cluster", {
    settings: [{ name: "containerInsights", value: "enabled" }],
    tags,
});
const logGroup = new aws.cloudwatch.LogGroup("hand-logs", {
    retentionInDays: 90,
    kmsKeyId: `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
});

// Only ECS tasks of this account may assume the task role and the execution role.
const ecsTasksOfThisAccount = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
        {
            Effect: "Allow",
            Principal: { Service: "ecs-tasks.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": account } },
        },
    ],
});

// The execution role pulls the image and writes logs, as AWS's managed execution policy allows; nothing else.
const executionRole = new aws.iam.Role("hand-execution-role", {
    name: "hand-worker-execution",
    assumeRolePolicy: ecsTasksOfThisAccount,
    managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
});

// The task role may only consume its queue: the document from aws.iam.getPolicyDocument, as many programs write it
// (the offline run's mocks render it as the provider does).
const consume = aws.iam.getPolicyDocumentOutput({
    statements: [
        {
            actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
            resources: [queue.arn],
        },
    ],
});
const taskRole = new aws.iam.Role("hand-task-role", {
    assumeRolePolicy: ecsTasksOfThisAccount,
    inlinePolicies: [{ name: "consume", policy: consume.json }],
});

const taskDefinition = new aws.ecs.TaskDefinition("hand-task", {
    family: "hand-worker",
    cpu: "256",
    memory: "512",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    taskRoleArn: taskRole.arn,
    // By name, as ECS also accepts.
    executionRoleArn: executionRole.name,
    tags,
    containerDefinitions: pulumi.jsonStringify([
        {
            name: "worker",
            image: `${account}.dkr.ecr.${region}.amazonaws.com/hand-worker:1.0.0`,
            essential: true,
            readonlyRootFilesystem: true,
            user: "1000:1000",
            stopTimeout: 90,
            environment: [
                { name: "QUEUE_URL", value: queue.url },
                { name: "LOG_LEVEL", value: "info" },
            ],
            secrets: [
                { name: "API_TOKEN", valueFrom: `arn:aws:ssm:${region}:${account}:parameter/hand-worker/api-token` },
            ],
            logConfiguration: {
                logDriver: "awslogs",
                options: {
                    "awslogs-group": logGroup.name,
                    "awslogs-region": region,
                    "awslogs-stream-prefix": "worker",
                },
            },
        },
    ]),
});

const service = new aws.ecs.Service("hand-service", {
    name: "hand-worker",
    cluster: cluster.arn,
    taskDefinition: taskDefinition.arn,
    launchType: "FARGATE",
    desiredCount: 1,
    networkConfiguration: { assignPublicIp: false, subnets: ["subnet-0feed00000000a001"] },
    deploymentCircuitBreaker: { enable: true, rollback: true },
    tags,
});

const target = new aws.appautoscaling.Target("hand-scaling", {
    serviceNamespace: "ecs",
    scalableDimension: "ecs:service:DesiredCount",
    resourceId: pulumi.interpolate`service/${cluster.name}/${service.name}`,
    minCapacity: 1,
    maxCapacity: 20,
});

new aws.appautoscaling.ScheduledAction("hand-night", {
    serviceNamespace: target.serviceNamespace,
    scalableDimension: target.scalableDimension,
    resourceId: target.resourceId,
    schedule: "cron(0 22 * * ? *)",
    scalableTargetAction: { minCapacity: 1, maxCapacity: 5 },
});
