// What a worker can be told, its defaults, and how options and the container's environment resolve into plain
// settings. Pure: `resolveWorkerOptions` reads only its arguments, so every default and every error is unit-tested.
import { MessageAttributeValue, MessageSystemAttributeName, SQSClient } from "@aws-sdk/client-sqs";
import {
    DEFAULT_STOP_TIMEOUT_SECONDS,
    ECS_AGENT_URI_ENVIRONMENT_NAME,
    MAX_RECEIVE_WAIT_TIME_SECONDS,
    MAX_STOP_TIMEOUT_SECONDS,
    MAX_VISIBILITY_TIMEOUT_SECONDS as MAX_HOLD_SECONDS,
    WorkerEnvironment,
} from "../contract";
import { MAX_BATCH_ENTRIES } from "./batcher";
import { Log, jsonLinesToStdout } from "./log";
import { MAX_PROTECTION_MINUTES, MIN_PROTECTION_MINUTES } from "./protection";
import { Timers, systemTimers } from "./timers";

const DEFAULT_CONCURRENCY = 1;
/** SQS's longest poll: fewest empty receives, and a message still arrives the moment it is sent. */
const DEFAULT_WAIT_TIME_SECONDS = 20;
const DEFAULT_RETRY_BASE_SECONDS = 5;
/** A quarter of an hour: long enough to ride out a dependency's outage, short enough to notice a fix. */
const DEFAULT_RETRY_MAX_SECONDS = 900;
/** Renewed every 7.5 minutes while busy; a crashed worker blocks scale-in for at most this long. */
const DEFAULT_PROTECTION_MINUTES = 15;
/** Time left after the deadline to release messages and protection before ECS sends SIGKILL. */
const DEFAULT_SHUTDOWN_MARGIN_SECONDS = 10;
/**
 * How long a finished message waits for nine others before its delete goes out (and a visibility change for its
 * company): short next to any visibility timeout, long enough to fill a batch when handlers finish close together.
 */
const DEFAULT_BATCH_DELAY_MILLISECONDS = 50;
/** Ten is what one receive returns, so a batch handler gets whole receives. */
const DEFAULT_BATCH_SIZE = MAX_BATCH_ENTRIES;
/**
 * An idle worker's poll hides what it returns for this long only, so a poll abandoned at stop delays at most ten
 * messages by this much. It is longer than a 10 s endpoint outage, so a delete retried through one still lands.
 */
const DEFAULT_IDLE_POLL_VISIBILITY_TIMEOUT_SECONDS = 30;
/** Every attribute: what the runtime did before these could be chosen. */
const ALL_ATTRIBUTES = "All";
/** Once a minute: CloudWatch's standard resolution, so finer lines would only add log volume. */
const DEFAULT_METRICS_INTERVAL_SECONDS = 60;
const DEFAULT_METRICS_NAMESPACE = "BackgroundWorker";

const MAX_BATCH_DELAY_MILLISECONDS = 1_000;
const MAX_PREFETCH_MESSAGES = 1_000;
const MAX_METRICS_INTERVAL_SECONDS = 3_600;
/** SQS's rules for a message attribute name, plus the ".*" suffix a receive accepts as a prefix match. */
const MESSAGE_ATTRIBUTE_NAME = /^(All|\.\*|[A-Za-z0-9_-](?:[A-Za-z0-9_.-]{0,254}[A-Za-z0-9_-])?(?:\.\*)?)$/;

