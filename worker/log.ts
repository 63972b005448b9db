// Structured logs: one JSON object per line on stdout, which the awslogs driver ships to CloudWatch as one event each,
// so Logs Insights can filter on `event`, `outcome` or `messageId` without parsing text.

export enum LogLevel {
    Info = "info",
    Warn = "warn",
    Error = "error",
}

/** What happened. Each entry has exactly one. */
export enum WorkerEvent {
    /** The worker started consuming; carries the settings it runs with. */
    Started = "worker.started",
    /** stop() was called or a signal arrived; carries `reason`, `inFlight` and `deadlineSeconds`. */
    Stopping = "worker.stopping",
    /** Every message is finished or released, and protection is released. */
    Stopped = "worker.stopped",
    /** A message is done with, one way or another: see `outcome`. */
    MessageFinished = "message.finished",
    /** A message reached SQS's 12-hour limit while its handler ran; its signal is aborted. */
    HoldLapsed = "message.hold-lapsed",
    /**
     * stop() abandoned a long poll sent after an empty receive; SQS may still have handed it messages, which stay
     * hidden for `visibilityTimeoutSeconds` (that poll's timeout) before another consumer gets them.
     */
    PollAbandoned = "receive.abandoned",
    /**
     * A batch handler resolved with something the worker cannot read as its failures (`error` says what was returned
     * and what to return instead). The batch's messages go back to the queue unchanged and the worker stops.
     */
    HandlerRefused = "handler.refused",
    /** A hook threw; the worker carries on. */
    HookFailed = "hook.failed",
    /** Receiving (or reading the queue's visibility timeout) failed; the worker retries after `retryInSeconds`. */
    ReceiveFailed = "receive.failed",
    /** A visibility change failed for good, after its retries (heartbeat, retry delay or release). */
    VisibilityChangeFailed = "visibility.failed",
    /** Deleting a processed message failed for good, after its retries: it will be delivered again. */
    DeleteFailed = "delete.failed",
    /** Task scale-in protection was enabled, renewed or released. */
    ProtectionChanged = "protection.changed",
    /** The ECS agent refused or did not answer a protection change; it is retried. */
    ProtectionFailed = "protection.failed",
}

export enum MessageOutcome {
    /** The handler resolved and the message was deleted. */
    Succeeded = "succeeded",
    /** The handler threw; the message comes back after `retryDelaySeconds`. */
    Failed = "failed",
    /** The worker gave the message up (shutdown deadline, stopping before it started, `release()`): visible again at once. */
    Released = "released",
    /** The handler asked for the message again with `retryAfter`; it comes back after `retryDelaySeconds`. */
    Retried = "retried",
}

export interface LogEntry {
    level: LogLevel;
    event: WorkerEvent;
    messageId?: string;
    receiveCount?: number;
    /** How long the handler ran, in milliseconds. */
    durationMs?: number;
    outcome?: MessageOutcome;
    retryDelaySeconds?: number;
    retryInSeconds?: number;
    /** The error's stack (or text): why a handler or a call failed. */
    error?: string;
    reason?: string;
    inFlight?: number;
    deadlineSeconds?: number;
    queueUrl?: string;
    concurrency?: number;
    /** Absent when the worker uses the queue's own timeout. */
    visibilityTimeoutSeconds?: number;
    taskProtection?: boolean;
    /** The message group of a message on a FIFO queue. */
    messageGroupId?: string;
    /** Which hook threw. */
    hook?: string;
    protectionEnabled?: boolean;
    expiresInMinutes?: number;
}

/** Receives every log entry. The default writes JSON lines to stdout. */
export type Log = (entry: LogEntry) => void;

export const jsonLinesToStdout: Log = (entry) => {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
};

/** The most useful text for an unknown thrown value: an Error's stack, else its string form. */
export function describeError(error: unknown): string {
    return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}
