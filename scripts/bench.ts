// `npm run bench:scaling [-- --stack <name> --worker <name>] [--seeds N] [--sizes 10,25,50] [--traces a,b]
// [--sensitivity] [--held-out]`: every built-in trace against our plan with default settings (or a stack's worker) at
// several fleet sizes, the alternatives, the foresight heuristic and the sound lower bound at the waits ours achieved:
// the tables docs/scaling.md shows. `--sensitivity` sweeps the model's assumptions and says where the verdict flips;
// `--held-out` runs the prod stack's jobWorker on the held-out traces.
import * as os from "node:os";
import { parseArgs } from "node:util";
import { EXAMPLE_WORKERS } from "../stack/config";
import {
    BoundGoal,
    boundAtWait,
    compare,
    CompareOptions,
    defaultWorker,
    stackWorkers,
    TraceSource,
    traceName,
    WorkerUnderTest,
} from "../simulator/experiment";
import { diurnalDay, HELD_OUT_TRACES, HeldOutTrace, UNSEEN_TRACES } from "../simulator/heldOut";
import { seededRandom } from "../simulator/random";
import {
    BUSY_TASK_CPU_SWEEP,
    LAUNCH_BURST_SWEEP,
    LAUNCH_RATE_SWEEP,
    METRIC_LAG_SWEEP,
    AwsParameters,
    TARGET_TRACKING_SCALE_IN_SWEEP,
} from "../simulator/parameters";
import { PolicyName } from "../simulator/policies";
import {
    ComparisonSummary,
    renderAssumptions,
    renderLosses,
    renderRatios,
    renderTable,
    summarize,
} from "../simulator/report";
import { BUILT_IN_TRACES, BuiltInTrace } from "../simulator/traces";

/** Ten seeds: the bench decides whether our default wins, so it gets a wider sample than `simulate`. */
const BENCH_SEEDS = 10;
/** The fleet sizes the default worker is benched at: the default maxTasks, and the sizes production workers run at. */
export const BENCH_SIZES: readonly number[] = [10, 25, 50];
/** Our task-seconds over the sound bound at our own max wait: the goal per trace... */
export const BOUND_RATIO_GOALS: Readonly<Record<BuiltInTrace, number>> = {
    [BuiltInTrace.Steady]: 1.3,
    [BuiltInTrace.Diurnal]: 1.3,
    [BuiltInTrace.Batch]: 1.3,
    [BuiltInTrace.Sparse]: 1.3,
    [BuiltInTrace.Bursty]: 1.6,
};
/** ...and the ceiling on every trace. */
export const BOUND_RATIO_CEILING = 2;

export interface BenchEntry {
    maxTasks: number;
    summary: ComparisonSummary;
}

/** A worker with another maxTasks: built-in traces scale with it, so the same design is tried at another size. */
export function withMaxTasks(worker: WorkerUnderTest, maxTasks: number): WorkerUnderTest {
    return { name: worker.name, settings: { ...worker.settings, scaling: { ...worker.settings.scaling, maxTasks } } };
}

/** Every built-in trace for one worker at each size: the bench's numbers, which the tests check too. */
export async function benchEntries(
    worker: WorkerUnderTest,
    sizes: readonly number[] = BENCH_SIZES,
    seeds = BENCH_SEEDS,
    traces: readonly BuiltInTrace[] = BUILT_IN_TRACES,
    options: CompareOptions = {},
): Promise<BenchEntry[]> {
    const entries: BenchEntry[] = [];
    for (const maxTasks of sizes) {
        for (const trace of traces) {
            const comparison = await compare(withMaxTasks(worker, maxTasks), { builtIn: trace }, { seeds, ...options });
            entries.push({ maxTasks, summary: summarize(comparison) });
        }
    }
    return entries;
}

/** One assumption of the model, and the values the sensitivity sweep tries (the model's own value first). */
interface Assumption {
    name: string;
    values: number[];
    unit: string;
    apply: (value: number) => Partial<AwsParameters>;
}

