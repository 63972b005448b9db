// Policies on the IAM roles of ECS tasks: what the worker's code may do (its task role), what ECS may do to start it
// (its execution role), and who may assume either. Which roles tasks use and which policies reach them is one model
// (./iamRoles); each statement is judged by its effect (./iamStatements), and trust conditions by whether they
// restrict the caller (./conditions).
import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { isRecord, listOf, readDocument, stringOf, mirrors, securityHubControl } from "./aws";
import { callerRestriction, SOURCE_SCOPE } from "./conditions";
import { settings, stringListSetting } from "./config";
import {
    everyActionPatterns,
    globMatches,
    grantedActions,
    hasWildcard,
    isUnscopedResource,
    serviceWidePatterns,
    Statement,
    statementLabel,
    statementsOf,
} from "./iamStatements";
import { ECS_TASKS_PRINCIPAL, RoleKind, RoleReach, roleDocuments, rolesTasksUse } from "./iamRoles";
import { attempt, decideEach, need } from "./preview";

/**
 * Actions that let whoever holds them raise their own permissions or act as another principal: rewriting IAM
 * policies, trust and credentials; running code or stacks under a role of their choosing; opening a resource's policy
 * to others. A worker's code never needs them, and neither does ECS starting it.
 */
const PRIVILEGE_ESCALATION_ACTIONS = [
    // Rewriting who holds what in IAM, or removing what limits it.
    "iam:AddRoleToInstanceProfile",
    "iam:AddUserToGroup",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:CreateRole",
    "iam:CreateServiceSpecificCredential",
    "iam:CreateUser",
    "iam:DeleteGroupPolicy",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DeleteUserPermissionsBoundary",
    "iam:DeleteUserPolicy",
    "iam:DetachGroupPolicy",
    "iam:DetachRolePolicy",
    "iam:DetachUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:PutUserPermissionsBoundary",
    "iam:PutUserPolicy",
    "iam:ResetServiceSpecificCredential",
    "iam:SetDefaultPolicyVersion",
    "iam:UpdateAccessKey",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateLoginProfile",
    "iam:UploadSSHPublicKey",
    "sts:GetFederationToken",
    // Running code or stacks under a role of the caller's choosing, or in someone else's running workload.
    "lambda:CreateFunction",
    "lambda:CreateEventSourceMapping",
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
    "ecs:RegisterTaskDefinition",
    "ecs:RunTask",
    "ecs:StartTask",
    "ecs:CreateService",
    "ecs:UpdateService",
    "ecs:CreateTaskSet",
    "ecs:UpdateTaskSet",
    "ecs:ExecuteCommand",
    "batch:RegisterJobDefinition",
    "batch:SubmitJob",
    "ec2:RunInstances",
    "ec2:AssociateIamInstanceProfile",
    "ec2:ReplaceIamInstanceProfileAssociation",
    "ec2:CreateLaunchTemplateVersion",
    "ec2:ModifyLaunchTemplate",
    "ec2-instance-connect:SendSSHPublicKey",
    "autoscaling:CreateAutoScalingGroup",
    "autoscaling:CreateLaunchConfiguration",
    "autoscaling:UpdateAutoScalingGroup",
    "ssm:SendCommand",
    "ssm:StartSession",
    "ssm:StartAutomationExecution",
    "cloudformation:CreateStack",
    "cloudformation:UpdateStack",
    "cloudformation:CreateChangeSet",
    "cloudformation:ExecuteChangeSet",
    "cloudformation:CreateStackSet",
    "cloudformation:UpdateStackSet",
    "cloudformation:SetStackPolicy",
    "codebuild:CreateProject",
    "codebuild:UpdateProject",
    "codebuild:StartBuild",
    "codestar:CreateProject",
    "datapipeline:CreatePipeline",
    "datapipeline:PutPipelineDefinition",
    "glue:CreateDevEndpoint",
    "glue:UpdateDevEndpoint",
    "glue:CreateJob",
    "glue:UpdateJob",
    "glue:CreateSession",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
    "states:CreateStateMachine",
    "states:UpdateStateMachine",
    "apprunner:CreateService",
    "apprunner:UpdateService",
    // Opening a resource's policy, ACL or sharing to others.
    "kms:PutKeyPolicy",
    "kms:CreateGrant",
    "s3:PutBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutAccessPointPolicy",
    "sqs:AddPermission",
    "sqs:SetQueueAttributes",
    "sns:AddPermission",
    "sns:SetTopicAttributes",
    "lambda:AddPermission",
    "lambda:AddLayerVersionPermission",
    "secretsmanager:PutResourcePolicy",
    "ecr:SetRepositoryPolicy",
    "ecr:PutRegistryPolicy",
    "logs:PutResourcePolicy",
    "events:PutPermission",
    "glacier:SetVaultAccessPolicy",
    "backup:PutBackupVaultAccessPolicy",
    "ram:CreateResourceShare",
    "ssm:ModifyDocumentPermission",
    "ec2:ModifySnapshotAttribute",
    "ec2:ModifyImageAttribute",
    "rds:ModifyDBSnapshotAttribute",
    "rds:ModifyDBClusterSnapshotAttribute",
    "organizations:LeaveOrganization",
];

