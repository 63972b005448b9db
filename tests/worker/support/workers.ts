// Workers run inside the test process with the runtime's defaults, except that logs are captured instead of printed
// and signals are left alone; every worker started by a test is stopped after it, even when the test fails.
import { SQSClient } from "@aws-sdk/client-sqs";
import { LogEntry, MessageOutcome, runWorker, WorkerEvent, WorkerHandle, WorkerOptions } from "../../../worker/index";

export interface TestWorker extends WorkerHandle {
    logs: LogEntry[];
    /** The `message.finished` entries with this outcome. */
    finished(outcome: MessageOutcome): LogEntry[];
}

export class TestWorkers {
    private readonly running: TestWorker[] = [];

    constructor(private readonly sqs: () => SQSClient) {}

    start(options: Partial<WorkerOptions> & Pick<WorkerOptions, "handler" | "queueUrl">): TestWorker {
        const logs: LogEntry[] = [];
        const handle = runWorker({
            sqsClient: this.sqs(),
            handleSignals: false,
            log: (entry) => logs.push(entry),
            ...options,
        });
        const worker: TestWorker = {
            stop: (options) => handle.stop(options),
            stats: () => handle.stats(),
            logs,
            finished: (outcome) =>
                logs.filter((entry) => entry.event === WorkerEvent.MessageFinished && entry.outcome === outcome),
        };
        this.running.push(worker);
        return worker;
    }

    /** For afterEach: stops every worker still running. */
    async stopAll(): Promise<void> {
        await Promise.all(this.running.splice(0).map((worker) => worker.stop()));
    }
}

/** Polls `condition` every 20 ms until it holds; fails with `description` after `timeoutMs`. */
export async function waitFor(
    description: string,
    condition: () => boolean | Promise<boolean>,
    timeoutMs = 20_000,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting until ${description}`);
        }
        await delay(20);
    }
}

export function delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it is aborted: a handler that gives up. */
export function delayUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener("abort", () => {
            clearTimeout(timer);
            reject(signal.reason);
        });
    });
}
