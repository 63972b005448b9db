// Rules for the sources that feed the job queue: SNS topics and EventBridge rules.
import { MAX_EVENT_RULE_NAME_LENGTH, MAX_MESSAGE_GROUP_ID_LENGTH } from "../../contract/awsLimits";
import { describe, isObject, isOutput, Problems } from "./problems";
import { WorkerSettings } from "../plan/settings";
import { BackgroundWorkerArgs, SnsFilterPolicyScope } from "../types";
import { FIFO_SUFFIX, SNS_TOPIC_ARN } from "../../contract/arns";
import { arnOf, jsonObject, uniqueName } from "./formats";
import { childNames } from "../plan/names";
import { longestEventRuleName } from "./name";

/** Why a standard topic cannot feed a FIFO queue, for every reason that says so. */
const STANDARD_TOPIC_TO_FIFO = "A standard topic cannot deliver to a FIFO queue";

export function validateSources(
    args: BackgroundWorkerArgs,
    settings: WorkerSettings,
    problems: Problems,
    name?: string,
): void {
    const sources = args.sources;
    if (sources === undefined) {
        return;
    }
    if (!isObject(sources)) {
        problems.add("sources", `must be an object with snsTopicArns and/or eventRules; got ${describe(sources)}`);
        return;
    }
    const fifo = settings.queue.fifo === true;
    problems.boolean("sources.snsTopicsFifo", sources.snsTopicsFifo);
    const topics = sources.snsTopicArns ?? [];
    if (!Array.isArray(topics)) {
        problems.add("sources.snsTopicArns", `must be a list of SNS topic ARNs; got ${describe(topics)}`);
    } else {
        const seen = new Set<string>();
        topics.forEach((topic, index) => {
            const path = `sources.snsTopicArns[${index}]`;
            if (!arnOf(problems, path, topic, SNS_TOPIC_ARN, "arn:aws:sns:us-east-1:123456789012:orders")) {
                return;
            }
            if (isOutput(topic)) {
                if (fifo && !settings.sources.snsTopicsFifo) {
                    problems.add(
                        path,
                        "is known only at deployment, and queue.fifo is true: set sources.snsTopicsFifo to true if the " +
                            `topics are FIFO topics (their ARNs end in .fifo), or use a standard queue. ${STANDARD_TOPIC_TO_FIFO}`,
                    );
                }
                return;
            }
            if (typeof topic !== "string") {
                return;
            }
            if (seen.has(topic)) {
                problems.add(path, `repeats ${JSON.stringify(topic)}; list each topic once`);
            } else if (fifo && !topic.endsWith(FIFO_SUFFIX)) {
                problems.add(
                    path,
                    `must be a FIFO topic (ARN ending in .fifo) when queue.fifo is true; got ${JSON.stringify(topic)}. ${STANDARD_TOPIC_TO_FIFO}`,
                );
            } else if (sources.snsTopicsFifo === true && !topic.endsWith(FIFO_SUFFIX)) {
                problems.add(
                    path,
                    `must be a FIFO topic (ARN ending in .fifo) when sources.snsTopicsFifo is true; got ${JSON.stringify(topic)}`,
                );
            }
            seen.add(topic);
        });
    }
    if (sources.snsFilterPolicy !== undefined) {
        jsonObject(problems, "sources.snsFilterPolicy", sources.snsFilterPolicy, "an SNS filter policy");
        if (Array.isArray(topics) && topics.length === 0) {
            problems.add(
                "sources.snsFilterPolicy",
                "applies only to SNS subscriptions: list the topics in sources.snsTopicArns, or remove it",
            );
        }
    }
    if (
        sources.snsFilterPolicyScope !== undefined &&
        problems.oneOf(
            "sources.snsFilterPolicyScope",
            sources.snsFilterPolicyScope,
            Object.values(SnsFilterPolicyScope),
        ) &&
        sources.snsFilterPolicy === undefined
    ) {
        problems.add(
            "sources.snsFilterPolicyScope",
            "applies only with sources.snsFilterPolicy: give the policy, or remove the scope",
        );
    }
    validateEventRules(args, fifo, problems, name);
}

function validateEventRules(args: BackgroundWorkerArgs, fifo: boolean, problems: Problems, name?: string): void {
    const rules = args.sources?.eventRules ?? [];
    if (!Array.isArray(rules)) {
        problems.add("sources.eventRules", `must be a list of rules; got ${describe(rules)}`);
        return;
    }
    const names = new Set<string>();
    const longestRuleName = name === undefined ? Infinity : longestEventRuleName(name, MAX_EVENT_RULE_NAME_LENGTH);
    rules.forEach((rule, index) => {
        const path = `sources.eventRules[${index}]`;
        if (!isObject(rule)) {
            problems.add(path, `must be an object with name and eventPattern; got ${describe(rule)}`);
            return;
        }
        const before = problems.list.length;
        uniqueName(problems, `${path}.name`, rule.name, names);
        if (problems.list.length === before && typeof rule.name === "string" && rule.name.length > longestRuleName) {
            problems.add(
                `${path}.name`,
                `must be at most ${Math.max(longestRuleName, 0)} characters for this worker: its EventBridge rule is named ` +
                    `${childNames(name ?? "").eventRule(rule.name)}-<7 random characters>, and EventBridge allows ` +
                    `${MAX_EVENT_RULE_NAME_LENGTH}; ` +
                    `got ${rule.name.length} characters`,
            );
        }
        jsonObject(problems, `${path}.eventPattern`, rule.eventPattern, "an EventBridge event pattern");
        if (rule.messageGroupId !== undefined) {
            if (!fifo) {
                problems.add(
                    `${path}.messageGroupId`,
                    "applies only to FIFO queues: set queue.fifo to true, or remove it",
                );
            } else if (
                typeof rule.messageGroupId !== "string" ||
                rule.messageGroupId.length < 1 ||
                rule.messageGroupId.length > MAX_MESSAGE_GROUP_ID_LENGTH
            ) {
                problems.add(
                    `${path}.messageGroupId`,
                    `must be 1 to ${MAX_MESSAGE_GROUP_ID_LENGTH} characters; got ${describe(rule.messageGroupId)}`,
                );
            }
        }
    });
    if (fifo && rules.length > 0 && args.queue?.contentBasedDeduplication !== true) {
        problems.add(
            "queue.contentBasedDeduplication",
            "must be true when sources.eventRules deliver to a FIFO queue: EventBridge sends no deduplication ID, so SQS needs " +
                `to derive one from the body; got ${describe(args.queue?.contentBasedDeduplication)}`,
        );
    }
}

/**
 * The check for a topic ARN known only at deployment: run inside the apply that resolves it, it throws the same
 * input error construction would have thrown for a plain ARN, with the property path.
 */
export function checkResolvedTopicArn(topicArn: string, index: number, fifoQueue: boolean): string {
    if (fifoQueue && !topicArn.endsWith(FIFO_SUFFIX)) {
        const problems = new Problems();
        problems.add(
            `sources.snsTopicArns[${index}]`,
            `must be a FIFO topic (ARN ending in .fifo) when queue.fifo is true; got ${JSON.stringify(topicArn)}. ` +
                `${STANDARD_TOPIC_TO_FIFO}, so the subscription would fail after the queues exist`,
        );
        problems.throwIfAny("BackgroundWorker");
    }
    return topicArn;
}
