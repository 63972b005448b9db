// Workloads to simulate: the built-in traces of the model (steady, diurnal, bursty, batch, sparse) and JSON-lines
// files of recorded arrivals. Built-in traces are sized to the worker they are run against (a share of its maxTasks),
// so "bursty" means the same thing for a 2-task and a 50-task worker, and they are deterministic for a seed.
import * as fs from "fs";
import * as readline from "readline";
import { exponential, lognormalByMedian, Random, sigmaForCoefficientOfVariation, uniform } from "./random";

export interface TraceMessage {
    /** Seconds from the start of the trace. */
    at: number;
    processingSeconds: number;
}

/**
 * A workload: message i arrives at `arrivals[i]` seconds and takes `processingSeconds[i]` to process. Two typed arrays,
 * not an array of objects: sixteen bytes a message, so a day of five million messages fits in 80 MB.
 */
export interface Trace {
    name: string;
    /** Arrivals happen in [0, durationSeconds); the simulation then lets the queue drain. */
    durationSeconds: number;
    /** Sorted ascending. */
    arrivals: Float64Array;
    processingSeconds: Float64Array;
}

/** Builds a trace from messages in any order (sorted here by arrival, stable). */
export function traceOf(name: string, durationSeconds: number, messages: readonly TraceMessage[]): Trace {
    const order = Array.from(messages.keys()).sort((a, b) => messages[a].at - messages[b].at || a - b);
    return {
        name,
        durationSeconds,
        arrivals: Float64Array.from(order, (i) => messages[i].at),
        processingSeconds: Float64Array.from(order, (i) => messages[i].processingSeconds),
    };
}

/** The number of messages in a trace. */
export function messageCount(trace: Trace): number {
    return trace.arrivals.length;
}

export enum BuiltInTrace {
    Steady = "steady",
    Diurnal = "diurnal",
    Bursty = "bursty",
    Batch = "batch",
    Sparse = "sparse",
}

export const BUILT_IN_TRACES: readonly BuiltInTrace[] = [
    BuiltInTrace.Steady,
    BuiltInTrace.Diurnal,
    BuiltInTrace.Bursty,
    BuiltInTrace.Batch,
    BuiltInTrace.Sparse,
];

/** What a built-in trace is sized against. */
export interface TraceScale {
    maxTasks: number;
    meanProcessingSeconds: number;
    /** Coefficient of variation of the processing time (the model's 0.5 .. 2). */
    processingCv: number;
}

/** Processing time a built-in trace uses when the worker does not declare averageProcessingSeconds. */
export const DEFAULT_MEAN_PROCESSING_SECONDS = 20;

// Load levels as shares of the worker's full capacity (maxTasks busy all the time): a healthy system runs well below
// it, bursts go above it for a while.
const STEADY_LOAD = 0.4;
const DIURNAL_MEAN_LOAD = 0.3;
const DIURNAL_AMPLITUDE = 0.9;
const BURST_LOAD = 1.2;
const BURST_BACKGROUND_LOAD = 0.03;
const BATCH_DRAIN_AT_MAX_SECONDS = 15 * 60;
const SPARSE_MEAN_GAP_SECONDS = 2 * 3600;

function processing(random: Random, scale: TraceScale): number {
    const sigma = sigmaForCoefficientOfVariation(scale.processingCv);
    // A lognormal's mean is median x exp(sigma^2 / 2); solve for the median that gives the requested mean.
    const median = scale.meanProcessingSeconds / Math.exp((sigma * sigma) / 2);
    return Math.max(0.1, lognormalByMedian(random, median, sigma));
}

