// ECS task scale-in protection: while this task has work in hand, service auto scaling and deployments pick other
// tasks to stop. (It does not stop a Spot reclaim; the SIGTERM drain handles that.)
//
// Protection is set through the ECS agent inside the task (`PUT $ECS_AGENT_URI/task-protection/v1/state`). It
// expires on its own after `ExpiresInMinutes`, which is what keeps a crashed worker from blocking scale-in forever;
// so the worker asks for a modest period and renews it while still busy, rather than asking for 48 hours once.
import { describeError, Log, LogLevel, WorkerEvent } from "./log";
import { CancelTimer, Timers } from "./timers";

/** The agent's limits on ExpiresInMinutes. */
export const MIN_PROTECTION_MINUTES = 1;
export const MAX_PROTECTION_MINUTES = 2_880;

/** An unanswered agent call must not hold up the handler that waits for protection. */
const AGENT_REQUEST_TIMEOUT_MS = 5_000;
/** After a refused or failed change; sooner than a renewal, because the task may be unprotected meanwhile. */
const RETRY_AFTER_FAILURE_MS = 15_000;

/** Sets or clears protection; rejects when the agent refuses. */
export type SetProtection = (enabled: boolean, expiresInMinutes: number) => Promise<void>;

/** SetProtection through the ECS agent endpoint at `agentUri` (ECS_AGENT_URI). */
export function ecsAgentProtection(agentUri: string): SetProtection {
    const url = `${agentUri.replace(/\/+$/, "")}/task-protection/v1/state`;
    return async (enabled, expiresInMinutes) => {
        const body = enabled
            ? { ProtectionEnabled: true, ExpiresInMinutes: expiresInMinutes }
            : { ProtectionEnabled: false };
        const response = await fetch(url, {
            method: "PUT",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(AGENT_REQUEST_TIMEOUT_MS),
        });
        // The agent answers a refusal (missing ecs:UpdateTaskProtection permission, throttling, ...) with a 4xx or
        // 5xx and a JSON body naming the reason.
        if (!response.ok) {
            throw new Error(`ECS agent answered HTTP ${response.status} to ${url}: ${await response.text()}`);
        }
    };
}

/**
 * Whether the task should be protected, kept in step with the agent. Callers say what they want (`hold`, `release`);
 * changes are sent one at a time in order, and wishes made while a change is in flight collapse into one call.
 */
export class TaskProtection {
    private wanted = false;
    private enabledAtAgent = false;
    private syncQueued = false;
    private chain: Promise<void> = Promise.resolve();
    private cancelTimer: CancelTimer | undefined;

    constructor(
        private readonly setProtection: SetProtection,
        private readonly minutes: number,
        private readonly timers: Timers,
        private readonly log: Log,
    ) {}

    /** Protects the task (and keeps renewing). Resolves once the agent has answered; never rejects: a failure is logged. */
    hold(): Promise<void> {
        if (!this.wanted) {
            this.wanted = true;
            this.sync();
        }
        return this.chain;
    }

    /** Releases protection. Resolves once the agent has answered; never rejects. */
    release(): Promise<void> {
        if (this.wanted) {
            this.wanted = false;
            this.sync();
        }
        return this.chain;
    }

    /** Releases protection and stops renewing or retrying: the worker is done. */
    async close(): Promise<void> {
        await this.release();
        this.cancelTimer?.();
    }

    private sync(): Promise<void> {
        if (!this.syncQueued) {
            this.syncQueued = true;
            this.chain = this.chain.then(() => {
                this.syncQueued = false;
                return this.apply();
            });
        }
        return this.chain;
    }

    private async apply(): Promise<void> {
        this.cancelTimer?.();
        this.cancelTimer = undefined;
        const enable = this.wanted;
        if (!enable && !this.enabledAtAgent) {
            return;
        }
        try {
            await this.setProtection(enable, this.minutes);
        } catch (error) {
            this.log({
                level: LogLevel.Warn,
                event: WorkerEvent.ProtectionFailed,
                protectionEnabled: enable,
                error: describeError(error),
            });
            this.later(RETRY_AFTER_FAILURE_MS);
            return;
        }
        this.enabledAtAgent = enable;
        this.log({
            level: LogLevel.Info,
            event: WorkerEvent.ProtectionChanged,
            protectionEnabled: enable,
            expiresInMinutes: enable ? this.minutes : undefined,
        });
        if (enable) {
            // Renew at half time: a renewal that fails still has the other half, plus retries, before protection lapses.
            this.later((this.minutes * 60_000) / 2);
        }
    }

    private later(delayMs: number): void {
        this.cancelTimer = this.timers.schedule(delayMs, () => {
            this.cancelTimer = undefined;
            void this.sync();
        });
    }
}
