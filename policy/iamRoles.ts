// Which roles the tasks of a stack use, and which policies reach each role: one model for both IAM policies.
//
// A role is used by a task when a task definition names it (`taskRoleArn`, `executionRoleArn`: an ARN, the role's
// name, which ECS also accepts, or an output of a Role in the stack), when something that runs tasks overrides it (an
// EventBridge target's or a schedule's `input`, a pipe's `overrides`), when it trusts `ecs-tasks.amazonaws.com` (any
// task definition in the account may then name it), or when a role a task uses may assume it or pass it on.
//
// A policy reaches a role through the role's `inlinePolicies` and `managedPolicyArns`, `RolePolicy`,
// `RolePolicyAttachment`, `PolicyAttachment` (its `roles`) and `RolePolicyAttachmentsExclusive` (its `policyArns`).
// An attached ARN is read from the `aws.iam.Policy` in the stack that has it, from the pack's table of AWS managed
// policies, or is reported as unreadable.
import { PolicyResource } from "@pulumi/policy";
import { dependenciesOf, isRecord, listOf, readDocument, ResourceType, stringOf } from "./aws";
import {
    globMatches,
    grantedActions,
    grantsAction,
    isUnscopedResource,
    Statement,
    statementsOf,
} from "./iamStatements";
import { awsManagedPolicy } from "./managedPolicies";
import { taskOverrides } from "./overrides";
import { attempt, need, Unknown } from "./preview";

export type RoleKind = "task" | "execution";

/** A role of the stack that tasks use, and why the pack judges it. */
export interface RoleUse {
    role: PolicyResource;
    kind: RoleKind;
    /** Who uses it, for messages: "task definition api's taskRoleArn", "it trusts ecs-tasks.amazonaws.com". */
    via: string;
    /** The resource whose property names the role (a task definition, a target), if any. */
    namedBy?: PolicyResource;
}

/** A role that tasks use which is not in the stack: its policies cannot be read from here. */
export interface ExternalRole {
    reference: string;
    kind: RoleKind;
    via: string;
    namedBy: PolicyResource;
}

/** A reference that cannot be placed while a value is unknown (preview), and the kind of role it would be. */
export interface UnknownRole {
    kind: RoleKind;
    unknown: Unknown;
}

export type RoleReach = RoleUse | ExternalRole | UnknownRole;

export const ECS_TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com";

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

/**
 * Whether `reference` is one of a role's names or ARNs. IAM does not distinguish names by case (a role named `jobs`
 * is attached to as `JOBS` too), so neither does the pack.
 */
function namesRole(reference: unknown, names: unknown[]): boolean {
    return (
        typeof reference === "string" &&
        names.some((name) => typeof name === "string" && name.toLowerCase() === reference.toLowerCase())
    );
}

/** The role of the stack that `reference` (an ARN or a role name) names, if any. */
function findRole(reference: string, roles: PolicyResource[]): PolicyResource | undefined {
    const byArn = roles.find((role) => attempt(() => role.props.arn) === reference);
    if (byArn) {
        return byArn;
    }
    const parsed = ROLE_ARN.exec(reference);
    const name = parsed ? parsed[2] : reference.startsWith("arn:") ? undefined : reference;
    if (name === undefined) {
        return undefined;
    }
    return roles.find((role) => {
        const arn = attempt(() => stringOf(role.props.arn));
        // A known ARN decides (a role of the same name in another account is another role); else the name does.
        if (parsed && typeof arn === "string") {
            return false;
        }
        return namesRole(name, [attempt(() => role.props.name), attempt(() => role.props.id)]);
    });
}

/** Roles of the stack a property names: by its value, or while the value is unknown by what it was built from. */
function rolesNamed(
    resource: PolicyResource,
    property: string,
    value: unknown,
    roles: PolicyResource[],
): { found: PolicyResource[]; external: string[] } | Unknown {
    if (value instanceof Unknown) {
        const built = dependenciesOf(resource, property, ResourceType.Role);
        return built.length > 0 ? { found: built, external: [] } : value;
    }
    const found: PolicyResource[] = [];
    const external: string[] = [];
    for (const item of listOf(value)) {
        if (typeof item !== "string" || item === "") {
            continue;
        }
        const role = findRole(item, roles);
        if (role) {
            found.push(role);
        } else {
            external.push(item);
        }
    }
    return { found, external };
}

/**
 * Which role a property names, whatever the spelling: the URN of a role of the stack (by ARN, by name, or while its
 * value is unknown by what it was built from), `role <name>` for a role outside the stack, or undefined when the
 * property is not set. Unknown while a value cannot be placed.
 */
export function roleIdentity(
    resource: PolicyResource,
    property: string,
    resources: PolicyResource[],
): string | undefined | Unknown {
    const value = attempt(() => resource.props[property]);
    if (value === undefined || value === null || value === "") {
        return undefined;
    }
    const roles = resources.filter((candidate) => candidate.type === ResourceType.Role);
    const named = rolesNamed(resource, property, value, roles);
    if (named instanceof Unknown) {
        return named;
    }
    if (named.found.length > 0) {
        return named.found[0].urn;
    }
    const reference = named.external[0];
    return reference === undefined ? undefined : `role ${ROLE_ARN.exec(reference)?.[2] ?? reference}`;
}

