import * as assert from "assert";
import { withMaxTasks } from "../../scripts/bench";
import {
    belowFloorTaskSeconds,
    BoundGoal,
    boundAtWait,
    cheapestPricePerSecond,
    compare,
    defaultWorker,
    floorTasks,
    stackWorkers,
    TraceSource,
    traceForSeed,
    WorkerUnderTest,
} from "../../simulator/experiment";
import { BuiltInTrace } from "../../simulator/traces";
import { EXAMPLE_WORKERS } from "../../stack/config";

// The proof that the bench's yardstick is a bound: every simulated design (ours, CDK, the seed's alarm, Copilot, the
// fixed fleet) and the foresight heuristic is billed at least the bound at the wait it achieved itself, on every
// built-in trace (the bench's, for the default worker) and on the example stacks' job worker. A run that fell below
// minTasks (a reclaimed Spot task whose replacement could not be placed) is compared with the bound less the
// task-seconds it was short. Two seeds where the trace is short (both ends of every swept range), one on the day-long
// diurnal trace, whose bound at the max wait alone is checked to keep the spec near a minute.
const ONE_SEED: readonly BuiltInTrace[] = [BuiltInTrace.Diurnal];

async function checkSoundness(worker: WorkerUnderTest, source: TraceSource & { builtIn: BuiltInTrace }) {
    const seeds = ONE_SEED.includes(source.builtIn) ? 1 : 2;
    const goals = ONE_SEED.includes(source.builtIn) ? [BoundGoal.Max] : [BoundGoal.Max, BoundGoal.P95];
    const comparison = await compare(worker, source, { seeds, bounds: [] });
    const failures: string[] = [];
    for (const [index, seed] of comparison.seeds.entries()) {
        const trace = traceForSeed(source, worker.settings, seed, index, seeds);
        const schedules = [
            ...comparison.runs.filter((run) => run.seed === seed),
            { ...comparison.references[index].foresight, policy: "foresight", unprocessed: 0 },
        ];
        for (const schedule of schedules) {
            const short = belowFloorTaskSeconds(
                schedule.billedIntervals,
                floorTasks(worker.settings),
                trace.durationSeconds,
            );
            for (const goal of goals) {
                const bound = await boundAtWait(worker, trace, schedule, goal);
                if (schedule.taskSeconds + short < bound.taskSeconds) {
                    failures.push(
                        `${source.builtIn} seed ${seed} ${schedule.policy} at its ${goal} wait ${bound.waitSeconds.toFixed(0)} s: ` +
                            `billed ${schedule.taskSeconds.toFixed(0)} (+${short.toFixed(0)} below the floor) < bound ${bound.taskSeconds.toFixed(0)}`,
                    );
                }
                if (schedule.dollars + short * cheapestPricePerSecond(worker.settings) < bound.dollars * (1 - 1e-9)) {
                    failures.push(
                        `${source.builtIn} seed ${seed} ${schedule.policy}: $${schedule.dollars} < bound $${bound.dollars}`,
                    );
                }
            }
        }
    }
    return failures;
}

describe("the sound lower bound, against every design", () => {
    const traces = Object.values(BuiltInTrace);

    for (const kind of traces) {
        it(`bounds every design from below on ${kind} (default worker, maxTasks 10)`, async function () {
            this.timeout(300_000);
            assert.deepStrictEqual(await checkSoundness(withMaxTasks(defaultWorker(), 10), { builtIn: kind }), []);
        });
    }

    for (const stack of ["prod", "dev"]) {
        it(`bounds every design from below for the ${stack} stack's job worker on bursty and sparse`, async function () {
            this.timeout(300_000);
            const worker = stackWorkers(stack).find((candidate) => candidate.name === EXAMPLE_WORKERS[0].configKey);
            assert.ok(worker);
            const failures = [
                ...(await checkSoundness(worker, { builtIn: BuiltInTrace.Bursty })),
                ...(await checkSoundness(worker, { builtIn: BuiltInTrace.Sparse })),
            ];
            assert.deepStrictEqual(failures, []);
        });
    }
});
