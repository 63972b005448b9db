// Policies on ECS clusters, services and task definitions: the hardening Security Hub checks on running workloads,
// applied before the task definition is registered, plus the deployment safety a queue worker needs.
import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { ContainerDefinition, isRecord, isTrue, listOf, Props, readContainers, ResourceType, securityHubControl, stringOf } from "./aws";
import { readConfig, stringListSetting } from "./config";

/** Runs `check` on each container of a task definition; reports a container list that cannot be read. */
function forEachContainer(
    args: ResourceValidationArgs,
    reportViolation: ReportViolation,
    check: (container: ContainerDefinition) => string | undefined,
): void {
    if (args.type !== ResourceType.TaskDefinition) {
        return;
    }
    const read = readContainers(args.props.containerDefinitions);
    if (!read.ok) {
        reportViolation(`The task definition's ${read.reason}.`);
        return;
    }
    for (const container of read.containers) {
        const problem = check(container);
        if (problem) {
            reportViolation(`Container ${container.name}: ${problem}`);
        }
    }
}

export const ecsServiceNoPublicIp: ResourceValidationPolicy = {
    name: "ecs-service-no-public-ip",
    description:
        "ECS services do not give their tasks public IP addresses. A queue worker only calls out; a public address " +
        "makes every task reachable from the internet, guarded by security groups alone.",
    enforcementLevel: "mandatory",
    severity: "high",
    ...securityHubControl("ECS.2", "ECS services should not have public IP addresses assigned to them automatically"),
    remediationSteps:
        "Set `networkConfiguration.assignPublicIp` to false and run the tasks in private subnets with a NAT gateway or " +
        "VPC endpoints (SQS, ECR, CloudWatch Logs, and S3 for image layers) for their outbound calls.",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.Service) {
            return;
        }
        const network: unknown = args.props.networkConfiguration;
        if (isRecord(network) && isTrue(network.assignPublicIp)) {
            reportViolation("The service assigns public IP addresses to its tasks (networkConfiguration.assignPublicIp: true).");
        }
    },
};

/** The values of the cluster setting `containerInsights` that turn it on. */
const CONTAINER_INSIGHTS_ON = ["enabled", "enhanced"];

export const ecsClusterContainerInsights: ResourceValidationPolicy = {
    name: "ecs-cluster-container-insights",
    description:
        "ECS clusters turn on Container Insights, which records per-task CPU, memory and restarts: the evidence for " +
        "sizing workers and for finding tasks that crash on a poison message.",
    enforcementLevel: "mandatory",
    severity: "medium",
    ...securityHubControl("ECS.12", "ECS clusters should use Container Insights"),
    remediationSteps:
        'Add `{ name: "containerInsights", value: "enabled" }` (or "enhanced") to the cluster\'s `settings`. Do not ' +
        "rely on the account-level default: it can change and is invisible in review.",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.Cluster) {
            return;
        }
        const setting = listOf(args.props.settings)
            .filter(isRecord)
            .find((item) => item.name === "containerInsights");
        if (!setting) {
            reportViolation("The cluster does not set containerInsights, so it follows the account default.");
        } else if (!CONTAINER_INSIGHTS_ON.includes(String(setting.value))) {
            reportViolation(`The cluster sets containerInsights to "${String(setting.value)}".`);
        }
    },
};

export const ecsTaskLogging: ResourceValidationPolicy = {
    name: "ecs-task-logging",
    description:
        "Every container of a task definition has a log configuration with a log driver. A worker without logs " +
        "fails silently: its messages land in the dead-letter queue with no record of why.",
    enforcementLevel: "mandatory",
    severity: "medium",
    ...securityHubControl("ECS.9", "ECS task definitions should have a logging configuration"),
    remediationSteps:
        'Give each container a `logConfiguration`, for example `{ logDriver: "awslogs", options: { "awslogs-group": ' +
        '<log group name>, "awslogs-region": <region>, "awslogs-stream-prefix": <container name> } }`.',
    validateResource: (args, reportViolation) =>
        forEachContainer(args, reportViolation, (container) =>
            container.logDriver === undefined ? "has no logConfiguration.logDriver, so its output is lost." : undefined,
        ),
};