/** Actions that hand over a role: assuming it, or passing it to a task, function or stack. Judged by their resource. */
const ROLE_HANDOFF_ACTIONS = ["sts:AssumeRole", "iam:PassRole"];

const ALLOWED_ON_ANY_RESOURCE_DESCRIPTION =
    'Actions that may be granted on every resource (Resource "*" and patterns like arn:aws:sqs:*:*:*) because IAM ' +
    "offers no narrower resource for them.";

const EXTERNAL_ROLES_DESCRIPTION =
    "ARNs (or names) of roles outside the stack that tasks may use: their policies are judged elsewhere, so the " +
    "pack lists them as left unjudged instead of failing.";

const TRUSTED_POLICIES_DESCRIPTION =
    "ARNs of managed policies whose statements the pack cannot read (outside the stack, not in its table of AWS " +
    "managed policies) that the team has reviewed.";

interface RoleSettings {
    allowedWildcardResourceActions: string[];
    externalRoleArns: string[];
    trustedPolicyArns: string[];
}

function roleSettings(policyName: string, allowedDefault: string[]) {
    return settings<RoleSettings>(policyName, {
        allowedWildcardResourceActions: stringListSetting(ALLOWED_ON_ANY_RESOURCE_DESCRIPTION, allowedDefault),
        externalRoleArns: stringListSetting(EXTERNAL_ROLES_DESCRIPTION, []),
        trustedPolicyArns: stringListSetting(TRUSTED_POLICIES_DESCRIPTION, []),
    });
}

export const wildcardSettings = roleSettings("iam-task-role-no-wildcards", [
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
]);

export const executionRoleSettings = roleSettings("iam-execution-role-least-privilege", [
    // What ECS needs to pull an image from any ECR repository and to write the container's logs, as
    // AmazonECSTaskExecutionRolePolicy grants them.
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
]);

/** Whether a statement grants an action that hands a role over. */
function grantsHandoff(statement: Statement): boolean {
    return grantedActions(statement.actions, ROLE_HANDOFF_ACTIONS).length > 0;
}

/** Whether a resource pattern may name an IAM role (an `iam` ARN of a role, or with wildcards where that goes). */
function couldNameRole(pattern: string): boolean {
    const parts = pattern.split(":");
    return parts.length >= 6 && globMatches(parts[2], "iam", true) && /^(role\/|[*?])/.test(parts.slice(5).join(":"));
}

/** A role ARN pattern that names roles of the stack, for telling a hand-off to an outside role from one inside. */
type StackRoleMatcher = (pattern: string) => boolean;

