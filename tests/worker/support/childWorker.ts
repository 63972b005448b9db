// A worker process as the container runs it: options from the environment the component sets (QUEUE_URL,
// VISIBILITY_TIMEOUT_SECONDS, STOP_TIMEOUT_SECONDS, and ECS_AGENT_URI when given), JSON logs on stdout, SIGTERM
// handled by the runtime. Each message body is `{"jobMs": N}`: the job takes N ms and gives up when its signal aborts.
// WORKER_CONCURRENCY (a test setting, not one the component sets) raises the concurrency; WORKER_BATCH_RESULT=messages
// runs a batch handler instead, which resolves with its messages as sqs-consumer's handleMessageBatch does.
// Run with: node -r ts-node/register/transpile-only tests/worker/support/childWorker.ts
import { BatchFailure, BatchHandler, MessageHandler, runWorker } from "../../../worker/index";
import { JobEvent } from "./workerProcess";
import { delayUnlessAborted } from "./workers";

function print(event: JobEvent, messageId: string): void {
    process.stdout.write(`${JSON.stringify({ event, messageId })}\n`);
}

const handler: MessageHandler = async ({ body, messageId }, signal) => {
    print(JobEvent.Started, messageId);
    try {
        await delayUnlessAborted((JSON.parse(body) as { jobMs: number }).jobMs, signal);
    } catch (error) {
        print(JobEvent.Aborted, messageId);
        throw error;
    }
    print(JobEvent.Finished, messageId);
};

// What plain JavaScript written for sqs-consumer does; TypeScript would not let it through.
const batchHandlerReturningMessages: BatchHandler = async (messages) => messages as unknown as BatchFailure[];

runWorker({
    concurrency: Number(process.env.WORKER_CONCURRENCY ?? 1),
    ...(process.env.WORKER_BATCH_RESULT === "messages" ? { batchHandler: batchHandlerReturningMessages } : { handler }),
});
