// Keeps a message invisible to other consumers for as long as its handler runs.
//
// SQS hides a received message for the visibility timeout only; a job that runs longer is delivered again to another
// worker while the first is still on it. The heartbeat asks for another full timeout (ChangeMessageVisibility counts
// from the moment of the call) well before the current one lapses, until SQS's hard limit: a message can be held at
// most 12 hours after it was received, and SQS rejects any extension past that rather than trimming it.
import { MAX_VISIBILITY_TIMEOUT_SECONDS as MAX_HOLD_SECONDS } from "../contract";
import { CancelTimer, Timers } from "./timers";

/**
 * Extensions per visibility timeout: three, so a failed call (throttling, a network blip) still leaves one more
 * chance before the message lapses.
 */
const EXTENSIONS_PER_TIMEOUT = 3;

/** Whole seconds a message received at `holdStartedAtMs` may still be held, never negative. */
export function remainingHoldSeconds(holdStartedAtMs: number, nowMs: number): number {
    return Math.max(0, Math.floor(MAX_HOLD_SECONDS - (nowMs - holdStartedAtMs) / 1000));
}

interface HeartbeatOptions {
    /** How long each extension hides the message; also the timeout the receive itself set. */
    visibilityTimeoutSeconds: number;
    /**
     * When the receive request that returned the message was sent. SQS counts its 12 hours from the receive, which
     * cannot be earlier, so counting from here never asks for more than SQS allows.
     */
    holdStartedAtMs: number;
    timers: Timers;
    /** Sets the message's visibility timeout, counted from now (ChangeMessageVisibility). */
    extend(visibilityTimeoutSeconds: number): Promise<void>;
    /** An extension failed; the heartbeat carries on and the next one may still succeed. */
    onExtendFailed(error: unknown): void;
    /** The 12-hour limit is reached: the message is visible to other consumers from now on. */
    onHoldLapsed(): void;
}

export interface Heartbeat {
    /** Stops extending; resolves once an extension already sent has been answered, so none lands after this. */
    stop(): Promise<void>;
}

export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
    const { visibilityTimeoutSeconds, holdStartedAtMs, timers } = options;
    const intervalMs = (visibilityTimeoutSeconds * 1000) / EXTENSIONS_PER_TIMEOUT;
    let stopped = false;
    let extension: Promise<void> = Promise.resolve();
    let cancelNext: CancelTimer;

    const beat = (): void => {
        if (stopped) {
            return;
        }
        const seconds = Math.min(visibilityTimeoutSeconds, remainingHoldSeconds(holdStartedAtMs, timers.now()));
        if (seconds > 0) {
            extension = options.extend(seconds).catch(options.onExtendFailed);
        }
        if (seconds === visibilityTimeoutSeconds) {
            cancelNext = timers.schedule(intervalMs, beat);
        } else {
            // The last extension SQS allows: nothing can hold the message past it.
            cancelNext = timers.schedule(seconds * 1000, () => {
                if (!stopped) {
                    options.onHoldLapsed();
                }
            });
        }
    };

    cancelNext = timers.schedule(intervalMs, beat);
    return {
        async stop() {
            stopped = true;
            cancelNext();
            await extension;
        },
    };
}
