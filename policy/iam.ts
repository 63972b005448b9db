// Policies on the IAM roles of ECS tasks: what the worker's code may do (no wildcards), and who may assume the roles
// (only ECS tasks, only for this account). A role is found from the task definitions that name it, by its ARN or,
// while the ARN is not known yet, by what the task definition's property was built from.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import {
    dependenciesOf,
    isRecord,
    listOf,
    Props,
    readStatements,
    ResourceType,
    securityHubControl,
    stringOf,
} from "./aws";
import { settings, stringListSetting } from "./config";
import { attempt, decideEach, need, Unknown } from "./preview";

/** The roles the task definitions of a stack name in `property` (taskRoleArn or executionRoleArn). */
function rolesNamedBy(
    resources: PolicyResource[],
    property: "taskRoleArn" | "executionRoleArn",
): (PolicyResource | Unknown)[] {
    const roles = resources.filter((resource) => resource.type === ResourceType.Role);
    return resources
        .filter((resource) => resource.type === ResourceType.TaskDefinition)
        .flatMap((taskDefinition): (PolicyResource | Unknown)[] => {
            const arn = attempt(() => stringOf(taskDefinition.props[property]));
            if (arn instanceof Unknown) {
                const built = dependenciesOf(taskDefinition, property, ResourceType.Role);
                return built.length > 0 ? built : [arn];
            }
            // A role outside the stack cannot be inspected from here.
            return roles.filter((role) => arn !== undefined && attempt(() => role.props.arn) === arn);
        })
        .filter((role, index, all) => all.indexOf(role) === index);
}

/** A policy document that applies to a role, and where it comes from. */
interface RoleDocument {
    source: string;
    document: unknown;
}

/** AWS-managed policies that grant whole services or everything: a task role never needs them. */
const BROAD_MANAGED_POLICY =
    /:iam::aws:policy\/(.*\/)?(AdministratorAccess|PowerUserAccess|[A-Za-z0-9]*FullAccess[A-Za-z0-9]*)$/;

/** The identity policies of `role`: inline, RolePolicy resources, and attached managed policies of the stack. */
function roleDocuments(role: PolicyResource, resources: PolicyResource[]): (RoleDocument | Unknown)[] {
    const documents: (RoleDocument | Unknown)[] = [];
    const names = [attempt(() => role.props.name), attempt(() => role.props.id)].filter(
        (value) => typeof value === "string",
    );
    const refersToRole = (resource: PolicyResource) => {
        const value = attempt(() => resource.props.role);
        if (value instanceof Unknown) {
            const built = dependenciesOf(resource, "role", ResourceType.Role);
            return built.length > 0 ? built.includes(role) : value;
        }
        return names.includes(value) || value === attempt(() => role.props.arn);
    };
    const inline = attempt(() =>
        listOf(role.props.inlinePolicies)
            .filter(isRecord)
            .map((item) => ({ source: `inline policy ${String(item.name)}`, document: item.policy })),
    );
    documents.push(...(inline instanceof Unknown ? [inline] : inline));
    const managedArns: (string | Unknown)[] = [];
    const listed = attempt(() => listOf(role.props.managedPolicyArns).map(String));
    managedArns.push(...(listed instanceof Unknown ? [listed] : listed));
    for (const resource of resources) {
        if (resource.type !== ResourceType.RolePolicy && resource.type !== ResourceType.RolePolicyAttachment) {
            continue;
        }
        const refers = refersToRole(resource);
        if (refers instanceof Unknown) {
            documents.push(refers);
            continue;
        }
        if (!refers) {
            continue;
        }
        if (resource.type === ResourceType.RolePolicy) {
            documents.push({ source: `role policy ${resource.name}`, document: attempt(() => resource.props.policy) });
            continue;
        }
        const policyArn = attempt(() => String(resource.props.policyArn));
        const built =
            policyArn instanceof Unknown ? dependenciesOf(resource, "policyArn", ResourceType.ManagedPolicy) : [];
        if (built.length > 0) {
            documents.push(
                ...built.map((policy) => ({
                    source: `policy ${policy.name}`,
                    document: attempt(() => policy.props.policy),
                })),
            );
        } else {
            managedArns.push(policyArn);
        }
    }
    for (const arn of managedArns) {
        if (arn instanceof Unknown) {
            documents.push(arn);
            continue;
        }
        const inStack = resources.find(
            (resource) => resource.type === ResourceType.ManagedPolicy && attempt(() => resource.props.arn) === arn,
        );
        if (inStack) {
            documents.push({ source: `policy ${inStack.name}`, document: attempt(() => inStack.props.policy) });
        } else if (BROAD_MANAGED_POLICY.test(arn)) {
            documents.push({
                source: `managed policy ${arn}`,
                document: {
                    Statement: [{ Sid: "AwsManagedBroadAccess", Effect: "Allow", Action: "*", Resource: "*" }],
                },
            });
        }
    }
    return documents;
}

