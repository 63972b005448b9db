// `simulate --plot FILE.svg`: one seed of a comparison drawn over time, so a reader sees why a policy waits or pays
// more: the arrivals, then per policy (ours, each alternative, the foresight oracle) the backlog, the running tasks and
// the bill so far. Drawn with vega-lite 5 and rendered to SVG by vega 5 headless (both load with require on Node 20;
// their version 6 is ESM-only and needs Node 22).
import * as vega from "vega";
import { compile, TopLevelSpec } from "vega-lite";
import { Comparison } from "./experiment";
import { FORESIGHT_ROW } from "./report";
import { Timeline } from "./simulation";

interface Point {
    hour: number;
    policy: string;
    value: number;
}

/** The policies' and the oracle's timelines for one seed, by name, ours first. */
function timelines(comparison: Comparison, seed: number): [string, Timeline][] {
    const oracle = comparison.oracle.find((run) => run.seed === seed);
    return [
        ...comparison.runs
            .filter((run) => run.seed === seed)
            .map((run): [string, Timeline] => [run.policy, run.timeline]),
        ...(oracle ? [[FORESIGHT_ROW, oracle.achievable.timeline] as [string, Timeline]] : []),
    ];
}

/** One value per minute, thinned to at most `points` per series (the largest of each group, so peaks stay visible). */
function series(policy: string, values: readonly number[], points: number): Point[] {
    const every = Math.max(1, Math.ceil(values.length / points));
    const result: Point[] = [];
    for (let i = 0; i < values.length; i += every) {
        let value = values[i];
        for (let j = i + 1; j < Math.min(values.length, i + every); j++) {
            value = Math.max(value, values[j]);
        }
        result.push({ hour: (i + 1) / 60, policy, value });
    }
    return result;
}

/** Messages arriving per minute of the trace. */
function arrivalsPerMinute(arrivals: readonly number[]): number[] {
    const perMinute: number[] = [];
    for (const at of arrivals) {
        const minute = Math.floor(at / 60);
        perMinute[minute] = (perMinute[minute] ?? 0) + 1;
    }
    return Array.from({ length: perMinute.length }, (_, i) => perMinute[i] ?? 0);
}

/** At most this many points per series: enough for a day at a pixel per point, small enough for a quick render. */
const MAX_POINTS = 1500;

/** The vega-lite spec: four panels over the same time axis. */
export function plotSpec(comparison: Comparison, seed: number, arrivals: readonly number[]): TopLevelSpec {
    const policies = timelines(comparison, seed);
    const panel = (title: string, unit: string, values: Point[], step: boolean) => ({
        title,
        width: 900,
        height: 170,
        data: { values },
        mark: {
            type: "line" as const,
            strokeWidth: 1.2,
            interpolate: step ? ("step-after" as const) : ("linear" as const),
        },
        encoding: {
            x: { field: "hour", type: "quantitative" as const, title: "hours from the start of the trace" },
            y: { field: "value", type: "quantitative" as const, title: unit },
            color: { field: "policy", type: "nominal" as const, sort: policies.map(([name]) => name), title: "policy" },
            strokeDash: { condition: { test: `datum.policy === '${FORESIGHT_ROW}'`, value: [4, 2] }, value: [1, 0] },
        },
    });
    return {
        $schema: "https://vega.github.io/schema/vega-lite/v5.json",
        title: `${comparison.worker} on ${comparison.trace}, seed ${seed}`,
        vconcat: [
            {
                title: "Arrivals",
                width: 900,
                height: 110,
                data: { values: series("arrivals", arrivalsPerMinute(arrivals), MAX_POINTS) },
                mark: { type: "area", interpolate: "step-after", color: "#888" },
                encoding: {
                    x: { field: "hour", type: "quantitative", title: "hours from the start of the trace" },
                    y: { field: "value", type: "quantitative", title: "messages per minute" },
                },
            },
            panel(
                "Backlog (visible + in flight)",
                "messages",
                policies.flatMap(([name, t]) => series(name, t.backlog, MAX_POINTS)),
                true,
            ),
            panel(
                "Running tasks",
                "tasks",
                policies.flatMap(([name, t]) => series(name, t.running, MAX_POINTS)),
                true,
            ),
            panel(
                "Cumulative cost",
                "dollars",
                policies.flatMap(([name, t]) => series(name, t.dollars, MAX_POINTS)),
                false,
            ),
        ],
        resolve: { scale: { color: "shared" } },
        config: { font: "sans-serif" },
    };
}

/** Renders the plot of `seed` to an SVG document. */
export async function renderPlot(comparison: Comparison, seed: number, arrivals: readonly number[]): Promise<string> {
    const view = new vega.View(vega.parse(compile(plotSpec(comparison, seed, arrivals)).spec), { renderer: "none" });
    return view.toSVG();
}
