// Policies on SQS queues: encryption at rest, a dead-letter queue for every work queue, TLS-only access, and a
// dead-letter queue that keeps failed messages at least as long as their source did.
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    arnPatternMatches,
    isRecord,
    isTrue,
    listOf,
    Props,
    readStatements,
    ResourceType,
    securityHubControl,
} from "./aws";
import { booleanSetting, settings, stringListSetting } from "./config";
import { attempt, decideEach, isSet, need, Unknown } from "./preview";
import { Queue, QueueGraph, queueGraph, queueLabel, QueuePolicyLink, QueueReference, RedriveLink } from "./queues";
import { MAX_RECEIVE_COUNT } from "../contract";

export const encryptionSettings = settings<{ requireExplicitEncryption: boolean }>("sqs-encrypted", {
    requireExplicitEncryption: booleanSetting(
        "Also fail a queue that sets neither sqsManagedSseEnabled nor kmsMasterKeyId. AWS encrypts a queue created " +
            "since October 2022 with SSE-SQS when neither is set, but an older or imported queue keeps what it had.",
        false,
    ),
});

export const sqsEncrypted: ResourceValidationPolicy = {
    name: "sqs-encrypted",
    description:
        "Every SQS queue is encrypted at rest, with SQS-managed keys (SSE-SQS) or a KMS key. Job payloads often carry " +
        "customer data, and a queue keeps them for days. A queue that sets neither option passes: since October 2022 " +
        "SQS encrypts a newly created queue with SSE-SQS unless told otherwise. Set `requireExplicitEncryption` to " +
        "fail it anyway (for stacks that adopt queues created before then).",
    enforcementLevel: "mandatory",
    severity: "high",
    ...securityHubControl("SQS.1", "Amazon SQS queues should be encrypted at rest", "CKV_AWS_27"),
    remediationSteps:
        "Set `sqsManagedSseEnabled: true` on the queue, or `kmsMasterKeyId` to a KMS key ARN or alias when you need " +
        "to control the key. Never set `sqsManagedSseEnabled: false` without a KMS key: that stores messages unencrypted.",
    configSchema: encryptionSettings.configSchema,
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.Queue) {
            return;
        }
        const { requireExplicitEncryption } = encryptionSettings.read(args);
        const props: Props = args.props;
        // A key that is set but not known yet (a KMS key created in the same update) still encrypts the queue.
        if (isSet(props, "kmsMasterKeyId")) {
            return;
        }
        const managed = "sqsManagedSseEnabled" in props ? need(attempt(() => props.sqsManagedSseEnabled)) : undefined;
        if (isTrue(managed)) {
            return;
        }
        if (managed !== undefined && managed !== null) {
            reportViolation(
                "The queue turns SSE-SQS off (sqsManagedSseEnabled: false) and names no KMS key, so messages are stored unencrypted.",
            );
        } else if (requireExplicitEncryption) {
            reportViolation(
                "The queue sets neither sqsManagedSseEnabled nor kmsMasterKeyId. SQS encrypts a queue created since " +
                    "October 2022 with SSE-SQS by default, but an older or imported queue keeps what it had, and this " +
                    "stack's configuration (requireExplicitEncryption) asks for the choice in code.",
            );
        }
    },
};

export const dlqSettings = settings<{ externalDeadLetterQueueArns: string[] }>("sqs-has-dead-letter-queue", {
    externalDeadLetterQueueArns: stringListSetting(
        "ARNs of dead-letter queues outside the stack (for example a shared one) that redrive policies may name.",
        [],
    ),
});