export const wildcardSettings = settings<{ allowedWildcardResourceActions: string[] }>("iam-task-role-no-wildcards", {
    allowedWildcardResourceActions: stringListSetting(
        'Actions that may be granted on Resource "*" because IAM offers no narrower resource for them.',
        [
            "cloudwatch:PutMetricData",
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "xray:GetSamplingRules",
            "xray:GetSamplingTargets",
            "ecr:GetAuthorizationToken",
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
        ],
    ),
});

/** Why an Allow statement is too wide for a task role, or undefined. */
function wildcardProblem(statement: Props, allowedOnAnyResource: string[]): string | undefined {
    if (statement.Effect !== "Allow") {
        return undefined;
    }
    const actions = listOf(statement.Action).map(String);
    if (statement.NotAction !== undefined) {
        return "allows every action but its NotAction";
    }
    // `*`, `sqs:*`, and a wildcard in the service part (`*:Get*`), which matches every service.
    const wildActions = actions.filter(
        (action) => action === "*" || /:\*$/.test(action) || /^[^:]*\*[^:]*:/.test(action),
    );
    if (wildActions.length > 0) {
        return `allows every action of a service (${wildActions.join(", ")})`;
    }
    if (statement.NotResource !== undefined) {
        return "applies to every resource but its NotResource";
    }
    const allowed = allowedOnAnyResource.map((action) => action.toLowerCase());
    const anyResource = listOf(statement.Resource).some((resource) => resource === "*");
    const unlisted = actions.filter((action) => !allowed.includes(action.toLowerCase()));
    if (anyResource && unlisted.length > 0) {
        return `grants ${unlisted.join(", ")} on Resource "*"`;
    }
    return undefined;
}

export const iamTaskRoleNoWildcards: StackValidationPolicy = {
    name: "iam-task-role-no-wildcards",
    description:
        "The task role of every task definition (what the worker's code may do) grants no `*` or `service:*` action " +
        "and no action on Resource `*`, except the actions IAM offers no narrower resource for " +
        "(`allowedWildcardResourceActions`: PutMetricData, X-Ray, ecr:GetAuthorizationToken, ECS Exec's ssmmessages). " +
        "Its inline policies, role policies and attached policies are all read; an attached AWS-managed " +
        "AdministratorAccess, PowerUserAccess or *FullAccess policy counts as `*`. One job handler that runs a " +
        "crafted message then holds only what the worker needs.",
    enforcementLevel: "mandatory",
    severity: "high",
    ...securityHubControl(
        "IAM.21",
        "IAM customer managed policies that you create should not allow wildcard actions for services",
        "cdk-nag AwsSolutions-IAM5",
    ),
    remediationSteps:
        "Name the actions the worker calls (sqs:ReceiveMessage, sqs:DeleteMessage, sqs:ChangeMessageVisibility, ...) " +
        'and the resources it calls them on (its queue\'s ARN). If an action only works on Resource "*", add it to ' +
        "this policy's `allowedWildcardResourceActions`.",
    configSchema: wildcardSettings.configSchema,
    validateStack: (args, reportViolation) => {
        const { allowedWildcardResourceActions } = wildcardSettings.read(args);
        decideEach(rolesNamedBy(args.resources, "taskRoleArn"), (reference) => {
            const role = need(reference);
            decideEach(roleDocuments(role, args.resources), (item) => {
                const { source, document } = need(item);
                const statements = readStatements(need(document)) ?? [];
                decideEach(statements, (statement) => {
                    const problem = wildcardProblem(statement, allowedWildcardResourceActions);
                    if (problem) {
                        const sid = typeof statement.Sid === "string" ? ` statement ${statement.Sid}` : " a statement";
                        reportViolation(`Task role ${role.name}: ${source}:${sid} ${problem}.`, role.urn);
                    }
                });
            });
        });
    },
};

