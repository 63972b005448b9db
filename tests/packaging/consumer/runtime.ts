// The runtime's types as a TypeScript user meets them: a typed handler, checked by `tsc --noEmit`.
import { MessageHandler, runWorker, WorkerMessage } from "@background-worker/runtime";

const handler: MessageHandler = async (message: WorkerMessage, signal: AbortSignal) => {
    if (signal.aborted) {
        return;
    }
    JSON.parse(message.body);
};

export const worker = runWorker({ handler, concurrency: 2 });
