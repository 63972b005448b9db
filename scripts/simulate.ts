// `npm run simulate -- --stack <name> [--worker <name>] --trace <steady|diurnal|bursty|batch|sparse|FILE> [--json]
// [--seeds N]`: how long messages would wait and what the workers would cost under our scaling plan, the common
// alternatives and the oracle, for a stack's workers. Offline: nothing is deployed or called.
import { compare, Comparison, DEFAULT_SEEDS, stackWorkers, TraceSource } from "../simulator/experiment";
import { renderAssumptions, renderLosses, renderTable, summarize } from "../simulator/report";
import { BUILT_IN_TRACES, BuiltInTrace, readTraceFile } from "../simulator/traces";

const USAGE = "usage: npm run simulate -- --stack <name> [--worker <name>] --trace <steady|diurnal|bursty|batch|sparse|FILE> [--json] [--seeds N]";

class UsageError extends Error {}

export interface SimulateOptions {
    stack: string;
    worker?: string;
    trace: string;
    json: boolean;
    seeds: number;
}

/** The value after `--name`, or undefined when it is absent or another flag follows. */
export function option(argv: string[], name: string): string | undefined {
    const index = argv.indexOf(name);
    const value = index >= 0 ? argv[index + 1] : undefined;
    return value === undefined || value.startsWith("--") ? undefined : value;
}

export function parseArguments(argv: string[]): SimulateOptions {
    const stack = option(argv, "--stack");
    const trace = option(argv, "--trace");
    if (!stack || !trace) {
        throw new UsageError(USAGE);
    }
    const seeds = Number(option(argv, "--seeds") ?? DEFAULT_SEEDS);
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > 50) {
        throw new UsageError(`--seeds must be a whole number from 1 to 50\n${USAGE}`);
    }
    return { stack, worker: option(argv, "--worker"), trace, json: argv.includes("--json"), seeds };
}

export function traceSource(trace: string): TraceSource {
    return (BUILT_IN_TRACES as readonly string[]).includes(trace) ? { builtIn: trace as BuiltInTrace } : { recorded: readTraceFile(trace) };
}

/** Drops the per-message waits from the JSON: they are for tests, and would make the output huge. */
function withoutWaits(comparison: Comparison): Omit<Comparison, "runs"> & { runs: object[] } {
    return { ...comparison, runs: comparison.runs.map(({ waits: _waits, activities: _activities, ...run }) => run) };
}

export function main(argv: string[]): number {
    try {
        const options = parseArguments(argv);
        const source = traceSource(options.trace);
        const normalize = (name: string) => name.toLowerCase().replace(/[-_]/g, "");
        const workers = stackWorkers(options.stack).filter((worker) => options.worker === undefined || normalize(worker.name) === normalize(options.worker));
        if (workers.length === 0) {
            throw new UsageError(`no worker named ${JSON.stringify(options.worker)} in stack ${options.stack} (workers: jobWorker, emailWorker)`);
        }
        const comparisons = workers.map((worker) => compare(worker, source, options.seeds));
        const summaries = comparisons.map(summarize);
        if (options.json) {
            process.stdout.write(`${JSON.stringify(comparisons.map((comparison, i) => ({ summary: summaries[i], comparison: withoutWaits(comparison) })), null, 2)}\n`);
            return 0;
        }
        const blocks = summaries.map((summary, i) => {
            const scaling = workers[i].settings.scaling;
            return [
                `## ${options.stack} / ${summary.worker} on trace ${summary.trace}`,
                `minTasks ${scaling.minTasks}, maxTasks ${scaling.maxTasks}, target ${scaling.targetBacklogPerTask} messages per task`,
                "",
                renderTable([summary]),
                "",
                renderAssumptions([summary]),
            ].join("\n");
        });
        const losses = renderLosses(summaries);
        process.stdout.write(`${blocks.join("\n\n")}\n${losses.length > 0 ? `\nOur plan loses on both p95 wait and cost:\n${losses.map((l) => `  ! ${l}`).join("\n")}\n` : ""}`);
        return 0;
    } catch (error) {
        process.stderr.write(`simulate failed: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
    }
}

if (require.main === module) {
    process.exit(main(process.argv.slice(2)));
}
