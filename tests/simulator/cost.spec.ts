import * as assert from "assert";
import { CapacityProvider, CpuArchitecture } from "../../components/types";
import {
    billedSeconds,
    describeMonthlyCost,
    HOURS_PER_MONTH,
    monthlyFleetCost,
    taskPricePerHour,
} from "../../simulator/cost";
import { workerSettings } from "./fixtures";

describe("simulator/cost", () => {
    it("prices a task from the model's vCPU-hour and GB-hour prices", () => {
        const size = { cpu: 1024, memory: 2048, architecture: CpuArchitecture.X86_64 };
        assert.strictEqual(taskPricePerHour(size, CapacityProvider.Fargate), 0.04048 + 2 * 0.004445);
        assert.strictEqual(taskPricePerHour(size, CapacityProvider.FargateSpot), 0.0133 + 2 * 0.00146);
    });

    it("bills per second with a one-minute minimum", () => {
        assert.deepStrictEqual([billedSeconds(5), billedSeconds(60), billedSeconds(61.5)], [60, 60, 61.5]);
    });

    it("prices a month at minTasks and at maxTasks with the on-demand base first, then the weights", () => {
        const settings = workerSettings({ minTasks: 1, maxTasks: 11 });
        settings.capacityProviderStrategy = [
            { capacityProvider: CapacityProvider.Fargate, weight: 1, base: 1 },
            { capacityProvider: CapacityProvider.FargateSpot, weight: 4, base: 0 },
        ];
        const size = settings.container ?? { cpu: 0, memory: 0, architecture: CpuArchitecture.X86_64 };
        const onDemand = taskPricePerHour(size, CapacityProvider.Fargate) * HOURS_PER_MONTH;
        const spot = taskPricePerHour(size, CapacityProvider.FargateSpot) * HOURS_PER_MONTH;
        const atMax = monthlyFleetCost(settings, 11);
        assert.deepStrictEqual([atMax.onDemandTasks, atMax.spotTasks], [3, 8]);
        assert.ok(Math.abs(atMax.dollars - (3 * onDemand + 8 * spot)) < 1e-9);
        assert.strictEqual(monthlyFleetCost(settings, 1).spotTasks, 0);
        assert.match(
            describeMonthlyCost("jobWorker", settings),
            /jobWorker: 256 CPU \/ 512 MiB X86_64: \$\d+\.\d\d at 1 task \(1 on demand, 0 Spot\) \.\. \$\d+\.\d\d at 11 tasks \(3 on demand, 8 Spot\)/,
        );
    });
});