const ASSUMPTIONS: readonly Assumption[] = [
    {
        name: "target-tracking scale-in rate",
        values: [TARGET_TRACKING_SCALE_IN_SWEEP.low, 0.5, TARGET_TRACKING_SCALE_IN_SWEEP.high],
        unit: TARGET_TRACKING_SCALE_IN_SWEEP.unit,
        apply: (value) => ({ targetTrackingScaleInFraction: value }),
    },
    {
        name: "launch throttle (burst, then rate)",
        values: [1, 0],
        unit: `1: ${LAUNCH_BURST_SWEEP.high} tasks then ${LAUNCH_RATE_SWEEP.high}/s; 0: ${LAUNCH_BURST_SWEEP.low} tasks then ${LAUNCH_RATE_SWEEP.low}/s`,
        apply: (value) =>
            value === 1
                ? { launchBurstTasks: LAUNCH_BURST_SWEEP.high, launchRatePerSecond: LAUNCH_RATE_SWEEP.high }
                : { launchBurstTasks: LAUNCH_BURST_SWEEP.low, launchRatePerSecond: LAUNCH_RATE_SWEEP.low },
    },
    {
        name: "CPU of a busy task (CDK's CPU policy)",
        values: [BUSY_TASK_CPU_SWEEP.high, 50, BUSY_TASK_CPU_SWEEP.low],
        unit: BUSY_TASK_CPU_SWEEP.unit,
        apply: (value) => ({ busyTaskCpuPercent: value }),
    },
    {
        name: "metric lag, every seed at one point",
        values: [METRIC_LAG_SWEEP.low, (METRIC_LAG_SWEEP.low + METRIC_LAG_SWEEP.high) / 2, METRIC_LAG_SWEEP.high],
        unit: METRIC_LAG_SWEEP.unit,
        apply: (value) => ({ metricLagSeconds: value }),
    },
];

/**
 * The traces the sensitivity sweep runs: the built-in ones where scaling moves the verdict (diurnal and sparse are
 * left out: the first is slow to sweep, the second is minTasks all day for every design), and the long-jobs and
 * ticket-storm held-out traces.
 */
const SENSITIVITY_SOURCES: readonly TraceSource[] = [
    { builtIn: BuiltInTrace.Steady },
    { builtIn: BuiltInTrace.Bursty },
    { builtIn: BuiltInTrace.Batch },
    { heldOut: HeldOutTrace.LongJobs },
    { heldOut: HeldOutTrace.TicketStorm },
];
const SENSITIVITY_SIZE = 25;
const SENSITIVITY_SEEDS = 3;

/** For each assumption and value, on each trace: who beats ours on both counts, if anyone. */
async function sensitivity(worker: WorkerUnderTest): Promise<string> {
    const lines = [
        "| assumption | value | traces where an alternative beats ours on both p95 wait and cost | ours p95 s / $ on the long-jobs trace | copilot p95 s / $ there |",
        "| --- | ---: | --- | ---: | ---: |",
    ];
    const sized = withMaxTasks(worker, SENSITIVITY_SIZE);
    for (const assumption of ASSUMPTIONS) {
        for (const value of assumption.values) {
            const parameters = assumption.apply(value);
            const flips: string[] = [];
            let longJobs: ComparisonSummary | undefined;
            for (const source of SENSITIVITY_SOURCES) {
                const worker = "heldOut" in source ? withMaxTasks(sized, 50) : sized;
                const summary = summarize(
                    await compare(worker, source, { seeds: SENSITIVITY_SEEDS, bounds: [], parameters }),
                );
                if (summary.oursLosesTo.length > 0) {
                    flips.push(`${traceName(source)} (${summary.oursLosesTo.join(", ")})`);
                }
                if ("heldOut" in source && source.heldOut === HeldOutTrace.LongJobs) {
                    longJobs = summary;
                }
            }
            const row = (policy: string) => longJobs?.rows.find((r) => r.policy === policy);
            const cell = (policy: string) => {
                const r = row(policy);
                return r ? `${r.p95WaitSeconds.toFixed(0)} / ${r.dollars.toFixed(3)}` : "–";
            };
            lines.push(
                `| ${assumption.name} (${assumption.unit}) | ${value} | ${flips.join("; ") || "none"} | ${cell(PolicyName.Ours)} | ${cell(PolicyName.Copilot)} |`,
            );
        }
    }
    return [
        `Sensitivity: default worker at maxTasks ${SENSITIVITY_SIZE} on the built-in traces, prod-sized (maxTasks 50) on the held-out ones, ${SENSITIVITY_SEEDS} seeds each, one assumption moved at a time:`,
        "",
        ...lines,
    ].join("\n");
}

