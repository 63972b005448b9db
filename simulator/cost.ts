// What Fargate charges: prices per vCPU-hour and GB-hour (model, us-east-1, Linux), per second with a one-minute
// minimum, and the monthly cost of a fleet of a given size split over the capacity providers. Pure, so `npm run plan`
// and the simulator price the same way.
import { CapacityProvider, CpuArchitecture } from "../components/types";
import { ContainerSettings, DEFAULT_CPU_UNITS, DEFAULT_MEMORY_MIB, WorkerSettings } from "../components/plan/settings";
import { BILLING_MINIMUM_SECONDS } from "./parameters";
import { splitTasks } from "./fargate";

interface ResourcePrices {
    vcpuHour: number;
    gbHour: number;
}

/** Model, "Prices, us-east-1, Linux": on demand x86 and ARM, and Spot (quoted for x86). */
export const FARGATE_PRICES: Readonly<Record<CpuArchitecture, Readonly<Record<CapacityProvider, ResourcePrices>>>> = {
    [CpuArchitecture.X86_64]: {
        [CapacityProvider.Fargate]: { vcpuHour: 0.04048, gbHour: 0.004445 },
        [CapacityProvider.FargateSpot]: { vcpuHour: 0.0133, gbHour: 0.00146 },
    },
    [CpuArchitecture.ARM64]: {
        [CapacityProvider.Fargate]: { vcpuHour: 0.03238, gbHour: 0.00356 },
        // The model quotes Spot for x86 only; ARM Spot is taken at the same discount off ARM on demand.
        [CapacityProvider.FargateSpot]: {
            vcpuHour: 0.03238 * (0.0133 / 0.04048),
            gbHour: 0.00356 * (0.00146 / 0.004445),
        },
    },
};

/** AWS prices a month as 730 hours. */
export const HOURS_PER_MONTH = 730;

export type TaskSize = Pick<ContainerSettings, "cpu" | "memory" | "architecture">;

/**
 * The task size priced when a worker brings its own task definition (its size is unknown offline): the size the
 * component gives a container by default.
 */
export const UNKNOWN_TASK_SIZE: TaskSize = {
    cpu: DEFAULT_CPU_UNITS,
    memory: DEFAULT_MEMORY_MIB,
    architecture: CpuArchitecture.X86_64,
};

/** Dollars per hour one task of this size costs on this provider. */
export function taskPricePerHour(size: TaskSize, provider: CapacityProvider): number {
    const prices = FARGATE_PRICES[size.architecture][provider];
    return (size.cpu / 1024) * prices.vcpuHour + (size.memory / 1024) * prices.gbHour;
}

/** Billed seconds of a task that ran `seconds` (per second, one-minute minimum). */
export function billedSeconds(seconds: number): number {
    return Math.max(BILLING_MINIMUM_SECONDS, seconds);
}

export interface MonthlyFleetCost {
    tasks: number;
    onDemandTasks: number;
    spotTasks: number;
    dollars: number;
}

/** The cost of `tasks` tasks running all month, split over the providers by the worker's strategy. */
export function monthlyFleetCost(
    settings: Pick<WorkerSettings, "container" | "capacityProviderStrategy">,
    tasks: number,
): MonthlyFleetCost {
    const size = settings.container ?? UNKNOWN_TASK_SIZE;
    const split = splitTasks(settings.capacityProviderStrategy, tasks);
    const onDemandTasks = split.get(CapacityProvider.Fargate) ?? 0;
    const spotTasks = split.get(CapacityProvider.FargateSpot) ?? 0;
    const dollars =
        HOURS_PER_MONTH *
        (onDemandTasks * taskPricePerHour(size, CapacityProvider.Fargate) +
            spotTasks * taskPricePerHour(size, CapacityProvider.FargateSpot));
    return { tasks, onDemandTasks, spotTasks, dollars };
}

/** The plan's cost lines for one worker: its fleet at minTasks and at maxTasks, all month. */
export function describeMonthlyCost(name: string, settings: WorkerSettings): string {
    const describe = (cost: MonthlyFleetCost) =>
        `$${cost.dollars.toFixed(2)} at ${cost.tasks} task${cost.tasks === 1 ? "" : "s"} ` +
        `(${cost.onDemandTasks} on demand, ${cost.spotTasks} Spot)`;
    const size = settings.container ?? UNKNOWN_TASK_SIZE;
    const sizeNote = settings.container
        ? ""
        : ` (task definition brought: priced as ${UNKNOWN_TASK_SIZE.cpu} CPU / ${UNKNOWN_TASK_SIZE.memory} MiB)`;
    return (
        `  ${name}: ${size.cpu} CPU / ${size.memory} MiB ${size.architecture}${sizeNote}: ` +
        `${describe(monthlyFleetCost(settings, settings.scaling.minTasks))} .. ` +
        `${describe(monthlyFleetCost(settings, settings.scaling.maxTasks))} per month`
    );
}

/** The block `npm run plan` prints: each worker's monthly cost at minTasks and at maxTasks. */
export function renderMonthlyCosts(workers: readonly { name: string; settings: WorkerSettings }[]): string {
    return [
        "Monthly cost if the fleet ran all month at minTasks .. at maxTasks (Fargate, us-east-1 prices, capacity split applied;",
        "queue, logs and NAT not included; `npm run simulate` estimates what scaling actually costs):",
        ...workers.map((worker) => describeMonthlyCost(worker.name, worker.settings)),
    ].join("\n");
}
