// `npm run docs:dashboard [-- --check]`: draws docs/images/dashboard.svg, the layout of a worker's dashboard, from the body the
// component generates for the dev stack's job-worker (run offline under mocks, as `npm run plan` does). Each widget is
// a box at its grid position with its title, the series it plots and its threshold lines, so the picture changes
// whenever the body does. Drawn with Vega-Lite, not by hand; no metric data is invented.
import * as fs from "fs";
import * as path from "path";
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import { DashboardBody, DashboardWidget } from "../components/plan/dashboardBody";
import { REPO_ROOT, runStack } from "../tooling/harness";

const SVG_PATH = path.join(REPO_ROOT, "docs", "images", "dashboard.svg");
const WORKER_DASHBOARD = "job-worker-dashboard";
const STACK = "dev";
/** Pixels per grid column and per grid row: CloudWatch's grid is 24 columns wide. */
const COLUMN_PIXELS = 44;
const ROW_PIXELS = 40;
/** A label line is 16 px high. */
const LINE_ROWS = 0.4;
const CHARACTER_PIXELS = 6.2;

interface Label {
    x: number;
    y: number;
    text: string;
    role: "title" | "detail" | "threshold";
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
        lines.push({ text: widget.properties.title, role: "title" });
        if (widget.type === "alarm") {
            lines.push(
                ...widget.properties.alarms.map((arn) => ({
                    text: `● ${arn.split(":").pop()}`,
                    role: "detail" as const,
                })),
            );
        } else {
            for (const line of widget.properties.metrics) {
                const options = line[line.length - 1];
                if (typeof options === "object" && options.visible !== false) {
                    lines.push({ text: `— ${options.label ?? options.expression ?? line[1]}`, role: "detail" });
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

/** The Vega-Lite specification of the layout: one box per widget, its labels on top. */
function layoutSpec(widgets: DashboardWidget[]): vegaLite.TopLevelSpec {
    const rows = Math.max(...widgets.map((widget) => widget.y + widget.height));
    const x = { type: "quantitative" as const, scale: { domain: [0, 24] }, axis: null };
    const y = { type: "quantitative" as const, scale: { domain: [0, rows], reverse: true }, axis: null };
    const labels = widgets.flatMap(widgetLabels);
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
                        scale: { domain: ["detail", "threshold"], range: ["#0972d3", "#d13212"] },
                        legend: null,
                    },
                },
            },
        ],
    };
}

export async function renderSvg(widgets: DashboardWidget[]): Promise<string> {
    const view = new vega.View(vega.parse(vegaLite.compile(layoutSpec(widgets)).spec), { renderer: "none" });
    return view.toSVG();
}

/** Writes the SVG, or with `--check` exits non-zero when the committed one is not what the body draws now. */
async function main(argv: string[]): Promise<number> {
    const run = await runStack({ stack: STACK });
    const dashboard = run.resources.find((resource) => resource.name === WORKER_DASHBOARD);
    if (!dashboard || typeof dashboard.inputs.dashboardBody !== "string") {
        throw new Error(`the ${STACK} stack registers no ${WORKER_DASHBOARD} with a body`);
    }
    const body = JSON.parse(dashboard.inputs.dashboardBody) as DashboardBody;
    const svg = `${await renderSvg(body.widgets)}\n`;
    const file = path.relative(REPO_ROOT, SVG_PATH);
    if (argv.includes("--check")) {
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
    process.stdout.write(`wrote ${file}: ${body.widgets.length} widgets of ${dashboard.inputs.dashboardName}\n`);
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (error: unknown) => {
            process.stderr.write(`docs:dashboard failed: ${error instanceof Error ? error.message : String(error)}\n`);
            process.exit(1);
        },
    );
}
