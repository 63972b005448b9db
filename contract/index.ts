// The contract between the BackgroundWorker component, the worker runtime that runs in its container, and the policy
// pack that judges what either deploys, and the AWS facts all three rely on: limits (awsLimits.ts), name rules and ARN
// formats (arns.ts), and the grammar of scheduled-action expressions (schedule.ts). It imports no package: it is
// compiled into each package that needs it, so the component never pulls in the AWS SDK, the runtime never pulls in
// Pulumi, and the pack imports neither.
import { MAX_STOP_TIMEOUT_SECONDS } from "./awsLimits";

export * from "./arns";
export * from "./awsLimits";
export * from "./schedule";

/** Environment variables the component sets on the worker's container, and the runtime reads. */
export enum WorkerEnvironment {
    /** The URL of the queue the worker consumes. */
    QueueUrl = "QUEUE_URL",
    /** The URL of that queue's dead-letter queue. */
    DeadLetterQueueUrl = "DEAD_LETTER_QUEUE_URL",
    /** The queue's visibility timeout, the time a received message stays hidden before it must be extended. */
    VisibilityTimeoutSeconds = "VISIBILITY_TIMEOUT_SECONDS",
    /** The container's stopTimeout: the time between SIGTERM and SIGKILL. */
    StopTimeoutSeconds = "STOP_TIMEOUT_SECONDS",
}

/** Every name in WorkerEnvironment: a container's own environment may not set them. */
export const WORKER_ENVIRONMENT_NAMES: readonly WorkerEnvironment[] = Object.values(WorkerEnvironment);

/** Set by ECS itself in every task (agent v1.39+): the endpoint task scale-in protection is asked through. */
export const ECS_AGENT_URI_ENVIRONMENT_NAME = "ECS_AGENT_URI";

/** The stopTimeout when none is given: all of it, since a Spot interruption warns only two minutes ahead. */
export const DEFAULT_STOP_TIMEOUT_SECONDS = MAX_STOP_TIMEOUT_SECONDS;

/**
 * The tag key that says what a CloudWatch alarm is for. Alarms that drive scaling fire as part of normal operation and
 * notify no one; operational alarms should reach a person. The component tags every alarm it creates; dashboards and
 * the policy pack tell the two apart by this tag alone.
 */
export const ALARM_PURPOSE_TAG = "background-worker:alarm-purpose";

/** The values of ALARM_PURPOSE_TAG. */
export enum AlarmPurpose {
    /** The alarm triggers an Application Auto Scaling policy; it needs no notification action. */
    Scaling = "scaling",
    /** The alarm reports a problem a person should act on; it needs a notification action. */
    Operational = "operational",
}
