// A worker's CloudWatch dashboard as plain data: the body is decided from the scaling plan (scalingPlan.ts) and the
// operational alarm plan (alarmPlan.ts), never re-typed. Every metric-math line is the plan's own query, turned into
// metric queries by the same adapter the alarms use (scaling.ts), so the dashboard draws exactly what the alarms judge.
// dashboard.ts only resolves the names and creates the resource. The body follows CloudWatch's "Dashboard Body
// Structure and Syntax" (APIReference/CloudWatch-Dashboard-Body-Structure.html); docs/dashboard.md shows the layout.
import { AlarmPurpose } from "../contract";
import { AlarmComparison, METRIC_PERIOD_SECONDS, PlannedAlarm, PlannedMetric, PlannedQuery, PlannedStepScaling, PlannedTargetTracking, ScalingPlan, backlogQuery } from "./scalingPlan";
import { AlarmedQueue, PlannedQueueAlarm } from "./alarmPlan";
import { alarmMetricQueries } from "./scaling";

/** CloudWatch lays widgets out on a grid 24 columns wide. */
const DASHBOARD_GRID_COLUMNS = 24;
/** The height of a graph: six rows is CloudWatch's default and leaves a readable plot at half the width. */
const GRAPH_HEIGHT = 6;
const ALARM_STATUS_HEIGHT = 3;
const TEXT_HEIGHT = 4;
/** At most this many graphs share a row, so each stays at least six columns wide. */
const GRAPHS_PER_ROW = 4;

/** One rendering-options object of a metric line: the documented keys this builder uses. */
interface MetricOptions {
    id?: string;
    expression?: string;
    label?: string;
    stat?: string;
    period?: number;
    visible?: boolean;
    yAxis?: "left" | "right";
}

/**
 * One entry of `properties.metrics`, in the documented form: `[namespace, metricName, dimension, value, ..., options]`
 * for a metric, `[{ expression, id, label }]` for metric math.
 */
type MetricLine = (string | MetricOptions)[];

interface HorizontalAnnotation {
    value: number;
    label: string;
    yAxis?: "left" | "right";
}

interface Placement {
    x: number;
    y: number;
    width: number;
    height: number;
}

interface MetricWidget extends Placement {
    type: "metric";
    properties: {
        title: string;
        region: string;
        view: "timeSeries";
        stacked: false;
        period: number;
        metrics: MetricLine[];
        annotations?: { horizontal: HorizontalAnnotation[] };
        yAxis?: { left?: { min?: number; label?: string }; right?: { min?: number; label?: string } };
    };
}

interface TextWidget extends Placement {
    type: "text";
    properties: { markdown: string };
}

interface AlarmStatusWidget extends Placement {
    type: "alarm";
    properties: { title: string; alarms: string[]; sortBy: "stateUpdatedTimestamp" };
}

type DashboardWidget = MetricWidget | TextWidget | AlarmStatusWidget;

export interface DashboardBody {
    start: string;
    periodOverride: "inherit";
    widgets: DashboardWidget[];
}

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

const COMPARISON_SYMBOL: Readonly<Record<AlarmComparison, string>> = {
    GreaterThanThreshold: ">",
    GreaterThanOrEqualToThreshold: ">=",
    LessThanThreshold: "<",
    LessThanOrEqualToThreshold: "<=",
};

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null;
}

function isQuery(value: unknown): value is PlannedQuery {
    return isObject(value) && Array.isArray(value.metrics) && Array.isArray(value.expressions) && typeof value.returnId === "string";
}

/** Every part of the scaling plan that matches `test`, wherever the plan keeps it, in the plan's own order. */
function findInPlan<T>(plan: ScalingPlan, test: (value: unknown) => value is T): T[] {
    const found: T[] = [];
    const visit = (value: unknown): void => {
        if (test(value)) {
            found.push(value);
        } else if (isObject(value)) {
            Object.values(value).forEach(visit);
        }
    };
    visit(plan);
    return found;
}

/**
 * The alarms the scaling plan creates, found by shape rather than by field name, so an alarm the plan gains later is
 * drawn and described without a change here.
 */
