// Rules for references to other resources given as plain strings: the cluster, the subnets and security groups, a
// task definition, an existing queue. Each must have its AWS format, and they must agree with each other: an existing
// queue's ARN and URL name one queue, its dead-letter queue is another queue of the same kind, and what CloudWatch or
// SQS use only within one region (the queue whose metrics scale the service, the key that encrypts it, the topics
// alarms notify) is in the cluster's region. An Output is known only at deployment: clusterArn is checked again when
// it arrives (resources/backgroundWorker.ts); the rest is left to AWS.
import {
    arnAccount,
    arnRegion,
    clusterArnProblem,
    ECS_TASK_DEFINITION,
    FIFO_SUFFIX,
    parseQueueUrl,
    queueNameFromArn,
    SECURITY_GROUP_ID,
    SQS_QUEUE_ARN,
    SUBNET_ID,
} from "../../contract/arns";
import { BackgroundWorkerArgs } from "../types";
import { describe, isObject, isOutput, Problems } from "./problems";

/** IDs in a list that may itself be an Output or hold Outputs: each plain one is checked with its index. */
function checkIds(problems: Problems, path: string, list: unknown, pattern: RegExp, expected: string): void {
    if (!Array.isArray(list)) {
        return;
    }
    list.forEach((id, index) => {
        if (!isOutput(id) && (typeof id !== "string" || !pattern.test(id))) {
            problems.add(`${path}[${index}]`, `must be ${expected}; got ${describe(id)}`);
        }
    });
}

/** The plain-string ARN of a regional resource, when it is one. */
function plainArn(value: unknown): string | undefined {
    return typeof value === "string" && value.startsWith("arn:") ? value : undefined;
}

export function validateReferences(args: BackgroundWorkerArgs, problems: Problems): void {
    let clusterRegion: string | undefined;
    if (typeof args.clusterArn === "string" && args.clusterArn !== "") {
        const problem = clusterArnProblem(args.clusterArn);
        if (problem) {
            problems.add("clusterArn", problem);
        } else {
            clusterRegion = arnRegion(args.clusterArn);
        }
    }
    checkIds(problems, "subnetIds", args.subnetIds, SUBNET_ID, "a subnet ID such as subnet-0123456789abcdef0");
    checkIds(
        problems,
        "securityGroupIds",
        args.securityGroupIds,
        SECURITY_GROUP_ID,
        "a security group ID such as sg-0123456789abcdef0",
    );
    const taskDefinition = args.taskDefinitionArn;
    if (typeof taskDefinition === "string" && !ECS_TASK_DEFINITION.test(taskDefinition)) {
        problems.add(
            "taskDefinitionArn",
            "must be an ECS task definition ARN such as arn:aws:ecs:us-east-1:123456789012:task-definition/jobs:3, or " +
                `family:revision; got ${describe(taskDefinition)}`,
        );
    }
    validateExistingQueueReferences(args, problems);
    if (clusterRegion !== undefined) {
        validateRegion(args, clusterRegion, "the cluster's region", problems);
    }
}

/** An existing queue's URL, and its agreement with the ARN; the dead-letter queue likewise, and its kind. */
function validateExistingQueueReferences(args: BackgroundWorkerArgs, problems: Problems): void {
    const existing = args.existingQueue;
    if (!isObject(existing)) {
        return;
    }
    const pair = (arnKey: "arn" | "deadLetterQueueArn", urlKey: "url" | "deadLetterQueueUrl") => {
        const arn = typeof existing[arnKey] === "string" ? existing[arnKey] : undefined;
        const url = existing[urlKey];
        if (typeof url !== "string" || url === "") {
            return arn;
        }
        const parts = parseQueueUrl(url);
        if (!parts) {
            problems.add(
                `existingQueue.${urlKey}`,
                `must be an SQS queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/orders; got ${describe(url)}`,
            );
        } else if (arn !== undefined && SQS_QUEUE_ARN.test(arn)) {
            // A URL of a custom endpoint names no region; one of SQS's own endpoints does, and it must be the ARN's.
            const regionDiffers = parts.region !== undefined && parts.region !== arnRegion(arn);
            const where = (region: string | undefined, account: string, name: string) =>
                `${regionDiffers ? `${region} ` : ""}${account}/${name}`;
            if (parts.queueName !== queueNameFromArn(arn) || parts.account !== arnAccount(arn) || regionDiffers) {
                problems.add(
                    `existingQueue.${urlKey}`,
                    `must name the queue existingQueue.${arnKey} names (${where(arnRegion(arn), arnAccount(arn), queueNameFromArn(arn))}); ` +
                        `got ${describe(url)}, which names ${where(parts.region, parts.account, parts.queueName)}`,
                );
            }
        }
        return arn;
    };
    const queueArn = pair("arn", "url");
    const deadLetterArn = pair("deadLetterQueueArn", "deadLetterQueueUrl");
    if (queueArn === undefined || deadLetterArn === undefined) {
        return;
    }
    if (queueArn === deadLetterArn) {
        problems.add(
            "existingQueue.deadLetterQueueArn",
            `must be another queue than the queue itself (${queueArn}): a message that fails would never leave it`,
        );
    } else if (queueArn.endsWith(FIFO_SUFFIX) !== deadLetterArn.endsWith(FIFO_SUFFIX)) {
        const [queueKind, deadLetterKind] = queueArn.endsWith(FIFO_SUFFIX)
            ? ["FIFO", "standard"]
            : ["standard", "FIFO"];
        problems.add(
            "existingQueue.deadLetterQueueArn",
            `must be a ${queueKind} queue like existingQueue.arn: SQS moves a ${queueKind} queue's failed messages only to a ` +
                `${queueKind} queue (a FIFO queue's name ends in ${FIFO_SUFFIX}); got the ${deadLetterKind} queue ${describe(deadLetterArn)}`,
        );
    }
}

/**
 * What must be in `region`: the existing queue (its metrics scale the service, and CloudWatch reads metrics of its own
 * region only), the KMS key (SQS encrypts with keys of its own region) and the alarms' topics (CloudWatch notifies
 * topics of its own region only). `where` says where the region comes from, for the reason.
 */
export function validateRegion(args: BackgroundWorkerArgs, region: string, where: string, problems: Problems): void {
    const check = (path: string, value: unknown, why: string) => {
        const arn = plainArn(value);
        if (arn !== undefined && arnRegion(arn) !== region) {
            problems.add(path, `must be in ${where}, ${region}: ${why}; got ${describe(arn)}, in ${arnRegion(arn)}`);
        }
    };
    if (isObject(args.existingQueue)) {
        check(
            "existingQueue.arn",
            args.existingQueue.arn,
            "the service scales on its metrics, and CloudWatch reads metrics of its own region only",
        );
    }
    check("queue.kmsMasterKeyId", args.queue?.kmsMasterKeyId, "SQS encrypts a queue only with a key of its own region");
    const actions = args.alarms?.actionArns;
    if (Array.isArray(actions)) {
        actions.forEach((action, index) =>
            check(`alarms.actionArns[${index}]`, action, "CloudWatch alarms notify topics of their own region only"),
        );
    }
}