/** Where each resource type that starts tasks names roles, as [kind, property, value, label]. */
function roleReferences(resource: PolicyResource): [RoleKind, string, unknown, string][] {
    if (resource.type === ResourceType.TaskDefinition) {
        return [
            [
                "task",
                "taskRoleArn",
                attempt(() => resource.props.taskRoleArn),
                `task definition ${resource.name}'s taskRoleArn`,
            ],
            [
                "execution",
                "executionRoleArn",
                attempt(() => resource.props.executionRoleArn),
                `task definition ${resource.name}'s executionRoleArn`,
            ],
        ];
    }
    return taskOverrides(resource).flatMap((overrides): [RoleKind, string, unknown, string][] =>
        overrides instanceof Unknown
            ? [["task", "", overrides, `${resource.name}'s overrides`]]
            : [
                  ["task", overrides.property, overrides.taskRoleArn, `${resource.name}'s override of taskRoleArn`],
                  [
                      "execution",
                      overrides.property,
                      overrides.executionRoleArn,
                      `${resource.name}'s override of executionRoleArn`,
                  ],
              ],
    );
}

/** Whether a role's trust policy lets ECS tasks (or anyone) assume it. Unknown while the trust policy is. */
export function trustsEcsTasks(role: PolicyResource): boolean {
    const document = readDocument(need(attempt(() => role.props.assumeRolePolicy)));
    const statements = document.kind === "present" ? (statementsOf(document.value) ?? []) : [];
    return statements.some((statement) => {
        if (!statement.allows || !grantsAction(statement.actions, "sts:AssumeRole")) {
            return false;
        }
        if (statement.notPrincipal !== undefined || statement.principal === "*") {
            return true;
        }
        const principal = statement.principal;
        return (
            isRecord(principal) &&
            (listOf(principal.Service).some((service) => String(service).toLowerCase() === ECS_TASKS_PRINCIPAL) ||
                listOf(principal.AWS).some((aws) => String(aws).includes("*")))
        );
    });
}

/** Actions that hand a role's permissions to whoever holds them: assuming it, or passing it to a task or function. */
const ROLE_HANDOFF_ACTIONS = ["sts:AssumeRole", "iam:PassRole"];

/**
 * The roles that tasks in the stack use, each once per kind, the references to roles outside the stack, and the
 * references that cannot be placed while a value is unknown (preview).
 */
export function rolesTasksUse(resources: PolicyResource[]): RoleReach[] {
    const roles = resources.filter((resource) => resource.type === ResourceType.Role);
    const reached: RoleReach[] = [];
    const seen = new Set<string>();
    const add = (entry: RoleUse | ExternalRole) => {
        const key = "role" in entry ? `${entry.role.urn} ${entry.kind}` : `${entry.reference} ${entry.kind}`;
        if (!seen.has(key)) {
            seen.add(key);
            reached.push(entry);
        }
    };
    for (const resource of resources) {
        for (const [kind, property, value, via] of roleReferences(resource)) {
            if (value === undefined || value === null || value === "") {
                continue;
            }
            const named = rolesNamed(resource, property, value, roles);
            if (named instanceof Unknown) {
                reached.push({ kind, unknown: named });
                continue;
            }
            named.found.forEach((role) => add({ role, kind, via, namedBy: resource }));
            named.external.forEach((reference) => add({ reference, kind, via, namedBy: resource }));
        }
    }
    for (const role of roles) {
        const named = reached.some((entry) => "role" in entry && entry.role === role);
        const trusts = attempt(() => trustsEcsTasks(role));
        if (trusts instanceof Unknown) {
            if (!named) {
                reached.push({ kind: "task", unknown: trusts });
            }
        } else if (trusts && !named) {
            add({ role, kind: "task", via: `it trusts ${ECS_TASKS_PRINCIPAL}, so any task definition may name it` });
        }
    }
    // Roles a task role may assume or pass on hold what it holds; follow them until nothing new is reached.
    for (let index = 0; index < reached.length; index++) {
        const entry = reached[index];
        if (!("role" in entry) || entry.kind !== "task") {
            continue;
        }
        for (const item of roleDocuments(entry.role, resources)) {
            if (item instanceof Unknown || !("statements" in item)) {
                continue;
            }
            for (const statement of item.statements) {
                for (const target of handedOffRoles(statement, roles)) {
                    if (target !== entry.role) {
                        add({ role: target, kind: "task", via: `task role ${entry.role.name} may assume or pass it` });
                    }
                }
            }
        }
    }
    return reached;
}

/** Roles of the stack a statement lets its holder assume or pass, named by a scoped resource (not a wildcard). */
function handedOffRoles(statement: Statement, roles: PolicyResource[]): PolicyResource[] {
    if (!statement.allows || grantedActions(statement.actions, ROLE_HANDOFF_ACTIONS).length === 0) {
        return [];
    }
    const patterns = statement.resources && !statement.resources.not ? statement.resources.patterns : [];
    return roles.filter((role) => {
        const arn = attempt(() => stringOf(role.props.arn));
        return (
            typeof arn === "string" &&
            patterns.some((pattern) => !isUnscopedResource(pattern) && globMatches(pattern, arn))
        );
    });
}

