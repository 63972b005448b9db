// Calling the user's code: the time limit on a handler call, and reading what a batch handler resolved with.
import { WorkerMessage } from "./options";
import { Timers } from "./timers";

/** A handler call ran past `handlerTimeoutSeconds`. */
export class HandlerTimeoutError extends Error {
    constructor(timeoutSeconds: number) {
        super(`the handler did not finish within handlerTimeoutSeconds (${timeoutSeconds} s)`);
        this.name = "TimeoutError";
    }
}

/** A batch handler resolved with something that cannot be read as its failures; the message says what to return. */
export class RefusedResultError extends Error {
    constructor(got: string) {
        super(
            `batchHandler must resolve with the messages that failed, as [{ message, error }], or with nothing (or []) ` +
                `when every message succeeded; ${got}. The batch's messages go back to the queue unchanged and the ` +
                "worker stops, so that no message is retried or deleted on a result read wrongly.",
        );
        this.name = "RefusedResultError";
    }
}

/**
 * The call's result, or a HandlerTimeoutError once `timeoutSeconds` have passed (after `onTimeout` was told, so the
 * handler's signal can say why). A call still running then is left to finish; its result is ignored.
 */
export function withTimeout<T>(
    call: Promise<T>,
    timeoutSeconds: number | undefined,
    timers: Timers,
    onTimeout: (error: HandlerTimeoutError) => void,
): Promise<T> {
    if (timeoutSeconds === undefined) {
        return call;
    }
    return new Promise((resolve, reject) => {
        const cancel = timers.schedule(timeoutSeconds * 1000, () => {
            const error = new HandlerTimeoutError(timeoutSeconds);
            onTimeout(error);
            reject(error);
        });
        call.then(
            (value) => {
                cancel();
                resolve(value);
            },
            (error: unknown) => {
                cancel();
                reject(error);
            },
        );
    });
}

/**
 * Which messages of `batch` a batch handler failed, and why, read from what it resolved with. Anything else is refused
 * with a RefusedResultError rather than guessed at: sqs-consumer's handlers resolve with the messages that succeeded,
 * the opposite, and an empty array means "all succeeded" here but "none did" there, so a guess could delete messages
 * whose work failed.
 */
export function batchFailures(result: unknown, batch: readonly WorkerMessage[]): Map<WorkerMessage, unknown> {
    const failures = new Map<WorkerMessage, unknown>();
    if (result === undefined) {
        return failures;
    }
    if (!Array.isArray(result)) {
        throw new RefusedResultError(`it resolved with ${describe(result)}`);
    }
    for (const entry of result as unknown[]) {
        if (batch.includes(entry as WorkerMessage) || isSdkMessage(entry)) {
            throw new RefusedResultError(
                "it resolved with messages of the batch themselves, which is how sqs-consumer acknowledges messages. " +
                    "Here the result lists the messages that failed and the others are deleted: return nothing to " +
                    "have every message deleted, or { message, error } for each message to retry",
            );
        }
        const named = typeof entry === "object" && entry !== null && "message" in entry ? entry.message : undefined;
        const message = batch.find(
            (candidate) =>
                candidate === named ||
                (typeof named === "object" &&
                    named !== null &&
                    "messageId" in named &&
                    candidate.messageId === named.messageId),
        );
        if (!message) {
            throw new RefusedResultError(
                `it resolved with an array holding ${describe(entry)}, which names no message of this batch`,
            );
        }
        failures.set(message, (entry as { error?: unknown }).error);
    }
    return failures;
}

/** The AWS SDK's own message (WorkerMessage.sqsMessage, or one from sqs-consumer). */
function isSdkMessage(value: unknown): boolean {
    return typeof value === "object" && value !== null && "ReceiptHandle" in value && "MessageId" in value;
}

function describe(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return `an array of ${value.length}`;
    }
    if (typeof value === "object") {
        return `an object with keys ${Object.keys(value).join(", ") || "(none)"}`;
    }
    return `${typeof value} ${String(value)}`;
}
