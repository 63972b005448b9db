// `npm run simulate -- --stack <name> [--worker <name>] --trace <steady|diurnal|bursty|batch|sparse|FILE> [--json]
// [--seeds N] [--plot FILE.svg]`: how long messages would wait and what the workers would cost under our scaling
// plan, the common alternatives and the oracle, for a stack's workers. Offline: nothing is deployed or called.
import * as fs from "fs";
import { parseArgs } from "node:util";
import { EXAMPLE_WORKERS } from "../stack/config";
import { compare, Comparison, DEFAULT_SEEDS, stackWorkers, traceForSeed, TraceSource } from "../simulator/experiment";
import { HELD_OUT_TRACES, HeldOutTrace } from "../simulator/heldOut";
import { renderPlot } from "../simulator/plot";
import { renderAssumptions, renderLosses, renderRatios, renderTable, summarize } from "../simulator/report";
import { BUILT_IN_TRACES, BuiltInTrace, readTraceFile } from "../simulator/traces";

const TRACES = [...BUILT_IN_TRACES, ...HELD_OUT_TRACES].join("|");
const USAGE = `usage: npm run simulate -- --stack <name> [--worker <name>] --trace <${TRACES}|FILE> [--json] [--seeds N] [--plot FILE.svg] [--no-bound]`;

/** A wrong command line: exit code 2, with the usage. */
class UsageError extends Error {}

export interface SimulateOptions {
    stack: string;
    worker?: string;
    trace: string;
    json: boolean;
    seeds: number;
    /** Where to write the SVG plot of the first seed, when asked for. */
    plot?: string;
    /** Whether to solve the sound lower bound (seconds of HiGHS per seed). */
    bound: boolean;
}

const OPTIONS = {
    stack: { type: "string" },
    worker: { type: "string" },
    trace: { type: "string" },
    json: { type: "boolean" },
    seeds: { type: "string" },
    plot: { type: "string" },
    "no-bound": { type: "boolean" },
} as const;

export function parseArguments(argv: string[]): SimulateOptions {
    let values;
    try {
        values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
    } catch (error) {
        throw new UsageError(
            `${error instanceof Error ? error.message : String(error)}; valid flags: ${Object.keys(OPTIONS)
                .map((flag) => `--${flag}`)
                .join(", ")}\n${USAGE}`,
        );
    }
    const { stack, trace } = values;
    if (!stack || !trace) {
        throw new UsageError(USAGE);
    }
    const seeds = Number(values.seeds ?? DEFAULT_SEEDS);
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > 50) {
        throw new UsageError(`--seeds must be a whole number from 1 to 50; got ${values.seeds}\n${USAGE}`);
    }
    if (values.plot !== undefined && !values.plot.endsWith(".svg")) {
        throw new UsageError(`--plot takes the SVG file to write, ending in .svg; got ${values.plot}\n${USAGE}`);
    }
    return {
        stack,
        worker: values.worker,
        trace,
        json: values.json ?? false,
        seeds,
        plot: values.plot,
        bound: !values["no-bound"],
    };
}

export async function traceSource(trace: string): Promise<TraceSource> {
    if ((BUILT_IN_TRACES as readonly string[]).includes(trace)) {
        return { builtIn: trace as BuiltInTrace };
    }
    if ((HELD_OUT_TRACES as readonly string[]).includes(trace)) {
        return { heldOut: trace as HeldOutTrace };
    }
    return { recorded: await readTraceFile(trace) };
}

/** Drops the timelines, activity logs and billed intervals from the JSON: they are for tests and plots. */
function compact(comparison: Comparison): object {
    return {
        ...comparison,
        runs: comparison.runs.map(
            ({ activities: _activities, timeline: _timeline, billedIntervals: _intervals, ...run }) => run,
        ),
        references: comparison.references.map(
            ({ foresight: { timeline: _timeline, billedIntervals: _intervals, ...foresight }, ...reference }) => ({
                ...reference,
                foresight,
            }),
        ),
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
        const names = EXAMPLE_WORKERS.map((worker) => worker.configKey);
        if (workers.length === 0) {
            throw new UsageError(
                `no worker named ${JSON.stringify(options.worker)} in stack ${options.stack} (workers: ${names.join(", ")})`,
            );
        }
        if (options.plot !== undefined && workers.length > 1) {
            throw new UsageError(
                `--plot draws one worker: add ${names.map((n) => `--worker ${n}`).join(" or ")}\n${USAGE}`,
            );
        }
        const comparisons: Comparison[] = [];
        for (const worker of workers) {
            comparisons.push(
                await compare(worker, source, { seeds: options.seeds, bounds: options.bound ? undefined : [] }),
            );
        }
        const summaries = comparisons.map(summarize);
        if (options.plot !== undefined) {
            const seed = comparisons[0].seeds[0];
            const trace = traceForSeed(source, workers[0].settings, seed, 0, options.seeds);
            fs.writeFileSync(options.plot, await renderPlot(comparisons[0], seed, trace.arrivals));
        }
        if (options.json) {
            process.stdout.write(
                `${JSON.stringify(
                    comparisons.map((comparison, i) => ({
                        summary: summaries[i],
                        comparison: compact(comparison),
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
                ...(summary.bounds ? [renderRatios([{ summary }]), ""] : []),
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
        return error instanceof UsageError ? 2 : 1;
    }
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
