// Attempts to get insecure infrastructure past the pack, written as an attacker would and run the way a reviewer's
// held-out check runs them: one row per attempt, grouped by the class of bypass it tries (the eight classes of the
// policy gate's threat list, the policies for ECS Exec, capabilities, host IPC, http subscriptions, KMS rotation and
// the Fargate platform, and a few more), each with the verdict it must get. "fails" rows are insecure and must be
// reported by the named policy; "passes" rows are configurations a real team writes that must not be (a false alarm
// is a bypass of the other kind: it teaches people to turn the gate off). Rows are component-built (through the
// BackgroundWorker's outputs, escape hatches and transforms) or hand-built with @pulumi/aws shapes.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { cloudwatchAlarmHasActions, sqsDeadLetterQueueAlarmed } from "../../policy/alarms";
import {
    ecsExecDisabled,
    ecsFargateLatestPlatform,
    ecsTaskNoAddedCapabilities,
    ecsTaskNoHostIpc,
    ecsTaskNonRootUser,
    ecsTaskNoPlaintextSecrets,
    ecsTaskNotPrivileged,
} from "../../policy/ecs";
import { iamExecutionRoleLeastPrivilege, iamTaskRoleNoWildcards, iamTaskRoleTrustScoped } from "../../policy/iam";
import { kmsKeyRotationEnabled } from "../../policy/kms";
import { snsSubscriptionNoHttp } from "../../policy/sns";
import { sqsHasDeadLetterQueue, sqsNoPublicAccess, sqsTlsOnly } from "../../policy/sqs";
import { stackNoUninspectedResources } from "../../policy/uninspected";
import { workerMaxTasksLimit } from "../../policy/worker";
import { BackgroundWorkerArgs } from "../../components/index";
import { recordResources } from "../../tooling/mocks";
import { StackResource } from "../../scripts/policyEngine";
import {
    ACCOUNT,
    componentProgram,
    componentQueues,
    container,
    handBuiltTask,
    policyDocument,
    queue,
    queueArn,
    redriveDocument,
    resource,
    role,
    roleArn,
    service,
    taskDefinition,
    tlsDenyStatement,
    tlsQueuePolicy,
} from "./fixtures";
import { Attempt, describeAttempts } from "./attempts";

type Props = Record<string, unknown>;

const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:oncall`;
/** The on-call topic of the component's worker, in its cluster's region (CloudWatch notifies topics of its own). */
const WORKER_TOPIC = "arn:aws:sns:eu-west-1:210987654321:oncall";
const CLUSTER = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/workers`;
const TASK_DEFINITION = `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/api:1`;

const allow = (Action: unknown, Resource: unknown = "*", extra: Props = {}) => ({
    Effect: "Allow",
    Action,
    Resource,
    ...extra,
});

const rolePolicy = (name: string, roleName: string, ...statements: Props[]) =>
    resource("aws:iam/rolePolicy:RolePolicy", name, {
        role: roleName,
        policy: JSON.stringify(policyDocument(...statements)),
    });

/** A hand-built task role given `statements` through a RolePolicy. */
const taskRoleWith = (...statements: Props[]) => [
    ...handBuiltTask(),
    rolePolicy("api-task-policy", "api-task", ...statements),
];

/** A hand-built work queue with its dead-letter queue, both TLS-only, the work queue's policy holding `statements`. */
function queueWithPolicy(...statements: Props[]): StackResource[] {
    const deadLetterQueue = queue("orders-dlq");
    const orders = queue("orders", { redrivePolicy: redriveDocument(deadLetterQueue) });
    const document = policyDocument(tlsDenyStatement(queueArn("orders")), ...statements);
    return [
        deadLetterQueue,
        orders,
        tlsQueuePolicy("orders-dlq-policy", deadLetterQueue),
        resource("aws:sqs/queuePolicy:QueuePolicy", "orders-policy", {
            queueUrl: orders.outputs.url,
            policy: JSON.stringify(document),
        }),
    ];
}

const everyone = (condition?: Props, principal: unknown = "*") => ({
    Effect: "Allow",
    Principal: principal,
    Action: "sqs:SendMessage",
    Resource: queueArn("orders"),
    ...(condition ? { Condition: condition } : {}),
});

/** A hand-built task role whose trust policy has `condition` on the ECS tasks principal. */
const trustedUnder = (condition: Props) =>
    handBuiltTask(
        role(
            "api-task",
            JSON.stringify(
                policyDocument({
                    Effect: "Allow",
                    Principal: { Service: "ecs-tasks.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: condition,
                }),
            ),
        ),
    );

/** A hand-built task definition with one container: the component's container with `overrides` on top. */
const containerWith = (overrides: Props, inputs: Props = {}) => [taskDefinition("api", [container(overrides)], inputs)];

/** A hand-built task definition whose container has `name=value` in its environment. */
const variable = (name: string, value: string) =>
    containerWith({
        environment: [
            { name: "QUEUE_URL", value: "https://sqs.us-east-1.amazonaws.com/1/q" },
            { name, value },
        ],
    });

/** A dead-letter queue, its source, and an alarm on it with `inputs` over a good one. */
function alarmed(inputs: Props): StackResource[] {
    const deadLetterQueue = queue("orders-dlq");
    const orders = queue("orders", { redrivePolicy: redriveDocument(deadLetterQueue) });
    const alarm = resource("aws:cloudwatch/metricAlarm:MetricAlarm", "dlq-alarm", {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: "orders-dlq" },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        alarmActions: [TOPIC],
        ...inputs,
    });
    return [deadLetterQueue, orders, alarm];
}

const eventTarget = (inputs: Props) =>
    resource("aws:cloudwatch/eventTarget:EventTarget", "nightly", {
        rule: "nightly",
        arn: CLUSTER,
        ...inputs,
        ecsTarget: { taskDefinitionArn: TASK_DEFINITION, ...(inputs.ecsTarget as Props | undefined) },
    });