export const sqsHasDeadLetterQueue: StackValidationPolicy = {
    name: "sqs-has-dead-letter-queue",
    description:
        "Every queue that is not itself a dead-letter queue redrives to a dead-letter queue: to a queue in the stack " +
        "(or one listed in `externalDeadLetterQueueArns`) of the same type, with a maxReceiveCount of 1 to 1,000. " +
        "Without one, a message that always fails is retried until it expires, blocking a worker each time and then " +
        "vanishing without a trace. A queue counts as a dead-letter queue only when a redrive policy names it, or its " +
        "redrive allow policy names its source queues (`byQueue`); an `allowAll` redrive allow policy alone does not.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Create a dead-letter queue and attach a redrive policy to the source queue (`redrivePolicy` on the queue, or " +
        "an `aws.sqs.RedrivePolicy` resource) with `deadLetterTargetArn` set to the dead-letter queue's `arn` output. " +
        "A FIFO queue needs a FIFO dead-letter queue. If the dead-letter queue lives in another stack, list its ARN in " +
        "this policy's `externalDeadLetterQueueArns`.",
    configSchema: dlqSettings.configSchema,
    validateStack: (args, reportViolation) => {
        const { externalDeadLetterQueueArns } = dlqSettings.read(args);
        const graph = queueGraph(args.resources);
        decideEach(graph.queues, (queue) => {
            const links = graph.redrives.filter((link) => link.source === queue);
            if (links.length === 0) {
                if (isDeadLetterQueue(graph, queue)) {
                    return;
                }
                // A redrive policy whose queue is not known yet may be this queue's.
                openWhileUnknown(graph.redrives.map((link) => link.source));
                reportViolation(
                    `Queue ${queueLabel(queue)} has no redrive policy, and no redrive policy in the stack names it as ` +
                        "a dead-letter queue: a message that keeps failing is retried until it expires.",
                    queue.resource.urn,
                );
                return;
            }
            decideEach(links, (link) => {
                const problem = redriveProblem(link, queue, externalDeadLetterQueueArns);
                if (problem) {
                    reportViolation(`Queue ${queueLabel(queue)}: ${problem}`, queue.resource.urn);
                }
            });
        });
    },
};

/** Throws the first unknown among `references`: a decision that depends on where they lead stays open. */
function openWhileUnknown(references: QueueReference[]): void {
    const open = references.find((reference): reference is Unknown => reference instanceof Unknown);
    if (open) {
        throw open.error;
    }
}

/** Whether a redrive policy in the stack names `queue` as its dead-letter queue; open while a redrive target is unknown. */
function isRedriveTarget(graph: QueueGraph, queue: Queue): boolean {
    if (graph.redrives.some((link) => link.target === queue && link.source !== queue)) {
        return true;
    }
    openWhileUnknown(graph.redrives.map((link) => link.target));
    return false;
}

/**
 * Whether `queue` is a dead-letter queue: a redrive policy in the stack names it, or its redrive allow policy names
 * the source queues that may use it (`byQueue`, for sources in other stacks). An `allowAll` redrive allow policy
 * alone does not make a queue a dead-letter queue: any queue could declare it to escape the check.
 */
export function isDeadLetterQueue(graph: QueueGraph, queue: Queue): boolean {
    return (
        isRedriveTarget(graph, queue) ||
        graph.redriveAllows.some(
            (allow) =>
                allow.queue === queue && need(allow.permission) === "byQueue" && need(allow.sourceQueueArns).length > 0,
        )
    );
}

function redriveProblem(link: RedriveLink, source: Queue, externalArns: string[]): string | undefined {
    const where =
        link.declaredBy === source.resource ? "its redrive policy" : `the redrive policy ${link.declaredBy.name}`;
    const policy = need(link.policy);
    if (!policy.ok) {
        return `${where}: ${policy.reason}.`;
    }
    const count = policy.maxReceiveCount;
    if (count === undefined || !Number.isInteger(count) || count < 1 || count > MAX_RECEIVE_COUNT) {
        return `${where} has maxReceiveCount ${count ?? "unset"}; SQS needs a whole number from 1 to ${MAX_RECEIVE_COUNT}.`;
    }
    const target = need(link.target);
    if (!target) {
        if (policy.deadLetterTargetArn === undefined) {
            return `${where} names no deadLetterTargetArn.`;
        }
        return externalArns.includes(policy.deadLetterTargetArn)
            ? undefined
            : `${where} redrives to ${policy.deadLetterTargetArn}, which is no queue in this stack ` +
                  "(list it in externalDeadLetterQueueArns if it is a shared dead-letter queue).";
    }
    if (target === source) {
        return `${where} names the queue itself as its dead-letter queue.`;
    }
    const [sourceFifo, targetFifo] = [need(source.fifo), need(target.fifo)];
    if (targetFifo !== sourceFifo) {
        return `${where} redrives a ${sourceFifo ? "FIFO" : "standard"} queue to the ${targetFifo ? "FIFO" : "standard"} queue ${queueLabel(target)}; SQS needs both of the same type.`;
    }
    return undefined;
}

