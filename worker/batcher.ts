// Groups per-message SQS calls into the batch calls SQS offers (DeleteMessageBatch, ChangeMessageVisibilityBatch).
//
// SQS bills every request, and a batch of ten costs what one single call costs. So an entry waits a short delay for
// company, and goes out at once when ten are ready, or when company is unlikely within that delay (nothing else at
// work could add an entry soon): waiting then would only delay it. A batch call can fail as a whole (network, throttling, an
// outage of the endpoint) or entry by entry; either way each entry is retried on its own, with a doubling pause,
// until its receipt handle can no longer be used: once the message is visible again, another consumer may hold it.
import { backoffSeconds } from "./backoff";
import { CancelTimer, Timers } from "./timers";

/** SQS takes at most ten entries per batch call. */
export const MAX_BATCH_ENTRIES = 10;
/** Pauses between attempts of a failed entry: 0.25 s doubling to 4 s, so a 10 s outage costs a handful of calls. */
const RETRY_BASE_SECONDS = 0.25;
const RETRY_MAX_SECONDS = 4;

/** Why one entry of a batch call failed, as SQS reports it. */
export interface EntryFailure {
    code: string;
    message: string;
    /** SQS's verdict that the request itself is wrong (an unusable receipt handle): retrying cannot help. */
    senderFault: boolean;
}

/** Sends one batch call; resolves with the failure of each entry that failed, by its index in `entries`. */
export type SendBatch<T> = (entries: readonly T[]) => Promise<ReadonlyMap<number, EntryFailure>>;

export class EntryFailedError extends Error {
    constructor(readonly failure: EntryFailure) {
        super(`${failure.code}: ${failure.message}`);
        this.name = "EntryFailedError";
    }
}

interface Pending<T> {
    entry: T;
    /** After this instant a retry is pointless: the receipt handle no longer holds the message. */
    giveUpAtMs: () => number;
    attempts: number;
    settle: (error?: unknown) => void;
}

export class EntryBatcher<T> {
    private readonly waiting: Pending<T>[] = [];
    private cancelFlush: CancelTimer | undefined;
    private flushDueMs = 0;

    constructor(
        private readonly send: SendBatch<T>,
        private readonly flushDelayMs: number,
        private readonly timers: Timers,
        /** Counts the batch calls sent, for the worker's stats. */
        private readonly onCall: () => void = () => undefined,
        /**
         * How many entries are likely to come within `ms`. Under one, what waits goes out once the entries queued in
         * the same turn of the event loop have joined it, instead of after the delay.
         */
        private readonly expectedWithin: (ms: number) => number = () => Infinity,
    ) {}

    /**
     * Queues one entry. Resolves once SQS accepted it; rejects with the last error once it failed and can no longer
     * be retried (SQS blamed the request, or `giveUpAtMs` has passed).
     */
    submit(entry: T, giveUpAtMs: () => number): Promise<void> {
        return new Promise((resolve, reject) => {
            this.enqueue({
                entry,
                giveUpAtMs,
                attempts: 0,
                settle: (error) => (error === undefined ? resolve() : reject(error)),
            });
        });
    }

    /** Sends everything waiting now, without waiting for the delay; retries still pending keep their pause. */
    private flushNow(): void {
        while (this.waiting.length > 0) {
            this.flush();
        }
    }

    private enqueue(pending: Pending<T>): void {
        this.waiting.push(pending);
        if (this.waiting.length >= MAX_BATCH_ENTRIES) {
            this.flush();
            return;
        }
        // Entries that come together (a batch handler's messages, the heartbeats of one receive) share a call even
        // when no company is expected.
        const delayMs = this.expectedWithin(this.flushDelayMs) < 1 ? 0 : this.flushDelayMs;
        const dueMs = this.timers.now() + delayMs;
        if (this.cancelFlush && this.flushDueMs <= dueMs) {
            return;
        }
        this.cancelFlush?.();
        this.flushDueMs = dueMs;
        this.cancelFlush = this.timers.schedule(delayMs, () => {
            this.cancelFlush = undefined;
            this.flushNow();
        });
    }

    private flush(): void {
        this.cancelFlush?.();
        this.cancelFlush = undefined;
        const batch = this.waiting.splice(0, MAX_BATCH_ENTRIES);
        if (batch.length === 0) {
            return;
        }
        this.onCall();
        this.send(batch.map((pending) => pending.entry)).then(
            (failures) => batch.forEach((pending, index) => this.settle(pending, failures.get(index))),
            (error: unknown) => batch.forEach((pending) => this.retryOrReject(pending, error)),
        );
    }

    private settle(pending: Pending<T>, failure: EntryFailure | undefined): void {
        if (failure === undefined) {
            pending.settle();
        } else if (failure.senderFault) {
            pending.settle(new EntryFailedError(failure));
        } else {
            this.retryOrReject(pending, new EntryFailedError(failure));
        }
    }

    private retryOrReject(pending: Pending<T>, error: unknown): void {
        pending.attempts += 1;
        const pauseMs = backoffSeconds(pending.attempts, RETRY_BASE_SECONDS, RETRY_MAX_SECONDS) * 1000;
        if (this.timers.now() + pauseMs >= pending.giveUpAtMs()) {
            pending.settle(error ?? new Error("the batch call failed"));
            return;
        }
        this.timers.schedule(pauseMs, () => this.enqueue(pending));
    }
}