/** A non-homogeneous Poisson process by thinning: `rate(t)` messages per second, never above `peakRate`. */
function poisson(
    random: Random,
    scale: TraceScale,
    duration: number,
    peakRate: number,
    rate: (t: number) => number,
): TraceMessage[] {
    const messages: TraceMessage[] = [];
    let t = exponential(random, 1 / peakRate);
    while (t < duration) {
        if (random.next() * peakRate < rate(t)) {
            messages.push({ at: t, processingSeconds: processing(random, scale) });
        }
        t += exponential(random, 1 / peakRate);
    }
    return messages;
}

/** Messages per second at which `load` x maxTasks tasks are busy on average. */
function rateFor(load: number, scale: TraceScale): number {
    return (load * scale.maxTasks) / scale.meanProcessingSeconds;
}

export function builtInTrace(kind: BuiltInTrace, scale: TraceScale, random: Random): Trace {
    switch (kind) {
        case BuiltInTrace.Steady: {
            const duration = 2 * 3600;
            const rate = rateFor(STEADY_LOAD, scale);
            return traceOf(
                kind,
                duration,
                poisson(random, scale, duration, rate, () => rate),
            );
        }
        case BuiltInTrace.Diurnal: {
            // 24 h, quiet at midnight, busiest at noon.
            const duration = 24 * 3600;
            const mean = rateFor(DIURNAL_MEAN_LOAD, scale);
            const rate = (t: number) => mean * (1 - DIURNAL_AMPLITUDE * Math.cos((2 * Math.PI * t) / duration));
            return traceOf(kind, duration, poisson(random, scale, duration, mean * (1 + DIURNAL_AMPLITUDE), rate));
        }
        case BuiltInTrace.Bursty: {
            // 4 h of on/off: bursts of 3 to 10 minutes above full capacity, 15 to 45 quiet minutes between them.
            const duration = 4 * 3600;
            const bursts: [number, number][] = [];
            for (let t = uniform(random, 5 * 60, 20 * 60); t < duration;) {
                const length = uniform(random, 3 * 60, 10 * 60);
                bursts.push([t, t + length]);
                t += length + uniform(random, 15 * 60, 45 * 60);
            }
            const high = rateFor(BURST_LOAD, scale);
            const low = rateFor(BURST_BACKGROUND_LOAD, scale);
            const rate = (t: number) => (bursts.some(([start, end]) => t >= start && t < end) ? high : low);
            return traceOf(kind, duration, poisson(random, scale, duration, high, rate));
        }
        case BuiltInTrace.Batch: {
            // One batch dropped at once that takes the whole fleet 15 minutes, on top of a light trickle.
            const duration = 3 * 3600;
            const trickle = rateFor(BURST_BACKGROUND_LOAD, scale);
            const messages = poisson(random, scale, duration, trickle, () => trickle);
            const batchAt = uniform(random, 30 * 60, 60 * 60);
            const size = Math.round((scale.maxTasks * BATCH_DRAIN_AT_MAX_SECONDS) / scale.meanProcessingSeconds);
            for (let i = 0; i < size; i++) {
                messages.push({ at: batchAt, processingSeconds: processing(random, scale) });
            }
            return traceOf(kind, duration, messages);
        }
        case BuiltInTrace.Sparse: {
            // 24 h of rare single messages and small clusters, with one gap longer than the six hours after which SQS
            // stops publishing an idle queue's metrics.
            const duration = 24 * 3600;
            const messages: TraceMessage[] = [];
            const longGap: [number, number] = [4 * 3600, 11 * 3600];
            for (
                let t = exponential(random, SPARSE_MEAN_GAP_SECONDS);
                t < duration;
                t += exponential(random, SPARSE_MEAN_GAP_SECONDS)
            ) {
                if (t >= longGap[0] && t < longGap[1]) {
                    continue;
                }
                const cluster = 1 + Math.floor(random.next() * 3);
                for (let i = 0; i < cluster; i++) {
                    messages.push({ at: t + i * uniform(random, 0, 30), processingSeconds: processing(random, scale) });
                }
            }
            return traceOf(kind, duration, messages);
        }
    }
}

