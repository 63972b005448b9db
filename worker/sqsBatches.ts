// The two SQS batch calls the worker makes per message, as EntryBatcher senders, and what each receive asks for.
import {
    ChangeMessageVisibilityBatchCommand,
    DeleteMessageBatchCommand,
    MessageSystemAttributeName,
    SQSClient,
} from "@aws-sdk/client-sqs";
import { EntryFailure, SendBatch } from "./batcher";

export interface VisibilityChange {
    receiptHandle: string;
    seconds: number;
}

export function deleteMessageBatch(sqs: SQSClient, queueUrl: string): SendBatch<string> {
    return async (receiptHandles) => {
        const { Failed = [] } = await sqs.send(
            new DeleteMessageBatchCommand({
                QueueUrl: queueUrl,
                Entries: receiptHandles.map((receiptHandle, index) => ({
                    Id: String(index),
                    ReceiptHandle: receiptHandle,
                })),
            }),
        );
        return failuresByIndex(Failed);
    };
}

export function changeMessageVisibilityBatch(sqs: SQSClient, queueUrl: string): SendBatch<VisibilityChange> {
    return async (changes) => {
        const { Failed = [] } = await sqs.send(
            new ChangeMessageVisibilityBatchCommand({
                QueueUrl: queueUrl,
                Entries: changes.map(({ receiptHandle, seconds }, index) => ({
                    Id: String(index),
                    ReceiptHandle: receiptHandle,
                    VisibilityTimeout: seconds,
                })),
            }),
        );
        return failuresByIndex(Failed);
    };
}

/** The user's choice plus what the worker needs: the receive count for the backoff, the group for FIFO order. */
export function systemAttributesToRequest(
    chosen: readonly MessageSystemAttributeName[],
    fifo: boolean,
): MessageSystemAttributeName[] {
    if (chosen.includes(MessageSystemAttributeName.All)) {
        return [MessageSystemAttributeName.All];
    }
    const required: MessageSystemAttributeName[] = [MessageSystemAttributeName.ApproximateReceiveCount];
    if (fifo) {
        required.push(MessageSystemAttributeName.MessageGroupId);
    }
    return [...new Set([...chosen, ...required])];
}

function failuresByIndex(
    failed: ReadonlyArray<{ Id?: string; Code?: string; Message?: string; SenderFault?: boolean }>,
): ReadonlyMap<number, EntryFailure> {
    return new Map(
        failed.map((entry) => [
            Number(entry.Id),
            { code: entry.Code ?? "Unknown", message: entry.Message ?? "", senderFault: entry.SenderFault === true },
        ]),
    );
}
