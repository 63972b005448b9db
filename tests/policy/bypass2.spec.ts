// A second red-team round: attempts that got past the pack after the first round (tests/policy/bypass.spec.ts), and
// variants of old classes it must keep stopping. One row per attempt, grouped by class, each with the verdict it must
// get: "fails" rows are insecure and must be reported by the named policy, "passes" rows are what a real team writes
// and must not be.
import { ecsTaskNotPrivileged } from "../../policy/ecs";
import { iamExecutionRoleLeastPrivilege, iamTaskRoleNoWildcards } from "../../policy/iam";
import { sqsNoPublicAccess, sqsTlsOnly } from "../../policy/sqs";
import { stackNoUninspectedResources } from "../../policy/uninspected";
import { EvaluateOptions, StackResource } from "../../scripts/policyEngine";
import {
    ACCOUNT,
    componentProgram,
    container,
    handBuiltTask,
    policyDocument,
    queue,
    queueArn,
    redriveDocument,
    resource,
    taskDefinition,
    tlsDenyStatement,
    tlsQueuePolicy,
} from "./fixtures";
import { Attempt, describeAttempts } from "./attempts";

type Props = Record<string, unknown>;

const allow = (Action: unknown, Resource: unknown) => ({ Effect: "Allow", Action, Resource });

/** The hand-built task with `statements` in a RolePolicy on `roleName`. */
const roleWith = (roleName: string, ...statements: Props[]) => [
    ...handBuiltTask(),
    resource("aws:iam/rolePolicy:RolePolicy", `${roleName}-policy`, {
        role: roleName,
        policy: JSON.stringify(policyDocument(...statements)),
    }),
];

/** A hand-built task definition with one container (the component's, `overrides` on top) and task `inputs`. */
const containerWith = (overrides: Props, inputs: Props = {}) => [taskDefinition("api", [container(overrides)], inputs)];

const mountedAt = (containerPath: string) => ({ mountPoints: [{ sourceVolume: "host", containerPath }] });

/** The component's task definition, rewritten by a transform on the component as an attacker would. */
const componentTaskTransformed = (change: (props: Props) => Props) =>
    componentProgram(() => undefined, undefined, {
        opts: {
            transforms: [
                (args) =>
                    args.type === "aws:ecs/taskDefinition:TaskDefinition"
                        ? { props: change(args.props), opts: args.opts }
                        : undefined,
            ],
        },
    });

const ACCEPT_STACKS: Partial<EvaluateOptions> = {
    config: { "stack-no-uninspected-resources": { acceptedUninspected: ["aws:cloudformation/stack:Stack"] } },
};

/** An accepted CloudFormation stack whose one container's `Privileged` is written as `privileged`. */
function privilegedTemplate(head: string, privileged: string, parameters: Record<string, string> = {}): StackResource {
    return resource("aws:cloudformation/stack:Stack", "legacy", {
        parameters,
        templateBody: [
            head,
            "Resources:",
            "  Task:",
            "    Type: AWS::ECS::TaskDefinition",
            "    Properties:",
            "      ContainerDefinitions:",
            "        - Name: worker",
            "          Image: nginx:1.27",
            `          Privileged: ${privileged}`,
        ].join("\n"),
    });
}

