// Policies on ECS clusters, services and task definitions: the hardening Security Hub checks on running workloads,
// applied before the task definition is registered, plus the deployment safety a queue worker needs.
import {
    ResourceValidationArgs,
    ResourceValidationPolicy,
    ReportViolation,
    StackValidationPolicy,
} from "@pulumi/policy";
import { isRecord, isTrue, listOf, mirrors, Props, ResourceType, securityHubControl, stringOf } from "./aws";
import { ContainerDefinition, readContainers } from "./containers";
import { roleIdentity } from "./iamRoles";
import { settings, stringListSetting } from "./config";
import { attempt, decideEach, need, Unknown } from "./preview";
import { launchSetting, taskOverrides } from "./overrides";
import { plaintextSecretReason, secretInArguments } from "./secrets";

/**
 * Runs `check` on each container of a task definition; reports a container list that cannot be read. Each container
 * is decided on its own, so in preview a container whose field is unknown leaves only itself open.
 */
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
    decideEach(read.containers, (container) => {
        const problem = check(container);
        if (problem) {
            reportViolation(`Container ${container.name}: ${problem}`);
        }
    });
}

export const ecsServiceNoPublicIp: ResourceValidationPolicy = {
    name: "ecs-service-no-public-ip",
    description:
        "ECS services do not give their tasks public IP addresses. A queue worker only calls out; a public address " +
        "makes every task reachable from the internet, guarded by security groups alone.",
    enforcementLevel: "mandatory",
    severity: "high",
    ...securityHubControl(
        "ECS.2",
        "ECS services should not have public IP addresses assigned to them automatically",
        "CKV_AWS_333",
    ),
    remediationSteps:
        "Set `networkConfiguration.assignPublicIp` to false and run the tasks in private subnets with a NAT gateway or " +
        "VPC endpoints (SQS, ECR, CloudWatch Logs, and S3 for image layers) for their outbound calls.",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.Service) {
            return;
        }
        const network: unknown = args.props.networkConfiguration;
        // Boolean in the Pulumi provider; "ENABLED" in the shape CloudFormation and the ECS API use.
        if (
            isRecord(network) &&
            (isTrue(network.assignPublicIp) || String(network.assignPublicIp).toUpperCase() === "ENABLED")
        ) {
            reportViolation(
                "The service assigns public IP addresses to its tasks (networkConfiguration.assignPublicIp: true).",
            );
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
    ...securityHubControl(
        "ECS.12",
        "ECS clusters should use Container Insights",
        "CKV_AWS_65",
        "cdk-nag AwsSolutions-ECS4",
    ),
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
    ...securityHubControl(
        "ECS.9",
        "ECS task definitions should have a logging configuration",
        "cdk-nag AwsSolutions-ECS7",
    ),
    remediationSteps:
        'Give each container a `logConfiguration`, for example `{ logDriver: "awslogs", options: { "awslogs-group": ' +
        '<log group name>, "awslogs-region": <region>, "awslogs-stream-prefix": <container name> } }`.',
    validateResource: (args, reportViolation) =>
        forEachContainer(args, reportViolation, (container) =>
            need(container.logDriver) === undefined
                ? "has no logConfiguration.logDriver, so its output is lost."
                : undefined,
        ),
};

export const secretsSettings = settings<{ allowedNames: string[] }>("ecs-task-no-plaintext-secrets", {
    allowedNames: stringListSetting(
        "Variable names that look secret but are not (checked exactly, case-sensitively).",
        [],
    ),
});

/** Reports each plaintext secret among `variables` (name and value pairs), skipping the allowed names. */
function reportSecrets(
    variables: { name: string; value: string | undefined | Unknown }[],
    allowedNames: string[],
    where: string,
    what: string,
    reportViolation: ReportViolation,
): void {
    // One violation per variable, reported as soon as it is seen: a variable whose value is unknown in preview leaves
    // only itself open.
    decideEach(variables, (variable) => {
        const value = allowedNames.includes(variable.name) ? undefined : need(variable.value);
        const reason = value ? plaintextSecretReason(variable.name, value) : undefined;
        if (reason) {
            reportViolation(`${where}: ${what} ${variable.name} ${reason}.`);
        }
    });
}

