// Rules for the job queue and its dead-letter queue, or for the existing queue the worker consumes instead.
import {
    MAX_DELAY_SECONDS,
    MAX_MESSAGE_SIZE_BYTES,
    MAX_RECEIVE_COUNT,
    MAX_RECEIVE_WAIT_TIME_SECONDS,
    MAX_RETENTION_SECONDS,
    MAX_VISIBILITY_TIMEOUT_SECONDS,
    MIN_MESSAGE_SIZE_BYTES,
    MIN_RETENTION_SECONDS,
} from "../../contract/awsLimits";
import { describe, isObject, isOutput, Problems } from "./problems";
import { WorkerSettings } from "../plan/settings";
import { BackgroundWorkerArgs } from "../types";
import { KMS_KEY_ARN, SQS_QUEUE_ARN } from "../../contract/arns";
import { arnOf } from "./formats";

/** With an existing queue, only what the worker must know of it; the rest is set where the queue is created. */
const EXISTING_QUEUE_SETTINGS = ["visibilityTimeoutSeconds", "kmsMasterKeyId"];

export function validateQueue(args: BackgroundWorkerArgs, settings: WorkerSettings, problems: Problems): void {
    const queue = settings.queue;
    const visibilityValid = problems.integer(
        "queue.visibilityTimeoutSeconds",
        queue.visibilityTimeoutSeconds,
        0,
        MAX_VISIBILITY_TIMEOUT_SECONDS,
        "seconds (12 hours)",
    );
    const retention = queue.messageRetentionSeconds;
    const deadLetterRetention = queue.deadLetterRetentionSeconds;
    const retentionValid = problems.integer(
        "queue.messageRetentionSeconds",
        retention,
        MIN_RETENTION_SECONDS,
        MAX_RETENTION_SECONDS,
        "seconds (14 days)",
    );
    problems.integer(
        "queue.receiveWaitTimeSeconds",
        queue.receiveWaitTimeSeconds,
        0,
        MAX_RECEIVE_WAIT_TIME_SECONDS,
        "seconds",
    );
    problems.integer("queue.delaySeconds", queue.delaySeconds, 0, MAX_DELAY_SECONDS, "seconds");
    if (queue.maxMessageSizeBytes !== undefined) {
        problems.integer(
            "queue.maxMessageSizeBytes",
            queue.maxMessageSizeBytes,
            MIN_MESSAGE_SIZE_BYTES,
            MAX_MESSAGE_SIZE_BYTES,
            "bytes",
        );
    }
    problems.integer("queue.maxReceiveCount", queue.maxReceiveCount, 1, MAX_RECEIVE_COUNT);
    const deadLetterValid = problems.integer(
        "queue.deadLetterRetentionSeconds",
        deadLetterRetention,
        MIN_RETENTION_SECONDS,
        MAX_RETENTION_SECONDS,
        "seconds (14 days)",
    );
    if (retentionValid && deadLetterValid) {
        if (deadLetterRetention < retention) {
            problems.add(
                "queue.deadLetterRetentionSeconds",
                `must be at least queue.messageRetentionSeconds (${retention}); got ${deadLetterRetention}. A message keeps ` +
                    "its original enqueue time when it moves to a standard dead-letter queue, so it would expire there early",
            );
        } else if (deadLetterRetention === retention && queue.fifo !== true) {
            // FIFO queues reset the enqueue time on the move; standard queues keep it.
            const fix =
                retention < MAX_RETENTION_SECONDS
                    ? `raise queue.deadLetterRetentionSeconds, up to ${MAX_RETENTION_SECONDS} (14 days)`
                    : "shorten queue.messageRetentionSeconds, since 14 days is the most SQS keeps a message";
            problems.warn(
                "queue.deadLetterRetentionSeconds",
                `equals queue.messageRetentionSeconds (${retention}): a message moved to the standard dead-letter queue keeps ` +
                    `its original enqueue time, so it expires there as soon as it would have in the source; ${fix}`,
            );
        }
    }
    problems.boolean("queue.fifo", queue.fifo);
    problems.boolean("queue.contentBasedDeduplication", queue.contentBasedDeduplication);
    if (queue.contentBasedDeduplication === true && queue.fifo !== true) {
        problems.add(
            "queue.contentBasedDeduplication",
            "applies only to FIFO queues: set queue.fifo to true as well, or remove it",
        );
    }
    const kmsMasterKeyId = args.queue?.kmsMasterKeyId;
    if (
        kmsMasterKeyId !== undefined &&
        !isOutput(kmsMasterKeyId) &&
        (typeof kmsMasterKeyId !== "string" || !KMS_KEY_ARN.test(kmsMasterKeyId))
    ) {
        problems.add(
            "queue.kmsMasterKeyId",
            "must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab, not an " +
                `alias or key ID: the task role is granted kms:Decrypt on the key's ARN; got ${describe(kmsMasterKeyId)}`,
        );
    }
    const stopTimeout = settings.container?.stopTimeoutSeconds;
    if (visibilityValid && typeof stopTimeout === "number" && queue.visibilityTimeoutSeconds < stopTimeout) {
        problems.warn(
            "queue.visibilityTimeoutSeconds",
            `(${queue.visibilityTimeoutSeconds}) is shorter than container.stopTimeoutSeconds (${stopTimeout}): a message ` +
                "being drained after SIGTERM can reappear and be processed twice unless the worker extends its visibility",
        );
    }
    const processing = settings.scaling.averageProcessingSeconds;
    if (
        visibilityValid &&
        typeof processing === "number" &&
        Number.isFinite(processing) &&
        queue.visibilityTimeoutSeconds < processing
    ) {
        problems.warn(
            "queue.visibilityTimeoutSeconds",
            `(${queue.visibilityTimeoutSeconds}) is shorter than scaling.averageProcessingSeconds (${processing}): most ` +
                "messages would reappear while they are still being processed, and run twice, unless the worker extends " +
                "their visibility as @background-worker/runtime does. Set it above the time one job takes",
        );
    }
}

