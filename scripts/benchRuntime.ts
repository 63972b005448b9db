// Throughput, SQS requests per message and the time stop() takes, for the worker runtime side by side with
// sqs-consumer, against one local moto server. Prints figures; asserts nothing.
//
// Every run gets a fresh queue. On a standard queue a producer keeps the backlog (visible plus in flight) at a set
// depth while the consumer works: "full" keeps 40 (so at least 20 stay visible beside the most any consumer here
// holds, and every receive can fill up), "shallow" keeps 5 (fewer than one receive asks for). Deeper is not better
// here: stock moto scans the whole queue for every returned message, so at a depth of thousands it measures moto. The
// FIFO scenario sends all its messages first, interleaved over five message groups. The "moto ceiling" row is one
// plain receive-10 + delete-batch loop with no handler, one call at a time: what moto answers at that moment (a
// consumer that overlaps its calls can pass it). Every consumer runs with its defaults except the concurrency (for
// sqs-consumer, the batch size that sets it) and the queue's visibility timeout, passed as the component's
// environment passes it to the runtime. SQS requests are counted on each consumer's own client, per HTTP
// attempt (retries included), by a middleware in the SDK's deserialize step, from its start until its stop() returned.
//
// `--stop` measures stopping instead: how long stop() takes after a busy period and when idle, and how long messages
// sent at that moment stay hidden from the next worker.
import {
    CreateQueueCommand,
    DeleteMessageBatchCommand,
    ReceiveMessageCommand,
    SendMessageBatchCommand,
    SQSClient,
} from "@aws-sdk/client-sqs";
import { randomUUID } from "crypto";
import { readFileSync } from "fs";
import { join } from "path";
import { ConsumerOptions, Consumer as PeerConsumer } from "sqs-consumer";
import { parseArgs } from "util";
import { startMotoServer } from "../tooling/moto";
import { createFifoQueue, sqsClient } from "../tooling/sqsQueues";
import { runWorker, WorkerOptions } from "../worker/index";

const USAGE = `usage: npm run bench:runtime -- [--repeat N] [--only TEXT] [--scenario TEXT] [--stop]
  --repeat N        runs per row; the table shows the median (default 1)
  --only TEXT       only the consumers whose name contains TEXT (for example "runtime")
  --scenario TEXT   only the scenarios whose handler or queue label contains TEXT (for example "FIFO" or "mixed")
  --stop            measure stop() after a busy period and when idle, instead of throughput
  --help            print this`;

interface Scenario {
    /** The handler column: what each job does. */
    handler: string;
    /** How long the job of message `index` takes. */
    jobMs(index: number): number;
    /** The average job, for what the handlers alone would allow. */
    meanJobMs: number;
    concurrency: number;
    /** The queue column. */
    queue: string;
    /** Messages kept in the queue (visible plus in flight) while the run lasts; every message on a FIFO queue. */
    depth: number;
    messages: number;
    /** 0: a standard queue. */
    fifoGroups: number;
}

interface CountingClient {
    client: SQSClient;
    requests(): number;
}

/**
 * A consumer started on `queueUrl`; `handled` is called as each message's job ends (in a batch too), so the order of
 * the calls shows whether a FIFO group's messages ran one after another. Returns the consumer's stop.
 */
interface Contender {
    name: string;
    /** The bare receive-and-delete loop: no handler, no consumer. */
    bareLoop?: boolean;
    start(queueUrl: string, sqs: SQSClient, scenario: Scenario, handled: (body: string) => void): () => Promise<void>;
}

interface Result {
    messagesPerSecond: number;
    requestsPerMessage: number;
    duplicates: number;
    /** Messages never handled when the run gave up (see RUN_TIMEOUT_MS). */
    unfinished: number;
    /** How long the consumer's stop() took once the last message was handled. */
    stopSeconds: number;
    /** FIFO: every group's messages were handled in send order. */
    orderKept: boolean;
}

const VISIBILITY_TIMEOUT_SECONDS = 30;
/**
 * A run that has not seen every message by then is cut short and reported with its unfinished count. Moto's delete is
 * not safe under concurrent calls: parallel DeleteMessage calls can remove a message that was never handled.
 */
