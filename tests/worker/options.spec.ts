import * as assert from "assert";
import { resolveWorkerOptions, WorkerOptions } from "../../worker/options";

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

describe("worker options", () => {
    it("applies the documented defaults when only the handler and QUEUE_URL are given", () => {
        const settings = resolve({}, { QUEUE_URL });
        assert.strictEqual(settings.queueUrl, QUEUE_URL);
        assert.strictEqual(settings.concurrency, 1);
        assert.strictEqual(settings.waitTimeSeconds, 20);
        assert.strictEqual(settings.visibilityTimeoutSeconds, undefined, "without VISIBILITY_TIMEOUT_SECONDS the queue's own applies");
        assert.strictEqual(settings.retryBaseSeconds, 5);
        assert.strictEqual(settings.retryMaxSeconds, 900);
        assert.strictEqual(settings.taskProtection, undefined, "no ECS agent, no protection");
        assert.strictEqual(settings.handleSignals, true);
        assert.strictEqual(settings.stopTimeoutSeconds, 120);
        assert.strictEqual(settings.shutdownMarginSeconds, 10);
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
            { QUEUE_URL, VISIBILITY_TIMEOUT_SECONDS: "600", STOP_TIMEOUT_SECONDS: "90", ECS_AGENT_URI: "http://169.254.170.2/api/task" },
        );
        assert.strictEqual(settings.queueUrl, other);
        assert.strictEqual(settings.visibilityTimeoutSeconds, 45);
        assert.strictEqual(settings.stopTimeoutSeconds, 30);
        assert.strictEqual(settings.taskProtection, undefined);
    });

    it("turns task protection on for 15 minutes when ECS_AGENT_URI is set", () => {
        const settings = resolve({}, { QUEUE_URL, ECS_AGENT_URI: "http://169.254.170.2/api/task" });
        assert.deepStrictEqual(settings.taskProtection, { ecsAgentUri: "http://169.254.170.2/api/task", protectionMinutes: 15 });
    });

    it("rejects task protection without an ECS agent to ask, saying how to fix it", () => {
        assert.match(problemsOf({ taskProtection: true }), /taskProtection is on but .*ECS_AGENT_URI is not set.*pass ecsAgentUri/);
    });

    it("names the option, its range and the value given when a number is out of range", () => {
        assert.match(problemsOf({ concurrency: 0 }), /concurrency must be an integer between 1 and 1000; got 0/);
        assert.match(problemsOf({ concurrency: 2.5 }), /concurrency must be an integer between 1 and 1000; got 2.5/);
        assert.match(problemsOf({ waitTimeSeconds: 21 }), /waitTimeSeconds must be an integer between 0 and 20; got 21/);
        assert.match(problemsOf({ visibilityTimeoutSeconds: 43_201 }), /visibilityTimeoutSeconds must be an integer between 1 and 43200; got 43201/);
        assert.match(problemsOf({ protectionMinutes: 2_881 }), /protectionMinutes must be an integer between 1 and 2880; got 2881/);
        assert.match(problemsOf({ stopTimeoutSeconds: 121 }), /stopTimeoutSeconds must be an integer between 0 and 120; got 121/);
        assert.match(problemsOf({ shutdownMarginSeconds: -1 }), /shutdownMarginSeconds must be an integer between 0 and 120; got -1/);
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
        assert.match(problemsOf({ retryBaseSeconds: 60, retryMaxSeconds: 30 }), /retryMaxSeconds \(30\) must be at least retryBaseSeconds \(60\)/);
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