export function plannedScalingAlarms(plan: ScalingPlan): PlannedAlarm[] {
    return findInPlan(plan, (value): value is PlannedAlarm =>
        isObject(value) && isQuery(value.query) && typeof value.threshold === "number" && typeof value.comparison === "string");
}

function stepPolicies(plan: ScalingPlan): PlannedStepScaling[] {
    return findInPlan(plan, (value): value is PlannedStepScaling =>
        isObject(value) && Array.isArray(value.steps) && isObject(value.alarm) && typeof value.adjustmentType === "string");
}

function targetTrackings(plan: ScalingPlan): PlannedTargetTracking[] {
    return findInPlan(plan, (value): value is PlannedTargetTracking =>
        isObject(value) && typeof value.targetValue === "number" && isQuery(value.query));
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
 * The running-task metric the backlog divides by, reused as it stands so the task graph shows what scaling reads; the
 * desired count is Container Insights' sibling metric on the same dimensions.
 */
function taskMetrics(query: PlannedQuery): { running: PlannedMetric; desired: PlannedMetric } {
    const running = query.metrics.find((metric) => metric.subject === "service");
    if (running === undefined) {
        throw new Error("the backlog query names no service metric to count running tasks with");
    }
    return { running, desired: { ...running, id: "desired", metricName: "DesiredTaskCount" } };
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

function describeAlarm(alarm: { comparison: AlarmComparison; threshold: number; datapointsToAlarm: number; evaluationPeriods: number }): string {
    return `alarm ${COMPARISON_SYMBOL[alarm.comparison]} ${alarm.threshold} for ${alarm.datapointsToAlarm} of ${alarm.evaluationPeriods} min`;
}

/** The operational alarms on one queue as threshold lines, each on the axis of the metric it watches. */
function thresholdLines(alarms: PlannedQueueAlarm[], queue: AlarmedQueue, axisOf: (metricName: string) => "left" | "right"): HorizontalAnnotation[] {
    return alarms
        .filter((alarm) => alarm.queue === queue)
        .map((alarm) => ({ value: alarm.threshold, label: `${alarm.key}: ${describeAlarm(alarm)}`, yAxis: axisOf(alarm.metricName) }));
}

type Unplaced<W extends DashboardWidget> = Omit<W, "x" | "y" | "width">;

function graph(title: string, region: string, metrics: MetricLine[], horizontal: HorizontalAnnotation[] = [], yAxis?: MetricWidget["properties"]["yAxis"]): Unplaced<MetricWidget> {
    return {
        type: "metric",
        height: GRAPH_HEIGHT,
        properties: {
            title,
            region,
            view: "timeSeries",
            stacked: false,
            period: METRIC_PERIOD_SECONDS,
            metrics,
            ...(horizontal.length > 0 ? { annotations: { horizontal } } : {}),
            ...(yAxis ? { yAxis } : {}),
        },
    };
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
    const line = (metricName: string, stat: string, label: string): MetricLine =>
        ["AWS/ECS", metricName, ...dimensions, { stat, period: METRIC_PERIOD_SECONDS, label }];
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
            alarms: inputs.createdAlarms.filter((alarm) => alarm.purpose === purpose).map((alarm) => alarm.arn).sort(),
            // ALARM first, then INSUFFICIENT_DATA, then OK: what fired is on top.
            sortBy: "stateUpdatedTimestamp",
        },
    }));
}

function steps(policy: PlannedStepScaling): string {
    const unit = (adjustment: number) =>
        policy.adjustmentType === "PercentChangeInCapacity" ? " % of the running tasks" : Math.abs(adjustment) === 1 ? " task" : " tasks";
    const change = (adjustment: number) => `${adjustment > 0 ? "+" : ""}${adjustment}${unit(adjustment)}`;
    if (policy.steps.length === 1) {
        return change(policy.steps[0].scalingAdjustment);
    }
    return policy.steps
        .map((step) => `${change(step.scalingAdjustment)} from ${policy.alarm.threshold + (step.lowerBound ?? 0)}`)
        .join(", ");
}

