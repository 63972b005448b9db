import * as assert from "assert";
import { WorkerOptions } from "../../worker/options";
import { resolveWorkerOptions } from "../../worker/settings";

const handler = async (): Promise<void> => undefined;
const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs-queue";

function resolve(options: Partial<WorkerOptions>, environment: Record<string, string> = {}) {
    return resolveWorkerOptions({ handler, ...options }, environment);
}

function problemsOf(options: Partial<WorkerOptions>, environment: Record<string, string> = { QUEUE_URL }): string {
    try {
        resolve(options, environment);
    } catch (error) {
        return (error as Error).message;
    }
    throw new Error("expected the options to be rejected");
}

describe("worker settings", () => {
    it("applies the documented defaults when only the handler and QUEUE_URL are given", () => {
        const settings = resolve({}, { QUEUE_URL });
        assert.strictEqual(settings.queueUrl, QUEUE_URL);
        assert.strictEqual(settings.concurrency, 1);
        assert.strictEqual(settings.waitTimeSeconds, 20);
        assert.strictEqual(
            settings.visibilityTimeoutSeconds,
            undefined,
            "without VISIBILITY_TIMEOUT_SECONDS the queue's own applies",
        );
        assert.strictEqual(settings.retryBaseSeconds, 5);
        assert.strictEqual(settings.retryMaxSeconds, 900);
        assert.strictEqual(settings.taskProtection, undefined, "no ECS agent, no protection");
        assert.strictEqual(settings.handleSignals, true);
        assert.strictEqual(settings.stopTimeoutSeconds, 120);
        assert.strictEqual(settings.shutdownMarginSeconds, 10);
        assert.strictEqual(settings.prefetchMessages, 1, "the smaller of concurrency and 10");
        assert.strictEqual(settings.batchDelayMilliseconds, 200);
        assert.strictEqual(settings.batchSize, 10);
        assert.deepStrictEqual(settings.messageSystemAttributeNames, ["All"]);
        assert.deepStrictEqual(settings.messageAttributeNames, ["All"]);
        assert.strictEqual(settings.idlePollVisibilityTimeoutSeconds, 5);
        assert.strictEqual(settings.handlerTimeoutSeconds, undefined, "no time limit unless asked");
        assert.strictEqual(settings.metrics, undefined, "no metric lines unless asked");
        assert.strictEqual(settings.fifo, false);
    });

    it("prefetches at most ten, and knows a FIFO queue by its name", () => {
        assert.strictEqual(resolve({ concurrency: 4 }, { QUEUE_URL }).prefetchMessages, 4);
        assert.strictEqual(resolve({ concurrency: 50 }, { QUEUE_URL }).prefetchMessages, 10);
        assert.strictEqual(resolve({ concurrency: 50, prefetchMessages: 0 }, { QUEUE_URL }).prefetchMessages, 0);
        assert.strictEqual(resolve({}, { QUEUE_URL: `${QUEUE_URL}.fifo` }).fifo, true);
    });

    it("fills in the metric options' defaults", () => {
        const { metrics } = resolve({ metrics: { service: "reports" } }, { QUEUE_URL });
        assert.deepStrictEqual(
            { ...metrics, write: typeof metrics?.write },
            { namespace: "BackgroundWorker", service: "reports", intervalSeconds: 60, write: "function" },
        );
    });

    it("takes a batch handler instead of a handler, never both", () => {
        const batchHandler = async (): Promise<void> => undefined;
        const settings = resolveWorkerOptions({ batchHandler }, { QUEUE_URL });
        assert.strictEqual(settings.batchHandler, batchHandler);
        assert.strictEqual(settings.handler, undefined);
        assert.match(problemsOf({ batchHandler }), /handler and batchHandler are both set; pass one of them/);
    });

    it("takes a handler time limit", () => {
        assert.strictEqual(resolve({ handlerTimeoutSeconds: 90 }, { QUEUE_URL }).handlerTimeoutSeconds, 90);
    });

    it("reads the queue, visibility timeout and stop timeout from the variables the component sets", () => {
        const settings = resolve({}, { QUEUE_URL, VISIBILITY_TIMEOUT_SECONDS: "600", STOP_TIMEOUT_SECONDS: "90" });
        assert.strictEqual(settings.queueUrl, QUEUE_URL);
        assert.strictEqual(settings.visibilityTimeoutSeconds, 600);
        assert.strictEqual(settings.stopTimeoutSeconds, 90);
    });

    it("lets options win over the environment", () => {
        const other = "https://sqs.us-east-1.amazonaws.com/123456789012/other";
        const settings = resolve(
            { queueUrl: other, visibilityTimeoutSeconds: 45, stopTimeoutSeconds: 30, taskProtection: false },
            {
                QUEUE_URL,
                VISIBILITY_TIMEOUT_SECONDS: "600",
                STOP_TIMEOUT_SECONDS: "90",
                ECS_AGENT_URI: "http://169.254.170.2/api/task",
            },
        );
        assert.strictEqual(settings.queueUrl, other);
        assert.strictEqual(settings.visibilityTimeoutSeconds, 45);
        assert.strictEqual(settings.stopTimeoutSeconds, 30);
        assert.strictEqual(settings.taskProtection, undefined);
    });

    it("turns task protection on for 15 minutes when ECS_AGENT_URI is set", () => {
        const settings = resolve({}, { QUEUE_URL, ECS_AGENT_URI: "http://169.254.170.2/api/task" });
        assert.deepStrictEqual(settings.taskProtection, {
            ecsAgentUri: "http://169.254.170.2/api/task",
            protectionMinutes: 15,
        });
    });

    it("rejects task protection without an ECS agent to ask, saying how to fix it", () => {
        assert.match(
            problemsOf({ taskProtection: true }),
            /taskProtection is on but .*ECS_AGENT_URI is not set.*pass ecsAgentUri/,
        );
    });

    it("names the option, its range and the value given when a number is out of range", () => {
        assert.match(problemsOf({ concurrency: 0 }), /concurrency must be an integer between 1 and 1000; got 0/);
        assert.match(problemsOf({ concurrency: 2.5 }), /concurrency must be an integer between 1 and 1000; got 2.5/);
        assert.match(
            problemsOf({ waitTimeSeconds: 21 }),
            /waitTimeSeconds must be an integer between 0 and 20; got 21/,
        );
        assert.match(
            problemsOf({ visibilityTimeoutSeconds: 43_201 }),
            /visibilityTimeoutSeconds must be an integer between 1 and 43200; got 43201/,
        );
        assert.match(
            problemsOf({ protectionMinutes: 2_881 }),
            /protectionMinutes must be an integer between 1 and 2880; got 2881/,
        );
        assert.match(
            problemsOf({ stopTimeoutSeconds: 121 }),
            /stopTimeoutSeconds must be an integer between 0 and 120; got 121/,
        );
        assert.match(
            problemsOf({ shutdownMarginSeconds: -1 }),
            /shutdownMarginSeconds must be an integer between 0 and 120; got -1/,
        );
        assert.match(
            problemsOf({ prefetchMessages: 1_001 }),
            /prefetchMessages must be an integer between 0 and 1000; got 1001/,
        );
        assert.match(
            problemsOf({ batchDelayMilliseconds: 5_000 }),
            /batchDelayMilliseconds must be an integer between 0 and 1000; got 5000/,
        );
        assert.match(problemsOf({ batchSize: 11 }), /batchSize must be an integer between 1 and 10; got 11/);
        assert.match(
            problemsOf({ handlerTimeoutSeconds: 0 }),
            /handlerTimeoutSeconds must be an integer between 1 and 43200; got 0/,
        );
        assert.match(
            problemsOf({ idlePollVisibilityTimeoutSeconds: -1 }),
            /idlePollVisibilityTimeoutSeconds must be an integer between 0 and 43200; got -1/,
        );
        assert.match(
            problemsOf({ metrics: { intervalSeconds: 0 } }),
            /metrics.intervalSeconds must be an integer between 1 and 3600; got 0/,
        );
        assert.match(problemsOf({ metrics: { namespace: " " } }), /metrics.namespace must not be empty/);
    });

    it("names the attribute that cannot be requested", () => {
        assert.match(
            problemsOf({ messageSystemAttributeNames: ["SentTimestamp", "Sent" as "SentTimestamp"] }),
            /messageSystemAttributeNames may hold only .*SentTimestamp.*; got "Sent"/,
        );
        assert.match(
            problemsOf({ messageAttributeNames: ["tenant", "bad name"] }),
            /messageAttributeNames must hold .*; got "bad name"/,
        );
        assert.doesNotThrow(() => resolve({ messageAttributeNames: ["tenant", "trace.*", "All"] }, { QUEUE_URL }));
    });

    it("names the environment variable when one the component sets is malformed", () => {
        assert.match(
            problemsOf({}, { QUEUE_URL, VISIBILITY_TIMEOUT_SECONDS: "5m" }),
            /environment variable VISIBILITY_TIMEOUT_SECONDS must be an integer between 1 and 43200; got "5m"/,
        );
        assert.match(
            problemsOf({}, { QUEUE_URL, STOP_TIMEOUT_SECONDS: "300" }),
            /environment variable STOP_TIMEOUT_SECONDS must be an integer between 0 and 120; got "300"/,
        );
    });

    it("asks for QUEUE_URL when no queue is given", () => {
        assert.match(problemsOf({}, {}), /queueUrl is required: pass it, or set the QUEUE_URL environment variable/);
    });

    it("rejects a retry ceiling below the first retry delay", () => {
        assert.match(
            problemsOf({ retryBaseSeconds: 60, retryMaxSeconds: 30 }),
            /retryMaxSeconds \(30\) must be at least retryBaseSeconds \(60\)/,
        );
    });

    it("rejects a handler that is not a function", () => {
        const message = problemsOf({ handler: undefined as unknown as WorkerOptions["handler"] });
        assert.match(message, /handler must be a function/);
    });

    it("reports every problem at once, not only the first", () => {
        const message = problemsOf({ concurrency: 0, waitTimeSeconds: 30 }, {});
        assert.match(message, /concurrency/);
        assert.match(message, /waitTimeSeconds/);
        assert.match(message, /queueUrl is required/);
    });
});
