// What a worker has done so far, for the program around it (`WorkerHandle.stats()`) and, optionally, for CloudWatch
// as Embedded Metric Format lines: JSON on stdout that CloudWatch Logs turns into metrics, so no agent is needed.
import { EmbeddedMetricsOptions } from "./options";

/** Durations of one kind of operation. */
export interface LatencySummary {
    count: number;
    /** Milliseconds; 0 when `count` is 0. */
    averageMs: number;
    maxMs: number;
}

/** Counters since the worker started. */
export interface WorkerStats {
    /** Messages receives returned. */
    received: number;
    /** Messages whose handler resolved (deleted, or being deleted). */
    processed: number;
    /** Messages whose handler threw (each comes back after a backoff). */
    failed: number;
    /** Messages whose handler asked for them again with `retryAfter`. */
    retried: number;
    /** Messages given back unfinished: the shutdown deadline, a stop before they started, or `release()`. */
    released: number;
    /** Messages in hand now: running, or received and waiting for a handler. */
    inFlight: number;
    /** SQS requests sent: receives, batch deletes and visibility changes (retries included). */
    sqsRequests: number;
    /** ReceiveMessage calls that returned messages, from request to response. */
    receiveLatency: LatencySummary;
    /** Handler calls, from start to result (a batch handler call counts once). */
    handlerLatency: LatencySummary;
}

class Latency {
    count = 0;
    totalMs = 0;
    maxMs = 0;

    add(durationMs: number): void {
        this.count += 1;
        this.totalMs += durationMs;
        this.maxMs = Math.max(this.maxMs, durationMs);
    }

    summary(): LatencySummary {
        return { count: this.count, averageMs: this.count === 0 ? 0 : this.totalMs / this.count, maxMs: this.maxMs };
    }
}

type Counter = "received" | "processed" | "failed" | "retried" | "released" | "sqsRequests";

export class StatsRecorder {
    private readonly counts: Record<Counter, number> = {
        received: 0,
        processed: 0,
        failed: 0,
        retried: 0,
        released: 0,
        sqsRequests: 0,
    };
    private readonly receive = new Latency();
    private readonly handler = new Latency();
    /** What the last metrics line reported, so each line carries the change since the one before. */
    private reported = { counts: { ...this.counts }, receive: new Latency(), handler: new Latency() };

    count(counter: Counter, by = 1): void {
        this.counts[counter] += by;
    }

    receiveTook(durationMs: number): void {
        this.receive.add(durationMs);
    }

    handlerTook(durationMs: number): void {
        this.handler.add(durationMs);
    }

    snapshot(inFlight: number): WorkerStats {
        return {
            ...this.counts,
            inFlight,
            receiveLatency: this.receive.summary(),
            handlerLatency: this.handler.summary(),
        };
    }

    /**
     * One Embedded Metric Format line with the change since the last one. Dimensions are the queue's name and the
     * service, never a task: each distinct set of dimension values is a separately billed custom metric.
     */
    embeddedMetricsLine(
        options: Required<EmbeddedMetricsOptions>,
        queueUrl: string,
        inFlight: number,
        nowMs: number,
    ): string {
        const delta = (counter: Counter): number => this.counts[counter] - this.reported.counts[counter];
        const interval = (now: Latency, before: Latency): { count: number; averageMs: number } => {
            const count = now.count - before.count;
            return { count, averageMs: count === 0 ? 0 : (now.totalMs - before.totalMs) / count };
        };
        const handler = interval(this.handler, this.reported.handler);
        const values: Record<string, number> = {
            Received: delta("received"),
            Processed: delta("processed"),
            Failed: delta("failed"),
            Retried: delta("retried"),
            Released: delta("released"),
            SqsRequests: delta("sqsRequests"),
            InFlight: inFlight,
        };
        const units: Record<string, string> = Object.fromEntries(Object.keys(values).map((name) => [name, "Count"]));
        if (handler.count > 0) {
            values.HandlerDuration = handler.averageMs;
            units.HandlerDuration = "Milliseconds";
        }
        const receive = interval(this.receive, this.reported.receive);
        if (receive.count > 0) {
            values.ReceiveDuration = receive.averageMs;
            units.ReceiveDuration = "Milliseconds";
        }
        this.reported = {
            counts: { ...this.counts },
            receive: Object.assign(new Latency(), this.receive),
            handler: Object.assign(new Latency(), this.handler),
        };
        const dimensions: Record<string, string> = { Queue: queueUrl.split("/").pop() ?? queueUrl };
        if (options.service) {
            dimensions.Service = options.service;
        }
        return JSON.stringify({
            _aws: {
                Timestamp: nowMs,
                CloudWatchMetrics: [
                    {
                        Namespace: options.namespace,
                        Dimensions: [Object.keys(dimensions)],
                        Metrics: Object.keys(values).map((name) => ({ Name: name, Unit: units[name] })),
                    },
                ],
            },
            ...dimensions,
            ...values,
        });
    }
}