export function validateExistingQueue(args: BackgroundWorkerArgs, problems: Problems): void {
    const existing = args.existingQueue;
    if (existing === undefined) {
        return;
    }
    if (!isObject(existing)) {
        problems.add("existingQueue", `must be an object with the queue's arn and url; got ${describe(existing)}`);
        return;
    }
    const queueExample = "arn:aws:sqs:us-east-1:123456789012:orders";
    if (existing.arn === undefined || existing.arn === null || existing.arn === "") {
        problems.add("existingQueue.arn", "is required: the ARN of the queue to consume");
    } else {
        arnOf(problems, "existingQueue.arn", existing.arn, SQS_QUEUE_ARN, queueExample);
    }
    if (existing.url === undefined || existing.url === null || existing.url === "") {
        problems.add(
            "existingQueue.url",
            "is required: the URL of the queue to consume, which the worker reads from QUEUE_URL",
        );
    }
    const hasDeadLetterArn = existing.deadLetterQueueArn !== undefined;
    const hasDeadLetterUrl = existing.deadLetterQueueUrl !== undefined;
    if (hasDeadLetterArn !== hasDeadLetterUrl) {
        const [missing, given] = hasDeadLetterArn
            ? ["deadLetterQueueUrl", "deadLetterQueueArn"]
            : ["deadLetterQueueArn", "deadLetterQueueUrl"];
        problems.add(
            `existingQueue.${missing}`,
            `is required when existingQueue.${given} is given: the worker needs the URL, the alarm the ARN`,
        );
    }
    if (hasDeadLetterArn) {
        arnOf(
            problems,
            "existingQueue.deadLetterQueueArn",
            existing.deadLetterQueueArn,
            SQS_QUEUE_ARN,
            `${queueExample}-dlq`,
        );
    }
    if (args.sources !== undefined) {
        problems.add(
            "sources",
            "cannot be given together with existingQueue: admitting SNS or EventBridge needs the queue's policy, which belongs " +
                "to the queue's owner and would be overwritten. Subscribe the queue where it is created, or let the component create it",
        );
    }
    for (const key of Object.keys(args.queue ?? {})) {
        if (!EXISTING_QUEUE_SETTINGS.includes(key)) {
            problems.add(
                `queue.${key}`,
                "cannot be given together with existingQueue: the component creates no queue; set it where the queue is created " +
                    `(only ${EXISTING_QUEUE_SETTINGS.map((setting) => `queue.${setting}`).join(" and ")} apply to an existing queue)`,
            );
        }
    }
}