const ECS_TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com";
/** Condition keys that tie ECS's use of the role to this account (the confused-deputy guard). */
const CONFUSED_DEPUTY_KEYS = ["aws:sourceaccount", "aws:sourcearn"];

/** Why a trust policy lets more than this account's ECS tasks assume the role, or undefined. */
function trustProblems(statements: Props[]): string[] {
    return statements
        .filter((statement) => statement.Effect === "Allow")
        .flatMap((statement) => {
            const principal = statement.Principal;
            const services = isRecord(principal) ? listOf(principal.Service).map(String) : [];
            const others = isRecord(principal) ? Object.keys(principal).filter((kind) => kind !== "Service") : ["*"];
            const problems: string[] = [];
            if (
                statement.NotPrincipal !== undefined ||
                others.length > 0 ||
                services.some((service) => service !== ECS_TASKS_PRINCIPAL) ||
                services.length === 0
            ) {
                problems.push(
                    `trusts ${JSON.stringify(principal ?? statement.NotPrincipal)}, not only the service ${ECS_TASKS_PRINCIPAL}`,
                );
            }
            const condition = statement.Condition;
            const scoped =
                isRecord(condition) &&
                Object.entries(condition).some(
                    ([operator, block]) =>
                        !/not|ifexists/i.test(operator) &&
                        isRecord(block) &&
                        Object.keys(block).some((key) => CONFUSED_DEPUTY_KEYS.includes(key.toLowerCase())),
                );
            if (!scoped) {
                problems.push(
                    "has no aws:SourceAccount or aws:SourceArn condition, so ECS acting for any account could assume it",
                );
            }
            return problems;
        });
}

export const iamTaskRoleTrustScoped: StackValidationPolicy = {
    name: "iam-task-role-trust-scoped",
    description:
        `The task role and the execution role of every task definition trust only \`${ECS_TASKS_PRINCIPAL}\`, ` +
        "under an `aws:SourceAccount` or `aws:SourceArn` condition. Any other principal can take the worker's " +
        "permissions; without the condition, ECS acting for another account could (the confused-deputy problem).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        `Set the role's \`assumeRolePolicy\` to one statement: Effect Allow, Principal \`{ Service: "${ECS_TASKS_PRINCIPAL}" }\`, ` +
        'Action "sts:AssumeRole", Condition `{ StringEquals: { "aws:SourceAccount": <account id> }, ArnLike: ' +
        '{ "aws:SourceArn": "arn:aws:ecs:<region>:<account id>:*" } }`.',
    validateStack: (args, reportViolation) => {
        const roles = [
            ...rolesNamedBy(args.resources, "taskRoleArn"),
            ...rolesNamedBy(args.resources, "executionRoleArn"),
        ].filter((role, index, all) => all.indexOf(role) === index);
        decideEach(roles, (reference) => {
            const role = need(reference);
            const statements = readStatements(need(attempt(() => role.props.assumeRolePolicy)));
            const problems =
                statements === undefined
                    ? ["has no readable trust policy (assumeRolePolicy)"]
                    : trustProblems(statements);
            for (const problem of problems) {
                reportViolation(`Role ${role.name} ${problem}.`, role.urn);
            }
        });
    },
};

export const iamPolicies = [iamTaskRoleNoWildcards, iamTaskRoleTrustScoped];