const RUN_TIMEOUT_MS = 90_000;
/** The newest sqs-consumer that installs without an engines warning on Node 20. Its package.json is not exported. */
const PEER_VERSION = (
    JSON.parse(readFileSync(join(__dirname, "..", "node_modules", "sqs-consumer", "package.json"), "utf8")) as {
        version: string;
    }
).version;
/** 0 to 200 ms, spread evenly over the messages and the same for every consumer. */
const mixedJobMs = (index: number): number => (index * 7_919) % 201;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** As the component's environment would set it (VISIBILITY_TIMEOUT_SECONDS), so no consumer reads it from the queue. */
const quiet = {
    handleSignals: false,
    log: () => undefined,
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
} as const;

function countingClient(endpoint: string): CountingClient {
    const client = sqsClient(endpoint);
    let requests = 0;
    client.middlewareStack.add(
        (next) => async (args) => {
            requests += 1;
            return next(args);
        },
        { step: "deserialize", name: "countRequests" },
    );
    return { client, requests: () => requests };
}

function job(scenario: Scenario, body: string): Promise<void> {
    const ms = scenario.jobMs(Number(body));
    return ms > 0 ? delay(ms) : Promise.resolve();
}

const contenders: Contender[] = [
    {
        name: "runtime (handler)",
        start: (queueUrl, sqs, scenario, handled) =>
            startRuntime(queueUrl, sqs, scenario, {
                handler: async ({ body }) => {
                    await job(scenario, body);
                    handled(body);
                },
            }),
    },
    {
        name: "runtime (batchHandler)",
        start: (queueUrl, sqs, scenario, handled) =>
            startRuntime(queueUrl, sqs, scenario, {
                batchHandler: async (messages) => {
                    await Promise.all(messages.map(({ body }) => job(scenario, body).then(() => handled(body))));
                },
            }),
    },
    {
        name: `sqs-consumer ${PEER_VERSION} (handleMessage)`,
        start: (queueUrl, sqs, scenario, handled) =>
            startPeer(queueUrl, sqs, scenario, {
                handleMessage: async (message) => {
                    await job(scenario, message.Body ?? "");
                    handled(message.Body ?? "");
                    return message;
                },
            }),
    },
    {
        name: `sqs-consumer ${PEER_VERSION} (handleMessageBatch)`,
        start: (queueUrl, sqs, scenario, handled) =>
            startPeer(queueUrl, sqs, scenario, {
                handleMessageBatch: async (messages) => {
                    await Promise.all(messages.map(({ Body = "" }) => job(scenario, Body).then(() => handled(Body))));
                    return messages;
                },
            }),
    },
    {
        name: "moto ceiling (receive 10 + delete batch, no handler)",
        bareLoop: true,
        start: (queueUrl, sqs, _scenario, handled) => {
            let stopped = false;
            const loop = (async () => {
                while (!stopped) {
                    const { Messages = [] } = await sqs.send(
                        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
                    );
                    if (Messages.length > 0) {
                        await sqs.send(
                            new DeleteMessageBatchCommand({
                                QueueUrl: queueUrl,
                                Entries: Messages.map((message, index) => ({
                                    Id: String(index),
                                    ReceiptHandle: message.ReceiptHandle,
                                })),
                            }),
                        );
                        Messages.forEach((message) => handled(message.Body ?? ""));
                    }
                }
            })();
            return async () => {
                stopped = true;
                await loop;
            };
        },
    },
];

/** The runtime with its defaults, but for the concurrency and the visibility timeout. */
function startRuntime(
    queueUrl: string,
    sqs: SQSClient,
    scenario: Scenario,
    handlers: Pick<WorkerOptions, "handler" | "batchHandler">,
): () => Promise<void> {
    const worker = runWorker({ ...quiet, queueUrl, sqsClient: sqs, concurrency: scenario.concurrency, ...handlers });
    return () => worker.stop();
}

