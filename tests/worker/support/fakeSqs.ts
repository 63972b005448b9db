// A queue held in memory behind a real SQSClient: the client's request handler answers each call after a short
// latency on the test's clock, so a worker runs its own receive loop, batch calls and heartbeats against it in virtual
// time, and every request it sends is on record. A FIFO queue hands out messages as SQS documents it: as many of one
// message group as a receive can take, in order, before other groups, and none of a group while one of its messages
// is in flight. (Moto instead hands out the first visible messages of every unblocked group in queue order.)
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { CancelTimer, systemTimers, Timers } from "../../../worker/timers";

/**
 * Sends one request through a fake on the real clock, so that what the SDK loads once per process on a client's first
 * request (the shared config and credentials files, read from disk) is loaded before a spec runs in virtual time:
 * virtual time moves on once promises settle and cannot wait for that disk read, and on a busy process the first
 * receive then started late and changed the run. Call it in a `before` hook of every spec that uses a FakeSqs.
 */
export async function loadSdkOnce(): Promise<void> {
    const sqs = new FakeSqs(systemTimers, { fifo: false, latencyMs: 0 });
    await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, WaitTimeSeconds: 0 }));
}

export interface FakeQueueOptions {
    fifo: boolean;
    /** The queue's own visibility timeout, for receives that do not ask for one. Defaults to 30. */
    visibilityTimeoutSeconds?: number;
    /** How long the fake takes to answer each request, on the test's clock. Defaults to 10 ms. */
    latencyMs?: number;
}

/** One request the client sent. */
export interface FakeRequest {
    /** The SQS action: ReceiveMessage, DeleteMessageBatch, ... */
    action: string;
    /** When the fake took it up (its latency later). */
    atMs: number;
    /** ReceiveMessage only: how many messages it returned. */
    returned?: number;
}

interface StoredMessage {
    id: string;
    body: string;
    groupId: string | undefined;
    receiveCount: number;
    receiptHandle: string | undefined;
    /** In flight until then; 0 before its first receive. */
    hiddenUntilMs: number;
    deleted: boolean;
}

/** A long poll waiting for a message. */
interface Waiter {
    check(): void;
}

interface BatchEntry {
    Id: string;
    ReceiptHandle: string;
    VisibilityTimeout?: number;
}

export class FakeSqs {
    readonly client: SQSClient;
    readonly queueUrl: string;
    readonly requests: FakeRequest[] = [];
    private readonly messages: StoredMessage[] = [];
    private readonly waiters = new Set<Waiter>();
    private readonly fifo: boolean;
    private readonly visibilityTimeoutSeconds: number;
    private readonly latencyMs: number;

    constructor(
        private readonly timers: Timers,
        options: FakeQueueOptions,
    ) {
        this.fifo = options.fifo;
        this.visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
        this.latencyMs = options.latencyMs ?? 10;
        this.queueUrl = `http://sqs.fake.invalid/123456789012/jobs${this.fifo ? ".fifo" : ""}`;
        this.client = new SQSClient({
            region: "us-east-1",
            endpoint: "http://sqs.fake.invalid",
            credentials: { accessKeyId: "fake", secretAccessKey: "fake" },
            requestHandler: {
                handle: (request: { headers: Record<string, string>; body?: unknown }, options?: HandleOptions) =>
                    this.handle(request, options?.abortSignal),
            },
        });
    }

    /** Sends messages, in this order (a FIFO group keeps it). */
    send(messages: readonly { body: string; groupId?: string }[]): void {
        for (const { body, groupId } of messages) {
            const id = `m${this.messages.length + 1}`;
            this.messages.push({
                id,
                body,
                groupId,
                receiveCount: 0,
                receiptHandle: undefined,
                hiddenUntilMs: 0,
                deleted: false,
            });
        }
        this.wakeWaiters();
    }

    /** The requests sent for one action. */
    calls(action: string): FakeRequest[] {
        return this.requests.filter((request) => request.action === action);
    }

    /** Messages not deleted: visible now, and in flight. */
    counts(): { visible: number; inFlight: number } {
        const live = this.messages.filter((message) => !message.deleted);
        const inFlight = live.filter((message) => this.inFlight(message)).length;
        return { visible: live.length - inFlight, inFlight };
    }

