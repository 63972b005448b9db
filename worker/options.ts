// What a worker can be told: the options of `runWorker`, the message a handler gets, and the hooks it may pass.
// Types only; settings.ts applies the defaults and checks the values.
import { Message, MessageAttributeValue, MessageSystemAttributeName, SQSClient } from "@aws-sdk/client-sqs";
import { Log, WorkerEvent } from "./log";
import { Timers } from "./timers";

/** A received message, as a handler sees it. */
export interface WorkerMessage {
    body: string;
    messageId: string;
    /** How many times SQS has delivered this message, this delivery included (ApproximateReceiveCount). */
    receiveCount: number;
    /**
     * SQS's system attributes that `messageSystemAttributeNames` asked for: SentTimestamp,
     * ApproximateFirstReceiveTimestamp, MessageGroupId, ...
     */
    attributes: Partial<Record<MessageSystemAttributeName, string>>;
    /** The attributes the sender set, those `messageAttributeNames` asked for. */
    messageAttributes: Record<string, MessageAttributeValue>;
    /**
     * The message as the AWS SDK's ReceiveMessage returned it (receipt handle, MD5 digests, every attribute), for what
     * the fields above leave out. The worker always sets it; it is optional only so that messages built by hand (in a
     * handler's own tests) need not carry one. Deleting it or changing its visibility with your own client bypasses
     * the worker, which would then delete or hide it again: use the methods below instead.
     */
    readonly sqsMessage?: Readonly<Message>;
    /**
     * Asks for this message again in `seconds` (0 to what is left of SQS's 12-hour limit) instead of the outcome the
     * handler's result would give: when the handler returns or throws, the message is hidden for that long and not
     * deleted. Counts as a delivery towards the dead-letter queue, as a failure does. The last call wins.
     */
    retryAfter(seconds: number): void;
    /**
     * Hides the message for `seconds` from now (1 to 43200, capped at SQS's 12-hour limit), and from then on the
     * heartbeat extends it by that much. Resolves once SQS accepted it; rejects when it could not.
     */
    extendVisibility(seconds: number): Promise<void>;
    /**
     * Gives the message back to the queue now (visible at once, not deleted): another consumer may take it. What the
     * handler does or returns afterwards is ignored. Resolves once SQS accepted it.
     */
    release(): Promise<void>;
}

/**
 * Does the work for one message. Resolve when it is done: the message is deleted. Throw when it failed: the message
 * comes back after a backoff, and after the queue's maxReceiveCount deliveries the redrive policy moves it to the
 * dead-letter queue. `signal` is aborted when the worker must give the message up (the shutdown deadline, or SQS's
 * 12-hour limit); from then on another worker may receive it, so stop and leave no half-done side effects.
 */
export type MessageHandler = (message: WorkerMessage, signal: AbortSignal) => Promise<void> | void;

/** One message a batch handler could not process, and why. */
export interface BatchFailure {
    message: WorkerMessage;
    error: unknown;
}

/**
 * Does the work for several messages at once, for work that gains from it (bulk writes). Resolve with the messages
 * that failed, as `{ message, error }` (nothing, or an empty array, when all succeeded): each is retried after a backoff
 * like a failed `handler` call, and the others are deleted. Throwing fails every message of the batch. `signal` is
 * aborted when the worker gives the batch's messages up. Any other result (for example the messages themselves, which
 * is how sqs-consumer acknowledges) is refused: the batch's messages go back to the queue unchanged and the worker
 * stops, logging `handler.refused` with what to return.
 */
export type BatchHandler = (
    messages: readonly WorkerMessage[],
    signal: AbortSignal,
) => Promise<readonly BatchFailure[] | void>;

/** Called as messages move through the worker. A hook that throws is logged and otherwise ignored. */
export interface WorkerHooks {
    /** A receive returned the message; its handler may start later. */
    received?(message: WorkerMessage): void;
    /** The handler resolved; the message is being deleted. */
    succeeded?(message: WorkerMessage, durationMs: number): void;
    /** The handler threw; the message comes back after `retryDelaySeconds`. */
    failed?(message: WorkerMessage, error: unknown, retryDelaySeconds: number): void;
    /** The handler asked for the message again with `retryAfter`; it comes back after `retryDelaySeconds`. */
    retried?(message: WorkerMessage, retryDelaySeconds: number): void;
    /** The message went back to the queue unfinished: the shutdown deadline, a stop before it started, or `release()`. */
    released?(message: WorkerMessage): void;
    /**
     * An SQS call failed: a receive (retried after a pause), or a delete or visibility change given up after its
     * retries. Called with the error the AWS SDK threw (its `name` is SQS's error code) beside the log entry.
     */
    sqsError?(error: unknown, details: SqsErrorDetails): void;
}

