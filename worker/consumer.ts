// The worker: a waiting line of received messages, the handler slots that take from it, and the stop.
//
// The receive loop (receiver.ts) fills a small waiting line, the prefetch; each free handler slot takes the next
// message from it, so a handler that frees up starts at once. Slots are independent: a slow job holds up only its own
// slot. On a FIFO queue a message group runs one message at a time, in order. Each message's own life (heartbeat,
// delete, retry delay, release) is in delivery.ts; deletes and visibility changes go out in batch calls (batcher.ts).
import { Message, SQSClient } from "@aws-sdk/client-sqs";
import { EntryBatcher } from "./batcher";
import { Delivery, DeliveryServices, DeliveryState, Receipt } from "./delivery";
import { nextToStart } from "./dispatch";
import { batchFailures, RefusedResultError, withTimeout } from "./handlerCall";
import { callHook } from "./hooks";
import { LogLevel, MessageOutcome, WorkerEvent } from "./log";
import { ecsAgentProtection, TaskProtection } from "./protection";
import { Receiver, ReceiverHost } from "./receiver";
import { WorkerSettings } from "./settings";
import { drainDeadlineSeconds } from "./shutdown";
import { changeMessageVisibilityBatch, deleteMessageBatch, VisibilityChange } from "./sqsBatches";
import { StatsRecorder, WorkerStats } from "./stats";
import { CancelTimer } from "./timers";

export class Consumer {
    private readonly sqs: SQSClient;
    private readonly protection: TaskProtection | undefined;
    /** Every message in hand, from its receive until it has left (its last SQS call answered). */
    private readonly deliveries = new Set<Delivery>();
    /** FIFO: how many of those each message group has. SQS gives no one a message of a group listed here. */
    private readonly heldByGroup = new Map<string, number>();
    /** Received and not started, in receive order. */
    private waiting: Delivery[] = [];
    /** Handler slots taken: messages whose handler runs. */
    private running = 0;
    /** FIFO message groups with a message running. */
    private readonly runningGroups = new Set<string>();
    private readonly deleteBatcher: EntryBatcher<string>;
    private readonly visibilityBatcher: EntryBatcher<VisibilityChange>;
    private readonly stats = new StatsRecorder();
    private readonly deliveryServices: DeliveryServices;
    private readonly receiver: Receiver;
    /** Seconds from the start of a stop until what is still in hand is released. */
    private readonly deadlineSeconds: number;
    /** Set at the drain deadline: from then on, retries of deletes and visibility changes give up. */
    private retriesEndAtMs = Infinity;
    private stopRequested = false;
    private stopping: Promise<void> | undefined;
    private cancelMetrics: CancelTimer | undefined;

    /** `onRefused` hears of a batch handler result the worker refused; the worker has begun to stop then. */
    constructor(
        private readonly settings: WorkerSettings,
        private readonly onRefused: (error: RefusedResultError) => void,
    ) {
        this.sqs = settings.sqsClient ?? new SQSClient({});
        const { taskProtection, timers, log, batchDelayMilliseconds } = settings;
        this.protection =
            taskProtection &&
            new TaskProtection(
                ecsAgentProtection(taskProtection.ecsAgentUri),
                taskProtection.protectionMinutes,
                timers,
                log,
            );
        const countCall = (): void => this.stats.count("sqsRequests");
        // A delete waits for company only while the handlers running are likely to end within the delay, each in a
        // delete of its own. Long jobs do not wait: a kill -9 in that wait would run the finished job again.
        this.deleteBatcher = new EntryBatcher(
            deleteMessageBatch(this.sqs, settings.queueUrl),
            batchDelayMilliseconds,
            timers,
            countCall,
            (ms) => this.handlersEndingWithin(ms),
        );
        // Heartbeats of one receive fall due together; once stopping, a release must not wait for company.
        this.visibilityBatcher = new EntryBatcher(
            changeMessageVisibilityBatch(this.sqs, settings.queueUrl),
            batchDelayMilliseconds,
            timers,
            countCall,
            () => (this.stopRequested ? 0 : Infinity),
        );
        this.deliveryServices = {
            settings,
            deletes: this.deleteBatcher,
            visibilityChanges: this.visibilityBatcher,
            stats: this.stats,
            retriesEndAtMs: () => this.retriesEndAtMs,
            onLeft: (delivery) => this.left(delivery),
        };
        log({
            level: LogLevel.Info,
            event: WorkerEvent.Started,
            queueUrl: settings.queueUrl,
            concurrency: settings.concurrency,
            visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
            taskProtection: taskProtection !== undefined,
        });
        this.scheduleMetrics();
        this.deadlineSeconds = drainDeadlineSeconds(settings.stopTimeoutSeconds, settings.shutdownMarginSeconds);
        const host: ReceiverHost = {
            inHand: () => this.waiting.length + this.running,
            heldGroups: () => this.heldByGroup.size,
            take: (messages, receipt) => this.take(messages, receipt),
            receivedNothing: async () => {
                // Idle is "nothing in hand and nothing waiting": releasing between two messages of a backlog would
                // only churn the agent (and ECS's API behind it) and leave a gap in which this busy task could be
                // picked.
                if (this.deliveries.size === 0) {
                    await this.protection?.release();
                }
            },
        };
        this.receiver = new Receiver(this.sqs, settings, this.stats, this.deadlineSeconds, host);
    }

