// A reviewer's parser for CloudWatch dashboard bodies, written from AWS's "Dashboard Body Structure and Syntax"
// (CloudWatch API Reference): the widgets array, the 24-column grid, the metric-array format and the widget
// properties this project uses. It knows nothing of the builder, so it checks the builder rather than echoing it.
import { isObject } from "../../components/validation/problems";

/** Widget types the documentation lists. */
const WIDGET_TYPES = ["metric", "text", "log", "alarm", "explorer"];
const GRID_COLUMNS = 24;
const MAX_WIDGETS = 500;
/** Documented keys of a metric's rendering-properties object. */
const RENDERING_KEYS = [
    "accountId",
    "color",
    "expression",
    "id",
    "label",
    "period",
    "region",
    "stat",
    "visible",
    "yAxis",
];
const VIEWS = ["timeSeries", "singleValue", "bar", "pie", "gauge", "table"];
const ID = /^[a-z][A-Za-z0-9_]*$/;
const ALARM_ARN = /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:[^:]+$/;

interface ParsedMetric {
    kind: "metric";
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
    options: Record<string, unknown>;
}
interface ParsedExpression {
    kind: "expression";
    expression: string;
    options: Record<string, unknown>;
}
export type ParsedLine = ParsedMetric | ParsedExpression;

export interface Widget {
    type: string;
    x: number;
    y: number;
    width: number;
    height: number;
    properties: Record<string, unknown>;
}

/** Parses one entry of `properties.metrics`; throws naming what is wrong. */
function parseMetricLine(line: unknown): ParsedLine {
    if (!Array.isArray(line) || line.length === 0) {
        throw new Error(`a metric line must be a non-empty array; got ${JSON.stringify(line)}`);
    }
    const last = line[line.length - 1];
    const options = isObject(last) ? last : {};
    const strings = isObject(last) ? line.slice(0, -1) : line;
    for (const key of Object.keys(options)) {
        if (!RENDERING_KEYS.includes(key)) {
            throw new Error(`rendering property ${key} is not documented`);
        }
    }
    if (options.id !== undefined && (typeof options.id !== "string" || !ID.test(options.id))) {
        throw new Error(`id ${JSON.stringify(options.id)} must start with a lowercase letter`);
    }
    if (options.yAxis !== undefined && options.yAxis !== "left" && options.yAxis !== "right") {
        throw new Error(`yAxis must be left or right; got ${JSON.stringify(options.yAxis)}`);
    }
    if (typeof options.expression === "string") {
        if (strings.length !== 0 || typeof options.id !== "string") {
            throw new Error(`an expression line is [{ expression, id, ... }] alone; got ${JSON.stringify(line)}`);
        }
        return { kind: "expression", expression: options.expression, options };
    }
    if (
        strings.length < 2 ||
        strings.length % 2 !== 0 ||
        !strings.every((part) => typeof part === "string" && part !== "")
    ) {
        throw new Error(
            `a metric line is [namespace, metricName, dimension, value, ..., {options}]; got ${JSON.stringify(line)}`,
        );
    }
    const [namespace, metricName, ...pairs] = strings as string[];
    const dimensions: Record<string, string> = {};
    for (let index = 0; index < pairs.length; index += 2) {
        dimensions[pairs[index]] = pairs[index + 1];
    }
    return { kind: "metric", namespace, metricName, dimensions, options };
}

function checkMetricWidget(properties: Record<string, unknown>, where: string): string[] {
    const problems: string[] = [];
    if (typeof properties.region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(properties.region)) {
        problems.push(`${where}: properties.region must be a region; got ${JSON.stringify(properties.region)}`);
    }
    if (properties.view !== undefined && !VIEWS.includes(properties.view as string)) {
        problems.push(`${where}: view ${JSON.stringify(properties.view)} is not documented`);
    }
    if (properties.period !== undefined && (typeof properties.period !== "number" || properties.period % 60 !== 0)) {
        problems.push(`${where}: period must be a multiple of 60`);
    }
    if (!Array.isArray(properties.metrics) || properties.metrics.length === 0) {
        problems.push(`${where}: properties.metrics must be a non-empty array`);
        return problems;
    }
    const ids = new Set<string>();
    for (const line of properties.metrics) {
        try {
            const parsed = parseMetricLine(line);
            const id = parsed.options.id as string | undefined;
            if (id !== undefined) {
                if (ids.has(id)) {
                    problems.push(`${where}: id ${id} is used twice`);
                }
                ids.add(id);
            }
        } catch (error) {
            problems.push(`${where}: ${(error as Error).message}`);
        }
    }
    const annotations = properties.annotations;
    if (annotations !== undefined) {
        if (!isObject(annotations)) {
            problems.push(`${where}: annotations must be an object`);
        } else {
            for (const key of Object.keys(annotations)) {
                if (!["horizontal", "vertical", "alarms"].includes(key)) {
                    problems.push(`${where}: annotations.${key} is not documented`);
                }
            }
            for (const line of (annotations.horizontal ?? []) as unknown[]) {
                if (
                    !isObject(line) ||
                    typeof line.value !== "number" ||
                    (line.label !== undefined && typeof line.label !== "string") ||
                    (line.yAxis !== undefined && line.yAxis !== "left" && line.yAxis !== "right")
                ) {
                    problems.push(
                        `${where}: a horizontal annotation is { value, label?, yAxis? }; got ${JSON.stringify(line)}`,
                    );
                }
            }
        }
    }
    if (properties.yAxis !== undefined) {
        const axes = properties.yAxis as Record<string, unknown>;
        for (const [side, axis] of Object.entries(axes)) {
            if (
                !["left", "right"].includes(side) ||
                !isObject(axis) ||
                !Object.keys(axis).every((key) => ["min", "max", "label", "showUnits"].includes(key))
            ) {
                problems.push(`${where}: yAxis.${side} is not { min?, max?, label?, showUnits? }`);
            }
        }
    }
    return problems;
}

