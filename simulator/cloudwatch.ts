// CloudWatch as the scaling policies see it: one-minute datapoints that become visible only after their delivery lag,
// aggregated to an alarm's period, fed through the shared metric-math evaluator, and judged M of N with the alarm's
// missing-data treatment. Evaluating the plan's own expression strings here is what makes the simulation run exactly
// the deployed design.
import { evaluateMetricQueries, MetricSeries } from "./metricMath";
import { AlarmComparison, PlannedAlarm, PlannedExpression } from "../components/plan/scalingPlan";
import { ALARM_LOOKBACK_EXTRA_PERIODS, METRIC_PERIOD_SECONDS } from "./parameters";

/** A metric in a query. The plan's PlannedMetric is one; alternatives also read AWS/ECS CPU and a custom metric. */
export interface SimulatedMetric {
    id: string;
    namespace: string;
    metricName: string;
    stat: "Sum" | "Average" | "Maximum";
}

export interface SimulatedQuery {
    metrics: SimulatedMetric[];
    expressions: PlannedExpression[];
    returnId: string;
}

/** An alarm; the plan's PlannedAlarm is one. */
export type SimulatedAlarm = Omit<PlannedAlarm, "query" | "description"> & { query: SimulatedQuery };

export enum AlarmState {
    Ok = "OK",
    Alarm = "ALARM",
    InsufficientData = "INSUFFICIENT_DATA",
}

export interface AlarmEvaluation {
    state: AlarmState;
    /** The datapoints the decision was made on, oldest first (at most evaluationPeriods). */
    datapoints: number[];
}

export function metricKey(namespace: string, metricName: string): string {
    return `${namespace}/${metricName}`;
}

/** The metrics the simulated AWS publishes. */
export const METRICS = {
    visible: metricKey("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
    inFlight: metricKey("AWS/SQS", "ApproximateNumberOfMessagesNotVisible"),
    running: metricKey("ECS/ContainerInsights", "RunningTaskCount"),
    desired: metricKey("ECS/ContainerInsights", "DesiredTaskCount"),
    cpu: metricKey("AWS/ECS", "CPUUtilization"),
    copilotBacklog: metricKey("Copilot/Simulated", "BacklogPerTask"),
} as const;

interface Datapoint {
    value: number;
    availableAt: number;
}

/** One-minute datapoints per metric, each with the time from which CloudWatch returns it. */
export class MetricStore {
    private readonly byMetric = new Map<string, (Datapoint | undefined)[]>();

    /** Records the datapoint of minute `minute` ([60 m, 60 m + 60)). Nothing is recorded for an absent datapoint. */
    publish(key: string, minute: number, value: number, availableAt: number): void {
        let points = this.byMetric.get(key);
        if (points === undefined) {
            points = [];
            this.byMetric.set(key, points);
        }
        points[minute] = { value, availableAt };
    }

    /** The metric aggregated to `periodSeconds` periods [first, first + count), as CloudWatch returns it at `now`. */
    series(
        metric: SimulatedMetric,
        periodSeconds: number,
        first: number,
        count: number,
        now: number,
    ): (number | undefined)[] {
        const points = this.byMetric.get(metricKey(metric.namespace, metric.metricName)) ?? [];
        const minutesPerPeriod = periodSeconds / METRIC_PERIOD_SECONDS;
        const result = new Array<number | undefined>(count);
        for (let i = 0; i < count; i++) {
            const start = (first + i) * minutesPerPeriod;
            let sum = 0;
            let max = -Infinity;
            let n = 0;
            for (let m = start; m < start + minutesPerPeriod; m++) {
                const point = m >= 0 ? points[m] : undefined;
                if (point !== undefined && point.availableAt <= now) {
                    sum += point.value;
                    max = Math.max(max, point.value);
                    n++;
                }
            }
            result[i] = n === 0 ? undefined : metric.stat === "Sum" ? sum : metric.stat === "Average" ? sum / n : max;
        }
        return result;
    }
}

function breaches(value: number, comparison: AlarmComparison, threshold: number): boolean {
    switch (comparison) {
        case "GreaterThanThreshold":
            return value > threshold;
        case "GreaterThanOrEqualToThreshold":
            return value >= threshold;
        case "LessThanThreshold":
            return value < threshold;
        case "LessThanOrEqualToThreshold":
            return value <= threshold;
    }
}

/**
 * Evaluates an alarm at `now` (a minute boundary, when CloudWatch evaluates). CloudWatch User Guide, "Configuring how
 * CloudWatch alarms treat missing data": it retrieves more periods than evaluationPeriods (the evaluation range);
 * when at least datapointsToAlarm of them exist, the state is decided on the existing ones and the missing-data
 * treatment is not used; otherwise missing datapoints are filled per the treatment. Periods after the newest one that
 * has any datapoint are not part of the result yet (CloudWatch evaluates the data it has), so a FILL in the expression
 * does not turn a not-yet-published minute into a value.
 */
export function evaluateAlarm(
    alarm: SimulatedAlarm,
    store: MetricStore,
    now: number,
    previous: AlarmState,
): AlarmEvaluation {
    const period = alarm.periodSeconds;
    const newestComplete = Math.floor(now / period) - 1;
    let length = alarm.evaluationPeriods + ALARM_LOOKBACK_EXTRA_PERIODS;
    const first = newestComplete - length + 1;
    const raw: Record<string, MetricSeries> = {};
    let newestWithData = -1;
    for (const metric of alarm.query.metrics) {
        const series = store.series(metric, period, first, length, now);
        raw[metric.id] = series;
        for (let i = length - 1; i > newestWithData; i--) {
            if (series[i] !== undefined) {
                newestWithData = i;
                break;
            }
        }
    }
    length = newestWithData + 1;
    let values: MetricSeries = [];
    if (length > 0) {
        const queries = [...alarm.query.metrics.map((metric) => ({ id: metric.id })), ...alarm.query.expressions];
        values = evaluateMetricQueries(queries, raw, length)[alarm.query.returnId];
    }
    const existing = values.filter((value): value is number => value !== undefined);
    const needed = alarm.datapointsToAlarm;
    const judge = (points: number[], missingBreach: number) => {
        const breaching =
            points.filter((value) => breaches(value, alarm.comparison, alarm.threshold)).length + missingBreach;
        return breaching >= needed ? AlarmState.Alarm : AlarmState.Ok;
    };
    if (existing.length >= needed) {
        const newest = existing.slice(-alarm.evaluationPeriods);
        return { state: judge(newest, 0), datapoints: newest };
    }
    const missing = alarm.evaluationPeriods - existing.length;
    switch (alarm.treatMissingData) {
        case "breaching":
            return { state: judge(existing, missing), datapoints: existing };
        case "notBreaching":
            return { state: judge(existing, 0), datapoints: existing };
        case "ignore":
            return { state: previous, datapoints: existing };
        case "missing":
            return { state: existing.length === 0 ? AlarmState.InsufficientData : AlarmState.Ok, datapoints: existing };
    }
}
