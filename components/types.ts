// The public argument types of the component package.
//
// One rule shapes every field: settings are plain values (numbers, booleans, enums and lists of them), known when the
// component is constructed, so they can be validated, planned and simulated before anything is created; references
// to other resources (ARNs, IDs, URLs, images, secrets) are `pulumi.Input`s. Defaults are written in prose ("Defaults
// to ..."), because the schema Pulumi infers for other languages drops `@default` tags. Choices are `as const` objects
// with a type of the same name, the one union the schema analyzer turns into an enum: TypeScript code may write
// `CapacityProvider.FargateSpot` or `"FARGATE_SPOT"`, as JavaScript and YAML do, and the schema keeps its enums.
// Every nested type has a distinct name: the schema analyzer merges types by simple name.
import * as pulumi from "@pulumi/pulumi";

/** The ECS capacity provider a share of the worker's tasks runs on. */
export const CapacityProvider = {
    /** On-demand Fargate capacity: never interrupted. */
    Fargate: "FARGATE",
    /** Spare Fargate capacity at about 70 % off; AWS may reclaim a task with a two-minute warning. */
    FargateSpot: "FARGATE_SPOT",
} as const;
/** A capacity provider: `CapacityProvider.FargateSpot`, or its value as a string, `"FARGATE_SPOT"`. */
export type CapacityProvider = (typeof CapacityProvider)[keyof typeof CapacityProvider];

/** The CPU architecture of the worker's container image. */
export const CpuArchitecture = {
    /** 64-bit x86 (Intel and AMD). */
    X86_64: "X86_64",
    /** 64-bit ARM (AWS Graviton): about 20 % cheaper per vCPU-hour on Fargate. */
    ARM64: "ARM64",
} as const;
/** A CPU architecture: `CpuArchitecture.ARM64`, or its value as a string, `"ARM64"`. */
export type CpuArchitecture = (typeof CpuArchitecture)[keyof typeof CpuArchitecture];

/** The container the component runs as the worker: it builds the task definition from these settings. */
export interface WorkerContainer {
    /** The container image to run, for example an ECR image URI with a tag or digest. Required. */
    image: pulumi.Input<string>;
    /**
     * CPU units for the task (1024 units = 1 vCPU); a plain value. Each size allows these memory sizes (MiB):
     * 256: 512, 1024, 2048; 512: 1024 to 4096 in steps of 1024; 1024: 2048 to 8192 in steps of 1024; 2048: 4096 to
     * 16384 in steps of 1024; 4096: 8192 to 30720 in steps of 1024; 8192: 16384 to 61440 in steps of 4096; 16384:
     * 32768 to 122880 in steps of 8192. Defaults to 256.
     */
    cpu?: number;
    /**
     * Memory for the task in MiB; a plain value, one of the sizes Fargate allows for `cpu` (listed there). Defaults to
     * 512.
     */
    memory?: number;
    /** The command to run, overriding the image's CMD; a plain list of strings. Defaults to the image's own. */
    command?: string[];
    /**
     * Environment variables for the container. Values may come from other resources. The component adds
     * QUEUE_URL, DEAD_LETTER_QUEUE_URL, VISIBILITY_TIMEOUT_SECONDS and STOP_TIMEOUT_SECONDS, which the worker runtime
     * reads; do not set those names yourself. Put secrets in `secrets`, never here.
     */
    environment?: { [name: string]: pulumi.Input<string> };
    /**
     * Secrets injected as environment variables: a map from variable name to the ARN of a Secrets Manager secret (or
     * a JSON key of one) or an SSM parameter. The execution role may read exactly these ARNs and nothing else.
     */
    secrets?: { [name: string]: pulumi.Input<string> };
    /** The CPU architecture of the image; a plain enum. Defaults to X86_64. */
    architecture?: CpuArchitecture;
    /**
     * Seconds ECS waits after SIGTERM before it kills the container (0 to 120 on Fargate); a plain value. Defaults to
     * 120, the most Fargate allows: Fargate Spot gives two minutes' warning, and the worker runtime drains in that time.
     */
    stopTimeoutSeconds?: number;
    /**
     * Days the container's logs are kept in CloudWatch Logs; a plain value and one of 1, 3, 5, 7, 14, 30, 60, 90,
     * 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653. Defaults to 30.
     */
    logRetentionDays?: number;
    /**
     * Mount the container's root filesystem read-only (Security Hub ECS.5); a plain value. A writable, task-scoped
     * volume is mounted at `/tmp` for scratch files, so most workers need no change; write anything else there or to
     * S3. Set false only for an image that must write elsewhere. Defaults to true.
     */
    readonlyRootFilesystem?: boolean;
}

