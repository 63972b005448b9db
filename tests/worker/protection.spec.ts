import * as assert from "assert";
import { LogEntry, WorkerEvent } from "../../worker/log";
import { TaskProtection } from "../../worker/protection";
import { ManualTimers } from "./support/timers";

interface AgentCall {
    atMs: number;
    enabled: boolean;
    expiresInMinutes: number;
}

function protectionWithAgent(
    options: { minutes?: number; refuse?: (call: number) => boolean; answerAfterMs?: number } = {},
) {
    const timers = new ManualTimers();
    const startMs = timers.now();
    const calls: AgentCall[] = [];
    const logs: LogEntry[] = [];
    const protection = new TaskProtection(
        async (enabled, expiresInMinutes) => {
            calls.push({ atMs: timers.now() - startMs, enabled, expiresInMinutes });
            if (options.answerAfterMs) {
                await new Promise((resolve) => setTimeout(resolve, options.answerAfterMs));
            }
            if (options.refuse?.(calls.length)) {
                throw new Error("AccessDeniedException: not authorized to perform ecs:UpdateTaskProtection");
            }
        },
        options.minutes ?? 15,
        timers,
        (entry) => logs.push(entry),
    );
    return { timers, protection, calls, logs };
}

describe("worker task protection", () => {
    it("protects the task for protectionMinutes on hold and renews at half time while still held", async () => {
        const { timers, protection, calls } = protectionWithAgent({ minutes: 15 });
        await protection.hold();
        await timers.advance(30 * 60_000);
        assert.deepStrictEqual(calls, [
            { atMs: 0, enabled: true, expiresInMinutes: 15 },
            { atMs: 450_000, enabled: true, expiresInMinutes: 15 },
            { atMs: 900_000, enabled: true, expiresInMinutes: 15 },
            { atMs: 1_350_000, enabled: true, expiresInMinutes: 15 },
            { atMs: 1_800_000, enabled: true, expiresInMinutes: 15 },
        ]);
    });

    it("releases the protection once and stops renewing it", async () => {
        const { timers, protection, calls } = protectionWithAgent();
        await protection.hold();
        await protection.release();
        await timers.advance(3_600_000);
        assert.deepStrictEqual(
            calls.map((call) => call.enabled),
            [true, false],
        );
        assert.strictEqual(timers.pending, 0);
    });

    it("sends one request for holds made while a change is in flight", async () => {
        const { protection, calls } = protectionWithAgent({ answerAfterMs: 5 });
        await Promise.all([protection.hold(), protection.hold(), protection.hold()]);
        assert.strictEqual(calls.length, 1);
    });

    it("applies a release that arrives while the hold is still in flight, in order", async () => {
        const { protection, calls } = protectionWithAgent({ answerAfterMs: 5 });
        const holding = protection.hold();
        await new Promise((resolve) => setImmediate(resolve));
        assert.strictEqual(calls.length, 1, "the hold is in flight");
        const releasing = protection.release();
        await Promise.all([holding, releasing]);
        assert.deepStrictEqual(
            calls.map((call) => call.enabled),
            [true, false],
        );
    });

    it("sends nothing for a hold released before it was sent", async () => {
        const { protection, calls } = protectionWithAgent();
        await Promise.all([protection.hold(), protection.release()]);
        assert.deepStrictEqual(calls, []);
    });

    it("does not ask the agent to release a task it never protected", async () => {
        const { protection, calls } = protectionWithAgent();
        await protection.release();
        await protection.close();
        assert.deepStrictEqual(calls, []);
    });

    it("logs a refused change, resolves anyway, and retries it 15 seconds later", async () => {
        const { timers, protection, calls, logs } = protectionWithAgent({ refuse: (call) => call === 1 });
        await protection.hold();
        assert.ok(
            logs.some(
                (entry) =>
                    entry.event === WorkerEvent.ProtectionFailed && /AccessDeniedException/.test(entry.error ?? ""),
            ),
            "the refusal is logged with the agent's reason",
        );
        await timers.advance(15_000);
        assert.deepStrictEqual(
            calls.map((call) => [call.atMs, call.enabled]),
            [
                [0, true],
                [15_000, true],
            ],
        );
        assert.ok(
            logs.some((entry) => entry.event === WorkerEvent.ProtectionChanged && entry.protectionEnabled === true),
        );
    });

    it("stops retrying and renewing once closed", async () => {
        const { timers, protection, calls } = protectionWithAgent({ refuse: (call) => call === 2 });
        await protection.hold();
        await protection.close();
        await timers.advance(3_600_000);
        assert.deepStrictEqual(
            calls.map((call) => call.enabled),
            [true, false],
            "the failed release is not retried after close",
        );
        assert.strictEqual(timers.pending, 0);
    });
});
