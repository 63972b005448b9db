// Rules for the task the service runs: either the container the component builds a task definition for, or the ARN
// of a task definition built elsewhere.
import type * as pulumi from "@pulumi/pulumi";
import { LOG_RETENTION_DAYS, MAX_STOP_TIMEOUT_SECONDS } from "../../contract/awsLimits";
import { describeMemorySizes, FARGATE_MEMORY_BY_CPU } from "../plan/fargateSizes";
import { describe, isOutput, Problems } from "./problems";
import { RESERVED_ENVIRONMENT_NAMES, WorkerSettings } from "../plan/settings";
import { BackgroundWorkerArgs, CpuArchitecture } from "../types";
import { SECRETS_MANAGER_ANY_ARN, SECRETS_MANAGER_ARN, SSM_PARAMETER_ARN } from "../../contract/arns";
import { IMAGE_REFERENCE } from "./formats";

const SECRET_LOOKING_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
const AWS_CREDENTIAL_NAMES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];
/** Registry credentials for the ECS agent: Security Hub ECS.8 flags it beside the AWS keys. */
const REGISTRY_CREDENTIAL_NAME = "ECS_ENGINE_AUTH_DATA";

/** Exactly one of `container` and `taskDefinitionArn`, and a container the component can build a task from. */
export function validateTaskSource(args: BackgroundWorkerArgs, settings: WorkerSettings, problems: Problems): void {
    const hasContainer = args.container !== undefined && args.container !== null;
    const hasTaskDefinition = args.taskDefinitionArn !== undefined && args.taskDefinitionArn !== null;
    if (hasContainer === hasTaskDefinition) {
        problems.add(
            hasContainer ? "taskDefinitionArn" : "container",
            hasContainer
                ? "cannot be given together with container: give one of them (container lets the component build the task definition)"
                : "or taskDefinitionArn is required: give container (the component builds the task definition) or the ARN of your own",
        );
        return;
    }
    const container = args.container;
    const resolved = settings.container;
    if (!container || !resolved) {
        return;
    }
    validateImage(container.image, problems);
    const { cpu, memory } = resolved;
    if (problems.oneOf("container.cpu", cpu, [...FARGATE_MEMORY_BY_CPU.keys()])) {
        const allowed = FARGATE_MEMORY_BY_CPU.get(cpu) ?? [];
        if (!allowed.includes(memory)) {
            problems.add(
                "container.memory",
                `must be ${describeMemorySizes(allowed)} MiB when container.cpu is ${cpu}; got ${describe(memory)}`,
            );
        }
    }
    problems.oneOf("container.architecture", resolved.architecture, Object.values(CpuArchitecture));
    problems.integer(
        "container.stopTimeoutSeconds",
        resolved.stopTimeoutSeconds,
        0,
        MAX_STOP_TIMEOUT_SECONDS,
        "seconds (Fargate's limit)",
    );
    problems.oneOf("container.logRetentionDays", resolved.logRetentionDays, LOG_RETENTION_DAYS);
    problems.boolean("container.readonlyRootFilesystem", resolved.readonlyRootFilesystem);
    if (
        container.command !== undefined &&
        (!Array.isArray(container.command) || container.command.some((part) => typeof part !== "string"))
    ) {
        problems.add("container.command", `must be a list of strings; got ${describe(container.command)}`);
    }
    validateEnvironment(container.environment ?? {}, container.secrets ?? {}, problems);
}

/** A plain image reference must parse as Docker parses it; an Output is left to ECS. */
function validateImage(image: unknown, problems: Problems): void {
    if (image === undefined || image === null || image === "") {
        problems.add("container.image", "is required: the image URI to run");
    } else if (!isOutput(image) && (typeof image !== "string" || !IMAGE_REFERENCE.test(image))) {
        problems.add(
            "container.image",
            "must be an image reference such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:1.0.0 " +
                "([registry/]repository[:tag][@digest], no spaces, lowercase repository); a task could not pull it; " +
                `got ${describe(image)}`,
        );
    }
}

function validateEnvironment(
    environment: Record<string, pulumi.Input<string>>,
    secrets: Record<string, pulumi.Input<string>>,
    problems: Problems,
): void {
    const reserved = RESERVED_ENVIRONMENT_NAMES as readonly string[];
    for (const name of Object.keys(environment)) {
        const path = `container.environment.${name}`;
        if (reserved.includes(name)) {
            problems.add(path, `is set by the component (${RESERVED_ENVIRONMENT_NAMES.join(", ")}); remove it`);
        } else if (AWS_CREDENTIAL_NAMES.includes(name.toUpperCase())) {
            problems.add(
                path,
                "must not hold AWS credentials: the task role gives the container its permissions; remove it",
            );
        } else if (name.toUpperCase() === REGISTRY_CREDENTIAL_NAME) {
            problems.add(
                path,
                "must not hold registry credentials in plain text (Security Hub ECS.8): the execution role pulls from ECR; remove it",
            );
        } else if (!isOutput(environment[name]) && typeof environment[name] !== "string") {
            problems.add(
                path,
                `must be a string, as ECS passes every variable to the container as text; got ${describe(environment[name])}`,
            );
        } else if (name in secrets) {
            problems.add(path, "is also set in container.secrets; keep only the secret");
        } else if (SECRET_LOOKING_NAME.test(name) && typeof environment[name] === "string") {
            problems.warn(
                path,
                "looks like a secret but is a plain value visible in the task definition; move it to container.secrets",
            );
        }
    }
    for (const name of Object.keys(secrets)) {
        const path = `container.secrets.${name}`;
        const value = secrets[name];
        if (reserved.includes(name)) {
            problems.add(path, `is set by the component (${RESERVED_ENVIRONMENT_NAMES.join(", ")}); remove it`);
        } else if (isOutput(value)) {
            continue;
        } else if (
            typeof value === "string" &&
            SECRETS_MANAGER_ANY_ARN.test(value) &&
            !SECRETS_MANAGER_ARN.test(value)
        ) {
            problems.add(
                path,
                "must be the secret's complete ARN, ending in the dash and six random characters Secrets Manager appends to " +
                    "its name (arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf): the execution role is " +
                    `granted exactly this ARN, and IAM does not match a partial one, so the task could not read it; got ${describe(value)}`,
            );
        } else if (typeof value !== "string" || !(SECRETS_MANAGER_ARN.test(value) || SSM_PARAMETER_ARN.test(value))) {
            // ECS would accept a bare parameter name, but the execution role's policy lists these values as IAM
            // resources, and IAM rejects a resource that is not an ARN.
            problems.add(
                path,
                "must be the ARN of a Secrets Manager secret (arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf) " +
                    "or of an SSM parameter (arn:aws:ssm:us-east-1:123456789012:parameter/db/password), not a name: the " +
                    `execution role is granted exactly these ARNs; got ${describe(value)}`,
            );
        }
    }
}
