// The life of one received message in this worker's hands: a small state machine.
//
//   waiting ──start──▶ working ──finish──▶ finishing ──(its delete or retry delay answered)──▶ left
//      │                  │
//      └─────release──────┴──▶ released ──(its visibility 0 answered)──▶ left
//
// While in hand (waiting or working) a heartbeat keeps the message hidden. It leaves in one of three ways: its handler
// resolved (delete), its handler threw or asked for a retry (hide it for the retry delay, so SQS's redrive counts the
// attempt), or the worker gave it up (visibility 0, so another task takes it at once instead of after the timeout).
// Nothing is deleted unless its handler resolved.
import { Message } from "@aws-sdk/client-sqs";
import { MAX_VISIBILITY_TIMEOUT_SECONDS as MAX_HOLD_SECONDS } from "../contract";
import { backoffSeconds } from "./backoff";
import { EntryBatcher } from "./batcher";
import { Heartbeat, remainingHoldSeconds, startHeartbeat } from "./heartbeat";
import { callHook } from "./hooks";
import { describeError, LogEntry, LogLevel, MessageOutcome, WorkerEvent } from "./log";
import { WorkerHooks, WorkerMessage } from "./options";
import { WorkerSettings } from "./settings";
import { VisibilityChange } from "./sqsBatches";
import { StatsRecorder } from "./stats";

/**
 * A delete or visibility change is retried only while the message is surely still hidden, with this much to spare:
 * once it is visible, another consumer may hold it, and SQS may accept an old receipt handle without deleting.
 */
const RECEIPT_SAFETY_MARGIN_MS = 1_000;

export enum DeliveryState {
    /** Received; waiting for a free handler slot. */
    Waiting = "waiting",
    /** The handler runs (or is about to). */
    Working = "working",
    /** The handler settled; the message is being deleted or hidden for its retry delay. */
    Finishing = "finishing",
    /** Given back to the queue; whatever the handler does now is ignored. */
    Released = "released",
    /** Out of this worker's hands: its last SQS call is answered. */
    Left = "left",
}

/** What a delivery needs from the worker around it. */
export interface DeliveryServices {
    settings: WorkerSettings;
    deletes: EntryBatcher<string>;
    visibilityChanges: EntryBatcher<VisibilityChange>;
    stats: StatsRecorder;
    /** Retries of SQS calls end here at the latest: the drain deadline, or Infinity before it. */
    retriesEndAtMs(): number;
    /** The message has left this worker's hands. */
    onLeft(delivery: Delivery): void;
}

/** How a receive handed the message over. */
export interface Receipt {
    /** When the receive request was sent: SQS counts its 12 hours from no earlier. */
    sentAtMs: number;
    /** How long that receive hid the message. */
    hiddenForSeconds: number;
    /** How long each heartbeat extension hides it: the worker's visibility timeout. */
    visibilityTimeoutSeconds: number;
}

/** One message in this worker's hands, from its receive until its last SQS call is answered. */
export class Delivery {
    private currentState = DeliveryState.Waiting;
    /** What the handler gets, its methods bound to this delivery. */
    readonly message: WorkerMessage;
    /** Set on a FIFO queue only: messages of one group run one at a time, in order. */
    readonly groupId: string | undefined;
    /** The handler's signal: aborted when the worker gives the message up or the handler runs out of time. */
    readonly abort = new AbortController();
    /** Resolves when the message has left this worker's hands. */
    readonly left: Promise<void>;
    private markLeft: () => void = () => undefined;
    /** When the handler was called (until then, when the message arrived): the start of `durationMs`. */
    private startedAtMs: number;
    /** Set by `message.retryAfter`: the outcome, whatever the handler's result. */
    private retryAfterSeconds: number | undefined;
    private readonly receiptHandle: string;
    private readonly receivedAtMs: number;
    private readonly heartbeat: Heartbeat;

