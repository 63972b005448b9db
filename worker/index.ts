// The worker runtime: the code inside the container that keeps the BackgroundWorker component's promises.
//
// The component configures the queue, the dead-letter queue, the stop timeout and Spot capacity; `runWorker` is the
// other half. It extends a message's visibility while its handler runs, holds ECS task scale-in protection while
// busy, drains on SIGTERM within the stop timeout, and deletes a message only after its handler succeeded.
import { Consumer } from "./consumer";
import { StopOptions, WorkerOptions } from "./options";
import { resolveWorkerOptions } from "./settings";
import { WorkerStats } from "./stats";

export { LogEntry, LogLevel, MessageOutcome, WorkerEvent } from "./log";
export {
    BatchFailure,
    BatchHandler,
    EmbeddedMetricsOptions,
    MessageHandler,
    SqsErrorDetails,
    StopOptions,
    WorkerHooks,
    WorkerMessage,
    WorkerOptions,
} from "./options";
export { LatencySummary, WorkerStats } from "./stats";
export { CancelTimer, Timers } from "./timers";

export interface WorkerHandle {
    /**
     * Stops receiving, lets in-flight handlers finish (until the shutdown deadline, when their messages are released
     * and their signals aborted), releases task protection, then resolves. With `{ abort: true }` the messages in hand
     * are released at once instead. Every call returns the same promise.
     */
    stop(options?: StopOptions): Promise<void>;
    /** Counters since the start: messages received, processed, failed, in flight, SQS requests, latencies. */
    stats(): WorkerStats;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"];

/**
 * Starts consuming at once and returns a handle to stop. Throws at once if an option (or an environment variable it
 * defaults from) is invalid, naming each problem.
 */
export function runWorker(options: WorkerOptions): WorkerHandle {
    const settings = resolveWorkerOptions(options, process.env);
    // A refused batch result is a bug in the worker's code: with the process in its hands, the worker makes it exit
    // with a failure, so ECS reports it and a deployment circuit breaker can roll the release back.
    const consumer = new Consumer(settings, () => {
        if (settings.handleSignals) {
            process.exitCode = 1;
        }
    });
    const stats = (): WorkerStats => consumer.currentStats();
    if (!settings.handleSignals) {
        return { stop: (stopOptions) => consumer.stop("stop() called", stopOptions?.abort), stats };
    }

    // ECS sends SIGTERM on scale-in, deployment and Spot reclaim, then SIGKILL after the stop timeout. A signal once
    // a stop has begun (Ctrl-C twice) means "now": the messages in hand go back to the queue at once.
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => void stop(`received ${signal}`, stopping);
    const stop = (reason: string, abort: boolean | undefined): Promise<void> => {
        stopping = true;
        return consumer
            .stop(reason, abort)
            .finally(() => STOP_SIGNALS.forEach((signal) => process.off(signal, onSignal)));
    };
    STOP_SIGNALS.forEach((signal) => process.on(signal, onSignal));
    return { stop: (stopOptions) => stop("stop() called", stopOptions?.abort), stats };
}
