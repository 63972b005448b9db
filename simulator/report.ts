// Turns comparisons into what a user reads: per policy the messages, what was left unprocessed, p50/p95/max wait,
// task-seconds, dollars and Spot share, as means over the seeds; the foresight heuristic; the sound lower bound at the
// waits ours achieved, and our cost over it; the swept parameters with the range tried; and any alternative that beats
// our plan on both p95 wait and cost.
import { BoundAtGoal, BoundGoal, Comparison } from "./experiment";
import { SWEEPS } from "./parameters";
import { PolicyName } from "./policies";
import { RunResult } from "./simulation";

export interface SummaryRow {
    policy: string;
    messages: number;
    unprocessed: number;
    p50WaitSeconds: number;
    p95WaitSeconds: number;
    maxWaitSeconds: number;
    taskSeconds: number;
    dollars: number;
    spotShare: number;
    /** Lowest and highest p95 wait and cost over the seeds. */
    p95Range: [number, number];
    dollarsRange: [number, number];
}

/** The sound bound at one of ours' achieved waits, as means over the seeds, and our cost over it. */
export interface BoundSummary {
    goal: BoundGoal;
    waitSeconds: number;
    taskSeconds: number;
    dollars: number;
    /** Mean of ours' task-seconds over the bound's, seed by seed. */
    taskSecondsRatio: number;
    /** Mean of ours' dollars over the bound's, seed by seed. */
    dollarsRatio: number;
}

export interface ComparisonSummary {
    worker: string;
    trace: string;
    seeds: number[];
    latencyGoalSeconds: number;
    rows: SummaryRow[];
    /** Absent when the comparison ran without bounds. */
    bounds?: BoundSummary[];
    /** Alternatives whose mean p95 wait and mean cost are both below ours (an overloaded one never counts). */
    oursLosesTo: string[];
}

export const FORESIGHT_ROW = "heuristic: foresight";

const mean = (values: readonly number[]) =>
    values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
const range = (values: readonly number[]): [number, number] => [Math.min(...values), Math.max(...values)];

function summarizeRuns(policy: string, runs: readonly Omit<RunResult, "policy" | "trace" | "seed">[]): SummaryRow {
    return {
        policy,
        messages: mean(runs.map((r) => r.messages)),
        unprocessed: mean(runs.map((r) => r.unprocessed)),
        p50WaitSeconds: mean(runs.map((r) => r.p50WaitSeconds)),
        p95WaitSeconds: mean(runs.map((r) => r.p95WaitSeconds)),
        maxWaitSeconds: mean(runs.map((r) => r.maxWaitSeconds)),
        taskSeconds: mean(runs.map((r) => r.taskSeconds)),
        dollars: mean(runs.map((r) => r.dollars)),
        spotShare: mean(runs.map((r) => r.spotShare)),
        p95Range: range(runs.map((r) => r.p95WaitSeconds)),
        dollarsRange: range(runs.map((r) => r.dollars)),
    };
}

function summarizeBounds(comparison: Comparison): BoundSummary[] | undefined {
    const ours = comparison.runs.filter((run) => run.policy === PolicyName.Ours);
    const perSeed = comparison.references.map((reference) => reference.bounds);
    if (perSeed.some((bounds) => bounds === undefined) || ours.length !== perSeed.length) {
        return undefined;
    }
    const solved = Object.values(BoundGoal).filter((goal) =>
        perSeed.every((bounds) => bounds?.some((bound) => bound.goal === goal)),
    );
    return solved.map((goal) => {
        const bounds = perSeed.map((all) => all?.find((bound) => bound.goal === goal)) as BoundAtGoal[];
        return {
            goal,
            waitSeconds: mean(bounds.map((bound) => bound.waitSeconds)),
            taskSeconds: mean(bounds.map((bound) => bound.taskSeconds)),
            dollars: mean(bounds.map((bound) => bound.dollars)),
            taskSecondsRatio: mean(bounds.map((bound, i) => ours[i].taskSeconds / bound.taskSeconds)),
            dollarsRatio: mean(bounds.map((bound, i) => ours[i].dollars / bound.dollars)),
        };
    });
}

