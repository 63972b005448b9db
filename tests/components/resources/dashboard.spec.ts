import * as assert from "node:assert/strict";
import { ALARM_PURPOSE_TAG } from "../../../contract";
import { RegisteredResource } from "../../../tooling/mocks";
import { dashboardBodyProblems, metricWidgets, Widget } from "../../support/dashboardBody";
import {
    assertRejectedWith,
    json,
    minimalArgs,
    ofType,
    one,
    recordWorker,
    recordWorkerWithComponent,
    valueOf,
} from "../../support/worker";

const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

function bodyOf(resources: RegisteredResource[]): { widgets: Widget[] } {
    return json<{ widgets: Widget[] }>(one(resources, DASHBOARD, "jobs-dashboard").inputs.dashboardBody);
}

/** Every metric-math expression the worker's alarms and scaling policies hold. */
function deployedExpressions(resources: RegisteredResource[]): string[] {
    const alarmQueries = ofType(resources, ALARM).flatMap(
        (alarm) => (alarm.inputs.metricQueries ?? []) as { expression?: string }[],
    );
    const trackingQueries = ofType(resources, "aws:appautoscaling/policy:Policy").flatMap((policy) => {
        const tracking = policy.inputs.targetTrackingScalingPolicyConfiguration as
            { customizedMetricSpecification?: { metrics?: { expression?: string }[] } } | undefined;
        return tracking?.customizedMetricSpecification?.metrics ?? [];
    });
    return [...alarmQueries, ...trackingQueries].flatMap((query) => (query.expression ? [query.expression] : []));
}

describe("dashboard: a CloudWatch dashboard per worker", () => {
    it("creates <name>-dashboard as a child of the component, named per project, stack and worker, and reports its name", async () => {
        const { resources, worker } = await recordWorkerWithComponent(minimalArgs());
        const dashboard = one(resources, DASHBOARD, "jobs-dashboard");
        assert.equal(dashboard.parent, one(resources, "background-worker:index:BackgroundWorker", "jobs").urn);
        // The mocks run project "background-worker", stack "test".
        assert.equal(dashboard.inputs.dashboardName, "background-worker-test-jobs");
        assert.equal(await valueOf(worker.dashboardName), "background-worker-test-jobs");
        assert.deepEqual(dashboardBodyProblems(bodyOf(resources)), []);
    });

    it("ties every metric to this worker's queue, dead-letter queue, cluster and service, in the cluster's region", async () => {
        const resources = await recordWorker(
            minimalArgs({ scaling: { minTasks: 0 }, alarms: { maxMessageAgeSeconds: 600 } }),
        );
        const queueName = one(resources, "aws:sqs/queue:Queue", "jobs-queue").outputs.name;
        const deadLetterQueueName = one(resources, "aws:sqs/queue:Queue", "jobs-dlq").outputs.name;
        const serviceName = one(resources, "aws:ecs/service:Service", "jobs-service").outputs.name;
        const seen = new Set<unknown>();
        for (const { title, lines, widget } of metricWidgets(bodyOf(resources))) {
            assert.equal(widget.properties.region, "eu-west-1", title);
            for (const line of lines) {
                if (line.kind !== "metric") {
                    continue;
                }
                if (line.namespace === "AWS/SQS") {
                    assert.ok(
                        [queueName, deadLetterQueueName].includes(line.dimensions.QueueName),
                        `${title}: ${line.dimensions.QueueName}`,
                    );
                    seen.add(line.dimensions.QueueName);
                } else {
                    assert.deepEqual(line.dimensions, { ClusterName: "workers", ServiceName: serviceName }, title);
                    seen.add(line.dimensions.ServiceName);
                }
            }
        }
        assert.deepEqual([...seen].sort(), [queueName, deadLetterQueueName, serviceName].sort());
    });

    it("draws the very expressions its alarms and scaling policies hold", async () => {
        const resources = await recordWorker(minimalArgs({ scaling: { minTasks: 0 } }));
        const drawn = metricWidgets(bodyOf(resources)).flatMap(({ lines }) =>
            lines.flatMap((line) => (line.kind === "expression" ? [line.expression] : [])),
        );
        assert.ok(drawn.length >= 3, "backlog, wake-up and burst");
        assert.deepEqual([...new Set(drawn)].sort(), [...new Set(deployedExpressions(resources))].sort());
    });

    it("shows the state of every alarm the component creates, grouped by the purpose tag each alarm carries", async () => {
        const resources = await recordWorker(
            minimalArgs({ scaling: { minTasks: 0 }, alarms: { queueDepthThreshold: 100 } }),
        );
        const alarms = ofType(resources, ALARM);
        assert.ok(alarms.length >= 4, "wake-up, burst, dead-letter and queue depth");
        const expected = new Map<string, string[]>();
        for (const alarm of alarms) {
            const purpose = (alarm.inputs.tags as Record<string, string>)[ALARM_PURPOSE_TAG];
            expected.set(purpose, [...(expected.get(purpose) ?? []), alarm.outputs.arn as string].sort());
        }
        const widgets = bodyOf(resources).widgets.filter((widget) => widget.type === "alarm");
        assert.deepEqual(
            widgets.map((widget) => [widget.properties.title, widget.properties.alarms]),
            [
                ["Scaling alarms", expected.get("scaling")],
                ["Operational alarms", expected.get("operational")],
            ],
        );
    });

    it("draws no dead-letter graph for an existing queue without a dead-letter queue", async () => {
        const resources = await recordWorker(
            minimalArgs({
                existingQueue: {
                    arn: "arn:aws:sqs:eu-west-1:210987654321:orders",
                    url: "https://sqs.eu-west-1.amazonaws.com/210987654321/orders",
                },
            }),
        );
        const body = bodyOf(resources);
        assert.deepEqual(dashboardBodyProblems(body), []);
        assert.ok(!metricWidgets(body).some((graph) => graph.title.startsWith("Dead-letter")));
        const queues = metricWidgets(body).flatMap(({ lines }) =>
            lines.flatMap((line) =>
                line.kind === "metric" && line.namespace === "AWS/SQS" ? [line.dimensions.QueueName] : [],
            ),
        );
        assert.deepEqual([...new Set(queues)], ["orders"]);
    });

    it("creates none with dashboard: false, and reports an empty name", async () => {
        const { resources, worker } = await recordWorkerWithComponent(minimalArgs({ dashboard: false }));
        assert.equal(ofType(resources, DASHBOARD).length, 0);
        assert.equal(await valueOf(worker.dashboardName), "");
        assert.ok(ofType(resources, ALARM).length > 0, "the alarms stay");
    });

    it("rejects a dashboard setting that is not a boolean, naming the property", async () => {
        await assertRejectedWith(
            minimalArgs({ dashboard: "yes" as unknown as boolean }),
            "dashboard",
            /must be true or false; got "yes"/,
        );
    });
});