/** Which SQS call failed, for the `sqsError` hook. */
export interface SqsErrorDetails {
    /** WorkerEvent.ReceiveFailed, WorkerEvent.DeleteFailed or WorkerEvent.VisibilityChangeFailed: the log entry's event. */
    event: WorkerEvent;
    /** The message the call was for; absent for a receive. */
    message?: WorkerMessage;
}

/** How `stop()` ends the work in hand. */
export interface StopOptions {
    /**
     * Gives up the messages in hand at once instead of letting their handlers run until the shutdown deadline: their
     * signals are aborted and they go back to the queue, visible to other workers. What a second SIGTERM does.
     * Defaults to false.
     */
    abort?: boolean;
}

/**
 * CloudWatch Embedded Metric Format: one JSON line per interval on stdout that CloudWatch Logs turns into metrics,
 * through the container's awslogs driver, with no agent or sidecar. The dimensions are the queue's name and
 * `service`, never a task: every distinct set of dimension values is a separately billed custom metric.
 */
export interface EmbeddedMetricsOptions {
    /** The CloudWatch namespace. Defaults to "BackgroundWorker". */
    namespace?: string;
    /** The Service dimension, for example the ECS service's name. Defaults to none: the Queue dimension only. */
    service?: string;
    /** Seconds between lines, 1 to 3600; a last line is written at stop. Defaults to 60. */
    intervalSeconds?: number;
    /** Receives each line. Defaults to writing it to stdout. */
    write?: (line: string) => void;
}

