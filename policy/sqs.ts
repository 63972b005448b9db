// Policies on SQS queues: encryption at rest, a dead-letter queue for every work queue, TLS-only access, and a
// dead-letter queue that keeps failed messages at least as long as their source did.
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    arnPatternMatches,
    dependenciesOf,
    isRecord,
    isTrue,
    listOf,
    Props,
    readDocument,
    readStatements,
    ResourceType,
    mirrors,
    securityHubControl,
    stringOf,
} from "./aws";
import { booleanSetting, settings, stringListSetting } from "./config";
import { CALLER_SCOPE, callerRestriction, denyRestriction, Scope, SOURCE_SCOPE } from "./conditions";
import { globMatches, grantsAction, isEveryone, readStatement } from "./iamStatements";
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
    ...securityHubControl(
        "SQS.1",
        "Amazon SQS queues should be encrypted at rest",
        "CKV_AWS_27",
        "cdk-nag AwsSolutions-SQS2",
    ),
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

export const dlqSettings = settings<{ externalDeadLetterQueueArns: string[]; externalSourceQueueArns: string[] }>(
    "sqs-has-dead-letter-queue",
    {
        externalDeadLetterQueueArns: stringListSetting(
            "ARNs of dead-letter queues outside the stack (for example a shared one) that redrive policies may name.",
            [],
        ),
        externalSourceQueueArns: stringListSetting(
            "ARNs of queues in other stacks that redrive to a dead-letter queue of this stack: a queue whose redrive " +
                "allow policy names one of them counts as a dead-letter queue.",
            [],
        ),
    },
);