/** Variables that hold AWS or ECS agent credentials whatever their value (ECS.8's own list, plus session tokens). */
const CREDENTIAL_VARIABLES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "ECS_ENGINE_AUTH_DATA"];
/** Words that make a variable name look like it holds a secret. */
const SECRET_WORDS = [
    "password", "passwd", "passphrase", "secret", "secrets", "token", "credential", "credentials",
    // Two words people write apart (API_KEY) or together (apiKey, APIKEY); matched on adjacent words joined.
    "apikey", "privatekey", "accesskey",
];
/** A last word that makes the variable a reference to a secret or a setting about it, not the secret itself. */
const REFERENCE_SUFFIXES = ["arn", "id", "name", "path", "file", "url", "uri", "endpoint", "region", "header", "ttl", "seconds", "count", "limit", "size", "type"];
/** Values that are credentials whatever the variable is called. */
const SECRET_VALUE_PATTERNS: [RegExp, string][] = [
    [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/, "an AWS access key ID"],
    [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, "a URL with a password in it"],
    [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
];

/** Splits `DB_PASSWORD`, `dbPassword` and `db-password` into lower-case words. */
function words(name: string): string[] {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
        .split(/[^A-Za-z0-9]+/)
        .filter((word) => word !== "")
        .map((word) => word.toLowerCase());
}

/** Why a variable with a literal value looks like a plaintext secret, or undefined. */
function plaintextSecretReason(name: string, value: string): string | undefined {
    if (CREDENTIAL_VARIABLES.includes(name.toUpperCase())) {
        return "holds AWS or ECS agent credentials; the task role provides credentials, never the environment";
    }
    for (const [pattern, what] of SECRET_VALUE_PATTERNS) {
        if (pattern.test(value)) {
            return `holds ${what}`;
        }
    }
    const parts = words(name);
    if (value.startsWith("arn:") || REFERENCE_SUFFIXES.includes(parts[parts.length - 1])) {
        return undefined;
    }
    const adjacentPairs = parts.slice(1).map((word, index) => parts[index] + word);
    const secretLooking = [...parts, ...adjacentPairs].some((word) => SECRET_WORDS.includes(word));
    return secretLooking ? "has a secret-looking name and a literal value" : undefined;
}

const secretsDefaults = { allowedNames: [] as string[] };

export const ecsTaskNoPlaintextSecrets: ResourceValidationPolicy = {
    name: "ecs-task-no-plaintext-secrets",
    description:
        "No container passes secrets in plain `environment` variables: no AWS credentials, no values that are keys or " +
        "passwords, and no literal value under a secret-looking name (password, secret, token, API key, private key, " +
        "credentials). Task definitions are readable by anyone with ecs:DescribeTaskDefinition and every revision is " +
        "kept forever.",
    enforcementLevel: "mandatory",
    severity: "critical",
    ...securityHubControl("ECS.8", "Secrets should not be passed as container environment variables"),
    remediationSteps:
        "Move the value to Secrets Manager or SSM Parameter Store and reference it from the container's `secrets` " +
        "(`{ name, valueFrom: <secret ARN> }`); the component's `secrets` argument does this. Drop AWS credentials: the " +
        "task role provides them. If a name is a false positive (say TOKEN_BUCKET_CAPACITY), list it in `allowedNames`.",
    configSchema: {
        properties: {
            allowedNames: stringListSetting(
                "Variable names that look secret but are not (checked exactly, case-sensitively).",
                secretsDefaults.allowedNames,
            ),
        },
    },
    validateResource: (args, reportViolation) => {
        const { allowedNames } = readConfig(args, secretsDefaults);
        forEachContainer(args, reportViolation, (container) => {
            const problems = container.environment
                .filter((variable) => variable.value !== undefined && variable.value !== "" && !allowedNames.includes(variable.name))
                .map((variable) => {
                    const reason = plaintextSecretReason(variable.name, variable.value as string);
                    return reason ? `${variable.name} ${reason}` : undefined;
                })
                .filter((problem): problem is string => problem !== undefined);
            return problems.length > 0 ? `environment variable ${problems.join("; ")}.` : undefined;
        });
    },
};

export const ecsTaskNotPrivileged: ResourceValidationPolicy = {
    name: "ecs-task-not-privileged",
    description:
        "No container runs privileged. A privileged container has root on the host, so one compromised job handler " +
        "owns every task on the instance.",
    enforcementLevel: "mandatory",
    severity: "high",
    ...securityHubControl("ECS.4", "ECS containers should run as non-privileged"),
    remediationSteps:
        "Remove `privileged: true` from the container definition; grant the specific Linux capabilities the container " +
        "needs with `linuxParameters.capabilities.add` instead (Fargate refuses privileged containers anyway).",
    validateResource: (args, reportViolation) =>
        forEachContainer(args, reportViolation, (container) =>
            container.privileged ? "runs privileged (privileged: true)." : undefined,
        ),
};

export const ecsTaskReadonlyRootFilesystem: ResourceValidationPolicy = {
    name: "ecs-task-readonly-root-filesystem",
    description:
        "Containers mount their root filesystem read-only, so an attacker who gets code running through a crafted " +
        "message cannot plant tools or alter the worker's code.",
    enforcementLevel: "advisory",
    severity: "medium",
    ...securityHubControl("ECS.5", "ECS containers should be limited to read-only access to root filesystems"),
    remediationSteps:
        "Set `readonlyRootFilesystem: true` on the container and give it a volume for the paths it writes (for example " +
        "a task `volumes` entry mounted at /tmp).",
    validateResource: (args, reportViolation) =>
        forEachContainer(args, reportViolation, (container) =>
            container.readonlyRootFilesystem ? undefined : "can write to its root filesystem (readonlyRootFilesystem is not true).",
        ),
};

export const ecsTaskRoleSeparateFromExecutionRole: ResourceValidationPolicy = {
    name: "ecs-task-role-separate-from-execution-role",
    description:
        "A task definition's task role (what the worker's code may do) is not its execution role (what ECS may do to " +
        "start it: pull the image, read its secrets, write its logs). With one role, the code can read every secret " +
        "the task is given, and the agent gets the worker's queue permissions.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        "Create two roles: an execution role with AmazonECSTaskExecutionRolePolicy plus read access to the container's " +
        "secrets, and a task role with only what the worker calls (sqs:ReceiveMessage, sqs:DeleteMessage, " +
        "sqs:ChangeMessageVisibility on its queue).",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.TaskDefinition) {
            return;
        }
        const props: Props = args.props;
        const taskRoleArn = stringOf(props.taskRoleArn);
        if (taskRoleArn !== undefined && taskRoleArn === stringOf(props.executionRoleArn)) {
            reportViolation(`The task role and the execution role are the same role (${taskRoleArn}).`);
        }
    },
};

