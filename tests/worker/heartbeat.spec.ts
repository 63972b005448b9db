import * as assert from "assert";
import { MAX_VISIBILITY_TIMEOUT_SECONDS as MAX_HOLD_SECONDS } from "../../contract";
import { startHeartbeat } from "../../worker/heartbeat";
import { ManualTimers } from "./support/timers";

interface Extension {
    atMs: number;
    seconds: number;
}

function heartbeatWithLog(
    timers: ManualTimers,
    visibilityTimeoutSeconds: number,
    extend?: (seconds: number) => Promise<void>,
) {
    const extensions: Extension[] = [];
    const failures: unknown[] = [];
    const lapses: number[] = [];
    const holdStartedAtMs = timers.now();
    const heartbeat = startHeartbeat({
        visibilityTimeoutSeconds,
        holdStartedAtMs,
        timers,
        extend: (seconds) => {
            extensions.push({ atMs: timers.now() - holdStartedAtMs, seconds });
            return extend ? extend(seconds) : Promise.resolve();
        },
        onExtendFailed: (error) => failures.push(error),
        onHoldLapsed: () => lapses.push(timers.now() - holdStartedAtMs),
    });
    return { heartbeat, extensions, failures, lapses };
}

describe("worker heartbeat", () => {
    it("extends the visibility timeout by a full timeout every third of it, so it never lapses while the handler runs", async () => {
        const timers = new ManualTimers();
        const { extensions } = heartbeatWithLog(timers, 30);
        await timers.advance(9_999);
        assert.strictEqual(extensions.length, 0, "nothing is sent before a third of the timeout");
        await timers.advance(60_001);
        assert.deepStrictEqual(
            extensions.map((extension) => extension.atMs),
            [10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000],
        );
        assert.ok(extensions.every((extension) => extension.seconds === 30));
    });

    it("stops extending once stopped", async () => {
        const timers = new ManualTimers();
        const { heartbeat, extensions } = heartbeatWithLog(timers, 30);
        await timers.advance(10_000);
        await heartbeat.stop();
        await timers.advance(600_000);
        assert.strictEqual(extensions.length, 1);
        assert.strictEqual(timers.pending, 0, "no timer is left behind");
    });

    it("keeps beating after a failed extension, so the next one still comes before the message lapses", async () => {
        const timers = new ManualTimers();
        let calls = 0;
        const { extensions, failures } = heartbeatWithLog(timers, 30, async () => {
            calls += 1;
            if (calls === 1) {
                throw new Error("throttled");
            }
        });
        await timers.advance(20_000);
        assert.strictEqual(failures.length, 1);
        assert.match(String(failures[0]), /throttled/);
        assert.deepStrictEqual(
            extensions.map((extension) => extension.atMs),
            [10_000, 20_000],
        );
    });

    it("never asks SQS to hold a message more than 12 hours after its receive, and reports when the hold lapses", async () => {
        const timers = new ManualTimers();
        const { extensions, lapses } = heartbeatWithLog(timers, 3_600);
        await timers.advance(13 * 3_600_000);
        for (const extension of extensions) {
            assert.ok(
                extension.atMs / 1000 + extension.seconds <= MAX_HOLD_SECONDS,
                `an extension at ${extension.atMs} ms for ${extension.seconds} s would pass SQS's 12-hour limit`,
            );
        }
        const last = extensions[extensions.length - 1];
        assert.strictEqual(last.atMs / 1000 + last.seconds, MAX_HOLD_SECONDS, "the hold reaches the limit exactly");
        assert.deepStrictEqual(lapses, [MAX_HOLD_SECONDS * 1000], "the lapse is reported once, when it happens");
    });

    it("does not report a lapse after it was stopped", async () => {
        const timers = new ManualTimers();
        const { heartbeat, lapses } = heartbeatWithLog(timers, 43_200);
        await timers.advance(14_400_000);
        await heartbeat.stop();
        await timers.advance(43_200_000);
        assert.deepStrictEqual(lapses, []);
    });

    it("stop() waits for an extension already sent, so none can land after it", async () => {
        const timers = new ManualTimers();
        let answer = (): void => undefined;
        const { heartbeat } = heartbeatWithLog(timers, 30, () => new Promise<void>((resolve) => (answer = resolve)));
        await timers.advance(10_000);
        let stopped = false;
        const stopping = heartbeat.stop().then(() => (stopped = true));
        await timers.advance(0);
        assert.strictEqual(stopped, false, "stop() resolved while an extension was still in flight");
        answer();
        await stopping;
        assert.strictEqual(stopped, true);
    });
});

describe("worker heartbeat after an idle poll", () => {
    it("extends first a third of the way into the short timeout the poll set, then by the full timeout", async () => {
        const timers = new ManualTimers();
        const extensions: Array<{ atMs: number; seconds: number }> = [];
        const startMs = timers.now();
        const heartbeat = startHeartbeat({
            visibilityTimeoutSeconds: 300,
            initialVisibilitySeconds: 30,
            holdStartedAtMs: startMs,
            timers,
            extend: async (seconds) => void extensions.push({ atMs: timers.now() - startMs, seconds }),
            onExtendFailed: () => undefined,
            onHoldLapsed: () => undefined,
        });
        assert.strictEqual(heartbeat.hiddenUntilMs, startMs + 30_000, "hidden for the poll's own timeout at first");
        await timers.advance(110_000);
        assert.deepStrictEqual(extensions, [
            { atMs: 10_000, seconds: 300 },
            { atMs: 110_000, seconds: 300 },
        ]);
        assert.strictEqual(heartbeat.hiddenUntilMs, startMs + 110_000 + 300_000);
    });

    it("extendNow hides the message at once and makes that the new extension size", async () => {
        const timers = new ManualTimers();
        const extensions: number[] = [];
        const heartbeat = startHeartbeat({
            visibilityTimeoutSeconds: 30,
            holdStartedAtMs: timers.now(),
            timers,
            extend: async (seconds) => void extensions.push(seconds),
            onExtendFailed: () => undefined,
            onHoldLapsed: () => undefined,
        });
        await heartbeat.extendNow(600);
        await timers.advance(200_000);
        assert.deepStrictEqual(extensions, [600, 600], "at once, then every 200 s");
    });
});