/**
 * Settings of the job queue and its dead-letter queue: plain values, except `kmsMasterKeyId`, a reference to a key.
 * With `existingQueue`, only `visibilityTimeoutSeconds` (what the worker is told) and `kmsMasterKeyId` (the key the
 * existing queue uses) apply; the others are rejected, since the component creates no queue.
 */
export interface WorkerQueue {
    /**
     * Seconds a received message stays hidden from other consumers (0 to 43200). Set it above the time one job takes;
     * the worker runtime extends it while a job runs. Defaults to 300.
     */
    visibilityTimeoutSeconds?: number;
    /** Seconds SQS keeps an unprocessed message (60 to 1209600, i.e. 14 days). Defaults to 345600 (4 days). */
    messageRetentionSeconds?: number;
    /**
     * Seconds a receive call waits for a message to arrive (long polling, 0 to 20). Defaults to 20, which cuts empty
     * receives (and their cost) to about three a minute per poller.
     */
    receiveWaitTimeSeconds?: number;
    /** Seconds every new message is hidden before its first delivery (0 to 900). Defaults to 0. */
    delaySeconds?: number;
    /** The largest message SQS accepts, in bytes (1024 to 1048576). Defaults to AWS's own default when unset. */
    maxMessageSizeBytes?: number;
    /**
     * How many times a message may be received before SQS moves it to the dead-letter queue (1 to 1000). Defaults to 5.
     */
    maxReceiveCount?: number;
    /**
     * Seconds the dead-letter queue keeps a message (60 to 1209600). It must be at least `messageRetentionSeconds`:
     * a standard queue keeps a message's original enqueue time when it moves to the dead-letter queue, so a shorter
     * retention there deletes failed messages before anyone looks. Defaults to 1209600 (14 days, the maximum).
     */
    deadLetterRetentionSeconds?: number;
    /**
     * Make the job queue and its dead-letter queue FIFO queues: exactly-once processing and order within a message
     * group, at up to 300 messages a second per API action (3,000 in batches) without high-throughput mode. Their
     * generated names end in `.fifo`. Only FIFO SNS topics can subscribe to a FIFO queue. A plain value. Cannot be
     * changed after creation: changing it replaces both queues and loses their messages. Defaults to false.
     */
    fifo?: boolean;
    /**
     * Let SQS deduplicate messages by a SHA-256 hash of their body, so senders need not give a deduplication ID.
     * Only with `fifo`; required when `sources.eventRules` feed a FIFO queue, since EventBridge sends no
     * deduplication ID. A plain value. Defaults to false.
     */
    contentBasedDeduplication?: boolean;
    /**
     * The ARN of a customer-managed KMS key that encrypts both queues, instead of SQS-managed keys (SSE-SQS). The
     * task role may use this key to decrypt, and no other. The key must be in the queue's region, and its key policy
     * must let IAM policies of the account grant its use (the default key policy does). SNS topics and EventBridge
     * rules that send to the queue deliver nothing until the key policy also allows the services
     * `sns.amazonaws.com` and `events.amazonaws.com` the actions `kms:GenerateDataKey*` and `kms:Decrypt` on the key
     * (with the condition `aws:SourceAccount` equal to your account); every other sender needs `kms:GenerateDataKey`
     * and `kms:Decrypt` on the key in its own IAM policy. An AWS-managed key (`alias/aws/sqs`) cannot be used with SNS
     * or EventBridge, since its key policy cannot be changed. An ARN, not an alias: IAM permissions are granted on key
     * ARNs. With `existingQueue`, give the key that queue is encrypted with. Defaults to SSE-SQS.
     */
    kmsMasterKeyId?: pulumi.Input<string>;
}