/** sqs-consumer with its defaults, but for the concurrency (its batch size) and the visibility timeout. */
function startPeer(
    queueUrl: string,
    sqs: SQSClient,
    scenario: Scenario,
    handlers: Pick<ConsumerOptions, "handleMessage" | "handleMessageBatch">,
): () => Promise<void> {
    const consumer = PeerConsumer.create({
        queueUrl,
        sqs,
        batchSize: scenario.concurrency,
        visibilityTimeout: VISIBILITY_TIMEOUT_SECONDS,
        // The FIFO row is there to show what happens to group order; the warning says the same.
        suppressFifoWarning: true,
        ...handlers,
    });
    consumer.on("error", () => undefined);
    consumer.on("processing_error", () => undefined);
    consumer.start();
    return () =>
        new Promise((resolve) => {
            consumer.once("stopped", () => resolve());
            consumer.stop();
        });
}

async function createQueue(sqs: SQSClient, fifo: boolean): Promise<string> {
    if (fifo) {
        return createFifoQueue(sqs, VISIBILITY_TIMEOUT_SECONDS);
    }
    const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({
            QueueName: `bench-${randomUUID().slice(0, 8)}`,
            Attributes: { VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS) },
        }),
    );
    return QueueUrl ?? "";
}

/** Sends messages `from` to `from + count - 1`; the body is the index, and on FIFO the group is index mod groups. */
async function send(sqs: SQSClient, queueUrl: string, from: number, count: number, fifoGroups = 0): Promise<void> {
    await sqs.send(
        new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: Array.from({ length: count }, (_, offset) => ({
                Id: String(offset),
                MessageBody: String(from + offset),
                MessageGroupId: fifoGroups > 0 ? `g${(from + offset) % fifoGroups}` : undefined,
            })),
        }),
    );
}

/** Each group's messages were handled once each, in index order (the order they were sent in). */
function groupOrderKept(handledInOrder: readonly string[], groups: number): boolean {
    const lastByGroup = new Map<number, number>();
    return handledInOrder.every((body) => {
        const index = Number(body);
        const group = index % groups;
        const kept = (lastByGroup.get(group) ?? -1) < index;
        lastByGroup.set(group, index);
        return kept;
    });
}

async function runOnce(
    endpoint: string,
    producer: SQSClient,
    contender: Contender,
    scenario: Scenario,
): Promise<Result> {
    const queueUrl = await createQueue(producer, scenario.fifoGroups > 0);
    let sent = 0;
    const seen = new Set<string>();
    const handledInOrder: string[] = [];
    const topUp = async (): Promise<void> => {
        while (sent < scenario.messages && sent - seen.size < scenario.depth) {
            const count = Math.min(10, scenario.messages - sent, scenario.depth - (sent - seen.size));
            await send(producer, queueUrl, sent, count, scenario.fifoGroups);
            sent += count;
        }
    };
    await topUp(); // the backlog is there before the clock starts
    const counting = countingClient(endpoint);
    const startedAtMs = Date.now();
    const stop = contender.start(queueUrl, counting.client, scenario, (body) => {
        handledInOrder.push(body);
        seen.add(body);
    });
    while (seen.size < scenario.messages && Date.now() - startedAtMs < RUN_TIMEOUT_MS) {
        await topUp();
        await delay(2);
    }
    const elapsedSeconds = (Date.now() - startedAtMs) / 1000;
    const stopStartedAtMs = Date.now();
    await stop();
    const stopSeconds = (Date.now() - stopStartedAtMs) / 1000;
    counting.client.destroy();
    return {
        messagesPerSecond: seen.size / elapsedSeconds,
        requestsPerMessage: counting.requests() / Math.max(1, seen.size),
        duplicates: handledInOrder.length - seen.size,
        unfinished: scenario.messages - seen.size,
        stopSeconds,
        orderKept: scenario.fifoGroups > 0 && groupOrderKept(handledInOrder, scenario.fifoGroups),
    };
}

/**
 * "moto" when the run reached less than half of what its handlers alone allow (handlers at once × 1000 / mean job ms,
 * where a FIFO group runs one at a time; no limit for a no-op): the time went into waiting on moto, not on the jobs.
 */