/** One process runs this many handlers at most; more work wants more tasks, which is what the scaling is for. */
const MAX_CONCURRENCY = 1_000;

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
 * that failed (nothing, or an empty array, when all succeeded): each is retried after a backoff like a failed
 * `handler` call, and the others are deleted. Throwing fails every message of the batch. `signal` is aborted when the
 * worker gives the batch's messages up.
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
     * jobs. Defaults to the smaller of `concurrency` and 10.
     */
    prefetchMessages?: number;
    /**
     * How long a delete or a visibility change waits for others to share a batch call, 0 to 1000 ms; ten ready
     * entries go out at once. Defaults to 50.
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
     * The visibility timeout of a poll sent while the worker is idle (nothing in hand, and the last receive empty), 0
     * to 43200 seconds. Stopping an idle worker abandons such a poll at once, so the worker exits in well under a
     * second instead of waiting out the poll; SQS may still hand messages to the abandoned poll, and they stay hidden
     * for this long before another consumer gets them. Messages such a poll returns are extended to the full
     * visibility timeout by the heartbeat. 0: idle polls use the full timeout and a stop waits them out. Defaults to 30.
     */
    idlePollVisibilityTimeoutSeconds?: number;
    /** Called as messages are received and finish. Defaults to none. */
    hooks?: WorkerHooks;
    /** Writes CloudWatch Embedded Metric Format lines when set. Defaults to off. */
    metrics?: EmbeddedMetricsOptions;
    /**
     * Long-polling time of each receive, 0 to 20 seconds; shortened to end a second before the shutdown deadline
     * when that is nearer (a stop timeout under 31 s), so no poll is still out when messages are released. Defaults
     * to 20.
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

/** Options with every default applied and every value checked. */
export interface WorkerSettings {
    /** Exactly one of `handler` and `batchHandler` is set. */
    handler: MessageHandler | undefined;
    batchHandler: BatchHandler | undefined;
    batchSize: number;
    queueUrl: string;
    /** The queue is FIFO: one message per message group at a time. */
    fifo: boolean;
    concurrency: number;
    prefetchMessages: number;
    batchDelayMilliseconds: number;
    messageSystemAttributeNames: MessageSystemAttributeName[];
    messageAttributeNames: string[];
    idlePollVisibilityTimeoutSeconds: number;
    hooks: WorkerHooks;
    metrics: Required<EmbeddedMetricsOptions> | undefined;
    waitTimeSeconds: number;
    /** Undefined: use the queue's own, read at start. */
    visibilityTimeoutSeconds: number | undefined;
    retryBaseSeconds: number;
    retryMaxSeconds: number;
    /** Undefined: task protection is off. */
    taskProtection: { ecsAgentUri: string; protectionMinutes: number } | undefined;
    handleSignals: boolean;
    stopTimeoutSeconds: number;
    shutdownMarginSeconds: number;
    sqsClient: SQSClient | undefined;
    log: Log;
    timers: Timers;
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Applies defaults (options first, then the environment, then the constants above) and checks every value. Throws
 * one Error listing every problem, each naming the option or variable, the valid range and the value given.
 */
export function resolveWorkerOptions(options: WorkerOptions, environment: Environment): WorkerSettings {
    const problems: string[] = [];
    const integer = (name: string, value: number, min: number, max: number): number => {
        if (!Number.isInteger(value) || value < min || value > max) {
            problems.push(`${name} must be an integer between ${min} and ${max}; got ${value}`);
        }
        return value;
    };
    const fromEnvironment = (variable: WorkerEnvironment, min: number, max: number): number | undefined => {
        const text = environment[variable]?.trim();
        if (!text) {
            return undefined;
        }
        if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
            problems.push(
                `environment variable ${variable} must be an integer between ${min} and ${max}; got "${text}"`,
            );
        }
        return Number(text);
    };

    if (options.handler !== undefined && options.batchHandler !== undefined) {
        problems.push("handler and batchHandler are both set; pass one of them");
    } else if (options.batchHandler !== undefined && typeof options.batchHandler !== "function") {
        problems.push(
            `batchHandler must be a function (messages, signal) => Promise<BatchFailure[] | void>; got ${typeof options.batchHandler}`,
        );
    } else if (options.batchHandler === undefined && typeof options.handler !== "function") {
        problems.push(`handler must be a function (message, signal) => Promise<void>; got ${typeof options.handler}`);
    }

    const systemAttributeNames = options.messageSystemAttributeNames ?? [ALL_ATTRIBUTES];
    const knownSystemNames: readonly string[] = Object.values(MessageSystemAttributeName);
    systemAttributeNames
        .filter((name) => !knownSystemNames.includes(name))
        .forEach((name) =>
            problems.push(`messageSystemAttributeNames may hold only ${knownSystemNames.join(", ")}; got "${name}"`),
        );
    const messageAttributeNames = options.messageAttributeNames ?? [ALL_ATTRIBUTES];
    messageAttributeNames
        .filter((name) => !MESSAGE_ATTRIBUTE_NAME.test(name))
        .forEach((name) =>
            problems.push(
                `messageAttributeNames must hold "All", attribute names (letters, digits, _ - ., up to 256 characters) or "prefix.*"; got "${name}"`,
            ),
        );

    const queueUrl = options.queueUrl ?? environment[WorkerEnvironment.QueueUrl]?.trim();
    if (!queueUrl) {
        problems.push(
            `queueUrl is required: pass it, or set the ${WorkerEnvironment.QueueUrl} environment variable ` +
                "(the BackgroundWorker component sets it on the container)",
        );
    }

    const visibilityTimeoutSeconds =
        options.visibilityTimeoutSeconds !== undefined
            ? integer("visibilityTimeoutSeconds", options.visibilityTimeoutSeconds, 1, MAX_HOLD_SECONDS)
            : fromEnvironment(WorkerEnvironment.VisibilityTimeoutSeconds, 1, MAX_HOLD_SECONDS);

    const stopTimeoutSeconds =
        options.stopTimeoutSeconds !== undefined
            ? integer("stopTimeoutSeconds", options.stopTimeoutSeconds, 0, MAX_STOP_TIMEOUT_SECONDS)
            : (fromEnvironment(WorkerEnvironment.StopTimeoutSeconds, 0, MAX_STOP_TIMEOUT_SECONDS) ??
              DEFAULT_STOP_TIMEOUT_SECONDS);

