// The receive loop and the life of each message in it.
//
// One loop receives while there is a free slot (at most `concurrency` messages in hand) and hands each message to
// its own handler call. A message in hand has a heartbeat extending its visibility, and holds task protection. It
// leaves in one of three ways: the handler resolves (delete), the handler throws (hide it for the retry delay, so
// SQS's redrive counts the attempt), or the worker gives it up at the shutdown deadline (visibility 0, so another task
// takes it at once instead of after the timeout). Nothing is deleted unless its handler resolved.
import {
    ChangeMessageVisibilityCommand,
    DeleteMessageCommand,
    GetQueueAttributesCommand,
    Message,
    ReceiveMessageCommand,
    SQSClient,
} from "@aws-sdk/client-sqs";
import { backoffSeconds } from "./backoff";
import { Heartbeat, remainingHoldSeconds, startHeartbeat } from "./heartbeat";
import { describeError, LogLevel, MessageOutcome, WorkerEvent } from "./log";
import { WorkerMessage, WorkerSettings } from "./options";
import { ecsAgentProtection, TaskProtection } from "./protection";
import { drainDeadlineSeconds, receiveWaitSeconds } from "./shutdown";
import { CancelTimer } from "./timers";

/** SQS returns at most ten messages per receive. */
const MAX_MESSAGES_PER_RECEIVE = 10;
/** Pauses after failed receives double from 1 s to 30 s: quick recovery from a blip, no hammering during an outage. */
const RECEIVE_RETRY_BASE_SECONDS = 1;
const RECEIVE_RETRY_MAX_SECONDS = 30;

enum DeliveryState {
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
    holdStartedAtMs: number;
    state: DeliveryState;
    abort: AbortController;
    heartbeat: Heartbeat;
    /** When the handler was called (until then, when the message arrived): the start of `durationMs`. */
    startedAtMs: number;
    /** Resolves when the message leaves this worker's hands (finished or released): its slot is free. */
    left: Promise<void>;
    leave(): void;
}

export class Consumer {
    private readonly sqs: SQSClient;
    private readonly protection: TaskProtection | undefined;
    private readonly deliveries = new Set<Delivery>();
    private readonly deadlineSeconds: number;
    private readonly loop: Promise<void>;
    private stopRequested = false;
    private stopping: Promise<void> | undefined;
    private wakeLoop: (() => void) | undefined;

    constructor(private readonly settings: WorkerSettings) {
        this.sqs = settings.sqsClient ?? new SQSClient({});
        this.deadlineSeconds = drainDeadlineSeconds(settings.stopTimeoutSeconds, settings.shutdownMarginSeconds);
        const { taskProtection, timers, log } = settings;
        this.protection =
            taskProtection &&
            new TaskProtection(ecsAgentProtection(taskProtection.ecsAgentUri), taskProtection.protectionMinutes, timers, log);
        log({
            level: LogLevel.Info,
            event: WorkerEvent.Started,
            queueUrl: settings.queueUrl,
            concurrency: settings.concurrency,
            visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
            taskProtection: taskProtection !== undefined,
        });
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
        await Promise.all([...this.deliveries].map((delivery) => this.release(delivery)));
    }

    private async drain(reason: string): Promise<void> {
        const { timers, log } = this.settings;
        const { deadlineSeconds } = this;
        log({ level: LogLevel.Info, event: WorkerEvent.Stopping, reason, inFlight: this.deliveries.size, deadlineSeconds });
        this.wake();
        // At the deadline, first let the last poll come back (it ends before the deadline: see receiveWaitSeconds),
        // so it cannot receive again a message released here.
        const cancelDeadline = timers.schedule(deadlineSeconds * 1000, () => void this.loop.then(() => this.releaseAll()));
        await this.loop;
        await Promise.all([...this.deliveries].map((delivery) => delivery.left));
        cancelDeadline();
        await this.protection?.close();
        if (!this.settings.sqsClient) {
            this.sqs.destroy();
        }
        log({ level: LogLevel.Info, event: WorkerEvent.Stopped });
    }

