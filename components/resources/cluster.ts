// The cluster workers share: Container Insights on (the backlog metric divides by its RunningTaskCount) and both
// Fargate capacity providers attached.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clusterChildNames } from "../plan/names";
import { CapacityProvider, WorkerClusterArgs } from "../types";
import { validateClusterArgs } from "../validation";

/**
 * An ECS cluster for background workers, with Container Insights enabled and FARGATE and FARGATE_SPOT attached.
 * Several BackgroundWorkers share one; a worker never attaches capacity providers itself, since a cluster has a
 * single set and two owners would overwrite each other.
 */
export class WorkerCluster extends pulumi.ComponentResource {
    /** The cluster's ARN; resolves only once both capacity providers are attached, so a service created from it can use Spot. */
    public readonly arn: pulumi.Output<string>;
    /** The cluster's name; resolves only once both capacity providers are attached. */
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: WorkerClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        validateClusterArgs(args ?? {});
        super("background-worker:index:WorkerCluster", name, args, opts);
        const names = clusterChildNames(name);

        const cluster = new aws.ecs.Cluster(
            names.cluster,
            {
                name: args?.clusterName,
                // RunningTaskCount, the denominator of backlog per task, exists only with Container Insights.
                settings: [{ name: "containerInsights", value: "enabled" }],
                tags: args?.tags,
            },
            { parent: this },
        );

        const providers = new aws.ecs.ClusterCapacityProviders(
            names.capacityProviders,
            {
                clusterName: cluster.name,
                capacityProviders: [CapacityProvider.Fargate, CapacityProvider.FargateSpot],
            },
            { parent: this },
        );

        // Derived through the association: anything using these waits until FARGATE_SPOT is attached.
        this.name = providers.clusterName;
        this.arn = pulumi.all([cluster.arn, providers.clusterName]).apply(([arn]) => arn);
        this.registerOutputs({ arn: this.arn, name: this.name });
    }
}