/** Deployment controllers other than ECS's own (CodeDeploy, external) have no circuit breaker. */
const ECS_DEPLOYMENT_CONTROLLER = "ECS";

export const ecsServiceCircuitBreaker: ResourceValidationPolicy = {
    name: "ecs-service-circuit-breaker",
    description:
        "ECS services deploy with the deployment circuit breaker on and rollback on, so a revision whose tasks keep " +
        "failing to start is rolled back instead of replacing healthy workers while the queue backs up.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Set `deploymentCircuitBreaker: { enable: true, rollback: true }` on the service.",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.Service) {
            return;
        }
        const props: Props = args.props;
        const controller = props.deploymentController;
        const controllerType = isRecord(controller) ? stringOf(controller.type) : undefined;
        if (controllerType !== undefined && controllerType !== ECS_DEPLOYMENT_CONTROLLER) {
            args.notApplicable(`the service deploys with ${controllerType}, which has no circuit breaker`);
        }
        const breaker = props.deploymentCircuitBreaker;
        if (!isRecord(breaker) || !isTrue(breaker.enable)) {
            reportViolation("The service deploys without the circuit breaker (deploymentCircuitBreaker.enable is not true).");
        } else if (!isTrue(breaker.rollback)) {
            reportViolation("The circuit breaker stops a failing deployment but does not roll it back (rollback is not true).");
        }
    },
};

export const ecsPolicies = [
    ecsServiceNoPublicIp,
    ecsClusterContainerInsights,
    ecsTaskLogging,
    ecsTaskNoPlaintextSecrets,
    ecsTaskNotPrivileged,
    ecsTaskReadonlyRootFilesystem,
    ecsTaskRoleSeparateFromExecutionRole,
    ecsServiceCircuitBreaker,
];
