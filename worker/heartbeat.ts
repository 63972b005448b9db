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
    /** How long each extension hides the message. */
    visibilityTimeoutSeconds: number;
    /** The timeout the receive itself set; the first extension comes a third of it after the receive. Defaults to `visibilityTimeoutSeconds`. */
    initialVisibilitySeconds?: number;
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
    /**
     * Until when the message is surely hidden: the send time of the last accepted extension (or of the receive) plus
     * its timeout. After it, the receipt handle may no longer hold the message.
     */
    readonly hiddenUntilMs: number;
    /** Hides the message for `seconds` from now (at most to the 12-hour limit), and extends by that much from then on. */
    extendNow(seconds: number): Promise<void>;
    /** Stops extending; resolves once an extension already sent has been answered, so none lands after this. */
    stop(): Promise<void>;
}

export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
    const { holdStartedAtMs, timers } = options;
    let timeoutSeconds = options.visibilityTimeoutSeconds;
    const initialSeconds = options.initialVisibilitySeconds ?? timeoutSeconds;
    let hiddenUntilMs = holdStartedAtMs + initialSeconds * 1000;
    let stopped = false;
    let extension: Promise<void> = Promise.resolve();
    let cancelNext: CancelTimer = () => undefined;

    const extendFor = (seconds: number): Promise<void> => {
        const sentAtMs = timers.now();
        return options.extend(seconds).then(() => {
            hiddenUntilMs = Math.max(hiddenUntilMs, sentAtMs + seconds * 1000);
        });
    };

    /** Extends now and plans the next beat; resolves or rejects with this extension. */
    const beat = (): Promise<void> => {
        if (stopped) {
            return Promise.resolve();
        }
        const seconds = Math.min(timeoutSeconds, remainingHoldSeconds(holdStartedAtMs, timers.now()));
        const sent = seconds > 0 ? extendFor(seconds) : Promise.resolve();
        extension = sent.catch(options.onExtendFailed);
        if (seconds === timeoutSeconds) {
            cancelNext = timers.schedule((timeoutSeconds * 1000) / EXTENSIONS_PER_TIMEOUT, () => void beat());
        } else {
            // The last extension SQS allows: nothing can hold the message past it.
            cancelNext = timers.schedule(seconds * 1000, () => {
                if (!stopped) {
                    options.onHoldLapsed();
                }
            });
        }
        return sent;
    };

    cancelNext = timers.schedule((initialSeconds * 1000) / EXTENSIONS_PER_TIMEOUT, () => void beat());
    return {
        get hiddenUntilMs() {
            return hiddenUntilMs;
        },
        extendNow(seconds) {
            cancelNext();
            timeoutSeconds = seconds;
            return beat();
        },
        async stop() {
            stopped = true;
            cancelNext();
            await extension;
        },
    };
}
