// Turns comparisons into what a user reads: per policy the messages, what was left unprocessed, p50/p95/max wait,
// task-seconds, dollars and Spot share, as means over the seeds; the oracle's two rows; the swept parameters with
// the range tried; and any alternative that beats our plan on both p95 wait and cost.
import { Comparison } from "./experiment";
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
    /** The lower bound has no waits of its own: every message starts within the goal. */
    waitsWithinGoal?: boolean;
}

export interface ComparisonSummary {
    worker: string;
    trace: string;
    seeds: number[];
    latencyGoalSeconds: number;
    rows: SummaryRow[];
    /** Alternatives whose mean p95 wait and mean cost are both below ours. */
    oursLosesTo: string[];
}

export const LOWER_BOUND_ROW = "oracle: lower bound";
export const FORESIGHT_ROW = "oracle: foresight";

const mean = (values: readonly number[]) =>
    values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
const range = (values: readonly number[]): [number, number] => [Math.min(...values), Math.max(...values)];

function summarizeRuns(policy: string, runs: readonly RunResult[]): SummaryRow {
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

export function summarize(comparison: Comparison): ComparisonSummary {
    const policies = [...new Set(comparison.runs.map((run) => run.policy))];
    const rows = policies.map((policy) =>
        summarizeRuns(
            policy,
            comparison.runs.filter((run) => run.policy === policy),
        ),
    );
    const oracle = comparison.oracle;
    const messages = mean(comparison.runs.filter((run) => run.policy === PolicyName.Ours).map((run) => run.messages));
    rows.push({
        policy: FORESIGHT_ROW,
        messages,
        unprocessed: 0,
        p50WaitSeconds: mean(oracle.map((o) => o.achievable.p50WaitSeconds)),
        p95WaitSeconds: mean(oracle.map((o) => o.achievable.p95WaitSeconds)),
        maxWaitSeconds: mean(oracle.map((o) => o.achievable.maxWaitSeconds)),
        taskSeconds: mean(oracle.map((o) => o.achievable.taskSeconds)),
        dollars: mean(oracle.map((o) => o.achievable.dollars)),
        spotShare: mean(oracle.map((o) => o.achievable.spotShare)),
        p95Range: range(oracle.map((o) => o.achievable.p95WaitSeconds)),
        dollarsRange: range(oracle.map((o) => o.achievable.dollars)),
    });
    const bounds = oracle.flatMap((o) =>
        o.lowerBoundTaskSeconds === undefined || o.lowerBoundDollars === undefined
            ? []
            : [{ taskSeconds: o.lowerBoundTaskSeconds, dollars: o.lowerBoundDollars }],
    );
    if (bounds.length > 0) {
        rows.push({
            policy: LOWER_BOUND_ROW,
            messages,
            unprocessed: 0,
            p50WaitSeconds: 0,
            p95WaitSeconds: 0,
            maxWaitSeconds: 0,
            taskSeconds: mean(bounds.map((bound) => bound.taskSeconds)),
            dollars: mean(bounds.map((bound) => bound.dollars)),
            spotShare: 0,
            p95Range: [0, 0],
            dollarsRange: range(bounds.map((bound) => bound.dollars)),
            waitsWithinGoal: true,
        });
    }
    const ours = rows.find((row) => row.policy === PolicyName.Ours);
    const oursLosesTo =
        ours === undefined
            ? []
            : rows
                  .filter(
                      (row) =>
                          row.policy !== PolicyName.Ours &&
                          !row.policy.startsWith("oracle") &&
                          row.unprocessed <= ours.unprocessed,
                  )
                  .filter((row) => row.p95WaitSeconds < ours.p95WaitSeconds && row.dollars < ours.dollars)
                  .map((row) => row.policy);
    return {
        worker: comparison.worker,
        trace: comparison.trace,
        seeds: comparison.seeds,
        latencyGoalSeconds: mean(oracle.map((o) => o.latencyGoalSeconds)),
        rows,
        oursLosesTo,
    };
}

/** Our mean cost as a multiple of the foresight oracle's: how far from perfect scaling the plan pays. */
export function foresightRatio(summary: ComparisonSummary): number {
    const ours = summary.rows.find((row) => row.policy === PolicyName.Ours);
    const foresight = summary.rows.find((row) => row.policy === FORESIGHT_ROW);
    return ours === undefined || foresight === undefined || foresight.dollars === 0
        ? NaN
        : ours.dollars / foresight.dollars;
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
    const within = `≤ ${seconds(summary.latencyGoalSeconds)}`;
    return [
        summary.trace,
        row.policy,
        row.messages.toFixed(0),
        row.unprocessed.toFixed(row.unprocessed % 1 === 0 ? 0 : 1),
        row.waitsWithinGoal ? within : seconds(row.p50WaitSeconds),
        row.waitsWithinGoal ? within : spread(seconds(row.p95WaitSeconds), row.p95Range, 0),
        row.waitsWithinGoal ? within : seconds(row.maxWaitSeconds),
        row.taskSeconds.toFixed(0),
        spread(row.dollars.toFixed(4), row.dollarsRange, 4),
        row.waitsWithinGoal ? "–" : `${(100 * row.spotShare).toFixed(0)} %`,
    ];
}

/** A markdown table of one or more comparisons (one block of rows per trace). */
export function renderTable(summaries: readonly ComparisonSummary[]): string {
    const lines = [`| ${HEADER.join(" | ")} |`, `| ${HEADER.map((_, i) => (i < 2 ? "---" : "---:")).join(" | ")} |`];
    for (const summary of summaries) {
        for (const row of summary.rows) {
            lines.push(`| ${cells(summary, row).join(" | ")} |`);
        }
    }
    return lines.join("\n");
}

/** What the numbers assume: the seeds, the latency goal, and every swept parameter with the range tried. */
export function renderAssumptions(summaries: readonly ComparisonSummary[]): string {
    const seeds = summaries[0]?.seeds ?? [];
    const goals = summaries.map((s) => `${s.trace} ${s.latencyGoalSeconds.toFixed(0)} s`).join(", ");
    return [
        `Means over seeds ${seeds.join(", ")}; (low–high) over the seeds where they differ. Costs in dollars for the run, us-east-1 prices.`,
        `Latency goal W (acceptableLatencySeconds, else target x mean processing time): ${goals}.`,
        "Swept parameters (AWS publishes no value; seed i of n takes the i-th of n evenly spaced points):",
        ...Object.entries(SWEEPS).map(
            ([name, sweep]) => `  - ${name}: ${sweep.low} .. ${sweep.high} ${sweep.unit} (${sweep.source})`,
        ),
    ].join("\n");
}

/** The warnings the issue asks for: an alternative that beats our plan on both p95 wait and cost. */
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
