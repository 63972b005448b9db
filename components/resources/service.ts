// The ECS service: private networking, the capacity-provider strategy (mostly Spot), safe deployments.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CapacityProviderSettings } from "../plan/settings";
import { WorkerScope } from "./scope";

/** What the service needs beyond its scope. */
export interface ServiceInputs {
    clusterArn: pulumi.Input<string>;
    taskDefinitionArn: pulumi.Input<string>;
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    assignPublicIp: boolean;
    capacityProviderStrategy: CapacityProviderSettings[];
    /** The task count at creation only; autoscaling owns it afterwards. */
    initialTasks: number;
}

/**
 * A security group for workers: all outbound (queue, image registry, logs, whatever the job calls), no inbound.
 * A worker pulls its work; nothing ever connects to it.
 */
function createEgressOnlySecurityGroup(scope: WorkerScope, inputs: ServiceInputs): aws.ec2.SecurityGroup {
    const firstSubnet = pulumi.output(inputs.subnetIds).apply((ids) => ids[0]);
    const vpcId = aws.ec2.getSubnetOutput({ id: firstSubnet }, { parent: scope.parent }).vpcId;
    return new aws.ec2.SecurityGroup(
        scope.names.securityGroup,
        {
            description: "Background worker tasks: outbound only",
            vpcId,
            egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }],
            tags: scope.tags,
        },
        { parent: scope.parent },
    );
}

/** Creates the service (and its security group when none is given). */
export function createService(scope: WorkerScope, inputs: ServiceInputs): aws.ecs.Service {
    const securityGroups = inputs.securityGroupIds ?? [createEgressOnlySecurityGroup(scope, inputs).id];
    return new aws.ecs.Service(
        scope.names.service,
        {
            cluster: inputs.clusterArn,
            taskDefinition: inputs.taskDefinitionArn,
            desiredCount: inputs.initialTasks,
            // The strategy, never launchType: the two are mutually exclusive and only the strategy can use Spot.
            capacityProviderStrategies: inputs.capacityProviderStrategy.map((item) => ({
                capacityProvider: item.capacityProvider,
                weight: item.weight,
                base: item.base,
            })),
            platformVersion: "LATEST",
            // The AWS provider refuses an in-place change of capacityProviderStrategies without it (older releases replace
            // the service instead): changing the strategy must roll the tasks, not fail or replace the service.
            forceNewDeployment: true,
            networkConfiguration: {
                subnets: inputs.subnetIds,
                securityGroups,
                assignPublicIp: inputs.assignPublicIp,
            },
            // A deployment whose tasks keep failing rolls back by itself instead of leaving the queue unserved.
            deploymentCircuitBreaker: { enable: true, rollback: true },
            deploymentMinimumHealthyPercent: 100,
            deploymentMaximumPercent: 200,
            propagateTags: "SERVICE",
            enableEcsManagedTags: true,
            // At zero tasks a steady state is reached at once; above it, waiting would only slow `pulumi up`.
            waitForSteadyState: false,
            tags: scope.tags,
        },
        {
            parent: scope.parent,
            // Autoscaling owns the task count: a deploy must never reset what it chose.
            ignoreChanges: ["desiredCount"],
        },
    );
}
