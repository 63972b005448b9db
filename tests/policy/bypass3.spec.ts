// A third red-team round: attempts that got past the pack after the first two (tests/policy/bypass.spec.ts and
// bypass2.spec.ts). One row per attempt, grouped by class, each with the verdict it must get: "fails" rows are insecure
// and must be reported by the named policy, "open" rows must be left undecided in preview rather than passed, and
// "passes" rows are what a real team writes and must not be reported.
import { ecsExecDisabled, ecsFargateLatestPlatform, ecsNoPublicIpAnywhere } from "../../policy/ecs";
import { kmsKeyPolicyNotPublic } from "../../policy/kms";
import { sqsNoPublicAccess } from "../../policy/sqs";
import { stackLeftUnjudged, stackNoUninspectedResources } from "../../policy/uninspected";
import { EvaluateOptions, StackResource } from "../../scripts/policyEngine";
import {
    ACCOUNT,
    container,
    planned,
    policyDocument,
    queue,
    queueArn,
    redriveDocument,
    resource,
    roleArn,
    taskDefinition,
    tlsDenyStatement,
} from "./fixtures";
import { Attempt, describeAttempts } from "./attempts";

type Props = Record<string, unknown>;

/** A schedule whose target is Scheduler's RunTask universal target, sending `request` (keys as the ECS API spells them). */
const runTaskSchedule = (request: Props, input: unknown = JSON.stringify(request)) =>
    resource("aws:scheduler/schedule:Schedule", "nightly", {
        scheduleExpression: "rate(1 day)",
        flexibleTimeWindow: { mode: "OFF" },
        target: {
            arn: "arn:aws:scheduler:::aws-sdk:ecs:runTask",
            roleArn: `arn:aws:iam::${ACCOUNT}:role/scheduler`,
            input,
        },
    });

const CLUSTER_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/workers`;

/** What a team writes: the stack's own task definition, private subnets, the latest platform, no ECS Exec. */
const RUN_TASK = {
    Cluster: "workers",
    TaskDefinition: "api",
    LaunchType: "FARGATE",
    NetworkConfiguration: {
        AwsvpcConfiguration: { Subnets: ["subnet-0feed00000000a001"], AssignPublicIp: "DISABLED" },
    },
};

const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:orders-events`;

/**
 * The worker's queue "orders" (a dead-letter queue, TLS only, open to the topic alone) subscribed to topic
 * "orders-events", whose own policy is `topicStatements` (none: SNS's default, the owner only), plus `extra` resources;
 * `subscriptionInputs` change the subscription.
 */
function topicFeedingQueue(
    topicStatements: Props[] | undefined,
    extra: StackResource[] = [],
    subscriptionInputs: Props = {},
): StackResource[] {
    const deadLetterQueue = queue("orders-dlq");
    const queuePolicy = policyDocument(tlsDenyStatement(queueArn("orders")), {
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn("orders"),
        Condition: { ArnEquals: { "aws:SourceArn": TOPIC_ARN } },
    });
    const orders = queue("orders", {
        redrivePolicy: redriveDocument(deadLetterQueue),
        policy: JSON.stringify(queuePolicy),
    });
    const topic = resource(
        "aws:sns/topic:Topic",
        "orders-events",
        topicStatements ? { policy: JSON.stringify(policyDocument(...topicStatements)) } : {},
        { arn: TOPIC_ARN, id: TOPIC_ARN },
    );
    const subscription = resource("aws:sns/topicSubscription:TopicSubscription", "orders-subscription", {
        topic: TOPIC_ARN,
        protocol: "sqs",
        endpoint: queueArn("orders"),
        ...subscriptionInputs,
    });
    return [deadLetterQueue, orders, topic, subscription, ...extra];
}

const publish = (Principal: unknown, extra: Props = {}) => ({
    Effect: "Allow",
    Principal,
    Action: "sns:Publish",
    Resource: TOPIC_ARN,
    ...extra,
});