const ATTEMPTS: Record<string, Attempt[]> = {
    "1. A resource wildcard that runs into the type word (every resource of the kind)": [
        {
            what: "iam:PassRole on arn:aws:iam::<account>:role* (every role of the account)",
            policy: iamTaskRoleNoWildcards,
            build: () => roleWith("api-task", allow("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role*`)),
            verdict: "fails",
            reason: /may assume or pass any role/,
        },
        {
            what: "every secret of the account (secret*)",
            policy: iamTaskRoleNoWildcards,
            build: () =>
                roleWith(
                    "api-task",
                    allow("secretsmanager:GetSecretValue", `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret*`),
                ),
            verdict: "fails",
            reason: /on every resource/,
        },
        {
            what: "every table of the account (tab*)",
            policy: iamTaskRoleNoWildcards,
            build: () =>
                roleWith("api-task", allow("dynamodb:DeleteItem", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:tab*`)),
            verdict: "fails",
            reason: /on every resource/,
        },
        {
            what: "the execution role reading every parameter (parameter*)",
            policy: iamExecutionRoleLeastPrivilege,
            build: () =>
                roleWith("api-execution", allow("ssm:GetParameters", `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter*`)),
            verdict: "fails",
            reason: /on every resource/,
        },
        {
            what: "every API Gateway resource of a region (a resource part that starts with /)",
            policy: iamTaskRoleNoWildcards,
            build: () => roleWith("api-task", allow("apigateway:DELETE", "arn:aws:apigateway:us-east-1::/*")),
            verdict: "fails",
            reason: /on every resource/,
        },
        {
            what: "secrets under one named path (secret:prod/orders-*)",
            policy: iamTaskRoleNoWildcards,
            build: () =>
                roleWith(
                    "api-task",
                    allow(
                        "secretsmanager:GetSecretValue",
                        `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/orders-*`,
                    ),
                ),
            verdict: "passes",
        },
        {
            what: "one REST API's resources (/restapis/<id>/*)",
            policy: iamTaskRoleNoWildcards,
            build: () =>
                roleWith("api-task", allow("apigateway:GET", "arn:aws:apigateway:us-east-1::/restapis/a1b2c3/*")),
            verdict: "passes",
        },
        {
            what: "CodeCommit repositories by name prefix (a service whose ARNs start with the name)",
            policy: iamTaskRoleNoWildcards,
            build: () =>
                roleWith("api-task", allow("codecommit:GitPull", `arn:aws:codecommit:us-east-1:${ACCOUNT}:orders-*`)),
            verdict: "passes",
        },
    ],
    "2. What privileged gives, taken piecemeal": [
        {
            what: "the Docker socket mounted from a host path",
            policy: ecsTaskNotPrivileged,
            build: () =>
                containerWith(mountedAt("/var/run/docker.sock"), {
                    volumes: [{ name: "host", hostPath: "/var/run/docker.sock" }],
                }),
            verdict: "fails",
            reason: /mounts the host's filesystem: host \(\/var\/run\/docker\.sock\)/,
        },
        {
            what: "the host's root bound by Docker's local volume driver",
            policy: ecsTaskNotPrivileged,
            build: () =>
                containerWith(mountedAt("/host"), {
                    volumes: [
                        {
                            name: "host",
                            dockerVolumeConfiguration: {
                                driver: "local",
                                driverOpts: { type: "none", o: "bind", device: "/" },
                            },
                        },
                    ],
                }),
            verdict: "fails",
            reason: /mounts the host's filesystem/,
        },
        {
            what: "the mount point and the volume name in other cases (MountPoints, SourceVolume)",
            policy: ecsTaskNotPrivileged,
            build: () =>
                containerWith(
                    { MountPoints: [{ SourceVolume: "HOST", containerPath: "/host" }] },
                    { volumes: [{ name: "host", hostPath: "/" }] },
                ),
            verdict: "fails",
            reason: /mounts the host's filesystem/,
        },
        {
            what: "the component's container given the host's root by a transform",
            policy: ecsTaskNotPrivileged,
            build: () =>
                componentTaskTransformed((props) => ({
                    ...props,
                    volumes: [{ name: "host", hostPath: "/" }],
                    containerDefinitions: JSON.stringify(
                        (JSON.parse(props.containerDefinitions as string) as Props[]).map((item) => ({
                            ...item,
                            ...mountedAt("/host"),
                        })),
                    ),
                })),
            verdict: "fails",
            reason: /mounts the host's filesystem/,
        },
        {
            what: "a CloudFormation task definition mounting Host.SourcePath /",
            policy: stackNoUninspectedResources,
            build: () => [
                resource("aws:cloudformation/stack:Stack", "legacy", {
                    templateBody: [
                        "Resources:",
                        "  Task:",
                        "    Type: AWS::ECS::TaskDefinition",
                        "    Properties:",
                        "      Volumes:",
                        "        - Name: host",
                        "          Host: { SourcePath: / }",
                        "      ContainerDefinitions:",
                        "        - Name: worker",
                        "          Image: nginx:1.27",
                        "          MountPoints: [{ SourceVolume: host, ContainerPath: /host }]",
                    ].join("\n"),
                }),
            ],
            options: ACCEPT_STACKS,
            verdict: "fails",
            reason: /ecs-task-not-privileged: Container worker: mounts the host's filesystem/,
        },
        {
            what: "host devices (linuxParameters.devices)",
            policy: ecsTaskNotPrivileged,
            build: () => containerWith({ linuxParameters: { devices: [{ hostPath: "/dev/mem" }] } }),
            verdict: "fails",
            reason: /host devices \/dev\/mem/,
        },
        {
            what: "AppArmor and seccomp switched off (DockerSecurityOptions in Pascal case)",
            policy: ecsTaskNotPrivileged,
            build: () => containerWith({ DockerSecurityOptions: ["apparmor:unconfined", "seccomp=unconfined"] }),
            verdict: "fails",
            reason: /without confinement \(dockerSecurityOptions apparmor:unconfined, seccomp=unconfined\)/,
        },
        {
            what: "SELinux labels switched off (label:disable)",
            policy: ecsTaskNotPrivileged,
            build: () => containerWith({ dockerSecurityOptions: ["label:disable"] }),
            verdict: "fails",
            reason: /without confinement/,
        },
        {
            what: "a scratch volume without a host path mounted at /tmp, and no-new-privileges",
            policy: ecsTaskNotPrivileged,
            build: () =>
                containerWith(
                    { ...mountedAt("/tmp"), dockerSecurityOptions: ["no-new-privileges"] },
                    { volumes: [{ name: "host" }] },
                ),
            verdict: "passes",
        },
    ],
    "3. Queue policies, held": [
        {
            what: 'Principal { AWS: [" * "] } (a list, with whitespace)',
            policy: sqsNoPublicAccess,
            build: () => {
                const deadLetterQueue = queue("orders-dlq");
                const orders = queue("orders", { redrivePolicy: redriveDocument(deadLetterQueue) });
                const document = policyDocument(tlsDenyStatement(queueArn("orders")), {
                    Effect: "Allow",
                    Principal: { AWS: [" * "] },
                    Action: "sqs:SendMessage",
                    Resource: queueArn("orders"),
                });
                return [
                    deadLetterQueue,
                    orders,
                    resource("aws:sqs/queuePolicy:QueuePolicy", "orders-policy", {
                        queueUrl: orders.outputs.url,
                        policy: JSON.stringify(document),
                    }),
                ];
            },
            verdict: "fails",
            reason: /allows Principal "\*"/,
        },
        {
            what: "a public policy as the queue's own input next to a QueuePolicy with the TLS deny",
            policy: sqsTlsOnly,
            build: () => {
                const orders = queue("orders", {
                    policy: JSON.stringify(policyDocument({ Effect: "Allow", Principal: "*", Action: "sqs:*" })),
                });
                return [orders, tlsQueuePolicy("orders-policy", orders)];
            },
            verdict: "fails",
            reason: /2 queue policies/,
        },
    ],
    "4. Intrinsic functions inside an accepted CloudFormation stack": [
        {
            what: "Privileged: !Ref Priv, whose default is 'true'",
            policy: stackNoUninspectedResources,
            build: () => [privilegedTemplate("Parameters:\n  Priv: { Type: String, Default: 'true' }", "!Ref Priv")],
            options: ACCEPT_STACKS,
            verdict: "fails",
            reason: /Task: ecs-task-not-privileged: Container worker: runs privileged/,
        },
        {
            what: "Privileged: !If on a condition the pack cannot decide (the region)",
            policy: stackNoUninspectedResources,
            build: () => [
                privilegedTemplate("Conditions:\n  C: !Equals [!Ref 'AWS::Region', eu-west-1]", "!If [C, true, false]"),
            ],
            options: ACCEPT_STACKS,
            verdict: "fails",
            reason: /Task \(if C true\): ecs-task-not-privileged: Container worker: runs privileged/,
        },
        {
            what: "Privileged only in one combination of seven conditions the pack cannot decide",
            policy: stackNoUninspectedResources,
            build: () => [
                privilegedTemplate(
                    [
                        "Conditions:",
                        ...[0, 1, 2, 3, 4, 5, 6].map((i) => `  C${i}: !Equals [!Ref 'AWS::Region', r${i}]`),
                    ].join("\n"),
                    "!If [C0, !If [C1, false, !If [C2, !If [C3, !If [C4, !If [C5, !If [C6, false, true], false], " +
                        "false], false], false], false], false]",
                ),
            ],
            options: ACCEPT_STACKS,
            verdict: "fails",
            reason: /Task: its properties test 7 conditions the pack cannot decide/,
        },
        {
            what: 'Privileged: !Sub "${Priv}", a parameter whose default is "true"',
            policy: stackNoUninspectedResources,
            build: () => [
                privilegedTemplate("Parameters:\n  Priv: { Type: String, Default: 'true' }", '!Sub "${Priv}"'),
            ],
            options: ACCEPT_STACKS,
            verdict: "fails",
            reason: /Task: ecs-task-not-privileged: Container worker: runs privileged/,
        },
        {
            what: "Privileged from a mapping keyed by a parameter the stack sets",

            policy: stackNoUninspectedResources,
            build: () => [
                privilegedTemplate(
                    "Parameters:\n  Env: { Type: String }\nMappings:\n  M:\n    prod: { P: 'true' }",
                    "!FindInMap [M, !Ref Env, P]",
                    { Env: "prod" },
                ),
            ],
            options: ACCEPT_STACKS,
            verdict: "fails",
            reason: /Task: ecs-task-not-privileged: Container worker: runs privileged/,
        },
    ],
};

describeAttempts("attempts to get past the pack, second round", ATTEMPTS);
