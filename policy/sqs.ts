// Policies on SQS queues: encryption at rest, a dead-letter queue for every work queue, TLS-only access, and a
// dead-letter queue that keeps failed messages at least as long as their source did.
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    arnPatternMatches,
    isRecord,
    isTrue,
    listOf,
    readStatements,
    ResourceType,
    securityHubControl,
    stringOf,
    Props,
} from "./aws";
import { readConfig, stringListSetting } from "./config";
import { Queue, queueGraph, queueLabel, RedriveLink } from "./queues";

/** SQS accepts 1 to 1,000 receives before a message moves to the dead-letter queue. */
const MAX_RECEIVE_COUNT_LIMIT = 1000;

export const sqsEncrypted: ResourceValidationPolicy = {
    name: "sqs-encrypted",
    description:
        "Every SQS queue is encrypted at rest, with SQS-managed keys (SSE-SQS) or a KMS key. Job payloads often carry " +
        "customer data, and a queue keeps them for days.",
    enforcementLevel: "mandatory",
    severity: "high",
    ...securityHubControl("SQS.1", "Amazon SQS queues should be encrypted at rest"),
    remediationSteps:
        "Set `sqsManagedSseEnabled: true` on the queue, or `kmsMasterKeyId` to a KMS key ARN or alias when you need " +
        "to control the key. Leaving both unset relies on the account default, which can change; say it explicitly.",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.Queue) {
            return;
        }
        const props: Props = args.props;
        if (isTrue(props.sqsManagedSseEnabled) || stringOf(props.kmsMasterKeyId) !== undefined) {
            return;
        }
        reportViolation(
            props.sqsManagedSseEnabled === false
                ? "The queue turns SSE-SQS off (sqsManagedSseEnabled: false) and names no KMS key, so messages are stored unencrypted."
                : "The queue sets neither sqsManagedSseEnabled nor kmsMasterKeyId, so its encryption at rest is left to the account default.",
        );
    },
};

const dlqDefaults = { externalDeadLetterQueueArns: [] as string[] };

export const sqsHasDeadLetterQueue: StackValidationPolicy = {
    name: "sqs-has-dead-letter-queue",
    description:
        "Every queue that is not itself a dead-letter queue redrives to a dead-letter queue: to a queue in the stack " +
        "(or one listed in `externalDeadLetterQueueArns`) of the same type, with a maxReceiveCount of 1 to 1,000. " +
        "Without one, a message that always fails is retried until it expires, blocking a worker each time and then " +
        "vanishing without a trace.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Create a dead-letter queue and attach a redrive policy to the source queue (`redrivePolicy` on the queue, or " +
        "an `aws.sqs.RedrivePolicy` resource) with `deadLetterTargetArn` set to the dead-letter queue's `arn` output. " +
        "A FIFO queue needs a FIFO dead-letter queue. If the dead-letter queue lives in another stack, list its ARN in " +
        "this policy's `externalDeadLetterQueueArns`.",
    configSchema: {
        properties: {
            externalDeadLetterQueueArns: stringListSetting(
                "ARNs of dead-letter queues outside the stack (for example a shared one) that redrive policies may name.",
                dlqDefaults.externalDeadLetterQueueArns,
            ),
        },
    },
    validateStack: (args, reportViolation) => {
        const { externalDeadLetterQueueArns } = readConfig(args, dlqDefaults);
        const graph = queueGraph(args.resources);
        const deadLetterQueues = new Set<Queue>(graph.allowsRedrive);
        for (const link of graph.redrives) {
            if (link.target && link.target !== link.source) {
                deadLetterQueues.add(link.target);
            }
        }
        for (const queue of graph.queues) {
            if (deadLetterQueues.has(queue)) {
                continue;
            }
            const links = graph.redrives.filter((link) => link.source === queue);
            if (links.length === 0) {
                reportViolation(
                    `Queue ${queueLabel(queue)} has no redrive policy, and no redrive policy in the stack names it as ` +
                        "a dead-letter queue: a message that keeps failing is retried until it expires.",
                    queue.resource.urn,
                );
            }
            for (const link of links) {
                const problem = redriveProblem(link, queue, externalDeadLetterQueueArns);
                if (problem) {
                    reportViolation(`Queue ${queueLabel(queue)}: ${problem}`, queue.resource.urn);
                }
            }
        }
    },
};

