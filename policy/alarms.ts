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
    numberOf,
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
    ...securityHubControl(
        "CloudWatch.15",
        "CloudWatch alarms should have specified actions configured",
        "CloudWatch.17",
    ),
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
        // A list of actions whose ARNs are not known yet (a topic created in the same update) is still a list; an
        // empty string is no action.
        const actions = attempt(() => {
            const list = listOf(props.alarmActions);
            // Read by index: iterating the engine's proxy would throw on an unknown element.
            return Array.from({ length: list.length }, (_, index) => attempt(() => list[index])).filter(
                (action) => action instanceof Unknown || (typeof action === "string" && action.trim() !== ""),
            ).length;
        });
        if (actions === 0) {
            reportViolation("The alarm has no alarmActions, so entering ALARM notifies no one.");
        }
    },
};

/** The SQS metric that counts the messages waiting in a dead-letter queue: it is 1 as soon as one message lands. */
const VISIBLE_MESSAGES = "ApproximateNumberOfMessagesVisible";
const SQS_NAMESPACE = "AWS/SQS";
/**
 * Statistics under which one message that stays in the queue reaches 1. SampleCount counts datapoints, not messages:
 * it is above 0 whether the queue holds messages or not.
 */
const MESSAGE_STATISTICS = ["Maximum", "Minimum", "Average", "Sum"];
const PERCENTILE = /^p(\d{1,2}(\.\d+)?|100)$/;
/** Action ARNs that reach a person or a process that tells one: SNS topics, Lambda functions, Systems Manager. */
const NOTIFYING_ACTION = /^arn:aws[a-z-]*:(sns|lambda|ssm|ssm-incidents):/;

/** One alarm's watch on a queue: the queue (or Unknown while the alarm's QueueName is), and why it cannot fire. */
interface Watch {
    queue: Queue | Unknown;
    /** Why the alarm would not tell anyone that one message landed; undefined when it would; Unknown while open. */
    problem: string | undefined | Unknown;
}

/** Why a metric (the alarm's, or its returned query's) would not reach the threshold on one visible message. */
function metricProblem(metric: Props, statistic: unknown, unit: unknown): string | undefined {
    if (stringOf(metric.metricName) !== VISIBLE_MESSAGES) {
        return `it watches ${String(metric.metricName)}, not ${VISIBLE_MESSAGES}`;
    }
    const dimensions = isRecord(metric.dimensions) ? Object.keys(metric.dimensions) : [];
    if (dimensions.some((key) => key !== "QueueName")) {
        return `its dimensions ${dimensions.join(", ")} name no metric SQS publishes, so it never gets data`;
    }
    const stat = stringOf(statistic);
    if (stat === undefined || (!MESSAGE_STATISTICS.includes(stat) && !PERCENTILE.test(stat))) {
        return `its statistic ${stat ?? "(none)"} does not count messages`;
    }
    const unitName = stringOf(unit);
    if (unitName !== undefined && unitName !== "Count") {
        return `its unit ${unitName} is not the metric's (Count), so it never gets data`;
    }
    return undefined;
}

/** Why an alarm's threshold and actions would not tell anyone about one message; undefined when they would. */
function firingProblem(alarm: PolicyResource): string | undefined {
    const props = alarm.props;
    const threshold = numberOf(props.threshold);
    const comparison = stringOf(props.comparisonOperator);
    // The metric is 0 while the queue is empty: a threshold an empty queue already breaches keeps the alarm in ALARM,
    // so the first message changes nothing and notifies no one.
    const reachable =
        threshold !== undefined &&
        ((comparison === "GreaterThanThreshold" && threshold >= 0 && threshold < 1) ||
            (comparison === "GreaterThanOrEqualToThreshold" && threshold > 0 && threshold <= 1));
    if (!reachable) {
        return `it fires on ${comparison ?? "no comparison"} ${threshold ?? "no threshold"}, not on the first message`;
    }
    // An idle queue publishes no datapoints; treated as breaching, the missing data holds the alarm in ALARM.
    if (stringOf(props.treatMissingData) === "breaching") {
        return "it treats missing data as breaching (treatMissingData), so an idle queue holds it in ALARM and the first message changes nothing";
    }
    const periods = numberOf(props.evaluationPeriods) ?? 0;
    const datapoints = numberOf(props.datapointsToAlarm) ?? periods;
    if (periods < 1 || datapoints < 1 || datapoints > periods) {
        return `it evaluates ${datapoints} of ${periods} periods, which CloudWatch never reaches`;
    }
    if ("actionsEnabled" in props && props.actionsEnabled !== undefined && !isTrue(props.actionsEnabled)) {
        return "its actions are turned off (actionsEnabled: false)";
    }
    const actions = listOf(props.alarmActions);
    // An action whose ARN is not known yet notifies when it was built from an SNS topic of the stack; otherwise it is
    // open until it is known.
    const topics = dependenciesOf(alarm, "alarmActions", ResourceType.Topic);
    const notifies = (index: number) => {
        // Read by index: iterating the engine's proxy would throw on the unknown element before it could be judged.
        const arn = attempt(() => actions[index]);
        return arn instanceof Unknown ? topics.length > 0 || need(arn) : NOTIFYING_ACTION.test(String(arn));
    };
    if (!Array.from({ length: actions.length }, (_, index) => index).some(notifies)) {
        return actions.length === 0
            ? "it has no alarmActions"
            : `its alarmActions (${actions.join(", ")}) notify no one: scaling policies and EC2 actions are not a page`;
    }
    return undefined;
}