export const ecsTaskNoPlaintextSecrets: ResourceValidationPolicy = {
    name: "ecs-task-no-plaintext-secrets",
    description:
        "No container starts with a plaintext secret: not in its `environment`, not in its `command` or `entryPoint` " +
        "(`--password=...`, `DB_PASSWORD=... ./run`), not in its log driver's `options`, and not in the container " +
        "overrides an EventBridge target, schedule or pipe sends with the task. A value in a credential format (AWS " +
        "keys and the shape of a secret access key, Stripe, GitHub, GitLab, Slack, Google, npm, SendGrid, OpenAI, " +
        "JWTs, private keys), a URL or connection string with a password (`postgres://u:p@h`, `host=db password=p`, " +
        "`jdbc:...?password=p`) fails whatever its name; a secret-sounding name (_KEY, _PASS, _PASSWORD, _TOKEN, " +
        "_SECRET, _WEBHOOK_URL, or password, secret or token anywhere) fails unless its value is plainly a setting or " +
        "a reference (a number, a switch, a duration, an ARN, a URL without credentials, a path or secret name made of " +
        "words). Task definitions are readable by anyone with ecs:DescribeTaskDefinition and every revision is kept.",
    enforcementLevel: "mandatory",
    severity: "critical",
    ...securityHubControl(
        "ECS.8",
        "Secrets should not be passed as container environment variables",
        "cdk-nag AwsSolutions-ECS2",
    ),
    remediationSteps:
        "Move the value to Secrets Manager or SSM Parameter Store and reference it from the container's `secrets` " +
        "(`{ name, valueFrom: <secret ARN> }`), or a log driver's `secretOptions`; the component's `secrets` argument " +
        "does this. Drop AWS credentials: the task role provides them. If a name is a false positive (say " +
        "TOKEN_BUCKET_CAPACITY), list it in `allowedNames`.",
    configSchema: secretsSettings.configSchema,
    validateResource: (args, reportViolation) => {
        const { allowedNames } = secretsSettings.read(args);
        if (args.type !== ResourceType.TaskDefinition) {
            decideEach(taskOverrides(args), (item) => {
                const overrides = need(item);
                decideEach(overrides.containers, (container) => {
                    const where = `The override of container ${container.name} (${overrides.property})`;
                    reportSecrets(container.environment, allowedNames, where, "environment variable", reportViolation);
                    const reason = secretInArguments(container.command);
                    if (reason) {
                        reportViolation(`${where}: its command ${reason}.`);
                    }
                });
            });
            return;
        }
        forEachContainer(args, reportViolation, (container) => {
            const where = `Container ${container.name}`;
            const maps = [
                ["environment variable", container.environment],
                ["log driver option", container.logOptions],
                ["FireLens option", container.firelensOptions],
                ["docker label", container.dockerLabels],
            ] as const;
            const argumentLists = [
                ["command", container.command],
                ["entryPoint", container.entryPoint],
                ["healthCheck command", container.healthCheckCommand],
            ] as const;
            decideEach(
                [
                    ...maps.map(
                        ([what, entries]) =>
                            () =>
                                reportSecrets(need(entries), allowedNames, where, what, reportViolation),
                    ),
                    ...argumentLists.map(([what, list]) => () => {
                        const reason = secretInArguments(need(list));
                        if (reason) {
                            reportViolation(`${where}: its ${what} ${reason}.`);
                        }
                    }),
                ],
                (check) => check(),
            );
            return undefined;
        });
    },
};

/**
 * The task's volumes that reach the host's filesystem, by name: a host path (`hostPath`, CloudFormation's
 * `Host.SourcePath`), or a Docker `local` volume bound to a host directory (`driverOpts.device`).
 */