    private async receiveLoop(): Promise<void> {
        let visibilityTimeoutSeconds = this.settings.visibilityTimeoutSeconds;
        let failures = 0;
        while (!this.stopRequested) {
            if (this.deliveries.size >= this.settings.concurrency) {
                await this.sleep();
                continue;
            }
            try {
                visibilityTimeoutSeconds ??= await this.queueVisibilityTimeoutSeconds();
                await this.receive(visibilityTimeoutSeconds);
                failures = 0;
            } catch (error) {
                failures += 1;
                const retryInSeconds = backoffSeconds(failures, RECEIVE_RETRY_BASE_SECONDS, RECEIVE_RETRY_MAX_SECONDS);
                this.settings.log({ level: LogLevel.Error, event: WorkerEvent.ReceiveFailed, retryInSeconds, error: describeError(error) });
                if (!this.stopRequested) {
                    await this.sleep(retryInSeconds * 1000); // stop() wakes it; a stop already begun would not
                }
            }
        }
    }

    private async queueVisibilityTimeoutSeconds(): Promise<number> {
        const { Attributes } = await this.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: this.settings.queueUrl, AttributeNames: ["VisibilityTimeout"] }),
        );
        const seconds = Number(Attributes?.VisibilityTimeout);
        if (!Number.isInteger(seconds) || seconds < 1) {
            throw new Error(`queue ${this.settings.queueUrl} has visibility timeout ${Attributes?.VisibilityTimeout}; the worker needs 1 s or more`);
        }
        return seconds;
    }

    private async receive(visibilityTimeoutSeconds: number): Promise<void> {
        const { timers, queueUrl, concurrency, waitTimeSeconds } = this.settings;
        const holdStartedAtMs = timers.now();
        const { Messages: messages = [] } = await this.sqs.send(
            new ReceiveMessageCommand({
                QueueUrl: queueUrl,
                MaxNumberOfMessages: Math.min(MAX_MESSAGES_PER_RECEIVE, concurrency - this.deliveries.size),
                WaitTimeSeconds: receiveWaitSeconds(waitTimeSeconds, this.deadlineSeconds),
                // Unset when the worker follows the queue's own timeout, so a later change to the queue applies.
                VisibilityTimeout: this.settings.visibilityTimeoutSeconds,
                MessageSystemAttributeNames: ["All"],
                MessageAttributeNames: ["All"],
            }),
        );
        if (this.stopRequested) {
            // stop() came while this long poll was out: these were never started, so hand them straight back.
            await Promise.all(messages.map((message) => this.releaseUnstarted(message)));
            return;
        }
        if (messages.length === 0 && this.deliveries.size === 0) {
            // Idle is "nothing in hand and nothing waiting": releasing between two messages of a backlog would only
            // churn the agent (and ECS's API behind it) and leave a gap in which this busy task could be picked.
            await this.protection?.release();
        }
        for (const message of messages) {
            this.start(message, holdStartedAtMs, visibilityTimeoutSeconds);
        }
    }

    private start(message: Message, holdStartedAtMs: number, visibilityTimeoutSeconds: number): void {
        const { timers, log } = this.settings;
        const receiptHandle = message.ReceiptHandle ?? "";
        let leave = (): void => undefined;
        const left = new Promise<void>((resolve) => (leave = resolve));
        const delivery: Delivery = {
            message: toWorkerMessage(message),
            receiptHandle,
            holdStartedAtMs,
            state: DeliveryState.Working,
            abort: new AbortController(),
            heartbeat: startHeartbeat({
                visibilityTimeoutSeconds,
                holdStartedAtMs,
                timers,
                extend: (seconds) => this.changeVisibility(receiptHandle, seconds),
                onExtendFailed: (error) => this.logVisibilityFailure(delivery, error),
                onHoldLapsed: () => {
                    log({ level: LogLevel.Warn, event: WorkerEvent.HoldLapsed, ...messageFields(delivery) });
                    delivery.abort.abort(new Error("SQS's 12-hour visibility limit is reached: the message is visible to other workers again"));
                },
            }),
            startedAtMs: timers.now(),
            left,
            leave: () => {
                this.deliveries.delete(delivery);
                leave();
                this.wake();
            },
        };
        this.deliveries.add(delivery);
        void this.work(delivery);
    }

    private async work(delivery: Delivery): Promise<void> {
        // Protect the task before starting work, not after: a scale-in in between would stop the task mid-job.
        await this.protection?.hold();
        if (delivery.state !== DeliveryState.Working) {
            return;
        }
        delivery.startedAtMs = this.settings.timers.now();
        let failure: { error: unknown } | undefined;
        try {
            await this.settings.handler(delivery.message, delivery.abort.signal);
        } catch (error) {
            failure = { error };
        }
        if (delivery.state !== DeliveryState.Working) {
            return; // released at the deadline; another worker may have the message by now
        }
        delivery.state = DeliveryState.Finishing;
        await delivery.heartbeat.stop();
        if (failure) {
            await this.retryLater(delivery, failure.error);
        } else {
            await this.delete(delivery);
        }
        delivery.leave();
    }

    private async delete(delivery: Delivery): Promise<void> {
        const { log } = this.settings;
        try {
            await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.settings.queueUrl, ReceiptHandle: delivery.receiptHandle }));
        } catch (error) {
            log({ level: LogLevel.Error, event: WorkerEvent.DeleteFailed, ...messageFields(delivery), error: describeError(error) });
        }
        log({ level: LogLevel.Info, event: WorkerEvent.MessageFinished, ...messageFields(delivery), ...this.outcome(delivery, MessageOutcome.Succeeded) });
    }

    private async retryLater(delivery: Delivery, error: unknown): Promise<void> {
        const { retryBaseSeconds, retryMaxSeconds, timers, log } = this.settings;
        // Never past SQS's 12-hour limit, which would make the call fail and leave the old (longer) timeout in place.
        const retryDelaySeconds = Math.min(
            backoffSeconds(delivery.message.receiveCount, retryBaseSeconds, retryMaxSeconds),
            remainingHoldSeconds(delivery.holdStartedAtMs, timers.now()),
        );
        try {
            await this.changeVisibility(delivery.receiptHandle, retryDelaySeconds);
        } catch (changeError) {
            this.logVisibilityFailure(delivery, changeError);
        }
        log({
            level: LogLevel.Warn,
            event: WorkerEvent.MessageFinished,
            ...messageFields(delivery),
            ...this.outcome(delivery, MessageOutcome.Failed),
            retryDelaySeconds,
            error: describeError(error),
        });
    }

    /** Gives a message in hand back to the queue now and aborts its handler's signal. */
    private async release(delivery: Delivery): Promise<void> {
        if (delivery.state !== DeliveryState.Working) {
            return;
        }
        delivery.state = DeliveryState.Released;
        delivery.abort.abort(new Error("the worker is stopping: the message was released to another worker"));
        // An extension landing after the release would hide the message again, so wait out any in flight first.
        await delivery.heartbeat.stop();
        try {
            await this.changeVisibility(delivery.receiptHandle, 0);
        } catch (error) {
            this.logVisibilityFailure(delivery, error);
        }
        this.settings.log({ level: LogLevel.Warn, event: WorkerEvent.MessageFinished, ...messageFields(delivery), ...this.outcome(delivery, MessageOutcome.Released) });
        delivery.leave();
    }

    private async releaseUnstarted(message: Message): Promise<void> {
        const fields = { messageId: message.MessageId, receiveCount: receiveCountOf(message) };
        try {
            await this.changeVisibility(message.ReceiptHandle ?? "", 0);
        } catch (error) {
            this.settings.log({ level: LogLevel.Error, event: WorkerEvent.VisibilityChangeFailed, ...fields, error: describeError(error) });
        }
        this.settings.log({ level: LogLevel.Warn, event: WorkerEvent.MessageFinished, ...fields, durationMs: 0, outcome: MessageOutcome.Released });
    }

    private async changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
        await this.sqs.send(
            new ChangeMessageVisibilityCommand({
                QueueUrl: this.settings.queueUrl,
                ReceiptHandle: receiptHandle,
                VisibilityTimeout: visibilityTimeoutSeconds,
            }),
        );
    }

    private logVisibilityFailure(delivery: Delivery, error: unknown): void {
        this.settings.log({ level: LogLevel.Error, event: WorkerEvent.VisibilityChangeFailed, ...messageFields(delivery), error: describeError(error) });
    }

    private outcome(delivery: Delivery, outcome: MessageOutcome): { outcome: MessageOutcome; durationMs: number } {
        return { outcome, durationMs: this.settings.timers.now() - delivery.startedAtMs };
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

function receiveCountOf(message: Message): number {
    return Number(message.Attributes?.ApproximateReceiveCount ?? 1);
}

function toWorkerMessage(message: Message): WorkerMessage {
    return {
        body: message.Body ?? "",
        messageId: message.MessageId ?? "",
        receiveCount: receiveCountOf(message),
        attributes: message.Attributes ?? {},
        messageAttributes: message.MessageAttributes ?? {},
    };
}

function messageFields(delivery: Delivery): { messageId: string; receiveCount: number } {
    return { messageId: delivery.message.messageId, receiveCount: delivery.message.receiveCount };
}
