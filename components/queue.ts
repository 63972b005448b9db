// The job queue and its dead-letter queue: encryption, redrive, and one TLS-only policy per queue.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { QueueSettings } from "./settings";

/** An IAM policy statement as plain data, so tests read it without a provider. */
export interface PolicyStatement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Principal?: "*" | { [kind: string]: pulumi.Input<string> | pulumi.Input<string>[] };
    Action: string | string[];
    Resource: pulumi.Input<string> | pulumi.Input<string>[];
    Condition?: { [operator: string]: { [key: string]: pulumi.Input<string> | pulumi.Input<string>[] } };
}

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
export function queuePolicyDocument(
    queueArn: pulumi.Input<string>,
    extraStatements: PolicyStatement[] = [],
): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [denyInsecureTransport(queueArn), ...extraStatements],
    });
}

export interface WorkerQueues {
    queue: aws.sqs.Queue;
    deadLetterQueue: aws.sqs.Queue;
}

/**
 * Creates the dead-letter queue, the job queue, the redrive between them and both queue policies.
 * Redrive and redrive-allow are separate resources: set inline on both queues they would form a dependency cycle.
 */
export function createQueues(
    name: string,
    settings: QueueSettings,
    tags: pulumi.Input<{ [key: string]: pulumi.Input<string> }> | undefined,
    parent: pulumi.Resource,
): WorkerQueues {
    const deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, {
        messageRetentionSeconds: settings.deadLetterRetentionSeconds,
        sqsManagedSseEnabled: true,
        tags,
    }, { parent });

    const queue = new aws.sqs.Queue(`${name}-queue`, {
        visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
        messageRetentionSeconds: settings.messageRetentionSeconds,
        receiveWaitTimeSeconds: settings.receiveWaitTimeSeconds,
        delaySeconds: settings.delaySeconds,
        maxMessageSize: settings.maxMessageSizeBytes,
        sqsManagedSseEnabled: true,
        tags,
    }, { parent });

    new aws.sqs.RedrivePolicy(`${name}-redrive`, {
        queueUrl: queue.url,
        redrivePolicy: pulumi.jsonStringify({
            deadLetterTargetArn: deadLetterQueue.arn,
            maxReceiveCount: settings.maxReceiveCount,
        }),
    }, { parent });

    new aws.sqs.RedriveAllowPolicy(`${name}-dlq-redrive-allow`, {
        queueUrl: deadLetterQueue.url,
        redriveAllowPolicy: pulumi.jsonStringify({
            redrivePermission: "byQueue",
            sourceQueueArns: [queue.arn],
        }),
    }, { parent });

    new aws.sqs.QueuePolicy(`${name}-queue-policy`, {
        queueUrl: queue.url,
        policy: queuePolicyDocument(queue.arn),
    }, { parent });

    new aws.sqs.QueuePolicy(`${name}-dlq-policy`, {
        queueUrl: deadLetterQueue.url,
        policy: queuePolicyDocument(deadLetterQueue.arn),
    }, { parent });

    return { queue, deadLetterQueue };
}