/** Why an Allow statement gives a role more than a task's role should hold: each problem, in words. */
function statementProblems(
    statement: Statement,
    allowedOnAnyResource: string[],
    isStackRole: StackRoleMatcher,
    externalRoles: string[],
): string[] {
    if (!statement.allows) {
        return [];
    }
    const problems: string[] = [];
    const { actions } = statement;
    const every = everyActionPatterns(actions);
    if (actions.not) {
        problems.push(`allows every action but its NotAction (${actions.patterns.join(", ")})`);
    } else if (every.length > 0) {
        problems.push(`allows every action of every service (${every.join(", ")})`);
    } else {
        const wide = serviceWidePatterns(actions);
        const escalation = grantedActions(actions, PRIVILEGE_ESCALATION_ACTIONS);
        const raising = `actions that raise privileges or act as another principal (${escalation.join(", ")})`;
        if (wide.length > 0) {
            problems.push(
                `allows every action of a service, or an action across services (${wide.join(", ")})` +
                    (escalation.length > 0 ? `, among them ${raising}` : ""),
            );
        } else if (escalation.length > 0) {
            problems.push(`allows ${raising}`);
        }
    }
    const resources = statement.resources;
    if (resources?.not) {
        problems.push(`applies to every resource but its NotResource (${resources.patterns.join(", ")})`);
        return problems;
    }
    const patterns = resources?.patterns ?? [];
    const unscoped = patterns.filter(isUnscopedResource);
    if (problems.length > 0 || (unscoped.length === 0 && !grantsHandoff(statement))) {
        // A statement already condemned for its actions needs no resource finding on top; one without wildcard
        // resources and without a role hand-off is scoped.
        return problems;
    }
    const handoff = grantedActions(actions, ROLE_HANDOFF_ACTIONS);
    if (handoff.length > 0) {
        if (unscoped.length > 0) {
            problems.push(`may assume or pass any role (${handoff.join(", ")} on ${unscoped.join(", ")})`);
        }
        const named = patterns.filter(
            (pattern) => couldNameRole(pattern) && !isUnscopedResource(pattern) && !externalRoles.includes(pattern),
        );
        const outside = named.filter((pattern) => !isStackRole(pattern));
        if (outside.length > 0) {
            problems.push(
                `may assume or pass ${outside.join(", ")}, which is no role of this stack, so what it holds cannot be judged`,
            );
        }
        // A pattern that matches a role of the stack matches every role of that name pattern, in this account or
        // (with a wildcard account) any other: the ones outside the stack cannot be judged.
        const wider = named.filter((pattern) => isStackRole(pattern) && hasWildcard(pattern));
        if (wider.length > 0) {
            problems.push(
                `may assume or pass every role ${wider.join(", ")} matches, roles outside this stack among them, so ` +
                    "what they hold cannot be judged (name each role's ARN)",
            );
        }
    }
    if (unscoped.length > 0) {
        const allowed = [...allowedOnAnyResource, ...ROLE_HANDOFF_ACTIONS].map((action) => action.toLowerCase());
        const unlisted = actions.patterns.filter((pattern) => !allowed.includes(pattern.toLowerCase()));
        if (unlisted.length > 0) {
            problems.push(`grants ${unlisted.join(", ")} on every resource (${unscoped.join(", ")})`);
        }
    }
    return problems;
}

/** Judges every policy that reaches `role`, reporting each problem on the role. */
function judgeRole(
    reach: Extract<RoleReach, { role: PolicyResource }>,
    resources: PolicyResource[],
    roleSettingsRead: RoleSettings,
    reportViolation: ReportViolation,
): void {
    const { role, kind, via } = reach;
    const roles = resources.filter((resource) => resource.type === role.type);
    const isStackRole: StackRoleMatcher = (pattern) =>
        roles.some((candidate) => {
            const arn = attempt(() => stringOf(candidate.props.arn));
            return typeof arn === "string" && globMatches(pattern, arn);
        });
    const label = `${kind === "task" ? "Task" : "Execution"} role ${role.name} (${via})`;
    decideEach(roleDocuments(role, resources), (item) => {
        const document = need(item);
        if ("arn" in document) {
            if (!roleSettingsRead.trustedPolicyArns.includes(document.arn)) {
                reportViolation(
                    `${label}: ${document.source} is attached, but its statements are neither in this stack nor in ` +
                        "the pack's table of AWS managed policies, so what it grants cannot be judged.",
                    role.urn,
                );
            }
            return;
        }
        decideEach(document.statements, (statement) => {
            for (const problem of statementProblems(
                statement,
                roleSettingsRead.allowedWildcardResourceActions,
                isStackRole,
                roleSettingsRead.externalRoleArns,
            )) {
                reportViolation(`${label}: ${document.source}: ${statementLabel(statement)} ${problem}.`, role.urn);
            }
        });
    });
}