/** One entry of the capacity provider strategy: which capacity runs what share of the tasks. */
export interface CapacityProviderStrategyItem {
    /** The capacity provider; a plain enum. Required. */
    capacityProvider: CapacityProvider;
    /**
     * The relative share of tasks beyond the bases that run on this provider (0 to 1000); a plain value. Defaults to 1.
     */
    weight?: number;
    /**
     * How many tasks run on this provider before weights apply (0 to 100000); only one entry may have a base above 0.
     * A plain value. Defaults to 0.
     */
    base?: number;
}

/** A scheduled change of the task bounds, for load that follows the clock. */
export interface WorkerSchedule {
    /**
     * A name for this schedule, unique within the worker; it names the scheduled action, so reordering the list
     * replaces nothing. Letters, digits, `-` and `_`. Required.
     */
    name: string;
    /**
     * When it applies: `cron(minutes hours day-of-month month day-of-week year)`, `rate(value unit)` or
     * `at(yyyy-mm-ddThh:mm:ss)`. Required.
     */
    schedule: string;
    /** The IANA time zone the schedule is read in, for example `Europe/Paris`. Defaults to UTC. */
    timezone?: string;
    /**
     * The minimum number of tasks from this time on: a whole number from 0 to 5000. At least one of `minTasks` and
     * `maxTasks` is required.
     */
    minTasks?: number;
    /**
     * The maximum number of tasks from this time on: a whole number from 0 to 5000. At least one of `minTasks` and
     * `maxTasks` is required.
     */
    maxTasks?: number;
}

/** How the worker scales with its queue; all plain values, so the plan can be checked and simulated before deploy. */
export interface WorkerScaling {
    /**
     * The fewest tasks the service runs. 0 lets it scale to zero when the queue is empty; a single message then wakes
     * it, with its first task running about 4 minutes after the message arrives and at most about 6.5 (the queue's
     * metrics lag, two one-minute alarm periods, then the task's launch). A whole number from 0 to 5000. Defaults to 1.
     */
    minTasks?: number;
    /** The most tasks the service runs: a whole number from 1 to 5000, and at least `minTasks`. Defaults to 10. */
    maxTasks?: number;
    /**
     * How many messages each running task may have waiting before the service scales out: the target of the
     * backlog-per-task policy. Above 0. Set either this or both `acceptableLatencySeconds` and
     * `averageProcessingSeconds`. Defaults to 10.
     */
    targetBacklogPerTask?: number;
    /**
     * The longest a message should wait before a task starts on it, in seconds. Together with
     * `averageProcessingSeconds` it sets the backlog target to floor(latency / processing) (Little's law). Unset by
     * default.
     */
    acceptableLatencySeconds?: number;
    /** How long one message takes to process on average, in seconds; used with `acceptableLatencySeconds`. */
    averageProcessingSeconds?: number;
    /**
     * Count messages being processed (ApproximateNumberOfMessagesNotVisible) in the backlog as well as waiting ones,
     * so capacity follows all work in hand and the service does not shrink while jobs still run. Busy tasks are also
     * kept from scale-in by task protection, which the worker runtime holds while a job runs. Defaults to true.
     */
    countInFlight?: boolean;
    /**
     * Seconds after a scale-out before another scale-out may start (a larger one still may). The default covers the
     * metric lag plus a task's launch, so target tracking does not scale out again on a backlog that the tasks it just
     * started have not been counted against yet. A whole number from 0 to 86400. Defaults to 300.
     */
    scaleOutCooldownSeconds?: number;
    /**
     * Seconds after a scale-in before the scale-in step policy may remove tasks again; at least the metric lag plus a
     * minute, or it removes the same tasks twice. A whole number from 0 to 86400. Defaults to 300, ECS's own default.
     */
    scaleInCooldownSeconds?: number;
    /**
     * Never remove tasks automatically: no scale-in step policy and no drain to `minTasks` are created (schedules still
     * change the bounds). Defaults to false.
     */
    disableScaleIn?: boolean;
    /**
     * Add a catch-up step policy next to the backlog target tracking, on an alarm of the component's own: when the
     * work in hand asks for at least one task more than the service has (work / target - desired tasks) in a single
     * minute, it adds the missing tasks at once. Target tracking needs three breaching minutes before its first
     * scale-out; a batch dropped on the queue waits that long for nothing. Costs one more CloudWatch alarm. Defaults
     * to true.
     */
    burstScaleOut?: boolean;
    /** Scheduled changes of `minTasks` and `maxTasks`, for predictable load. Defaults to none. */
    schedules?: WorkerSchedule[];
    /**
     * Keep the queue "active" for CloudWatch while the service sits at zero: SQS stops publishing a queue's metrics
     * after about six hours without messages or API calls, and the first datapoints after that can take up to 15
     * minutes, which delays the wake-up. An EventBridge Scheduler schedule reads the queue's attributes once an hour
     * (720 calls a month, inside Scheduler's free tier). Defaults to true when the service can scale to zero, and is
     * ignored otherwise.
     */
    keepQueueActive?: boolean;
}

