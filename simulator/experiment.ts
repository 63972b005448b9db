// Runs the comparison: for one worker and one trace, every policy (ours from planScaling, the alternatives, a fixed
// fleet) over several seeds, the foresight heuristic, and the sound lower bound at the waits ours achieved, on exactly
// the same arrivals. The CLI scripts and the tests go through here.
import { planScaling } from "../components/plan/scalingPlan";
import { DEFAULT_STOP_TIMEOUT_SECONDS, resolveWorkerSettings, WorkerSettings } from "../components/plan/settings";
import { CapacityProvider } from "../components/types";
import { readStackConfigFile } from "../stack/configFile";
import { configuredWorkerSettings } from "../stack/workers";
import { taskPricePerHour, UNKNOWN_TASK_SIZE } from "./cost";
import { foresightSchedule } from "./foresight";
import { HeldOutTrace, heldOutTrace } from "./heldOut";
import { LowerBound, lowerBound } from "./lowerBound";
import { AwsParameters, parametersForSeed, PROCESSING_CV_SWEEP, sweepPoint } from "./parameters";
import { cdkPolicy, copilotPolicy, fixedPolicy, ourPolicy, PolicyDefinition, PolicyName, seedPolicy } from "./policies";
import { childRandom } from "./random";
import { RunResult, simulate, SimulatedWorker, Timeline, WaitsAndCost } from "./simulation";
import {
    BuiltInTrace,
    builtInTrace,
    DEFAULT_MEAN_PROCESSING_SECONDS,
    meanProcessingSeconds,
    messageCount,
    Trace,
} from "./traces";

/** A worker to simulate: its name and its settings with defaults applied. */
export interface WorkerUnderTest {
    name: string;
    settings: WorkerSettings;
}

/** Seeds a report runs by default: enough to show the spread over the swept parameters, few enough to stay fast. */
export const DEFAULT_SEEDS = 3;

/** The component with every default: what "our default" means in the bench. */
export function defaultWorker(): WorkerUnderTest {
    return {
        name: "defaults",
        settings: resolveWorkerSettings({ clusterArn: "bench", subnetIds: ["bench"], container: { image: "bench" } }),
    };
}

/** The workers of a stack, read from Pulumi.<stack>.yaml the way index.ts reads them, validated as the component does. */
export function stackWorkers(stack: string): WorkerUnderTest[] {
    return configuredWorkerSettings(readStackConfigFile(stack));
}

export function simulatedWorker(settings: WorkerSettings): SimulatedWorker {
    return {
        capacityProviderStrategy: settings.capacityProviderStrategy,
        taskSize: settings.container ?? UNKNOWN_TASK_SIZE,
        visibilityTimeoutSeconds: settings.queue.visibilityTimeoutSeconds,
        stopTimeoutSeconds: settings.container?.stopTimeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS,
    };
}

/** W is acceptableLatencySeconds when set, else the backlog target x the trace's mean processing time. */
export function latencyGoalSeconds(settings: WorkerSettings, trace: Trace): number {
    return (
        settings.scaling.acceptableLatencySeconds ??
        settings.scaling.targetBacklogPerTask * meanProcessingSeconds(trace)
    );
}

/**
 * A fixed fleet sized for the trace's peak: enough tasks that the work arriving in any window of W seconds is done in
 * W seconds, within the worker's bounds (at least one task).
 */
export function peakFleetSize(trace: Trace, goalSeconds: number, minTasks: number, maxTasks: number): number {
    const { arrivals, processingSeconds } = trace;
    const count = messageCount(trace);
    const window = Math.max(goalSeconds, 1);
    let peak = 0;
    let work = 0;
    let last = 0;
    for (let first = 0; first < count; first++) {
        while (last < count && arrivals[last] < arrivals[first] + window) {
            work += processingSeconds[last];
            last++;
        }
        peak = Math.max(peak, Math.ceil(work / window));
        work -= processingSeconds[first];
    }
    return Math.min(maxTasks, Math.max(1, minTasks, peak));
}

/** Every alternative for one worker on one trace, ours first. */
export function policiesFor(settings: WorkerSettings, trace: Trace, goalSeconds: number): PolicyDefinition[] {
    const { minTasks, maxTasks, targetBacklogPerTask } = settings.scaling;
    return [
        ourPolicy(planScaling(settings.scaling)),
        cdkPolicy(minTasks, maxTasks),
        seedPolicy(minTasks, maxTasks),
        copilotPolicy(minTasks, maxTasks, targetBacklogPerTask),
        fixedPolicy(peakFleetSize(trace, goalSeconds, minTasks, maxTasks)),
    ];
}