    constructor(
        sqsMessage: Message,
        receipt: Receipt,
        private readonly services: DeliveryServices,
    ) {
        const { timers, fifo, log } = services.settings;
        this.receiptHandle = sqsMessage.ReceiptHandle ?? "";
        this.receivedAtMs = receipt.sentAtMs;
        this.startedAtMs = timers.now();
        this.groupId = fifo ? sqsMessage.Attributes?.MessageGroupId : undefined;
        this.left = new Promise((resolve) => (this.markLeft = resolve));
        this.message = this.handlerView(sqsMessage);
        this.heartbeat = startHeartbeat({
            visibilityTimeoutSeconds: receipt.visibilityTimeoutSeconds,
            initialVisibilitySeconds: receipt.hiddenForSeconds,
            holdStartedAtMs: receipt.sentAtMs,
            timers,
            extend: (seconds) => this.changeVisibility(seconds),
            onExtendFailed: (error) => this.sqsCallFailed(WorkerEvent.VisibilityChangeFailed, error),
            onHoldLapsed: () => {
                log({ level: LogLevel.Warn, event: WorkerEvent.HoldLapsed, ...this.logFields() });
                this.abort.abort(
                    new Error(
                        "SQS's 12-hour visibility limit is reached: the message is visible to other workers again",
                    ),
                );
            },
        });
    }

    get state(): DeliveryState {
        return this.currentState;
    }

    /** Waiting or working: the worker still decides what becomes of the message. */
    get inHand(): boolean {
        return this.currentState === DeliveryState.Waiting || this.currentState === DeliveryState.Working;
    }

    /** Waiting → working: its handler is about to be called. */
    start(): void {
        if (this.currentState === DeliveryState.Waiting) {
            this.currentState = DeliveryState.Working;
        }
    }

    /** The handler is called now (after task protection is in place): the start of `durationMs`. */
    handlerStarted(atMs: number): void {
        this.startedAtMs = atMs;
    }

    /**
     * Working → finishing: the handler settled, and `failure` is set when it failed this message. Returns the outcome
     * (`retryAfter` wins over the result), or undefined when the message was released meanwhile and the handler's
     * result no longer counts. The SQS call that goes with the outcome runs on; `left` resolves once it is answered.
     */
    finish(failure: { error: unknown } | undefined): MessageOutcome | undefined {
        if (this.currentState !== DeliveryState.Working) {
            return undefined;
        }
        this.currentState = DeliveryState.Finishing;
        const { settings, stats } = this.services;
        const { message } = this;
        const durationMs = settings.timers.now() - this.startedAtMs;
        if (this.retryAfterSeconds !== undefined) {
            const retryDelaySeconds = this.retryAfterSeconds;
            stats.count("retried");
            this.callHook("retried", (hooks) => hooks.retried?.(message, retryDelaySeconds));
            void this.hideThenLeave(retryDelaySeconds, MessageOutcome.Retried, {
                level: LogLevel.Info,
                retryDelaySeconds,
                durationMs,
            });
            return MessageOutcome.Retried;
        }
        if (failure) {
            // Never past SQS's 12-hour limit, which would make the call fail and leave the old (longer) timeout.
            const retryDelaySeconds = Math.min(
                backoffSeconds(message.receiveCount, settings.retryBaseSeconds, settings.retryMaxSeconds),
                remainingHoldSeconds(this.receivedAtMs, settings.timers.now()),
            );
            stats.count("failed");
            this.callHook("failed", (hooks) => hooks.failed?.(message, failure.error, retryDelaySeconds));
            void this.hideThenLeave(retryDelaySeconds, MessageOutcome.Failed, {
                level: LogLevel.Warn,
                retryDelaySeconds,
                durationMs,
                error: describeError(failure.error),
            });
            return MessageOutcome.Failed;
        }
        stats.count("processed");
        this.callHook("succeeded", (hooks) => hooks.succeeded?.(message, durationMs));
        void this.deleteThenLeave(durationMs);
        return MessageOutcome.Succeeded;
    }

    /**
     * Waiting or working → released: back to the queue now, visible at once. A running handler's signal is aborted
     * with `reason`, and whatever it does afterwards is ignored. Resolves once SQS has answered.
     */
    async release(reason: string): Promise<void> {
        if (!this.inHand) {
            return;
        }
        const wasRunning = this.currentState === DeliveryState.Working;
        this.currentState = DeliveryState.Released;
        if (wasRunning) {
            this.abort.abort(new Error(reason));
        }
        this.services.stats.count("released");
        this.callHook("released", (hooks) => hooks.released?.(this.message));
        await this.hideFor(0);
        this.logFinished(MessageOutcome.Released, {
            level: LogLevel.Warn,
            durationMs: wasRunning ? this.services.settings.timers.now() - this.startedAtMs : 0,
        });
        this.leave();
    }

