// The queues of a stack and the links between them, as stack policies see them: resource outputs, joined by the ARNs
// and URLs the resources carry. A link is only as good as its value: a redrive policy naming an ARN that no queue in
// the stack has links to nothing, and a queue policy attached to another queue's URL protects that other queue.
//
// During a preview of new queues those ARNs and URLs are not known yet. A link whose value is unknown is then
// followed through the engine's property dependencies (the redrive policy's `queueUrl` was built from this queue's
// `url`), and only when those do not name exactly one queue does the link stay Unknown, leaving open just the
// decisions that need it.
import { PolicyResource } from "@pulumi/policy";
import { AWS_DEFAULT_MESSAGE_RETENTION_SECONDS } from "../contract";
import {
    AWS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
    canonicalDocument,
    dependenciesOf,
    isRecord,
    isTrue,
    listOf,
    numberOf,
    readRedrive,
    Redrive,
    ResourceType,
    stringOf,
} from "./aws";
import { attempt, Unknown } from "./preview";

export interface Queue {
    resource: PolicyResource;
    arn: string | Unknown;
    url: string | Unknown;
    /** The queue's name, what CloudWatch's QueueName dimension holds. */
    name: string | Unknown;
    fifo: boolean | Unknown;
    messageRetentionSeconds: number | Unknown;
    visibilityTimeoutSeconds: number | Unknown;
}

/** Where a reference to a queue leads: a queue of the stack, none in the stack (undefined), or not known yet. */
export type QueueReference = Queue | undefined | Unknown;

/** A redrive policy: inline on its source queue, or an `aws:sqs/redrivePolicy` resource. */
export interface RedriveLink {
    /** The resource that declares the redrive policy. */
    declaredBy: PolicyResource;
    source: QueueReference;
    policy: Redrive | Unknown;
    /** The dead-letter queue. */
    target: QueueReference;
}

/** A queue policy document: inline on its queue, or an `aws:sqs/queuePolicy` resource. */
export interface QueuePolicyLink {
    declaredBy: PolicyResource;
    queue: QueueReference;
    document: unknown;
}

/** A redrive allow policy: which source queues may use `queue` as their dead-letter queue. */
interface RedriveAllowLink {
    declaredBy: PolicyResource;
    queue: QueueReference;
    /** `allowAll`, `denyAll` or `byQueue`. */
    permission: string | undefined | Unknown;
    sourceQueueArns: string[] | Unknown;
}

export interface QueueGraph {
    queues: Queue[];
    byUrl(url: string): Queue | undefined;
    redrives: RedriveLink[];
    queuePolicies: QueuePolicyLink[];
    redriveAllows: RedriveAllowLink[];
}

function readQueue(resource: PolicyResource): Queue {
    const props = resource.props;
    return {
        resource,
        arn: attempt(() => String(props.arn)),
        // The provider sets a queue's id to its URL; some states carry only one of the two.
        url: attempt(() => stringOf(props.url) ?? String(props.id)),
        name: attempt(
            () =>
                stringOf(props.name) ??
                String(props.url ?? props.id)
                    .split("/")
                    .pop() ??
                "",
        ),
        fifo: attempt(() => isTrue(props.fifoQueue)),
        messageRetentionSeconds: attempt(
            () => numberOf(props.messageRetentionSeconds) ?? AWS_DEFAULT_MESSAGE_RETENTION_SECONDS,
        ),
        visibilityTimeoutSeconds: attempt(
            () => numberOf(props.visibilityTimeoutSeconds) ?? AWS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
        ),
    };
}

