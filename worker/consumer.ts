// The receive loop and the life of each message in it.
//
// One loop receives up to ten messages at a time into a small waiting line (the prefetch), and each free handler
// slot takes the next message from it, so a handler that frees up starts at once. Slots are independent: a slow job
// holds up only its own slot. A message in hand (waiting or running) has a heartbeat extending its visibility, and a
// running one holds task protection. It leaves in one of three ways: the handler resolves (delete), the handler
// throws or asks for a retry (hide it for the retry delay, so SQS's redrive counts the attempt), or the worker gives it
// up (visibility 0, so another task takes it at once instead of after the timeout). Nothing is deleted unless its
// handler resolved. Deletes and visibility changes go out in batch calls (see batcher.ts).
import { GetQueueAttributesCommand, Message, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { MAX_VISIBILITY_TIMEOUT_SECONDS as MAX_HOLD_SECONDS } from "../contract";
import { backoffSeconds } from "./backoff";
import { EntryBatcher, MAX_BATCH_ENTRIES } from "./batcher";
import { Heartbeat, remainingHoldSeconds, startHeartbeat } from "./heartbeat";
import { nextToStart } from "./dispatch";
import { describeError, LogEntry, LogLevel, MessageOutcome, WorkerEvent } from "./log";
import { BatchFailure, WorkerHooks, WorkerMessage, WorkerSettings } from "./options";
import { ecsAgentProtection, TaskProtection } from "./protection";
import { drainDeadlineSeconds, receiveWaitSeconds } from "./shutdown";
import {
    changeMessageVisibilityBatch,
    deleteMessageBatch,
    systemAttributesToRequest,
    VisibilityChange,
} from "./sqsBatches";
import { StatsRecorder, WorkerStats } from "./stats";
import { CancelTimer } from "./timers";

/** Pauses after failed receives double from 1 s to 30 s: quick recovery from a blip, no hammering during an outage. */
const RECEIVE_RETRY_BASE_SECONDS = 1;
const RECEIVE_RETRY_MAX_SECONDS = 30;
/**
 * A delete or visibility change is retried only while the message is surely still hidden, with this much to spare:
 * once it is visible, another consumer may hold it, and SQS may accept an old receipt handle without deleting.
 */
const RECEIPT_SAFETY_MARGIN_MS = 1_000;

enum DeliveryState {
    /** Received; waiting for a free handler slot. */
    Waiting = "waiting",
    /** The handler runs (or is about to). */
    Working = "working",
    /** The handler settled; the message is being deleted or delayed. */
    Finishing = "finishing",
    /** Given back to the queue; whatever the handler does now is ignored. */
    Released = "released",
}

/** A message this worker holds. */
interface Delivery {
    message: WorkerMessage;
    receiptHandle: string;
    /** Set on a FIFO queue only: messages of one group run one at a time, in order. */
    groupId: string | undefined;
    holdStartedAtMs: number;
    state: DeliveryState;
    abort: AbortController;
    heartbeat: Heartbeat;
    /** Set by `message.retryAfter`: the outcome, whatever the handler's result. */
    retryAfterSeconds: number | undefined;
    /** When the handler was called (until then, when the message arrived): the start of `durationMs`. */
    startedAtMs: number;
    /** Resolves when the message leaves this worker's hands (finished or released). */
    left: Promise<void>;
    leave(): void;
}

export class Consumer {
    private readonly sqs: SQSClient;
    private readonly protection: TaskProtection | undefined;
    /** Every message in hand, from receipt until it has left (its delete or release answered). */
    private readonly deliveries = new Set<Delivery>();
    /** Received and not started, in receive order. */
    private readonly waiting: Delivery[] = [];
    /** Messages whose handler is running: the slots taken. */
    private running = 0;
    /** FIFO message groups with a message running. */
    private readonly busyGroups = new Set<string>();
    private readonly deletes: EntryBatcher<string>;
    private readonly visibility: EntryBatcher<VisibilityChange>;
    private readonly stats = new StatsRecorder();
    private readonly deadlineSeconds: number;
    private readonly loop: Promise<void>;
    private visibilityTimeoutSeconds: number | undefined;
    /** The last receive returned nothing: with nothing in hand, the next poll is an idle one. */
    private lastReceiveEmpty = true;
    /** The poll out now, when it is an idle one that stop() may abandon. */
    private idlePoll: AbortController | undefined;
    /** Set at the drain deadline: from then on, retries of deletes and visibility changes give up. */
    private retriesEndAtMs = Infinity;
    private stopRequested = false;
    private stopping: Promise<void> | undefined;
    private wakeLoop: (() => void) | undefined;
    private cancelMetrics: CancelTimer | undefined;

    constructor(private readonly settings: WorkerSettings) {
        this.sqs = settings.sqsClient ?? new SQSClient({});
        this.deadlineSeconds = drainDeadlineSeconds(settings.stopTimeoutSeconds, settings.shutdownMarginSeconds);
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
        this.deletes = new EntryBatcher(
            deleteMessageBatch(this.sqs, settings.queueUrl),
            batchDelayMilliseconds,
            timers,
            countCall,
        );
        this.visibility = new EntryBatcher(
            changeMessageVisibilityBatch(this.sqs, settings.queueUrl),
            batchDelayMilliseconds,
            timers,
            countCall,
        );
        this.visibilityTimeoutSeconds = settings.visibilityTimeoutSeconds;
        log({
            level: LogLevel.Info,
            event: WorkerEvent.Started,
            queueUrl: settings.queueUrl,
            concurrency: settings.concurrency,
            visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
            taskProtection: taskProtection !== undefined,
        });
        this.scheduleMetrics();
        this.loop = this.receiveLoop();
    }

    /**
     * Stops receiving, lets handlers finish until the deadline, releases what is left, then releases protection.
     * Every call returns the same promise.
     */
    stop(reason: string): Promise<void> {
        this.stopRequested = true;
        this.stopping ??= this.drain(reason);
        return this.stopping;
    }

    /** Gives every message still in hand back to the queue now, without waiting for the deadline. */
    async releaseAll(): Promise<void> {
        await Promise.all(
            [...this.deliveries].map((delivery) =>
                this.release(delivery, "the worker is stopping: the message was released to another worker"),
            ),
        );
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
        if (this.idlePoll) {
            // Nothing is in hand, so waiting out the poll would only delay the exit; what SQS hands the abandoned
            // poll comes back after the idle poll's short timeout. Logged, so no message is delayed silently.
            this.idlePoll.abort(new Error("the worker is stopping"));
            log({
                level: LogLevel.Warn,
                event: WorkerEvent.PollAbandoned,
                visibilityTimeoutSeconds: this.settings.idlePollVisibilityTimeoutSeconds,
            });
        }
        this.wake();
        // Never started: back to the queue at once.
        const unstarted = [...this.waiting].map((delivery) => this.release(delivery, "the worker is stopping"));
        // At the deadline, first let the last poll come back (it ends before the deadline: see receiveWaitSeconds),
        // so it cannot receive again a message released here.
        const cancelDeadline = timers.schedule(deadlineSeconds * 1000, () => {
            this.retriesEndAtMs = timers.now();
            void this.loop.then(() => this.releaseAll());
        });
        await this.loop;
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

    private async receiveLoop(): Promise<void> {
        const { concurrency, prefetchMessages } = this.settings;
        const capacity = concurrency + prefetchMessages;
        // Ask for ten once ten could be taken in, not one each time a slot frees: that is what keeps receives near
        // 0.1 per message on a backlog. Without a prefetch, every free slot is worth a receive at once.
        const receiveAtFree = Math.min(MAX_BATCH_ENTRIES, capacity, prefetchMessages + 1);
        let failures = 0;
        while (!this.stopRequested) {
            const free = capacity - this.waiting.length - this.running;
            if (free < receiveAtFree) {
                await this.sleep();
                continue;
            }
            try {
                this.visibilityTimeoutSeconds ??= await this.queueVisibilityTimeoutSeconds();
                await this.receive(this.visibilityTimeoutSeconds, Math.min(MAX_BATCH_ENTRIES, free));
                failures = 0;
            } catch (error) {
                if (this.stopRequested) {
                    break; // the abandoned idle poll
                }
                failures += 1;
                const retryInSeconds = backoffSeconds(failures, RECEIVE_RETRY_BASE_SECONDS, RECEIVE_RETRY_MAX_SECONDS);
                this.settings.log({
                    level: LogLevel.Error,
                    event: WorkerEvent.ReceiveFailed,
                    retryInSeconds,
                    error: describeError(error),
                });
                if (!this.stopRequested) {
                    await this.sleep(retryInSeconds * 1000); // stop() wakes it; a stop already begun would not
                }
            }
        }
    }

    private async queueVisibilityTimeoutSeconds(): Promise<number> {
        this.stats.count("sqsRequests");
        const { Attributes } = await this.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: this.settings.queueUrl, AttributeNames: ["VisibilityTimeout"] }),
        );
        const seconds = Number(Attributes?.VisibilityTimeout);
        if (!Number.isInteger(seconds) || seconds < 1) {
            throw new Error(
                `queue ${this.settings.queueUrl} has visibility timeout ${Attributes?.VisibilityTimeout}; the worker needs 1 s or more`,
            );
        }
        return seconds;
    }

    private async receive(visibilityTimeoutSeconds: number, maxMessages: number): Promise<void> {
        const {
            timers,
            queueUrl,
            waitTimeSeconds,
            idlePollVisibilityTimeoutSeconds,
            messageSystemAttributeNames,
            messageAttributeNames,
        } = this.settings;
        const idle = this.lastReceiveEmpty && this.deliveries.size === 0 && idlePollVisibilityTimeoutSeconds > 0;
        const pollVisibilitySeconds = idle
            ? Math.min(idlePollVisibilityTimeoutSeconds, visibilityTimeoutSeconds)
            : visibilityTimeoutSeconds;
        const abort = idle ? new AbortController() : undefined;
        this.idlePoll = abort;
        const holdStartedAtMs = timers.now();
        this.stats.count("sqsRequests");
        let messages: Message[];
        try {
            ({ Messages: messages = [] } = await this.sqs.send(
                new ReceiveMessageCommand({
                    QueueUrl: queueUrl,
                    MaxNumberOfMessages: maxMessages,
                    WaitTimeSeconds: receiveWaitSeconds(waitTimeSeconds, this.deadlineSeconds),
                    // Unset when the worker follows the queue's own timeout, so a later change to the queue applies.
                    VisibilityTimeout: idle ? pollVisibilitySeconds : this.settings.visibilityTimeoutSeconds,
                    MessageSystemAttributeNames: systemAttributesToRequest(
                        messageSystemAttributeNames,
                        this.settings.fifo,
                    ),
                    MessageAttributeNames: messageAttributeNames,
                }),
                { abortSignal: abort?.signal },
            ));
        } finally {
            this.idlePoll = undefined;
        }
        this.lastReceiveEmpty = messages.length === 0;
        if (messages.length > 0) {
            this.stats.receiveTook(timers.now() - holdStartedAtMs);
            this.stats.count("received", messages.length);
        }
        if (messages.length === 0 && this.deliveries.size === 0) {
            // Idle is "nothing in hand and nothing waiting": releasing between two messages of a backlog would only
            // churn the agent (and ECS's API behind it) and leave a gap in which this busy task could be picked.
            await this.protection?.release();
        }
        const received = messages.map((message) =>
            this.track(message, holdStartedAtMs, pollVisibilitySeconds, visibilityTimeoutSeconds),
        );
        received.forEach((delivery) => this.callHook("received", (hooks) => hooks.received?.(delivery.message)));
        if (this.stopRequested) {
            // stop() came while this long poll was out: these were never started, so hand them straight back.
            await Promise.all(received.map((delivery) => this.release(delivery, "the worker is stopping")));
            return;
        }
        this.dispatch();
    }

    /** Takes a received message in hand: it waits, hidden, for a slot. */
    private track(
        message: Message,
        holdStartedAtMs: number,
        receivedForSeconds: number,
        visibilityTimeoutSeconds: number,
    ): Delivery {
        const { timers, log } = this.settings;
        const receiptHandle = message.ReceiptHandle ?? "";
        let leave = (): void => undefined;
        const left = new Promise<void>((resolve) => (leave = resolve));
        const delivery: Delivery = {
            message: this.workerMessage(message, () => delivery),
            receiptHandle,
            groupId: this.settings.fifo ? message.Attributes?.MessageGroupId : undefined,
            holdStartedAtMs,
            state: DeliveryState.Waiting,
            abort: new AbortController(),
            heartbeat: startHeartbeat({
                visibilityTimeoutSeconds,
                initialVisibilitySeconds: receivedForSeconds,
                holdStartedAtMs,
                timers,
                extend: (seconds) => this.changeVisibility(delivery, seconds),
                onExtendFailed: (error) => this.logVisibilityFailure(delivery, error),
                onHoldLapsed: () => {
                    log({ level: LogLevel.Warn, event: WorkerEvent.HoldLapsed, ...messageFields(delivery) });
                    delivery.abort.abort(
                        new Error(
                            "SQS's 12-hour visibility limit is reached: the message is visible to other workers again",
                        ),
                    );
                },
            }),
            retryAfterSeconds: undefined,
            startedAtMs: timers.now(),
            left,
            leave: () => {
                this.deliveries.delete(delivery);
                leave();
                this.wake();
            },
        };
        this.deliveries.add(delivery);
        this.waiting.push(delivery);
        return delivery;
    }

    /** Starts handlers on waiting messages while slots are free, one message per FIFO group at a time. */
    private dispatch(): void {
        const { concurrency, batchHandler, batchSize } = this.settings;
        while (!this.stopRequested && this.running < concurrency) {
            const limit = batchHandler ? Math.min(batchSize, concurrency - this.running) : 1;
            const batch = nextToStart(this.waiting, this.busyGroups, limit);
            if (batch.length === 0) {
                return;
            }
            for (const delivery of batch) {
                this.waiting.splice(this.waiting.indexOf(delivery), 1);
                delivery.state = DeliveryState.Working;
                if (delivery.groupId !== undefined) {
                    this.busyGroups.add(delivery.groupId);
                }
            }
            this.running += batch.length;
            void this.work(batch);
        }
    }

    private async work(batch: Delivery[]): Promise<void> {
        const { timers, handler, batchHandler } = this.settings;
        // Protect the task before starting work, not after: a scale-in in between would stop the task mid-job.
        await this.protection?.hold();
        const live = batch.filter((delivery) => delivery.state === DeliveryState.Working);
        const startedAtMs = timers.now();
        live.forEach((delivery) => (delivery.startedAtMs = startedAtMs));
        const failures = new Map<Delivery, unknown>();
        if (live.length > 0) {
            try {
                if (batchHandler) {
                    const signal = AbortSignal.any(live.map((delivery) => delivery.abort.signal));
                    const reported: readonly BatchFailure[] =
                        (await batchHandler(
                            live.map((delivery) => delivery.message),
                            signal,
                        )) ?? [];
                    for (const { message, error } of reported) {
                        const delivery = live.find(
                            (candidate) =>
                                candidate.message === message || candidate.message.messageId === message.messageId,
                        );
                        if (delivery) {
                            failures.set(delivery, error);
                        }
                    }
                } else if (handler) {
                    await handler(live[0].message, live[0].abort.signal);
                }
            } catch (error) {
                live.forEach((delivery) => failures.set(delivery, error));
            }
            this.stats.handlerTook(timers.now() - startedAtMs);
        }
        this.running -= batch.length;
        this.wake();
        await Promise.all(
            batch.map((delivery) =>
                this.finish(delivery, failures.has(delivery) ? { error: failures.get(delivery) } : undefined),
            ),
        );
    }

    private async finish(delivery: Delivery, failure: { error: unknown } | undefined): Promise<void> {
        const { message } = delivery;
        if (delivery.state !== DeliveryState.Working) {
            // Released meanwhile (the deadline, or the handler's own release()); another worker may have it by now.
            this.freeGroup(delivery, false);
            return;
        }
        delivery.state = DeliveryState.Finishing;
        const durationMs = this.settings.timers.now() - delivery.startedAtMs;
        if (delivery.retryAfterSeconds !== undefined) {
            const retryDelaySeconds = delivery.retryAfterSeconds;
            this.stats.count("retried");
            this.callHook("retried", (all) => all.retried?.(message, retryDelaySeconds));
            this.freeGroup(delivery, false);
            await this.hideFor(delivery, retryDelaySeconds);
            this.logFinished(delivery, MessageOutcome.Retried, { level: LogLevel.Info, retryDelaySeconds, durationMs });
        } else if (failure) {
            const { retryBaseSeconds, retryMaxSeconds, timers } = this.settings;
            // Never past SQS's 12-hour limit, which would make the call fail and leave the old (longer) timeout in place.
            const retryDelaySeconds = Math.min(
                backoffSeconds(message.receiveCount, retryBaseSeconds, retryMaxSeconds),
                remainingHoldSeconds(delivery.holdStartedAtMs, timers.now()),
            );
            this.stats.count("failed");
            this.callHook("failed", (all) => all.failed?.(message, failure.error, retryDelaySeconds));
            this.freeGroup(delivery, false);
            await this.hideFor(delivery, retryDelaySeconds);
            this.logFinished(delivery, MessageOutcome.Failed, {
                level: LogLevel.Warn,
                retryDelaySeconds,
                durationMs,
                error: describeError(failure.error),
            });
        } else {
            this.stats.count("processed");
            this.callHook("succeeded", (all) => all.succeeded?.(message, durationMs));
            this.freeGroup(delivery, true);
            await delivery.heartbeat.stop();
            try {
                await this.deletes.submit(delivery.receiptHandle, () => this.retryDeadlineMs(delivery));
            } catch (error) {
                this.settings.log({
                    level: LogLevel.Error,
                    event: WorkerEvent.DeleteFailed,
                    ...messageFields(delivery),
                    error: describeError(error),
                });
            }
            this.logFinished(delivery, MessageOutcome.Succeeded, { level: LogLevel.Info, durationMs });
        }
        delivery.leave();
    }

    /**
     * The group's next message may start. When this one will come back (failed, retried, released), the group's
     * messages waiting behind it go back too: starting them would break the group's order.
     */
    private freeGroup(delivery: Delivery, succeeded: boolean): void {
        const { groupId } = delivery;
        if (groupId === undefined) {
            this.dispatch();
            return;
        }
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
        this.busyGroups.delete(groupId);
        this.dispatch();
    }

    private async hideFor(delivery: Delivery, seconds: number): Promise<void> {
        // An extension landing after this change would hide the message again for the full timeout: wait it out.
        await delivery.heartbeat.stop();
        try {
            await this.changeVisibility(delivery, seconds);
        } catch (error) {
            this.logVisibilityFailure(delivery, error);
        }
    }

    /** Gives a message in hand back to the queue now; a running handler's signal is aborted with `reason`. */
    private async release(delivery: Delivery, reason: string): Promise<void> {
        if (delivery.state === DeliveryState.Waiting) {
            this.waiting.splice(this.waiting.indexOf(delivery), 1);
        } else if (delivery.state !== DeliveryState.Working) {
            return;
        }
        const wasRunning = delivery.state === DeliveryState.Working;
        delivery.state = DeliveryState.Released;
        if (wasRunning) {
            delivery.abort.abort(new Error(reason));
        }
        this.stats.count("released");
        this.callHook("released", (hooks) => hooks.released?.(delivery.message));
        await this.hideFor(delivery, 0);
        this.logFinished(delivery, MessageOutcome.Released, {
            level: LogLevel.Warn,
            durationMs: wasRunning ? this.settings.timers.now() - delivery.startedAtMs : 0,
        });
        delivery.leave();
    }

    private changeVisibility(delivery: Delivery, seconds: number): Promise<void> {
        return this.visibility.submit({ receiptHandle: delivery.receiptHandle, seconds }, () =>
            this.retryDeadlineMs(delivery),
        );
    }

    /** Retries of a call for this message stop here: it may be visible to others after it, or the worker is out of time. */
    private retryDeadlineMs(delivery: Delivery): number {
        return Math.min(delivery.heartbeat.hiddenUntilMs - RECEIPT_SAFETY_MARGIN_MS, this.retriesEndAtMs);
    }

    /** The message as the handler sees it, with its methods bound to this worker's bookkeeping. */
    private workerMessage(message: Message, delivery: () => Delivery): WorkerMessage {
        const inHand = (): boolean => [DeliveryState.Waiting, DeliveryState.Working].includes(delivery().state);
        return {
            body: message.Body ?? "",
            messageId: message.MessageId ?? "",
            receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
            attributes: message.Attributes ?? {},
            messageAttributes: message.MessageAttributes ?? {},
            retryAfter: (seconds) => {
                const maxSeconds = remainingHoldSeconds(delivery().holdStartedAtMs, this.settings.timers.now());
                if (!Number.isInteger(seconds) || seconds < 0 || seconds > maxSeconds) {
                    throw new RangeError(
                        `retryAfter(seconds) takes an integer between 0 and ${maxSeconds}; got ${seconds}`,
                    );
                }
                delivery().retryAfterSeconds = seconds;
            },
            extendVisibility: async (seconds) => {
                if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_HOLD_SECONDS) {
                    throw new RangeError(
                        `extendVisibility(seconds) takes an integer between 1 and ${MAX_HOLD_SECONDS}; got ${seconds}`,
                    );
                }
                if (!inHand()) {
                    throw new Error(`message ${message.MessageId} is no longer in this worker's hands`);
                }
                await delivery().heartbeat.extendNow(seconds);
            },
            release: async () => {
                if (inHand()) {
                    await this.release(delivery(), "the handler released the message");
                }
            },
        };
    }

    private callHook(name: keyof WorkerHooks, call: (hooks: WorkerHooks) => void): void {
        try {
            call(this.settings.hooks);
        } catch (error) {
            this.settings.log({
                level: LogLevel.Error,
                event: WorkerEvent.HookFailed,
                hook: name,
                error: describeError(error),
            });
        }
    }

    private logFinished(
        delivery: Delivery,
        outcome: MessageOutcome,
        fields: Pick<LogEntry, "level" | "durationMs" | "retryDelaySeconds" | "error">,
    ): void {
        this.settings.log({ event: WorkerEvent.MessageFinished, ...messageFields(delivery), outcome, ...fields });
    }

    private logVisibilityFailure(delivery: Delivery, error: unknown): void {
        this.settings.log({
            level: LogLevel.Error,
            event: WorkerEvent.VisibilityChangeFailed,
            ...messageFields(delivery),
            error: describeError(error),
        });
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

    /** Waits until a slot frees up, stop() is called, or `timeoutMs` passes. */
    private sleep(timeoutMs?: number): Promise<void> {
        return new Promise((resolve) => {
            let cancelTimer: CancelTimer | undefined;
            const wake = (): void => {
                cancelTimer?.();
                if (this.wakeLoop === wake) {
                    this.wakeLoop = undefined;
                }
                resolve();
            };
            this.wakeLoop = wake;
            if (timeoutMs !== undefined) {
                cancelTimer = this.settings.timers.schedule(timeoutMs, wake);
            }
        });
    }

    private wake(): void {
        this.wakeLoop?.();
    }
}

function messageFields(delivery: Delivery): { messageId: string; receiveCount: number; messageGroupId?: string } {
    return {
        messageId: delivery.message.messageId,
        receiveCount: delivery.message.receiveCount,
        messageGroupId: delivery.groupId,
    };
}
