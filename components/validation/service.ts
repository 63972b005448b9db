// Rules for the ECS service: where its tasks run (cluster, subnets, security groups) and on which capacity.
import { MAX_STRATEGY_BASE, MAX_STRATEGY_WEIGHT } from "../../contract/awsLimits";
import { describe, isObject, Problems } from "./problems";
import { WorkerSettings } from "../plan/settings";
import { BackgroundWorkerArgs, CapacityProvider } from "../types";

export function validateNetwork(args: BackgroundWorkerArgs, settings: WorkerSettings, problems: Problems): void {
    if (args.clusterArn === undefined || args.clusterArn === null || args.clusterArn === "") {
        problems.add("clusterArn", "is required: the ARN of the ECS cluster, for example a WorkerCluster's arn");
    }
    if (args.subnetIds === undefined || args.subnetIds === null) {
        problems.add("subnetIds", "is required: the private subnets the tasks run in");
    } else if (Array.isArray(args.subnetIds) && args.subnetIds.length === 0) {
        problems.add("subnetIds", "must name at least one subnet; got an empty list");
    }
    if (Array.isArray(args.securityGroupIds) && args.securityGroupIds.length === 0) {
        problems.add(
            "securityGroupIds",
            "must name at least one security group when given; omit it to have one created",
        );
    }
    problems.boolean("assignPublicIp", settings.assignPublicIp);
}

export function validateCapacityProviderStrategy(
    args: BackgroundWorkerArgs,
    settings: WorkerSettings,
    problems: Problems,
): void {
    if (args.capacityProviderStrategy === undefined) {
        return;
    }
    if (!Array.isArray(args.capacityProviderStrategy) || args.capacityProviderStrategy.length === 0) {
        problems.add(
            "capacityProviderStrategy",
            "must list at least one capacity provider when given; omit it for the default (FARGATE_SPOT weight 4, FARGATE weight 1)",
        );
        return;
    }
    const seen = new Set<string>();
    let withBase = 0;
    let totalWeight = 0;
    let weightsValid = true;
    const given: unknown[] = args.capacityProviderStrategy;
    settings.capacityProviderStrategy.forEach(({ capacityProvider, weight, base }, index) => {
        const path = `capacityProviderStrategy[${index}]`;
        if (!isObject(given[index])) {
            problems.add(
                path,
                `must be an object with capacityProvider, weight and base; got ${describe(given[index])}`,
            );
            weightsValid = false;
            return;
        }
        if (problems.oneOf(`${path}.capacityProvider`, capacityProvider, Object.values(CapacityProvider))) {
            if (seen.has(capacityProvider)) {
                problems.add(
                    `${path}.capacityProvider`,
                    `must appear only once in the strategy; ${capacityProvider} is listed twice`,
                );
            }
            seen.add(capacityProvider);
        }
        if (problems.integer(`${path}.weight`, weight, 0, MAX_STRATEGY_WEIGHT)) {
            totalWeight += weight;
        } else {
            weightsValid = false;
        }
        if (problems.integer(`${path}.base`, base, 0, MAX_STRATEGY_BASE) && base > 0) {
            withBase += 1;
            if (withBase === 2) {
                problems.add(
                    `${path}.base`,
                    `must be 0: only one capacity provider in a strategy may have a base above 0; got ${base}`,
                );
            }
        }
    });
    if (totalWeight === 0 && weightsValid) {
        problems.add(
            "capacityProviderStrategy",
            "must give at least one capacity provider a weight above 0, or no task beyond the base is ever placed",
        );
    }
}
