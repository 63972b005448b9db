// A worker's CloudWatch dashboard as plain data: the body is decided from the scaling plan (scalingPlan.ts) and the
// operational alarm plan (alarmPlan.ts), never re-typed. Every metric-math line is the plan's own query, turned into
// metric queries by the same adapter the alarms use (metricQueries.ts), so the dashboard draws exactly what the alarms
// judge. resources/dashboard.ts only resolves the names and creates the resource; dashboardBody.ts holds the body
// format and the grid; docs/dashboard.md shows the layout.
import { AlarmPurpose } from "../../contract";
import { AlarmedQueue, PlannedQueueAlarm } from "./alarmPlan";
import {
    AlarmStatusWidget,
    chunk,
    DashboardBody,
    DashboardWidget,
    graph,
    GRAPH_HEIGHT,
    HorizontalAnnotation,
    layout,
    MetricLine,
    MetricOptions,
    MetricWidget,
    TextWidget,
    Unplaced,
} from "./dashboardBody";
import { alarmMetricQueries } from "./metricQueries";
import {
    AlarmComparison,
    backlogQuery,
    METRIC_PERIOD_SECONDS,
    PlannedMetric,
    PlannedQuery,
    ScalingPlan,
} from "./scalingPlan";
import { COMPARISON_SYMBOL, describeScaling, plannedScalingAlarms, targetTrackings } from "./scalingSummary";

const ALARM_STATUS_HEIGHT = 3;
const TEXT_HEIGHT = 4;
/** At most this many graphs share a row, so each stays at least six columns wide. */
const GRAPHS_PER_ROW = 4;

/** The real names behind the plan's metric subjects, resolved to plain strings. */
export interface DashboardNames {
    queueName: string;
    /** Absent when an existing queue came without a dead-letter queue. */
    deadLetterQueueName?: string;
    clusterName: string;
    serviceName: string;
}

/** An alarm the component created, with the value of its ALARM_PURPOSE_TAG tag. */
export interface CreatedAlarm {
    arn: string;
    purpose: string;
}

export interface WorkerDashboardInputs {
    workerName: string;
    region: string;
    names: DashboardNames;
    scaling: ScalingPlan;
    operationalAlarms: PlannedQueueAlarm[];
    /** Every alarm the component created; the alarm status widgets group them by purpose. */
    createdAlarms: CreatedAlarm[];
}
function plainName(value: unknown): string {
    if (typeof value !== "string") {
        throw new Error(`a dashboard dimension must be a resolved name; got ${typeof value}`);
    }
    return value;
}

/**
 * A plan query as dashboard lines: the alarm adapter's metric queries, each metric hidden behind its id and each
 * expression shown with its label, character for character as the alarm holds it.
 */
function queryLines(query: PlannedQuery, names: DashboardNames, yAxis?: "left" | "right"): MetricLine[] {
    const axis = yAxis ? { yAxis } : {};
    return alarmMetricQueries(query, METRIC_PERIOD_SECONDS, names).map((entry): MetricLine => {
        if ("metric" in entry) {
            const { namespace, metricName, dimensions, period, stat } = entry.metric;
            const pairs = Object.entries(dimensions).flatMap(([name, value]) => [name, plainName(value)]);
            const visible = entry.returnData || query.expressions.length === 0;
            return [namespace, metricName, ...pairs, { id: entry.id, stat, period, visible, ...axis }];
        }
        return [{ expression: entry.expression, id: entry.id, label: entry.label, visible: entry.returnData, ...axis }];
    });
}

/** A single plan metric drawn on its own, labelled. */
function metricLine(metric: PlannedMetric, names: DashboardNames, label: string, yAxis?: "left" | "right"): MetricLine {
    const [line] = queryLines({ metrics: [metric], expressions: [], returnId: metric.id }, names, yAxis);
    const options = line[line.length - 1] as MetricOptions;
    return [...line.slice(0, -1), { ...options, label }];
}

/**
 * The desired and running task counts. The one the backlog divides by is reused as the plan states it, so the graph
 * shows what scaling reads; the other is Container Insights' sibling metric on the same dimensions.
 */
function taskMetrics(query: PlannedQuery): { running: PlannedMetric; desired: PlannedMetric } {
    const planned = query.metrics.find((metric) => metric.subject === "service");
    if (planned === undefined) {
        throw new Error("the backlog query names no service metric to count tasks with");
    }
    const sibling = (metricName: string, id: string): PlannedMetric => ({ ...planned, id, metricName });
    return {
        running: planned.metricName === "RunningTaskCount" ? planned : sibling("RunningTaskCount", "running"),
        desired: planned.metricName === "DesiredTaskCount" ? planned : sibling("DesiredTaskCount", "desired"),
    };
}

/** The queue metrics the backlog reads (visible and in flight), taken from the plan rather than named again. */
function queueMetrics(): PlannedMetric[] {
    return backlogQuery(true).metrics.filter((metric) => metric.subject === "queue");
}