/** The statements of one policy that reaches a role, and where they come from. */
export interface RoleDocument {
    source: string;
    statements: Statement[];
}

/** A policy attached to a role whose statements the pack cannot read: outside the stack and not in its table. */
export interface UnreadablePolicy {
    source: string;
    arn: string;
}

/** The role a property of an attachment names: this one, another one, or not known yet. */
function refersTo(resource: PolicyResource, property: string, role: PolicyResource): boolean | Unknown {
    const value = attempt(() => resource.props[property]);
    if (value instanceof Unknown) {
        const built = dependenciesOf(resource, property, ResourceType.Role);
        return built.length > 0 ? built.includes(role) : value;
    }
    const names = [attempt(() => role.props.name), attempt(() => role.props.id), attempt(() => role.props.arn)];
    return listOf(value).some((item) => namesRole(item, names));
}

function parsedStatements(source: string, value: unknown): RoleDocument | Unknown {
    const statements = attempt(() => {
        const document = readDocument(need(value));
        return document.kind === "present" ? (statementsOf(document.value) ?? []) : [];
    });
    return statements instanceof Unknown ? statements : { source, statements };
}

/**
 * Every policy that reaches `role`: its statements, or Unknown while a value it depends on is, or an unreadable
 * policy (an ARN from outside the stack that the pack's table does not know).
 */
export function roleDocuments(
    role: PolicyResource,
    resources: PolicyResource[],
): (RoleDocument | UnreadablePolicy | Unknown)[] {
    const documents: (RoleDocument | UnreadablePolicy | Unknown)[] = [];
    const attachedArns: { arn: string | Unknown; via: PolicyResource; property: string }[] = [];

    const inline = attempt(() => listOf(role.props.inlinePolicies).filter(isRecord));
    if (inline instanceof Unknown) {
        documents.push(inline);
    } else {
        for (const item of inline) {
            documents.push(
                parsedStatements(
                    `inline policy ${String(attempt(() => item.name))}`,
                    attempt(() => item.policy),
                ),
            );
        }
    }
    const listed = attempt(() => listOf(role.props.managedPolicyArns));
    if (listed instanceof Unknown) {
        documents.push(listed);
    } else {
        listed.forEach((arn) => attachedArns.push({ arn: String(arn), via: role, property: "managedPolicyArns" }));
    }

    for (const resource of resources) {
        let roleProperty: string;
        let arnProperty: string | undefined;
        switch (resource.type) {
            case ResourceType.RolePolicy:
                roleProperty = "role";
                break;
            case ResourceType.RolePolicyAttachment:
                [roleProperty, arnProperty] = ["role", "policyArn"];
                break;
            case ResourceType.PolicyAttachment:
                [roleProperty, arnProperty] = ["roles", "policyArn"];
                break;
            case ResourceType.RolePolicyAttachmentsExclusive:
                [roleProperty, arnProperty] = ["roleName", "policyArns"];
                break;
            default:
                continue;
        }
        const refers = refersTo(resource, roleProperty, role);
        if (refers instanceof Unknown) {
            documents.push(refers);
            continue;
        }
        if (!refers) {
            continue;
        }
        if (arnProperty === undefined) {
            documents.push(
                parsedStatements(
                    `role policy ${resource.name}`,
                    attempt(() => resource.props.policy),
                ),
            );
            continue;
        }
        const value = attempt(() => resource.props[arnProperty]);
        if (value instanceof Unknown) {
            attachedArns.push({ arn: value, via: resource, property: arnProperty });
        } else {
            listOf(value).forEach((arn) =>
                attachedArns.push({ arn: String(arn), via: resource, property: arnProperty }),
            );
        }
    }

    const policies = resources.filter((resource) => resource.type === ResourceType.ManagedPolicy);
    for (const { arn, via, property } of attachedArns) {
        if (arn instanceof Unknown) {
            const built = dependenciesOf(via, property, ResourceType.ManagedPolicy);
            documents.push(
                ...(built.length > 0
                    ? built.map((policy) =>
                          parsedStatements(
                              `policy ${policy.name}`,
                              attempt(() => policy.props.policy),
                          ),
                      )
                    : [arn]),
            );
            continue;
        }
        const inStack = policies.find((policy) => attempt(() => policy.props.arn) === arn);
        if (inStack) {
            documents.push(
                parsedStatements(
                    `policy ${inStack.name}`,
                    attempt(() => inStack.props.policy),
                ),
            );
            continue;
        }
        const managed = awsManagedPolicy(arn);
        if (managed?.model) {
            const how = managed.model.how === "name" ? " (judged by its name)" : "";
            documents.push({
                source: `AWS managed policy ${managed.name}${how}`,
                statements: statementsOf({ Statement: managed.model.statements }) ?? [],
            });
        } else {
            documents.push({ source: managed ? `AWS managed policy ${managed.name}` : `policy ${arn}`, arn });
        }
    }
    return documents;
}