/** The statement every key policy starts with: the account manages the key through IAM. */
const OWNER = { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" };

/** A rotating key for the queue, with `statements` as its key policy (none: KMS's default). */
const key = (statements: Props[] | undefined) =>
    resource("aws:kms/key:Key", "orders-key", {
        enableKeyRotation: true,
        ...(statements ? { policy: JSON.stringify(policyDocument(...statements)) } : {}),
    });

/** A CloudFormation stack "legacy" whose template declares nothing the pack would report. */
const reviewedStack = () =>
    resource("aws:cloudformation/stack:Stack", "legacy", {
        templateBody: JSON.stringify({ Resources: { Topic: { Type: "AWS::SNS::Topic", Properties: {} } } }),
    });

/** Code run at deployment that gives a role administrator access. */
const attachAdminCommand = (name: string) =>
    resource("command:local:Command", name, {
        create: "aws iam attach-role-policy --role-name api-task --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
    });

const accepting = (...acceptedUninspected: string[]): Partial<EvaluateOptions> => ({
    config: { "stack-no-uninspected-resources": { acceptedUninspected } },
});

const ATTEMPTS: Record<string, Attempt[]> = {
    "1. A schedule's RunTask universal target starts tasks as ecsParameters would": [
        {
            what: "ECS Exec turned on in the request (EnableExecuteCommand)",
            policy: ecsExecDisabled,
            build: () => [runTaskSchedule({ ...RUN_TASK, EnableExecuteCommand: true })],
            verdict: "fails",
            reason: /turns ECS Exec on \(target\.input's enableExecuteCommand: true\)/,
        },
        {
            what: "a public IP in the request's awsvpcConfiguration (AssignPublicIp ENABLED)",
            policy: ecsNoPublicIpAnywhere,
            build: () => [
                runTaskSchedule({
                    ...RUN_TASK,
                    NetworkConfiguration: {
                        AwsvpcConfiguration: { Subnets: ["subnet-0public00000000a1"], AssignPublicIp: "ENABLED" },
                    },
                }),
            ],
            verdict: "fails",
            reason: /assigns public IP addresses .*target\.input's networkConfiguration\.awsvpcConfiguration/,
        },
        {
            what: "an old Fargate platform pinned in the request (PlatformVersion 1.3.0)",
            policy: ecsFargateLatestPlatform,
            build: () => [runTaskSchedule({ ...RUN_TASK, PlatformVersion: "1.3.0" })],
            verdict: "fails",
            reason: /pins Fargate platform version 1\.3\.0/,
        },
        {
            what: "a task definition outside the stack, named in the request",
            policy: stackLeftUnjudged,
            build: () => [
                runTaskSchedule({
                    ...RUN_TASK,
                    TaskDefinition: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/admin:3`,
                }),
            ],
            verdict: "fails",
            reason: /runs task definition arn:aws:ecs:us-east-1:\d+:task-definition\/admin:3, which is not in this stack/,
        },
        {
            what: "ECS Exec in a request that is not known in preview (built from a new resource's output)",
            policy: ecsExecDisabled,
            build: () => {
                const definition = taskDefinition("api", [container()]);
                const built = {
                    ...definition,
                    outputs: { ...definition.outputs, arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/api:1` },
                };
                return planned([
                    built,
                    runTaskSchedule({ ...RUN_TASK, TaskDefinition: built.outputs.arn, EnableExecuteCommand: true }),
                ]);
            },
            verdict: "open",
            reason: /./,
        },
        {
            what: "ECS Exec in a request whose target ARN is built from a new resource's output (preview)",
            policy: ecsExecDisabled,
            build: () => {
                const cluster = resource("aws:ecs/cluster:Cluster", "workers", {}, { arn: CLUSTER_ARN });
                const schedule = runTaskSchedule({ ...RUN_TASK, EnableExecuteCommand: true });
                const target = schedule.inputs.target as Props;
                // The partition is read from the new cluster's ARN, as the component reads it.
                const built = { ...target, arn: `${CLUSTER_ARN}#scheduler:::aws-sdk:ecs:runTask` };
                return planned([cluster, { ...schedule, inputs: { ...schedule.inputs, target: built } }]);
            },
            verdict: "open",
            reason: /target\.arn is not known/,
        },
        ...[ecsExecDisabled, ecsNoPublicIpAnywhere, ecsFargateLatestPlatform].map((policy): Attempt => ({
            what: `the stack's task definition in private subnets on the latest platform (${policy.name})`,
            policy,
            build: () => [
                taskDefinition("api", [container()]),
                runTaskSchedule({ ...RUN_TASK, PlatformVersion: "LATEST" }),
            ],
            verdict: "passes",
        })),
    ],
    "2. A queue open only to its topic, and the topic open to everyone": [
        {
            what: "the topic's own policy lets Principal * publish",
            policy: sqsNoPublicAccess,
            build: () => topicFeedingQueue([publish("*")]),
            verdict: "fails",
            reason: /Topic orders-events delivers to queue orders .*: statement lets Principal "\*" publish/,
        },
        {
            what: 'a TopicPolicy granting { AWS: "*" } sns:* (and the subscription\'s protocol in upper case)',
            policy: sqsNoPublicAccess,
            build: () =>
                topicFeedingQueue(
                    undefined,
                    [
                        resource("aws:sns/topicPolicy:TopicPolicy", "orders-events-policy", {
                            arn: TOPIC_ARN,
                            policy: JSON.stringify(policyDocument({ ...publish({ AWS: "*" }), Action: "sns:*" })),
                        }),
                    ],
                    { protocol: "SQS" },
                ),
            verdict: "fails",
            reason: /its topic policy: statement lets Principal "\*" publish/,
        },
        {
            what: "NotAction sns:DeleteTopic to everyone, scoped by a condition that restricts nothing (StringLike o-*)",
            policy: sqsNoPublicAccess,
            build: () =>
                topicFeedingQueue([
                    {
                        Effect: "Allow",
                        Principal: "*",
                        NotAction: "sns:DeleteTopic",
                        Resource: TOPIC_ARN,
                        Condition: { StringLike: { "aws:PrincipalOrgID": "o-*" } },
                    },
                ]),
            verdict: "fails",
            reason: /lets Principal "\*" publish/,
        },
        {
            what: "S3 may publish for any bucket (a service principal without a source)",
            policy: sqsNoPublicAccess,
            build: () => topicFeedingQueue([publish({ Service: "s3.amazonaws.com" })]),
            verdict: "fails",
            reason: /lets the service s3\.amazonaws\.com publish for any source/,
        },
        {
            what: "the topic's default policy (the owner only)",
            policy: sqsNoPublicAccess,
            build: () => topicFeedingQueue(undefined),
            verdict: "passes",
        },
        {
            what: "publishing scoped to the organization, and S3 to one bucket of the account",
            policy: sqsNoPublicAccess,
            build: () =>
                topicFeedingQueue([
                    publish("*", { Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
                    publish(
                        { Service: "s3.amazonaws.com" },
                        { Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } },
                    ),
                ]),
            verdict: "passes",
        },
        {
            what: "a public topic that delivers to an HTTPS endpoint, not to a queue",
            policy: sqsNoPublicAccess,
            build: () =>
                topicFeedingQueue([publish("*")], [], {
                    protocol: "https",
                    endpoint: "https://hooks.example.com/orders",
                }),
            verdict: "passes",
        },
    ],
    "3. A key policy that lets everyone use or manage the key that encrypts the queue": [
        {
            what: "kms:Decrypt to Principal * on the queue's key",
            policy: kmsKeyPolicyNotPublic,
            build: () => [key([OWNER, { Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }])],
            verdict: "fails",
            reason: /allows Principal "\*" kms:Decrypt, and its condition restricts no caller/,
        },
        {
            what: 'kms:* to { AWS: ["*"] } in a separate KeyPolicy, under a condition on the user agent',
            policy: kmsKeyPolicyNotPublic,
            build: () => [
                key(undefined),
                resource("aws:kms/keyPolicy:KeyPolicy", "orders-key-policy", {
                    keyId: "orders-key",
                    policy: JSON.stringify(
                        policyDocument(OWNER, {
                            Effect: "Allow",
                            Principal: { AWS: ["*"] },
                            Action: "kms:*",
                            Resource: "*",
                            Condition: { StringLike: { "aws:UserAgent": "*" } },
                        }),
                    ),
                }),
            ],
            verdict: "fails",
            reason: /allows Principal "\*" kms:\*/,
        },
        {
            what: "everyone but one role (NotPrincipal)",
            policy: kmsKeyPolicyNotPublic,
            build: () => [
                key([
                    { Effect: "Allow", NotPrincipal: { AWS: roleArn("admin") }, Action: "kms:Decrypt", Resource: "*" },
                ]),
            ],
            verdict: "fails",
            reason: /everyone but the NotPrincipal/,
        },
        {
            what: "everyone, with kms:CallerAccount matched by a wildcard pattern",
            policy: kmsKeyPolicyNotPublic,
            build: () => [
                key([
                    {
                        Effect: "Allow",
                        Principal: "*",
                        Action: "kms:Decrypt",
                        Resource: "*",
                        Condition: { StringLike: { "kms:CallerAccount": "????????????" } },
                    },
                ]),
            ],
            verdict: "fails",
            reason: /allows Principal "\*" kms:Decrypt, and its condition restricts no caller/,
        },
        {
            what: "an unreadable key policy",
            policy: kmsKeyPolicyNotPublic,
            build: () => [resource("aws:kms/key:Key", "orders-key", { enableKeyRotation: true, policy: "{not json" })],
            verdict: "fails",
            reason: /not a JSON policy document/,
        },
        {
            what: "the account's root, a role, and everyone scoped by kms:CallerAccount and aws:PrincipalOrgID",
            policy: kmsKeyPolicyNotPublic,
            build: () => [
                key([
                    OWNER,
                    { Effect: "Allow", Principal: { AWS: roleArn("api-task") }, Action: "kms:Decrypt", Resource: "*" },
                    {
                        Effect: "Allow",
                        Principal: { AWS: "*" },
                        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                        Resource: "*",
                        Condition: {
                            StringEquals: {
                                "kms:CallerAccount": ACCOUNT,
                                "kms:ViaService": "sqs.us-east-1.amazonaws.com",
                            },
                        },
                    },
                    {
                        Effect: "Allow",
                        Principal: "*",
                        Action: "kms:Decrypt",
                        Resource: "*",
                        Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                    },
                ]),
            ],
            verdict: "passes",
        },
        {
            what: "a key with no policy of its own (KMS's default: the account)",
            policy: kmsKeyPolicyNotPublic,
            build: () => [key(undefined)],
            verdict: "passes",
        },
    ],
    "4. An acceptedUninspected entry that accepts more than the resource it was written for": [
        {
            what: "a command named like the reviewed CloudFormation stack the configuration accepts by name",
            policy: stackNoUninspectedResources,
            build: () => [reviewedStack(), attachAdminCommand("legacy")],
            options: accepting("legacy"),
            verdict: "fails",
            reason: /command:local:Command legacy .*accepts the name legacy, which 2 resources .* carry/,
        },
        {
            what: "a command named after the type token the configuration accepts",
            policy: stackNoUninspectedResources,
            build: () => [reviewedStack(), attachAdminCommand("aws:cloudformation/stack:Stack")],
            options: accepting("aws:cloudformation/stack:Stack"),
            verdict: "fails",
            reason: /^aws:cloudformation\/stack:Stack: command:local:Command aws:cloudformation\/stack:Stack is code/,
        },
        {
            what: "the reviewed stack accepted by its name, alone",
            policy: stackNoUninspectedResources,
            build: () => [reviewedStack()],
            options: accepting("legacy"),
            verdict: "passes",
        },
        {
            what: "two reviewed resources of one name, each accepted by its type",
            policy: stackNoUninspectedResources,
            build: () => [reviewedStack(), attachAdminCommand("legacy")],
            options: accepting("legacy", "aws:cloudformation/stack:Stack", "command:local:Command"),
            verdict: "passes",
        },
    ],
};

describeAttempts("attempts to get past the pack, third round", ATTEMPTS);