/** The queue policies attached to `queue`; open while a queue policy's queue is not known yet and none is attached. */
function attachedPolicies(graph: QueueGraph, queue: Queue): QueuePolicyLink[] {
    const attached = graph.queuePolicies.filter((link) => link.queue === queue);
    if (attached.length === 0) {
        openWhileUnknown(graph.queuePolicies.map((link) => link.queue));
    }
    return attached;
}

export const sqsTlsOnly: StackValidationPolicy = {
    name: "sqs-tls-only",
    description:
        "Every queue has exactly one queue policy, and it denies every SQS action to every principal when the request " +
        "does not use TLS (`aws:SecureTransport` is false), with a Resource that covers the queue's own ARN. SQS " +
        "otherwise accepts plain-HTTP requests, and IAM grants alone cannot refuse them.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Attach an `aws.sqs.QueuePolicy` to the queue's `url` (or set the queue's `policy`) with the statement " +
        '`{ Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: <queue arn>, Condition: { Bool: ' +
        '{ "aws:SecureTransport": "false" } } }`. Use one queue policy per queue: SQS keeps only the last one written.',
    validateStack: (args, reportViolation) => {
        const graph = queueGraph(args.resources);
        decideEach(graph.queues, (queue) => {
            const attached = attachedPolicies(graph, queue);
            const label = queueLabel(queue);
            if (attached.length === 0) {
                reportViolation(
                    `Queue ${label} has no queue policy attached to its URL, so it accepts requests without TLS.`,
                    queue.resource.urn,
                );
                return;
            }
            if (attached.length > 1) {
                const names = attached.map((link) => link.declaredBy.name).join(", ");
                reportViolation(
                    `Queue ${label} has ${attached.length} queue policies (${names}); SQS keeps only the last one written, ` +
                        "so the TLS deny may be overwritten. Merge them into one.",
                    queue.resource.urn,
                );
                return;
            }
            const statements = readStatements(need(attempt(() => attached[0].document)));
            if (statements === undefined) {
                reportViolation(`The queue policy of ${label} is not a JSON policy document.`, queue.resource.urn);
                return;
            }
            if (statements.some((statement) => deniesInsecureTransport(statement, queue.arn))) {
                // A second queue policy whose queue is not known yet may overwrite this one.
                openWhileUnknown(graph.queuePolicies.map((link) => link.queue));
                return;
            }
            const elsewhere = statements
                .filter((statement) => deniesInsecureTransport(statement, undefined))
                .flatMap((statement) => listOf(statement.Resource).map(String));
            reportViolation(
                elsewhere.length > 0
                    ? `The TLS deny in the queue policy of ${label} names ${elsewhere.join(", ")}, not this queue's ARN ${String(need(queue.arn))}.`
                    : `The queue policy of ${label} has no statement denying sqs:* to Principal "*" when aws:SecureTransport is false.`,
                queue.resource.urn,
            );
        });
    },
};

/**
 * Whether a statement denies all SQS actions to everyone over plain HTTP. With `queueArn`, its Resource must also
 * cover that queue (a statement without Resource applies to the queue the policy is attached to); without, any
 * Resource passes, which finds denies aimed at the wrong queue.
 */
function deniesInsecureTransport(statement: Props, queueArn: string | Unknown | undefined): boolean {
    if (statement.Effect !== "Deny" || !isEveryone(statement.Principal)) {
        return false;
    }
    if (!grantsEverySqsAction(statement.Action)) {
        return false;
    }
    if (!insecureTransportCondition(statement.Condition)) {
        return false;
    }
    if (queueArn === undefined || statement.Resource === undefined) {
        return true;
    }
    const patterns = listOf(statement.Resource).filter((pattern): pattern is string => typeof pattern === "string");
    // "*" covers the queue whatever its ARN turns out to be; any other pattern needs the ARN.
    return patterns.includes("*") || patterns.some((pattern) => arnPatternMatches(pattern, need(queueArn)));
}

