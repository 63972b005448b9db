// `simulate --plot FILE.svg`: one seed of a comparison drawn over time, so a reader sees why a policy waits or pays
// more: the arrivals, then per policy (ours, each alternative, the foresight heuristic) the backlog, the running tasks
// and the bill so far. Drawn with vega-lite 5 and rendered to SVG by vega 5 headless (both load with require on Node
// 20; their version 6 is ESM-only and needs Node 22).
import * as path from "path";
import * as vega from "vega";
import { compile, TopLevelSpec } from "vega-lite";
import { Comparison } from "./experiment";
import { PolicyName } from "./policies";
import { FORESIGHT_ROW } from "./report";
import { Timeline } from "./simulation";

interface Point {
    hour: number;
    policy: string;
    value: number;
}

/** The policies' and the oracle's timelines for one seed, by name, ours first. */
function timelines(comparison: Comparison, seed: number): [string, Timeline][] {
    const reference = comparison.references.find((run) => run.seed === seed);
    return [
        ...comparison.runs
            .filter((run) => run.seed === seed)
            .map((run): [string, Timeline] => [run.policy, run.timeline]),
        ...(reference ? [[FORESIGHT_ROW, reference.foresight.timeline] as [string, Timeline]] : []),
    ];
}

/**
 * Colours a reader can tell apart at a glance, ours and Copilot most of all (blue against orange, safe for the common
 * colour-vision deficiencies); the heuristic is drawn dashed in black.
 */
const COLOURS: Readonly<Record<string, string>> = {
    [PolicyName.Ours]: "#1f5fbf",
    [PolicyName.Copilot]: "#e8710a",
    [PolicyName.Cdk]: "#2ca02c",
    [PolicyName.Seed]: "#9e9e9e",
    [PolicyName.Fixed]: "#9467bd",
    [FORESIGHT_ROW]: "#222222",
};

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
function arrivalsPerMinute(arrivals: ArrayLike<number>): number[] {
    const perMinute: number[] = [];
    for (let i = 0; i < arrivals.length; i++) {
        const minute = Math.floor(arrivals[i] / 60);
        perMinute[minute] = (perMinute[minute] ?? 0) + 1;
    }
    return Array.from({ length: perMinute.length }, (_, i) => perMinute[i] ?? 0);
}

/** At most this many points per series: enough for a day at a pixel per point, small enough for a quick render. */
const MAX_POINTS = 1500;

/** The trace's name for a title: a recorded trace's file name without its directories. */
function traceTitle(name: string): string {
    return path.basename(name).replace(/\.jsonl$/, "");
}

/** The vega-lite spec: four panels over one time axis, the same hours on each. */
export function plotSpec(comparison: Comparison, seed: number, arrivals: ArrayLike<number>): TopLevelSpec {
    const policies = timelines(comparison, seed);
    const minutes = Math.max(
        arrivalsPerMinute(arrivals).length,
        ...policies.map(([, timeline]) => timeline.running.length),
    );
    const x = {
        field: "hour",
        type: "quantitative" as const,
        title: "hours from the start of the trace",
        scale: { domain: [0, Math.ceil((minutes / 60) * 4) / 4], nice: false },
    };
    const names = policies.map(([name]) => name);
    const color = {
        field: "policy",
        type: "nominal" as const,
        title: "policy",
        scale: { domain: names, range: names.map((name) => COLOURS[name] ?? "#555555") },
        legend: { labelLimit: 240 },
    };
    const panel = (title: string, unit: string, values: Point[], step: boolean, height: number) => ({
        title,
        width: 900,
        height,
        data: { values },
        mark: {
            type: "line" as const,
            strokeWidth: 1.6,
            interpolate: step ? ("step-after" as const) : ("linear" as const),
        },
        encoding: {
            x,
            y: { field: "value", type: "quantitative" as const, title: unit, axis: { tickCount: 8 } },
            color,
            strokeDash: { condition: { test: `datum.policy === '${FORESIGHT_ROW}'`, value: [5, 3] }, value: [1, 0] },
        },
    });
    return {
        $schema: "https://vega.github.io/schema/vega-lite/v5.json",
        title: `${comparison.worker} on ${traceTitle(comparison.trace)}, seed ${seed}`,
        vconcat: [
            {
                title: "Arrivals",
                width: 900,
                height: 110,
                data: { values: series("arrivals", arrivalsPerMinute(arrivals), MAX_POINTS) },
                mark: { type: "area", interpolate: "step-after", color: "#888" },
                encoding: {
                    x,
                    y: { field: "value", type: "quantitative", title: "messages per minute" },
                },
            },
            panel(
                "Backlog (visible + in flight)",
                "messages",
                policies.flatMap(([name, t]) => series(name, t.backlog, MAX_POINTS)),
                true,
                170,
            ),
            // Taller than the others: at 50 tasks one task is still a few pixels.
            panel(
                "Running tasks",
                "tasks",
                policies.flatMap(([name, t]) => series(name, t.running, MAX_POINTS)),
                true,
                260,
            ),
            panel(
                "Cumulative cost",
                "dollars",
                policies.flatMap(([name, t]) => series(name, t.dollars, MAX_POINTS)),
                false,
                170,
            ),
        ],
        resolve: { scale: { color: "shared", x: "shared" } },
        config: { font: "sans-serif" },
    };
}

/** Renders the plot of `seed` to an SVG document. */
export async function renderPlot(comparison: Comparison, seed: number, arrivals: ArrayLike<number>): Promise<string> {
    const view = new vega.View(vega.parse(compile(plotSpec(comparison, seed, arrivals)).spec), { renderer: "none" });
    return view.toSVG();
}