/** Which part of an SNS message a subscription's filter policy is matched against. */
export const SnsFilterPolicyScope = {
    /** The message attributes, SNS's original behaviour. */
    MessageAttributes: "MessageAttributes",
    /** The message body, which must then be JSON. */
    MessageBody: "MessageBody",
} as const;
/** A filter policy scope: `SnsFilterPolicyScope.MessageBody`, or its value as a string, `"MessageBody"`. */
export type SnsFilterPolicyScope = (typeof SnsFilterPolicyScope)[keyof typeof SnsFilterPolicyScope];

/** An EventBridge rule whose matching events the component delivers to the job queue. */
export interface WorkerEventRule {
    /**
     * A name for this rule, unique within the worker; it names the rule's resources, so reordering the list replaces
     * nothing. 1 to 64 letters, digits, `-` and `_`. Required.
     */
    name: string;
    /** The event pattern, as a JSON string, for example `{"source":["aws.s3"]}`. A plain value. Required. */
    eventPattern: string;
    /** The name or ARN of the event bus the rule watches. Defaults to the account's default bus. */
    eventBusName?: pulumi.Input<string>;
    /**
     * The message group of the events this rule sends, when the queue is FIFO; a plain value of 1 to 128 characters.
     * FIFO queues deliver one group's messages in order, one at a time. Defaults to the rule's `name`.
     */
    messageGroupId?: string;
}

/**
 * Where the job queue's messages come from besides direct sends. Each source gets its own subscription or rule, and
 * one statement in the queue's single policy that admits that service from exactly these topics or rules.
 */
export interface WorkerSources {
    /**
     * ARNs of existing SNS topics the queue subscribes to, with raw message delivery (the queue receives the message
     * as published, not wrapped in an SNS envelope). With `queue.fifo`, every topic must be a FIFO topic (its ARN ends
     * in `.fifo`). Defaults to none.
     */
    snsTopicArns?: pulumi.Input<string>[];
    /**
     * Whether the topics in `snsTopicArns` are FIFO topics; a plain value. A standard topic cannot deliver to a FIFO
     * queue, and an ARN that is an Output (a topic created in the same program) is not known before deployment, so
     * with `queue.fifo` the component needs this to check the subscription when it is constructed; it also checks
     * that each ARN ends in `.fifo` as soon as the ARN is known. Defaults to true when every ARN is a plain string
     * ending in `.fifo`, and to false otherwise.
     */
    snsTopicsFifo?: boolean;
    /**
     * An SNS filter policy, as a JSON string, applied to every topic subscription: only matching messages reach the
     * queue. A plain value. Defaults to none (every message).
     */
    snsFilterPolicy?: string;
    /**
     * What `snsFilterPolicy` is matched against; a plain enum, only with `snsFilterPolicy`. Defaults to
     * MessageAttributes.
     */
    snsFilterPolicyScope?: SnsFilterPolicyScope;
    /** EventBridge rules that deliver matching events to the queue. Defaults to none. */
    eventRules?: WorkerEventRule[];
}

/**
 * A queue created elsewhere for the worker to consume. The component creates no queue, dead-letter queue or queue
 * policy (the owner's policy stays untouched), scopes the task role to this queue, and still scales and alarms on it.
 */
export interface WorkerExistingQueue {
    /** The queue's ARN. Its name, the last part of the ARN, is the dimension of the scaling metrics. Required. */
    arn: pulumi.Input<string>;
    /** The queue's URL, which the worker reads from QUEUE_URL. Required. */
    url: pulumi.Input<string>;
    /** The ARN of the queue's dead-letter queue, for its alarm and outputs; give it with `deadLetterQueueUrl`. */
    deadLetterQueueArn?: pulumi.Input<string>;
    /** The URL of the queue's dead-letter queue, passed to the worker as DEAD_LETTER_QUEUE_URL; with the ARN. */
    deadLetterQueueUrl?: pulumi.Input<string>;
}