function hostVolumes(volumes: unknown): Map<string, string> {
    const found = new Map<string, string>();
    for (const volume of listOf(volumes).filter(isRecord)) {
        const name = stringOf(volume.name);
        const host = isRecord(volume.host) ? stringOf(volume.host.sourcePath) : undefined;
        const docker = isRecord(volume.dockerVolumeConfiguration) ? volume.dockerVolumeConfiguration : undefined;
        const device = docker && isRecord(docker.driverOpts) ? stringOf(docker.driverOpts.device) : undefined;
        const path = stringOf(volume.hostPath) ?? host ?? device;
        if (name !== undefined && path !== undefined) {
            found.set(name.toLowerCase(), path);
        }
    }
    return found;
}

/** Docker security options that switch off the container's confinement: AppArmor, seccomp or SELinux labels. */
const UNCONFINED_OPTION = /^\s*((apparmor|seccomp)\s*[:=]\s*unconfined|label\s*[:=]\s*(disable|type:spc_t))\s*$/i;

/** What a container holds of what `privileged` would give it: host devices, host paths, no confinement. */
function privilegeProblems(container: ContainerDefinition, volumes: Map<string, string>): string[] {
    const problems: string[] = [];
    if (need(container.privileged)) {
        problems.push("runs privileged (privileged: true)");
    }
    const devices = need(container.devices);
    if (devices.length > 0) {
        problems.push(`is given host devices ${devices.join(", ")} (linuxParameters.devices)`);
    }
    const unconfined = need(container.securityOptions).filter((option) => UNCONFINED_OPTION.test(option));
    if (unconfined.length > 0) {
        problems.push(`runs without confinement (dockerSecurityOptions ${unconfined.join(", ")})`);
    }
    const mounted = need(container.mountedVolumes).filter((volume) => volumes.has(volume.toLowerCase()));
    if (mounted.length > 0) {
        const paths = mounted.map((volume) => `${volume} (${volumes.get(volume.toLowerCase())})`);
        problems.push(`mounts the host's filesystem: ${paths.join(", ")}`);
    }
    return problems;
}

export const ecsTaskNotPrivileged: ResourceValidationPolicy = {
    name: "ecs-task-not-privileged",
    description:
        "No container runs privileged, or holds what privileged would give it piecemeal: host devices " +
        "(`linuxParameters.devices`), a mount of a host path (a task volume's `hostPath`, or a Docker volume bound to " +
        "a host directory, such as the Docker socket) or `dockerSecurityOptions` that switch off AppArmor, seccomp or " +
        "SELinux (`apparmor:unconfined`, `label:disable`). A privileged container has root on the host, so one " +
        "compromised job handler owns every task on the instance.",
    enforcementLevel: "mandatory",
    severity: "high",
    ...securityHubControl("ECS.4", "ECS containers should run as non-privileged", "CKV_AWS_334"),
    remediationSteps:
        "Remove `privileged: true` from the container definition; grant the specific Linux capabilities the container " +
        "needs with `linuxParameters.capabilities.add` instead (Fargate refuses privileged containers anyway). Remove " +
        "host devices, host-path volumes and unconfined security options; give the task a volume without a host path " +
        "for the files it writes.",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.TaskDefinition) {
            return;
        }
        const volumes = hostVolumes(need(attempt(() => args.props.volumes)));
        forEachContainer(args, reportViolation, (container) => {
            const problems = privilegeProblems(container, volumes);
            return problems.length > 0 ? `${problems.join("; ")}.` : undefined;
        });
    },
};

export const ecsTaskReadonlyRootFilesystem: ResourceValidationPolicy = {
    name: "ecs-task-readonly-root-filesystem",
    description:
        "Containers mount their root filesystem read-only, so an attacker who gets code running through a crafted " +
        "message cannot plant tools or alter the worker's code.",
    enforcementLevel: "advisory",
    severity: "medium",
    ...securityHubControl(
        "ECS.5",
        "ECS containers should be limited to read-only access to root filesystems",
        "CKV_AWS_336",
    ),
    remediationSteps:
        "Set `readonlyRootFilesystem: true` on the container and give it a volume for the paths it writes (for example " +
        "a task `volumes` entry mounted at /tmp).",
    validateResource: (args, reportViolation) =>
        forEachContainer(args, reportViolation, (container) =>
            need(container.readonlyRootFilesystem)
                ? undefined
                : "can write to its root filesystem (readonlyRootFilesystem is not true).",
        ),
};