    /**
     * Stops receiving, lets handlers finish until the deadline (or, with `abort`, gives their messages up at once),
     * releases what is left, then releases protection. Every call returns the same promise.
     */
    stop(reason: string, abort = false): Promise<void> {
        this.stopRequested = true;
        this.stopping ??= this.drain(reason);
        if (abort) {
            // After the last poll is answered, so that it cannot receive again a message released here.
            void this.receiver.done.then(() => this.releaseAll());
        }
        return this.stopping;
    }

    /** How many running handlers are likely to end within `ms`, from the average duration so far. */
    private handlersEndingWithin(ms: number): number {
        const { averageMs, count } = this.stats.snapshot(0).handlerLatency;
        if (this.running === 0) {
            return 0;
        }
        return count === 0 || averageMs === 0 ? Infinity : (this.running * ms) / averageMs;
    }

    currentStats(): WorkerStats {
        return this.stats.snapshot(this.waiting.length + this.running);
    }

    private async drain(reason: string): Promise<void> {
        const { timers, log } = this.settings;
        const { deadlineSeconds } = this;
        log({
            level: LogLevel.Info,
            event: WorkerEvent.Stopping,
            reason,
            inFlight: this.deliveries.size,
            deadlineSeconds,
        });
        this.receiver.stop();
        // Never started: back to the queue at once.
        const unstarted = [...this.waiting].map((delivery) => this.release(delivery, "the worker is stopping"));
        // At the deadline, first let the last poll come back (it ends before the deadline: see receiveWaitSeconds),
        // so it cannot receive again a message released here.
        const cancelDeadline = timers.schedule(deadlineSeconds * 1000, () => {
            this.retriesEndAtMs = timers.now();
            void this.receiver.done.then(() => this.releaseAll());
        });
        await this.receiver.done;
        await Promise.all(unstarted);
        await Promise.all([...this.deliveries].map((delivery) => delivery.left));
        cancelDeadline();
        await this.protection?.close();
        this.cancelMetrics?.();
        this.writeMetrics();
        if (!this.settings.sqsClient) {
            this.sqs.destroy();
        }
        log({ level: LogLevel.Info, event: WorkerEvent.Stopped });
    }

    /** Gives every message still in hand back to the queue now. */
    private async releaseAll(): Promise<void> {
        await Promise.all(
            [...this.deliveries].map((delivery) =>
                this.release(delivery, "the worker is stopping: the message was released to another worker"),
            ),
        );
    }

    /** Takes in what a receive returned: each message waits, hidden, for a slot. */
    private take(messages: readonly Message[], receipt: Receipt): void {
        const received = messages.map((message) => {
            const delivery = new Delivery(message, receipt, this.deliveryServices);
            this.deliveries.add(delivery);
            if (delivery.groupId !== undefined) {
                this.heldByGroup.set(delivery.groupId, (this.heldByGroup.get(delivery.groupId) ?? 0) + 1);
            }
            this.waiting.push(delivery);
            return delivery;
        });
        const { hooks, log } = this.settings;
        received.forEach((delivery) => callHook(hooks, log, "received", (all) => all.received?.(delivery.message)));
        if (this.stopRequested) {
            // stop() came while this poll was out: these were never started, so hand them straight back.
            received.forEach((delivery) => void this.release(delivery, "the worker is stopping"));
            return;
        }
        this.dispatch();
    }

    private left(delivery: Delivery): void {
        this.deliveries.delete(delivery);
        const { groupId } = delivery;
        if (groupId !== undefined) {
            const held = (this.heldByGroup.get(groupId) ?? 1) - 1;
            if (held > 0) {
                this.heldByGroup.set(groupId, held);
            } else {
                this.heldByGroup.delete(groupId);
                this.receiver.groupFreed();
            }
        }
        this.receiver.wake();
    }

    /** Starts handlers on waiting messages while slots are free, one message per FIFO group at a time. */
    private dispatch(): void {
        const { concurrency, batchHandler, batchSize } = this.settings;
        // A hook may have released a waiting message.
        this.waiting = this.waiting.filter((delivery) => delivery.state === DeliveryState.Waiting);
        while (!this.stopRequested && this.running < concurrency) {
            const limit = batchHandler ? Math.min(batchSize, concurrency - this.running) : 1;
            const batch = nextToStart(this.waiting, this.runningGroups, limit);
            if (batch.length === 0) {
                return;
            }
            for (const delivery of batch) {
                this.waiting.splice(this.waiting.indexOf(delivery), 1);
                delivery.start();
                if (delivery.groupId !== undefined) {
                    this.runningGroups.add(delivery.groupId);
                }
            }
            this.running += batch.length;
            void this.work(batch);
        }
    }

