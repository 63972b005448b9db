// What the pack knows about AWS resources: the Pulumi AWS provider (v7) type tokens it inspects and tolerant readers
// for the property shapes it meets. The pack reads type tokens rather than importing @pulumi/aws classes, so it runs
// with only @pulumi/policy and @pulumi/pulumi installed, and the same code serves the component's resources and
// resources a team wrote by hand (JSON strings or objects, a redrive policy inline or as its own resource).
//
// Every reader touches only the properties it needs: during `pulumi preview` the engine hands policies a proxy that
// throws on an unknown value, and reading a property a policy does not need would turn a decision into "can't run".
// Readers that serve several policies keep an unknown field as Unknown (./preview), so each policy is left open only
// on the fields it asks about.
import { PolicyResource } from "@pulumi/policy";
import { attempt, Unknown } from "./preview";

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
    TaskSet = "aws:ecs/taskSet:TaskSet",
    LogGroup = "aws:cloudwatch/logGroup:LogGroup",
    MetricAlarm = "aws:cloudwatch/metricAlarm:MetricAlarm",
    EventTarget = "aws:cloudwatch/eventTarget:EventTarget",
    Schedule = "aws:scheduler/schedule:Schedule",
    Role = "aws:iam/role:Role",
    RolePolicy = "aws:iam/rolePolicy:RolePolicy",
    RolePolicyAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    PolicyAttachment = "aws:iam/policyAttachment:PolicyAttachment",
    RolePolicyAttachmentsExclusive = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    ManagedPolicy = "aws:iam/policy:Policy",
    Pipe = "aws:pipes/pipe:Pipe",
    Topic = "aws:sns/topic:Topic",
    TopicPolicy = "aws:sns/topicPolicy:TopicPolicy",
    SnsSubscription = "aws:sns/topicSubscription:TopicSubscription",
    KmsKey = "aws:kms/key:Key",
    KmsKeyPolicy = "aws:kms/keyPolicy:KeyPolicy",
}

/** AWS defaults the pack assumes when a property is not set. */
export const AWS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;

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
export type Document = { kind: "absent" } | { kind: "invalid"; reason: string } | { kind: "present"; value: unknown };

export function readDocument(value: unknown): Document {
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

/** Reads a redrive policy document: `{ deadLetterTargetArn, maxReceiveCount }`. */
export type Redrive =
    { ok: true; deadLetterTargetArn?: string; maxReceiveCount?: number } | { ok: false; reason: string };

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
    const regex = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${regex}$`).test(arn);
}

/**
 * A control a policy mirrors: a Security Hub CSPM control ("SQS.1"), a checkov check ("CKV_AWS_158") or a cdk-nag rule
 * ("AwsSolutions-SQS3").
 */
type Control =
    { securityHub: string; title: string } | { checkov: string; title: string } | { cdkNag: string; title: string };

/**
 * Names the controls a policy mirrors. The first is the policy's `framework` (what Pulumi Cloud shows as the
 * compliance mapping) and `url` (its documentation); every ID, the first's and `alsoMirrors`, is in the policy's
 * `tags`, so a search for a control ID finds the policy.
 */
export function mirrors(control: Control, ...alsoMirrors: string[]) {
    if ("securityHub" in control) {
        const [service, number] = control.securityHub.toLowerCase().split(".");
        return {
            framework: {
                name: "AWS Security Hub CSPM",
                version: "latest",
                reference: control.securityHub,
                specification: control.title,
            },
            url: `https://docs.aws.amazon.com/securityhub/latest/userguide/${service}-controls.html#${service}-${number}`,
            tags: [control.securityHub, ...alsoMirrors],
        };
    }
    if ("checkov" in control) {
        return {
            framework: { name: "checkov", version: "latest", reference: control.checkov, specification: control.title },
            url: "https://www.checkov.io/5.Policy%20Index/terraform.html",
            tags: [control.checkov, ...alsoMirrors],
        };
    }
    return {
        framework: { name: "cdk-nag", version: "latest", reference: control.cdkNag, specification: control.title },
        url: "https://github.com/cdklabs/cdk-nag/blob/main/RULES.md",
        tags: [`cdk-nag ${control.cdkNag}`, ...alsoMirrors],
    };
}

/** Shorthand for the common case: one Security Hub control, and any other IDs it also mirrors. */
export function securityHubControl(control: string, title: string, ...alsoMirrors: string[]) {
    return mirrors({ securityHub: control, title }, ...alsoMirrors);
}

/**
 * The resources a property of `resource` was built from, of `type`: how a stack policy follows a link whose value
 * (an ARN, a URL) is not known until `pulumi up`. The engine records them per property; an older engine or a state
 * without them yields none.
 */
export function dependenciesOf(resource: PolicyResource, property: string, type: ResourceType): PolicyResource[] {
    const dependencies = resource.propertyDependencies?.[property] ?? [];
    return dependencies.filter((dependency) => dependency.type === type);
}

/** The value of tag `key` on a resource's props, if its tags are known and carry it. */
export function tagOf(props: Props, key: string): string | undefined | Unknown {
    return attempt(() => {
        const tags = props.tags;
        return isRecord(tags) ? stringOf(tags[key]) : undefined;
    });
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
            return Object.fromEntries(
                Object.keys(item)
                    .sort()
                    .map((key) => [key, sorted(item[key])]),
            );
        }
        return item;
    };
    return JSON.stringify(sorted(document.value));
}
