// How options and the container's environment resolve into plain settings: every default, and every check. Pure:
// `resolveWorkerOptions` reads only its arguments, so every default and every error is unit-tested.
import { MessageSystemAttributeName, SQSClient } from "@aws-sdk/client-sqs";
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
import { BatchHandler, EmbeddedMetricsOptions, MessageHandler, WorkerHooks, WorkerOptions } from "./options";
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
 * The longest a finished message's delete waits for nine others (and a visibility change for its company): long
 * enough to fill a batch when ten handlers of about 100 ms finish one after another, short next to any visibility
 * timeout. A delete waits only while running handlers are likely to end within it, so a long job's delete goes out
 * at once and a kill -9 cannot catch it waiting.
 */
const DEFAULT_BATCH_DELAY_MILLISECONDS = 200;
/** Ten is what one receive returns, so a batch handler gets whole receives. */
const DEFAULT_BATCH_SIZE = MAX_BATCH_ENTRIES;
/**
 * A long poll sent after an empty receive hides what it returns for this long only, so a poll abandoned at stop delays
 * at most ten messages by a few seconds. What such a poll returns is extended to the full timeout a third of the way
 * in (under 2 s); only a job that ends within that and then meets an outage of the endpoint longer than 4 s can have
 * its delete given up, and run again.
 */
const DEFAULT_IDLE_POLL_VISIBILITY_TIMEOUT_SECONDS = 5;
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

/** Options with every default applied and every value checked. */
export interface WorkerSettings {
    /** Exactly one of `handler` and `batchHandler` is set. */
    handler: MessageHandler | undefined;
    batchHandler: BatchHandler | undefined;
    batchSize: number;
    /** Undefined: no limit. */
    handlerTimeoutSeconds: number | undefined;
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
        // Past SQS's 12-hour limit the message is someone else's anyway, whatever the handler does.
        handlerTimeoutSeconds:
            options.handlerTimeoutSeconds === undefined
                ? undefined
                : integer("handlerTimeoutSeconds", options.handlerTimeoutSeconds, 1, MAX_HOLD_SECONDS),
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
