// Runs the comparison the issue asks for: for one worker and one trace, every policy (ours from planScaling, the
// alternatives, a fixed fleet) over several seeds, plus the oracle's lower bound and achievable schedule, on exactly
// the same arrivals. The CLI scripts and the tests go through here.
import { planScaling } from "../components/plan/scalingPlan";
import { DEFAULT_STOP_TIMEOUT_SECONDS, resolveWorkerSettings, WorkerSettings } from "../components/plan/settings";
import { CapacityProvider } from "../components/types";
import { readStackConfigFile } from "../stack/configFile";
import { configuredWorkerSettings } from "../stack/workers";
import { taskPricePerHour, UNKNOWN_TASK_SIZE } from "./cost";
import { achievableOracle, LowerBound, lowerBound } from "./oracle";
import { AwsParameters, LAUNCH_MIN_SECONDS, parametersForSeed, PROCESSING_CV_SWEEP, sweepPoint } from "./parameters";
import { cdkPolicy, copilotPolicy, fixedPolicy, ourPolicy, PolicyDefinition, seedPolicy } from "./policies";
import { childRandom } from "./random";
import { RunResult, simulate, SimulatedWorker, Timeline, WaitsAndCost } from "./simulation";
import { BuiltInTrace, builtInTrace, DEFAULT_MEAN_PROCESSING_SECONDS, meanProcessingSeconds, Trace } from "./traces";

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
    const messages = trace.messages;
    const window = Math.max(goalSeconds, 1);
    let peak = 0;
    let work = 0;
    let last = 0;
    for (let first = 0; first < messages.length; first++) {
        while (last < messages.length && messages[last].at < messages[first].at + window) {
            work += messages[last].processingSeconds;
            last++;
        }
        peak = Math.max(peak, Math.ceil(work / window));
        work -= messages[first].processingSeconds;
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

/** Where the messages come from: a built-in trace (a new draw per seed) or a recorded one (the same for all). */
export type TraceSource = { builtIn: BuiltInTrace } | { recorded: Trace };

export function traceName(source: TraceSource): string {
    return "builtIn" in source ? source.builtIn : source.recorded.name;
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
    const scale = {
        maxTasks: settings.scaling.maxTasks,
        meanProcessingSeconds: settings.scaling.averageProcessingSeconds ?? DEFAULT_MEAN_PROCESSING_SECONDS,
        processingCv: sweepPoint(PROCESSING_CV_SWEEP, seedIndex, seeds),
    };
    return builtInTrace(source.builtIn, scale, childRandom(seed, `trace:${source.builtIn}`));
}

export interface OracleRun {
    seed: number;
    latencyGoalSeconds: number;
    /** Absent when the comparison was run without the lower bound (the bench: see CompareOptions). */
    lowerBoundTaskSeconds?: number;
    lowerBoundDollars?: number;
    achievable: WaitsAndCost & { timeline: Timeline };
}

export interface Comparison {
    worker: string;
    trace: string;
    seeds: number[];
    /** Per seed, the parameters the run used. */
    parameters: AwsParameters[];
    runs: RunResult[];
    oracle: OracleRun[];
}

/** The cheapest price a task of this worker can run at: the lower bound's price, so it stays a lower bound. */
function cheapestPricePerSecond(settings: WorkerSettings): number {
    const size = settings.container ?? UNKNOWN_TASK_SIZE;
    const providers = settings.capacityProviderStrategy
        .filter((item) => item.weight > 0 || item.base > 0)
        .map((item) => item.capacityProvider);
    const prices = (providers.length > 0 ? providers : [CapacityProvider.Fargate]).map((provider) =>
        taskPricePerHour(size, provider),
    );
    return Math.min(...prices) / 3600;
}

export interface CompareOptions {
    seeds?: number;
    firstSeed?: number;
    /**
     * Whether to solve the oracle's lower-bound LP (seconds of HiGHS for a day of one-minute slots). The bench leaves it
     * out: its bar is the foresight oracle, and it runs 150 comparisons.
     */
    lowerBound?: boolean;
}

export async function compare(
    worker: WorkerUnderTest,
    source: TraceSource,
    options: CompareOptions = {},
): Promise<Comparison> {
    const { seeds: seedCount = DEFAULT_SEEDS, firstSeed = 1 } = options;
    const seeds = Array.from({ length: seedCount }, (_, i) => firstSeed + i);
    const runs: RunResult[] = [];
    const oracle: OracleRun[] = [];
    const parameters: AwsParameters[] = [];
    const simulated = simulatedWorker(worker.settings);
    // A recorded trace is the same for every seed, and so is its lower bound: solved once.
    let recordedBound: LowerBound | undefined;
    for (const [index, seed] of seeds.entries()) {
        const trace = traceForSeed(source, worker.settings, seed, index, seedCount);
        const goal = latencyGoalSeconds(worker.settings, trace);
        const seedParameters = parametersForSeed(index, seedCount);
        parameters.push(seedParameters);
        for (const policy of policiesFor(worker.settings, trace, goal)) {
            runs.push(simulate({ trace, policy, worker: simulated, parameters: seedParameters, seed }));
        }
        const { minTasks, maxTasks } = worker.settings.scaling;
        const bound =
            options.lowerBound === false
                ? undefined
                : (recordedBound ??
                  (await lowerBound({
                      trace,
                      latencyGoalSeconds: goal,
                      startupSeconds: LAUNCH_MIN_SECONDS,
                      minTasks,
                  })));
        if ("recorded" in source) {
            recordedBound = bound;
        }
        oracle.push({
            seed,
            latencyGoalSeconds: goal,
            lowerBoundTaskSeconds: bound?.taskSeconds,
            lowerBoundDollars:
                bound === undefined ? undefined : bound.taskSeconds * cheapestPricePerSecond(worker.settings),
            achievable: achievableOracle({
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
    return { worker: worker.name, trace: traceName(source), seeds, parameters, runs, oracle };
}
