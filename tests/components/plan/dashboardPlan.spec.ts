import * as assert from "node:assert/strict";
import { AlarmPurpose } from "../../../contract";
import { planAlarms, PlannedQueueAlarm } from "../../../components/plan/alarmPlan";
import { DashboardBody } from "../../../components/plan/dashboardBody";
import {
    CreatedAlarm,
    DashboardNames,
    overviewDashboardBody,
    workerDashboardBody,
    WorkerDashboardInputs,
} from "../../../components/plan/dashboardPlan";
import { evaluateMetricQueries, MetricSeries } from "../../../simulator/metricMath";
import { PlannedStepScaling, planScaling, ScalingPlan } from "../../../components/plan/scalingPlan";
import { describeScaling, plannedScalingAlarms } from "../../../components/plan/scalingSummary";
import { resolveWorkerSettings } from "../../../components/plan/settings";
import { BackgroundWorkerArgs } from "../../../components/types";
import { dashboardBodyProblems, metricWidgets, ParsedLine, Widget } from "../../support/dashboardBody";
import { minimalArgs } from "../../support/worker";

const NAMES: DashboardNames = {
    queueName: "jobs-queue-1a2b3c4",
    deadLetterQueueName: "jobs-dlq-5d6e7f8",
    clusterName: "workers",
    serviceName: "jobs-service-9a8b7c6",
};
const ALARM_ARN = (name: string) => `arn:aws:cloudwatch:eu-west-1:210987654321:alarm:${name}`;

interface Case {
    name: string;
    args: Partial<BackgroundWorkerArgs>;
    hasDeadLetterQueue?: boolean;
}

// The shapes a worker's plan takes: each draws a different set of alarms and widgets.
const CASES: Case[] = [
    { name: "the defaults (burst on, one task at least)", args: {} },
    { name: "scale to zero (wake-up alarm, keep-alive)", args: { scaling: { minTasks: 0 } } },
    {
        name: "no burst, in-flight messages not counted",
        args: { scaling: { burstScaleOut: false, countInFlight: false } },
    },
    {
        name: "schedules and every operational alarm",
        args: {
            scaling: { minTasks: 0, schedules: [{ name: "days", schedule: "cron(0 8 ? * MON-FRI *)", minTasks: 2 }] },
            alarms: { maxMessageAgeSeconds: 900, queueDepthThreshold: 100 },
        },
    },
    { name: "an existing queue without a dead-letter queue", args: {}, hasDeadLetterQueue: false },
];

function inputsFor(testCase: Case, createdAlarms: CreatedAlarm[] = []): WorkerDashboardInputs {
    const settings = resolveWorkerSettings(minimalArgs(testCase.args));
    const hasDeadLetterQueue = testCase.hasDeadLetterQueue ?? true;
    return {
        workerName: "jobs",
        region: "eu-west-1",
        names: hasDeadLetterQueue ? NAMES : { ...NAMES, deadLetterQueueName: undefined },
        scaling: planScaling(settings.scaling),
        operationalAlarms: planAlarms(settings.alarms, hasDeadLetterQueue),
        createdAlarms,
    };
}

function metricsOf(body: DashboardBody) {
    return metricWidgets(body as unknown as { widgets: Widget[] });
}

/** Every expression a plan puts into an alarm or a target-tracking policy. */
function planExpressions(plan: ScalingPlan): string[] {
    return [plan.backlog.query, ...plannedScalingAlarms(plan).map((alarm) => alarm.query)].flatMap((query) =>
        query.expressions.map((expression) => expression.expression),
    );
}

function horizontalLines(widget: Widget): { value: number; label: string; yAxis?: string }[] {
    return (widget.properties.annotations as { horizontal?: [] } | undefined)?.horizontal ?? [];
}

function graphTitled(body: DashboardBody, prefix: string) {
    const found = metricsOf(body).filter((graph) => graph.title.startsWith(prefix));
    assert.equal(
        found.length,
        1,
        `expected one graph titled ${prefix}...; found ${found.map((graph) => graph.title).join(", ")}`,
    );
    return found[0];
}

/** A minute-by-minute series for each metric id, so every expression has data to work on. */
const SAMPLE: Readonly<Record<string, MetricSeries>> = {
    visible: [30, 0, 12, 50],
    inflight: [10, 0, 4, 0],
    running: [4, 0, 2, 5],
    desired: [4, 1, 2, 5],
    age: [120, 0, 30, 600],
};