/**
 * Where the messages come from: a built-in trace sized to the worker or a held-out one (a new draw per seed), or a
 * recorded one (the same for all).
 */
export type TraceSource = { builtIn: BuiltInTrace } | { heldOut: HeldOutTrace } | { recorded: Trace };

export function traceName(source: TraceSource): string {
    return "builtIn" in source ? source.builtIn : "heldOut" in source ? source.heldOut : source.recorded.name;
}

export function traceForSeed(
    source: TraceSource,
    settings: WorkerSettings,
    seed: number,
    seedIndex: number,
    seeds: number,
): Trace {
    if ("recorded" in source) {
        return source.recorded;
    }
    if ("heldOut" in source) {
        return heldOutTrace(source.heldOut, childRandom(seed, `held-out:${source.heldOut}`));
    }
    const scale = {
        maxTasks: settings.scaling.maxTasks,
        meanProcessingSeconds: settings.scaling.averageProcessingSeconds ?? DEFAULT_MEAN_PROCESSING_SECONDS,
        processingCv: sweepPoint(PROCESSING_CV_SWEEP, seedIndex, seeds),
    };
    return builtInTrace(source.builtIn, scale, childRandom(seed, `trace:${source.builtIn}`));
}

/** Which achieved wait a bound is held to: every message's (the max) or all but the slowest 5 % (the p95). */
export enum BoundGoal {
    Max = "max",
    P95 = "p95",
}

/** The sound lower bound for one seed at one of ours' achieved waits. */
export interface BoundAtGoal {
    goal: BoundGoal;
    waitSeconds: number;
    taskSeconds: number;
    dollars: number;
    proof: LowerBound["proof"];
}

export interface SeedReference {
    seed: number;
    latencyGoalSeconds: number;
    /** Absent when the comparison was run without bounds (CompareOptions.bounds false). */
    bounds?: BoundAtGoal[];
    foresight: WaitsAndCost & { timeline: Timeline };
}

export interface Comparison {
    worker: string;
    trace: string;
    seeds: number[];
    /** Per seed, the parameters the run used. */
    parameters: AwsParameters[];
    runs: RunResult[];
    references: SeedReference[];
}

/** A provider's price per second for this worker's task size. */
function pricePerSecond(settings: WorkerSettings, provider: CapacityProvider): number {
    return taskPricePerHour(settings.container ?? UNKNOWN_TASK_SIZE, provider) / 3600;
}

/** The cheapest price a task of this worker can run at under its capacity provider strategy. */
export function cheapestPricePerSecond(settings: WorkerSettings): number {
    const providers = settings.capacityProviderStrategy
        .filter((item) => item.weight > 0 || item.base > 0)
        .map((item) => item.capacityProvider);
    return Math.min(
        ...(providers.length > 0 ? providers : [CapacityProvider.Fargate]).map((provider) =>
            pricePerSecond(settings, provider),
        ),
    );
}

/**
 * The dollars a bound of `taskSeconds` is worth at the cheapest prices a schedule can pay: every task-second at the
 * cheapest provider of the strategy, except the base, which ECS keeps on its provider and which minTasks keeps billed
 * until the trace ends (docs/scaling.md, "Pricing the bound").
 */
export function boundDollars(settings: WorkerSettings, trace: Trace, taskSeconds: number): number {
    const cheapest = cheapestPricePerSecond(settings);
    const base = settings.capacityProviderStrategy.find((item) => item.base > 0);
    const heldBase = base === undefined ? 0 : Math.min(base.base, settings.scaling.minTasks) * trace.durationSeconds;
    const basePremium = base === undefined ? 0 : pricePerSecond(settings, base.capacityProvider) - cheapest;
    return cheapest * taskSeconds + basePremium * Math.min(heldBase, taskSeconds);
}

/** The floor every design is held to in the bound: minTasks, or the least a schedule sets it to. */
export function floorTasks(settings: WorkerSettings): number {
    return Math.min(settings.scaling.minTasks, ...settings.scaling.schedules.map((s) => s.minTasks ?? Infinity));
}

/**
 * Task-seconds a schedule spent below the floor before the trace ended: a Spot task reclaimed while its replacement
 * could not be placed leaves the service below minTasks for a while. Such a schedule is outside the bound's class, and
 * is compared with the bound less these task-seconds (docs/scaling.md).
 */
