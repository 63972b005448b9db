// The queues of a stack and the links between them, as stack policies see them: resource outputs, joined by the ARNs
// and URLs the resources carry. A link is only as good as its value: a redrive policy naming an ARN that no queue in
// the stack has links to nothing, and a queue policy attached to another queue's URL protects that other queue.
import { PolicyResource } from "@pulumi/policy";
import {
    AWS_DEFAULT_MESSAGE_RETENTION_SECONDS,
    canonicalDocument,
    AWS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
    isTrue,
    numberOf,
    readRedrive,
    readRedrivePermission,
    Redrive,
    ResourceType,
    stringOf,
} from "./aws";

export interface Queue {
    resource: PolicyResource;
    arn: string;
    url: string;
    fifo: boolean;
    messageRetentionSeconds: number;
    visibilityTimeoutSeconds: number;
}

/** A redrive policy: inline on its source queue, or an `aws:sqs/redrivePolicy` resource. */
export interface RedriveLink {
    /** The resource that declares the redrive policy. */
    declaredBy: PolicyResource;
    /** The source queue, when it is in the stack. */
    source?: Queue;
    policy: Redrive;
    /** The dead-letter queue, when the target ARN names a queue in the stack. */
    target?: Queue;
    /** The document in canonical form, to recognise the same policy read back on the queue. */
    document: string;
}

/** A queue policy document: inline on its queue, or an `aws:sqs/queuePolicy` resource. */
export interface QueuePolicyLink {
    declaredBy: PolicyResource;
    queue?: Queue;
    document: unknown;
}

export interface QueueGraph {
    queues: Queue[];
    byArn(arn: string): Queue | undefined;
    byUrl(url: string): Queue | undefined;
    redrives: RedriveLink[];
    queuePolicies: QueuePolicyLink[];
    /** Queues that declare, with a redrive allow policy, that sources may use them as a dead-letter queue. */
    allowsRedrive: Set<Queue>;
}

export function queueGraph(resources: PolicyResource[]): QueueGraph {
    const queues = resources
        .filter((resource) => resource.type === ResourceType.Queue)
        .map((resource): Queue => {
            const props = resource.props;
            return {
                resource,
                arn: String(props.arn),
                // The provider sets a queue's id to its URL; some states carry only one of the two.
                url: stringOf(props.url) ?? String(props.id),
                fifo: isTrue(props.fifoQueue),
                messageRetentionSeconds: numberOf(props.messageRetentionSeconds) ?? AWS_DEFAULT_MESSAGE_RETENTION_SECONDS,
                visibilityTimeoutSeconds:
                    numberOf(props.visibilityTimeoutSeconds) ?? AWS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
            };
        });
    const byArn = (arn: string) => queues.find((queue) => queue.arn === arn);
    const byUrl = (url: string) => queues.find((queue) => queue.url === url);

    const redrives: RedriveLink[] = [];
    const queuePolicies: QueuePolicyLink[] = [];
    const allowsRedrive = new Set<Queue>();
    const addRedrive = (declaredBy: PolicyResource, source: Queue | undefined, value: unknown) => {
        const policy = readRedrive(value);
        if (policy) {
            const target = policy.ok && policy.deadLetterTargetArn ? byArn(policy.deadLetterTargetArn) : undefined;
            redrives.push({ declaredBy, source, policy, target, document: canonicalDocument(value) });
        }
    };
    const allowRedrive = (queue: Queue | undefined, value: unknown) => {
        const permission = readRedrivePermission(value);
        if (queue && (permission === "allowAll" || permission === "byQueue")) {
            allowsRedrive.add(queue);
        }
    };

    // The separate resources first: a queue's own property that repeats one of them is the same policy, read back.
    for (const resource of resources) {
        const props = resource.props;
        switch (resource.type) {
            case ResourceType.RedrivePolicy:
                addRedrive(resource, byUrl(String(props.queueUrl)), props.redrivePolicy);
                break;
            case ResourceType.RedriveAllowPolicy:
                allowRedrive(byUrl(String(props.queueUrl)), props.redriveAllowPolicy);
                break;
            case ResourceType.QueuePolicy:
                queuePolicies.push({
                    declaredBy: resource,
                    queue: byUrl(String(props.queueUrl)),
                    document: props.policy,
                });
                break;
        }
    }
    for (const queue of queues) {
        const props = queue.resource.props;
        const redrive = props.redrivePolicy;
        if (!redrives.some((link) => link.source === queue && link.document === canonicalDocument(redrive))) {
            addRedrive(queue.resource, queue, redrive);
        }
        allowRedrive(queue, props.redriveAllowPolicy);
        const policy = props.policy;
        const repeated = queuePolicies.some((link) => link.queue === queue && canonicalDocument(link.document) === canonicalDocument(policy));
        if (policy !== undefined && policy !== "" && !repeated) {
            queuePolicies.push({ declaredBy: queue.resource, queue, document: policy });
        }
    }
    return { queues, byArn, byUrl, redrives, queuePolicies, allowsRedrive };
}

/** A queue's name for messages: the last part of its URL, which is what people see in the console. */
export function queueLabel(queue: Queue): string {
    return queue.url.split("/").pop() || queue.resource.name;
}
