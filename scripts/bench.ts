// `npm run bench:scaling [-- --stack <name> --worker <name>] [--seeds N] [--sizes 10,25,50]`: every built-in trace
// against our plan with default settings (or a stack's worker) at several fleet sizes, the alternatives and the
// oracle: the tables docs/scaling.md shows. For each trace and size it prints our cost as a multiple of the foresight
// oracle's and flags any alternative that beats our plan on both p95 wait and cost.
import { compare, defaultWorker, stackWorkers, WorkerUnderTest } from "../simulator/experiment";
import {
    ComparisonSummary,
    foresightRatio,
    renderAssumptions,
    renderLosses,
    renderTable,
    summarize,
} from "../simulator/report";
import { BUILT_IN_TRACES, BuiltInTrace } from "../simulator/traces";
import { option } from "./simulate";

/** Ten seeds: the bench decides whether our default wins, so it gets a wider sample than `simulate`. */
const BENCH_SEEDS = 10;
/** The fleet sizes the default worker is benched at: the default maxTasks, and the sizes production workers run at. */
export const BENCH_SIZES: readonly number[] = [10, 25, 50];
/** Our cost should stay within this multiple of the foresight oracle's on steady, diurnal, bursty and batch... */
const FORESIGHT_RATIO_GOAL = 1.5;
/** ...and must stay within this one on every trace. */
export const FORESIGHT_RATIO_CEILING = 2;
/** The traces the goal applies to; sparse is held only to the ceiling (its few messages make every ratio coarse). */
const GOAL_TRACES: readonly BuiltInTrace[] = [
    BuiltInTrace.Steady,
    BuiltInTrace.Diurnal,
    BuiltInTrace.Bursty,
    BuiltInTrace.Batch,
];

export interface BenchEntry {
    maxTasks: number;
    summary: ComparisonSummary;
    /** Our mean cost over the foresight oracle's mean cost. */
    foresightRatio: number;
}

/** A worker with another maxTasks: built-in traces scale with it, so the same design is tried at another size. */
function withMaxTasks(worker: WorkerUnderTest, maxTasks: number): WorkerUnderTest {
    return { name: worker.name, settings: { ...worker.settings, scaling: { ...worker.settings.scaling, maxTasks } } };
}

/** Every built-in trace for one worker at each size: the bench's numbers, which the tests check too. */
export async function benchEntries(
    worker: WorkerUnderTest,
    sizes: readonly number[] = BENCH_SIZES,
    seeds = BENCH_SEEDS,
): Promise<BenchEntry[]> {
    const entries: BenchEntry[] = [];
    for (const maxTasks of sizes) {
        for (const trace of BUILT_IN_TRACES) {
            const summary = summarize(
                await compare(withMaxTasks(worker, maxTasks), { builtIn: trace }, { seeds, lowerBound: false }),
            );
            entries.push({ maxTasks, summary, foresightRatio: foresightRatio(summary) });
        }
    }
    return entries;
}

/** One line per trace and size: ours against the oracle, and who (if anyone) beats us on both counts. */
function renderRatios(entries: readonly BenchEntry[]): string {
    const lines = [
        "| trace | maxTasks | ours p95 wait s | ours cost $ | foresight cost $ | ours / foresight | beaten on both by |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ];
    for (const { maxTasks, summary, foresightRatio: ratio } of entries) {
        const ours = summary.rows.find((row) => row.policy === "ours");
        const foresight = summary.rows.find((row) => row.policy === "oracle: foresight");
        const limit = (GOAL_TRACES as readonly string[]).includes(summary.trace)
            ? FORESIGHT_RATIO_GOAL
            : FORESIGHT_RATIO_CEILING;
        lines.push(
            `| ${summary.trace} | ${maxTasks} | ${ours?.p95WaitSeconds.toFixed(0)} | ${ours?.dollars.toFixed(4)} | ${foresight?.dollars.toFixed(4)} | ` +
                `${ratio.toFixed(2)}${ratio > limit ? " !" : ""} | ${summary.oursLosesTo.join(", ") || "–"} |`,
        );
    }
    return lines.join("\n");
}

function workerFor(argv: string[]): { worker: WorkerUnderTest; sizes: readonly number[] } {
    const stack = option(argv, "--stack");
    const sizes = option(argv, "--sizes")?.split(",").map(Number);
    if (sizes !== undefined && sizes.some((size) => !Number.isInteger(size) || size < 1)) {
        throw new Error(
            `--sizes takes whole numbers of tasks separated by commas, e.g. 10,25,50; got ${option(argv, "--sizes")}`,
        );
    }
    if (stack === undefined) {
        return { worker: defaultWorker(), sizes: sizes ?? BENCH_SIZES };
    }
    const name = option(argv, "--worker") ?? "jobWorker";
    const worker = stackWorkers(stack).find((candidate) => candidate.name === name);
    if (worker === undefined) {
        throw new Error(`no worker named ${name} in stack ${stack} (workers: jobWorker, emailWorker)`);
    }
    return { worker: { ...worker, name: `${stack}/${name}` }, sizes: sizes ?? [worker.settings.scaling.maxTasks] };
}

export async function main(argv: string[]): Promise<number> {
    try {
        const started = Date.now();
        const { worker, sizes } = workerFor(argv);
        const seeds = Number(option(argv, "--seeds") ?? BENCH_SEEDS);
        const entries = await benchEntries(worker, sizes, seeds);
        const scaling = worker.settings.scaling;
        const losses = renderLosses(entries.map((entry) => entry.summary));
        const blocks = sizes.map((maxTasks) => {
            const summaries = entries.filter((entry) => entry.maxTasks === maxTasks).map((entry) => entry.summary);
            return [`### maxTasks ${maxTasks}`, "", renderTable(summaries)].join("\n");
        });
        process.stdout.write(
            [
                `Scaling bench: worker "${worker.name}" (minTasks ${scaling.minTasks}, maxTasks ${sizes.join(", ")}, target ` +
                    `${scaling.targetBacklogPerTask} messages per task, ${worker.settings.capacityProviderStrategy.map((i) => `${i.capacityProvider} weight ${i.weight} base ${i.base}`).join(", ")})`,
                "",
                ...blocks.flatMap((block) => [block, ""]),
                renderAssumptions(entries.map((entry) => entry.summary)),
                "",
                `Our cost against the foresight oracle's (goal ${FORESIGHT_RATIO_GOAL} on ${GOAL_TRACES.join(", ")}, ceiling ${FORESIGHT_RATIO_CEILING} everywhere; ! = above its limit):`,
                "",
                renderRatios(entries),
                "",
                losses.length === 0
                    ? "Our plan is not beaten on both p95 wait and cost by any alternative on any trace and size."
                    : `Our plan loses on both p95 wait and cost:\n${losses.map((l) => `  ! ${l}`).join("\n")}`,
                `(${BUILT_IN_TRACES.length} traces x ${sizes.length} sizes x ${seeds} seeds in ${((Date.now() - started) / 1000).toFixed(1)} s; reproduce with \`npm run bench:scaling\`)`,
                "",
            ].join("\n"),
        );
        return 0;
    } catch (error) {
        process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