    private async deleteThenLeave(durationMs: number): Promise<void> {
        await this.heartbeat.stop();
        try {
            await this.services.deletes.submit(this.receiptHandle, () => this.retryDeadlineMs());
        } catch (error) {
            this.sqsCallFailed(WorkerEvent.DeleteFailed, error);
        }
        this.logFinished(MessageOutcome.Succeeded, { level: LogLevel.Info, durationMs });
        this.leave();
    }

    private async hideThenLeave(
        seconds: number,
        outcome: MessageOutcome,
        fields: Pick<LogEntry, "level" | "durationMs" | "retryDelaySeconds" | "error">,
    ): Promise<void> {
        await this.hideFor(seconds);
        this.logFinished(outcome, fields);
        this.leave();
    }

    private async hideFor(seconds: number): Promise<void> {
        // An extension landing after this change would hide the message again for the full timeout: wait it out.
        await this.heartbeat.stop();
        try {
            await this.changeVisibility(seconds);
        } catch (error) {
            this.sqsCallFailed(WorkerEvent.VisibilityChangeFailed, error);
        }
    }

    private changeVisibility(seconds: number): Promise<void> {
        return this.services.visibilityChanges.submit({ receiptHandle: this.receiptHandle, seconds }, () =>
            this.retryDeadlineMs(),
        );
    }

    /** Retries of a call for this message stop here: it may be visible to others after it, or the worker is out of time. */
    private retryDeadlineMs(): number {
        return Math.min(this.heartbeat.hiddenUntilMs - RECEIPT_SAFETY_MARGIN_MS, this.services.retriesEndAtMs());
    }

    private leave(): void {
        this.currentState = DeliveryState.Left;
        this.markLeft();
        this.services.onLeft(this);
    }

    /** The message as the handler sees it, with its methods bound to this delivery. */
    private handlerView(sqsMessage: Message): WorkerMessage {
        const { timers } = this.services.settings;
        return {
            body: sqsMessage.Body ?? "",
            messageId: sqsMessage.MessageId ?? "",
            receiveCount: Number(sqsMessage.Attributes?.ApproximateReceiveCount ?? 1),
            attributes: sqsMessage.Attributes ?? {},
            messageAttributes: sqsMessage.MessageAttributes ?? {},
            sqsMessage,
            retryAfter: (seconds) => {
                const maxSeconds = remainingHoldSeconds(this.receivedAtMs, timers.now());
                if (!Number.isInteger(seconds) || seconds < 0 || seconds > maxSeconds) {
                    throw new RangeError(
                        `retryAfter(seconds) takes an integer between 0 and ${maxSeconds}; got ${seconds}`,
                    );
                }
                this.retryAfterSeconds = seconds;
            },
            extendVisibility: async (seconds) => {
                if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_HOLD_SECONDS) {
                    throw new RangeError(
                        `extendVisibility(seconds) takes an integer between 1 and ${MAX_HOLD_SECONDS}; got ${seconds}`,
                    );
                }
                if (!this.inHand) {
                    throw new Error(`message ${sqsMessage.MessageId} is no longer in this worker's hands`);
                }
                await this.heartbeat.extendNow(seconds);
            },
            release: () => this.release("the handler released the message"),
        };
    }

    private callHook(name: keyof WorkerHooks, call: (hooks: WorkerHooks) => void): void {
        const { hooks, log } = this.services.settings;
        callHook(hooks, log, name, call);
    }

    /** A delete or visibility change for this message failed for good: logged, and told to the sqsError hook. */
    private sqsCallFailed(event: WorkerEvent.DeleteFailed | WorkerEvent.VisibilityChangeFailed, error: unknown): void {
        this.services.settings.log({ level: LogLevel.Error, event, ...this.logFields(), error: describeError(error) });
        this.callHook("sqsError", (hooks) => hooks.sqsError?.(error, { event, message: this.message }));
    }

    private logFinished(
        outcome: MessageOutcome,
        fields: Pick<LogEntry, "level" | "durationMs" | "retryDelaySeconds" | "error">,
    ): void {
        this.services.settings.log({ event: WorkerEvent.MessageFinished, ...this.logFields(), outcome, ...fields });
    }

    private logFields(): Pick<LogEntry, "messageId" | "receiveCount" | "messageGroupId"> {
        return {
            messageId: this.message.messageId,
            receiveCount: this.message.receiveCount,
            messageGroupId: this.groupId,
        };
    }
}