/** The prod stack's jobWorker on every held-out trace, with the bound. */
async function heldOut(seeds: number, traces: readonly HeldOutTrace[]): Promise<string> {
    const worker = stackWorkers("prod").find((candidate) => candidate.name === EXAMPLE_WORKERS[0].configKey);
    if (worker === undefined) {
        throw new Error(`the prod stack has no ${EXAMPLE_WORKERS[0].configKey}`);
    }
    const summaries: ComparisonSummary[] = [];
    for (const kind of traces) {
        summaries.push(summarize(await compare(worker, { heldOut: kind }, { seeds })));
    }
    return [
        `Held-out traces, prod/${worker.name} (${seeds} seeds; ${UNSEEN_TRACES.join(" and ")} were not run while tuning):`,
        "",
        renderTable(summaries),
        "",
        renderRatios(summaries.map((summary) => ({ summary }))),
        "",
        ...renderLosses(summaries).map((line) => `  ! ${line}`),
    ].join("\n");
}

/** Messages a day the prod job worker's 50 tasks serve without a backlog; a larger day gets more tasks in proportion. */
const DAY_MESSAGES_PER_50_TASKS = 1_000_000;

/**
 * A day of `count` two-second jobs for the prod stack's jobWorker (maxTasks grown with the count, so every day has the
 * same shape of load), every design and the bound on one seed: how time and memory grow with the messages. Prints the
 * wall and CPU time, the peak resident memory and the load it ran under.
 */
async function scale(count: number): Promise<string> {
    const prod = stackWorkers("prod").find((candidate) => candidate.name === EXAMPLE_WORKERS[0].configKey);
    if (prod === undefined) {
        throw new Error(`the prod stack has no ${EXAMPLE_WORKERS[0].configKey}`);
    }
    const maxTasks = Math.max(
        prod.settings.scaling.maxTasks,
        Math.ceil((prod.settings.scaling.maxTasks * count) / DAY_MESSAGES_PER_50_TASKS),
    );
    const worker = withMaxTasks(prod, maxTasks);
    const started = Date.now();
    const cpu = process.cpuUsage();
    const trace = diurnalDay(count, seededRandom(1));
    const comparison = await compare(worker, { recorded: trace }, { seeds: 1, bounds: [] });
    const simulated = process.cpuUsage(cpu);
    const ours = comparison.runs.find((run) => run.policy === PolicyName.Ours);
    if (ours !== undefined) {
        comparison.references[0].bounds = [
            await boundAtWait(worker, trace, ours, BoundGoal.Max),
            await boundAtWait(worker, trace, ours, BoundGoal.P95),
        ];
    }
    const used = process.cpuUsage(cpu);
    const summary = summarize(comparison);
    const seconds = (usage: NodeJS.CpuUsage) => ((usage.user + usage.system) / 1e6).toFixed(1);
    const load = os.loadavg().map((value) => value.toFixed(2));
    return [
        renderTable([summary]),
        "",
        renderRatios([{ summary }]),
        "",
        `${count} messages, maxTasks ${maxTasks}: wall ${((Date.now() - started) / 1000).toFixed(1)} s, CPU ${seconds(used)} s ` +
            `(drawing the day and simulating the five designs and the heuristic ${seconds(simulated)} s, the two bounds the rest), ` +
            `peak resident memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB, load average ${load.join(" ")} ` +
            `(${os.cpus().length} cores; \`npm run bench:scaling -- --day ${count}\`)`,
    ].join("\n");
}

const OPTIONS = {
    stack: { type: "string" },
    worker: { type: "string" },
    seeds: { type: "string" },
    sizes: { type: "string" },
    traces: { type: "string" },
    sensitivity: { type: "boolean" },
    "held-out": { type: "boolean" },
    day: { type: "string" },
} as const;

class UsageError extends Error {}

function list<T extends string>(value: string | undefined, valid: readonly T[], flag: string): T[] | undefined {
    const items = value?.split(",");
    const wrong = items?.filter((item) => !(valid as readonly string[]).includes(item)) ?? [];
    if (wrong.length > 0) {
        throw new UsageError(
            `--${flag} takes names from ${valid.join(", ")} separated by commas; got ${wrong.join(", ")}`,
        );
    }
    return items as T[] | undefined;
}

function workerFor(stack: string | undefined, name: string | undefined): WorkerUnderTest {
    if (stack === undefined) {
        return defaultWorker();
    }
    const configKey = name ?? EXAMPLE_WORKERS[0].configKey;
    const worker = stackWorkers(stack).find((candidate) => candidate.name === configKey);
    if (worker === undefined) {
        throw new UsageError(
            `no worker named ${configKey} in stack ${stack} (workers: ${EXAMPLE_WORKERS.map((w) => w.configKey).join(", ")})`,
        );
    }
    return { ...worker, name: `${stack}/${configKey}` };
}