const OLDEST_MESSAGE_AGE: PlannedMetric = {
    id: "age",
    namespace: "AWS/SQS",
    metricName: "ApproximateAgeOfOldestMessage",
    stat: "Maximum",
    subject: "queue",
};

/** The names as seen by one of the two queues: the dead-letter queue's metrics carry its own QueueName. */
function onQueue(names: DashboardNames, queue: AlarmedQueue): DashboardNames {
    return queue === "queue" ? names : { ...names, queueName: names.deadLetterQueueName ?? "" };
}

function describeAlarm(alarm: {
    comparison: AlarmComparison;
    threshold: number;
    datapointsToAlarm: number;
    evaluationPeriods: number;
}): string {
    return `alarm ${COMPARISON_SYMBOL[alarm.comparison]} ${alarm.threshold} for ${alarm.datapointsToAlarm} of ${alarm.evaluationPeriods} min`;
}

/** The operational alarms on one queue as threshold lines, each on the axis of the metric it watches. */
function thresholdLines(
    alarms: PlannedQueueAlarm[],
    queue: AlarmedQueue,
    axisOf: (metricName: string) => "left" | "right",
): HorizontalAnnotation[] {
    return alarms
        .filter((alarm) => alarm.queue === queue)
        .map((alarm) => ({
            value: alarm.threshold,
            label: `${alarm.key}: ${describeAlarm(alarm)}`,
            yAxis: axisOf(alarm.metricName),
        }));
}
function backlogGraphs(inputs: WorkerDashboardInputs): Unplaced<MetricWidget>[] {
    return targetTrackings(inputs.scaling).map((tracking) => {
        const returned = tracking.query.expressions.find((expression) => expression.id === tracking.query.returnId);
        return graph(
            returned?.label ?? "Target tracking metric",
            inputs.region,
            queryLines(tracking.query, inputs.names),
            [{ value: tracking.targetValue, label: `target ${tracking.targetValue}` }],
            { left: { min: 0 } },
        );
    });
}

function taskGraph(inputs: WorkerDashboardInputs): Unplaced<MetricWidget> {
    const { running, desired } = taskMetrics(inputs.scaling.backlog.query);
    return graph(
        "Tasks: desired and running",
        inputs.region,
        [metricLine(desired, inputs.names, "Desired tasks"), metricLine(running, inputs.names, "Running tasks")],
        [
            { value: inputs.scaling.minTasks, label: `minTasks ${inputs.scaling.minTasks}` },
            { value: inputs.scaling.maxTasks, label: `maxTasks ${inputs.scaling.maxTasks}` },
        ],
        { left: { min: 0 } },
    );
}

function queueGraph(inputs: WorkerDashboardInputs): Unplaced<MetricWidget> {
    const axisOf = (metricName: string) => (metricName === OLDEST_MESSAGE_AGE.metricName ? "right" : "left");
    const [visible, inFlight] = queueMetrics();
    return graph(
        "Queue: visible, in flight, oldest message age",
        inputs.region,
        [
            metricLine(visible, inputs.names, "Visible messages"),
            metricLine(inFlight, inputs.names, "In-flight messages"),
            metricLine(OLDEST_MESSAGE_AGE, inputs.names, "Oldest message age (s)", "right"),
        ],
        thresholdLines(inputs.operationalAlarms, "queue", axisOf),
        { left: { min: 0, label: "messages" }, right: { min: 0, label: "seconds" } },
    );
}

function deadLetterGraph(inputs: WorkerDashboardInputs): Unplaced<MetricWidget> | undefined {
    if (inputs.names.deadLetterQueueName === undefined) {
        return undefined;
    }
    const [visible] = queueMetrics();
    return graph(
        "Dead-letter queue: messages",
        inputs.region,
        [metricLine({ ...visible, stat: "Maximum" }, onQueue(inputs.names, "deadLetterQueue"), "Dead-letter messages")],
        thresholdLines(inputs.operationalAlarms, "deadLetterQueue", () => "left"),
        { left: { min: 0 } },
    );
}

/** One graph per scaling alarm: the alarm's own expression, with its threshold as a line. */
function scalingAlarmGraphs(inputs: WorkerDashboardInputs): Unplaced<MetricWidget>[] {
    return plannedScalingAlarms(inputs.scaling).map((alarm) => {
        const returned = alarm.query.expressions.find((expression) => expression.id === alarm.query.returnId);
        return graph(
            `Scaling alarm: ${returned?.label ?? alarm.description}`,
            inputs.region,
            queryLines(alarm.query, inputs.names),
            [{ value: alarm.threshold, label: describeAlarm(alarm) }],
            { left: { min: 0 } },
        );
    });
}

