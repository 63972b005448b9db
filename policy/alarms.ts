// Policies on CloudWatch alarms: an operational alarm reaches someone, and every dead-letter queue has one. Alarms
// that drive scaling are told apart by the purpose tag the component puts on every alarm it creates (../contract);
// the pack reads the tag, never the component.
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ALARM_PURPOSE_TAG, AlarmPurpose } from "../contract";
import {
    dependenciesOf,
    isRecord,
    isTrue,
    listOf,
    Props,
    ResourceType,
    securityHubControl,
    stringOf,
    tagOf,
} from "./aws";
import { attempt, decideEach, need, Unknown } from "./preview";
import { isDeadLetterQueue } from "./sqs";
import { Queue, queueGraph, queueLabel } from "./queues";

export const cloudwatchAlarmHasActions: ResourceValidationPolicy = {
    name: "cloudwatch-alarm-has-actions",
    description:
        "Every operational CloudWatch alarm has an action for the ALARM state and does not turn its actions off. An " +
        `alarm tagged \`${ALARM_PURPOSE_TAG}: ${AlarmPurpose.Scaling}\` drives Application Auto Scaling and fires as ` +
        "part of normal operation, so it is not judged; every other alarm is (the component tags its dead-letter, age " +
        `and depth alarms \`${AlarmPurpose.Operational}\`). An alarm that notifies no one is found only by whoever ` +
        "happens to open the console.",
    enforcementLevel: "advisory",
    severity: "medium",
    ...securityHubControl("CloudWatch.15", "CloudWatch alarms should have specified actions configured"),
    remediationSteps:
        "Give the alarm `alarmActions` (an SNS topic that reaches the on-call, for the component its " +
        "`alarms.actionArns`), and leave `actionsEnabled` unset or true. Tag alarms that drive scaling " +
        `\`${ALARM_PURPOSE_TAG}: ${AlarmPurpose.Scaling}\`.`,
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.MetricAlarm) {
            return;
        }
        const props: Props = args.props;
        if (need(tagOf(props, ALARM_PURPOSE_TAG)) === AlarmPurpose.Scaling) {
            args.notApplicable("the alarm drives scaling");
        }
        if ("actionsEnabled" in props && props.actionsEnabled !== undefined && !isTrue(props.actionsEnabled)) {
            reportViolation("The alarm turns its actions off (actionsEnabled: false).");
            return;
        }
        // A list of actions whose ARNs are not known yet (a topic created in the same update) is still a list.
        const actions = attempt(() => listOf(props.alarmActions).length);
        if (actions === 0) {
            reportViolation("The alarm has no alarmActions, so entering ALARM notifies no one.");
        }
    },
};

/** SQS metrics that rise when a message lands in a dead-letter queue. NumberOfMessagesSent does not count redrives. */
const DEAD_LETTER_METRICS = ["ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"];
const SQS_NAMESPACE = "AWS/SQS";

/** What one alarm watches: queues of the stack, or (when its QueueName is not known yet) an Unknown. */
function watchedQueues(alarm: PolicyResource, queues: Queue[]): (Queue | Unknown)[] {
    const byResource = (resources: PolicyResource[]) => queues.filter((queue) => resources.includes(queue.resource));
    const watched: (Queue | Unknown)[] = [];
    const addMetric = (metric: Props, property: string) => {
        if (stringOf(metric.namespace) !== SQS_NAMESPACE || !DEAD_LETTER_METRICS.includes(String(metric.metricName))) {
            return;
        }
        const queueName = attempt(() => {
            const dimensions = metric.dimensions;
            return isRecord(dimensions) ? stringOf(dimensions.QueueName) : undefined;
        });
        if (queueName instanceof Unknown) {
            const built = byResource(dependenciesOf(alarm, property, ResourceType.Queue));
            watched.push(...(built.length > 0 ? built : [queueName]));
        } else if (queueName !== undefined) {
            watched.push(...queues.filter((queue) => queue.name === queueName));
        }
    };
    const props = alarm.props;
    const single = attempt(() => addMetric(props, "dimensions"));
    if (single instanceof Unknown) {
        watched.push(single);
    }
    const queries = attempt(() => listOf(props.metricQueries).filter(isRecord));
    for (const query of queries instanceof Unknown ? [] : queries) {
        const metric = attempt(() => (isRecord(query.metric) ? addMetric(query.metric, "metricQueries") : undefined));
        if (metric instanceof Unknown) {
            watched.push(metric);
        }
    }
    if (queries instanceof Unknown) {
        watched.push(queries);
    }
    return watched;
}

export const sqsDeadLetterQueueAlarmed: StackValidationPolicy = {
    name: "sqs-dead-letter-queue-alarmed",
    description:
        "Every dead-letter queue in the stack has a CloudWatch alarm on its ApproximateNumberOfMessagesVisible (or " +
        "ApproximateAgeOfOldestMessage), found by the alarm's QueueName dimension. A dead-letter queue nobody watches " +
        "only delays the loss of a failed message until its retention runs out.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        'Create an `aws.cloudwatch.MetricAlarm` with `namespace: "AWS/SQS"`, `metricName: ' +
        '"ApproximateNumberOfMessagesVisible"`, `dimensions: { QueueName: <dead-letter queue name> }`, `threshold: 0`, ' +
        '`comparisonOperator: "GreaterThanThreshold"` and an action that reaches someone (the component creates one).',
    validateStack: (args, reportViolation) => {
        const graph = queueGraph(args.resources);
        const watched = args.resources
            .filter((resource) => resource.type === ResourceType.MetricAlarm)
            .flatMap((alarm) => watchedQueues(alarm, graph.queues));
        decideEach(graph.queues, (queue) => {
            if (!isDeadLetterQueue(graph, queue) || watched.includes(queue)) {
                return;
            }
            // An alarm whose queue is not known yet may be this one's.
            const open = watched.find((item): item is Unknown => item instanceof Unknown);
            if (open) {
                throw open.error;
            }
            reportViolation(
                `Dead-letter queue ${queueLabel(queue)} has no alarm on ${DEAD_LETTER_METRICS.join(" or ")}: failed messages land there unnoticed.`,
                queue.resource.urn,
            );
        });
    },
};

export const alarmPolicies = [cloudwatchAlarmHasActions, sqsDeadLetterQueueAlarmed];
