// The job queue and its dead-letter queue: encryption, redrive, and one TLS-only policy per queue.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { queueNameFromArn } from "../../contract/arns";
import { PolicyStatement, policyDocument } from "../plan/iam";
import { QueueSettings } from "../plan/settings";
import { WorkerExistingQueue } from "../types";
import { WorkerScope } from "./scope";

/** Denies every request that does not use TLS (Security Hub SQS-style guardrail, cdk-nag SQS4). */
export function denyInsecureTransport(queueArn: pulumi.Input<string>): PolicyStatement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/**
 * The one policy document of a queue. A queue has a single policy attribute: two QueuePolicy resources on the same
 * queue overwrite each other, so every statement a worker needs (TLS, and the sources that send to it) goes here.
 */
function queuePolicyDocument(
    queueArn: pulumi.Input<string>,
    extraStatements: PolicyStatement[] = [],
): pulumi.Output<string> {
    return pulumi.jsonStringify(policyDocument([denyInsecureTransport(queueArn), ...extraStatements]));
}

export interface WorkerQueues {
    queue: aws.sqs.Queue;
    deadLetterQueue: aws.sqs.Queue;
    /** The job queue's one policy: sources subscribe after it, so nothing they send before it exists is refused. */
    queuePolicy: aws.sqs.QueuePolicy;
}

/** What a worker's queues add to the defaults: encryption by a key of the user's, and the sources' statements. */
export interface QueueOptions {
    /** A customer-managed KMS key for both queues; SSE-SQS when unset. */
    kmsMasterKeyId?: pulumi.Input<string>;
    /** Statements merged into the job queue's policy (see sources.ts), built from the queue's ARN. */
    sourceStatements?: (queueArn: pulumi.Output<string>) => PolicyStatement[];
}

/** The encryption inputs of a queue: SSE-SQS, or the given key (the provider rejects both together). */
function encryption(kmsMasterKeyId: pulumi.Input<string> | undefined) {
    return kmsMasterKeyId === undefined ? { sqsManagedSseEnabled: true } : { kmsMasterKeyId };
}

/**
 * The FIFO inputs of a queue. Left unset rather than false on a standard queue, so queues created before FIFO existed
 * here keep the same inputs (`fifoQueue` forces a replacement). The provider's autonaming appends `.fifo` to a FIFO
 * queue's generated name (pulumi-aws #967), so no explicit name is needed.
 */
function fifoInputs(settings: QueueSettings, contentBasedDeduplication: boolean) {
    return settings.fifo ? { fifoQueue: true, contentBasedDeduplication } : {};
}

/**
 * Creates the dead-letter queue, the job queue, the redrive between them and both queue policies.
 * Redrive and redrive-allow are separate resources: set inline on both queues they would form a dependency cycle.
 */
export function createQueues(scope: WorkerScope, settings: QueueSettings, options: QueueOptions = {}): WorkerQueues {
    const { names, tags, parent } = scope;
    const deadLetterQueue = new aws.sqs.Queue(
        names.deadLetterQueue,
        {
            messageRetentionSeconds: settings.deadLetterRetentionSeconds,
            ...encryption(options.kmsMasterKeyId),
            // A FIFO queue's dead-letter queue must be FIFO too; nothing is sent to it directly, so no deduplication.
            ...fifoInputs(settings, false),
            tags,
        },
        { parent },
    );

    const queue = new aws.sqs.Queue(
        names.queue,
        {
            visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
            messageRetentionSeconds: settings.messageRetentionSeconds,
            receiveWaitTimeSeconds: settings.receiveWaitTimeSeconds,
            delaySeconds: settings.delaySeconds,
            maxMessageSize: settings.maxMessageSizeBytes,
            ...encryption(options.kmsMasterKeyId),
            ...fifoInputs(settings, settings.contentBasedDeduplication),
            tags,
        },
        { parent },
    );

    new aws.sqs.RedrivePolicy(
        names.redrivePolicy,
        {
            queueUrl: queue.url,
            redrivePolicy: pulumi.jsonStringify({
                deadLetterTargetArn: deadLetterQueue.arn,
                maxReceiveCount: settings.maxReceiveCount,
            }),
        },
        { parent },
    );

    new aws.sqs.RedriveAllowPolicy(
        names.redriveAllowPolicy,
        {
            queueUrl: deadLetterQueue.url,
            redriveAllowPolicy: pulumi.jsonStringify({
                redrivePermission: "byQueue",
                sourceQueueArns: [queue.arn],
            }),
        },
        { parent },
    );

    const queuePolicy = new aws.sqs.QueuePolicy(
        names.queuePolicy,
        {
            queueUrl: queue.url,
            policy: queuePolicyDocument(queue.arn, options.sourceStatements?.(queue.arn)),
        },
        { parent },
    );

    new aws.sqs.QueuePolicy(
        names.deadLetterQueuePolicy,
        {
            queueUrl: deadLetterQueue.url,
            policy: queuePolicyDocument(deadLetterQueue.arn),
        },
        { parent },
    );

    return { queue, deadLetterQueue, queuePolicy };
}

/** The queue a worker consumes and its dead-letter queue, whether the component created them or was given them. */
export interface QueueEndpoints {
    arn: pulumi.Output<string>;
    url: pulumi.Output<string>;
    /** The dimension of the SQS metrics the scaling and the alarms read. */
    name: pulumi.Output<string>;
    /** Absent when an existing queue was given without its dead-letter queue. */
    deadLetterQueue?: { arn: pulumi.Output<string>; url: pulumi.Output<string>; name: pulumi.Output<string> };
}

export function createdQueueEndpoints(queues: WorkerQueues): QueueEndpoints {
    const { queue, deadLetterQueue } = queues;
    return {
        arn: queue.arn,
        url: queue.url,
        name: queue.name,
        deadLetterQueue: { arn: deadLetterQueue.arn, url: deadLetterQueue.url, name: deadLetterQueue.name },
    };
}

/** An existing queue, consumed as it is: nothing is created, its policy stays its owner's. */
export function existingQueueEndpoints(existing: WorkerExistingQueue): QueueEndpoints {
    const endpoint = (arn: pulumi.Input<string>, url: pulumi.Input<string>) => {
        const resolvedArn = pulumi.output(arn);
        return { arn: resolvedArn, url: pulumi.output(url), name: resolvedArn.apply(queueNameFromArn) };
    };
    const { deadLetterQueueArn, deadLetterQueueUrl } = existing;
    return {
        ...endpoint(existing.arn, existing.url),
        // Validation guarantees the pair comes together or not at all.
        deadLetterQueue:
            deadLetterQueueArn !== undefined && deadLetterQueueUrl !== undefined
                ? endpoint(deadLetterQueueArn, deadLetterQueueUrl)
                : undefined,
    };
}
