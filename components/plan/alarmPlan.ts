// The operational alarms of a worker as plain data: which queue, which SQS metric, which threshold. They tell a person
// that something needs a look; the scaling alarms (scalingPlan.ts) act on their own. alarms.ts turns this plan into
// CloudWatch alarms; the simulator and the policy pack can read the same plan without a provider.
import { AlarmSettings } from "./settings";
import { AlarmComparison, METRIC_PERIOD_SECONDS } from "./scalingPlan";

/** Which of the worker's queues an alarm watches. */
export type AlarmedQueue = "queue" | "deadLetterQueue";

/** One single-metric CloudWatch alarm on an SQS queue. */
export interface PlannedQueueAlarm {
    /** Names the alarm's resource (`${name}-${key}-alarm`), so it never depends on which other alarms exist. */
    key: "dlq-not-empty" | "message-age" | "queue-depth";
    description: string;
    queue: AlarmedQueue;
    metricName: "ApproximateNumberOfMessagesVisible" | "ApproximateAgeOfOldestMessage";
    stat: "Maximum" | "Average";
    periodSeconds: number;
    evaluationPeriods: number;
    datapointsToAlarm: number;
    threshold: number;
    comparison: AlarmComparison;
    /** SQS publishes nothing for a queue idle for about six hours: silence is not a failure. */
    treatMissingData: "notBreaching";
}

/** A queue-depth-high alarm: two consecutive one-minute averages above the threshold, so one spike is not a page. */
const QUEUE_DEPTH_EVALUATION_PERIODS = 2;

/**
 * Decides the operational alarms. Pure: same settings, same alarms. The dead-letter alarm exists only when there is
 * a dead-letter queue (an existing queue may come without one).
 */
export function planAlarms(settings: AlarmSettings, hasDeadLetterQueue: boolean): PlannedQueueAlarm[] {
    const alarms: PlannedQueueAlarm[] = [];
    if (settings.deadLetterQueueNotEmpty && hasDeadLetterQueue) {
        alarms.push({
            key: "dlq-not-empty",
            description:
                "A message reached the dead-letter queue: a job failed every allowed receive. Inspect it, fix the cause, then redrive.",
            queue: "deadLetterQueue",
            metricName: "ApproximateNumberOfMessagesVisible",
            // Maximum, so one message seen at any moment of the minute is enough.
            stat: "Maximum",
            periodSeconds: METRIC_PERIOD_SECONDS,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            threshold: 0,
            comparison: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
        });
    }
    if (settings.maxMessageAgeSeconds !== undefined) {
        alarms.push({
            key: "message-age",
            description: `The oldest waiting message is older than ${settings.maxMessageAgeSeconds} s: jobs are stuck or the service cannot keep up.`,
            queue: "queue",
            metricName: "ApproximateAgeOfOldestMessage",
            // The age already integrates time: one datapoint above it means a message has waited that long.
            stat: "Maximum",
            periodSeconds: METRIC_PERIOD_SECONDS,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            threshold: settings.maxMessageAgeSeconds,
            comparison: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
        });
    }
    if (settings.queueDepthThreshold !== undefined) {
        alarms.push({
            key: "queue-depth",
            description: `More than ${settings.queueDepthThreshold} messages have been waiting for ${QUEUE_DEPTH_EVALUATION_PERIODS} minutes.`,
            queue: "queue",
            metricName: "ApproximateNumberOfMessagesVisible",
            stat: "Average",
            periodSeconds: METRIC_PERIOD_SECONDS,
            evaluationPeriods: QUEUE_DEPTH_EVALUATION_PERIODS,
            datapointsToAlarm: QUEUE_DEPTH_EVALUATION_PERIODS,
            threshold: settings.queueDepthThreshold,
            comparison: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
        });
    }
    return alarms;
}
