import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { iamExecutionRoleLeastPrivilege, iamTaskRoleNoWildcards, iamTaskRoleTrustScoped } from "../../policy/iam";
import { isUnscopedResource } from "../../policy/iamStatements";
import { StackResource } from "../../scripts/policyEngine";
import {
    ACCOUNT,
    componentProgram,
    componentStack,
    container,
    planned,
    policyDocument,
    resource,
    taskDefinition,
    undecided,
    violations,
    role,
    roleArn,
} from "./fixtures";

const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";

/** A hand-built task: its task and execution roles, and a task definition naming them. */
function task(
    taskRole: StackResource,
    executionRole: StackResource = role("api-execution"),
    reference: (role: StackResource) => unknown = (named) => named.outputs.arn,
): StackResource[] {
    const definition = taskDefinition("api", [container()], {
        taskRoleArn: reference(taskRole),
        executionRoleArn: reference(executionRole),
    });
    return [taskRole, executionRole, definition];
}

const rolePolicy = (name: string, roleName: string, ...statements: Record<string, unknown>[]) =>
    resource("aws:iam/rolePolicy:RolePolicy", name, {
        role: roleName,
        policy: JSON.stringify(policyDocument(...statements)),
    });

const allow = (Action: unknown, Resource: unknown = "*", extra: Record<string, unknown> = {}) => ({
    Effect: "Allow",
    Action,
    Resource,
    ...extra,
});

/** The policies on the task role "api-task" reported by iam-task-role-no-wildcards, one line per problem. */
async function taskRoleFindings(...extra: StackResource[]): Promise<string[]> {
    return violations(iamTaskRoleNoWildcards, [...task(role("api-task")), ...extra]);
}