/** CPU and memory of the service's tasks: AWS/ECS publishes both for every Fargate service, free of charge. */
function utilizationGraph(inputs: WorkerDashboardInputs): Unplaced<MetricWidget> {
    const dimensions = ["ClusterName", inputs.names.clusterName, "ServiceName", inputs.names.serviceName];
    const line = (metricName: string, stat: string, label: string): MetricLine => [
        "AWS/ECS",
        metricName,
        ...dimensions,
        { stat, period: METRIC_PERIOD_SECONDS, label },
    ];
    return graph(
        "Tasks: CPU and memory (% of the task size)",
        inputs.region,
        [
            line("CPUUtilization", "Average", "CPU average"),
            line("CPUUtilization", "Maximum", "CPU busiest task"),
            line("MemoryUtilization", "Average", "Memory average"),
            line("MemoryUtilization", "Maximum", "Memory busiest task"),
        ],
        [],
        { left: { min: 0, label: "%" } },
    );
}

/** The alarm status widgets: scaling and operational alarms apart, as ALARM_PURPOSE_TAG tells them. */
function alarmStatusWidgets(inputs: WorkerDashboardInputs): Unplaced<AlarmStatusWidget>[] {
    // Scaling, then operational, then any purpose this builder does not know yet.
    const known: string[] = Object.values(AlarmPurpose);
    const rank = (purpose: string) => (known.includes(purpose) ? known.indexOf(purpose) : known.length);
    const purposes = [...new Set(inputs.createdAlarms.map((alarm) => alarm.purpose))].sort((a, b) => rank(a) - rank(b));
    return purposes.map((purpose) => ({
        type: "alarm",
        height: ALARM_STATUS_HEIGHT,
        properties: {
            title: `${purpose[0].toUpperCase()}${purpose.slice(1)} alarms`,
            alarms: inputs.createdAlarms
                .filter((alarm) => alarm.purpose === purpose)
                .map((alarm) => alarm.arn)
                .sort(),
            // ALARM first, then INSUFFICIENT_DATA, then OK: what fired is on top.
            sortBy: "stateUpdatedTimestamp",
        },
    }));
}
/** The worker's dashboard: what fired, then the backlog and the fleet, the queues, the scaling alarms, the tasks. */
export function workerDashboardBody(inputs: WorkerDashboardInputs): DashboardBody {
    const text: Unplaced<TextWidget> = {
        type: "text",
        height: TEXT_HEIGHT,
        properties: { markdown: `## ${inputs.workerName}: how it scales\n\n${describeScaling(inputs.scaling)}` },
    };
    const deadLetter = deadLetterGraph(inputs);
    return {
        start: "-PT6H",
        periodOverride: "inherit",
        widgets: layout([
            [text],
            alarmStatusWidgets(inputs),
            [...backlogGraphs(inputs), taskGraph(inputs)],
            deadLetter ? [queueGraph(inputs), deadLetter] : [queueGraph(inputs)],
            ...chunk(scalingAlarmGraphs(inputs), GRAPHS_PER_ROW),
            [utilizationGraph(inputs)],
        ]),
    };
}

/** One worker's row on a stack-wide overview dashboard. */
interface OverviewRow {
    workerName: string;
    names: DashboardNames;
    /** The worker's own dashboard; empty when it has none. */
    dashboardName: string;
}

/**
 * A stack-wide overview: one row per worker with its queue, its tasks and its dead-letter queue, and a link to the
 * worker's own dashboard for the scaling detail.
 */
export function overviewDashboardBody(region: string, rows: OverviewRow[]): DashboardBody {
    return {
        start: "-PT6H",
        periodOverride: "inherit",
        widgets: layout(
            rows.map((row) => {
                const [visible, inFlight] = queueMetrics();
                const { running, desired } = taskMetrics(backlogQuery(false));
                const link = row.dashboardName
                    ? `[Dashboard ${row.dashboardName}](https://console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${row.dashboardName})`
                    : "No dashboard of its own.";
                const cells: Unplaced<DashboardWidget>[] = [
                    {
                        type: "text",
                        height: GRAPH_HEIGHT,
                        properties: { markdown: `### ${row.workerName}\n\n${link}` },
                    },
                    graph(`${row.workerName}: queue`, region, [
                        metricLine(visible, row.names, "Visible"),
                        metricLine(inFlight, row.names, "In flight"),
                    ]),
                    graph(`${row.workerName}: tasks`, region, [
                        metricLine(desired, row.names, "Desired"),
                        metricLine(running, row.names, "Running"),
                    ]),
                    graph(`${row.workerName}: oldest message age`, region, [
                        metricLine(OLDEST_MESSAGE_AGE, row.names, "Seconds"),
                    ]),
                ];
                if (row.names.deadLetterQueueName !== undefined) {
                    cells.push(
                        graph(`${row.workerName}: dead-letter queue`, region, [
                            metricLine(
                                { ...visible, stat: "Maximum" },
                                onQueue(row.names, "deadLetterQueue"),
                                "Messages",
                            ),
                        ]),
                    );
                }
                return cells;
            }),
        ),
    };
}