export const ecsTaskRoleSeparateFromExecutionRole: StackValidationPolicy = {
    name: "ecs-task-role-separate-from-execution-role",
    description:
        "A task definition's task role (what the worker's code may do) is not its execution role (what ECS may do to " +
        "start it: pull the image, read its secrets, write its logs), however each is named (ARN, name, or an output " +
        "of a Role in the stack). With one role, the code can read every secret the task is given, and the agent gets " +
        "the worker's queue permissions.",
    enforcementLevel: "advisory",
    severity: "medium",
    ...mirrors({
        checkov: "CKV_AWS_249",
        title: "Ensure that the Execution Role ARN and the Task Role ARN are different in ECS Task definitions",
    }),
    remediationSteps:
        "Create two roles: an execution role with AmazonECSTaskExecutionRolePolicy plus read access to the container's " +
        "secrets, and a task role with only what the worker calls (sqs:ReceiveMessage, sqs:DeleteMessage, " +
        "sqs:ChangeMessageVisibility on its queue).",
    validateStack: (args, reportViolation) => {
        const definitions = args.resources.filter((resource) => resource.type === ResourceType.TaskDefinition);
        decideEach(definitions, (definition) => {
            const task = need(roleIdentity(definition, "taskRoleArn", args.resources));
            const execution = need(roleIdentity(definition, "executionRoleArn", args.resources));
            if (task !== undefined && task === execution) {
                reportViolation(
                    `The task role and the execution role of ${definition.name} are the same role (${task.replace(/^.*::/, "")}).`,
                    definition.urn,
                );
            }
        });
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
            reportViolation(
                "The service deploys without the circuit breaker (deploymentCircuitBreaker.enable is not true).",
            );
        } else if (!isTrue(breaker.rollback)) {
            reportViolation(
                "The circuit breaker stops a failing deployment but does not roll it back (rollback is not true).",
            );
        }
    },
};

/** Where a resource that starts ECS tasks keeps their `networkConfiguration`, by resource type. */
const NETWORK_CONFIGURATION_PATHS: Partial<Record<string, { path: string[]; what: string }>> = {
    [ResourceType.Service]: { path: ["networkConfiguration"], what: "The service" },
    [ResourceType.TaskSet]: { path: ["networkConfiguration"], what: "The task set" },
    [ResourceType.EventTarget]: { path: ["ecsTarget", "networkConfiguration"], what: "The EventBridge target" },
    [ResourceType.Schedule]: {
        path: ["target", "ecsParameters", "networkConfiguration"],
        what: "The EventBridge Scheduler schedule",
    },
    [ResourceType.Pipe]: {
        path: ["targetParameters", "ecsTaskParameters", "networkConfiguration", "awsVpcConfiguration"],
        what: "The EventBridge pipe",
    },
};

export const ecsNoPublicIpAnywhere: ResourceValidationPolicy = {
    name: "ecs-no-public-ip-anywhere",
    description:
        "Nothing that starts ECS tasks gives them a public IP address: not services, not task sets, and not " +
        "EventBridge rule targets, EventBridge Scheduler schedules or EventBridge pipes that run tasks. A queue worker only calls out; a " +
        "public address makes the task reachable from the internet, guarded by security groups alone.",
    enforcementLevel: "mandatory",
    severity: "high",
    ...securityHubControl("ECS.16", "ECS task sets should not automatically assign public IP addresses", "ECS.2"),
    remediationSteps:
        "Set `assignPublicIp: false` in the `networkConfiguration` (of the service or task set, of the target's " +
        "`ecsTarget`, or of the schedule's `target.ecsParameters`) and run the tasks in private subnets with a NAT " +
        "gateway or VPC endpoints for their outbound calls.",
    validateResource: (args, reportViolation) => {
        const where = NETWORK_CONFIGURATION_PATHS[args.type];
        if (!where) {
            return;
        }
        const { value: network, written } = launchSetting(args, where.path);
        // Boolean in the Pulumi provider; "ENABLED" in the shape CloudFormation and the ECS API use.
        if (
            isRecord(network) &&
            (isTrue(network.assignPublicIp) || String(network.assignPublicIp).toUpperCase() === "ENABLED")
        ) {
            reportViolation(
                `${where.what} assigns public IP addresses to the tasks it starts (${written}.assignPublicIp: true).`,
            );
        }
    },
};