/** A task definition built with awsx's classic (in-process) components, with `container` on top of a minimal one. */
const classicTask = (container: Partial<awsx.classic.ecs.Container> = {}) =>
    recordResources(() => {
        new awsx.classic.ecs.FargateTaskDefinition("legacy", {
            container: { image: "nginx:1.27", memory: 512, ...container },
        });
    });

/**
 * The component's resources as a transform on the component rewrites those of `type`: how an attacker changes what
 * the component builds without forking it. `change` returns the new props.
 */
const componentTransformed = (
    type: string,
    change: (props: Props) => Props,
    overrides: Partial<BackgroundWorkerArgs> = {},
) =>
    componentProgram(() => undefined, overrides, {
        opts: {
            transforms: [(args) => (args.type === type ? { props: change(args.props), opts: args.opts } : undefined)],
        },
    });

/** The component's container definitions with `change` applied to each container. */
const componentContainers = (change: (container: Props) => Props) =>
    componentTransformed("aws:ecs/taskDefinition:TaskDefinition", (props) => ({
        ...props,
        containerDefinitions: JSON.stringify((JSON.parse(props.containerDefinitions as string) as Props[]).map(change)),
    }));

/** The component's task role name, as an attacker derives it from the worker's output. */
const nameOf = (arn: pulumi.Output<string>) => arn.apply((value) => value.split("/").pop() ?? "");

