// What the pack knows about AWS resources: the Pulumi AWS provider (v7) type tokens it inspects and tolerant readers
// for the property shapes it meets. The pack reads type tokens rather than importing @pulumi/aws classes, so it runs
// with only @pulumi/policy and @pulumi/pulumi installed, and the same code serves the component's resources and
// resources a team wrote by hand (JSON strings or objects, a redrive policy inline or as its own resource).
//
// Every reader touches only the properties it needs: during `pulumi preview` the engine hands policies a proxy that
// throws on an unknown value, and reading a property a policy does not need would turn a decision into "can't run".

/** The resource types the pack inspects. */
export enum ResourceType {
    Queue = "aws:sqs/queue:Queue",
    RedrivePolicy = "aws:sqs/redrivePolicy:RedrivePolicy",
    RedriveAllowPolicy = "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
    QueuePolicy = "aws:sqs/queuePolicy:QueuePolicy",
    Cluster = "aws:ecs/cluster:Cluster",
    Service = "aws:ecs/service:Service",
    TaskDefinition = "aws:ecs/taskDefinition:TaskDefinition",
    ScalableTarget = "aws:appautoscaling/target:Target",
    ScheduledAction = "aws:appautoscaling/scheduledAction:ScheduledAction",
    LogGroup = "aws:cloudwatch/logGroup:LogGroup",
}

/** AWS defaults the pack assumes when a property is not set. */
export const AWS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;
export const AWS_DEFAULT_MESSAGE_RETENTION_SECONDS = 345_600;
/** Fargate's stop timeout when a container sets none (ECS container definition `stopTimeout`). */
const FARGATE_DEFAULT_STOP_TIMEOUT_SECONDS = 30;

export type Props = Record<string, unknown>;

export function isRecord(value: unknown): value is Props {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A non-empty string, or undefined. The provider reports an unset string attribute as "". */
export function stringOf(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** A finite number, also from the numeric strings IAM and container JSON sometimes carry. */
export function numberOf(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) {
        return value;
    }
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
        return Number(value);
    }
    return undefined;
}

/** True for `true` and for the string "true" that hand-written JSON documents sometimes use. */
export function isTrue(value: unknown): boolean {
    return value === true || (typeof value === "string" && value.toLowerCase() === "true");
}

/** A list from a value that may be a list, a single item (IAM allows both) or absent. */
export function listOf(value: unknown): unknown[] {
    if (value === undefined || value === null) {
        return [];
    }
    return Array.isArray(value) ? value : [value];
}

/** A JSON document property (redrive policy, queue policy, container definitions): a string or already an object. */
type Document = { kind: "absent" } | { kind: "invalid"; reason: string } | { kind: "present"; value: unknown };

function readDocument(value: unknown): Document {
    if (value === undefined || value === null || value === "") {
        return { kind: "absent" };
    }
    if (typeof value !== "string") {
        return { kind: "present", value };
    }
    try {
        return { kind: "present", value: JSON.parse(value) };
    } catch (error) {
        return { kind: "invalid", reason: `is not valid JSON (${(error as Error).message})` };
    }
}

/** The stack name in a resource URN: `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function stackOfUrn(urn: string): string {
    return urn.split("::")[0].replace(/^urn:pulumi:/, "");
}

/** One container of a task definition, with ECS's defaults applied where the pack relies on them. */
export interface ContainerDefinition {
    name: string;
    logDriver?: string;
    environment: { name: string; value?: string }[];
    privileged: boolean;
    readonlyRootFilesystem: boolean;
    stopTimeoutSeconds: number;
}

export type Containers = { ok: true; containers: ContainerDefinition[] } | { ok: false; reason: string };