/**
 * Operational CloudWatch alarms on the queues, separate from the scaling alarms. All treat missing data as not
 * breaching: SQS publishes nothing for a queue idle for about six hours.
 */
export interface WorkerAlarms {
    /**
     * Alarm as soon as the dead-letter queue holds a message (ApproximateNumberOfMessagesVisible above 0): each one is
     * a job that failed `queue.maxReceiveCount` times. Only when there is a dead-letter queue. Defaults to true.
     */
    deadLetterQueueNotEmpty?: boolean;
    /**
     * Alarm when the oldest waiting message is older than this many seconds (ApproximateAgeOfOldestMessage): work is
     * stuck or the service cannot keep up. 60 up to the queue's retention. Defaults to no such alarm.
     */
    maxMessageAgeSeconds?: number;
    /**
     * Alarm when the average number of visible messages stays above this for two one-minute periods, for example
     * 100. A whole number of messages, 0 or more. Defaults to no such alarm.
     */
    queueDepthThreshold?: number;
    /**
     * ARNs of SNS topics notified when an alarm fires and when it recovers; at most 5, CloudWatch's limit per state.
     * Defaults to none (the alarms are visible in the console only).
     */
    actionArns?: pulumi.Input<string>[];
}

/** The arguments of a BackgroundWorker. */
export interface BackgroundWorkerArgs {
    /** The ARN of the ECS cluster the service runs in, for example a WorkerCluster's `arn`. Required. */
    clusterArn: pulumi.Input<string>;
    /** The subnets the tasks run in; private subnets with a NAT gateway or VPC endpoints. Required, not empty. */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Security groups for the tasks. When omitted, the component creates one in the subnets' VPC that allows all
     * outbound traffic and no inbound traffic: a worker pulls its work, nothing connects to it.
     */
    securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Give each task a public IP address; a plain value. Only for public subnets without NAT. Defaults to false. */
    assignPublicIp?: boolean;
    /** The container to run. Give either this or `taskDefinitionArn`. */
    container?: WorkerContainer;
    /**
     * The ARN of a task definition built elsewhere. Give either this or `container`. Its
     * container must read the queue URL from its own configuration, and its task role needs the queue permissions.
     */
    taskDefinitionArn?: pulumi.Input<string>;
    /** Settings of the job queue and the dead-letter queue. Defaults as documented on each field. */
    queue?: WorkerQueue;
    /**
     * Consume a queue created elsewhere instead of creating one. Not together with `sources`: subscribing it would
     * overwrite its owner's queue policy. Defaults to a queue and dead-letter queue of the component's own.
     */
    existingQueue?: WorkerExistingQueue;
    /** SNS topics and EventBridge rules that feed the queue. Defaults to none: only direct sends. */
    sources?: WorkerSources;
    /** Operational alarms on the queues. Defaults as documented on each field. */
    alarms?: WorkerAlarms;
    /**
     * Which capacity runs the tasks. Defaults to FARGATE_SPOT with weight 4 and FARGATE with weight 1 and no base:
     * about four tasks in five on Spot.
     */
    capacityProviderStrategy?: CapacityProviderStrategyItem[];
    /** How the worker scales with its queue. Defaults as documented on each field. */
    scaling?: WorkerScaling;
    /**
     * Create a CloudWatch dashboard for the worker: backlog per task against its target, queue and dead-letter queue
     * depth, desired and running tasks, the state of every alarm the component creates, CPU and memory, and a paragraph
     * on what the scaling does. Its name is `<project>-<stack>-<worker name>` (hashed when longer than CloudWatch's 255
     * characters), so stacks sharing an account keep their own. A plain value. Defaults to true.
     */
    dashboard?: boolean;
    /** Tags applied to every child resource that takes tags. */
    tags?: { [key: string]: pulumi.Input<string> };
}

/** The arguments of a WorkerCluster. */
export interface WorkerClusterArgs {
    /** The cluster's physical name. Defaults to a name Pulumi generates from the resource name. */
    clusterName?: string;
    /** Tags applied to the cluster. */
    tags?: { [key: string]: pulumi.Input<string> };
}