const ATTEMPTS: Record<string, Attempt[]> = {
    "1. IAM reaching the worker's roles": [
        {
            what: "AdministratorAccess attached to the component's task role by its name in upper case (IAM names are not case-sensitive)",
            policy: iamTaskRoleNoWildcards,
            build: () =>
                componentProgram((worker) => {
                    new aws.iam.RolePolicyAttachment("shout", {
                        role: nameOf(worker.taskRoleArn).apply((name) => name.toUpperCase()),
                        policyArn: ADMIN,
                    });
                }),
            verdict: "fails",
            reason: /AdministratorAccess: a statement allows every action of every service/,
        },
        {
            what: "a PolicyAttachment naming the hand-built task role in mixed case",
            policy: iamTaskRoleNoWildcards,
            build: () => [
                ...handBuiltTask(),
                resource("aws:iam/policyAttachment:PolicyAttachment", "mixed", {
                    roles: ["Api-Task"],
                    policyArn: ADMIN,
                }),
            ],
            verdict: "fails",
            reason: /AdministratorAccess/,
        },
        {
            what: "the AWS managed policy ARN in lower case (IAM resolves it to AdministratorAccess)",
            policy: iamTaskRoleNoWildcards,
            build: () => [
                ...handBuiltTask(),
                resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "lower", {
                    role: "api-task",
                    policyArn: "arn:aws:iam::aws:policy/administratoraccess",
                }),
            ],
            verdict: "fails",
            reason: /every action of every service/,
        },
        {
            what: "AdministratorAccess in the GovCloud partition through managedPolicyArns",
            policy: iamTaskRoleNoWildcards,
            build: () =>
                handBuiltTask(
                    role("api-task", undefined, {
                        managedPolicyArns: ["arn:aws-us-gov:iam::aws:policy/AdministratorAccess"],
                    }),
                ),
            verdict: "fails",
            reason: /every action of every service/,
        },
        {
            what: "Statement as a single object and Action as a string, the policy given as an object",
            policy: iamTaskRoleNoWildcards,
            build: () => [
                ...handBuiltTask(),
                resource("aws:iam/rolePolicy:RolePolicy", "object", {
                    role: "api-task",
                    policy: { Version: "2012-10-17", Statement: allow("*", "*") },
                }),
            ],
            verdict: "fails",
            reason: /every action of every service/,
        },
        {
            what: "every delivery stream of every account (deliverystream/*, a resource type the pack did not list)",
            policy: iamTaskRoleNoWildcards,
            build: () => taskRoleWith(allow("firehose:PutRecordBatch", "arn:aws:firehose:*:*:deliverystream/*")),
            verdict: "fails",
            reason: /on every resource/,
        },
        {
            what: "the component's task role given every delivery stream (deliverystream/?*)",
            policy: iamTaskRoleNoWildcards,
            build: () =>
                componentProgram((worker) => {
                    new aws.iam.RolePolicy("streams", {
                        role: nameOf(worker.taskRoleArn),
                        policy: JSON.stringify(
                            policyDocument(
                                allow(
                                    "firehose:PutRecord",
                                    "arn:aws:firehose:us-east-1:123456789012:deliverystream/?*",
                                ),
                            ),
                        ),
                    });
                }),
            verdict: "fails",
            reason: /on every resource/,
        },
        {
            what: "every index of every table (table/*/index/*)",
            policy: iamTaskRoleNoWildcards,
            build: () => taskRoleWith(allow("dynamodb:Query", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*/index/*`)),
            verdict: "fails",
            reason: /on every resource/,
        },
        {
            what: "a permissions boundary removed from a named user (an escalation the action list missed)",
            policy: iamTaskRoleNoWildcards,
            build: () =>
                taskRoleWith(allow("iam:DeleteUserPermissionsBoundary", `arn:aws:iam::${ACCOUNT}:user/deployer`)),
            verdict: "fails",
            reason: /raise privileges/,
        },
        {
            what: "an ECR repository policy rewritten (opening a resource's policy to others)",
            policy: iamTaskRoleNoWildcards,
            build: () =>
                taskRoleWith(
                    allow("ecr:SetRepositoryPolicy", `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/job-worker`),
                ),
            verdict: "fails",
            reason: /raise privileges/,
        },
        {
            what: "the component's execution role allowed to share snapshots (ec2:ModifySnapshotAttribute)",
            policy: iamExecutionRoleLeastPrivilege,
            build: () =>
                componentProgram((worker) => {
                    new aws.iam.RolePolicy("share", {
                        role: nameOf(worker.executionRoleArn),
                        policy: JSON.stringify(
                            policyDocument(
                                allow(
                                    "ec2:ModifySnapshotAttribute",
                                    `arn:aws:ec2:us-east-1:${ACCOUNT}:snapshot/snap-0123456789abcdef0`,
                                ),
                            ),
                        ),
                    });
                }),
            verdict: "fails",
            reason: /raise privileges/,
        },
        {
            what: "a new task set started for any service (runs a registered task definition)",
            policy: iamTaskRoleNoWildcards,
            build: () =>
                taskRoleWith(allow("ecs:CreateTaskSet", `arn:aws:ecs:us-east-1:${ACCOUNT}:service/workers/api`)),
            verdict: "fails",
            reason: /raise privileges/,
        },
        {
            what: "the execution role reading every SSM parameter of GovCloud",
            policy: iamExecutionRoleLeastPrivilege,
            build: () => [
                ...handBuiltTask(),
                rolePolicy("exec", "api-execution", allow("ssm:GetParameters", "arn:aws-us-gov:ssm:*:*:parameter/*")),
            ],
            verdict: "fails",
            reason: /on every resource/,
        },
        {
            what: "taskRoleArn in the China partition with a path, naming a role that is not the stack's",
            policy: iamTaskRoleNoWildcards,
            build: () =>
                handBuiltTask(role("api-task"), role("api-execution"), {
                    taskRoleArn: "arn:aws-cn:iam::123456789012:role/team/api-task",
                }),
            verdict: "fails",
            reason: /no role of this stack/,
        },
        {
            what: "sts:AssumeRole on an admin role of any account, by a wildcard account",
            policy: iamTaskRoleNoWildcards,
            build: () => taskRoleWith(allow("sts:AssumeRole", "arn:aws:iam::*:role/admin")),
            verdict: "fails",
            reason: /no role of this stack/,
        },
        {
            what: "sts:AssumeRole on a name pattern that matches a role of the stack and any account's roles of that name",
            policy: iamTaskRoleNoWildcards,
            build: () => taskRoleWith(allow("sts:AssumeRole", "arn:aws:iam::*:role/api-*")),
            verdict: "fails",
            reason: /roles outside this stack among them/,
        },
        {
            what: "awsx classic's default task role (AWSLambda_FullAccess and AmazonECS_FullAccess)",
            policy: iamTaskRoleNoWildcards,
            build: () => classicTask(),
            verdict: "fails",
            reason: /AWSLambda_FullAccess: a statement allows every action of a service/,
        },
        {
            what: "awsx classic's default execution role (AWSLambdaBasicExecutionRole creates log groups anywhere)",
            policy: iamExecutionRoleLeastPrivilege,
            build: () => classicTask(),
            verdict: "fails",
            reason: /AWSLambdaBasicExecutionRole: a statement grants logs:CreateLogGroup/,
        },
        {
            what: "awsx classic's default trust, which any account's ECS may use",
            policy: iamTaskRoleTrustScoped,
            build: () => classicTask(),
            verdict: "fails",
            reason: /does not restrict ECS/,
        },
        {
            what: "the component's task role given s3:GetObject on one bucket's objects",
            policy: iamTaskRoleNoWildcards,
            build: () =>
                componentProgram((worker) => {
                    new aws.iam.RolePolicy("reports", {
                        role: nameOf(worker.taskRoleArn),
                        policy: JSON.stringify(policyDocument(allow("s3:GetObject", "arn:aws:s3:::acme-reports/*"))),
                    });
                }),
            verdict: "passes",
        },
        {
            what: "an execution role with AmazonECSTaskExecutionRolePolicy and one named secret",
            policy: iamExecutionRoleLeastPrivilege,
            build: () => [
                ...handBuiltTask(
                    role("api-task"),
                    role("api-execution", undefined, {
                        managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
                    }),
                ),
                rolePolicy(
                    "exec",
                    "api-execution",
                    allow(
                        "secretsmanager:GetSecretValue",
                        `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-AbCdEf`,
                    ),
                ),
            ],
            verdict: "passes",
        },
        {
            what: "a task role invoking one API's stage (execute-api names the API first, no type word)",
            policy: iamTaskRoleNoWildcards,
            build: () =>
                taskRoleWith(allow("execute-api:Invoke", `arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3d4e5/prod/*`)),
            verdict: "passes",
        },
    ],
    "2. Conditions that are always true": [
        {
            what: "Principal * under StringLike aws:SourceArn arn:aws:*:*:<account>:* (StringLike's * spans colons)",
            policy: sqsNoPublicAccess,
            build: () => queueWithPolicy(everyone({ StringLike: { "aws:SourceArn": `arn:aws:*:*:${ACCOUNT}:*` } })),
            verdict: "fails",
            reason: /restricts no caller/,
        },
        {
            what: "the ECS trust under StringLike aws:SourceArn arn:aws:ecs:*:<account>:* (not ArnLike)",
            policy: iamTaskRoleTrustScoped,
            build: () => trustedUnder({ StringLike: { "aws:SourceArn": `arn:aws:ecs:*:${ACCOUNT}:*` } }),
            verdict: "fails",
            reason: /does not restrict ECS/,
        },
        {
            what: "the ECS trust scoped by the role's own account variable",
            policy: iamTaskRoleTrustScoped,
            build: () => trustedUnder({ StringEquals: { "aws:SourceAccount": "${aws:ResourceAccount}" } }),
            verdict: "passes",
        },
        {
            what: "the component's roles trusted under StringLike aws:SourceArn, by a transform",
            policy: iamTaskRoleTrustScoped,
            build: () =>
                componentTransformed("aws:iam/role:Role", (props) => ({
                    ...props,
                    assumeRolePolicy: JSON.stringify(
                        policyDocument({
                            Effect: "Allow",
                            Principal: { Service: "ecs-tasks.amazonaws.com" },
                            Action: "sts:AssumeRole",
                            Condition: { StringLike: { "aws:SourceArn": `arn:aws:*:*:${ACCOUNT}:*` } },
                        }),
                    ),
                })),
            verdict: "fails",
            reason: /does not restrict ECS/,
        },
        {
            what: "a second policy on the component's queue allowing everyone under StringLike aws:SourceArn",
            policy: sqsNoPublicAccess,
            build: () =>
                componentProgram((worker) => {
                    new aws.sqs.QueuePolicy("partner", {
                        queueUrl: worker.queueUrl,
                        policy: worker.queueArn.apply((arn) =>
                            JSON.stringify(
                                policyDocument({
                                    ...everyone({ StringLike: { "aws:SourceArn": `arn:aws:*:*:${ACCOUNT}:*` } }),
                                    Resource: arn,
                                }),
                            ),
                        ),
                    });
                }),
            verdict: "fails",
            reason: /restricts no caller/,
        },
        {
            what: "a list with one wildcard among real accounts (StringLike [<account>, *])",
            policy: sqsNoPublicAccess,
            build: () => queueWithPolicy(everyone({ StringLike: { "aws:SourceAccount": [ACCOUNT, "*"] } })),
            verdict: "fails",
            reason: /restricts no caller/,
        },
        {
            what: 'the key in lower case under StringNotEquals, and {"AWS": "*"}',
            policy: sqsNoPublicAccess,
            build: () =>
                queueWithPolicy(everyone({ StringNotEquals: { "aws:principalorgid": "o-a1b2c3d4e5" } }, { AWS: "*" })),
            verdict: "fails",
            reason: /restricts no caller/,
        },
        {
            what: "StringEqualsIfExists with a Null check that requires the key to be absent",
            policy: sqsNoPublicAccess,
            build: () =>
                queueWithPolicy(
                    everyone({
                        StringEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
                        Null: { "aws:PrincipalOrgID": "true" },
                    }),
                ),
            verdict: "fails",
            reason: /restricts no caller/,
        },
        {
            what: "principal arn:aws:iam::*:root under a policy variable (ArnLike aws:SourceArn ...:${aws:PrincipalAccount}:*)",
            policy: sqsNoPublicAccess,
            build: () =>
                queueWithPolicy(
                    everyone(
                        { ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:${aws:PrincipalAccount}:*" } },
                        { AWS: "arn:aws:iam::*:root" },
                    ),
                ),
            verdict: "fails",
            reason: /restricts no caller/,
        },
        {
            what: "Effect in lower case on a public Allow (a spelling the pack read as no Allow)",
            policy: sqsNoPublicAccess,
            build: () => queueWithPolicy({ ...everyone(), Effect: "allow" }),
            verdict: "fails",
            reason: /Principal "\*"/,
        },
        {
            what: "a queue policy the pack cannot parse, attached next to the TLS deny's queue",
            policy: sqsNoPublicAccess,
            build: () => [
                ...queueWithPolicy(),
                resource("aws:sqs/queuePolicy:QueuePolicy", "other-policy", {
                    queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/partner-queue",
                    policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*",}]}',
                }),
            ],
            verdict: "fails",
            reason: /not a JSON policy document/,
        },
        {
            what: "ArnLike aws:PrincipalArn naming the account's roles",
            policy: sqsNoPublicAccess,
            build: () =>
                queueWithPolicy(
                    everyone({ ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/*` } }, { AWS: "*" }),
                ),
            verdict: "passes",
        },
        {
            what: "an Allow to everyone fenced by a Deny outside the organization (StringNotEquals aws:PrincipalOrgID)",
            policy: sqsNoPublicAccess,
            build: () =>
                queueWithPolicy(everyone(), {
                    Effect: "Deny",
                    Principal: "*",
                    Action: "sqs:*",
                    Resource: queueArn("orders"),
                    Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                }),
            verdict: "passes",
        },
        {
            what: "the ECS trust under ArnLike aws:SourceArn arn:aws:ecs:*:<account>:* and the key in lower case",
            policy: iamTaskRoleTrustScoped,
            build: () => trustedUnder({ ArnLike: { "aws:sourcearn": `arn:aws:ecs:*:${ACCOUNT}:*` } }),
            verdict: "passes",
        },
        {
            what: "a topic's deliveries scoped by the owner's own account variable inside the source ARN",
            policy: sqsNoPublicAccess,
            build: () =>
                queueWithPolicy(
                    everyone(
                        { ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:${aws:ResourceAccount}:orders" } },
                        { Service: "sns.amazonaws.com" },
                    ),
                ),
            verdict: "passes",
        },
    ],
    "3. Container definitions in another spelling": [
        {
            what: '"LinuxParameters.Capabilities.Add": ["all"] in Pascal case',
            policy: ecsTaskNoAddedCapabilities,
            build: () => containerWith({ LinuxParameters: { Capabilities: { Add: ["all"] } } }),
            verdict: "fails",
            reason: /adds Linux capabilities all/,
        },
        {
            what: '"Privileged": "true" as a string',
            policy: ecsTaskNotPrivileged,
            build: () => containerWith({ Privileged: "true" }),
            verdict: "fails",
            reason: /runs privileged/,
        },
        {
            what: "user 00, which the runtime parses as UID 0",
            policy: ecsTaskNonRootUser,
            build: () => containerWith({ User: "00:00" }),
            verdict: "fails",
            reason: /runs as root/,
        },
        {
            what: "a password in dockerLabels",
            policy: ecsTaskNoPlaintextSecrets,
            build: () => containerWith({ DockerLabels: { "com.acme.db-password": "hunter2hunter2" } }),
            verdict: "fails",
            reason: /docker label com\.acme\.db-password/,
        },
        {
            what: "a password in the health check's command",
            policy: ecsTaskNoPlaintextSecrets,
            build: () =>
                containerWith({ healthCheck: { command: ["CMD-SHELL", "mysqladmin ping --password=hunter2hunter2"] } }),
            verdict: "fails",
            reason: /healthCheck/,
        },
        {
            what: "the component's container given a health check with a password, by a transform in Pascal case",
            policy: ecsTaskNoPlaintextSecrets,
            build: () =>
                componentContainers((item) => ({
                    ...item,
                    HealthCheck: { Command: ["CMD-SHELL", "PGPASSWORD=hunter2hunter2 pg_isready -h db"] },
                })),
            verdict: "fails",
            reason: /healthCheck command passes PGPASSWORD/,
        },
        {
            what: "the component's container given a token in a Docker label, by a transform",
            policy: ecsTaskNoPlaintextSecrets,
            build: () =>
                componentContainers((item) => ({
                    ...item,
                    dockerLabels: { "acme.api-token": "9f8e7d6c5b4a39281706" },
                })),
            verdict: "fails",
            reason: /docker label acme\.api-token/,
        },
        {
            what: "a token in a FireLens option",
            policy: ecsTaskNoPlaintextSecrets,
            build: () =>
                containerWith({
                    firelensConfiguration: { type: "fluentbit", options: { "api-token": "9f8e7d6c5b4a39281706" } },
                }),
            verdict: "fails",
            reason: /api-token/,
        },
        {
            what: "an awsx classic container run privileged",
            policy: ecsTaskNotPrivileged,
            build: () => classicTask({ privileged: true }),
            verdict: "fails",
            reason: /runs privileged/,
        },
        {
            what: "a Datadog autodiscovery label whose password is the agent's template variable",
            policy: ecsTaskNoPlaintextSecrets,
            build: () =>
                containerWith({
                    dockerLabels: {
                        "com.datadoghq.ad.instances": '[{"host":"%%host%%","password":"%%env_REDIS_PASSWORD%%"}]',
                    },
                }),
            verdict: "passes",
        },
        {
            what: "environment from an S3 environment file and a private registry's credentials by ARN",
            policy: ecsTaskNoPlaintextSecrets,
            build: () =>
                containerWith({
                    environmentFiles: [{ value: "arn:aws:s3:::acme-config/worker.env", type: "s3" }],
                    repositoryCredentials: {
                        credentialsParameter: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:registry-AbCdEf`,
                    },
                }),
            verdict: "passes",
        },
    ],
    "4. Resource types that create governed things out of sight": [
        {
            what: "a Lambda invoked during the deployment (it may create queues and roles)",
            policy: stackNoUninspectedResources,
            build: () => [
                resource("aws:lambda/invocation:Invocation", "bootstrap", { functionName: "make-queues", input: "{}" }),
            ],
            verdict: "fails",
            reason: /Invocation bootstrap/,
        },
        {
            what: "a Serverless Application Repository stack (CloudFormation under another name)",
            policy: stackNoUninspectedResources,
            build: () => [
                resource("aws:serverlessrepository/cloudFormationStack:CloudFormationStack", "sar", {
                    applicationId: "arn:aws:serverlessrepo:us-east-1:123456789012:applications/queue-worker",
                    capabilities: ["CAPABILITY_IAM"],
                }),
            ],
            verdict: "fails",
            reason: /CloudFormationStack sar/,
        },
        {
            what: "an aws-native queue with SSE off",
            policy: stackNoUninspectedResources,
            build: () => [resource("aws-native:sqs:Queue", "native", { sqsManagedSseEnabled: false })],
            verdict: "fails",
            reason: /SSE-SQS off/,
        },
        {
            what: "a CloudFormation stack from an S3 template URL",
            policy: stackNoUninspectedResources,
            build: () => [
                resource("aws:cloudformation/stack:Stack", "remote-template", {
                    templateUrl: "https://s3.amazonaws.com/acme/worker.json",
                }),
            ],
            verdict: "fails",
            reason: /remote-template/,
        },
        {
            what: "a Cloud Control ECS service with ECS Exec on",
            policy: stackNoUninspectedResources,
            build: () => [
                resource("aws:cloudcontrol/resource:Resource", "cc", {
                    typeName: "AWS::ECS::Service",
                    desiredState: JSON.stringify({ Cluster: "workers", EnableExecuteCommand: true }),
                }),
            ],
            verdict: "fails",
            reason: /ecs-exec-disabled/,
        },
        {
            what: "a scheduler universal target attaching a policy to a role",
            policy: stackNoUninspectedResources,
            build: () => [
                resource("aws:scheduler/schedule:Schedule", "grant", {
                    scheduleExpression: "rate(1 day)",
                    flexibleTimeWindow: { mode: "OFF" },
                    target: {
                        arn: "arn:aws:scheduler:::aws-sdk:iam:attachRolePolicy",
                        roleArn: roleArn("scheduler"),
                        input: JSON.stringify({ RoleName: "api-task", PolicyArn: ADMIN }),
                    },
                }),
            ],
            verdict: "fails",
            reason: /iam:attachRolePolicy/,
        },
        {
            what: "a GovCloud state machine that registers task definitions",
            policy: stackNoUninspectedResources,
            build: () => [
                resource("aws:sfn/stateMachine:StateMachine", "deployer", {
                    roleArn: roleArn("sfn"),
                    definition: JSON.stringify({
                        StartAt: "Register",
                        States: {
                            Register: {
                                Type: "Task",
                                Resource: "arn:aws-us-gov:states:::aws-sdk:ecs:registerTaskDefinition",
                                End: true,
                            },
                        },
                    }),
                }),
            ],
            verdict: "fails",
            reason: /state machine/,
        },
        {
            what: "an EventBridge target that passes the event's detail as the task's overrides",
            policy: stackNoUninspectedResources,
            build: () => [eventTarget({ inputPath: "$.detail" })],
            verdict: "fails",
            reason: /inputPath/,
        },
        {
            what: "a Terraform module's SQS queue (<package>:tf:aws_sqs_queue)",
            policy: stackNoUninspectedResources,
            build: () => [
                resource("workers:tf:aws_sqs_queue", "module.workers.aws_sqs_queue.jobs", {
                    sqs_managed_sse_enabled: false,
                }),
            ],
            verdict: "fails",
            reason: /Terraform module's aws_sqs_queue/,
        },
        {
            what: "a Terraform module's subnet (nothing the pack governs)",
            policy: stackNoUninspectedResources,
            build: () => [
                resource("vpcmod:tf:aws_subnet", "module.vpc.aws_subnet.private[0]", { cidr_block: "10.0.1.0/24" }),
            ],
            verdict: "passes",
        },
    ],
    "5. Secrets by value and by place": [
        {
            what: "PGPASSWORD, libpq's password variable",
            policy: ecsTaskNoPlaintextSecrets,
            build: () => variable("PGPASSWORD", "hunter2hunter2"),
            verdict: "fails",
            reason: /PGPASSWORD/,
        },
        {
            what: "MYSQL_PWD",
            policy: ecsTaskNoPlaintextSecrets,
            build: () => variable("MYSQL_PWD", "hunter2hunter2"),
            verdict: "fails",
            reason: /MYSQL_PWD/,
        },
        {
            what: "BASIC_AUTH as user:password",
            policy: ecsTaskNoPlaintextSecrets,
            build: () => variable("BASIC_AUTH", "admin:hunter2hunter2"),
            verdict: "fails",
            reason: /BASIC_AUTH/,
        },
        {
            what: "SECRETKEY as one word",
            policy: ecsTaskNoPlaintextSecrets,
            build: () => variable("SECRETKEY", "s3cr3tvalue99"),
            verdict: "fails",
            reason: /SECRETKEY/,
        },
        {
            what: "a JSON configuration with a password inside",
            policy: ecsTaskNoPlaintextSecrets,
            build: () => variable("APP_CONFIG", '{"db":{"host":"db","password":"hunter2hunter2"}}'),
            verdict: "fails",
            reason: /APP_CONFIG/,
        },
        {
            what: "the component's container given a JSON configuration with a password inside",
            policy: ecsTaskNoPlaintextSecrets,
            build: () =>
                componentProgram(() => undefined, {
                    container: { image: "w:1", environment: { APP_CONFIG: '{"db":{"password":"hunter2hunter2"}}' } },
                }),
            verdict: "fails",
            reason: /APP_CONFIG/,
        },
        {
            what: "a bearer token in a curl header of the command",
            policy: ecsTaskNoPlaintextSecrets,
            build: () =>
                containerWith({
                    command: [
                        "sh",
                        "-c",
                        "curl -H 'Authorization: Bearer 5f8a9c2e1b7d4a6f0e3c' https://api.acme.example/jobs",
                    ],
                }),
            verdict: "fails",
            reason: /Authorization/,
        },
        {
            what: "a password as JSON in a command argument",
            policy: ecsTaskNoPlaintextSecrets,
            build: () => containerWith({ command: ["./worker", "--config", '{"password": "hunter2hunter2"}'] }),
            verdict: "fails",
            reason: /its command/,
        },
        {
            what: "mysql:// URL with a password",
            policy: ecsTaskNoPlaintextSecrets,
            build: () => variable("DATABASE_URL", "mysql://root:hunter2@db:3306/app"),
            verdict: "fails",
            reason: /URL with a password/,
        },
        {
            what: "the AWS secret key's variable in lower case",
            policy: ecsTaskNoPlaintextSecrets,
            build: () => variable("aws_secret_access_key", "x"),
            verdict: "fails",
            reason: /AWS or ECS agent credentials/,
        },
        {
            what: "PGPASSWORD injected through a pipe's overrides",
            policy: ecsTaskNoPlaintextSecrets,
            build: () => [
                resource("aws:pipes/pipe:Pipe", "feed", {
                    source: queueArn("orders"),
                    target: CLUSTER,
                    roleArn: roleArn("pipe"),
                    targetParameters: {
                        ecsTaskParameters: {
                            taskDefinitionArn: TASK_DEFINITION,
                            overrides: {
                                containerOverrides: [
                                    { name: "worker", environments: [{ name: "PGPASSWORD", value: "hunter2hunter2" }] },
                                ],
                            },
                        },
                    },
                }),
            ],
            verdict: "fails",
            reason: /PGPASSWORD/,
        },
        {
            what: "the component's container given PGPASSWORD",
            policy: ecsTaskNoPlaintextSecrets,
            build: () =>
                componentProgram(() => undefined, {
                    container: { image: "w:1", environment: { PGPASSWORD: "hunter2hunter2" } },
                }),
            verdict: "fails",
            reason: /PGPASSWORD/,
        },
        {
            what: "an awsx classic container given PGPASSWORD",
            policy: ecsTaskNoPlaintextSecrets,
            build: () => classicTask({ environment: [{ name: "PGPASSWORD", value: "hunter2hunter2" }] }),
            verdict: "fails",
            reason: /PGPASSWORD/,
        },
        {
            what: "a password in a JVM system property of the entry point",
            policy: ecsTaskNoPlaintextSecrets,
            build: () =>
                containerWith({
                    entryPoint: ["java", "-Dspring.datasource.password=hunter2hunter2", "-jar", "app.jar"],
                }),
            verdict: "fails",
            reason: /spring\.datasource\.password/,
        },
        {
            what: "a secret's ARN under a secret-sounding name",
            policy: ecsTaskNoPlaintextSecrets,
            build: () =>
                variable("DB_PASSWORD_SECRET_ARN", `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-AbCdEf`),
            verdict: "passes",
        },
        {
            what: "TOKENIZER_MODEL, a model name",
            policy: ecsTaskNoPlaintextSecrets,
            build: () => variable("TOKENIZER_MODEL", "bert-base-uncased"),
            verdict: "passes",
        },
        {
            what: "PASSWORD_MIN_LENGTH, a number",
            policy: ecsTaskNoPlaintextSecrets,
            build: () => variable("PASSWORD_MIN_LENGTH", "12"),
            verdict: "passes",
        },
        {
            what: "a secretary's address",
            policy: ecsTaskNoPlaintextSecrets,
            build: () => variable("SECRETARY_EMAIL", "office@acme.example"),
            verdict: "passes",
        },
    ],
    "6. Guarantees that can be faked": [
        {
            what: "a dead-letter alarm at GreaterThanOrEqualToThreshold 0 (always in ALARM, so the first message changes nothing)",
            policy: sqsDeadLetterQueueAlarmed,
            build: () => alarmed({ comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 0 }),
            verdict: "fails",
            reason: /first message/,
        },
        {
            what: "a dead-letter alarm above -1",
            policy: sqsDeadLetterQueueAlarmed,
            build: () => alarmed({ threshold: -1 }),
            verdict: "fails",
            reason: /first message/,
        },
        {
            what: "the component's dead-letter alarm moved to GreaterThanOrEqualToThreshold 0 by a transform",
            policy: sqsDeadLetterQueueAlarmed,
            build: () =>
                componentTransformed(
                    "aws:cloudwatch/metricAlarm:MetricAlarm",
                    (props) => ({ ...props, comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 0 }),
                    { alarms: { actionArns: [WORKER_TOPIC] } },
                ),
            verdict: "fails",
            reason: /jobs-dlq/,
        },
        {
            what: "the component's dead-letter alarm treating missing data as breaching, by a transform",
            policy: sqsDeadLetterQueueAlarmed,
            build: () =>
                componentTransformed(
                    "aws:cloudwatch/metricAlarm:MetricAlarm",
                    (props) => ({ ...props, treatMissingData: "breaching" }),
                    { alarms: { actionArns: [WORKER_TOPIC] } },
                ),
            verdict: "fails",
            reason: /treatMissingData/,
        },
        {
            what: "a dead-letter alarm that treats missing data as breaching (an idle queue publishes none, so it sits in ALARM)",
            policy: sqsDeadLetterQueueAlarmed,
            build: () => alarmed({ treatMissingData: "breaching" }),
            verdict: "fails",
            reason: /treatMissingData/,
        },
        {
            what: "an alarm action that is an empty string",
            policy: sqsDeadLetterQueueAlarmed,
            build: () => alarmed({ alarmActions: [""] }),
            verdict: "fails",
            reason: /notify no one/,
        },
        {
            what: "actionsEnabled as the string false",
            policy: sqsDeadLetterQueueAlarmed,
            build: () => alarmed({ actionsEnabled: "false" }),
            verdict: "fails",
            reason: /turned off/,
        },
        {
            what: "an alarm on the source queue's name",
            policy: sqsDeadLetterQueueAlarmed,
            build: () => alarmed({ dimensions: { QueueName: "orders" } }),
            verdict: "fails",
            reason: /no alarm/,
        },
        {
            what: "three datapoints of two periods",
            policy: sqsDeadLetterQueueAlarmed,
            build: () => alarmed({ evaluationPeriods: 2, datapointsToAlarm: 3 }),
            verdict: "fails",
            reason: /never reaches/,
        },
        {
            what: "a TLS deny that applies to every resource but the queue (NotResource)",
            policy: sqsTlsOnly,
            build: () => {
                const [deadLetterQueue, orders] = queueWithPolicy();
                const { Resource, ...deny } = tlsDenyStatement(queueArn("orders"));
                return [
                    deadLetterQueue,
                    orders,
                    tlsQueuePolicy("orders-dlq-policy", deadLetterQueue),
                    resource("aws:sqs/queuePolicy:QueuePolicy", "orders-policy", {
                        queueUrl: orders.outputs.url,
                        policy: JSON.stringify(policyDocument({ ...deny, NotResource: Resource })),
                    }),
                ];
            },
            verdict: "fails",
            reason: /no statement denying/,
        },
        {
            what: "the component's TLS deny turned into NotResource by a transform",
            policy: sqsTlsOnly,
            build: () =>
                componentTransformed("aws:sqs/queuePolicy:QueuePolicy", (props) => {
                    const document = JSON.parse(props.policy as string) as { Statement: Props[] };
                    const Statement = document.Statement.map(({ Resource, ...rest }) => ({
                        ...rest,
                        NotResource: Resource,
                    }));
                    return { ...props, policy: JSON.stringify({ ...document, Statement }) };
                }),
            verdict: "fails",
            reason: /no statement denying/,
        },
        {
            what: "maxReceiveCount 1001 as a string in a RedrivePolicy resource",
            policy: sqsHasDeadLetterQueue,
            build: () => {
                const queues = componentQueues("jobs");
                const redrive = queues[2];
                return [
                    ...queues.slice(0, 2),
                    {
                        ...redrive,
                        inputs: {
                            ...redrive.inputs,
                            redrivePolicy: JSON.stringify({
                                deadLetterTargetArn: queueArn("jobs-dlq"),
                                maxReceiveCount: "1001",
                            }),
                        },
                    },
                    ...queues.slice(3),
                ].map((item) => ({ ...item, outputs: { ...item.outputs, ...item.inputs } }));
            },
            verdict: "fails",
            reason: /maxReceiveCount 1001/,
        },
        {
            what: "a redrive policy naming its dead-letter queue by URL instead of ARN",
            policy: sqsHasDeadLetterQueue,
            build: () => {
                const dlq = queue("orders-dlq");
                return [
                    dlq,
                    queue("orders", {
                        redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.outputs.url, maxReceiveCount: 5 }),
                    }),
                ];
            },
            verdict: "fails",
            reason: /no queue in this stack/,
        },
        {
            what: "a byQueue redrive allow naming a queue of the stack that redrives elsewhere",
            policy: sqsHasDeadLetterQueue,
            build: () => {
                const dlq = queue("jobs-dlq");
                const fake = queue("fake");
                const source = queue("source", { redrivePolicy: redriveDocument(dlq) });
                return [
                    dlq,
                    source,
                    fake,
                    resource("aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", "fake-allow", {
                        queueUrl: fake.outputs.url,
                        redriveAllowPolicy: JSON.stringify({
                            redrivePermission: "byQueue",
                            sourceQueueArns: [queueArn("source")],
                        }),
                    }),
                ];
            },
            verdict: "fails",
            reason: /^fake:/,
        },
        {
            what: "a p99 alarm at GreaterThanThreshold 0",
            policy: sqsDeadLetterQueueAlarmed,
            build: () => alarmed({ statistic: undefined, extendedStatistic: "p99" }),
            verdict: "passes",
        },
        {
            what: "the component's dead-letter alarm wired to its topic",
            policy: sqsDeadLetterQueueAlarmed,
            build: () => componentProgram(() => undefined, { alarms: { actionArns: [WORKER_TOPIC] } }),
            verdict: "passes",
        },
    ],
    "7. ECS Exec, capabilities, host IPC, http, KMS rotation, Fargate platform": [
        {
            what: "ECS Exec as the string true on a hand-built service",
            policy: ecsExecDisabled,
            build: () => [service("api", { enableExecuteCommand: "true" })],
            verdict: "fails",
            reason: /ECS Exec on/,
        },
        {
            what: "an EventBridge target running tasks on Fargate platform 1.3.0",
            policy: ecsFargateLatestPlatform,
            build: () => [eventTarget({ ecsTarget: { launchType: "FARGATE", platformVersion: "1.3.0" } })],
            verdict: "fails",
            reason: /1\.3\.0/,
        },
        {
            what: "a schedule running tasks on Fargate platform 1.3.0 through the default strategy",
            policy: ecsFargateLatestPlatform,
            build: () => [
                resource("aws:scheduler/schedule:Schedule", "hourly", {
                    scheduleExpression: "rate(1 hour)",
                    flexibleTimeWindow: { mode: "OFF" },
                    target: {
                        arn: CLUSTER,
                        roleArn: roleArn("scheduler"),
                        ecsParameters: { taskDefinitionArn: TASK_DEFINITION, platformVersion: "1.3.0" },
                    },
                }),
            ],
            verdict: "fails",
            reason: /1\.3\.0/,
        },
        {
            what: "ipcMode HOST in upper case",
            policy: ecsTaskNoHostIpc,
            build: () => containerWith({}, { ipcMode: "HOST" }),
            verdict: "fails",
            reason: /IPC/,
        },
        {
            what: "an https subscription whose endpoint is plain http",
            policy: snsSubscriptionNoHttp,
            build: () => [
                resource("aws:sns/topicSubscription:TopicSubscription", "hook", {
                    topic: TOPIC,
                    protocol: "https",
                    endpoint: "http://hooks.acme.example/jobs",
                }),
            ],
            verdict: "fails",
            reason: /plain http/,
        },
        {
            what: "a KMS key with a rotation period but rotation off",
            policy: kmsKeyRotationEnabled,
            build: () => [
                resource("aws:kms/key:Key", "jobs-key", { rotationPeriodInDays: 90, enableKeyRotation: false }),
            ],
            verdict: "fails",
            reason: /does not rotate/,
        },
        {
            what: "an aws-native KMS key without rotation",
            policy: stackNoUninspectedResources,
            build: () => [resource("aws-native:kms:Key", "native-key", { enableKeyRotation: false })],
            verdict: "fails",
            reason: /kms-key-rotation-enabled/,
        },
        {
            what: "dropping every capability and adding back NET_BIND_SERVICE, one of Docker's defaults",
            policy: ecsTaskNoAddedCapabilities,
            build: () =>
                containerWith(
                    { linuxParameters: { capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } } },
                    { requiresCompatibilities: ["EC2"] },
                ),
            verdict: "passes",
        },
    ],
    "8. Transforms": [
        {
            what: "the legacy transformations option turning ECS Exec on for the component's service",
            policy: ecsExecDisabled,
            build: () =>
                componentProgram(
                    () => undefined,
                    {},
                    {
                        opts: {
                            transformations: [
                                (args) =>
                                    args.type === "aws:ecs/service:Service"
                                        ? { props: { ...args.props, enableExecuteCommand: true }, opts: args.opts }
                                        : undefined,
                            ],
                        },
                    },
                ),
            verdict: "fails",
            reason: /ECS Exec on/,
        },
        {
            what: "an asynchronous stack transform making every container privileged",
            policy: ecsTaskNotPrivileged,
            build: () =>
                recordResources(() => {
                    pulumi.runtime.registerResourceTransform(async (args) => {
                        if (args.type !== "aws:ecs/taskDefinition:TaskDefinition") {
                            return undefined;
                        }
                        await new Promise((resolve) => setTimeout(resolve, 1));
                        const containers = JSON.parse(args.props.containerDefinitions as string) as Props[];
                        return {
                            props: {
                                ...args.props,
                                containerDefinitions: JSON.stringify(
                                    containers.map((item) => ({ ...item, privileged: true })),
                                ),
                            },
                            opts: args.opts,
                        };
                    });
                    new aws.ecs.TaskDefinition("api", {
                        family: "api",
                        containerDefinitions: JSON.stringify([container()]),
                    });
                }),
            verdict: "fails",
            reason: /runs privileged/,
        },
    ],
    "9. Beyond the listed classes": [
        {
            what: "a service that runs 500 tasks without any scalable target",
            policy: workerMaxTasksLimit,
            build: () => [service("api", { desiredCount: 500 })],
            verdict: "fails",
            reason: /500/,
        },
        {
            what: "the component's service asking for 500 tasks, by a transform",
            policy: workerMaxTasksLimit,
            build: () => componentTransformed("aws:ecs/service:Service", (props) => ({ ...props, desiredCount: 500 })),
            verdict: "fails",
            reason: /500 tasks/,
        },
        {
            what: "an alarm whose only action is an empty string (advisory)",
            policy: cloudwatchAlarmHasActions,
            build: () => [resource("aws:cloudwatch/metricAlarm:MetricAlarm", "depth", { alarmActions: [""] })],
            verdict: "fails",
            reason: /no alarmActions/,
        },
    ],
};

describeAttempts("attempts to get past the pack (held-out variants of each bypass class)", ATTEMPTS);