/** Fargate capacity providers: a service on either runs on a Fargate platform version. */
const FARGATE_CAPACITY_PROVIDERS = ["FARGATE", "FARGATE_SPOT"];

export const platformSettings = settings<{ allowedPlatformVersions: string[] }>("ecs-fargate-latest-platform", {
    allowedPlatformVersions: stringListSetting(
        "Platform versions a Fargate service or task set may pin. LATEST is what ECS uses when none is set; 1.4.0 is " +
            "the latest Linux version (add 1.0.0 for Windows tasks).",
        ["LATEST", "1.4.0"],
    ),
});

/** Launch types whose tasks run on EC2 or on-premises hosts, which have no Fargate platform version. */
const NON_FARGATE_LAUNCH_TYPES = ["EC2", "EXTERNAL"];

/** Where each resource type that starts tasks keeps its launch settings (launch type, strategy, platform version). */
const LAUNCH_SETTINGS_PATHS: Partial<Record<string, { path: string[]; what: string }>> = {
    [ResourceType.Service]: { path: [], what: "service" },
    [ResourceType.TaskSet]: { path: [], what: "task set" },
    [ResourceType.EventTarget]: { path: ["ecsTarget"], what: "EventBridge target" },
    [ResourceType.Schedule]: { path: ["target", "ecsParameters"], what: "EventBridge Scheduler schedule" },
    [ResourceType.Pipe]: { path: ["targetParameters", "ecsTaskParameters"], what: "EventBridge pipe" },
};

export const ecsFargateLatestPlatform: ResourceValidationPolicy = {
    name: "ecs-fargate-latest-platform",
    description:
        "Fargate services and task sets, and the EventBridge targets, schedules and pipes that start Fargate tasks, " +
        "run on the latest platform version: `LATEST` (what ECS uses when none is set) or a version in " +
        "`allowedPlatformVersions`. One that sets neither a launch type nor a capacity provider strategy runs on the " +
        "cluster's default strategy, which may be Fargate: a version it pins is judged too (ECS refuses a platform " +
        "version for EC2 tasks). Older platform versions miss kernel and runtime patches.",
    enforcementLevel: "mandatory",
    severity: "medium",
    ...securityHubControl(
        "ECS.10",
        "ECS Fargate services should run on the latest Fargate platform version",
        "CKV_AWS_332",
    ),
    remediationSteps:
        'Remove `platformVersion` from the service, task set, target, schedule or pipe, or set it to "LATEST".',
    configSchema: platformSettings.configSchema,
    validateResource: (args, reportViolation) => {
        const where = LAUNCH_SETTINGS_PATHS[args.type];
        if (!where) {
            return;
        }
        const { value } = launchSetting(args, where.path);
        if (!isRecord(value)) {
            return;
        }
        const settingsOf: Props = value;
        const strategies = listOf(settingsOf.capacityProviderStrategies ?? settingsOf.capacityProviderStrategy).filter(
            isRecord,
        );
        const launchType = stringOf(settingsOf.launchType)?.toUpperCase();
        const onlyOtherCapacity =
            strategies.length > 0 &&
            !strategies.some((item) =>
                FARGATE_CAPACITY_PROVIDERS.includes(String(item.capacityProvider).toUpperCase()),
            );
        if ((launchType !== undefined && NON_FARGATE_LAUNCH_TYPES.includes(launchType)) || onlyOtherCapacity) {
            return;
        }
        const { allowedPlatformVersions } = platformSettings.read(args);
        const version = stringOf(settingsOf.platformVersion);
        if (version !== undefined && !allowedPlatformVersions.includes(version)) {
            const how =
                launchType === undefined && strategies.length === 0
                    ? " on the cluster's default capacity provider strategy"
                    : "";
            reportViolation(
                `The ${where.what} pins Fargate platform version ${version}${how}; allowed: ${allowedPlatformVersions.join(", ")}.`,
            );
        }
    },
};