export const sqsHasDeadLetterQueue: StackValidationPolicy = {
    name: "sqs-has-dead-letter-queue",
    description:
        "Every queue that is not itself a dead-letter queue redrives to a dead-letter queue: to a queue in the stack " +
        "(or one listed in `externalDeadLetterQueueArns`) of the same type, with a maxReceiveCount of 1 to 1,000. " +
        "Without one, a message that always fails is retried until it expires, blocking a worker each time and then " +
        "vanishing without a trace. A queue counts as a dead-letter queue only when a redrive policy of another queue " +
        "of the stack names it, or its redrive allow policy (`byQueue`) names a source queue of another stack listed " +
        "in `externalSourceQueueArns`; a redrive allow policy alone (`allowAll`, or naming queues that do not exist) " +
        "does not exempt a queue.",
    enforcementLevel: "mandatory",
    severity: "high",
    ...mirrors({
        cdkNag: "AwsSolutions-SQS3",
        title: "The SQS queue is not used as a dead-letter queue and does not have a dead-letter queue enabled",
    }),
    remediationSteps:
        "Create a dead-letter queue and attach a redrive policy to the source queue (`redrivePolicy` on the queue, or " +
        "an `aws.sqs.RedrivePolicy` resource) with `deadLetterTargetArn` set to the dead-letter queue's `arn` output. " +
        "A FIFO queue needs a FIFO dead-letter queue. If the dead-letter queue lives in another stack, list its ARN in " +
        "this policy's `externalDeadLetterQueueArns`.",
    configSchema: dlqSettings.configSchema,
    validateStack: (args, reportViolation) => {
        const { externalDeadLetterQueueArns, externalSourceQueueArns } = dlqSettings.read(args);
        const graph = queueGraph(args.resources);
        decideEach(graph.queues, (queue) => {
            const links = graph.redrives.filter((link) => link.source === queue);
            if (links.length === 0) {
                if (isDeadLetterQueue(graph, queue, externalSourceQueueArns)) {
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

/**
 * Whether a redrive policy of another queue of the stack names `queue` as its dead-letter queue; open while a redrive
 * policy's source or target is unknown. A redrive policy whose source is no queue of the stack (an ARN or URL pasted
 * by hand) proves nothing: any queue could be named that way to escape the dead-letter check.
 */
function isRedriveTarget(graph: QueueGraph, queue: Queue): boolean {
    const fromStackQueue = (link: RedriveLink) =>
        link.target === queue &&
        link.source !== queue &&
        link.source !== undefined &&
        !(link.source instanceof Unknown);
    if (graph.redrives.some(fromStackQueue)) {
        return true;
    }
    openWhileUnknown(graph.redrives.map((link) => link.target));
    openWhileUnknown(graph.redrives.filter((link) => link.target === queue).map((link) => link.source));
    return false;
}

/**
 * Whether `queue` is a dead-letter queue: a redrive policy of another queue of the stack names it, or its redrive
 * allow policy (`byQueue`) names a source queue of another stack listed in `externalSources`. A redrive allow policy
 * alone, `allowAll` or naming queues that do not exist, does not make a queue a dead-letter queue: any queue could
 * declare one to escape the check.
 */
export function isDeadLetterQueue(graph: QueueGraph, queue: Queue, externalSources: string[] = []): boolean {
    return (
        isRedriveTarget(graph, queue) ||
        graph.redriveAllows.some(
            (allow) =>
                allow.queue === queue &&
                need(allow.permission) === "byQueue" &&
                need(allow.sourceQueueArns).some((arn) => externalSources.includes(arn)),
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
    ...mirrors({ cdkNag: "AwsSolutions-SQS4", title: "The SQS queue does not require requests to use SSL" }),
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
    if (statement.Effect !== "Deny" || !isEveryone(statement.Principal) || statement.NotResource !== undefined) {
        // A Deny with NotResource applies to everything but what it names: it cannot be the queue's TLS deny.
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

/** Whether a statement's Action covers every SQS action: `*`, `sqs:*`, `sqs:**`, `s?s:*` (not NotAction). */
function grantsEverySqsAction(action: unknown): boolean {
    return listOf(action).some((item) => {
        const [service, name] = String(item).includes(":")
            ? String(item).split(/:(.*)/s)
            : [String(item), String(item)];
        return globMatches(service, "sqs", true) && /^[*?]*\*[*?]*$/.test(name);
    });
}

/**
 * Whether a Deny's condition holds for every request without TLS: it tests only `aws:SecureTransport` (Bool, or
 * BoolIfExists) and accepts "false". Any further clause narrows the deny (clauses are ANDed) to some of those
 * requests, so it no longer refuses plain HTTP as a whole. Operator and key names are compared case-insensitively.
 */
function insecureTransportCondition(condition: unknown): boolean {
    if (!isRecord(condition)) {
        return false;
    }
    const clauses = Object.keys(condition).flatMap((operator) => {
        const block = condition[operator];
        return isRecord(block) ? Object.keys(block).map((key) => ({ operator, key, values: listOf(block[key]) })) : [];
    });
    return (
        clauses.length > 0 &&
        clauses.every(
            (clause) =>
                ["bool", "boolifexists"].includes(clause.operator.toLowerCase()) &&
                clause.key.toLowerCase() === "aws:securetransport" &&
                clause.values.some((value) => String(value).toLowerCase() === "false"),
        )
    );
}

/** The services a statement's Principal names (`{ Service: "sns.amazonaws.com" }`). */
function servicePrincipals(principal: unknown): string[] {
    return isRecord(principal) ? listOf(principal.Service).map(String) : [];
}

/**
 * Whether a Deny among `statements` keeps every caller outside one scope from what `allow` grants: a Deny of every SQS
 * action to everyone, on every resource the Allow names, whose condition spares only callers of the scope
 * (`StringNotEquals aws:PrincipalOrgID o-...`). An Allow to everyone next to such a Deny reaches only that scope.
 */
function fencedByDeny(allow: Props, statements: Props[], scope: Scope): boolean {
    const allowed = listOf(allow.Resource).map(String);
    return statements.some((deny) => {
        if (deny.Effect !== "Deny" || deny.NotPrincipal !== undefined || !isEveryone(deny.Principal)) {
            return false;
        }
        if (deny.NotAction !== undefined || deny.NotResource !== undefined || !grantsEverySqsAction(deny.Action)) {
            return false;
        }
        const denied = listOf(deny.Resource).map(String);
        const covers =
            deny.Resource === undefined ||
            denied.includes("*") ||
            (allowed.length > 0 && allowed.every((arn) => denied.some((pattern) => arnPatternMatches(pattern, arn))));
        return covers && denyRestriction(deny.Condition, scope).restricts;
    });
}

/**
 * Why an Allow statement opens the queue beyond known callers, each reason in words. IAM refuses an Effect in any
 * case but `Allow`; SQS's own parsing is not documented, so an Effect in another case is judged as an Allow.
 */
function publicGrants(raw: Props, statements: Props[]): string[] {
    const statement = readStatement(raw);
    if (typeof raw.Effect !== "string" || raw.Effect.toLowerCase() !== "allow") {
        return [];
    }
    const sid = statement.sid ? ` ${statement.sid}` : "";
    const problems: string[] = [];
    if (statement.notPrincipal !== undefined) {
        problems.push(`statement${sid} allows everyone but the NotPrincipal`);
    } else if (isEveryone(statement.principal)) {
        const verdict = callerRestriction(statement.condition, CALLER_SCOPE);
        if (!verdict.restricts && !fencedByDeny(raw, statements, CALLER_SCOPE)) {
            problems.push(
                `statement${sid} allows Principal "*" and its condition restricts no caller (${verdict.reason})`,
            );
        }
    } else {
        const services = servicePrincipals(statement.principal);
        const verdict = services.length > 0 ? callerRestriction(statement.condition, SOURCE_SCOPE) : undefined;
        if (verdict && !verdict.restricts && !fencedByDeny(raw, statements, SOURCE_SCOPE)) {
            problems.push(
                `statement${sid} allows the service ${services.join(", ")} for any source (${verdict.reason}): a ` +
                    "resource of any account could use it to reach this queue",
            );
        }
    }
    if (statement.actions.not) {
        problems.push(`statement${sid} allows every action but ${statement.actions.patterns.join(", ")} (NotAction)`);
    } else if (grantsEverySqsAction(statement.actions.patterns)) {
        problems.push(`statement${sid} allows every SQS action (${statement.actions.patterns.join(", ")})`);
    }
    return problems;
}

/**
 * Why a topic policy lets callers beyond known ones publish, each reason in words: an Allow of `sns:Publish` (by a
 * wildcard or NotAction too) to everyone or to everyone but a NotPrincipal without a condition restricting the caller,
 * or to a service without a condition restricting its source. Undefined when the document cannot be read.
 */
function publicPublishGrants(document: unknown): string[] | undefined {
    const statements = readStatements(document);
    return statements?.flatMap((raw) => {
        const statement = readStatement(raw);
        if (typeof raw.Effect !== "string" || raw.Effect.toLowerCase() !== "allow") {
            return [];
        }
        if (!grantsAction(statement.actions, "sns:Publish")) {
            return [];
        }
        const sid = statement.sid ? ` ${statement.sid}` : "";
        if (statement.notPrincipal !== undefined) {
            return [`statement${sid} lets everyone but the NotPrincipal publish`];
        }
        if (isEveryone(statement.principal)) {
            const verdict = callerRestriction(statement.condition, CALLER_SCOPE);
            return verdict.restricts
                ? []
                : [
                      `statement${sid} lets Principal "*" publish and its condition restricts no caller (${verdict.reason})`,
                  ];
        }
        const services = servicePrincipals(statement.principal);
        const verdict = services.length > 0 ? callerRestriction(statement.condition, SOURCE_SCOPE) : undefined;
        return verdict && !verdict.restricts
            ? [`statement${sid} lets the service ${services.join(", ")} publish for any source (${verdict.reason})`]
            : [];
    });
}

/** The topic of the stack a subscription's `topic` names: by ARN, or while unknown by what it was built from. */
function subscribedTopic(subscription: PolicyResource, topics: PolicyResource[]): PolicyResource | undefined {
    const arn = attempt(() => stringOf(subscription.props.topic));
    if (arn instanceof Unknown) {
        const built = dependenciesOf(subscription, "topic", ResourceType.Topic);
        if (built.length > 0) {
            return built[0];
        }
        throw arn.error;
    }
    return topics.find((topic) => attempt(() => topic.props.arn) === arn);
}

/** Whether a subscription delivers to `queue`: an `sqs` subscription whose endpoint is its ARN. */
function deliversTo(subscription: PolicyResource, graph: QueueGraph): Queue | undefined {
    const protocol = need(attempt(() => stringOf(subscription.props.protocol)));
    if (protocol?.toLowerCase() !== "sqs") {
        return undefined;
    }
    const endpoint = attempt(() => stringOf(subscription.props.endpoint));
    if (endpoint instanceof Unknown) {
        const built = dependenciesOf(subscription, "endpoint", ResourceType.Queue);
        if (built.length > 0) {
            return graph.queues.find((queue) => queue.resource === built[0]);
        }
        throw endpoint.error;
    }
    return graph.queues.find((queue) => queue.arn === endpoint);
}

/** The policy documents of a topic: its own `policy`, and each TopicPolicy on its ARN (or built from it). */
function topicPolicies(
    topic: PolicyResource,
    resources: PolicyResource[],
): { declaredBy: PolicyResource; document: unknown }[] {
    const own = need(attempt(() => topic.props.policy));
    const attached = resources.filter((resource) => {
        if (resource.type !== ResourceType.TopicPolicy) {
            return false;
        }
        const arn = attempt(() => resource.props.arn);
        if (!(arn instanceof Unknown)) {
            return arn === need(attempt(() => topic.props.arn));
        }
        const built = dependenciesOf(resource, "arn", ResourceType.Topic);
        if (built.length > 0) {
            return built.includes(topic);
        }
        throw arn.error;
    });
    return [
        ...(own === undefined || own === null || own === "" ? [] : [{ declaredBy: topic, document: own }]),
        ...attached.map((resource) => ({ declaredBy: resource, document: need(attempt(() => resource.props.policy)) })),
    ];
}

export const sqsNoPublicAccess: StackValidationPolicy = {
    name: "sqs-no-public-access",
    description:
        "No queue policy allows `*` (everyone, or every AWS account) without a condition that scopes it to a known " +
        "caller (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, aws:SourceVpce, ...), and none allows every " +
        "SQS action. A TLS deny does not make a public Allow safe: anyone may still send and receive over TLS. The " +
        "only open permission allowed is a redrive allow policy of `allowAll` on a real dead-letter queue (one a " +
        "redrive policy names), which lets any queue of the account redrive to it. A topic of the stack subscribed " +
        "to a queue sends it whatever is published, so its topic policy is held to the same rule for `sns:Publish`.",
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
        "redrive allow policy of `byQueue` or `denyAll`. On a topic that delivers to a queue, grant `sns:Publish` to " +
        "named principals, or scope it by `aws:PrincipalOrgID` or a service's source.",
    validateStack: (args, reportViolation) => {
        const graph = queueGraph(args.resources);
        const subject = (reference: QueueReference, declaredBy: PolicyResource) =>
            reference instanceof Unknown || reference === undefined
                ? { label: declaredBy.name, urn: declaredBy.urn }
                : { label: queueLabel(reference), urn: reference.resource.urn };
        decideEach(graph.queuePolicies, (link) => {
            const document = need(attempt(() => link.document));
            const statements = readStatements(document);
            const { label, urn } = subject(link.queue, link.declaredBy);
            if (statements === undefined) {
                // What the pack cannot read it cannot call private.
                if (readDocument(document).kind !== "absent") {
                    reportViolation(
                        `The queue policy of ${label} is not a JSON policy document the pack can read.`,
                        urn,
                    );
                }
                return;
            }
            for (const problem of statements.flatMap((statement) => publicGrants(statement, statements))) {
                reportViolation(`The queue policy of ${label}: ${problem}.`, urn);
            }
        });
        const topics = args.resources.filter((resource) => resource.type === ResourceType.Topic);
        const subscriptions = args.resources.filter((resource) => resource.type === ResourceType.SnsSubscription);
        decideEach(subscriptions, (subscription) => {
            const queue = deliversTo(subscription, graph);
            const topic = queue && subscribedTopic(subscription, topics);
            if (!queue || !topic) {
                return;
            }
            for (const { declaredBy, document } of topicPolicies(topic, args.resources)) {
                const problems = publicPublishGrants(document) ?? [
                    "it is not a JSON policy document the pack can read",
                ];
                for (const problem of problems) {
                    reportViolation(
                        `Topic ${topic.name} delivers to queue ${queueLabel(queue)} (subscription ${subscription.name}), ` +
                            `so whoever may publish to it sends the worker jobs; its topic policy: ${problem}.`,
                        declaredBy.urn,
                    );
                }
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
