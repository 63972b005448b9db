// Small, exact scenarios for the simulator specs: a worker, AWS parameters with the randomness pinned, and traces
// written out message by message.
import { resolveWorkerSettings, WorkerSettings } from "../../components/plan/settings";
import { CapacityProvider, WorkerScaling } from "../../components/types";
import { simulatedWorker } from "../../simulator/experiment";
import { AwsParameters, LAUNCH_MIN_SECONDS } from "../../simulator/parameters";
import { PolicyDefinition } from "../../simulator/policies";
import { RunResult, simulate } from "../../simulator/simulation";
import { Trace, TraceMessage } from "../../simulator/traces";

/** No jitter, no Spot trouble, the median launch every time: behaviour depends only on what the test sets. */
export function pinnedParameters(overrides: Partial<AwsParameters> = {}): AwsParameters {
    return {
        metricLagSeconds: 60,
        metricLagJitterSeconds: 0,
        customMetricLagSeconds: 60,
        launchMedianSeconds: 45,
        launchSigma: 0,
        launchMinSeconds: LAUNCH_MIN_SECONDS,
        spotInterruptionsPerTaskHour: 0,
        spotUnavailableProbability: 0,
        crashShare: 0,
        ...overrides,
    };
}

/** A worker with the component's defaults, on demand only unless a strategy is given. */
export function workerSettings(scaling: WorkerScaling, spot = false): WorkerSettings {
    return resolveWorkerSettings({
        clusterArn: "test",
        subnetIds: ["test"],
        container: { image: "test" },
        scaling,
        capacityProviderStrategy: [
            { capacityProvider: spot ? CapacityProvider.FargateSpot : CapacityProvider.Fargate, weight: 1 },
        ],
    });
}

export function trace(messages: TraceMessage[], durationSeconds: number): Trace {
    return { name: "test", durationSeconds, messages: [...messages].sort((a, b) => a.at - b.at) };
}

/** `count` messages at `at`, each taking `processingSeconds`. */
export function burst(at: number, count: number, processingSeconds: number): TraceMessage[] {
    return Array.from({ length: count }, () => ({ at, processingSeconds }));
}

export function run(
    policy: PolicyDefinition,
    settings: WorkerSettings,
    workload: Trace,
    parameters = pinnedParameters(),
    seed = 1,
): RunResult {
    return simulate({ trace: workload, policy, worker: simulatedWorker(settings), parameters, seed });
}
