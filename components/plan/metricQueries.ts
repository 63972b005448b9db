// A plan's metric queries (scalingPlan.ts) in the two shapes AWS takes them: target tracking's customized metric and
// an alarm's metric queries. The alarms (resources/scaling.ts) and the dashboard (dashboardPlan.ts) both use the alarm
// shape, so the dashboard draws exactly what the alarms judge.
import type { Input } from "@pulumi/pulumi";
import { PlannedMetric, PlannedQuery } from "./scalingPlan";

/** The real names behind a plan's metric subjects. */
export interface MetricDimensions {
    queueName: Input<string>;
    clusterName: Input<string>;
    serviceName: Input<string>;
}

function dimensionsOf(metric: PlannedMetric, names: MetricDimensions): { [name: string]: Input<string> } {
    return metric.subject === "queue"
        ? { QueueName: names.queueName }
        : { ClusterName: names.clusterName, ServiceName: names.serviceName };
}

/** The query's expressions, the same in both shapes; only the one the query returns yields data. */
function expressionQueries(query: PlannedQuery) {
    return query.expressions.map((expression) => ({
        id: expression.id,
        expression: expression.expression,
        label: expression.label,
        returnData: expression.id === query.returnId,
    }));
}

/** Target tracking takes dimensions as a `{name, value}` list and no period (it always uses one minute). */
export function targetTrackingMetrics(query: PlannedQuery, names: MetricDimensions) {
    return [
        ...query.metrics.map((metric) => ({
            id: metric.id,
            returnData: false,
            metricStat: {
                stat: metric.stat,
                metric: {
                    namespace: metric.namespace,
                    metricName: metric.metricName,
                    dimensions: Object.entries(dimensionsOf(metric, names)).map(([name, value]) => ({ name, value })),
                },
            },
        })),
        ...expressionQueries(query),
    ];
}

/** Alarm metric queries take a dimensions map, with the period and statistic on each metric. */
export function alarmMetricQueries(query: PlannedQuery, periodSeconds: number, names: MetricDimensions) {
    return [
        ...query.metrics.map((metric) => ({
            id: metric.id,
            returnData: false,
            metric: {
                namespace: metric.namespace,
                metricName: metric.metricName,
                dimensions: dimensionsOf(metric, names),
                period: periodSeconds,
                stat: metric.stat,
            },
        })),
        ...expressionQueries(query),
    ];
}