    const retryBaseSeconds = integer(
        "retryBaseSeconds",
        options.retryBaseSeconds ?? DEFAULT_RETRY_BASE_SECONDS,
        0,
        MAX_HOLD_SECONDS,
    );
    const retryMaxSeconds = integer(
        "retryMaxSeconds",
        options.retryMaxSeconds ?? DEFAULT_RETRY_MAX_SECONDS,
        0,
        MAX_HOLD_SECONDS,
    );
    if (retryMaxSeconds < retryBaseSeconds) {
        problems.push(`retryMaxSeconds (${retryMaxSeconds}) must be at least retryBaseSeconds (${retryBaseSeconds})`);
    }

    const ecsAgentUri = options.ecsAgentUri ?? environment[ECS_AGENT_URI_ENVIRONMENT_NAME]?.trim();
    const protectionWanted = options.taskProtection ?? Boolean(ecsAgentUri);
    const protectionMinutes = integer(
        "protectionMinutes",
        options.protectionMinutes ?? DEFAULT_PROTECTION_MINUTES,
        MIN_PROTECTION_MINUTES,
        MAX_PROTECTION_MINUTES,
    );
    if (protectionWanted && !ecsAgentUri) {
        problems.push(
            `taskProtection is on but there is no ECS agent to ask: ${ECS_AGENT_URI_ENVIRONMENT_NAME} is not set ` +
                "(ECS sets it in every task); pass ecsAgentUri, or set taskProtection to false outside ECS",
        );
    }

    const concurrency = integer("concurrency", options.concurrency ?? DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY);
    const metrics = options.metrics && {
        namespace: options.metrics.namespace ?? DEFAULT_METRICS_NAMESPACE,
        service: options.metrics.service ?? "",
        intervalSeconds: integer(
            "metrics.intervalSeconds",
            options.metrics.intervalSeconds ?? DEFAULT_METRICS_INTERVAL_SECONDS,
            1,
            MAX_METRICS_INTERVAL_SECONDS,
        ),
        write: options.metrics.write ?? ((line: string) => void process.stdout.write(`${line}\n`)),
    };
    if (metrics && !metrics.namespace.trim()) {
        problems.push('metrics.namespace must not be empty; leave it out for "BackgroundWorker"');
    }

    const settings: WorkerSettings = {
        handler: options.batchHandler ? undefined : options.handler,
        batchHandler: options.batchHandler,
        batchSize: integer("batchSize", options.batchSize ?? DEFAULT_BATCH_SIZE, 1, MAX_BATCH_ENTRIES),
        queueUrl: queueUrl ?? "",
        fifo: (queueUrl ?? "").endsWith(".fifo"),
        concurrency,
        prefetchMessages: integer(
            "prefetchMessages",
            options.prefetchMessages ?? Math.min(concurrency, MAX_BATCH_ENTRIES),
            0,
            MAX_PREFETCH_MESSAGES,
        ),
        batchDelayMilliseconds: integer(
            "batchDelayMilliseconds",
            options.batchDelayMilliseconds ?? DEFAULT_BATCH_DELAY_MILLISECONDS,
            0,
            MAX_BATCH_DELAY_MILLISECONDS,
        ),
        messageSystemAttributeNames: systemAttributeNames,
        messageAttributeNames,
        idlePollVisibilityTimeoutSeconds: integer(
            "idlePollVisibilityTimeoutSeconds",
            options.idlePollVisibilityTimeoutSeconds ?? DEFAULT_IDLE_POLL_VISIBILITY_TIMEOUT_SECONDS,
            0,
            MAX_HOLD_SECONDS,
        ),
        hooks: options.hooks ?? {},
        metrics,
        waitTimeSeconds: integer(
            "waitTimeSeconds",
            options.waitTimeSeconds ?? DEFAULT_WAIT_TIME_SECONDS,
            0,
            MAX_RECEIVE_WAIT_TIME_SECONDS,
        ),
        visibilityTimeoutSeconds,
        retryBaseSeconds,
        retryMaxSeconds,
        taskProtection: protectionWanted && ecsAgentUri ? { ecsAgentUri, protectionMinutes } : undefined,
        handleSignals: options.handleSignals ?? true,
        stopTimeoutSeconds,
        shutdownMarginSeconds: integer(
            "shutdownMarginSeconds",
            options.shutdownMarginSeconds ?? DEFAULT_SHUTDOWN_MARGIN_SECONDS,
            0,
            MAX_STOP_TIMEOUT_SECONDS,
        ),
        sqsClient: options.sqsClient,
        log: options.log ?? jsonLinesToStdout,
        timers: options.timers ?? systemTimers,
    };
    if (problems.length > 0) {
        throw new Error(`Invalid worker options:\n  - ${problems.join("\n  - ")}`);
    }
    return settings;
}