    private handle(
        request: { headers: Record<string, string>; body?: unknown },
        abortSignal: AbortSignal | undefined,
    ): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Readable } }> {
        const action = (request.headers["x-amz-target"] ?? "").replace("AmazonSQS.", "");
        const text =
            typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body as Uint8Array);
        const input = JSON.parse(text || "{}") as Record<string, unknown>;
        return new Promise((resolve, reject) => {
            const answer = (output: object): void =>
                resolve({
                    response: {
                        statusCode: 200,
                        headers: { "content-type": "application/x-amz-json-1.0" },
                        body: Readable.from([Buffer.from(JSON.stringify(output))]),
                    },
                });
            let cancel: CancelTimer | undefined;
            abortSignal?.addEventListener("abort", () => {
                cancel?.();
                const error = new Error("the request was aborted");
                error.name = "AbortError";
                reject(error);
            });
            cancel = this.timers.schedule(this.latencyMs, () => {
                const record: FakeRequest = { action, atMs: this.timers.now() };
                this.requests.push(record);
                if (action === "ReceiveMessage") {
                    cancel = this.receive(input, (messages) => {
                        record.returned = messages.length;
                        answer(messages.length > 0 ? { Messages: messages } : {});
                    });
                } else {
                    answer(this.answer(action, input));
                }
            });
        });
    }

    private answer(action: string, input: Record<string, unknown>): object {
        switch (action) {
            case "DeleteMessageBatch":
                return this.batch(input, (message) => {
                    message.deleted = true;
                    return undefined;
                });
            case "ChangeMessageVisibilityBatch":
                return this.batch(input, (message, entry) => {
                    if (!this.inFlight(message)) {
                        return "MessageNotInflight";
                    }
                    message.hiddenUntilMs = this.timers.now() + (entry.VisibilityTimeout ?? 0) * 1000;
                    return undefined;
                });
            case "GetQueueAttributes":
                return { Attributes: { VisibilityTimeout: String(this.visibilityTimeoutSeconds) } };
            default:
                throw new Error(`the fake SQS does not answer ${action}`);
        }
    }

    /** Applies `change` to each entry's message; an entry fails when its receipt handle is not the latest. */
    private batch(
        input: Record<string, unknown>,
        change: (message: StoredMessage, entry: BatchEntry) => string | undefined,
    ): object {
        const successful: { Id: string }[] = [];
        const failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
        for (const entry of input.Entries as BatchEntry[]) {
            const message = this.messages.find((stored) => stored.receiptHandle === entry.ReceiptHandle);
            const code = message && !message.deleted ? change(message, entry) : "ReceiptHandleIsInvalid";
            if (code) {
                failed.push({ Id: entry.Id, SenderFault: true, Code: code, Message: code });
            } else {
                successful.push({ Id: entry.Id });
            }
        }
        this.wakeWaiters();
        return { Successful: successful, Failed: failed };
    }

    /** Answers at once when messages are there, else when one becomes available or the poll's wait ends. */
    private receive(input: Record<string, unknown>, answer: (messages: object[]) => void): CancelTimer {
        const max = Number(input.MaxNumberOfMessages ?? 1);
        const visibilitySeconds = Number(input.VisibilityTimeout ?? this.visibilityTimeoutSeconds);
        const endsAtMs = this.timers.now() + Number(input.WaitTimeSeconds ?? 0) * 1000;
        let cancelTimer: CancelTimer | undefined;
        const waiter: Waiter = {
            check: () => {
                cancelTimer?.();
                const taken = this.take(max, visibilitySeconds);
                if (taken.length > 0 || this.timers.now() >= endsAtMs) {
                    this.waiters.delete(waiter);
                    answer(taken);
                    return;
                }
                // Look again when the wait ends or an in-flight message turns visible, whichever comes first.
                const nextVisibleAtMs = Math.min(
                    ...this.messages
                        .filter((message) => !message.deleted && this.inFlight(message))
                        .map((message) => message.hiddenUntilMs),
                );
                cancelTimer = this.timers.schedule(
                    Math.min(endsAtMs, nextVisibleAtMs) - this.timers.now(),
                    waiter.check,
                );
            },
        };
        this.waiters.add(waiter);
        waiter.check();
        return () => {
            cancelTimer?.();
            this.waiters.delete(waiter);
        };
    }

    /** Takes up to `max` deliverable messages, hides them and returns them as ReceiveMessage does. */
    private take(max: number, visibilitySeconds: number): object[] {
        const live = this.messages.filter((message) => !message.deleted);
        let chosen: StoredMessage[];
        if (this.fifo) {
            // Groups in the order of their oldest message; a group with a message in flight gives nothing.
            const groups = new Map<string, StoredMessage[]>();
            live.forEach((message) =>
                groups.set(message.groupId ?? "", [...(groups.get(message.groupId ?? "") ?? []), message]),
            );
            chosen = [];
            for (const messages of groups.values()) {
                if (!messages.some((message) => this.inFlight(message))) {
                    chosen.push(...messages.slice(0, max - chosen.length));
                }
            }
        } else {
            chosen = live.filter((message) => !this.inFlight(message)).slice(0, max);
        }
        return chosen.map((message) => {
            message.receiveCount += 1;
            message.receiptHandle = `${message.id}/${message.receiveCount}`;
            message.hiddenUntilMs = this.timers.now() + visibilitySeconds * 1000;
            return {
                MessageId: message.id,
                ReceiptHandle: message.receiptHandle,
                Body: message.body,
                MD5OfBody: createHash("md5").update(message.body).digest("hex"),
                Attributes: {
                    ApproximateReceiveCount: String(message.receiveCount),
                    ...(message.groupId === undefined ? {} : { MessageGroupId: message.groupId }),
                },
            };
        });
    }

    private inFlight(message: StoredMessage): boolean {
        return message.hiddenUntilMs > this.timers.now();
    }

    private wakeWaiters(): void {
        [...this.waiters].forEach((waiter) => waiter.check());
    }
}

interface HandleOptions {
    abortSignal?: AbortSignal;
}
