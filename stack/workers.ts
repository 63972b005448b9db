// The example's workers as a stack's config deploys them, each with its validated settings: what the offline plan
// prices and the simulator runs. Apart from stack/config.ts, which the program itself loads, since only tools need it.
import { WorkerSettings } from "../components/plan/settings";
import { validatedWorkerSettings } from "../components/validation";
import { readStackConfig, workerArgs } from "./config";

/** One configured worker: its config key (the name the plan and the simulator show) and its settings. */
export interface ConfiguredWorkerSettings {
    name: string;
    settings: WorkerSettings;
}

/** The example's workers in `config` (as readStackConfigFile returns it), in EXAMPLE_WORKERS' order. */
export function configuredWorkerSettings(config: Record<string, string>): ConfiguredWorkerSettings[] {
    return readStackConfig(config).workers.map(({ configKey, config: workerConfig }) => {
        // The cluster and subnets are wired by the program; no setting depends on their values.
        const args = workerArgs(workerConfig, { clusterArn: "offline", subnetIds: ["offline"] });
        return { name: configKey, settings: validatedWorkerSettings(args).settings };
    });
}