/** What the scaling does, in one paragraph written from the plan. */
export function describeScaling(plan: ScalingPlan): string {
    const expressionOf = (query: PlannedQuery) =>
        query.expressions.find((expression) => expression.id === query.returnId)?.expression ?? query.returnId;
    const sentences = [
        ...targetTrackings(plan).map((tracking) =>
            `Target tracking keeps \`${expressionOf(tracking.query)}\` near ${tracking.targetValue} between ` +
            `${plan.minTasks} and ${plan.maxTasks} tasks (scale-out cooldown ${tracking.scaleOutCooldownSeconds} s, ` +
            `scale-in ${tracking.disableScaleIn ? "disabled" : `cooldown ${tracking.scaleInCooldownSeconds} s`}).`),
        ...stepPolicies(plan).map((policy) =>
            `${policy.alarm.description} Its alarm fires when \`${expressionOf(policy.alarm.query)}\` ` +
            `${COMPARISON_SYMBOL[policy.alarm.comparison]} ${policy.alarm.threshold} for ${policy.alarm.datapointsToAlarm} ` +
            `of ${policy.alarm.evaluationPeriods} one-minute periods, and then scales by ${steps(policy)} ` +
            `(cooldown ${policy.cooldownSeconds} s).`),
        plan.wakeUpEstimate
            ? `From zero tasks, a first message waits about ${plan.wakeUpEstimate.typicalSeconds} s for a task ` +
                `(${plan.wakeUpEstimate.worstSeconds} s at worst${plan.wakeUpEstimate.idleQueueExtraSeconds > 0 ? `, plus up to ${plan.wakeUpEstimate.idleQueueExtraSeconds} s after six idle hours` : ""}).`
            : "",
        plan.keepQueueActive
            ? `A schedule (${plan.keepQueueActive.scheduleExpression}) keeps the queue's metrics flowing while it is idle.`
            : "",
        ...plan.schedules.map((schedule) =>
            `Schedule ${schedule.name} (${schedule.schedule}${schedule.timezone ? `, ${schedule.timezone}` : ""}) sets ` +
            `minTasks ${schedule.minTasks ?? "unchanged"} and maxTasks ${schedule.maxTasks ?? "unchanged"}.`),
    ];
    return sentences.filter(Boolean).join(" ");
}

/** Places rows of widgets on the grid, top to bottom; the widgets of a row share its width evenly. */
function layout(rows: Unplaced<DashboardWidget>[][]): DashboardWidget[] {
    const placed: DashboardWidget[] = [];
    let y = 0;
    for (const row of rows.filter((widgets) => widgets.length > 0)) {
        const width = Math.floor(DASHBOARD_GRID_COLUMNS / row.length);
        row.forEach((widget, index) => {
            const last = index === row.length - 1;
            placed.push({ ...widget, x: index * width, y, width: last ? DASHBOARD_GRID_COLUMNS - index * width : width } as DashboardWidget);
        });
        y += Math.max(...row.map((widget) => widget.height));
    }
    return placed;
}

function chunk<T>(items: T[], size: number): T[][] {
    const chunks: T[][] = [];
    for (let start = 0; start < items.length; start += size) {
        chunks.push(items.slice(start, start + size));
    }
    return chunks;
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
        widgets: layout(rows.map((row) => {
            const [visible, inFlight] = queueMetrics();
            const { running, desired } = taskMetrics(backlogQuery(false));
            const link = row.dashboardName
                ? `[Dashboard ${row.dashboardName}](https://console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${row.dashboardName})`
                : "No dashboard of its own.";
            const cells: Unplaced<DashboardWidget>[] = [
                { type: "text", height: GRAPH_HEIGHT, properties: { markdown: `### ${row.workerName}\n\n${link}` } },
                graph(`${row.workerName}: queue`, region, [
                    metricLine(visible, row.names, "Visible"),
                    metricLine(inFlight, row.names, "In flight"),
                ]),
                graph(`${row.workerName}: tasks`, region, [
                    metricLine(desired, row.names, "Desired"),
                    metricLine(running, row.names, "Running"),
                ]),
                graph(`${row.workerName}: oldest message age`, region, [metricLine(OLDEST_MESSAGE_AGE, row.names, "Seconds")]),
            ];
            if (row.names.deadLetterQueueName !== undefined) {
                cells.push(graph(`${row.workerName}: dead-letter queue`, region, [
                    metricLine({ ...visible, stat: "Maximum" }, onQueue(row.names, "deadLetterQueue"), "Messages"),
                ]));
            }
            return cells;
        })),
    };
}
