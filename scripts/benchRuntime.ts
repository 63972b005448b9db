// Throughput and SQS requests per message of the worker runtime, side by side with sqs-consumer, against one local
// moto server. Prints figures; asserts nothing. Run: npm run bench:runtime [-- --repeat 3]
//
// Every run gets a fresh queue. A producer keeps the backlog (visible plus in flight) at a set depth while the
// consumer works: "full" keeps 40 (so at least 20 stay visible beside the most any consumer here holds, and every
// receive can fill up), "shallow" keeps 5 (fewer than one receive asks for). Deeper is not better here: stock moto scans the whole queue for every returned message, so at a depth of
// thousands it measures moto. The "moto ceiling" row is one plain receive-10 + delete-batch loop with no handler, one
// call at a time: what moto answers at that moment (a consumer that overlaps its calls can pass it). `--idle-stop` measures stopping an idle worker
// instead: how long stop() takes, and how long messages sent at that moment are delayed. SQS requests are counted on each consumer's own
// client, per HTTP attempt (retries included), by a middleware in the SDK's deserialize step.
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
import { Consumer as PeerConsumer } from "sqs-consumer";
import { startMotoServer } from "../tooling/moto";
import { sqsClient } from "../tooling/sqsQueues";
import { runWorker } from "../worker/index";

interface Scenario {
    jobMs: number;
    concurrency: number;
    depth: number;
    depthName: string;
    messages: number;
}

interface CountingClient {
    client: SQSClient;
    requests(): number;
}

/** Starts a consumer on `queueUrl`; `handled` is called once per handler run of a message; resolves to its stop. */
type Contender = (
    queueUrl: string,
    sqs: SQSClient,
    scenario: Scenario,
    handled: (body: string) => void,
) => () => Promise<void>;

interface Result {
    messagesPerSecond: number;
    requestsPerMessage: number;
    duplicates: number;
    /** Messages never handled when the run gave up (see RUN_TIMEOUT_MS). */
    unfinished: number;
}

const VISIBILITY_TIMEOUT_SECONDS = 30;
/**
 * A run that has not seen every message by then is cut short and reported with its unfinished count. Moto's delete is
 * not safe under concurrent calls: parallel DeleteMessage calls can remove a message that was never handled.
 */
const RUN_TIMEOUT_MS = 90_000;
/** The newest sqs-consumer that runs on Node 20 (15.x needs Node 22). Its package.json is not exported, so it is read from disk. */
const PEER_VERSION = (
    JSON.parse(readFileSync(join(__dirname, "..", "node_modules", "sqs-consumer", "package.json"), "utf8")) as {
        version: string;
    }
).version;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const job = (ms: number): Promise<void> => (ms > 0 ? delay(ms) : Promise.resolve());

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

