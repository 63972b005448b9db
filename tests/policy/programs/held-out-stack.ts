// Held-out attempts to get past the pack, as one program a team could write, for `npm run policy` end to end: each
// block tries a variant of a bypass class that the policy tests do not spell the same way, and the offline run must
// fail the stack on the policy named above it.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { BackgroundWorker } from "@background-worker/pulumi";

const account = "123456789012";
const oncall = `arn:aws:sns:us-east-1:${account}:oncall`;
const tags = { team: "payments" };

// iam-task-role-no-wildcards: administrator access attached to the component's task role by its name in upper case.
const jobs = new BackgroundWorker("jobs", {
    clusterArn: `arn:aws:ecs:us-east-1:${account}:cluster/workers`,
    subnetIds: ["subnet-0feed00000000a001"],
    container: { image: `${account}.dkr.ecr.us-east-1.amazonaws.com/jobs:1.0.0` },
    alarms: { actionArns: [oncall] },
    tags,
});
new aws.iam.RolePolicyAttachment("jobs-admin", {
    role: jobs.taskRoleArn.apply((arn) => (arn.split("/").pop() ?? "").toUpperCase()),
    policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
});

// ecs-task-not-privileged, ecs-task-no-plaintext-secrets, iam-task-role-trust-scoped and
// iam-execution-role-least-privilege: awsx's classic task definition with its default roles, a privileged container
// and a password in a Docker label.
new awsx.classic.ecs.FargateTaskDefinition("legacy", {
    container: {
        image: "nginx:1.27",
        memory: 512,
        privileged: true,
        dockerLabels: { "com.acme.db-password": "hunter2hunter2" },
    },
});

// sqs-dead-letter-queue-alarmed: the dead-letter queue's alarm at GreaterThanOrEqualToThreshold 0 is always in ALARM,
// so its first message notifies no one.
const deadLetterQueue = new aws.sqs.Queue("orders-dlq", {
    name: "orders-dlq",
    sqsManagedSseEnabled: true,
    messageRetentionSeconds: 1_209_600,
    tags,
});
const orders = new aws.sqs.Queue("orders", {
    name: "orders",
    sqsManagedSseEnabled: true,
    redrivePolicy: deadLetterQueue.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 5 })),
    tags,
});
for (const [name, queue] of [
    ["orders-dlq", deadLetterQueue],
    ["orders", orders],
] as const) {
    new aws.sqs.QueuePolicy(`${name}-policy`, {
        queueUrl: queue.url,
        policy: queue.arn.apply((arn) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Deny",
                        Principal: "*",
                        Action: "sqs:*",
                        Resource: arn,
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ],
            }),
        ),
    });
}
new aws.cloudwatch.MetricAlarm("orders-dlq-alarm", {
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: "orders-dlq" },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    threshold: 0,
    alarmActions: [oncall],
});

// stack-no-uninspected-resources: a Lambda invoked during the deployment, whose code may create anything.
new aws.lambda.Invocation("bootstrap", { functionName: "make-queues", input: "{}" });

// ecs-fargate-latest-platform: a nightly EventBridge target running Fargate tasks on platform 1.3.0.
new aws.cloudwatch.EventTarget("nightly", {
    rule: "nightly",
    arn: `arn:aws:ecs:us-east-1:${account}:cluster/workers`,
    roleArn: `arn:aws:iam::${account}:role/events`,
    ecsTarget: {
        taskDefinitionArn: jobs.taskDefinitionArn,
        launchType: "FARGATE",
        platformVersion: "1.3.0",
        networkConfiguration: { subnets: ["subnet-0feed00000000a001"] },
    },
});