/** Reads `containerDefinitions` (the JSON string the provider takes, or an array of objects). */
export function readContainers(value: unknown): Containers {
    const document = readDocument(value);
    if (document.kind === "invalid") {
        return { ok: false, reason: `containerDefinitions ${document.reason}` };
    }
    if (document.kind === "absent" || !Array.isArray(document.value)) {
        return { ok: false, reason: "containerDefinitions must be a JSON array of container definitions" };
    }
    const containers = document.value.map((item: unknown, index: number): ContainerDefinition => {
        const container = isRecord(item) ? item : {};
        const logConfiguration = container.logConfiguration;
        return {
            name: stringOf(container.name) ?? `#${index}`,
            logDriver: isRecord(logConfiguration) ? stringOf(logConfiguration.logDriver) : undefined,
            environment: listOf(container.environment)
                .filter(isRecord)
                .map((variable) => ({
                    name: typeof variable.name === "string" ? variable.name : "",
                    value: typeof variable.value === "string" ? variable.value : undefined,
                })),
            privileged: isTrue(container.privileged),
            readonlyRootFilesystem: isTrue(container.readonlyRootFilesystem),
            stopTimeoutSeconds: numberOf(container.stopTimeout) ?? FARGATE_DEFAULT_STOP_TIMEOUT_SECONDS,
        };
    });
    return { ok: true, containers };
}

/** Reads a redrive policy document: `{ deadLetterTargetArn, maxReceiveCount }`. */
export type Redrive = { ok: true; deadLetterTargetArn?: string; maxReceiveCount?: number } | { ok: false; reason: string };

export function readRedrive(value: unknown): Redrive | undefined {
    const document = readDocument(value);
    if (document.kind === "absent") {
        return undefined;
    }
    if (document.kind === "invalid") {
        return { ok: false, reason: `the redrive policy ${document.reason}` };
    }
    if (!isRecord(document.value)) {
        return { ok: false, reason: "the redrive policy must be a JSON object" };
    }
    return {
        ok: true,
        deadLetterTargetArn: stringOf(document.value.deadLetterTargetArn),
        maxReceiveCount: numberOf(document.value.maxReceiveCount),
    };
}

/** The `redrivePermission` of a redrive allow policy (`allowAll`, `denyAll` or `byQueue`), if it has one. */
export function readRedrivePermission(value: unknown): string | undefined {
    const document = readDocument(value);
    return document.kind === "present" && isRecord(document.value) ? stringOf(document.value.redrivePermission) : undefined;
}

/** The statements of an IAM policy document (a JSON string or an object; `Statement` one item or a list). */
export function readStatements(value: unknown): Props[] | undefined {
    const document = readDocument(value);
    if (document.kind !== "present" || !isRecord(document.value)) {
        return undefined;
    }
    return listOf(document.value.Statement).filter(isRecord);
}

/** Matches an IAM ARN pattern (`*` and `?` wildcards) against an ARN. */
export function arnPatternMatches(pattern: string, arn: string): boolean {
    const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${regex}$`).test(arn);
}

/**
 * Names the AWS Security Hub CSPM control a policy mirrors, in the policy's `framework` (what Pulumi Cloud shows as
 * the compliance mapping) and `url` (the control's documentation).
 */
export function securityHubControl(control: string, title: string) {
    const [service, number] = control.toLowerCase().split(".");
    return {
        framework: { name: "AWS Security Hub CSPM", version: "latest", reference: control, specification: title },
        url: `https://docs.aws.amazon.com/securityhub/latest/userguide/${service}-controls.html#${service}-${number}`,
    };
}

/**
 * A document in a canonical form (keys sorted), for telling whether two properties hold the same policy: after a
 * refresh a queue's own `policy` and `redrivePolicy` outputs echo what the separate resources wrote.
 */
export function canonicalDocument(value: unknown): string {
    const document = readDocument(value);
    if (document.kind !== "present") {
        return String(value);
    }
    const sorted = (item: unknown): unknown => {
        if (Array.isArray(item)) {
            return item.map(sorted);
        }
        if (isRecord(item)) {
            return Object.fromEntries(Object.keys(item).sort().map((key) => [key, sorted(item[key])]));
        }
        return item;
    };
    return JSON.stringify(sorted(document.value));
}