const contenders: Record<string, Contender> = {
    "runtime (handler)": (queueUrl, sqs, { concurrency, jobMs }, handled) => {
        const worker = runWorker({
            queueUrl,
            sqsClient: sqs,
            concurrency,
            visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
            handleSignals: false,
            log: () => undefined,
            handler: async ({ body }) => {
                await job(jobMs);
                handled(body);
            },
        });
        return () => worker.stop();
    },
    "runtime (batchHandler)": (queueUrl, sqs, { concurrency, jobMs }, handled) => {
        const worker = runWorker({
            queueUrl,
            sqsClient: sqs,
            concurrency,
            visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
            handleSignals: false,
            log: () => undefined,
            batchHandler: async (messages) => {
                await Promise.all(messages.map(() => job(jobMs)));
                messages.forEach(({ body }) => handled(body));
            },
        });
        return () => worker.stop();
    },
    [`sqs-consumer ${PEER_VERSION} (handleMessage)`]: (queueUrl, sqs, { concurrency, jobMs }, handled) =>
        startPeer(
            PeerConsumer.create({
                queueUrl,
                sqs,
                batchSize: concurrency,
                visibilityTimeout: VISIBILITY_TIMEOUT_SECONDS,
                handleMessage: async (message) => {
                    await job(jobMs);
                    handled(message.Body ?? "");
                    return message;
                },
            }),
        ),
    [`sqs-consumer ${PEER_VERSION} (handleMessageBatch)`]: (queueUrl, sqs, { concurrency, jobMs }, handled) =>
        startPeer(
            PeerConsumer.create({
                queueUrl,
                sqs,
                batchSize: concurrency,
                visibilityTimeout: VISIBILITY_TIMEOUT_SECONDS,
                handleMessageBatch: async (messages) => {
                    await Promise.all(messages.map(() => job(jobMs)));
                    messages.forEach((message) => handled(message.Body ?? ""));
                    return messages;
                },
            }),
        ),
    "moto ceiling (receive 10 + delete batch, no handler)": (queueUrl, sqs, _scenario, handled) => {
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
};

function startPeer(consumer: PeerConsumer): () => Promise<void> {
    consumer.on("error", () => undefined);
    consumer.on("processing_error", () => undefined);
    consumer.start();
    return () =>
        new Promise((resolve) => {
            consumer.once("stopped", () => resolve());
            consumer.stop();
        });
}

async function createQueue(sqs: SQSClient): Promise<string> {
    const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({
            QueueName: `bench-${randomUUID().slice(0, 8)}`,
            Attributes: { VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS) },
        }),
    );
    return QueueUrl ?? "";
}

async function send(sqs: SQSClient, queueUrl: string, from: number, count: number): Promise<void> {
    await sqs.send(
        new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: Array.from({ length: count }, (_, index) => ({
                Id: String(index),
                MessageBody: `m-${from + index}`,
            })),
        }),
    );
}

async function runOnce(
    endpoint: string,
    producer: SQSClient,
    contender: Contender,
    scenario: Scenario,
): Promise<Result> {
    const queueUrl = await createQueue(producer);
    let sent = 0;
    const seen = new Set<string>();
    const topUp = async (): Promise<void> => {
        while (sent < scenario.messages && sent - seen.size < scenario.depth) {
            const count = Math.min(10, scenario.messages - sent, scenario.depth - (sent - seen.size));
            await send(producer, queueUrl, sent, count);
            sent += count;
        }
    };
    let handledRuns = 0;
    await topUp(); // the backlog is there before the clock starts
    const counting = countingClient(endpoint);
    const startedAtMs = Date.now();
    const stop = contender(queueUrl, counting.client, scenario, (body) => {
        handledRuns += 1;
        seen.add(body);
    });
    while (seen.size < scenario.messages && Date.now() - startedAtMs < RUN_TIMEOUT_MS) {
        await topUp();
        await delay(2);
    }
    const elapsedSeconds = (Date.now() - startedAtMs) / 1000;
    await stop();
    counting.client.destroy();
    return {
        messagesPerSecond: seen.size / elapsedSeconds,
        requestsPerMessage: counting.requests() / Math.max(1, seen.size),
        duplicates: handledRuns - seen.size,
        unfinished: scenario.messages - seen.size,
    };
}

/**
 * Stops an idle worker in the middle of its 20 s poll, then sends five messages at once, and measures how long stop()
 * took and how long each message took to reach a second worker: the trade-off of abandoning an idle poll.
 */