function checkAlarmWidget(properties: Record<string, unknown>, where: string): string[] {
    const alarms = properties.alarms;
    const problems: string[] = [];
    if (!Array.isArray(alarms) || alarms.length < 1 || alarms.length > 100) {
        problems.push(`${where}: properties.alarms must hold 1 to 100 alarm ARNs`);
    } else {
        for (const arn of alarms) {
            if (typeof arn !== "string" || !ALARM_ARN.test(arn)) {
                problems.push(`${where}: ${JSON.stringify(arn)} is not an alarm ARN`);
            }
        }
    }
    if (
        properties.sortBy !== undefined &&
        !["default", "stateUpdatedTimestamp", "timestamp"].includes(properties.sortBy as string)
    ) {
        problems.push(`${where}: sortBy ${JSON.stringify(properties.sortBy)} is not documented`);
    }
    return problems;
}

/** Every way `body` departs from the documented structure; empty when it is valid. */
export function dashboardBodyProblems(body: unknown): string[] {
    if (!isObject(body) || !Array.isArray(body.widgets)) {
        return ["the body must be an object with a widgets array"];
    }
    const problems: string[] = [];
    if (body.widgets.length > MAX_WIDGETS) {
        problems.push(`at most ${MAX_WIDGETS} widgets`);
    }
    if (body.periodOverride !== undefined && !["auto", "inherit"].includes(body.periodOverride as string)) {
        problems.push("periodOverride must be auto or inherit");
    }
    const cells = new Map<string, number>();
    body.widgets.forEach((widget: unknown, index: number) => {
        const where = `widgets[${index}]`;
        if (!isObject(widget) || !WIDGET_TYPES.includes(widget.type as string) || !isObject(widget.properties)) {
            problems.push(`${where}: needs a documented type and a properties object`);
            return;
        }
        const { x, y, width, height } = widget as unknown as Widget;
        const whole = [x, y, width, height].every((value) => Number.isInteger(value));
        if (
            !whole ||
            x < 0 ||
            y < 0 ||
            width < 1 ||
            width > GRID_COLUMNS ||
            height < 1 ||
            height > 1000 ||
            x + width > GRID_COLUMNS
        ) {
            problems.push(`${where}: x ${x}, y ${y}, width ${width}, height ${height} do not fit the 24-column grid`);
        } else {
            for (let column = x; column < x + width; column++) {
                for (let row = y; row < y + height; row++) {
                    const other = cells.get(`${column},${row}`);
                    if (other !== undefined) {
                        problems.push(`${where} overlaps widgets[${other}] at column ${column}, row ${row}`);
                        return;
                    }
                    cells.set(`${column},${row}`, index);
                }
            }
        }
        if (widget.type === "metric") {
            problems.push(...checkMetricWidget(widget.properties, where));
        } else if (widget.type === "alarm") {
            problems.push(...checkAlarmWidget(widget.properties, where));
        } else if (
            widget.type === "text" &&
            (typeof widget.properties.markdown !== "string" || widget.properties.markdown === "")
        ) {
            problems.push(`${where}: a text widget needs markdown`);
        }
    });
    return problems;
}

/** The metric widgets of a body with their lines parsed. */
export function metricWidgets(body: { widgets: Widget[] }): { title: string; lines: ParsedLine[]; widget: Widget }[] {
    return body.widgets
        .filter((widget) => widget.type === "metric")
        .map((widget) => ({
            title: String(widget.properties.title),
            lines: (widget.properties.metrics as unknown[]).map(parseMetricLine),
            widget,
        }));
}
