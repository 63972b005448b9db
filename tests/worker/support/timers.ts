// Clocks for tests: a manual one that only moves when told (unit tests of schedules), and a fast one that runs real
// time faster (integration tests where a minute of protection must pass in a second).
import { CancelTimer, Timers } from "../../../worker/timers";

interface Scheduled {
    dueMs: number;
    order: number;
    callback: () => void;
}

/** Time stands still until `advance`; due callbacks then run in time order, with promises settled between them. */
export class ManualTimers implements Timers {
    private currentMs = 1_700_000_000_000;
    private order = 0;
    private readonly scheduled = new Set<Scheduled>();

    now(): number {
        return this.currentMs;
    }

    schedule(delayMs: number, callback: () => void): CancelTimer {
        const entry = { dueMs: this.currentMs + Math.max(0, delayMs), order: this.order++, callback };
        this.scheduled.add(entry);
        return () => this.scheduled.delete(entry);
    }

    /** Moves time forward by `ms`, running every callback that falls due on the way. */
    async advance(ms: number): Promise<void> {
        const targetMs = this.currentMs + ms;
        for (;;) {
            await settle();
            const next = [...this.scheduled]
                .filter((entry) => entry.dueMs <= targetMs)
                .sort((a, b) => a.dueMs - b.dueMs || a.order - b.order)[0];
            if (!next) {
                break;
            }
            this.scheduled.delete(next);
            this.currentMs = next.dueMs;
            next.callback();
        }
        this.currentMs = targetMs;
        await settle();
    }

    /** How many callbacks are waiting. */
    get pending(): number {
        return this.scheduled.size;
    }
}

/** Lets every promise chain that can make progress do so (several rounds of the event loop). */
async function settle(): Promise<void> {
    for (let round = 0; round < 10; round++) {
        await new Promise((resolve) => setImmediate(resolve));
    }
}

/** Real time, `factor` times faster: `now()` advances `factor` ms per real ms and every delay is divided by it. */
export function acceleratedTimers(factor: number): Timers {
    const startMs = Date.now();
    return {
        now: () => startMs + (Date.now() - startMs) * factor,
        schedule(delayMs, callback) {
            const timer = setTimeout(callback, Math.max(0, delayMs) / factor);
            return () => clearTimeout(timer);
        },
    };
}