async function idleStop(
    endpoint: string,
    producer: SQSClient,
    idlePollVisibilityTimeoutSeconds: number,
): Promise<string> {
    const queueUrl = await createQueue(producer);
    const client = sqsClient(endpoint);
    const quiet = {
        sqsClient: client,
        handleSignals: false,
        visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
        log: () => undefined,
    };
    const idle = runWorker({
        ...quiet,
        queueUrl,
        waitTimeSeconds: 20,
        idlePollVisibilityTimeoutSeconds,
        handler: async () => undefined,
    });
    await delay(2_000);
    const stopStartedAtMs = Date.now();
    await idle.stop();
    const stopSeconds = (Date.now() - stopStartedAtMs) / 1000;
    const sentAtMs = Date.now();
    await send(producer, queueUrl, 0, 5);
    const delaysMs: number[] = [];
    const next = runWorker({
        ...quiet,
        queueUrl,
        waitTimeSeconds: 1,
        handler: async () => void delaysMs.push(Date.now() - sentAtMs),
    });
    while (delaysMs.length < 5) {
        await delay(20);
    }
    await next.stop();
    client.destroy();
    const delayed = delaysMs.filter((delayMs) => delayMs > 2_000).length;
    return (
        `| ${idlePollVisibilityTimeoutSeconds} | ${stopSeconds.toFixed(2)} | ${delayed} of 5 | ` +
        `${(Math.max(...delaysMs) / 1000).toFixed(1)} |`
    );
}

/**
 * "moto" when the run reached less than half of what its handlers alone allow (concurrency × 1000 / jobMs; no limit
 * for a no-op): the time went into waiting on moto's answers, not into the jobs.
 */
function limitedBy({ jobMs, concurrency }: Scenario, messagesPerSecond: number): string {
    const handlerCeiling = jobMs > 0 ? (concurrency * 1000) / jobMs : Infinity;
    return messagesPerSecond < handlerCeiling / 2 ? "moto" : "handlers";
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
    const repeatIndex = process.argv.indexOf("--repeat");
    const repeat = repeatIndex >= 0 ? Number(process.argv[repeatIndex + 1]) : 1;
    const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
    const moto = await startMotoServer();
    const producer = sqsClient(moto.endpoint);
    const scenarios: Scenario[] = [];
    for (const jobMs of [0, 50]) {
        for (const concurrency of [1, 10]) {
            for (const [depthName, depth] of [
                ["full", 40],
                ["shallow", 5],
            ] as const) {
                // Sized so each run takes a few seconds: long enough to smooth out start-up, short on a shared machine.
                const messages = concurrency === 1 ? (jobMs > 0 ? 40 : 100) : 200;
                scenarios.push({ jobMs, concurrency, depth, depthName, messages });
            }
        }
    }
    console.log(
        `moto ${moto.endpoint}; sqs-consumer ${PEER_VERSION}; median of ${repeat} run(s); visibility ${VISIBILITY_TIMEOUT_SECONDS} s`,
    );
    try {
        if (process.argv.includes("--idle-stop")) {
            console.log(
                "\n| idlePollVisibilityTimeoutSeconds | stop() of an idle worker (s) | messages sent at the stop, delayed > 2 s | longest delay (s) |",
            );
            console.log("| --- | --- | --- | --- |");
            for (const seconds of [30, 0]) {
                console.log(await idleStop(moto.endpoint, producer, seconds));
            }
            return;
        }
        console.log(
            "| handler | concurrency | queue | consumer | msg/s | SQS requests / message | duplicates | unfinished | limited by |",
        );
        console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (const scenario of scenarios) {
            for (const [name, contender] of Object.entries(contenders)) {
                if (only && !name.includes(only)) {
                    continue;
                }
                const results: Result[] = [];
                for (let run = 0; run < repeat; run++) {
                    results.push(await runOnce(moto.endpoint, producer, contender, scenario));
                }
                const handler = scenario.jobMs > 0 ? `${scenario.jobMs} ms` : "no-op";
                const messagesPerSecond = median(results.map((result) => result.messagesPerSecond));
                console.log(
                    `| ${handler} | ${scenario.concurrency} | ${scenario.depthName} (${scenario.depth}) | ${name} | ` +
                        `${messagesPerSecond.toFixed(0)} | ` +
                        `${median(results.map((result) => result.requestsPerMessage)).toFixed(2)} | ` +
                        `${Math.max(...results.map((result) => result.duplicates))} | ` +
                        `${Math.max(...results.map((result) => result.unfinished))} | ${limitedBy(scenario, messagesPerSecond)} |`,
                );
            }
        }
    } finally {
        producer.destroy();
        await moto.stop();
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