export const ecsTaskNoHostNetworkOrPid: ResourceValidationPolicy = {
    name: "ecs-task-no-host-network-or-pid",
    description:
        "Task definitions use neither the host's network (`networkMode: host`) nor its process namespace " +
        "(`pidMode: host`). Either lets a compromised job handler see and reach what else runs on the instance.",
    enforcementLevel: "mandatory",
    severity: "high",
    ...securityHubControl("ECS.17", "ECS task definitions should not use host network mode", "ECS.3", "CKV_AWS_335"),
    remediationSteps:
        'Use `networkMode: "awsvpc"` (what Fargate requires) and remove `pidMode: "host"`; share a process namespace ' +
        'between the task\'s own containers with `pidMode: "task"` if they need it.',
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.TaskDefinition) {
            return;
        }
        const props: Props = args.props;
        decideEach(["networkMode", "pidMode"], (key) => {
            if (String(props[key] ?? "").toLowerCase() === "host") {
                reportViolation(
                    `The task definition shares the host's ${key === "networkMode" ? "network" : "process namespace"} (${key}: host).`,
                );
            }
        });
    },
};

export const ecsTaskNoHostIpc: ResourceValidationPolicy = {
    name: "ecs-task-no-host-ipc",
    description:
        "Task definitions do not share the host's IPC namespace (`ipcMode: host`): shared memory and semaphores of " +
        "every process on the instance would be open to a compromised job handler.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        'Remove `ipcMode` (Fargate supports none) or set it to "task" to share IPC between the task\'s own containers.',
    validateResource: (args, reportViolation) => {
        if (args.type === ResourceType.TaskDefinition && String(args.props.ipcMode ?? "").toLowerCase() === "host") {
            reportViolation("The task definition shares the host's IPC namespace (ipcMode: host).");
        }
    },
};

export const capabilitySettings = settings<{ allowedCapabilities: string[] }>("ecs-task-no-added-capabilities", {
    allowedCapabilities: stringListSetting(
        "Linux capabilities a container may add (without the CAP_ prefix), for a workload that needs one; Fargate " +
            "accepts only SYS_PTRACE.",
        [],
    ),
});

/** A capability's name as Docker reads it: upper case, without the `CAP_` prefix. */
const capabilityName = (capability: string) => capability.toUpperCase().replace(/^CAP_/, "");

/**
 * The capabilities a Docker container holds unless they are dropped. Adding one back after `drop: ["ALL"]` (the
 * hardening pattern for a process that binds a low port) gives the container nothing beyond the default.
 */
const DOCKER_DEFAULT_CAPABILITIES = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

export const ecsTaskNoAddedCapabilities: ResourceValidationPolicy = {
    name: "ecs-task-no-added-capabilities",
    description:
        "No container adds Linux capabilities beyond Docker's default set (`linuxParameters.capabilities.add`): " +
        "SYS_ADMIN, NET_ADMIN, SYS_PTRACE, ALL and the rest each give a compromised job handler a way out of its " +
        "container or into the host's network. Capabilities listed in `allowedCapabilities` pass.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Remove `linuxParameters.capabilities.add`; drop capabilities the worker does not need with " +
        '`capabilities.drop: ["ALL"]`. If a workload truly needs one, list it in `allowedCapabilities`.',
    configSchema: capabilitySettings.configSchema,
    validateResource: (args, reportViolation) => {
        const allowed = [...capabilitySettings.read(args).allowedCapabilities, ...DOCKER_DEFAULT_CAPABILITIES].map(
            capabilityName,
        );
        forEachContainer(args, reportViolation, (container) => {
            const added = need(container.capabilitiesAdded).filter((item) => !allowed.includes(capabilityName(item)));
            return added.length > 0
                ? `adds Linux capabilities ${added.join(", ")} (linuxParameters.capabilities.add).`
                : undefined;
        });
    },
};