export function queueGraph(resources: PolicyResource[]): QueueGraph {
    const queues = resources.filter((resource) => resource.type === ResourceType.Queue).map(readQueue);
    const byResource = new Map(queues.map((queue) => [queue.resource, queue]));
    const byUrl = (url: string) => queues.find((queue) => queue.url === url);
    const byArn = (arn: string) => queues.find((queue) => queue.arn === arn);

    /** The queue `property` of `resource` refers to, by its known value or else by what it was built from. */
    const follow = (
        resource: PolicyResource,
        property: string,
        value: unknown | Unknown,
        lookup: (key: string) => Queue | undefined,
    ): QueueReference => {
        if (value instanceof Unknown) {
            const built = dependenciesOf(resource, property, ResourceType.Queue);
            return built.length === 1 ? byResource.get(built[0]) : value;
        }
        return typeof value === "string" ? lookup(value) : undefined;
    };

    const redrives: RedriveLink[] = [];
    const queuePolicies: QueuePolicyLink[] = [];
    const redriveAllows: RedriveAllowLink[] = [];
    const documents = new Map<RedriveLink | QueuePolicyLink, string>();

    const addRedrive = (declaredBy: PolicyResource, source: QueueReference, property: string) => {
        const value = attempt(() => declaredBy.props[property]);
        const policy = value instanceof Unknown ? value : attempt(() => readRedrive(value));
        if (policy === undefined) {
            return;
        }
        const target =
            policy instanceof Unknown
                ? follow(declaredBy, property, policy, byArn)
                : policy.ok && policy.deadLetterTargetArn
                  ? byArn(policy.deadLetterTargetArn)
                  : undefined;
        const link: RedriveLink = { declaredBy, source, policy, target };
        if (!(value instanceof Unknown)) {
            documents.set(link, canonicalDocument(value));
        }
        redrives.push(link);
    };
    const addRedriveAllow = (declaredBy: PolicyResource, queue: QueueReference, property: string) => {
        const document = attempt(() => {
            const value = declaredBy.props[property];
            const parsed = typeof value === "string" && value !== "" ? (JSON.parse(value) as unknown) : value;
            return isRecord(parsed) ? parsed : undefined;
        });
        if (document === undefined) {
            return;
        }
        redriveAllows.push({
            declaredBy,
            queue,
            permission: document instanceof Unknown ? document : attempt(() => stringOf(document.redrivePermission)),
            sourceQueueArns:
                document instanceof Unknown ? document : attempt(() => listOf(document.sourceQueueArns).map(String)),
        });
    };

    // The separate resources first: a queue's own property that repeats one of them is the same policy, read back.
    for (const resource of resources) {
        switch (resource.type) {
            case ResourceType.RedrivePolicy:
                addRedrive(
                    resource,
                    follow(
                        resource,
                        "queueUrl",
                        attempt(() => resource.props.queueUrl),
                        byUrl,
                    ),
                    "redrivePolicy",
                );
                break;
            case ResourceType.RedriveAllowPolicy:
                addRedriveAllow(
                    resource,
                    follow(
                        resource,
                        "queueUrl",
                        attempt(() => resource.props.queueUrl),
                        byUrl,
                    ),
                    "redriveAllowPolicy",
                );
                break;
            case ResourceType.QueuePolicy: {
                const link: QueuePolicyLink = {
                    declaredBy: resource,
                    queue: follow(
                        resource,
                        "queueUrl",
                        attempt(() => resource.props.queueUrl),
                        byUrl,
                    ),
                    document: attempt(() => resource.props.policy),
                };
                if (!(link.document instanceof Unknown)) {
                    documents.set(link, canonicalDocument(link.document));
                }
                queuePolicies.push(link);
                break;
            }
        }
    }
    const repeats = (links: (RedriveLink | QueuePolicyLink)[], value: unknown) =>
        !(value instanceof Unknown) && links.some((link) => documents.get(link) === canonicalDocument(value));
    for (const queue of queues) {
        const props = queue.resource.props;
        if ("redrivePolicy" in props) {
            const own = redrives.filter((link) => link.source === queue);
            if (
                !repeats(
                    own,
                    attempt(() => props.redrivePolicy),
                )
            ) {
                addRedrive(queue.resource, queue, "redrivePolicy");
            }
        }
        if ("redriveAllowPolicy" in props) {
            addRedriveAllow(queue.resource, queue, "redriveAllowPolicy");
        }
        if ("policy" in props) {
            const document = attempt(() => props.policy);
            const own = queuePolicies.filter((link) => link.queue === queue);
            if (document !== "" && document !== undefined && !repeats(own, document)) {
                queuePolicies.push({ declaredBy: queue.resource, queue, document });
            }
        }
    }
    return { queues, byUrl, redrives, queuePolicies, redriveAllows };
}

/** A queue's name for messages: the last part of its URL, which is what people see in the console. */
export function queueLabel(queue: Queue): string {
    return typeof queue.url === "string" ? queue.url.split("/").pop() || queue.resource.name : queue.resource.name;
}