/** The body both role policies share: judge every role of `kind` that tasks use, and report roles it cannot see. */
function validateRoles(
    kind: RoleKind,
    resources: PolicyResource[],
    read: RoleSettings,
    reportViolation: ReportViolation,
): void {
    decideEach(
        rolesTasksUse(resources).filter((entry) => entry.kind === kind),
        (entry) => {
            if ("unknown" in entry) {
                throw entry.unknown.error;
            }
            if ("reference" in entry) {
                if (!read.externalRoleArns.includes(entry.reference)) {
                    reportViolation(
                        `The ${entry.via} names ${entry.reference}, which is no role of this stack: what it grants ` +
                            "cannot be judged. Define the role in this stack, or list it in externalRoleArns if a " +
                            "policy run of its own stack judges it.",
                        entry.namedBy.urn,
                    );
                }
                return;
            }
            judgeRole(entry, resources, read, reportViolation);
        },
    );
}

const ROLE_POLICY_REACH =
    "The roles judged are every role a task definition names (by ARN, by name, or as an output of a Role in the " +
    "stack), every role an EventBridge target, schedule or pipe overrides, every role that trusts " +
    "`ecs-tasks.amazonaws.com` (any task definition may name it), and every role such a role may assume or pass. " +
    "Every way a policy reaches a role is read: inline policies, `RolePolicy`, `RolePolicyAttachment`, " +
    "`PolicyAttachment`, `RolePolicyAttachmentsExclusive` and `managedPolicyArns`, AWS managed policies through the " +
    "pack's table of them. Statements are judged by effect: `*`, `*:*`, `iam:**`, `s?s:*` and NotAction grant whole " +
    "services; `*`, `arn:aws:sqs:*:*:*` and `...:table/*` are every resource. A role or policy the pack cannot read " +
    "fails unless listed in `externalRoleArns` or `trustedPolicyArns`.";

export const iamTaskRoleNoWildcards: StackValidationPolicy = {
    name: "iam-task-role-no-wildcards",
    description:
        "The task role of every task (what the worker's code may do) grants no action on every service or every " +
        "action of a service, no action that raises privileges or hands a role over, and no action on every resource " +
        "except the actions IAM offers no narrower resource for (`allowedWildcardResourceActions`: PutMetricData, " +
        `X-Ray, ecr:GetAuthorizationToken, ECS Exec's ssmmessages). ${ROLE_POLICY_REACH} One job handler that runs a ` +
        "crafted message then holds only what the worker needs.",
    enforcementLevel: "mandatory",
    severity: "high",
    ...securityHubControl(
        "IAM.21",
        "IAM customer managed policies that you create should not allow wildcard actions for services",
        "IAM.1",
        "cdk-nag AwsSolutions-IAM5",
        "CKV_AWS_62",
        "CKV_AWS_63",
        "CKV_AWS_286",
        "CKV_AWS_288",
        "CKV_AWS_290",
        "CKV_AWS_355",
    ),
    remediationSteps:
        "Name the actions the worker calls (sqs:ReceiveMessage, sqs:DeleteMessage, sqs:ChangeMessageVisibility, ...) " +
        'and the resources it calls them on (its queue\'s ARN). If an action only works on Resource "*", add it to ' +
        "this policy's `allowedWildcardResourceActions`. Attach no AWS managed FullAccess, PowerUser or Administrator " +
        "policy to a task role.",
    configSchema: wildcardSettings.configSchema,
    validateStack: (args, reportViolation) =>
        validateRoles("task", args.resources, wildcardSettings.read(args), reportViolation),
};

export const iamExecutionRoleLeastPrivilege: StackValidationPolicy = {
    name: "iam-execution-role-least-privilege",
    description:
        "The execution role of every task (what ECS may do to start it: pull the image, write its logs, read its " +
        "secrets) is judged like a task role, with its own exceptions on every resource: the ECR image pull and the " +
        `CloudWatch Logs writes AmazonECSTaskExecutionRolePolicy grants. ${ROLE_POLICY_REACH} An execution role with ` +
        "wider rights hands them to whoever can register a task definition with it.",
    enforcementLevel: "mandatory",
    severity: "high",
    ...mirrors(
        { checkov: "CKV_AWS_286", title: "Ensure IAM policies does not allow privilege escalation" },
        "cdk-nag AwsSolutions-IAM5",
        "CKV_AWS_288",
        "CKV_AWS_355",
    ),
    remediationSteps:
        "Give the execution role AmazonECSTaskExecutionRolePolicy (or its four ECR and two Logs actions), plus " +
        "secretsmanager:GetSecretValue and ssm:GetParameters on exactly the container's secrets, and kms:Decrypt on " +
        "the keys that encrypt them. Nothing else.",
    configSchema: executionRoleSettings.configSchema,
    validateStack: (args, reportViolation) =>
        validateRoles("execution", args.resources, executionRoleSettings.read(args), reportViolation),
};

