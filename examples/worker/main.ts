// A minimal worker for the BackgroundWorker component: the code inside the container image the component runs.
// The runtime reads what it needs from the environment the component and ECS set (QUEUE_URL,
// VISIBILITY_TIMEOUT_SECONDS, STOP_TIMEOUT_SECONDS, ECS_AGENT_URI), so all that is left to write is the job.
import { runWorker } from "@background-worker/runtime";

/** What the producer sends: render a report of `pages` pages. */
interface RenderReportJob {
    reportId: string;
    pages: number;
}

/** Stands in for real work, a few seconds per page; stops at once when the worker gives the message up. */
function renderPage(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, 2_000);
        signal.addEventListener("abort", () => {
            clearTimeout(timer);
            reject(signal.reason);
        });
    });
}

runWorker({
    // Rendering waits on I/O, so a task can work on a few reports at once.
    concurrency: 4,
    // Reports take minutes: keep no more than one waiting per slot, hidden from the other tasks meanwhile.
    prefetchMessages: 1,
    // Processed, failed and in-flight counts reach CloudWatch through the awslogs driver, with no agent.
    metrics: { service: "report-worker" },
    handler: async (message, signal) => {
        const job = JSON.parse(message.body) as RenderReportJob;
        for (let page = 1; page <= job.pages; page++) {
            // Aborted at the shutdown deadline: the message is back in the queue and another task will redo the
            // report, so stop here rather than write a half-finished one. Pass `signal` on to fetch() and SDK calls.
            signal.throwIfAborted();
            await renderPage(signal);
        }
        // Resolving deletes the message; throwing would retry it after a backoff, then park it in the dead-letter queue.
    },
});
