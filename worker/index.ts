// The worker runtime: the code inside the container that keeps the BackgroundWorker component's promises.
//
// The component configures the queue, the dead-letter queue, the stop timeout and Spot capacity; `runWorker` is the
// other half. It extends a message's visibility while its handler runs, holds ECS task scale-in protection while
// busy, drains on SIGTERM within the stop timeout, and deletes a message only after its handler succeeded.
import { Consumer } from "./consumer";
import { resolveWorkerOptions, WorkerOptions } from "./options";
import { WorkerStats } from "./stats";

export { LogEntry, LogLevel, MessageOutcome, WorkerEvent } from "./log";
export {
    BatchFailure,
    BatchHandler,
    EmbeddedMetricsOptions,
    MessageHandler,
    WorkerHooks,
    WorkerMessage,
    WorkerOptions,
} from "./options";
export { LatencySummary, WorkerStats } from "./stats";
export { CancelTimer, Timers } from "./timers";

export interface WorkerHandle {
    /**
     * Stops receiving, lets in-flight handlers finish (until the shutdown deadline, when their messages are released
     * and their signals aborted), releases task protection, then resolves. Every call returns the same promise.
     */
    stop(): Promise<void>;
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
    const consumer = new Consumer(settings);
    if (!settings.handleSignals) {
        return { stop: () => consumer.stop("stop() called"), stats: () => consumer.currentStats() };
    }

    // ECS sends SIGTERM on scale-in, deployment and Spot reclaim, then SIGKILL after the stop timeout. A second
    // signal (Ctrl-C twice) means "now": the messages in hand go back to the queue at once.
    const onSignal = (signal: NodeJS.Signals): void => {
        if (stopping) {
            void consumer.releaseAll();
        } else {
            stopping = stop(`received ${signal}`);
        }
    };
    const stop = (reason: string): Promise<void> =>
        consumer.stop(reason).finally(() => STOP_SIGNALS.forEach((signal) => process.off(signal, onSignal)));
    let stopping: Promise<void> | undefined;
    STOP_SIGNALS.forEach((signal) => process.on(signal, onSignal));
    return {
        stop: () => {
            stopping ??= stop("stop() called");
            return stopping;
        },
        stats: () => consumer.currentStats(),
    };
}