export function belowFloorTaskSeconds(billedIntervals: Float64Array, floor: number, untilSeconds: number): number {
    if (floor <= 0) {
        return 0;
    }
    const edges: [number, number][] = [];
    for (let i = 0; i < billedIntervals.length; i += 2) {
        edges.push([billedIntervals[i], 1], [billedIntervals[i + 1], -1]);
    }
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let short = 0;
    let billed = 0;
    let at = 0;
    for (const [time, change] of edges) {
        const until = Math.min(time, untilSeconds);
        if (until > at) {
            short += Math.max(0, floor - billed) * (until - at);
            at = until;
        }
        billed += change;
    }
    if (untilSeconds > at) {
        short += Math.max(0, floor - billed) * (untilSeconds - at);
    }
    return short;
}

/** How many messages a p95 goal lets wait longer: N - ceil(0.95 N). */
export function lateAllowedAtP95(messages: number): number {
    return messages - Math.ceil(0.95 * messages);
}

/**
 * The sound bound at the wait a schedule achieved: its max wait (every message), or its p95 (all but the allowed 5 %).
 * A schedule that left messages unprocessed ended at its time limit, and is held to that end.
 */
export async function boundAtWait(
    worker: WorkerUnderTest,
    trace: Trace,
    achieved: Pick<RunResult, "maxWaitSeconds" | "p95WaitSeconds"> & { unprocessed?: number; endSeconds?: number },
    goal: BoundGoal,
    options: { integer?: boolean; timeLimitSeconds?: number } = {},
): Promise<BoundAtGoal> {
    const waitSeconds = goal === BoundGoal.Max ? achieved.maxWaitSeconds : achieved.p95WaitSeconds;
    const bound = await lowerBound({
        trace,
        waitSeconds,
        lateMessages: goal === BoundGoal.P95 ? lateAllowedAtP95(messageCount(trace)) : 0,
        minTasks: floorTasks(worker.settings),
        endSeconds: achieved.unprocessed ? achieved.endSeconds : undefined,
        ...options,
    });
    return {
        goal,
        waitSeconds,
        taskSeconds: bound.taskSeconds,
        dollars: boundDollars(worker.settings, trace, bound.taskSeconds),
        proof: bound.proof,
    };
}

export interface CompareOptions {
    seeds?: number;
    firstSeed?: number;
    /**
     * Which sound bounds to solve, each at ours' own achieved wait of that kind (seconds of HiGHS per seed; the p95
     * one is the slower, since it chooses which messages may be late). Every goal by default; none with [].
     */
    bounds?: readonly BoundGoal[];
    /** Overrides of the AWS parameters every seed uses (the sensitivity sweep). */
    parameters?: Partial<AwsParameters>;
    /** Only these policies (ours always runs). */
    policies?: readonly string[];
}

export async function compare(
    worker: WorkerUnderTest,
    source: TraceSource,
    options: CompareOptions = {},
): Promise<Comparison> {
    const { seeds: seedCount = DEFAULT_SEEDS, firstSeed = 1 } = options;
    const seeds = Array.from({ length: seedCount }, (_, i) => firstSeed + i);
    const runs: RunResult[] = [];
    const references: SeedReference[] = [];
    const parameters: AwsParameters[] = [];
    const simulated = simulatedWorker(worker.settings);
    for (const [index, seed] of seeds.entries()) {
        const trace = traceForSeed(source, worker.settings, seed, index, seedCount);
        const goal = latencyGoalSeconds(worker.settings, trace);
        const seedParameters = { ...parametersForSeed(index, seedCount), ...options.parameters };
        parameters.push(seedParameters);
        let ours: RunResult | undefined;
        for (const policy of policiesFor(worker.settings, trace, goal)) {
            if (options.policies && policy.name !== PolicyName.Ours && !options.policies.includes(policy.name)) {
                continue;
            }
            const run = simulate({ trace, policy, worker: simulated, parameters: seedParameters, seed });
            if (policy.name === PolicyName.Ours) {
                ours = run;
            }
            runs.push(run);
        }
        const { minTasks, maxTasks } = worker.settings.scaling;
        const goals = options.bounds ?? Object.values(BoundGoal);
        let bounds: BoundAtGoal[] | undefined;
        if (ours !== undefined && goals.length > 0) {
            bounds = [];
            for (const goal of goals) {
                bounds.push(await boundAtWait(worker, trace, ours, goal));
            }
        }
        references.push({
            seed,
            latencyGoalSeconds: goal,
            bounds,
            foresight: foresightSchedule({
                trace,
                latencyGoalSeconds: goal,
                startupSeconds: seedParameters.launchMedianSeconds,
                minTasks,
                maxTasks,
                strategy: worker.settings.capacityProviderStrategy,
                taskSize: simulated.taskSize,
            }),
        });
    }
    return { worker: worker.name, trace: traceName(source), seeds, parameters, runs, references };
}