function limitedBy(contender: Contender, scenario: Scenario, messagesPerSecond: number): string {
    if (contender.bareLoop) {
        return "(moto itself)";
    }
    const { meanJobMs, concurrency, fifoGroups } = scenario;
    const atOnce = fifoGroups > 0 ? Math.min(concurrency, fifoGroups) : concurrency;
    const handlerCeiling = meanJobMs > 0 ? (atOnce * 1000) / meanJobMs : Infinity;
    return messagesPerSecond < handlerCeiling / 2 ? "moto" : "handlers";
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

function scenarios(): Scenario[] {
    const all: Scenario[] = [];
    const handlers = [
        { handler: "no-op", jobMs: () => 0, meanJobMs: 0, concurrencies: [1, 10] },
        { handler: "50 ms", jobMs: () => 50, meanJobMs: 50, concurrencies: [1, 10] },
        { handler: "0-200 ms (mixed)", jobMs: mixedJobMs, meanJobMs: 100, concurrencies: [10] },
    ];
    for (const { concurrencies, ...handler } of handlers) {
        for (const concurrency of concurrencies) {
            for (const [depthName, depth] of [
                ["full", 40],
                ["shallow", 5],
            ] as const) {
                // Sized so each run takes a few seconds: long enough to smooth out start-up, short on a shared machine.
                const messages = concurrency === 1 ? (handler.meanJobMs > 0 ? 40 : 100) : 200;
                all.push({ ...handler, concurrency, queue: `${depthName} (${depth})`, depth, messages, fifoGroups: 0 });
            }
        }
    }
    // Mixed durations, so that a consumer running two messages of one group at once finishes them out of order.
    all.push({
        handler: "0-200 ms (mixed)",
        jobMs: mixedJobMs,
        meanJobMs: 100,
        concurrency: 10,
        queue: "FIFO, 5 groups x 40",
        depth: 200,
        messages: 200,
        fifoGroups: 5,
    });
    return all;
}

async function throughput(endpoint: string, producer: SQSClient, options: Options): Promise<void> {
    console.log(
        "| handler | concurrency | queue | consumer | msg/s | SQS requests / message | stop() s | duplicates | unfinished | FIFO group order | limited by |",
    );
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const scenario of scenarios()) {
        if (options.scenario && !`${scenario.handler} ${scenario.queue}`.includes(options.scenario)) {
            continue;
        }
        for (const contender of contenders) {
            if (
                (options.only && !contender.name.includes(options.only)) ||
                (contender.bareLoop && scenario.fifoGroups)
            ) {
                continue;
            }
            const results: Result[] = [];
            for (let run = 0; run < options.repeat; run++) {
                results.push(await runOnce(endpoint, producer, contender, scenario));
            }
            const messagesPerSecond = median(results.map((result) => result.messagesPerSecond));
            const order = scenario.fifoGroups ? (results.every((result) => result.orderKept) ? "kept" : "broken") : "";
            console.log(
                `| ${contender.bareLoop ? "none" : scenario.handler} | ${scenario.concurrency} | ${scenario.queue} | ` +
                    `${contender.name} | ${messagesPerSecond.toFixed(0)} | ` +
                    `${median(results.map((result) => result.requestsPerMessage)).toFixed(2)} | ` +
                    `${median(results.map((result) => result.stopSeconds)).toFixed(2)} | ` +
                    `${Math.max(...results.map((result) => result.duplicates))} | ` +
                    `${Math.max(...results.map((result) => result.unfinished))} | ${order} | ` +
                    `${limitedBy(contender, scenario, messagesPerSecond)} |`,
            );
        }
    }
}

/**
 * Stops a worker with default options either right after a busy period (its last message just handled) or idle in
 * the middle of a long poll, then sends five messages, and measures how long stop() took and how long each of the
 * five took to reach a second worker.
 */