/** `*` or `sqs:*` among a statement's actions. */
function grantsEverySqsAction(action: unknown): boolean {
    return listOf(action).some((item) => ["*", "sqs:*"].includes(String(item).toLowerCase()));
}

/**
 * Principal `*`, or a principal of any kind (`AWS`, `Service`, `Federated`) with a wildcard in it: `{ AWS: "*" }`,
 * `arn:aws:iam::*:root`.
 */
function isEveryone(principal: unknown): boolean {
    return (
        principal === "*" ||
        (isRecord(principal) &&
            Object.values(principal).some((value) => listOf(value).some((item) => String(item).includes("*"))))
    );
}

/** `Bool` (or `BoolIfExists`) `aws:SecureTransport` = false. IAM treats operator and key names case-insensitively. */
function insecureTransportCondition(condition: unknown): boolean {
    if (!isRecord(condition)) {
        return false;
    }
    return Object.keys(condition)
        .filter((operator) => ["bool", "boolifexists"].includes(operator.toLowerCase()))
        .some((operator) => {
            const block = condition[operator];
            if (!isRecord(block)) {
                return false;
            }
            return Object.keys(block)
                .filter((key) => key.toLowerCase() === "aws:securetransport")
                .some((key) => listOf(block[key]).some((value) => String(value).toLowerCase() === "false"));
        });
}

/**
 * Condition keys that narrow a `*` principal to a known caller: the calling service's resource or account, the
 * caller's organisation, account or ARN, or the network path. With one of them, under a positive operator (not
 * `...Not...`, not `...IfExists`, which passes when the key is absent) and without wildcards in its values, the
 * statement is no longer public.
 */
const SCOPING_CONDITION_KEYS = [
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourcevpc",
    "aws:sourcevpce",
];

function scopesPrincipal(condition: unknown): boolean {
    if (!isRecord(condition)) {
        return false;
    }
    return Object.entries(condition).some(([operator, block]) => {
        const positive = !/not|ifexists/i.test(operator) && !/^null$/i.test(operator);
        return (
            positive &&
            isRecord(block) &&
            Object.entries(block).some(
                ([key, values]) =>
                    SCOPING_CONDITION_KEYS.includes(key.toLowerCase()) &&
                    listOf(values).length > 0 &&
                    listOf(values).every(isSpecificValue),
            )
        );
    });
}

/** A condition value that names one caller: not `*`, and not an ARN whose account is a wildcard. */
function isSpecificValue(value: unknown): boolean {
    return (
        typeof value === "string" &&
        value !== "" &&
        value !== "*" &&
        !(value.startsWith("arn:") && (value.split(":")[4] ?? "").includes("*"))
    );
}

/** Why an Allow statement opens the queue to the public, or undefined. */
function publicGrant(statement: Props): string | undefined {
    if (statement.Effect !== "Allow") {
        return undefined;
    }
    const sid = typeof statement.Sid === "string" ? ` ${statement.Sid}` : "";
    if (statement.NotPrincipal !== undefined) {
        return `statement${sid} allows everyone but the NotPrincipal`;
    }
    if (isEveryone(statement.Principal) && !scopesPrincipal(statement.Condition)) {
        return `statement${sid} allows Principal "*" with no condition naming the caller's account, organisation, source ARN or VPC`;
    }
    if (grantsEverySqsAction(statement.Action)) {
        return `statement${sid} allows every SQS action (${listOf(statement.Action).map(String).join(", ")})`;
    }
    return undefined;
}