/** Where each resource type that starts tasks says whether ECS Exec is on. */
const EXEC_PATHS: Partial<Record<string, { path: string[]; what: string }>> = {
    [ResourceType.Service]: { path: ["enableExecuteCommand"], what: "The service" },
    [ResourceType.EventTarget]: { path: ["ecsTarget", "enableExecuteCommand"], what: "The EventBridge target" },
    [ResourceType.Schedule]: {
        path: ["target", "ecsParameters", "enableExecuteCommand"],
        what: "The EventBridge Scheduler schedule",
    },
    [ResourceType.Pipe]: {
        path: ["targetParameters", "ecsTaskParameters", "enableExecuteCommand"],
        what: "The EventBridge pipe",
    },
};

export const ecsExecDisabled: ResourceValidationPolicy = {
    name: "ecs-exec-disabled",
    description:
        "No service, EventBridge target, schedule or pipe starts tasks with ECS Exec (`enableExecuteCommand`). " +
        "With it, anyone allowed ecs:ExecuteCommand gets a shell in a running worker, with its task role and every " +
        "message it holds; a queue worker is debugged from its logs and its dead-letter queue.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Remove `enableExecuteCommand` (or set it to false). To debug in a development stack, make this policy " +
        "advisory in that stack's policy configuration; never in production.",
    validateResource: (args, reportViolation) => {
        const where = EXEC_PATHS[args.type];
        if (!where) {
            return;
        }
        const { value, written } = launchSetting(args, where.path);
        if (isTrue(value)) {
            reportViolation(`${where.what} turns ECS Exec on (${written}: true).`);
        }
    },
};

/**
 * `user` values that are root: the name, UID 0 however it is written (the runtime parses a numeric user as a number,
 * so `00` and `+0` are UID 0), and either with a group.
 */
function isRootUser(user: string): boolean {
    const name = user.split(":")[0].trim().toLowerCase();
    return name === "root" || (/^[+-]?\d+$/.test(name) && Number(name) === 0);
}

export const ecsTaskNonRootUser: ResourceValidationPolicy = {
    name: "ecs-task-non-root-user",
    description:
        "Every container of a Linux task definition names a non-root `user`. Without one, the container runs as the " +
        "image's USER, which is root unless the image says otherwise, and root in the container is what an escape " +
        "starts from.",
    enforcementLevel: "advisory",
    severity: "medium",
    ...securityHubControl(
        "ECS.20",
        "ECS Task Definitions should configure non-root users in Linux container definitions",
    ),
    remediationSteps:
        'Set `user` on each container to a non-root user or UID the image has (for example "1000" or "1000:1000"), ' +
        "and build the image so the worker runs as that user.",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.TaskDefinition) {
            return;
        }
        const platform = attempt(() => args.props.runtimePlatform);
        const family = isRecord(platform) ? stringOf(platform.operatingSystemFamily) : undefined;
        if (family?.startsWith("WINDOWS")) {
            args.notApplicable("Windows containers have no root user");
        }
        forEachContainer(args, reportViolation, (container) => {
            const user = need(container.user);
            if (user === undefined) {
                return "sets no user, so it runs as the image's USER (root unless the image sets one).";
            }
            return isRootUser(user) ? `runs as root (user: ${user}).` : undefined;
        });
    },
};

export const ecsPolicies = [
    ecsServiceNoPublicIp,
    ecsNoPublicIpAnywhere,
    ecsFargateLatestPlatform,
    ecsTaskNoHostNetworkOrPid,
    ecsTaskNoHostIpc,
    ecsTaskNoAddedCapabilities,
    ecsExecDisabled,
    ecsTaskNonRootUser,
    ecsClusterContainerInsights,
    ecsTaskLogging,
    ecsTaskNoPlaintextSecrets,
    ecsTaskNotPrivileged,
    ecsTaskReadonlyRootFilesystem,
    ecsTaskRoleSeparateFromExecutionRole,
    ecsServiceCircuitBreaker,
];
