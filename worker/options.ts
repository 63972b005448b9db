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

/** One process runs this many handlers at most; more work wants more tasks, which is what the scaling is for. */
const MAX_CONCURRENCY = 1_000;

/** A received message, as a handler sees it. */
export interface WorkerMessage {
    body: string;
    messageId: string;
    /** How many times SQS has delivered this message, this delivery included (ApproximateReceiveCount). */
    receiveCount: number;
    /** SQS's system attributes: SentTimestamp, ApproximateFirstReceiveTimestamp, MessageGroupId, ... */
    attributes: Partial<Record<MessageSystemAttributeName, string>>;
    /** The attributes the sender set. */
    messageAttributes: Record<string, MessageAttributeValue>;
}

/**
 * Does the work for one message. Resolve when it is done: the message is deleted. Throw when it failed: the message
 * comes back after a backoff, and after the queue's maxReceiveCount deliveries the redrive policy moves it to the
 * dead-letter queue. `signal` is aborted when the worker must give the message up (the shutdown deadline, or SQS's
 * 12-hour limit); from then on another worker may receive it, so stop and leave no half-done side effects.
 */
export type MessageHandler = (message: WorkerMessage, signal: AbortSignal) => Promise<void> | void;

export interface WorkerOptions {
    /** Does the work for each message. Required. */
    handler: MessageHandler;
    /** The queue to consume. Defaults to the QUEUE_URL environment variable, which the component sets. */
    queueUrl?: string;
    /**
     * How many messages are handled at once, each with its own handler call. Between 1 and 1000. Defaults to 1, the
     * right choice for CPU-heavy jobs; raise it for jobs that mostly wait on I/O.
     */
    concurrency?: number;
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
    handler: MessageHandler;
    queueUrl: string;
    concurrency: number;
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
            problems.push(`environment variable ${variable} must be an integer between ${min} and ${max}; got "${text}"`);
        }
        return Number(text);
    };

    if (typeof options.handler !== "function") {
        problems.push(`handler must be a function (message, signal) => Promise<void>; got ${typeof options.handler}`);
    }

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
            : (fromEnvironment(WorkerEnvironment.StopTimeoutSeconds, 0, MAX_STOP_TIMEOUT_SECONDS) ?? DEFAULT_STOP_TIMEOUT_SECONDS);

    const retryBaseSeconds = integer("retryBaseSeconds", options.retryBaseSeconds ?? DEFAULT_RETRY_BASE_SECONDS, 0, MAX_HOLD_SECONDS);
    const retryMaxSeconds = integer("retryMaxSeconds", options.retryMaxSeconds ?? DEFAULT_RETRY_MAX_SECONDS, 0, MAX_HOLD_SECONDS);
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

    const settings: WorkerSettings = {
        handler: options.handler,
        queueUrl: queueUrl ?? "",
        concurrency: integer("concurrency", options.concurrency ?? DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY),
        waitTimeSeconds: integer("waitTimeSeconds", options.waitTimeSeconds ?? DEFAULT_WAIT_TIME_SECONDS, 0, MAX_RECEIVE_WAIT_TIME_SECONDS),
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