export function summarize(comparison: Comparison): ComparisonSummary {
    const policies = [...new Set(comparison.runs.map((run) => run.policy))];
    const rows = policies.map((policy) =>
        summarizeRuns(
            policy,
            comparison.runs.filter((run) => run.policy === policy),
        ),
    );
    rows.push({
        ...summarizeRuns(
            FORESIGHT_ROW,
            comparison.references.map((reference) => ({ ...reference.foresight, unprocessed: 0 }) as RunResult),
        ),
    });
    const ours = rows.find((row) => row.policy === PolicyName.Ours);
    const oursLosesTo =
        ours === undefined
            ? []
            : rows
                  .filter(
                      (row) =>
                          row.policy !== PolicyName.Ours &&
                          row.policy !== FORESIGHT_ROW &&
                          row.unprocessed <= ours.unprocessed,
                  )
                  .filter((row) => row.p95WaitSeconds < ours.p95WaitSeconds && row.dollars < ours.dollars)
                  .map((row) => row.policy);
    return {
        worker: comparison.worker,
        trace: comparison.trace,
        seeds: comparison.seeds,
        latencyGoalSeconds: mean(comparison.references.map((reference) => reference.latencyGoalSeconds)),
        rows,
        bounds: summarizeBounds(comparison),
        oursLosesTo,
    };
}

/** The bound at ours' achieved wait of the given kind. */
export function boundAt(summary: ComparisonSummary, goal: BoundGoal): BoundSummary | undefined {
    return summary.bounds?.find((bound) => bound.goal === goal);
}

const HEADER = [
    "trace",
    "policy",
    "messages",
    "unprocessed",
    "p50 wait s",
    "p95 wait s",
    "max wait s",
    "task-seconds",
    "cost $",
    "Spot share",
];

function cells(summary: ComparisonSummary, row: SummaryRow): string[] {
    const seconds = (v: number) => v.toFixed(0);
    const spread = (value: string, [low, high]: [number, number], digits: number) =>
        low === high ? value : `${value} (${low.toFixed(digits)}–${high.toFixed(digits)})`;
    return [
        summary.trace,
        row.policy,
        row.messages.toFixed(0),
        row.unprocessed === 0 ? "0" : `${row.unprocessed.toFixed(row.unprocessed % 1 === 0 ? 0 : 1)} (overloaded)`,
        seconds(row.p50WaitSeconds),
        spread(seconds(row.p95WaitSeconds), row.p95Range, 0),
        seconds(row.maxWaitSeconds),
        row.taskSeconds.toFixed(0),
        spread(row.dollars.toFixed(4), row.dollarsRange, 4),
        `${(100 * row.spotShare).toFixed(0)} %`,
    ];
}

function boundCells(summary: ComparisonSummary, bound: BoundSummary): string[] {
    const wait = `≤ ${bound.waitSeconds.toFixed(0)}${bound.goal === BoundGoal.P95 ? " for 95 %" : ""}`;
    return [
        summary.trace,
        `lower bound at ours' ${bound.goal} wait`,
        "",
        "",
        "",
        bound.goal === BoundGoal.P95 ? wait : "",
        bound.goal === BoundGoal.Max ? wait : "",
        bound.taskSeconds.toFixed(0),
        bound.dollars.toFixed(4),
        "",
    ];
}

/** A markdown table of one or more comparisons (one block of rows per trace), the bounds under each block. */
export function renderTable(summaries: readonly ComparisonSummary[]): string {
    const lines = [`| ${HEADER.join(" | ")} |`, `| ${HEADER.map((_, i) => (i < 2 ? "---" : "---:")).join(" | ")} |`];
    for (const summary of summaries) {
        for (const row of summary.rows) {
            lines.push(`| ${cells(summary, row).join(" | ")} |`);
        }
        for (const bound of summary.bounds ?? []) {
            lines.push(`| ${boundCells(summary, bound).join(" | ")} |`);
        }
    }
    return lines.join("\n");
}

