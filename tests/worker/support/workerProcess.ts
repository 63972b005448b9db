// Runs tests/worker/support/childWorker.ts in its own Node process, so tests can send it real signals.
import { ChildProcess, spawn } from "child_process";
import { join } from "path";
import { stopProcess } from "../../../tooling/moto";
import { TEST_AWS_ENVIRONMENT } from "../../../tooling/sqsQueues";

const REPOSITORY_ROOT = join(__dirname, "..", "..", "..");

/** What childWorker.ts prints about its job, in the same JSON-lines stream as the worker's own logs. */
export enum JobEvent {
    Started = "job.started",
    Finished = "job.finished",
    Aborted = "job.aborted",
}

/** One parsed line of the child's stdout: the worker's log entries and the job's own events. */
export interface ChildEvent {
    event: string;
    messageId?: string;
    outcome?: string;
    [field: string]: unknown;
}

export interface WorkerProcess {
    events: ChildEvent[];
    /** Resolves with the first event (past or future) that matches; rejects after `timeoutMs`. */
    waitForEvent(description: string, matches: (event: ChildEvent) => boolean, timeoutMs?: number): Promise<ChildEvent>;
    signal(signal: NodeJS.Signals): void;
    /** Resolves when the process has exited, with its exit code (null when a signal killed it). */
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
    /** For after hooks: stops the process if it is still running. */
    stop(): Promise<void>;
}

export function startWorkerProcess(motoEndpoint: string, environment: Record<string, string>): WorkerProcess {
    const child: ChildProcess = spawn(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", join(__dirname, "childWorker.ts")],
        {
            cwd: REPOSITORY_ROOT,
            stdio: ["ignore", "pipe", "pipe"],
            env: {
                PATH: process.env.PATH,
                ...TEST_AWS_ENVIRONMENT,
                // The SDK's own setting for a service endpoint: the worker's default client must honour it.
                AWS_ENDPOINT_URL_SQS: motoEndpoint,
                ...environment,
            },
        },
    );
    const events: ChildEvent[] = [];
    const listeners = new Set<() => void>();
    let stderr = "";
    let partial = "";
    child.stdout?.on("data", (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) {
            try {
                events.push(JSON.parse(line) as ChildEvent);
            } catch {
                // not one of ours
            }
        }
        listeners.forEach((listener) => listener());
    });
    child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((resolve) =>
        child.once("exit", (code, signal) => {
            resolve({ code, signal, atMs: Date.now() });
            listeners.forEach((listener) => listener());
        }),
    );

    return {
        events,
        waitForEvent(description, matches, timeoutMs = 20_000) {
            return new Promise((resolve, reject) => {
                const check = (): void => {
                    const found = events.find(matches);
                    if (found) {
                        finish();
                        resolve(found);
                    } else if (child.exitCode !== null || child.signalCode !== null) {
                        finish();
                        reject(new Error(`the worker process exited before ${description}; stderr ends:\n${stderr}`));
                    }
                };
                const timer = setTimeout(() => {
                    finish();
                    reject(
                        new Error(
                            `timed out after ${timeoutMs} ms waiting until ${description}; stderr ends:\n${stderr}`,
                        ),
                    );
                }, timeoutMs);
                const finish = (): void => {
                    clearTimeout(timer);
                    listeners.delete(check);
                };
                listeners.add(check);
                check();
            });
        },
        signal: (signal) => child.kill(signal),
        exited,
        stop: () => stopProcess(child),
    };
}
