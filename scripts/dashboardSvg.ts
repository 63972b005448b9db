// `npm run docs:dashboard [-- --check]`: draws docs/images/dashboard.svg, a worker's dashboard, from the body the
// component generates for the dev stack's job-worker (run offline under mocks, as `npm run plan` does). Each widget is
// a box at its grid position with its title, the series it plots and its threshold lines, so the picture changes
// whenever the body does; each graph is drawn with the series of a simulated day (the dev job worker under the plan it
// deploys, on the built-in diurnal trace), its expressions evaluated by the simulator's metric-math evaluator. Metrics
// the simulator does not model (memory, the busiest task's CPU, failed jobs) are named as such, not invented. Then
// every SVG in docs/images is rendered to PNG with resvg, so the pictures are looked at as a reader sees them.
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "node:util";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import {
    DashboardBody,
    DashboardWidget,
    MetricLine,
    MetricOptions,
    MetricWidget,
} from "../components/plan/dashboardBody";
import { planScaling } from "../components/plan/scalingPlan";
import { metricKey, METRICS, MetricStore } from "../simulator/cloudwatch";
import { simulatedWorker, stackWorkers, traceForSeed } from "../simulator/experiment";
import { evaluateMetricQueries, MetricSeries, referencedIds } from "../simulator/metricMath";
import { parametersForSeed } from "../simulator/parameters";
import { ourPolicy } from "../simulator/policies";
import { simulate } from "../simulator/simulation";
import { BuiltInTrace } from "../simulator/traces";
import { EXAMPLE_WORKERS } from "../stack/config";
import { REPO_ROOT, runStack } from "../tooling/harness";

const IMAGES = path.join(REPO_ROOT, "docs", "images");
const SVG_PATH = path.join(IMAGES, "dashboard.svg");
const WORKER_DASHBOARD = `${EXAMPLE_WORKERS[0].resourceName}-dashboard`;
const STACK = "dev";
/** The simulated hours drawn: the busiest six of the day, the dashboard's own default range. */
const DRAWN_HOURS: [number, number] = [9, 15];
/** At most this many points per series in a graph a few hundred pixels wide. */
const POINTS_PER_SERIES = 180;
const SERIES_COLOURS = ["#0972d3", "#e8710a", "#2ca02c", "#9467bd"];
/** Pixels per grid column and per grid row: CloudWatch's grid is 24 columns wide. */
const COLUMN_PIXELS = 44;
const ROW_PIXELS = 40;
/** A label line is 16 px high. */
const LINE_ROWS = 0.4;
const CHARACTER_PIXELS = 6.2;

/** A line of text; a graph's series are named in the colour they are drawn in (series0 .. series3). */
interface Label {
    x: number;
    y: number;
    text: string;
    role: "title" | "detail" | "threshold" | `series${number}`;
}

/** The role, and so the colour, of a graph's n-th visible line. */
function seriesRole(index: number): Label["role"] {
    return `series${index % SERIES_COLOURS.length}`;
}

function wrap(text: string, widthColumns: number): string[] {
    const perLine = Math.max(10, Math.floor((widthColumns * COLUMN_PIXELS - 16) / CHARACTER_PIXELS));
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(/\s+/)) {
        if (line && line.length + word.length + 1 > perLine) {
            lines.push(line);
            line = word;
        } else {
            line = line ? `${line} ${word}` : word;
        }
    }
    return line ? [...lines, line] : lines;
}

