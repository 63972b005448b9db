// Queues on the moto server for the integration tests and the runtime bench, set up as the component sets them up: a
// source queue whose redrive policy moves a message to its dead-letter queue after maxReceiveCount receives.
import {
    CreateQueueCommand,
    GetQueueAttributesCommand,
    ReceiveMessageCommand,
    SendMessageBatchCommand,
    SQSClient,
} from "@aws-sdk/client-sqs";
import { randomUUID } from "crypto";

/** Dummy credentials and the region the tests use everywhere (moto accepts any credentials). */
export const TEST_AWS_ENVIRONMENT = {
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_REGION: "us-east-1",
} as const;

export function sqsClient(endpoint: string): SQSClient {
    return new SQSClient({
        endpoint,
        region: TEST_AWS_ENVIRONMENT.AWS_REGION,
        credentials: {
            accessKeyId: TEST_AWS_ENVIRONMENT.AWS_ACCESS_KEY_ID,
            secretAccessKey: TEST_AWS_ENVIRONMENT.AWS_SECRET_ACCESS_KEY,
        },
    });
}

export interface TestQueues {
    queueUrl: string;
    deadLetterQueueUrl: string;
}

export async function createQueues(
    sqs: SQSClient,
    settings: { visibilityTimeoutSeconds: number; maxReceiveCount: number },
): Promise<TestQueues> {
    const name = `worker-${randomUUID().slice(0, 8)}`;
    const { QueueUrl: deadLetterQueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ["QueueArn"] }),
    );
    const { QueueUrl: queueUrl } = await sqs.send(
        new CreateQueueCommand({
            QueueName: `${name}-queue`,
            Attributes: {
                VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
                RedrivePolicy: JSON.stringify({
                    deadLetterTargetArn: Attributes?.QueueArn,
                    maxReceiveCount: settings.maxReceiveCount,
                }),
            },
        }),
    );
    if (!queueUrl || !deadLetterQueueUrl) {
        throw new Error("moto did not return queue URLs");
    }
    return { queueUrl, deadLetterQueueUrl };
}

/** A FIFO queue with content-based deduplication, so messages need no deduplication id. */
export async function createFifoQueue(sqs: SQSClient, visibilityTimeoutSeconds: number): Promise<string> {
    const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({
            QueueName: `worker-${randomUUID().slice(0, 8)}.fifo`,
            Attributes: {
                FifoQueue: "true",
                ContentBasedDeduplication: "true",
                VisibilityTimeout: String(visibilityTimeoutSeconds),
            },
        }),
    );
    if (!QueueUrl) {
        throw new Error("moto did not return a queue URL");
    }
    return QueueUrl;
}

/** Sends each body as one message; returns the message ids in the same order. */
export async function sendMessages(sqs: SQSClient, queueUrl: string, bodies: readonly string[]): Promise<string[]> {
    const batches: string[][] = [];
    for (let start = 0; start < bodies.length; start += 10) {
        batches.push(bodies.slice(start, start + 10));
    }
    const ids = await Promise.all(
        batches.map(async (batch) => {
            const { Successful = [], Failed = [] } = await sqs.send(
                new SendMessageBatchCommand({
                    QueueUrl: queueUrl,
                    Entries: batch.map((body, index) => ({ Id: String(index), MessageBody: body })),
                }),
            );
            if (Failed.length > 0) {
                throw new Error(`moto refused ${Failed.length} messages: ${JSON.stringify(Failed)}`);
            }
            return batch.map((_, index) => Successful.find((entry) => entry.Id === String(index))?.MessageId ?? "");
        }),
    );
    return ids.flat();
}

/** Bodies of every message currently visible in the queue; each is hidden for a minute so none is counted twice. */
export async function receiveAllBodies(sqs: SQSClient, queueUrl: string): Promise<string[]> {
    const bodies: string[] = [];
    for (;;) {
        const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({
                QueueUrl: queueUrl,
                MaxNumberOfMessages: 10,
                VisibilityTimeout: 60,
                WaitTimeSeconds: 0,
            }),
        );
        if (Messages.length === 0) {
            return bodies;
        }
        bodies.push(...Messages.map((message) => message.Body ?? ""));
    }
}

/** ApproximateNumberOfMessages (visible) and ApproximateNumberOfMessagesNotVisible (in flight). */
export async function messageCounts(sqs: SQSClient, queueUrl: string): Promise<{ visible: number; inFlight: number }> {
    const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
    );
    return {
        visible: Number(Attributes.ApproximateNumberOfMessages),
        inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    };
}
