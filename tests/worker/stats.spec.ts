import * as assert from "assert";
import { StatsRecorder } from "../../worker/stats";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/reports-queue";
const options = { namespace: "Reports", service: "report-worker", intervalSeconds: 60, write: () => undefined };

interface EmfLine {
    _aws: {
        Timestamp: number;
        CloudWatchMetrics: Array<{
            Namespace: string;
            Dimensions: string[][];
            Metrics: Array<{ Name: string; Unit: string }>;
        }>;
    };
    [field: string]: unknown;
}

describe("worker stats", () => {
    it("counts messages and summarises latencies for the program to read", () => {
        const stats = new StatsRecorder();
        stats.count("received", 3);
        stats.count("processed", 2);
        stats.count("failed");
        stats.handlerTook(10);
        stats.handlerTook(30);
        stats.receiveTook(5);
        assert.deepStrictEqual(stats.snapshot(1), {
            received: 3,
            processed: 2,
            failed: 1,
            retried: 0,
            released: 0,
            sqsRequests: 0,
            inFlight: 1,
            receiveLatency: { count: 1, averageMs: 5, maxMs: 5 },
            handlerLatency: { count: 2, averageMs: 20, maxMs: 30 },
        });
    });

    it("writes Embedded Metric Format with the queue and service as the only dimensions, and each line's change since the last", () => {
        const stats = new StatsRecorder();
        stats.count("processed", 4);
        stats.handlerTook(100);
        const first = JSON.parse(stats.embeddedMetricsLine(options, QUEUE_URL, 2, 1_700_000_000_000)) as EmfLine;
        const [directive] = first._aws.CloudWatchMetrics;
        assert.strictEqual(first._aws.Timestamp, 1_700_000_000_000);
        assert.strictEqual(directive.Namespace, "Reports");
        assert.deepStrictEqual(
            directive.Dimensions,
            [["Queue", "Service"]],
            "no task id: each distinct dimension set is billed",
        );
        assert.strictEqual(first.Queue, "reports-queue");
        assert.strictEqual(first.Service, "report-worker");
        assert.strictEqual(first.Processed, 4);
        assert.strictEqual(first.InFlight, 2);
        assert.strictEqual(first.HandlerDuration, 100);
        // Every metric the directive names has its value in the line, as CloudWatch requires.
        directive.Metrics.forEach((metric) => assert.strictEqual(typeof first[metric.Name], "number", metric.Name));
        assert.ok(!JSON.stringify(first).match(/task/i), "nothing names a task");

        stats.count("processed");
        const second = JSON.parse(stats.embeddedMetricsLine(options, QUEUE_URL, 0, 1_700_000_060_000)) as EmfLine;
        assert.strictEqual(second.Processed, 1, "the change since the last line, not the total");
        assert.strictEqual(second.HandlerDuration, undefined, "no handler ran in this interval");
    });

    it("uses the queue alone as the dimension when no service is named", () => {
        const line = JSON.parse(
            new StatsRecorder().embeddedMetricsLine({ ...options, service: "" }, QUEUE_URL, 0, 0),
        ) as EmfLine;
        assert.deepStrictEqual(line._aws.CloudWatchMetrics[0].Dimensions, [["Queue"]]);
        assert.strictEqual(line.Service, undefined);
    });
});
