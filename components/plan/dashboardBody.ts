// CloudWatch's dashboard body format, as "Dashboard Body Structure and Syntax" (CloudWatch API Reference) documents
// it: the widget types this project draws, the metric-array form, and the 24-column grid widgets are placed on. Pure
// data and layout; dashboardPlan.ts decides what goes on a dashboard.
import { METRIC_PERIOD_SECONDS } from "./scalingPlan";

/** CloudWatch lays widgets out on a grid 24 columns wide. */
const DASHBOARD_GRID_COLUMNS = 24;
/** The height of a graph: six rows is CloudWatch's default and leaves a readable plot at half the width. */
export const GRAPH_HEIGHT = 6;

/** One rendering-options object of a metric line: the documented keys this builder uses. */
export interface MetricOptions {
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
export type MetricLine = (string | MetricOptions)[];

export interface HorizontalAnnotation {
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

export interface MetricWidget extends Placement {
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

export interface TextWidget extends Placement {
    type: "text";
    properties: { markdown: string };
}

export interface AlarmStatusWidget extends Placement {
    type: "alarm";
    properties: { title: string; alarms: string[]; sortBy: "stateUpdatedTimestamp" };
}

export type DashboardWidget = MetricWidget | TextWidget | AlarmStatusWidget;

export interface DashboardBody {
    start: string;
    periodOverride: "inherit";
    widgets: DashboardWidget[];
}

/** A widget before layout gives it a place and a width. */
export type Unplaced<W extends DashboardWidget> = Omit<W, "x" | "y" | "width">;

/** A time-series graph of one-minute datapoints, with threshold lines when given. */
export function graph(
    title: string,
    region: string,
    metrics: MetricLine[],
    horizontal: HorizontalAnnotation[] = [],
    yAxis?: MetricWidget["properties"]["yAxis"],
): Unplaced<MetricWidget> {
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

/** Places rows of widgets on the grid, top to bottom; the widgets of a row share its width evenly. */
export function layout(rows: Unplaced<DashboardWidget>[][]): DashboardWidget[] {
    const placed: DashboardWidget[] = [];
    let y = 0;
    for (const row of rows.filter((widgets) => widgets.length > 0)) {
        const width = Math.floor(DASHBOARD_GRID_COLUMNS / row.length);
        row.forEach((widget, index) => {
            const last = index === row.length - 1;
            placed.push({
                ...widget,
                x: index * width,
                y,
                width: last ? DASHBOARD_GRID_COLUMNS - index * width : width,
            } as DashboardWidget);
        });
        y += Math.max(...row.map((widget) => widget.height));
    }
    return placed;
}

export function chunk<T>(items: T[], size: number): T[][] {
    const chunks: T[][] = [];
    for (let start = 0; start < items.length; start += size) {
        chunks.push(items.slice(start, start + size));
    }
    return chunks;
}
