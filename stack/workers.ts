// The example's workers as a stack's config deploys them, each with its validated settings: what the offline plan
// prices and the simulator runs. Apart from stack/config.ts, which the program itself loads, since only tools need it.
import { WorkerSettings } from "../components/plan/settings";
import { validatedWorkerSettings } from "../components/validation";
import { mockArn } from "../components/testing";
import { readStackConfig, workerArgs } from "./config";

/** One configured worker: its config key (the name the plan and the simulator show) and its settings. */
export interface ConfiguredWorkerSettings {
    name: string;
    settings: WorkerSettings;
}

/** The example's workers in `config` (as readStackConfigFile returns it), in EXAMPLE_WORKERS' order. */
/** A well-formed subnet ID for the offline validation of a stack's workers. */
const OFFLINE_SUBNET_ID = "subnet-00000000000000000";

export function configuredWorkerSettings(config: Record<string, string>): ConfiguredWorkerSettings[] {
    const stack = readStackConfig(config);
    return stack.workers.map(({ configKey, config: workerConfig }) => {
        // What the program wires, in the formats the offline plan's mocks answer with: validation checks them too.
        const clusterArn = mockArn("ecs", "cluster/offline", { region: stack.region });
        const args = workerArgs(workerConfig, { clusterArn, subnetIds: [OFFLINE_SUBNET_ID] });
        return { name: configKey, settings: validatedWorkerSettings(args).settings };
    });
}
