import * as assert from "node:assert/strict";
import { iamTaskRoleNoWildcards, iamTaskRoleTrustScoped } from "../../policy/iam";
import { StackResource } from "../../scripts/policyEngine";
import {
    ACCOUNT,
    componentStack,
    container,
    planned,
    policyDocument,
    resource,
    taskDefinition,
    undecided,
    violations,
} from "./fixtures";

const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

const SCOPED_TRUST = policyDocument({
    Effect: "Allow",
    Principal: { Service: "ecs-tasks.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
});

function role(
    name: string,
    trust: unknown = JSON.stringify(SCOPED_TRUST),
    inputs: Record<string, unknown> = {},
): StackResource {
    return resource(
        "aws:iam/role:Role",
        name,
        { assumeRolePolicy: trust, ...inputs },
        { name, arn: roleArn(name), id: name },
    );
}

/** A hand-built task: its task and execution roles, and a task definition naming them. */
function task(taskRole: StackResource, executionRole: StackResource = role("api-execution")): StackResource[] {
    const definition = taskDefinition("api", [container()], {
        taskRoleArn: taskRole.outputs.arn,
        executionRoleArn: executionRole.outputs.arn,
    });
    return [taskRole, executionRole, definition];
}

const rolePolicy = (name: string, roleName: string, ...statements: Record<string, unknown>[]) =>
    resource("aws:iam/rolePolicy:RolePolicy", name, {
        role: roleName,
        policy: JSON.stringify(policyDocument(...statements)),
    });

describe("IAM policies against what the component builds", function () {
    this.timeout(30_000);

    it("pass the component's task role policy and its roles' trust", async () => {
        const built = await componentStack();
        assert.deepEqual(await violations(iamTaskRoleNoWildcards, built), []);
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
        assert.deepEqual(
            await violations(iamTaskRoleNoWildcards, [
                ...task(role("api-task")),
                rolePolicy("api-task-policy", "api-task", consume, metrics),
            ]),
            [],
        );
    });

    it("fails service-wide actions, * actions, Resource * and NotAction in a role policy, inline or attached", async () => {
        const taskRole = role("api-task", undefined, {
            inlinePolicies: [
                {
                    name: "inline",
                    policy: JSON.stringify(
                        policyDocument({ Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" }),
                    ),
                },
            ],
            managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"],
        });
        const found = await violations(iamTaskRoleNoWildcards, [
            ...task(taskRole),
            rolePolicy(
                "api-task-policy",
                "api-task",
                {
                    Sid: "AllOfSqs",
                    Effect: "Allow",
                    Action: "sqs:*",
                    Resource: "arn:aws:sqs:us-east-1:123456789012:orders",
                },
                { Sid: "AnyBucket", Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
                { Sid: "AllBut", Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b/*" },
                { Sid: "AnyService", Effect: "Allow", Action: "*:Get*", Resource: "arn:aws:s3:::b/*" },
                { Sid: "DenyIsFine", Effect: "Deny", Action: "*", Resource: "*" },
            ),
        ]);
        assert.deepEqual(found, [
            "api-task: Task role api-task: inline policy inline: statement Everything allows every action of a service (*).",
            "api-task: Task role api-task: role policy api-task-policy: statement AllOfSqs allows every action of a service (sqs:*).",
            'api-task: Task role api-task: role policy api-task-policy: statement AnyBucket grants s3:GetObject on Resource "*".',
            "api-task: Task role api-task: role policy api-task-policy: statement AllBut allows every action but its NotAction.",
            "api-task: Task role api-task: role policy api-task-policy: statement AnyService allows every action of a service (*:Get*).",
            "api-task: Task role api-task: managed policy arn:aws:iam::aws:policy/AmazonS3FullAccess: statement AwsManagedBroadAccess allows every action of a service (*).",
        ]);
    });

    it("judges only task roles: the execution role's ecr:GetAuthorizationToken and others' roles are not its business", async () => {
        const other = role("ci-deployer");
        const found = await violations(iamTaskRoleNoWildcards, [
            ...task(role("api-task")),
            other,
            rolePolicy("ci", "ci-deployer", { Effect: "Allow", Action: "*", Resource: "*" }),
        ]);
        assert.deepEqual(found, []);
    });

    it("in preview, follows an unknown taskRoleArn to the role it was built from and fails a wildcard it can read", async () => {
        const taskRole = role("api-task");
        const stack = planned([
            ...task(taskRole),
            rolePolicy("api-task-policy", "api-task", {
                Sid: "AllOfSqs",
                Effect: "Allow",
                Action: "sqs:*",
                Resource: "*",
            }),
        ]);
        assert.equal(stack[2].inputs.taskRoleArn, undefined, "the task role's ARN is unknown in this preview");
        assert.deepEqual(await violations(iamTaskRoleNoWildcards, stack, { preview: true }), [
            "api-task: Task role api-task: role policy api-task-policy: statement AllOfSqs allows every action of a service (sqs:*).",
        ]);
        assert.deepEqual(await undecided(iamTaskRoleNoWildcards, stack), []);
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
            "api-task: Role api-task has no aws:SourceAccount or aws:SourceArn condition, so ECS acting for any account could assume it.",
            `api-execution: Role api-execution trusts {"Service":["ecs-tasks.amazonaws.com","lambda.amazonaws.com"],"AWS":"arn:aws:iam::${ACCOUNT}:root"}, not only the service ecs-tasks.amazonaws.com.`,
        ]);
    });
});