/** One line per comparison: ours against the sound bound at its own max and p95 waits, with Copilot beside it. */
export function renderRatios(
    entries: readonly { summary: ComparisonSummary; maxTasks?: number; limit?: number }[],
): string {
    const lines = [
        "| trace | maxTasks | ours p95 / max wait s | ours task-s | bound at ours' max: task-s | ours / bound (task-s) | ours / bound ($) | ours / bound at p95 (task-s) | copilot p95 / max wait s | copilot / ours ($) | beaten on both by |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ];
    for (const { summary, maxTasks, limit } of entries) {
        const ours = summary.rows.find((row) => row.policy === PolicyName.Ours);
        const copilot = summary.rows.find((row) => row.policy === PolicyName.Copilot);
        const max = boundAt(summary, BoundGoal.Max);
        const p95 = boundAt(summary, BoundGoal.P95);
        const flag = (ratio: number | undefined) =>
            ratio === undefined ? "–" : `${ratio.toFixed(2)}${limit !== undefined && ratio > limit ? " !" : ""}`;
        const cells = [
            summary.trace,
            maxTasks ?? "",
            `${ours?.p95WaitSeconds.toFixed(0)} / ${ours?.maxWaitSeconds.toFixed(0)}`,
            ours?.taskSeconds.toFixed(0),
            max?.taskSeconds.toFixed(0) ?? "–",
            flag(max?.taskSecondsRatio),
            max?.dollarsRatio.toFixed(2) ?? "–",
            p95?.taskSecondsRatio.toFixed(2) ?? "–",
            copilot ? `${copilot.p95WaitSeconds.toFixed(0)} / ${copilot.maxWaitSeconds.toFixed(0)}` : "–",
            copilot && ours ? (copilot.dollars / ours.dollars).toFixed(2) : "–",
            summary.oursLosesTo.join(", ") || "–",
        ];
        lines.push(`| ${cells.join(" | ")} |`);
    }
    return lines.join("\n");
}

/** What the numbers assume: the seeds, the latency goal, and every swept parameter with the range tried. */
export function renderAssumptions(summaries: readonly ComparisonSummary[]): string {
    const seeds = summaries[0]?.seeds ?? [];
    const goals = summaries.map((s) => `${s.trace} ${s.latencyGoalSeconds.toFixed(0)} s`).join(", ");
    return [
        `Means over seeds ${seeds.join(", ")}; (low–high) over the seeds where they differ. Costs in dollars for the run, us-east-1 prices.`,
        `Latency goal W (acceptableLatencySeconds, else target x mean processing time; the foresight heuristic aims at it): ${goals}.`,
        'Lower bound: no schedule that starts every message (max) or 95 % of them (p95) within ours\' achieved wait is billed less (docs/scaling.md, "The sound lower bound"); its dollars price every task-second at the cheapest provider except the on-demand base.',
        "Swept parameters (AWS publishes no value; seed i of n takes the i-th of n evenly spaced points):",
        ...Object.entries(SWEEPS).map(
            ([name, sweep]) => `  - ${name}: ${sweep.low} .. ${sweep.high} ${sweep.unit} (${sweep.source})`,
        ),
    ].join("\n");
}

/** An alternative that beats our plan on both p95 wait and cost, one line each. */
export function renderLosses(summaries: readonly ComparisonSummary[]): string[] {
    return summaries.flatMap((summary) =>
        summary.oursLosesTo.map((policy) => {
            const ours = summary.rows.find((row) => row.policy === PolicyName.Ours);
            const other = summary.rows.find((row) => row.policy === policy);
            return ours && other
                ? `${summary.worker}/${summary.trace}: ${policy} beats ours on both p95 wait (${other.p95WaitSeconds.toFixed(0)} s vs ` +
                      `${ours.p95WaitSeconds.toFixed(0)} s) and cost ($${other.dollars.toFixed(4)} vs $${ours.dollars.toFixed(4)})`
                : "";
        }),
    );
}