function redriveProblem(link: RedriveLink, source: Queue, externalArns: string[]): string | undefined {
    const where = link.declaredBy === source.resource ? "its redrive policy" : `the redrive policy ${link.declaredBy.name}`;
    const policy = link.policy;
    if (!policy.ok) {
        return `${where}: ${policy.reason}.`;
    }
    if (policy.deadLetterTargetArn === undefined) {
        return `${where} names no deadLetterTargetArn.`;
    }
    const count = policy.maxReceiveCount;
    if (count === undefined || !Number.isInteger(count) || count < 1 || count > MAX_RECEIVE_COUNT_LIMIT) {
        return `${where} has maxReceiveCount ${count ?? "unset"}; SQS needs a whole number from 1 to ${MAX_RECEIVE_COUNT_LIMIT}.`;
    }
    const target = link.target;
    if (!target) {
        return externalArns.includes(policy.deadLetterTargetArn)
            ? undefined
            : `${where} redrives to ${policy.deadLetterTargetArn}, which is no queue in this stack ` +
                  "(list it in externalDeadLetterQueueArns if it is a shared dead-letter queue).";
    }
    if (target === source) {
        return `${where} names the queue itself as its dead-letter queue.`;
    }
    if (target.fifo !== source.fifo) {
        return `${where} redrives a ${source.fifo ? "FIFO" : "standard"} queue to the ${target.fifo ? "FIFO" : "standard"} queue ${queueLabel(target)}; SQS needs both of the same type.`;
    }
    return undefined;
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
        for (const queue of graph.queues) {
            const attached = graph.queuePolicies.filter((link) => link.queue === queue);
            const label = queueLabel(queue);
            if (attached.length === 0) {
                reportViolation(
                    `Queue ${label} has no queue policy attached to its URL, so it accepts requests without TLS.`,
                    queue.resource.urn,
                );
                continue;
            }
            if (attached.length > 1) {
                const names = attached.map((link) => link.declaredBy.name).join(", ");
                reportViolation(
                    `Queue ${label} has ${attached.length} queue policies (${names}); SQS keeps only the last one written, ` +
                        "so the TLS deny may be overwritten. Merge them into one.",
                    queue.resource.urn,
                );
                continue;
            }
            const statements = readStatements(attached[0].document);
            if (statements === undefined) {
                reportViolation(`The queue policy of ${label} is not a JSON policy document.`, queue.resource.urn);
                continue;
            }
            if (statements.some((statement) => deniesInsecureTransport(statement, queue.arn))) {
                continue;
            }
            const elsewhere = statements
                .filter((statement) => deniesInsecureTransport(statement, undefined))
                .flatMap((statement) => listOf(statement.Resource).map(String));
            reportViolation(
                elsewhere.length > 0
                    ? `The TLS deny in the queue policy of ${label} names ${elsewhere.join(", ")}, not this queue's ARN ${queue.arn}.`
                    : `The queue policy of ${label} has no statement denying sqs:* to Principal "*" when aws:SecureTransport is false.`,
                queue.resource.urn,
            );
        }
    },
};

/**
 * Whether a statement denies all SQS actions to everyone over plain HTTP. With `queueArn`, its Resource must also
 * cover that queue (a statement without Resource applies to the queue the policy is attached to); without, any
 * Resource passes, which finds denies aimed at the wrong queue.
 */
function deniesInsecureTransport(statement: Props, queueArn: string | undefined): boolean {
    if (statement.Effect !== "Deny" || !isEveryone(statement.Principal)) {
        return false;
    }
    const actions = listOf(statement.Action).map((action) => String(action).toLowerCase());
    if (!actions.some((action) => action === "*" || action === "sqs:*")) {
        return false;
    }
    if (!insecureTransportCondition(statement.Condition)) {
        return false;
    }
    if (queueArn === undefined || statement.Resource === undefined) {
        return true;
    }
    return listOf(statement.Resource).some((pattern) => typeof pattern === "string" && arnPatternMatches(pattern, queueArn));
}

function isEveryone(principal: unknown): boolean {
    return principal === "*" || (isRecord(principal) && listOf(principal.AWS).includes("*"));
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
        for (const { source, target } of graph.redrives) {
            if (!source || !target || source === target || seen.has(`${source.arn} ${target.arn}`)) {
                continue;
            }
            seen.add(`${source.arn} ${target.arn}`);
            const sourceSeconds = source.messageRetentionSeconds;
            const targetSeconds = target.messageRetentionSeconds;
            const standardAndEqual = !source.fifo && targetSeconds === sourceSeconds;
            if (targetSeconds < sourceSeconds || standardAndEqual) {
                reportViolation(
                    `Dead-letter queue ${queueLabel(target)} keeps messages ${targetSeconds} s, ` +
                        `${standardAndEqual ? "no longer than" : "less than"} its source ${queueLabel(source)} (${sourceSeconds} s): ` +
                        "a message can expire in the dead-letter queue soon after it arrives.",
                    target.resource.urn,
                );
            }
        }
    },
};

export const sqsPolicies = [sqsEncrypted, sqsHasDeadLetterQueue, sqsTlsOnly, sqsDlqRetentionCoversSource];