export async function main(argv: string[]): Promise<number> {
    let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; args: string[] }>>["values"];
    try {
        values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
    } catch (error) {
        process.stderr.write(
            `bench: ${error instanceof Error ? error.message : String(error)}\nvalid flags: ${Object.keys(OPTIONS)
                .map((flag) => `--${flag}`)
                .join(", ")}\n`,
        );
        return 2;
    }
    try {
        const started = Date.now();
        const seeds = Number(values.seeds ?? BENCH_SEEDS);
        if (!Number.isInteger(seeds) || seeds < 1 || seeds > 50) {
            throw new UsageError(`--seeds must be a whole number from 1 to 50; got ${values.seeds}`);
        }
        const sizes = values.sizes?.split(",").map(Number);
        if (sizes !== undefined && sizes.some((size) => !Number.isInteger(size) || size < 1)) {
            throw new UsageError(
                `--sizes takes whole numbers of tasks separated by commas, e.g. 10,25,50; got ${values.sizes}`,
            );
        }
        if (values.day !== undefined) {
            const count = Number(values.day);
            if (!Number.isInteger(count) || count < 1) {
                throw new UsageError(`--day takes a whole number of messages, e.g. 1000000; got ${values.day}`);
            }
            process.stdout.write(`${await scale(count)}\n`);
            return 0;
        }
        const worker = workerFor(values.stack, values.worker);
        if (values["held-out"]) {
            const traces = list(values.traces, HELD_OUT_TRACES, "traces") ?? HELD_OUT_TRACES;
            process.stdout.write(`${await heldOut(Number(values.seeds ?? 3), traces)}\n`);
            return 0;
        }
        if (values.sensitivity) {
            process.stdout.write(`${await sensitivity(worker)}\n`);
            return 0;
        }
        const traces = list(values.traces, BUILT_IN_TRACES, "traces") ?? BUILT_IN_TRACES;
        const benchSizes = sizes ?? (values.stack === undefined ? BENCH_SIZES : [worker.settings.scaling.maxTasks]);
        const entries = await benchEntries(worker, benchSizes, seeds, traces);
        const scaling = worker.settings.scaling;
        const losses = renderLosses(entries.map((entry) => entry.summary));
        const blocks = benchSizes.map((maxTasks) => {
            const summaries = entries.filter((entry) => entry.maxTasks === maxTasks).map((entry) => entry.summary);
            return [`### maxTasks ${maxTasks}`, "", renderTable(summaries)].join("\n");
        });
        process.stdout.write(
            [
                `Scaling bench: worker "${worker.name}" (minTasks ${scaling.minTasks}, maxTasks ${benchSizes.join(", ")}, target ` +
                    `${scaling.targetBacklogPerTask} messages per task, ${worker.settings.capacityProviderStrategy.map((i) => `${i.capacityProvider} weight ${i.weight} base ${i.base}`).join(", ")})`,
                "",
                ...blocks.flatMap((block) => [block, ""]),
                renderAssumptions(entries.map((entry) => entry.summary)),
                "",
                `Ours against the sound lower bound at ours' own max wait (goal ${Object.entries(BOUND_RATIO_GOALS)
                    .map(([trace, goal]) => `${trace} ${goal}`)
                    .join(", ")}; ceiling ${BOUND_RATIO_CEILING}; ! = above its goal), and at ours' p95:`,
                "",
                renderRatios(
                    entries.map(({ summary, maxTasks }) => ({
                        summary,
                        maxTasks,
                        limit: BOUND_RATIO_GOALS[summary.trace as BuiltInTrace],
                    })),
                ),
                "",
                losses.length === 0
                    ? "Our plan is not beaten on both p95 wait and cost by any alternative on any trace and size."
                    : `Our plan loses on both p95 wait and cost:\n${losses.map((l) => `  ! ${l}`).join("\n")}`,
                `(${traces.length} traces x ${benchSizes.length} sizes x ${seeds} seeds in ${((Date.now() - started) / 1000).toFixed(1)} s; reproduce with \`npm run bench:scaling\`)`,
                "",
            ].join("\n"),
        );
        return 0;
    } catch (error) {
        process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
        return error instanceof UsageError ? 2 : 1;
    }
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
