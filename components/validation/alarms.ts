// Rules for the operational alarms on the queues.
import { MAX_ALARM_ACTIONS, MAX_RETENTION_SECONDS, MIN_RETENTION_SECONDS } from "../../contract/awsLimits";
import { describe, isObject, Problems } from "./problems";
import { WorkerSettings } from "../plan/settings";
import { BackgroundWorkerArgs } from "../types";
import { FIFO_SUFFIX, SNS_TOPIC_ARN } from "../../contract/arns";
import { arnOf } from "./formats";

/**
 * Why an alarm cannot notify `topicArn`, when it is a FIFO topic: a FIFO topic delivers only to SQS queues, never to
 * the email, chat or paging subscriptions someone on call reads, and every publish to it needs a message group ID.
 */
export function fifoAlarmTopicProblem(topicArn: unknown): string | undefined {
    if (typeof topicArn !== "string" || !topicArn.endsWith(FIFO_SUFFIX)) {
        return undefined;
    }
    return (
        "must be a standard SNS topic, not a FIFO topic (its name ends in .fifo): a FIFO topic delivers only to SQS " +
        "queues, so an alarm on it reaches no email, chat or paging subscription, and every publish to it needs a " +
        "message group ID; " +
        `got ${describe(topicArn)}`
    );
}

export function validateAlarms(args: BackgroundWorkerArgs, settings: WorkerSettings, problems: Problems): void {
    const alarms = args.alarms;
    if (alarms === undefined) {
        return;
    }
    if (!isObject(alarms)) {
        problems.add("alarms", `must be an object; got ${describe(alarms)}`);
        return;
    }
    const resolved = settings.alarms;
    problems.boolean("alarms.deadLetterQueueNotEmpty", resolved.deadLetterQueueNotEmpty);
    if (
        alarms.deadLetterQueueNotEmpty === true &&
        isObject(args.existingQueue) &&
        args.existingQueue.deadLetterQueueArn === undefined
    ) {
        problems.add(
            "alarms.deadLetterQueueNotEmpty",
            "needs a dead-letter queue: give existingQueue.deadLetterQueueArn and existingQueue.deadLetterQueueUrl, or set it to false",
        );
    }
    if (resolved.maxMessageAgeSeconds !== undefined) {
        // A message older than the retention is deleted, so the alarm could never fire above it.
        const retention = settings.queue.messageRetentionSeconds;
        const ceiling =
            args.existingQueue === undefined && Number.isInteger(retention) ? retention : MAX_RETENTION_SECONDS;
        const unit = args.existingQueue === undefined ? "seconds (up to queue.messageRetentionSeconds)" : "seconds";
        problems.integer(
            "alarms.maxMessageAgeSeconds",
            resolved.maxMessageAgeSeconds,
            MIN_RETENTION_SECONDS,
            ceiling,
            unit,
        );
    }
    const depth = resolved.queueDepthThreshold;
    if (depth !== undefined && (typeof depth !== "number" || !Number.isSafeInteger(depth) || depth < 0)) {
        problems.add(
            "alarms.queueDepthThreshold",
            `must be a whole number of messages, 0 or more; got ${describe(depth)}`,
        );
    }
    const actions = alarms.actionArns;
    if (actions !== undefined) {
        if (!Array.isArray(actions)) {
            problems.add("alarms.actionArns", `must be a list of SNS topic ARNs; got ${describe(actions)}`);
        } else if (actions.length > MAX_ALARM_ACTIONS) {
            problems.add(
                "alarms.actionArns",
                `must list at most ${MAX_ALARM_ACTIONS} topics, CloudWatch's limit per alarm state; got ${actions.length}`,
            );
        } else {
            actions.forEach((action, index) => {
                const path = `alarms.actionArns[${index}]`;
                if (arnOf(problems, path, action, SNS_TOPIC_ARN, "arn:aws:sns:us-east-1:123456789012:on-call")) {
                    const fifo = fifoAlarmTopicProblem(action);
                    if (fifo) {
                        problems.add(path, fifo);
                    }
                }
            });
        }
    }
}
