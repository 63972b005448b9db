// The receive loop: asks planPoll when and how to receive, hands what a receive returns to the worker, and pauses
// after a failed receive. It never holds a message itself.
import { GetQueueAttributesCommand, Message, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { backoffSeconds } from "./backoff";
import { Receipt } from "./delivery";
import { callHook } from "./hooks";
import { describeError, LogLevel, WorkerEvent } from "./log";
import { LastReceive, planPoll, PollKind, PollPlan } from "./pollPlan";
import { WorkerSettings } from "./settings";
import { systemAttributesToRequest } from "./sqsBatches";
import { StatsRecorder } from "./stats";
import { CancelTimer } from "./timers";

/** Pauses after failed receives double from 1 s to 30 s: quick recovery from a blip, no hammering during an outage. */
const RECEIVE_RETRY_BASE_SECONDS = 1;
const RECEIVE_RETRY_MAX_SECONDS = 30;

/** What the loop needs to know of, and hands to, the worker around it. */
export interface ReceiverHost {
    /** Messages in the worker's hands that count against its limits: waiting for a handler slot, or running. */
    inHand(): number;
    /** FIFO only: message groups with a message in the worker's hands. */
    heldGroups(): number;
    /** Takes in what a receive returned (never empty). */
    take(messages: readonly Message[], receipt: Receipt): void;
    /** A receive came back empty. */
    receivedNothing(): Promise<void>;
}

export class Receiver {
    /** Resolves when the loop has ended: after stop(), once the poll out then is answered or abandoned. */
    readonly done: Promise<void>;
    private stopped = false;
    /** The option, else the queue's own (read before the first receive). */
    private visibilityTimeoutSeconds: number | undefined;
    private last: LastReceive | undefined;
    /** Receives in a row, up to the last one, that came back empty without waiting. */
    private emptyShortPolls = 0;
    /** FIFO groups freed so far, and how many had been when the last receive was sent. */
    private groupsFreed = 0;
    private groupsFreedAtLastSend = 0;
    /** The poll out now, when it is one that stop() abandons. */
    private abandonable: { abort: AbortController; visibilityTimeoutSeconds: number } | undefined;
    private wakeUp: (() => void) | undefined;

    constructor(
        private readonly sqs: SQSClient,
        private readonly settings: WorkerSettings,
        private readonly stats: StatsRecorder,
        private readonly deadlineSeconds: number,
        private readonly host: ReceiverHost,
    ) {
        this.visibilityTimeoutSeconds = settings.visibilityTimeoutSeconds;
        this.done = this.run();
    }

    /** Ends the loop: abandons a poll that may be abandoned (logged), and sends no more. */
    stop(): void {
        this.stopped = true;
        if (this.abandonable) {
            // Waiting it out would only delay the exit; what SQS hands the abandoned poll comes back after its short
            // timeout. Logged, so no message is delayed silently.
            this.abandonable.abort.abort(new Error("the worker is stopping"));
            this.settings.log({
                level: LogLevel.Warn,
                event: WorkerEvent.PollAbandoned,
                visibilityTimeoutSeconds: this.abandonable.visibilityTimeoutSeconds,
            });
        }
        this.wake();
    }

    /** Room may have grown (a slot or a place in the prefetch freed up). */
    wake(): void {
        this.wakeUp?.();
    }

    /** FIFO: the last message of a held group left the worker's hands, so SQS may deliver that group again. */
    groupFreed(): void {
        this.groupsFreed += 1;
        this.wake();
    }

    private async run(): Promise<void> {
        let failures = 0;
        while (!this.stopped) {
            try {
                this.visibilityTimeoutSeconds ??= await this.queueVisibilityTimeoutSeconds();
                const plan = this.plan(this.visibilityTimeoutSeconds);
                if (plan.kind === PollKind.Wait) {
                    await this.sleep(plan.wakeInMs);
                    continue;
                }
                await this.receive(plan, this.visibilityTimeoutSeconds);
                failures = 0;
            } catch (error) {
                if (this.stopped) {
                    break; // the abandoned poll
                }
                failures += 1;
                const retryInSeconds = backoffSeconds(failures, RECEIVE_RETRY_BASE_SECONDS, RECEIVE_RETRY_MAX_SECONDS);
                const { log, hooks } = this.settings;
                log({
                    level: LogLevel.Error,
                    event: WorkerEvent.ReceiveFailed,
                    retryInSeconds,
                    error: describeError(error),
                });
                callHook(hooks, log, "sqsError", (all) => all.sqsError?.(error, { event: WorkerEvent.ReceiveFailed }));
                if (!this.stopped) {
                    await this.sleep(retryInSeconds * 1000); // stop() wakes it
                }
            }
        }
    }

    private plan(visibilityTimeoutSeconds: number): PollPlan {
        const { settings } = this;
        return planPoll(
            {
                nowMs: settings.timers.now(),
                inHand: this.host.inHand(),
                last: this.last,
                emptyShortPolls: this.emptyShortPolls,
                heldGroups: this.host.heldGroups(),
                groupFreedSinceLastReceive: this.groupsFreed > this.groupsFreedAtLastSend,
            },
            {
                fifo: settings.fifo,
                concurrency: settings.concurrency,
                prefetchMessages: settings.prefetchMessages,
                waitTimeSeconds: settings.waitTimeSeconds,
                idlePollVisibilityTimeoutSeconds: settings.idlePollVisibilityTimeoutSeconds,
                visibilityTimeoutSeconds,
                visibilityTimeoutIsOption: settings.visibilityTimeoutSeconds !== undefined,
                deadlineSeconds: this.deadlineSeconds,
            },
        );
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

    private async receive(
        plan: Exclude<PollPlan, { kind: PollKind.Wait }>,
        visibilityTimeoutSeconds: number,
    ): Promise<void> {
        const { timers, queueUrl, messageSystemAttributeNames, messageAttributeNames, fifo } = this.settings;
        const abort = plan.abandonAtStop ? new AbortController() : undefined;
        this.abandonable = abort && { abort, visibilityTimeoutSeconds: plan.hiddenForSeconds };
        this.groupsFreedAtLastSend = this.groupsFreed;
        const sentAtMs = timers.now();
        this.stats.count("sqsRequests");
        let messages: Message[];
        try {
            ({ Messages: messages = [] } = await this.sqs.send(
                new ReceiveMessageCommand({
                    QueueUrl: queueUrl,
                    MaxNumberOfMessages: plan.maxMessages,
                    WaitTimeSeconds: plan.waitTimeSeconds,
                    // Unset when the worker follows the queue's own timeout, so a later change to the queue applies.
                    VisibilityTimeout: plan.visibilityTimeoutSeconds,
                    MessageSystemAttributeNames: systemAttributesToRequest(messageSystemAttributeNames, fifo),
                    MessageAttributeNames: messageAttributeNames,
                }),
                { abortSignal: abort?.signal },
            ));
        } finally {
            this.abandonable = undefined;
        }
        this.last = { asked: plan.maxMessages, got: messages.length, answeredAtMs: timers.now() };
        this.emptyShortPolls = messages.length === 0 && plan.waitTimeSeconds === 0 ? this.emptyShortPolls + 1 : 0;
        if (messages.length === 0) {
            await this.host.receivedNothing();
            return;
        }
        this.stats.receiveTook(timers.now() - sentAtMs);
        this.stats.count("received", messages.length);
        this.host.take(messages, { sentAtMs, hiddenForSeconds: plan.hiddenForSeconds, visibilityTimeoutSeconds });
    }

    /** Waits until woken (room, a freed group, stop()) or `timeoutMs` passes. */
    private sleep(timeoutMs: number | undefined): Promise<void> {
        return new Promise((resolve) => {
            let cancelTimer: CancelTimer | undefined;
            const wake = (): void => {
                cancelTimer?.();
                if (this.wakeUp === wake) {
                    this.wakeUp = undefined;
                }
                resolve();
            };
            this.wakeUp = wake;
            if (timeoutMs !== undefined) {
                cancelTimer = this.settings.timers.schedule(timeoutMs, wake);
            }
        });
    }
}