describe("IAM policies against what the component builds", function () {
    this.timeout(30_000);

    it("pass the component's task and execution roles and their trust", async () => {
        const built = await componentStack();
        assert.deepEqual(await violations(iamTaskRoleNoWildcards, built), []);
        assert.deepEqual(await violations(iamExecutionRoleLeastPrivilege, built), []);
        assert.deepEqual(await violations(iamTaskRoleTrustScoped, built), []);
    });

    it("in a preview of the component, find the roles through unknown ARNs: the trust is decided, the queue-scoped policy left open", async () => {
        const built = await componentStack({}, true);
        assert.deepEqual(await violations(iamTaskRoleTrustScoped, built, { preview: true }), []);
        assert.deepEqual(await undecided(iamTaskRoleTrustScoped, built), []);
        assert.deepEqual(await violations(iamTaskRoleNoWildcards, built, { preview: true }), []);
        assert.deepEqual(await undecided(iamTaskRoleNoWildcards, built), [
            "stack: the value at jobs-task-policy.outputs.policy is not known until `pulumi up`",
        ]);
    });

    it("fail admin attached to the component's roles through an attachment by role name, or a PolicyAttachment", async () => {
        const built = await componentProgram((worker) => {
            const roleName = (arn: string) => arn.split("/").pop() ?? "";
            new aws.iam.PolicyAttachment("escalate", {
                roles: [worker.taskRoleArn.apply(roleName)],
                policyArn: ADMIN,
            });
            new aws.iam.RolePolicyAttachmentsExclusive("exclusive", {
                roleName: worker.executionRoleArn.apply(roleName),
                policyArns: ["arn:aws:iam::aws:policy/AWSLambda_FullAccess"],
            });
        });
        assert.deepEqual(await violations(iamTaskRoleNoWildcards, built), [
            "jobs-task-role: Task role jobs-task-role (task definition jobs-task's taskRoleArn): AWS managed policy AdministratorAccess: a statement allows every action of every service (*).",
        ]);
        const execution = await violations(iamExecutionRoleLeastPrivilege, built);
        assert.equal(execution.length, 1, execution.join("\n"));
        assert.match(
            execution[0],
            /^jobs-execution-role: Execution role jobs-execution-role \(task definition jobs-task's executionRoleArn\): AWS managed policy AWSLambda_FullAccess: a statement allows every action of a service, or an action across services \(lambda:\*, logs:\*, states:\*\), among them actions that raise privileges .*\(lambda:CreateFunction/,
        );
    });
});

describe("policy iam-task-role-no-wildcards", () => {
    const consume = {
        Sid: "Consume",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
        Resource: "arn:aws:sqs:us-east-1:123456789012:orders",
    };

    it("passes a task role that names its actions and resources, and the documented Resource * exceptions", async () => {
        const metrics = { Sid: "Metrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" };
        assert.deepEqual(await taskRoleFindings(rolePolicy("api-task-policy", "api-task", consume, metrics)), []);
    });

    it("judges actions by effect: *, *:*, iam:**, s?s:*, *:Get*, NotAction and privilege-raising actions", async () => {
        const found = await taskRoleFindings(
            rolePolicy(
                "api-task-policy",
                "api-task",
                allow("*:*", "*", { Sid: "Star" }),
                allow("iam:**", "arn:aws:iam::123456789012:role/x", { Sid: "DoubleStar" }),
                allow("s?s:*", "arn:aws:sqs:us-east-1:123456789012:orders", { Sid: "Question" }),
                allow("*:Get*", "arn:aws:s3:::reports/*", { Sid: "AnyService" }),
                { Sid: "AllBut", Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::reports/*" },
                allow("IAM:PutRolePolicy", roleArn("api-task"), { Sid: "Escalate" }),
                { Sid: "DenyIsFine", Effect: "Deny", Action: "*", Resource: "*" },
                { Sid: "LowerCaseEffectIsNoAllow", Effect: "allow", Action: "*", Resource: "*" },
            ),
        );
        const prefix = "api-task: Task role api-task (task definition api's taskRoleArn): role policy api-task-policy:";
        assert.deepEqual(found, [
            `${prefix} statement Star allows every action of every service (*:*).`,
            `${prefix} statement DoubleStar allows every action of a service, or an action across services (iam:**), among them actions that raise privileges or act as another principal (iam:AddRoleToInstanceProfile, iam:AddUserToGroup, iam:AttachGroupPolicy, iam:AttachRolePolicy, iam:AttachUserPolicy, iam:CreateAccessKey, iam:CreateLoginProfile, iam:CreatePolicy, iam:CreatePolicyVersion, iam:CreateRole, iam:CreateServiceSpecificCredential, iam:CreateUser, iam:DeleteGroupPolicy, iam:DeleteRolePermissionsBoundary, iam:DeleteRolePolicy, iam:DeleteUserPermissionsBoundary, iam:DeleteUserPolicy, iam:DetachGroupPolicy, iam:DetachRolePolicy, iam:DetachUserPolicy, iam:PutGroupPolicy, iam:PutRolePermissionsBoundary, iam:PutRolePolicy, iam:PutUserPermissionsBoundary, iam:PutUserPolicy, iam:ResetServiceSpecificCredential, iam:SetDefaultPolicyVersion, iam:UpdateAccessKey, iam:UpdateAssumeRolePolicy, iam:UpdateLoginProfile, iam:UploadSSHPublicKey).`,
            `${prefix} statement Question allows every action of a service, or an action across services (s?s:*), among them actions that raise privileges or act as another principal (sts:GetFederationToken, sqs:AddPermission, sqs:SetQueueAttributes, sns:AddPermission, sns:SetTopicAttributes).`,
            `${prefix} statement AnyService allows every action of a service, or an action across services (*:Get*), among them actions that raise privileges or act as another principal (sts:GetFederationToken).`,
            `${prefix} statement AllBut allows every action but its NotAction (iam:*).`,
            `${prefix} statement Escalate allows actions that raise privileges or act as another principal (iam:PutRolePolicy).`,
        ]);
    });

    it("judges resources by effect: *, arn:aws:sqs:*:*:*, an account's every queue, table/*, NotResource", async () => {
        const found = await taskRoleFindings(
            rolePolicy(
                "api-task-policy",
                "api-task",
                allow("s3:GetObject", "*", { Sid: "Star" }),
                allow("sqs:ReceiveMessage", "arn:aws:sqs:*:*:*", { Sid: "AnyQueue" }),
                allow("sqs:SendMessage", `arn:aws:sqs:us-east-1:${ACCOUNT}:*`, { Sid: "AccountQueues" }),
                allow("dynamodb:Query", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*`, { Sid: "AnyTable" }),
                { Sid: "AllBut", Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::private/*" },
            ),
        );
        const prefix = "api-task: Task role api-task (task definition api's taskRoleArn): role policy api-task-policy:";
        assert.deepEqual(found, [
            `${prefix} statement Star grants s3:GetObject on every resource (*).`,
            `${prefix} statement AnyQueue grants sqs:ReceiveMessage on every resource (arn:aws:sqs:*:*:*).`,
            `${prefix} statement AccountQueues grants sqs:SendMessage on every resource (arn:aws:sqs:us-east-1:${ACCOUNT}:*).`,
            `${prefix} statement AnyTable grants dynamodb:Query on every resource (arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*).`,
            `${prefix} statement AllBut applies to every resource but its NotResource (arn:aws:s3:::private/*).`,
        ]);
    });

    it("tells resource patterns that name resources from ones that cover every resource of a kind", () => {
        const table: [string, boolean][] = [
            ["*", true],
            ["**", true],
            ["arn:*", true],
            ["arn:aws:*", true],
            ["arn:aws:sqs:*:*:*", true],
            ["arn:aws:*:us-east-1:123456789012:orders", true],
            ["arn:aws:s3:::*", true],
            ["arn:aws:s3:::*/*", true],
            ["arn:aws:sqs:us-east-1:123456789012:o*", true],
            ["arn:aws:iam::123456789012:role/*", true],
            ["arn:aws:secretsmanager:us-east-1:123456789012:secret:*", true],
            ["arn:aws:sqs:us-east-1:123456789012:orders", false],
            ["arn:aws:sqs:us-east-1:123456789012:orders-*", false],
            ["arn:aws:sqs:*:*:orders", false],
            ["arn:aws:s3:::reports/*", false],
            ["arn:aws:ecs:us-east-1:123456789012:task/workers/*", false],
            ["arn:aws:logs:us-east-1:123456789012:log-group:jobs:*", false],
            // Resource types the pack has no list of: the word before the name is read as a type whatever it is.
            ["arn:aws:firehose:*:*:deliverystream/*", true],
            ["arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/*", true],
            ["arn:aws:firehose:us-east-1:123456789012:deliverystream/orders-*", false],
            // The resource's own name is its first segment: every table's every index names no table.
            ["arn:aws:dynamodb:us-east-1:123456789012:table/*/index/*", true],
            ["arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/*", false],
            // Services whose resource part starts with the name: an API's ID, a topic's subscriptions.
            ["arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/*", false],
            ["arn:aws:sns:us-east-1:123456789012:orders:*", false],
        ];
        assert.deepEqual(
            table.map(([pattern]) => [pattern, isUnscopedResource(pattern)]),
            table,
        );
    });

    it("reads every way a policy reaches the role: inline, managed ARNs, RolePolicyAttachment, PolicyAttachment, the exclusive attachments, customer policies", async () => {
        const customer = resource(
            "aws:iam/policy:Policy",
            "wide",
            { policy: JSON.stringify(policyDocument(allow("dynamodb:*", "*"))) },
            { arn: `arn:aws:iam::${ACCOUNT}:policy/wide` },
        );
        const taskRole = role("api-task", undefined, {
            inlinePolicies: [{ name: "inline", policy: JSON.stringify(policyDocument(allow("kms:*", "*"))) }],
            managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"],
        });
        const found = await violations(iamTaskRoleNoWildcards, [
            ...task(taskRole),
            customer,
            resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", {
                role: "api-task",
                policyArn: customer.outputs.arn,
            }),
            resource("aws:iam/policyAttachment:PolicyAttachment", "b", {
                roles: ["someone-else", "api-task"],
                policyArn: "arn:aws:iam::aws:policy/PowerUserAccess",
            }),
            resource("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "c", {
                roleName: "api-task",
                policyArns: ["arn:aws:iam::aws:policy/SecretsManagerReadWrite"],
            }),
        ]);
        const sources = [...new Set(found.map((line) => line.split(": ")[2]))];
        assert.deepEqual(sources, [
            "inline policy inline",
            "AWS managed policy AmazonS3FullAccess",
            "policy wide",
            "AWS managed policy PowerUserAccess",
            "AWS managed policy SecretsManagerReadWrite",
        ]);
    });

    it("finds the task role by its bare name, which ECS accepts in taskRoleArn", async () => {
        const found = await violations(iamTaskRoleNoWildcards, [
            ...task(role("api-task"), role("api-execution"), (named) => named.name),
            rolePolicy("p", "api-task", allow("*", "*")),
        ]);
        assert.equal(found.length, 1);
        assert.match(found[0], /^api-task: Task role api-task \(task definition api's taskRoleArn\)/);
    });

    it("judges a wildcard policy on a role no task names when the role trusts ECS tasks, and not otherwise", async () => {
        const ciTrust = policyDocument({
            Effect: "Allow",
            Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
            Action: "sts:AssumeRoleWithWebIdentity",
        });
        const found = await taskRoleFindings(
            role("spare-task"),
            rolePolicy("spare", "spare-task", allow("*", "*")),
            role("ci-deployer", JSON.stringify(ciTrust)),
            rolePolicy("ci", "ci-deployer", allow("*", "*")),
        );
        assert.deepEqual(found, [
            "spare-task: Task role spare-task (it trusts ecs-tasks.amazonaws.com, so any task definition may name it): role policy spare: a statement allows every action of every service (*).",
        ]);
    });

    it("judges a role the task role may assume, and fails an assume or pass of any role or of one outside the stack", async () => {
        const found = await taskRoleFindings(
            rolePolicy(
                "hop",
                "api-task",
                allow("sts:AssumeRole", roleArn("admin"), { Sid: "Hop" }),
                allow("iam:PassRole", "*", { Sid: "AnyRole" }),
                allow("sts:AssumeRole", "arn:aws:iam::999999999999:role/OrganizationAccountAccessRole", { Sid: "Out" }),
            ),
            role(
                "admin",
                JSON.stringify(
                    policyDocument({
                        Effect: "Allow",
                        Principal: { AWS: roleArn("api-task") },
                        Action: "sts:AssumeRole",
                    }),
                ),
            ),
            rolePolicy("admin-policy", "admin", allow("*", "*")),
        );
        assert.deepEqual(found, [
            "api-task: Task role api-task (task definition api's taskRoleArn): role policy hop: statement AnyRole may assume or pass any role (iam:PassRole on *).",
            "api-task: Task role api-task (task definition api's taskRoleArn): role policy hop: statement Out may assume or pass arn:aws:iam::999999999999:role/OrganizationAccountAccessRole, which is no role of this stack, so what it holds cannot be judged.",
            "admin: Task role admin (task role api-task may assume or pass it): role policy admin-policy: a statement allows every action of every service (*).",
        ]);
    });

    it("fails a task role outside the stack, and an attached policy it cannot read, unless the configuration vouches for them", async () => {
        const outside = taskDefinition("outside", [container()], {
            taskRoleArn: "arn:aws:iam::123456789012:role/legacy-admin",
            executionRoleArn: roleArn("api-execution"),
        });
        const unreadable = resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "team", {
            role: "api-task",
            policyArn: `arn:aws:iam::${ACCOUNT}:policy/team-baseline`,
        });
        const stack = [...task(role("api-task")), outside, unreadable];
        assert.deepEqual(await violations(iamTaskRoleNoWildcards, stack), [
            "api-task: Task role api-task (task definition api's taskRoleArn): policy arn:aws:iam::123456789012:policy/team-baseline is attached, but its statements are neither in this stack nor in the pack's table of AWS managed policies, so what it grants cannot be judged.",
            "outside: The task definition outside's taskRoleArn names arn:aws:iam::123456789012:role/legacy-admin, which is no role of this stack: what it grants cannot be judged. Define the role in this stack, or list it in externalRoleArns if a policy run of its own stack judges it.",
        ]);
        const config = {
            "iam-task-role-no-wildcards": {
                externalRoleArns: ["arn:aws:iam::123456789012:role/legacy-admin"],
                trustedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/team-baseline`],
            },
        };
        assert.deepEqual(await violations(iamTaskRoleNoWildcards, stack, { config }), []);
    });

    it("judges a role an EventBridge target swaps in through its input override", async () => {
        const target = resource("aws:cloudwatch/eventTarget:EventTarget", "nightly", {
            rule: "nightly",
            arn: "arn:aws:ecs:us-east-1:123456789012:cluster/workers",
            ecsTarget: { taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/api:1" },
            input: JSON.stringify({ TaskRoleArn: roleArn("swap"), containerOverrides: [] }),
        });
        const found = await taskRoleFindings(
            target,
            role(
                "swap",
                JSON.stringify(
                    policyDocument({ Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "sts:AssumeRole" }),
                ),
            ),
            rolePolicy("swap-policy", "swap", allow("s3:*", "*")),
        );
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(
            found[0],
            /^swap: Task role swap \(nightly's override of taskRoleArn\): role policy swap-policy: a statement allows every action of a service/,
        );
    });

    it("in preview, follows an unknown taskRoleArn to the role it was built from and fails a wildcard it can read", async () => {
        const taskRole = role("api-task");
        const stack = planned([
            ...task(taskRole),
            rolePolicy("api-task-policy", "api-task", allow("sqs:*", "*", { Sid: "AllOfSqs" })),
        ]);
        assert.equal(stack[2].inputs.taskRoleArn, undefined, "the task role's ARN is unknown in this preview");
        const found = await violations(iamTaskRoleNoWildcards, stack, { preview: true });
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(
            found[0],
            /statement AllOfSqs allows every action of a service, or an action across services \(sqs:\*\)/,
        );
        assert.deepEqual(await undecided(iamTaskRoleNoWildcards, stack), []);
    });
});

describe("policy iam-execution-role-least-privilege", () => {
    it("passes AmazonECSTaskExecutionRolePolicy and scoped secrets; fails wildcards the task role could not have either", async () => {
        const executionRole = role("api-execution", undefined, {
            managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
        });
        const secrets = allow(
            "secretsmanager:GetSecretValue",
            `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf`,
        );
        assert.deepEqual(
            await violations(iamExecutionRoleLeastPrivilege, [
                ...task(role("api-task"), executionRole),
                rolePolicy("read", "api-execution", secrets),
            ]),
            [],
        );
        const found = await violations(iamExecutionRoleLeastPrivilege, [
            ...task(role("api-task"), executionRole),
            rolePolicy("read", "api-execution", allow("ssm:GetParameters", "*", { Sid: "AnyParameter" })),
        ]);
        assert.deepEqual(found, [
            "api-execution: Execution role api-execution (task definition api's executionRoleArn): role policy read: statement AnyParameter grants ssm:GetParameters on every resource (*).",
        ]);
    });
});

describe("policy iam-task-role-trust-scoped", () => {
    it("passes roles trusted by ecs-tasks.amazonaws.com under aws:SourceAccount", async () => {
        assert.deepEqual(await violations(iamTaskRoleTrustScoped, task(role("api-task"))), []);
    });

    it("fails a trust without the confused-deputy condition, or with another principal", async () => {
        const unscoped = role(
            "api-task",
            policyDocument({
                Effect: "Allow",
                Principal: { Service: "ecs-tasks.amazonaws.com" },
                Action: "sts:AssumeRole",
            }),
        );
        const shared = role(
            "api-execution",
            policyDocument({
                Effect: "Allow",
                Principal: {
                    Service: ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"],
                    AWS: `arn:aws:iam::${ACCOUNT}:root`,
                },
                Action: "sts:AssumeRole",
                Condition: { ArnLike: { "aws:SourceArn": `arn:aws:ecs:us-east-1:${ACCOUNT}:*` } },
            }),
        );
        assert.deepEqual(await violations(iamTaskRoleTrustScoped, task(unscoped, shared)), [
            "api-task: Role api-task (task definition api's taskRoleArn) does not restrict ECS to this account (no condition on the source's account, ARN or organization (aws:SourceAccount, aws:SourceArn, aws:SourceOrgID)), so ECS acting for any account could assume it.",
            `api-execution: Role api-execution (task definition api's executionRoleArn) trusts {"Service":["ecs-tasks.amazonaws.com","lambda.amazonaws.com"],"AWS":"arn:aws:iam::${ACCOUNT}:root"}, not only the service ecs-tasks.amazonaws.com.`,
        ]);
    });

    it("fails conditions that name the key but restrict nothing", async () => {
        const trusts = (Condition: unknown) =>
            JSON.stringify(
                policyDocument({
                    Effect: "Allow",
                    Principal: { Service: "ecs-tasks.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition,
                }),
            );
        const cases: Record<string, unknown> = {
            wildcardAccount: { StringLike: { "aws:SourceAccount": "????????????" } },
            star: { StringLike: { "aws:SourceAccount": "*" } },
            anyArn: { ArnLike: { "aws:SourceArn": "arn:aws:*" } },
            forAll: { "ForAllValues:StringEquals": { "aws:SourceAccount": ACCOUNT } },
            ifExists: { StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT } },
            negated: { StringNotEquals: { "aws:SourceAccount": "999999999999" } },
        };
        for (const [name, condition] of Object.entries(cases)) {
            const found = await violations(iamTaskRoleTrustScoped, task(role("api-task", trusts(condition))));
            assert.equal(found.length, 1, `${name}: ${found.join("\n")}`);
            assert.match(found[0], /does not restrict ECS to this account/, name);
        }
    });

    it("judges the trust of a role the component's task role is swapped for by a scheduled task's override", async () => {
        const built = await componentProgram(() => {
            const open = new aws.iam.Role("open", {
                assumeRolePolicy: JSON.stringify(
                    policyDocument({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }),
                ),
            });
            new aws.scheduler.Schedule("nightly", {
                scheduleExpression: "cron(0 2 * * ? *)",
                flexibleTimeWindow: { mode: "OFF" },
                target: {
                    arn: "arn:aws:ecs:eu-west-1:210987654321:cluster/workers",
                    roleArn: "arn:aws:iam::210987654321:role/scheduler",
                    ecsParameters: { taskDefinitionArn: "arn:aws:ecs:eu-west-1:210987654321:task-definition/jobs:1" },
                    input: open.arn.apply((arn) => JSON.stringify({ taskRoleArn: arn })),
                },
            });
        });
        const found = await violations(iamTaskRoleTrustScoped, built);
        assert.equal(found.length, 2, found.join("\n"));
        assert.match(found[0], /^open: Role open \(nightly's override of taskRoleArn\) trusts \{"AWS":"\*"\}/);
    });
});
