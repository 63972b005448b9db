// The names and ARNs AWS accepts, as the component checks them before deployment: one pattern per kind, built from
// the limits in awsLimits.ts so a length is written once.
import {
    MAX_CLUSTER_NAME_LENGTH,
    MAX_QUEUE_NAME_LENGTH,
    MAX_TASK_FAMILY_LENGTH,
    MAX_TOPIC_NAME_LENGTH,
} from "./awsLimits";

const PARTITION = "aws[a-z-]*";
const REGION = "[a-z0-9-]+";
const ACCOUNT = "\\d{12}";
/** The characters SQS queue, SNS topic and ECS cluster names allow. */
const NAME_CHARACTER = "[A-Za-z0-9_-]";
/** The ending of a FIFO queue's or a FIFO topic's name, which counts towards the name's length. */
export const FIFO_SUFFIX = ".fifo";

/** A name of 1 to `limit` characters, where a name ending in `.fifo` counts those five characters too. */
function nameUpTo(limit: number): string {
    return `(?:${NAME_CHARACTER}{1,${limit}}|${NAME_CHARACTER}{1,${limit - FIFO_SUFFIX.length}}\\.fifo)`;
}

/** An SQS queue ARN: its name has at most 80 characters, `.fifo` included. */
export const SQS_QUEUE_ARN = new RegExp(
    `^arn:${PARTITION}:sqs:${REGION}:${ACCOUNT}:${nameUpTo(MAX_QUEUE_NAME_LENGTH)}$`,
);
/** An SNS topic ARN: its name has at most 256 characters, `.fifo` included. */
export const SNS_TOPIC_ARN = new RegExp(
    `^arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:${nameUpTo(MAX_TOPIC_NAME_LENGTH)}$`,
);
/** A KMS key ARN (not an alias: IAM grants on key ARNs). */
export const KMS_KEY_ARN = new RegExp(`^arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/[A-Za-z0-9-]+$`);
/**
 * A Secrets Manager secret's complete ARN: its name, then the dash and six random characters Secrets Manager appends,
 * optionally followed by ECS's `:json-key:version-stage:version-id`. IAM matches a policy's resource against the
 * complete ARN, so a partial one (the name alone) grants nothing and the task fails to start.
 */
export const SECRETS_MANAGER_ARN = new RegExp(
    `^arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}(:[^:\\s]*){0,3}$`,
);
/** Any Secrets Manager secret ARN, complete or not: to tell a partial ARN from something else entirely. */
export const SECRETS_MANAGER_ANY_ARN = new RegExp(`^arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:\\S+$`);
/** An SSM Parameter Store parameter ARN. */
export const SSM_PARAMETER_ARN = new RegExp(`^arn:${PARTITION}:ssm:${REGION}:${ACCOUNT}:parameter/\\S+$`);

/** An ECS cluster name: 1 to 255 letters, digits, - or _. */
export const ECS_CLUSTER_NAME = new RegExp(`^${NAME_CHARACTER}{1,${MAX_CLUSTER_NAME_LENGTH}}$`);
const ECS_CLUSTER_ARN = new RegExp(
    `^arn:(${PARTITION}):ecs:(${REGION}):(${ACCOUNT}):cluster/(${NAME_CHARACTER}{1,${MAX_CLUSTER_NAME_LENGTH}})$`,
);

/** The parts of an ECS cluster ARN: the region for logs and metrics, the partition and account for scoping IAM. */
export interface ClusterArnParts {
    partition: string;
    region: string;
    account: string;
    clusterName: string;
}

/** Why a value is not an ECS cluster ARN, as the reason after the property path; undefined when it is one. */
export function clusterArnProblem(arn: unknown): string | undefined {
    return typeof arn === "string" && ECS_CLUSTER_ARN.test(arn)
        ? undefined
        : "must be an ECS cluster ARN such as arn:aws:ecs:us-east-1:123456789012:cluster/workers (a WorkerCluster's " +
              `arn); got ${typeof arn === "string" ? JSON.stringify(arn) : String(arn)}`;
}

/** Parses an ECS cluster ARN; the error names the property, since the value may only arrive at deployment. */
export function parseClusterArn(arn: string): ClusterArnParts {
    const match = ECS_CLUSTER_ARN.exec(arn);
    if (!match) {
        throw new Error(`clusterArn ${clusterArnProblem(arn)}`);
    }
    return { partition: match[1], region: match[2], account: match[3], clusterName: match[4] };
}

/** An ECS task definition as a service accepts it: its ARN, or `family:revision`, or a family alone (its latest). */
export const ECS_TASK_DEFINITION = new RegExp(
    `^(?:arn:${PARTITION}:ecs:${REGION}:${ACCOUNT}:task-definition/)?${NAME_CHARACTER}{1,${MAX_TASK_FAMILY_LENGTH}}(?::\\d+)?$`,
);

/** An AWS region's name: us-east-1, eu-central-2, us-gov-west-1, cn-north-1. */
export const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** A VPC subnet ID: `subnet-` and 8 or 17 hexadecimal digits. */
export const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** A VPC security group ID: `sg-` and 8 or 17 hexadecimal digits. */
export const SECURITY_GROUP_ID = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** The region of a regional ARN (`arn:partition:service:region:account:resource`). */
export function arnRegion(arn: string): string {
    return arn.split(":")[3] ?? "";
}

/** The account of an ARN. */
export function arnAccount(arn: string): string {
    return arn.split(":")[4] ?? "";
}

/** What an SQS queue URL names: `https://sqs.<region>.amazonaws.com/<account>/<name>`, or another endpoint's host. */
export interface QueueUrlParts {
    /** The region, when the host is one of SQS's regional endpoints. */
    region?: string;
    account: string;
    queueName: string;
}

const SQS_QUEUE_URL = new RegExp(
    `^https?://(?:sqs\\.(${REGION})\\.amazonaws\\.com(?:\\.cn)?|(${REGION})\\.queue\\.amazonaws\\.com(?:\\.cn)?|[A-Za-z0-9.-]+(?::\\d+)?)/(${ACCOUNT})/(${nameUpTo(MAX_QUEUE_NAME_LENGTH)})$`,
);

/** Parses an SQS queue URL (SQS's regional endpoints, the legacy ones, or a VPC or local endpoint). */
export function parseQueueUrl(url: string): QueueUrlParts | undefined {
    const match = SQS_QUEUE_URL.exec(url);
    return match ? { region: match[1] ?? match[2], account: match[3], queueName: match[4] } : undefined;
}

/** A queue's name is the last `:` segment of its ARN (`arn:aws:sqs:region:account:name`). */
export function queueNameFromArn(arn: string): string {
    return arn.slice(arn.lastIndexOf(":") + 1);
}
