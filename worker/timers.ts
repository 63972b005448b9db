// The worker's only source of time. Every interval it keeps (visibility heartbeat, protection renewal, shutdown
// deadline, pauses after a failed receive) goes through `Timers`, so a test can run an hour of renewals in seconds
// by passing a faster clock, and nothing in the worker reads Date.now() or setTimeout directly.

/** Cancels a scheduled callback. Calling it after the callback ran, or twice, does nothing. */
export type CancelTimer = () => void;

export interface Timers {
    /** Milliseconds since the epoch, as Date.now(). */
    now(): number;
    /** Calls `callback` once, `delayMs` milliseconds from now. */
    schedule(delayMs: number, callback: () => void): CancelTimer;
}

/** Real time: Date.now() and setTimeout. */
export const systemTimers: Timers = {
    now: () => Date.now(),
    schedule(delayMs, callback) {
        const timer = setTimeout(callback, Math.max(0, delayMs));
        return () => clearTimeout(timer);
    },
};
