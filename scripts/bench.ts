// `npm run bench:scaling [-- --stack <name> --worker <name>] [--seeds N]`: every built-in trace against our plan with
// default settings (or a stack's worker), the alternatives and the oracle, as one markdown table: the table the README
// shows. It flags any trace where an alternative beats our default on both p95 wait and cost.
import { compare, defaultWorker, stackWorkers, WorkerUnderTest } from "../simulator/experiment";
import { ComparisonSummary, renderAssumptions, renderLosses, renderTable, summarize } from "../simulator/report";
import { BUILT_IN_TRACES } from "../simulator/traces";
import { option } from "./simulate";

/** More seeds than `simulate` uses: the bench decides whether our default wins, so it gets the wider sample. */
export const BENCH_SEEDS = 5;

/** Every built-in trace for one worker: the bench's numbers, which the tests check too. */
export function benchSummaries(worker: WorkerUnderTest, seeds = BENCH_SEEDS): ComparisonSummary[] {
    return BUILT_IN_TRACES.map((trace) => summarize(compare(worker, { builtIn: trace }, seeds)));
}

function workerFor(argv: string[]): WorkerUnderTest {
    const stack = option(argv, "--stack");
    if (stack === undefined) {
        return defaultWorker();
    }
    const name = option(argv, "--worker") ?? "jobWorker";
    const worker = stackWorkers(stack).find((candidate) => candidate.name === name);
    if (worker === undefined) {
        throw new Error(`no worker named ${name} in stack ${stack} (workers: jobWorker, emailWorker)`);
    }
    return { ...worker, name: `${stack}/${name}` };
}

export function main(argv: string[]): number {
    try {
        const started = Date.now();
        const worker = workerFor(argv);
        const seeds = Number(option(argv, "--seeds") ?? BENCH_SEEDS);
        const summaries = benchSummaries(worker, seeds);
        const scaling = worker.settings.scaling;
        const losses = renderLosses(summaries);
        process.stdout.write([
            `Scaling bench: worker "${worker.name}" (minTasks ${scaling.minTasks}, maxTasks ${scaling.maxTasks}, target ` +
                `${scaling.targetBacklogPerTask} messages per task, ${worker.settings.capacityProviderStrategy.map((i) => `${i.capacityProvider} weight ${i.weight} base ${i.base}`).join(", ")})`,
            "",
            renderTable(summaries),
            "",
            renderAssumptions(summaries),
            "",
            losses.length === 0 ? "Our plan is not beaten on both p95 wait and cost by any alternative on any trace." : `Our plan loses on both p95 wait and cost:\n${losses.map((l) => `  ! ${l}`).join("\n")}`,
            `(${BUILT_IN_TRACES.length} traces x ${seeds} seeds in ${((Date.now() - started) / 1000).toFixed(1)} s; reproduce with \`npm run bench:scaling\`)`,
            "",
        ].join("\n"));
        return 0;
    } catch (error) {
        process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
    }
}

if (require.main === module) {
    process.exit(main(process.argv.slice(2)));
}
