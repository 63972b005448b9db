// The AWS limits and defaults the component validates against, the worker runtime relies on and the policy pack
// judges by, each with the service that imposes it. docs/aws-limits.md lists each one with its source.

/** SQS: a message is kept at least a minute and at most 14 days. */
export const MIN_RETENTION_SECONDS = 60;
export const MAX_RETENTION_SECONDS = 1_209_600;
/** SQS: the retention of a queue that sets none, 4 days. */
export const AWS_DEFAULT_MESSAGE_RETENTION_SECONDS = 345_600;
/** SQS's ceiling on a visibility timeout, and on the total time one receive may keep a message hidden: 12 hours. */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
/** SQS's longest long poll. */
export const MAX_RECEIVE_WAIT_TIME_SECONDS = 20;
/** SQS: the longest delivery delay, 15 minutes. */
export const MAX_DELAY_SECONDS = 900;
/** SQS: the message size limit may be set between 1 KiB and 1 MiB. */
export const MIN_MESSAGE_SIZE_BYTES = 1_024;
export const MAX_MESSAGE_SIZE_BYTES = 1_048_576;
/** SQS: a redrive policy's maxReceiveCount is 1 to 1,000. */
export const MAX_RECEIVE_COUNT = 1_000;
/** SQS: a queue name, `.fifo` included. */
export const MAX_QUEUE_NAME_LENGTH = 80;
/** SNS: a topic name, `.fifo` included. */
export const MAX_TOPIC_NAME_LENGTH = 256;

/** Fargate's ceiling on a container's stopTimeout, in seconds. */
export const MAX_STOP_TIMEOUT_SECONDS = 120;
/** ECS: a capacity provider strategy item's weight and base. */
export const MAX_STRATEGY_WEIGHT = 1_000;
export const MAX_STRATEGY_BASE = 100_000;
/** ECS: a cluster name, a service name and a task definition family. */
export const MAX_CLUSTER_NAME_LENGTH = 255;
export const MAX_SERVICE_NAME_LENGTH = 255;
export const MAX_TASK_FAMILY_LENGTH = 255;
/** Application Auto Scaling accepts far more, but an ECS service is capped at 5,000 tasks by default quotas. */
export const MAX_TASKS_LIMIT = 5_000;
/** Application Auto Scaling documents a floor of 0 only; more than a day is refused as a likely unit mistake. */
export const MAX_COOLDOWN_SECONDS = 86_400;

/** IAM: a role name. */
export const MAX_ROLE_NAME_LENGTH = 64;
/** EventBridge: a rule name, and an EventBridge Scheduler schedule name. */
export const MAX_EVENT_RULE_NAME_LENGTH = 64;
export const MAX_SCHEDULE_NAME_LENGTH = 64;
/** EventBridge: a FIFO target's message group ID. */
export const MAX_MESSAGE_GROUP_ID_LENGTH = 128;

/** CloudWatch: at most five actions per alarm state. */
export const MAX_ALARM_ACTIONS = 5;
/** CloudWatch: a dashboard name. */
export const MAX_DASHBOARD_NAME_LENGTH = 255;
/** CloudWatch Logs: the retention periods it accepts (0 would mean never expire; the component requires a bound). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** AWS resource tags: a key of 1 to 128 characters, a value of up to 256, at most 50 tags on a resource. */
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
export const MAX_TAGS_PER_RESOURCE = 50;
/** Tag keys starting with `aws:` (in any case) are AWS's own; no user may set them. */
export const RESERVED_TAG_KEY_PREFIX = "aws:";