export const sqsNoPublicAccess: StackValidationPolicy = {
    name: "sqs-no-public-access",
    description:
        "No queue policy allows `*` (everyone, or every AWS account) without a condition that scopes it to a known " +
        "caller (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, aws:SourceVpce, ...), and none allows every " +
        "SQS action. A TLS deny does not make a public Allow safe: anyone may still send and receive over TLS. The " +
        "only open permission allowed is a redrive allow policy of `allowAll` on a real dead-letter queue (one a " +
        "redrive policy names), which lets any queue of the account redrive to it.",
    enforcementLevel: "mandatory",
    severity: "critical",
    ...securityHubControl(
        "SQS.3",
        "SQS queue access policies should not allow public access",
        "CKV_AWS_168",
        "CKV_AWS_72",
    ),
    remediationSteps:
        "Name the principals that need the queue (an account, a role, or a service such as `sns.amazonaws.com`), and " +
        "scope a service principal with `aws:SourceArn` (the topic or rule) or `aws:SourceAccount`. Grant the actions " +
        "the caller needs (`sqs:SendMessage`), never `sqs:*`. On a queue that is not a dead-letter queue, use a " +
        "redrive allow policy of `byQueue` or `denyAll`.",
    validateStack: (args, reportViolation) => {
        const graph = queueGraph(args.resources);
        const subject = (reference: QueueReference, declaredBy: PolicyResource) =>
            reference instanceof Unknown || reference === undefined
                ? { label: declaredBy.name, urn: declaredBy.urn }
                : { label: queueLabel(reference), urn: reference.resource.urn };
        decideEach(graph.queuePolicies, (link) => {
            const statements = readStatements(need(attempt(() => link.document)));
            const { label, urn } = subject(link.queue, link.declaredBy);
            for (const problem of (statements ?? [])
                .map(publicGrant)
                .filter((item): item is string => item !== undefined)) {
                reportViolation(`The queue policy of ${label}: ${problem}.`, urn);
            }
        });
        decideEach(graph.redriveAllows, (allow) => {
            if (need(allow.permission) !== "allowAll") {
                return;
            }
            const queue = need(allow.queue);
            if (queue && !isRedriveTarget(graph, queue)) {
                reportViolation(
                    `Queue ${queueLabel(queue)} lets any queue of the account use it as a dead-letter queue ` +
                        "(redriveAllowPolicy allowAll), but no redrive policy names it: it is not a dead-letter queue.",
                    queue.resource.urn,
                );
            }
        });
    },
};

export const sqsDlqRetentionCoversSource: StackValidationPolicy = {
    name: "sqs-dlq-retention-covers-source",
    description:
        "A dead-letter queue keeps messages longer than the queue that redrives to it (at least as long, for FIFO). A " +
        "standard queue keeps a message's original enqueue time when it moves to the dead-letter queue, so with equal " +
        "or shorter retention a message that spent days failing expires there before anyone looks at it.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        "Raise the dead-letter queue's `messageRetentionSeconds` above the source's (1,209,600 s, 14 days, is the " +
        "most SQS allows), or lower the source's retention if the dead-letter queue is already at 14 days.",
    validateStack: (args, reportViolation) => {
        const graph = queueGraph(args.resources);
        const seen = new Set<string>();
        decideEach(graph.redrives, (link) => {
            const [source, target] = [need(link.source), need(link.target)];
            const key = source && target ? `${source.resource.urn} ${target.resource.urn}` : "";
            if (!source || !target || source === target || seen.has(key)) {
                return;
            }
            seen.add(key);
            const sourceSeconds = need(source.messageRetentionSeconds);
            const targetSeconds = need(target.messageRetentionSeconds);
            const standardAndEqual = !need(source.fifo) && targetSeconds === sourceSeconds;
            if (targetSeconds < sourceSeconds || standardAndEqual) {
                reportViolation(
                    `Dead-letter queue ${queueLabel(target)} keeps messages ${targetSeconds} s, ` +
                        `${standardAndEqual ? "no longer than" : "less than"} its source ${queueLabel(source)} (${sourceSeconds} s): ` +
                        "a message can expire in the dead-letter queue soon after it arrives.",
                    target.resource.urn,
                );
            }
        });
    },
};

export const sqsPolicies = [
    sqsEncrypted,
    sqsHasDeadLetterQueue,
    sqsTlsOnly,
    sqsNoPublicAccess,
    sqsDlqRetentionCoversSource,
];
