// `npm run simulate -- --stack <name> [--worker <name>] --trace <steady|diurnal|bursty|batch|sparse|FILE> [--json]
// [--seeds N] [--plot FILE.svg]`: how long messages would wait and what the workers would cost under our scaling
// plan, the common alternatives and the oracle, for a stack's workers. Offline: nothing is deployed or called.
import * as fs from "fs";
import { compare, Comparison, DEFAULT_SEEDS, stackWorkers, traceForSeed, TraceSource } from "../simulator/experiment";
import { renderPlot } from "../simulator/plot";
import { foresightRatio, renderAssumptions, renderLosses, renderTable, summarize } from "../simulator/report";
import { BUILT_IN_TRACES, BuiltInTrace, readTraceFile } from "../simulator/traces";

const USAGE =
    "usage: npm run simulate -- --stack <name> [--worker <name>] --trace <steady|diurnal|bursty|batch|sparse|FILE> [--json] [--seeds N] [--plot FILE.svg]";

class UsageError extends Error {}

export interface SimulateOptions {
    stack: string;
    worker?: string;
    trace: string;
    json: boolean;
    seeds: number;
    /** Where to write the SVG plot of the first seed, when asked for. */
    plot?: string;
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
    const plot = option(argv, "--plot");
    if (argv.includes("--plot") && (plot === undefined || !plot.endsWith(".svg"))) {
        throw new UsageError(`--plot takes the SVG file to write, ending in .svg\n${USAGE}`);
    }
    return { stack, worker: option(argv, "--worker"), trace, json: argv.includes("--json"), seeds, plot };
}

export async function traceSource(trace: string): Promise<TraceSource> {
    return (BUILT_IN_TRACES as readonly string[]).includes(trace)
        ? { builtIn: trace as BuiltInTrace }
        : { recorded: await readTraceFile(trace) };
}

/** Drops the per-message waits and the timelines from the JSON: they are for tests and plots, and would make it huge. */
function withoutWaits(comparison: Comparison): object {
    return {
        ...comparison,
        runs: comparison.runs.map(({ waits: _waits, activities: _activities, timeline: _timeline, ...run }) => run),
        oracle: comparison.oracle.map(({ achievable: { timeline: _timeline, ...achievable }, ...run }) => ({
            ...run,
            achievable,
        })),
    };
}

export async function main(argv: string[]): Promise<number> {
    try {
        const options = parseArguments(argv);
        const source = await traceSource(options.trace);
        const normalize = (name: string) => name.toLowerCase().replace(/[-_]/g, "");
        const workers = stackWorkers(options.stack).filter(
            (worker) => options.worker === undefined || normalize(worker.name) === normalize(options.worker),
        );
        if (workers.length === 0) {
            throw new UsageError(
                `no worker named ${JSON.stringify(options.worker)} in stack ${options.stack} (workers: jobWorker, emailWorker)`,
            );
        }
        if (options.plot !== undefined && workers.length > 1) {
            throw new UsageError(`--plot draws one worker: add --worker jobWorker or --worker emailWorker\n${USAGE}`);
        }
        const comparisons: Comparison[] = [];
        for (const worker of workers) {
            comparisons.push(await compare(worker, source, { seeds: options.seeds }));
        }
        const summaries = comparisons.map(summarize);
        if (options.plot !== undefined) {
            const seed = comparisons[0].seeds[0];
            const arrivals = traceForSeed(source, workers[0].settings, seed, 0, options.seeds).messages.map(
                (message) => message.at,
            );
            fs.writeFileSync(options.plot, await renderPlot(comparisons[0], seed, arrivals));
        }
        if (options.json) {
            process.stdout.write(
                `${JSON.stringify(
                    comparisons.map((comparison, i) => ({
                        summary: summaries[i],
                        comparison: withoutWaits(comparison),
                    })),
                    null,
                    2,
                )}\n`,
            );
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
                `Our cost is ${foresightRatio(summary).toFixed(2)} times the foresight oracle's.`,
                renderAssumptions([summary]),
            ].join("\n");
        });
        const losses = renderLosses(summaries);
        const plotted =
            options.plot === undefined ? "" : `\nPlot of seed ${comparisons[0].seeds[0]} written to ${options.plot}\n`;
        process.stdout.write(
            `${blocks.join("\n\n")}\n${losses.length > 0 ? `\nOur plan loses on both p95 wait and cost:\n${losses.map((l) => `  ! ${l}`).join("\n")}\n` : ""}${plotted}`,
        );
        return 0;
    } catch (error) {
        process.stderr.write(`simulate failed: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