    private async work(batch: Delivery[]): Promise<void> {
        // Protect the task before starting work, not after: a scale-in in between would stop the task mid-job.
        await this.protection?.hold();
        const live = batch.filter((delivery) => delivery.state === DeliveryState.Working);
        let failures = new Map<Delivery, unknown>();
        let refused: RefusedResultError | undefined;
        if (live.length > 0) {
            try {
                failures = await this.callHandler(live);
            } catch (error) {
                refused = error as RefusedResultError;
            }
        }
        this.running -= batch.length;
        this.receiver.wake();
        if (refused) {
            this.refuse(refused, live);
        }
        for (const delivery of batch) {
            const outcome = delivery.finish(failures.has(delivery) ? { error: failures.get(delivery) } : undefined);
            this.freeGroup(delivery, outcome === MessageOutcome.Succeeded);
        }
    }

    /**
     * Calls the handler on `live` (all of them at once for a batch handler) and returns the messages it failed, with
     * why. Rejects only with a RefusedResultError.
     */
    private async callHandler(live: Delivery[]): Promise<Map<Delivery, unknown>> {
        const { timers, handler, batchHandler, handlerTimeoutSeconds } = this.settings;
        const startedAtMs = timers.now();
        live.forEach((delivery) => delivery.handlerStarted(startedAtMs));
        const timedOut = (error: Error): void => live.forEach((delivery) => delivery.abort.abort(error));
        try {
            if (batchHandler) {
                const messages = live.map((delivery) => delivery.message);
                const signal = AbortSignal.any(live.map((delivery) => delivery.abort.signal));
                const call = (async (): Promise<unknown> => batchHandler(messages, signal))();
                const failed = batchFailures(
                    await withTimeout(call, handlerTimeoutSeconds, timers, timedOut),
                    messages,
                );
                return new Map(
                    live
                        .filter((delivery) => failed.has(delivery.message))
                        .map((delivery) => [delivery, failed.get(delivery.message)]),
                );
            }
            const [delivery] = live;
            const call = (async (): Promise<void> => handler?.(delivery.message, delivery.abort.signal))();
            await withTimeout(call, handlerTimeoutSeconds, timers, timedOut);
            return new Map();
        } catch (error) {
            if (error instanceof RefusedResultError) {
                throw error;
            }
            return new Map(live.map((delivery) => [delivery, error]));
        } finally {
            this.stats.handlerTook(timers.now() - startedAtMs);
        }
    }

    /**
     * A result the worker cannot read: which messages succeeded is unknown, so none is deleted or retried. They go
     * back to the queue as they are, and the worker stops before the same mistake sends every message to the
     * dead-letter queue.
     */
    private refuse(error: RefusedResultError, live: Delivery[]): void {
        this.settings.log({ level: LogLevel.Error, event: WorkerEvent.HandlerRefused, error: error.message });
        live.forEach((delivery) => void this.release(delivery, "the batch handler's result was refused"));
        void this.stop("the batch handler's result was refused");
        this.onRefused(error);
    }

    /**
     * The group's next message may start. When this one will come back (failed, retried, released), the group's
     * messages waiting behind it go back too: starting them would break the group's order.
     */
    private freeGroup(delivery: Delivery, succeeded: boolean): void {
        const { groupId } = delivery;
        if (groupId !== undefined) {
            if (!succeeded) {
                this.waiting
                    .filter((waiting) => waiting.groupId === groupId)
                    .forEach(
                        (waiting) =>
                            void this.release(
                                waiting,
                                "an earlier message of its FIFO group will be delivered again first",
                            ),
                    );
            }
            this.runningGroups.delete(groupId);
        }
        this.dispatch();
    }

    /** Gives a message in hand back to the queue now; a running handler's signal is aborted with `reason`. */
    private release(delivery: Delivery, reason: string): Promise<void> {
        const index = this.waiting.indexOf(delivery);
        if (index >= 0) {
            this.waiting.splice(index, 1);
        }
        return delivery.release(reason);
    }

    private scheduleMetrics(): void {
        const { metrics, timers } = this.settings;
        if (metrics) {
            this.cancelMetrics = timers.schedule(metrics.intervalSeconds * 1000, () => {
                this.writeMetrics();
                this.scheduleMetrics();
            });
        }
    }

    private writeMetrics(): void {
        const { metrics, queueUrl, timers } = this.settings;
        metrics?.write(
            this.stats.embeddedMetricsLine(metrics, queueUrl, this.waiting.length + this.running, timers.now()),
        );
    }
}