async function stopCase(
    endpoint: string,
    producer: SQSClient,
    busy: boolean,
    idlePollVisibilityTimeoutSeconds: number,
): Promise<string> {
    const queueUrl = await createQueue(producer, false);
    const client = sqsClient(endpoint);
    const common = { ...quiet, queueUrl, sqsClient: client, concurrency: 10 };
    let handled = 0;
    if (busy) {
        for (let from = 0; from < 40; from += 10) {
            await send(producer, queueUrl, from, 10);
        }
    }
    const first = runWorker({
        ...common,
        idlePollVisibilityTimeoutSeconds,
        handler: async () => {
            await delay(50);
            handled += 1;
        },
    });
    if (busy) {
        while (handled < 40) {
            await delay(5);
        }
    } else {
        await delay(2_000); // the idle worker is now inside a 20 s poll
    }
    const stopStartedAtMs = Date.now();
    await first.stop();
    const stopSeconds = (Date.now() - stopStartedAtMs) / 1000;
    // Sent once stop() has returned, when a poll it abandoned may still be open at the server.
    const sentAtMs = Date.now();
    await send(producer, queueUrl, 100, 5);
    const delaysMs: number[] = [];
    const second = runWorker({ ...common, handler: async () => void delaysMs.push(Date.now() - sentAtMs) });
    while (delaysMs.length < 5) {
        await delay(20);
    }
    await second.stop();
    client.destroy();
    const delayed = delaysMs.filter((delayMs) => delayMs > 2_000).length;
    return (
        `| ${busy ? "after a busy period" : "idle"} | ${idlePollVisibilityTimeoutSeconds} | ${stopSeconds.toFixed(2)} | ` +
        `${delayed} of 5 | ${(Math.max(...delaysMs) / 1000).toFixed(1)} |`
    );
}

async function stopping(endpoint: string, producer: SQSClient, options: Options): Promise<void> {
    console.log(
        "| stopped | idlePollVisibilityTimeoutSeconds | stop() s | messages sent after the stop, delayed > 2 s | longest delay s |",
    );
    console.log("| --- | --- | --- | --- | --- |");
    const cases: Array<[busy: boolean, idlePollVisibilityTimeoutSeconds: number]> = [
        [true, 5],
        [false, 5],
        [false, 30],
        [false, 0],
    ];
    for (let run = 0; run < options.repeat; run++) {
        for (const [busy, seconds] of cases) {
            console.log(await stopCase(endpoint, producer, busy, seconds));
        }
    }
}

interface Options {
    repeat: number;
    only: string | undefined;
    scenario: string | undefined;
    stop: boolean;
}

/** The options, or undefined after printing why they cannot be used (exit code 2). */
function parseOptions(args: string[]): Options | undefined {
    try {
        const { values } = parseArgs({
            args,
            strict: true,
            allowPositionals: false,
            options: {
                repeat: { type: "string" },
                only: { type: "string" },
                scenario: { type: "string" },
                stop: { type: "boolean" },
                help: { type: "boolean" },
            },
        });
        if (values.help) {
            console.log(USAGE);
            return undefined;
        }
        const repeat = Number(values.repeat ?? 1);
        if (!Number.isInteger(repeat) || repeat < 1) {
            throw new Error(`--repeat takes a whole number of runs, 1 or more; got ${values.repeat}`);
        }
        return { repeat, only: values.only, scenario: values.scenario, stop: values.stop ?? false };
    } catch (error) {
        console.error(`${(error as Error).message}\n${USAGE}`);
        process.exitCode = 2;
        return undefined;
    }
}

async function main(): Promise<void> {
    const options = parseOptions(process.argv.slice(2));
    if (!options) {
        return;
    }
    const moto = await startMotoServer();
    const producer = sqsClient(moto.endpoint);
    console.log(
        `moto ${moto.endpoint}; sqs-consumer ${PEER_VERSION}; median of ${options.repeat} run(s); visibility ${VISIBILITY_TIMEOUT_SECONDS} s`,
    );
    try {
        await (options.stop ? stopping : throughput)(moto.endpoint, producer, options);
    } finally {
        producer.destroy();
        await moto.stop();
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