/** Why a trust policy lets more than this account's ECS tasks assume the role, or nothing. */
function trustProblems(statements: Statement[]): string[] {
    return statements
        .filter((statement) => statement.allows)
        .flatMap((statement) => {
            const principal = statement.principal;
            const services = isRecord(principal) ? listOf(need(principal.Service)).map(String) : [];
            const others = isRecord(principal) ? Object.keys(principal).filter((kind) => kind !== "Service") : ["*"];
            const problems: string[] = [];
            if (
                statement.notPrincipal !== undefined ||
                others.length > 0 ||
                services.length === 0 ||
                services.some((service) => service.toLowerCase() !== ECS_TASKS_PRINCIPAL)
            ) {
                problems.push(
                    `trusts ${JSON.stringify(principal ?? { NotPrincipal: statement.notPrincipal })}, not only the service ${ECS_TASKS_PRINCIPAL}`,
                );
            }
            const verdict = callerRestriction(statement.condition, SOURCE_SCOPE);
            if (!verdict.restricts) {
                problems.push(
                    `does not restrict ECS to this account (${verdict.reason}), so ECS acting for any account could assume it`,
                );
            }
            return problems;
        });
}

export const iamTaskRoleTrustScoped: StackValidationPolicy = {
    name: "iam-task-role-trust-scoped",
    description:
        `The task role and the execution role of every task trust only \`${ECS_TASKS_PRINCIPAL}\`, under a condition ` +
        "that restricts it to an account or a source: an `aws:SourceAccount` or `aws:SourceArn` (or `aws:SourceOrgID`) " +
        "condition whose operator is false when the key is absent and whose values name one account. Wildcard " +
        'patterns (`"????????????"`, `"arn:aws:*"`), negated operators, `...IfExists` and `ForAllValues:` without a ' +
        "`Null` check restrict nothing. Any other principal can take the worker's permissions; without the condition, " +
        "ECS acting for another account could (the confused-deputy problem).",
    enforcementLevel: "mandatory",
    severity: "high",
    ...mirrors({
        checkov: "CKV_AWS_60",
        title: "Ensure IAM role allows only specific services or principals to assume it",
    }),
    remediationSteps:
        `Set the role's \`assumeRolePolicy\` to one statement: Effect Allow, Principal \`{ Service: "${ECS_TASKS_PRINCIPAL}" }\`, ` +
        'Action "sts:AssumeRole", Condition `{ StringEquals: { "aws:SourceAccount": <account id> }, ArnLike: ' +
        '{ "aws:SourceArn": "arn:aws:ecs:<region>:<account id>:*" } }`.',
    validateStack: (args, reportViolation) => {
        const roles = rolesTasksUse(args.resources);
        const judged = new Set<PolicyResource>();
        decideEach(roles, (entry) => {
            if ("unknown" in entry) {
                throw entry.unknown.error;
            }
            if (!("role" in entry) || judged.has(entry.role)) {
                return;
            }
            judged.add(entry.role);
            const role = entry.role;
            const document = readDocument(need(attempt(() => role.props.assumeRolePolicy)));
            const statements = document.kind === "present" ? statementsOf(document.value) : undefined;
            const problems =
                statements === undefined
                    ? ["has no readable trust policy (assumeRolePolicy)"]
                    : trustProblems(statements);
            for (const problem of problems) {
                reportViolation(`Role ${role.name} (${entry.via}) ${problem}.`, role.urn);
            }
        });
    },
};

export const iamPolicies = [iamTaskRoleNoWildcards, iamExecutionRoleLeastPrivilege, iamTaskRoleTrustScoped];