/** Thrown for an unreadable trace file; the CLI prints it. */
export class TraceFileError extends Error {}

/** Collects a JSON-lines trace line by line into growing typed arrays, so a file is never held as one string. */
class TraceLines {
    private arrivals: Float64Array = new Float64Array(1024);
    private processing: Float64Array = new Float64Array(1024);
    private count = 0;
    private sorted = true;

    constructor(private readonly name: string) {}

    /** Takes line `number` (1-based) of the file: one `{"at": <seconds from start>, "processingSeconds": <seconds>}`. */
    add(line: string, number: number): void {
        if (line.trim() === "") {
            return;
        }
        let value: unknown;
        try {
            value = JSON.parse(line);
        } catch {
            throw new TraceFileError(`${this.name}:${number}: not JSON: ${line.slice(0, 80)}`);
        }
        const record = value as { at?: unknown; processingSeconds?: unknown };
        if (
            typeof record.at !== "number" ||
            !(record.at >= 0) ||
            typeof record.processingSeconds !== "number" ||
            !(record.processingSeconds > 0)
        ) {
            throw new TraceFileError(
                `${this.name}:${number}: expected {"at": <seconds >= 0>, "processingSeconds": <seconds > 0>}, got ${line.slice(0, 80)}`,
            );
        }
        if (this.count === this.arrivals.length) {
            this.arrivals = grown(this.arrivals);
            this.processing = grown(this.processing);
        }
        this.sorted &&= this.count === 0 || this.arrivals[this.count - 1] <= record.at;
        this.arrivals[this.count] = record.at;
        this.processing[this.count] = record.processingSeconds;
        this.count++;
    }

    finish(): Trace {
        const count = this.count;
        if (count === 0) {
            throw new TraceFileError(`${this.name}: no messages`);
        }
        let arrivals: Float64Array = this.arrivals.slice(0, count);
        let processingSeconds: Float64Array = this.processing.slice(0, count);
        if (!this.sorted) {
            const order = Uint32Array.from({ length: count }, (_, i) => i).sort(
                (a, b) => arrivals[a] - arrivals[b] || a - b,
            );
            arrivals = Float64Array.from(order, (i) => this.arrivals[i]);
            processingSeconds = Float64Array.from(order, (i) => this.processing[i]);
        }
        // Round up to whole minutes past the last arrival: the simulator works on the metric period grid.
        const durationSeconds = Math.ceil((arrivals[count - 1] + 1) / 60) * 60;
        return { name: this.name, durationSeconds, arrivals, processingSeconds };
    }
}

function grown(values: Float64Array): Float64Array {
    const bigger = new Float64Array(values.length * 2);
    bigger.set(values);
    return bigger;
}

/** Reads a JSON-lines trace held in a string: one `{"at": <seconds from start>, "processingSeconds": <seconds>}` per line. */
export function parseTraceFile(text: string, name: string): Trace {
    const lines = new TraceLines(name);
    text.split(/\r?\n/).forEach((line, index) => lines.add(line, index + 1));
    return lines.finish();
}

/** Reads a JSON-lines trace file as a stream, line by line; errors name the file and the line. */
export async function readTraceFile(file: string): Promise<Trace> {
    if (!fs.existsSync(file)) {
        throw new TraceFileError(`trace file ${file} does not exist; built-in traces: ${BUILT_IN_TRACES.join(", ")}`);
    }
    const lines = new TraceLines(file);
    let number = 0;
    for await (const line of readline.createInterface({
        input: fs.createReadStream(file, "utf8"),
        crlfDelay: Infinity,
    })) {
        lines.add(line, ++number);
    }
    return lines.finish();
}

export function meanProcessingSeconds(trace: Trace): number {
    const count = messageCount(trace);
    let sum = 0;
    for (let i = 0; i < count; i++) {
        sum += trace.processingSeconds[i];
    }
    return count === 0 ? 0 : sum / count;
}