/** What one alarm watches among the stack's queues, each with the reason it would not fire on one message. */
function watchesOf(alarm: PolicyResource, queues: Queue[]): Watch[] {
    const byResource = (resources: PolicyResource[]) => queues.filter((queue) => resources.includes(queue.resource));
    const props = alarm.props;
    const watches: Watch[] = [];
    const problem = (metric: Props, statistic: unknown, unit: unknown) =>
        attempt(() => metricProblem(metric, statistic, unit) ?? firingProblem(alarm));
    const addMetric = (metric: Props, property: string, statistic: unknown, unit: unknown) => {
        if (stringOf(metric.namespace) !== SQS_NAMESPACE) {
            return;
        }
        const queueName = attempt(() =>
            isRecord(metric.dimensions) ? stringOf(metric.dimensions.QueueName) : undefined,
        );
        const watched: (Queue | Unknown)[] =
            queueName instanceof Unknown
                ? byResource(dependenciesOf(alarm, property, ResourceType.Queue)).length > 0
                    ? byResource(dependenciesOf(alarm, property, ResourceType.Queue))
                    : [queueName]
                : queues.filter((queue) => queueName !== undefined && queue.name === queueName);
        watches.push(...watched.map((queue) => ({ queue, problem: problem(metric, statistic, unit) })));
    };
    const single = attempt(() =>
        addMetric(props, "dimensions", props.extendedStatistic ?? props.statistic, props.unit),
    );
    if (single instanceof Unknown) {
        watches.push({ queue: single, problem: undefined });
    }
    const queries = attempt(() => listOf(props.metricQueries).filter(isRecord));
    if (queries instanceof Unknown) {
        watches.push({ queue: queries, problem: undefined });
        return watches;
    }
    for (const query of queries) {
        const read = attempt(() => {
            const metric = query.metric;
            if (!isRecord(metric)) {
                return;
            }
            const before = watches.length;
            addMetric(metric, "metricQueries", metric.stat, metric.unit);
            // Only the query the alarm evaluates counts; a metric that feeds an expression is judged by the expression.
            if (!isTrue(query.returnData)) {
                for (const watch of watches.slice(before)) {
                    watch.problem = `it alarms on an expression over ${VISIBLE_MESSAGES}, whose threshold the pack cannot check`;
                }
            }
        });
        if (read instanceof Unknown) {
            watches.push({ queue: read, problem: undefined });
        }
    }
    return watches;
}

export const sqsDeadLetterQueueAlarmed: StackValidationPolicy = {
    name: "sqs-dead-letter-queue-alarmed",
    description:
        `Every dead-letter queue in the stack has a CloudWatch alarm on its ${VISIBLE_MESSAGES} (found by the ` +
        "alarm's QueueName dimension) that fires on the first message and tells someone: a comparison and threshold " +
        "that one message reaches and an empty queue does not (`GreaterThanThreshold` from 0 to below 1, or " +
        "`GreaterThanOrEqualToThreshold` above 0 up to 1), missing data not treated as breaching, a " +
        "statistic that counts messages (not SampleCount), no extra dimension or foreign unit that would leave it " +
        "without data, actions on, and an alarm action that notifies (an SNS topic, a Lambda function, Systems " +
        "Manager), whatever its purpose tag says. A dead-letter queue nobody is told about only delays the loss of a " +
        "failed message until its retention runs out.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        'Create an `aws.cloudwatch.MetricAlarm` with `namespace: "AWS/SQS"`, `metricName: ' +
        '"ApproximateNumberOfMessagesVisible"`, `dimensions: { QueueName: <dead-letter queue name> }`, `statistic: ' +
        '"Maximum"`, `threshold: 0`, `comparisonOperator: "GreaterThanThreshold"` and `alarmActions` with an SNS ' +
        "topic that reaches the on-call (the component creates it; give it `alarms.actionArns`).",
    validateStack: (args, reportViolation) => {
        const graph = queueGraph(args.resources);
        const watches = args.resources
            .filter((resource) => resource.type === ResourceType.MetricAlarm)
            .flatMap((alarm) => watchesOf(alarm, graph.queues).map((watch) => ({ alarm, ...watch })));
        decideEach(graph.queues, (queue) => {
            if (!isDeadLetterQueue(graph, queue)) {
                return;
            }
            const own = watches.filter((watch) => watch.queue === queue);
            if (own.some((watch) => watch.problem === undefined)) {
                return;
            }
            // An alarm of this queue that is not decided yet, or an alarm whose queue is not known yet, may fire.
            const open =
                own.find((watch) => watch.problem instanceof Unknown)?.problem ??
                watches.find((watch) => watch.queue instanceof Unknown)?.queue;
            if (open instanceof Unknown) {
                throw open.error;
            }
            const near = own.map((watch) => ` Alarm ${watch.alarm.name} watches it, but ${watch.problem}.`).join("");
            reportViolation(
                `Dead-letter queue ${queueLabel(queue)} has no alarm that fires on its first message and notifies ` +
                    `someone: failed messages land there unnoticed.${near}`,
                queue.resource.urn,
            );
        });
    },
};

export const alarmPolicies = [cloudwatchAlarmHasActions, sqsDeadLetterQueueAlarmed];