/** What a widget says, line by line: its title first, then its series, thresholds or alarms. */
function widgetLabels(widget: DashboardWidget): Label[] {
    const lines: { text: string; role: Label["role"] }[] = [];
    if (widget.type === "text") {
        const [heading, ...paragraph] = widget.properties.markdown.split("\n").filter(Boolean);
        lines.push({ text: heading.replace(/^#+\s*/, ""), role: "title" });
        lines.push(
            ...wrap(paragraph.join(" ").replace(/`/g, ""), widget.width).map((text) => ({
                text,
                role: "detail" as const,
            })),
        );
    } else {
        lines.push(...wrap(widget.properties.title, widget.width).map((text) => ({ text, role: "title" as const })));
        if (widget.type === "alarm") {
            lines.push(
                ...widget.properties.alarms.map((arn) => ({
                    text: `● ${arn.split(":").pop()}`,
                    role: "detail" as const,
                })),
            );
        } else {
            let visibleLines = 0;
            for (const line of widget.properties.metrics) {
                const options = line[line.length - 1];
                if (typeof options === "object" && options.visible !== false) {
                    lines.push({
                        text: `— ${options.label ?? options.expression ?? line[1]}`,
                        role: seriesRole(visibleLines++),
                    });
                }
            }
            lines.push(
                ...(widget.properties.annotations?.horizontal ?? []).map((annotation) => ({
                    text: `- - ${annotation.label}`,
                    role: "threshold" as const,
                })),
            );
        }
    }
    const room = Math.floor((widget.height - 0.3) / LINE_ROWS);
    return lines
        .slice(0, room)
        .map((line, index) => ({ x: widget.x + 0.2, y: widget.y + 0.4 + index * LINE_ROWS, ...line }));
}

/** A simulated day of the stack's job worker under the plan it deploys, every published datapoint kept. */
export function simulatedDay(): MetricStore {
    const worker = stackWorkers(STACK).find((candidate) => candidate.name === EXAMPLE_WORKERS[0].configKey);
    if (worker === undefined) {
        throw new Error(`the ${STACK} stack has no ${EXAMPLE_WORKERS[0].configKey}`);
    }
    const source = { builtIn: BuiltInTrace.Diurnal };
    const run = simulate({
        trace: traceForSeed(source, worker.settings, 1, 0, 1),
        policy: ourPolicy(planScaling(worker.settings.scaling)),
        worker: simulatedWorker(worker.settings),
        parameters: parametersForSeed(0, 1),
        seed: 1,
        recordMetrics: true,
    });
    if (run.metrics === undefined) {
        throw new Error("the simulation kept no metrics");
    }
    return run.metrics;
}

/** The metrics the simulator publishes, by CloudWatch key; anything else on a dashboard is not simulated. */
const SIMULATED: ReadonlySet<string> = new Set(Object.values(METRICS));

interface DrawnSeries {
    label: string;
    values: MetricSeries;
    axis: "left" | "right";
    /** Its place among the graph's visible lines: its colour, the same as its name's. */
    index: number;
}

/** A widget's visible lines as simulated series, and the names of the lines the simulator does not model. */
function widgetSeries(widget: MetricWidget, store: MetricStore): { drawn: DrawnSeries[]; missing: string[] } {
    const first = DRAWN_HOURS[0] * 60;
    const length = (DRAWN_HOURS[1] - DRAWN_HOURS[0]) * 60;
    const raw: Record<string, MetricSeries> = {};
    const queries: { id: string; expression?: string }[] = [];
    const visible: { id: string; label: string; axis: "left" | "right" }[] = [];
    const missing: string[] = [];
    // The dead-letter queue's metrics carry its own QueueName; the simulator fails no job, so it has none to draw.
    const deadLetter = widget.properties.title.startsWith("Dead-letter");
    widget.properties.metrics.forEach((line: MetricLine, index) => {
        const options = line[line.length - 1] as MetricOptions;
        const id = options.id ?? `line${index}`;
        const label = options.label ?? options.expression ?? String(line[1]);
        if (options.expression !== undefined) {
            queries.push({ id, expression: options.expression });
        } else {
            const key = metricKey(String(line[0]), String(line[1]));
            // One datapoint a minute per metric: Maximum and Average are the same there, except for CPU, where the
            // Maximum is the busiest task's, which the simulator does not track.
            const modelled = SIMULATED.has(key) && !deadLetter && !(key === METRICS.cpu && options.stat === "Maximum");
            if (modelled) {
                raw[id] = store.minutes(key).slice(first, first + length);
                queries.push({ id });
            } else if (options.visible !== false) {
                missing.push(label);
            }
        }
        if (options.visible !== false) {
            visible.push({ id, label, axis: options.yAxis ?? "left" });
        }
    });
    // An expression is drawn only when every id it reads is a simulated metric or another drawable expression.
    const known = new Set(queries.filter((query) => query.expression === undefined).map((query) => query.id));
    const usable = queries.filter((query) => {
        if (query.expression === undefined) {
            return true;
        }
        const drawable = referencedIds(query.expression).every((id) => known.has(id));
        if (drawable) {
            known.add(query.id);
        }
        return drawable;
    });
    const values = evaluateMetricQueries(usable, raw, length);
    return {
        drawn: visible
            .map((line, index) => ({ ...line, index }))
            .filter((line) => values[line.id] !== undefined && !missing.includes(line.label))
            .map((line) => ({ label: line.label, values: values[line.id], axis: line.axis, index: line.index })),
        missing,
    };
}

interface Point {
    x: number;
    y: number;
    series: string;
    colour: string;
    order: number;
}

/** The widget's series as lines in grid coordinates inside its box, below its labels, and the labels' room. */
function widgetLines(
    widget: DashboardWidget,
    store: MetricStore,
    labelRows: number,
): { points: Point[]; notes: Label[] } {
    if (widget.type !== "metric") {
        return { points: [], notes: [] };
    }
    const { drawn, missing } = widgetSeries(widget, store);
    const top = widget.y + 0.4 + labelRows * LINE_ROWS + 0.15;
    const bottom = widget.y + widget.height - 0.35;
    const left = widget.x + 0.3;
    const right = widget.x + widget.width - 0.4;
    const notes: Label[] = missing.map((label, i) => ({
        x: left,
        y: bottom - i * LINE_ROWS,
        text: `${label}: not simulated`,
        role: "threshold",
    }));
    if (bottom - top < 0.8 || drawn.length === 0) {
        return { points: [], notes };
    }
    const scaleOf = (axis: "left" | "right") => {
        const values = drawn.filter((series) => series.axis === axis).flatMap((series) => series.values);
        const thresholds = (widget.properties.annotations?.horizontal ?? [])
            .filter((annotation) => (annotation.yAxis ?? "left") === axis)
            .map((annotation) => annotation.value);
        return Math.max(1, ...values.filter((v): v is number => v !== undefined), ...thresholds);
    };
    const scales = { left: scaleOf("left"), right: scaleOf("right") };
    const points: Point[] = [];
    drawn.forEach((series) => {
        const every = Math.max(1, Math.ceil(series.values.length / POINTS_PER_SERIES));
        for (let i = 0; i < series.values.length; i += every) {
            let value: number | undefined;
            for (let j = i; j < Math.min(series.values.length, i + every); j++) {
                const v = series.values[j];
                value = v === undefined ? value : Math.max(value ?? -Infinity, v);
            }
            if (value !== undefined) {
                points.push({
                    x: left + ((right - left) * i) / Math.max(1, series.values.length - 1),
                    y: bottom - ((bottom - top) * Math.max(0, value)) / scales[series.axis],
                    series: `${widget.x}:${widget.y}:${series.index}`,
                    colour: SERIES_COLOURS[series.index % SERIES_COLOURS.length],
                    order: i,
                });
            }
        }
    });
    for (const annotation of widget.properties.annotations?.horizontal ?? []) {
        const scale = scales[annotation.yAxis ?? "left"];
        const y = bottom - ((bottom - top) * annotation.value) / scale;
        const series = `${widget.x}:${widget.y}:threshold:${annotation.label}`;
        points.push(
            { x: left, y, series, colour: "#d13212", order: 0 },
            { x: right, y, series, colour: "#d13212", order: 1 },
        );
    }
    notes.push({
        x: right - 1.4,
        y: top,
        text: `max ${scales.left.toFixed(scales.left < 10 ? 1 : 0)}`,
        role: "detail",
    });
    return { points, notes };
}

/** The Vega-Lite specification of the layout: one box per widget, its labels on top. */
function layoutSpec(widgets: DashboardWidget[], store?: MetricStore): vegaLite.TopLevelSpec {
    const rows = Math.max(...widgets.map((widget) => widget.y + widget.height));
    const x = { type: "quantitative" as const, scale: { domain: [0, 24] }, axis: null };
    const y = { type: "quantitative" as const, scale: { domain: [0, rows], reverse: true }, axis: null };
    const widgetLabelSets = widgets.map(widgetLabels);
    const drawn = store ? widgets.map((widget, i) => widgetLines(widget, store, widgetLabelSets[i].length)) : [];
    const labels = [...widgetLabelSets.flat(), ...drawn.flatMap((lines) => lines.notes)];
    const points = drawn.flatMap((lines) => lines.points);
    const textMark = {
        type: "text" as const,
        align: "left" as const,
        baseline: "middle" as const,
        fontSize: 11,
        font: "Helvetica, Arial, sans-serif",
    };
    return {
        $schema: "https://vega.github.io/schema/vega-lite/v5.json",
        width: 24 * COLUMN_PIXELS + 12,
        height: rows * ROW_PIXELS + 12,
        background: "#f4f5f7",
        // The grid sets the size: Vega's text-width estimate is wider than a browser's, and would pad the right side.
        autosize: { type: "none" },
        padding: 6,
        view: { stroke: null },
        // Box fills and label colours are separate scales.
        resolve: { scale: { color: "independent" } },
        layer: [
            {
                data: {
                    values: widgets.map((widget) => ({
                        ...widget,
                        x2: widget.x + widget.width - 0.1,
                        y2: widget.y + widget.height - 0.1,
                        kind: widget.type,
                    })),
                },
                mark: { type: "rect", stroke: "#c9ccd1", cornerRadius: 3 },
                encoding: {
                    x: { field: "x", ...x },
                    x2: { field: "x2" },
                    y: { field: "y", ...y },
                    y2: { field: "y2" },
                    color: {
                        field: "kind",
                        type: "nominal",
                        scale: { domain: ["text", "alarm", "metric"], range: ["#ffffff", "#fff7e6", "#ffffff"] },
                        legend: null,
                    },
                },
            },
            {
                data: { values: points },
                mark: { type: "line" as const, strokeWidth: 1.3, interpolate: "linear" as const },
                encoding: {
                    x: { field: "x", ...x },
                    y: { field: "y", ...y },
                    detail: { field: "series", type: "nominal" as const },
                    order: { field: "order", type: "quantitative" as const },
                    color: { field: "colour", type: "nominal" as const, scale: null, legend: null },
                    strokeDash: {
                        condition: { test: "indexof(datum.series, 'threshold') >= 0", value: [4, 3] },
                        value: [1, 0],
                    },
                },
            },
            {
                data: { values: labels },
                transform: [{ filter: "datum.role === 'title'" }],
                mark: { ...textMark, fontWeight: "bold", color: "#16191f" },
                encoding: { x: { field: "x", ...x }, y: { field: "y", ...y }, text: { field: "text" } },
            },
            {
                data: { values: labels },
                transform: [{ filter: "datum.role !== 'title'" }],
                mark: textMark,
                encoding: {
                    x: { field: "x", ...x },
                    y: { field: "y", ...y },
                    text: { field: "text" },
                    color: {
                        field: "role",
                        type: "nominal",
                        scale: {
                            domain: ["detail", "threshold", ...SERIES_COLOURS.map((_, i) => seriesRole(i))],
                            range: ["#0972d3", "#d13212", ...SERIES_COLOURS],
                        },
                        legend: null,
                    },
                },
            },
        ],
    };
}

/** The dashboard's picture; with a store, each graph draws that run's series. */
export async function renderSvg(widgets: DashboardWidget[], store?: MetricStore): Promise<string> {
    const view = new vega.View(vega.parse(vegaLite.compile(layoutSpec(widgets, store)).spec), { renderer: "none" });
    return view.toSVG();
}

/** Renders an SVG to PNG with resvg and the machine's fonts, on a white background. */
export function renderPng(svg: string): Buffer {
    return new Resvg(svg, { background: "#ffffff", font: { loadSystemFonts: true } }).render().asPng();
}

/** Every SVG of docs/images as a PNG beside it, for a reader's eye (and the reviewer's). */
function renderPngs(): string[] {
    return fs
        .readdirSync(IMAGES)
        .filter((file) => file.endsWith(".svg"))
        .map((file) => {
            const png = path.join(IMAGES, file.replace(/\.svg$/, ".png"));
            fs.writeFileSync(png, renderPng(fs.readFileSync(path.join(IMAGES, file), "utf8")));
            return path.relative(REPO_ROOT, png);
        });
}

/** Writes the SVG and every PNG, or with `--check` exits non-zero when the committed SVG is not what it draws now. */
async function main(argv: string[]): Promise<number> {
    let check: boolean;
    try {
        check = parseArgs({ args: argv, options: { check: { type: "boolean" } }, strict: true }).values.check ?? false;
    } catch (error) {
        process.stderr.write(
            `docs:dashboard: ${error instanceof Error ? error.message : String(error)}; valid flags: --check\n`,
        );
        return 2;
    }
    const run = await runStack({ stack: STACK });
    const dashboard = run.resources.find((resource) => resource.name === WORKER_DASHBOARD);
    if (!dashboard || typeof dashboard.inputs.dashboardBody !== "string") {
        throw new Error(`the ${STACK} stack registers no ${WORKER_DASHBOARD} with a body`);
    }
    const body = JSON.parse(dashboard.inputs.dashboardBody) as DashboardBody;
    const svg = `${await renderSvg(body.widgets, simulatedDay())}\n`;
    const file = path.relative(REPO_ROOT, SVG_PATH);
    if (check) {
        const current = fs.existsSync(SVG_PATH) ? fs.readFileSync(SVG_PATH, "utf8") : "";
        if (current !== svg) {
            process.stderr.write(`${file} is out of date: run npm run docs:dashboard\n`);
            return 1;
        }
        process.stdout.write(`${file} is up to date\n`);
        return 0;
    }
    fs.mkdirSync(path.dirname(SVG_PATH), { recursive: true });
    fs.writeFileSync(SVG_PATH, svg);
    const pngs = renderPngs();
    process.stdout.write(
        `wrote ${file}: ${body.widgets.length} widgets of ${dashboard.inputs.dashboardName}, drawn with a simulated day; ` +
            `rendered ${pngs.join(", ")}\n`,
    );
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (error: unknown) => {
            process.stderr.write(`docs:dashboard failed: ${error instanceof Error ? error.message : String(error)}\n`);
            process.exitCode = 1;
        },
    );
}