export interface WorkerOptions {
    /** Does the work for each message, each in its own call. Required unless `batchHandler` is given; not both. */
    handler?: MessageHandler;
    /** Does the work for several messages per call instead of `handler`. */
    batchHandler?: BatchHandler;
    /**
     * The most messages per `batchHandler` call, 1 to 10. A batch takes what is waiting when a call can start; on a
     * FIFO queue it holds at most one message per message group. Defaults to 10.
     */
    batchSize?: number;
    /**
     * The longest one handler call may run, 1 to 43200 seconds. A call that runs longer fails with a TimeoutError: its
     * signal is aborted, its message (each message of a `batchHandler` call) comes back after the retry delay, and its
     * slot takes the next message at once. JavaScript cannot stop the call itself, so stop on the signal. Defaults to
     * no limit: a hung handler holds its slot and its message up to SQS's 12-hour limit.
     */
    handlerTimeoutSeconds?: number;
    /** The queue to consume. Defaults to the QUEUE_URL environment variable, which the component sets. */
    queueUrl?: string;
    /**
     * How many messages are handled at once, each with its own handler call. Between 1 and 1000. Defaults to 1, the
     * right choice for CPU-heavy jobs; raise it for jobs that mostly wait on I/O. With `batchHandler`, the number of
     * messages in all running batches.
     */
    concurrency?: number;
    /**
     * How many received messages may wait for a free handler, 0 to 1000, so a handler that frees up starts at once
     * instead of after a receive. They are hidden, and their visibility extended, while they wait; at stop they are
     * released unstarted. Each one waits up to a job's duration, hidden from other tasks: keep it small for long
     * jobs. On a FIFO queue, while the messages in hand belong to fewer message groups than `concurrency`, the worker
     * receives past this limit, up to 10 messages per handler slot: SQS hands out a group's messages together, and
     * those behind the first of their group are kept from every consumer anyway. Defaults to the smaller of
     * `concurrency` and 10.
     */
    prefetchMessages?: number;
    /**
     * The longest a delete or a visibility change waits for others to share a batch call, 0 to 1000 ms; ten ready
     * entries go out at once. A delete waits only while the handlers still running are likely to end within this
     * time. Defaults to 200.
     */
    batchDelayMilliseconds?: number;
    /**
     * SQS system attributes to request for each message (see WorkerMessage.attributes). ApproximateReceiveCount, and
     * MessageGroupId on a FIFO queue, are always requested: the worker needs them. Defaults to ["All"].
     */
    messageSystemAttributeNames?: MessageSystemAttributeName[];
    /**
     * Message attributes (the sender's) to request: names, "prefix.*", or "All". Defaults to ["All"]; [] requests none.
     */
    messageAttributeNames?: string[];
    /**
     * The visibility timeout of a long poll sent after an empty receive (the queue looked empty), 0 to 43200 seconds.
     * `stop()` abandons such a poll at once instead of waiting it out; SQS may still hand messages to the abandoned
     * poll, and they stay hidden for this long before another consumer gets them. Messages such a poll returns are
     * extended to the full visibility timeout by the heartbeat a third of the way in. 0: these polls use the full
     * timeout and a stop waits them out. Defaults to 5.
     */
    idlePollVisibilityTimeoutSeconds?: number;
    /** Called as messages are received and finish. Defaults to none. */
    hooks?: WorkerHooks;
    /** Writes CloudWatch Embedded Metric Format lines when set. Defaults to off. */
    metrics?: EmbeddedMetricsOptions;
    /**
     * Long-polling time of a receive sent after an empty one, 0 to 20 seconds. A receive sent after one that brought
     * messages waits 1 s at most (more messages are likely waiting, and a stop then waits for no long poll). Shortened
     * to end a second before the shutdown deadline when that is nearer (a stop timeout under 31 s), so no poll is still
     * out when messages are released. 0: every receive returns at once, and after empty ones the worker pauses
     * (0.25 s, doubling to 5 s) until a receive brings a message, since SQS bills every empty receive. Defaults to 20.
     */
    waitTimeSeconds?: number;
    /**
     * How long each received message is hidden from other consumers, 1 to 43200 seconds. While its handler runs the
     * worker extends it before it lapses, every third of this time, up to SQS's 12-hour limit. Defaults to the
     * VISIBILITY_TIMEOUT_SECONDS environment variable (the component sets it to the queue's timeout), else to the
     * queue's own visibility timeout, read at start.
     */
    visibilityTimeoutSeconds?: number;
    /**
     * The first retry delay of a failed message, 0 to 43200 seconds: after its first failure a message is invisible
     * for this long, and each further failure doubles the delay, up to `retryMaxSeconds`. Defaults to 5.
     */
    retryBaseSeconds?: number;
    /** The longest retry delay, 0 to 43200 seconds and at least `retryBaseSeconds`. Defaults to 900 (15 minutes). */
    retryMaxSeconds?: number;
    /**
     * Whether to protect the task from scale-in while any handler runs, through the ECS agent. Defaults to true when
     * the ECS_AGENT_URI environment variable is set (ECS sets it in every task), else false.
     */
    taskProtection?: boolean;
    /**
     * How long each protection request lasts, 1 to 2880 minutes; it is renewed at half time while the worker is busy
     * and released when it is idle. Defaults to 15.
     */
    protectionMinutes?: number;
    /** The ECS agent endpoint for task protection. Defaults to the ECS_AGENT_URI environment variable. */
    ecsAgentUri?: string;
    /** Whether SIGTERM and SIGINT call stop(); a second signal releases in-flight messages at once. Defaults to true. */
    handleSignals?: boolean;
    /**
     * Seconds between the stop signal and SIGKILL, 0 to 120: the container's stopTimeout. Defaults to the
     * STOP_TIMEOUT_SECONDS environment variable (the component sets it), else 120.
     */
    stopTimeoutSeconds?: number;
    /**
     * Seconds kept back from the stop timeout, 0 to 120: handlers get `stopTimeoutSeconds - shutdownMarginSeconds`
     * after stop begins, then their messages are released so the worker can exit before SIGKILL. Defaults to 10.
     */
    shutdownMarginSeconds?: number;
    /**
     * The SQS client to use. Defaults to a new client configured from the environment (region, credentials,
     * AWS_ENDPOINT_URL_SQS), which the worker destroys when it stops; a client passed here is left open.
     */
    sqsClient?: SQSClient;
    /** Receives every log entry. Defaults to one JSON object per line on stdout. */
    log?: Log;
    /** The clock for every interval and deadline. Defaults to real time; tests pass a faster one. */
    timers?: Timers;
}
