// Where a worker's messages come from besides direct sends: SNS topic subscriptions and EventBridge rules, and the
// queue-policy statements that let exactly those topics and rules send. The statements go into the job queue's one
// policy (queue.ts): a second QueuePolicy on the same queue would overwrite the first.
//
// Order matters and is why this file has two steps. Rules are created before the queue, since the policy names their
// ARNs; subscriptions and targets after the policy, since SNS and EventBridge drop what the queue refuses.
import * as crypto from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement } from "../plan/iam";
import { createdQueueEndpoints, createQueues, QueueEndpoints } from "./queue";
import { QueueSettings } from "../plan/settings";
import { SnsFilterPolicyScope, WorkerEventRule, WorkerSources } from "../types";
import { checkResolvedTopicArn } from "../validation/sources";
import { WorkerScope } from "./scope";

/** SNS's own default: filter on message attributes. */
const DEFAULT_SNS_FILTER_POLICY_SCOPE = SnsFilterPolicyScope.MessageAttributes;

/**
 * The stable part of a subscription's child name. A topic ARN known at construction gives a short hash of itself, so
 * reordering or removing topics replaces nothing else; an ARN that is an Output (a topic created in the same
 * program) can only be keyed by its position in the list.
 */
export function snsSubscriptionKey(topicArn: pulumi.Input<string>, index: number): string {
    return typeof topicArn === "string"
        ? crypto.createHash("sha256").update(topicArn).digest("hex").slice(0, 8)
        : String(index);
}

/** One statement per kind of sender, each admitting its service only from the listed ARNs (confused-deputy guard). */
export function sourcePolicyStatements(
    queueArn: pulumi.Input<string>,
    topicArns: pulumi.Input<string>[],
    ruleArns: pulumi.Input<string>[],
): PolicyStatement[] {
    const allow = (sid: string, service: string, sourceArns: pulumi.Input<string>[]): PolicyStatement => ({
        Sid: sid,
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": sourceArns } },
    });
    return [
        ...(topicArns.length > 0 ? [allow("AllowSnsTopics", "sns.amazonaws.com", topicArns)] : []),
        ...(ruleArns.length > 0 ? [allow("AllowEventRules", "events.amazonaws.com", ruleArns)] : []),
    ];
}

/** Step one, before the queue: the rules themselves, which need nothing of the queue. */
function createEventRules(scope: WorkerScope, rules: WorkerEventRule[]): aws.cloudwatch.EventRule[] {
    const { name, names, tags, parent } = scope;
    return rules.map(
        (rule) =>
            new aws.cloudwatch.EventRule(
                names.eventRule(rule.name),
                {
                    description: `Sends matching events to the ${name} worker's queue.`,
                    eventBusName: rule.eventBusName,
                    eventPattern: rule.eventPattern,
                    tags,
                },
                { parent },
            ),
    );
}

interface SourceConnections {
    sources: WorkerSources;
    /** The rules createEventRules made, in the order of `sources.eventRules`. */
    rules: aws.cloudwatch.EventRule[];
    queueArn: pulumi.Output<string>;
    fifo: boolean;
    /** Subscriptions and targets wait for it: until it exists the queue refuses them. */
    queuePolicy: aws.sqs.QueuePolicy;
}

/** Step two, after the queue policy: subscribe the queue to each topic and point each rule at it. */
function connectSources(scope: WorkerScope, inputs: SourceConnections): void {
    const { names, parent } = scope;
    const { sources, queueArn, fifo } = inputs;
    const options = { parent, dependsOn: [inputs.queuePolicy] };
    const filterPolicy = sources.snsFilterPolicy;
    (sources.snsTopicArns ?? []).forEach((topicArn, index) => {
        new aws.sns.TopicSubscription(
            names.snsSubscription(snsSubscriptionKey(topicArn, index)),
            {
                // A topic created in the same program is known only now: a standard one cannot feed a FIFO queue.
                topic: pulumi.output(topicArn).apply((arn) => checkResolvedTopicArn(arn, index, fifo)),
                protocol: "sqs",
                endpoint: queueArn,
                // The worker gets the message as published, not wrapped in SNS's JSON envelope.
                rawMessageDelivery: true,
                filterPolicy,
                filterPolicyScope:
                    filterPolicy === undefined
                        ? undefined
                        : (sources.snsFilterPolicyScope ?? DEFAULT_SNS_FILTER_POLICY_SCOPE),
            },
            options,
        );
    });
    (sources.eventRules ?? []).forEach((rule, index) => {
        new aws.cloudwatch.EventTarget(
            names.eventTarget(rule.name),
            {
                rule: inputs.rules[index].name,
                eventBusName: rule.eventBusName,
                arn: queueArn,
                // A FIFO queue takes nothing without a message group; EventBridge gives none of its own.
                sqsTarget: fifo ? { messageGroupId: rule.messageGroupId ?? rule.name } : undefined,
            },
            options,
        );
    });
}

export interface QueuesWithSources {
    settings: QueueSettings;
    kmsMasterKeyId?: pulumi.Input<string>;
    sources: WorkerSources;
}

/** The component's own queues and everything that feeds them, in the order described at the top of this file. */
export function createQueuesWithSources(scope: WorkerScope, inputs: QueuesWithSources): QueueEndpoints {
    const { settings, sources } = inputs;
    const rules = createEventRules(scope, sources.eventRules ?? []);
    const queues = createQueues(scope, settings, {
        kmsMasterKeyId: inputs.kmsMasterKeyId,
        sourceStatements: (queueArn) =>
            sourcePolicyStatements(
                queueArn,
                sources.snsTopicArns ?? [],
                rules.map((rule) => rule.arn),
            ),
    });
    connectSources(scope, {
        sources,
        rules,
        queueArn: queues.queue.arn,
        fifo: settings.fifo,
        queuePolicy: queues.queuePolicy,
    });
    return createdQueueEndpoints(queues);
}