function evaluateWidget(lines: ParsedLine[]): Record<string, MetricSeries> {
    const queries = lines.map((line, index) => ({
        id: (line.options.id as string | undefined) ?? `line${index}`,
        expression: line.kind === "expression" ? line.expression : undefined,
    }));
    return evaluateMetricQueries(queries, SAMPLE, 4);
}

describe("dashboardPlan: a worker's dashboard body, decided from its plans", () => {
    for (const testCase of CASES) {
        describe(testCase.name, () => {
            const inputs = inputsFor(testCase, [
                { arn: ALARM_ARN("jobs-dlq-not-empty-alarm-1"), purpose: AlarmPurpose.Operational },
                { arn: ALARM_ARN("jobs-burst-alarm-1"), purpose: AlarmPurpose.Scaling },
            ]);
            const body = workerDashboardBody(inputs);

            it("is a valid dashboard body: documented widget types and metric arrays, on the 24-column grid, no overlap", () => {
                assert.deepEqual(dashboardBodyProblems(JSON.parse(JSON.stringify(body))), []);
            });

            it("names only this worker's queue, dead-letter queue, cluster and service in its metrics, and all of them", () => {
                const seen = new Set<string>();
                for (const { title, lines } of metricsOf(body)) {
                    for (const line of lines.filter((parsed) => parsed.kind === "metric")) {
                        if (line.kind !== "metric") {
                            continue;
                        }
                        const dimensions = Object.keys(line.dimensions).sort().join(",");
                        if (line.namespace === "AWS/SQS") {
                            assert.equal(dimensions, "QueueName", title);
                            assert.ok(
                                [NAMES.queueName, inputs.names.deadLetterQueueName].includes(line.dimensions.QueueName),
                                `${title}: ${line.dimensions.QueueName}`,
                            );
                            seen.add(line.dimensions.QueueName);
                        } else {
                            assert.ok(
                                ["AWS/ECS", "ECS/ContainerInsights"].includes(line.namespace),
                                `${title}: ${line.namespace}`,
                            );
                            assert.equal(dimensions, "ClusterName,ServiceName", title);
                            assert.deepEqual(
                                line.dimensions,
                                { ClusterName: NAMES.clusterName, ServiceName: NAMES.serviceName },
                                title,
                            );
                            seen.add(line.dimensions.ClusterName).add(line.dimensions.ServiceName);
                        }
                    }
                }
                const expected = [
                    NAMES.queueName,
                    NAMES.clusterName,
                    NAMES.serviceName,
                    inputs.names.deadLetterQueueName,
                ].filter(Boolean);
                assert.deepEqual([...seen].sort(), [...expected].sort());
            });

            it("draws exactly the plan's expressions, character for character, and each one evaluates", () => {
                const drawn = metricsOf(body).flatMap(({ lines }) =>
                    lines.flatMap((line) => (line.kind === "expression" ? [line.expression] : [])),
                );
                assert.deepEqual([...new Set(drawn)].sort(), [...new Set(planExpressions(inputs.scaling))].sort());
                for (const { title, lines } of metricsOf(body)) {
                    const results = evaluateWidget(lines);
                    for (const line of lines.filter((parsed) => parsed.kind === "expression")) {
                        const series = results[line.options.id as string];
                        assert.equal(series.length, 4, title);
                        assert.ok(
                            series.some((value) => typeof value === "number" && Number.isFinite(value)),
                            `${title}: ${line.kind === "expression" ? line.expression : ""}`,
                        );
                    }
                }
            });

            it("draws the backlog target, the task range and each scaling alarm's threshold from the plan", () => {
                const plan = inputs.scaling;
                const backlog = graphTitled(body, plan.backlog.query.expressions[0].label);
                assert.deepEqual(
                    horizontalLines(backlog.widget).map((line) => line.value),
                    [plan.backlog.targetValue],
                );
                const backlogValue = evaluateWidget(backlog.lines)[plan.backlog.query.returnId];
                const work = plan.backlog.query.metrics.some((metric) => metric.id === "inflight")
                    ? [40, 0, 16, 50]
                    : [30, 0, 12, 50];
                // Divided by the task count the plan names (desired or running), minute by minute.
                const tasksMetric = plan.backlog.query.metrics.find((metric) => metric.subject === "service");
                const tasks = SAMPLE[tasksMetric?.id ?? "missing"];
                assert.ok(tasks, "the backlog divides by a task count the sample has");
                assert.deepEqual(
                    backlogValue.filter((value) => value !== undefined && Number.isFinite(value)),
                    work.map((value, index) => value / (tasks[index] as number)).filter(Number.isFinite),
                );

                const taskGraph = graphTitled(body, "Tasks: desired and running");
                assert.deepEqual(
                    horizontalLines(taskGraph.widget).map((line) => line.value),
                    [plan.minTasks, plan.maxTasks],
                );
                const taskMetrics = taskGraph.lines.map((line) =>
                    line.kind === "metric" ? `${line.namespace} ${line.metricName}` : "",
                );
                const running = plan.backlog.query.metrics.find((metric) => metric.subject === "service");
                assert.ok(
                    taskMetrics.includes(`${running?.namespace} ${running?.metricName}`),
                    "the task count the backlog divides by is drawn",
                );
                assert.ok(taskMetrics.includes("ECS/ContainerInsights DesiredTaskCount"));
                assert.ok(taskMetrics.includes("ECS/ContainerInsights RunningTaskCount"));

                const alarms = plannedScalingAlarms(plan);
                const alarmGraphs = metricsOf(body).filter((graph) => graph.title.startsWith("Scaling alarm: "));
                assert.equal(alarmGraphs.length, alarms.length);
                alarms.forEach((alarm, index) => {
                    assert.deepEqual(
                        horizontalLines(alarmGraphs[index].widget).map((line) => line.value),
                        [alarm.threshold],
                    );
                    const returned = alarmGraphs[index].lines.find(
                        (line) => line.kind === "expression" && line.options.visible === true,
                    );
                    assert.equal(
                        returned?.kind === "expression" ? returned.expression : undefined,
                        alarm.query.expressions.find((expression) => expression.id === alarm.query.returnId)
                            ?.expression,
                    );
                });
            });

            it("draws each operational alarm's threshold on the graph and axis of the metric it watches", () => {
                const queue = graphTitled(body, "Queue:");
                const byLabel = (widget: Widget, key: PlannedQueueAlarm["key"]) =>
                    horizontalLines(widget).find((line) => line.label.startsWith(`${key}:`));
                for (const alarm of inputs.operationalAlarms) {
                    if (alarm.queue === "deadLetterQueue") {
                        assert.equal(
                            byLabel(graphTitled(body, "Dead-letter queue").widget, alarm.key)?.value,
                            alarm.threshold,
                        );
                    } else {
                        const line = byLabel(queue.widget, alarm.key);
                        assert.equal(line?.value, alarm.threshold, alarm.key);
                        assert.equal(
                            line?.yAxis,
                            alarm.metricName === "ApproximateAgeOfOldestMessage" ? "right" : "left",
                            alarm.key,
                        );
                    }
                }
                assert.equal(
                    horizontalLines(queue.widget).length,
                    inputs.operationalAlarms.filter((alarm) => alarm.queue === "queue").length,
                );
                assert.equal(
                    metricsOf(body).some((graph) => graph.title.startsWith("Dead-letter queue")),
                    inputs.names.deadLetterQueueName !== undefined,
                );
            });

            it("says in its text what the scaling does", () => {
                const text = body.widgets.filter((widget) => widget.type === "text");
                assert.equal(text.length, 1);
                assert.equal(
                    (text[0].properties as { markdown: string }).markdown,
                    `## jobs: how it scales\n\n${describeScaling(inputs.scaling)}`,
                );
            });
        });
    }

    describe("the alarm status widgets", () => {
        it("group the component's alarms by their purpose tag: scaling first, then operational, then anything else", () => {
            const body = workerDashboardBody(
                inputsFor(CASES[0], [
                    { arn: ALARM_ARN("b-operational"), purpose: AlarmPurpose.Operational },
                    { arn: ALARM_ARN("a-operational"), purpose: AlarmPurpose.Operational },
                    { arn: ALARM_ARN("mystery"), purpose: "untagged" },
                    { arn: ALARM_ARN("wake"), purpose: AlarmPurpose.Scaling },
                    { arn: ALARM_ARN("burst"), purpose: AlarmPurpose.Scaling },
                ]),
            );
            const widgets = body.widgets.filter((widget) => widget.type === "alarm");
            assert.deepEqual(
                widgets.map((widget) => [widget.properties.title, widget.properties.alarms]),
                [
                    ["Scaling alarms", [ALARM_ARN("burst"), ALARM_ARN("wake")]],
                    ["Operational alarms", [ALARM_ARN("a-operational"), ALARM_ARN("b-operational")]],
                    ["Untagged alarms", [ALARM_ARN("mystery")]],
                ],
            );
            assert.ok(
                widgets.every(
                    (widget) => widget.type === "alarm" && widget.properties.sortBy === "stateUpdatedTimestamp",
                ),
                "what fired comes first",
            );
            assert.deepEqual(dashboardBodyProblems(JSON.parse(JSON.stringify(body))), []);
        });

        it("are left out when the component created no alarm, since an alarm widget needs at least one", () => {
            const body = workerDashboardBody(inputsFor(CASES[0], []));
            assert.equal(body.widgets.filter((widget) => widget.type === "alarm").length, 0);
            assert.deepEqual(dashboardBodyProblems(JSON.parse(JSON.stringify(body))), []);
        });
    });

    describe("a plan that gains an alarm", () => {
        const plain = inputsFor(CASES[0]);
        const catchUp = plain.scaling.catchUp as PlannedStepScaling;
        // A policy the builder has never seen, under a field name it does not know.
        const scaleIn: PlannedStepScaling = {
            ...catchUp,
            adjustmentType: "ChangeInCapacity",
            steps: [{ upperBound: 0, scalingAdjustment: -1 }],
            alarm: {
                ...catchUp.alarm,
                description: "The queue has been empty for a while: remove a task.",
                query: {
                    ...catchUp.alarm.query,
                    expressions: [{ id: "idle", expression: "IF(visible == 0, 1, 0)", label: "Queue empty" }],
                    returnId: "idle",
                    metrics: catchUp.alarm.query.metrics.filter((metric) => metric.id === "visible"),
                },
                threshold: 1,
            },
        };
        const extended = { ...plain.scaling, scaleIn };
        const body = workerDashboardBody({ ...plain, scaling: extended });

        it("draws it and describes it without a change to the builder", () => {
            assert.ok(plannedScalingAlarms(extended).includes(scaleIn.alarm));
            const graph = graphTitled(body, "Scaling alarm: Queue empty");
            assert.deepEqual(
                horizontalLines(graph.widget).map((line) => line.value),
                [1],
            );
            assert.match(
                describeScaling(extended),
                /The queue has been empty for a while: remove a task\. Its alarm fires when `IF\(visible == 0, 1, 0\)` >= 1 .* scales by -1 task/,
            );
            assert.deepEqual(dashboardBodyProblems(JSON.parse(JSON.stringify(body))), []);
        });
    });

    describe("the overview", () => {
        const rows = [
            { workerName: "job-worker", names: NAMES, dashboardName: "background-worker-dev-job-worker" },
            {
                workerName: "email-worker",
                names: {
                    ...NAMES,
                    queueName: "email-queue-1",
                    deadLetterQueueName: undefined,
                    serviceName: "email-service-1",
                },
                dashboardName: "",
            },
        ];
        const body = overviewDashboardBody("eu-west-1", rows);

        it("is a valid body with one row per worker, each naming only that worker's resources", () => {
            assert.deepEqual(dashboardBodyProblems(JSON.parse(JSON.stringify(body))), []);
            const rowsByY = new Map<number, Widget[]>();
            for (const widget of body.widgets as unknown as Widget[]) {
                rowsByY.set(widget.y, [...(rowsByY.get(widget.y) ?? []), widget]);
            }
            assert.equal(rowsByY.size, 2);
            [...rowsByY.values()].forEach((widgets, index) => {
                const row = rows[index];
                const lines = metricWidgets({ widgets }).flatMap((graph) => graph.lines);
                const names = lines.flatMap((line) => (line.kind === "metric" ? Object.values(line.dimensions) : []));
                const expected = [
                    row.names.queueName,
                    row.names.clusterName,
                    row.names.serviceName,
                    row.names.deadLetterQueueName,
                ].filter(Boolean);
                assert.deepEqual([...new Set(names)].sort(), [...expected].sort(), row.workerName);
            });
        });

        it("links each worker to its own dashboard, when it has one", () => {
            const texts = body.widgets.flatMap((widget) =>
                widget.type === "text" ? [widget.properties.markdown] : [],
            );
            assert.match(
                texts[0],
                /\[Dashboard background-worker-dev-job-worker\]\(https:\/\/console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#dashboards:name=background-worker-dev-job-worker\)/,
            );
            assert.match(texts[1], /No dashboard of its own/);
        });
    });
});
