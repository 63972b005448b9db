import { ALARM_PURPOSE_TAG, AlarmPurpose } from "../../../contract";
import * as assert from "node:assert/strict";
import { CapacityProvider } from "../../../components/index";
import { MOCK_VPC_ID } from "../../../components/testing";
import {
    CLUSTER_ARN,
    minimalArgs,
    ofType,
    one,
    recordWorker,
    recordWorkerWithComponent,
    valueOf,
} from "../../support/worker";

describe("service: the Fargate service, mostly on Spot", () => {
    it("runs on the default strategy, FARGATE_SPOT 4 to FARGATE 1, never with a launch type", async () => {
        const resources = await recordWorker(minimalArgs());
        const service = one(resources, "aws:ecs/service:Service", "jobs-service");
        assert.deepEqual(service.inputs.capacityProviderStrategies, [
            { capacityProvider: "FARGATE_SPOT", weight: 4, base: 0 },
            { capacityProvider: "FARGATE", weight: 1, base: 0 },
        ]);
        assert.equal(service.inputs.launchType, undefined);
        assert.equal(service.inputs.platformVersion, "LATEST");
    });

    it("takes the user's strategy with weight 1 and base 0 filled in", async () => {
        const resources = await recordWorker(
            minimalArgs({
                capacityProviderStrategy: [
                    { capacityProvider: CapacityProvider.Fargate, base: 2 },
                    { capacityProvider: CapacityProvider.FargateSpot, weight: 3 },
                ],
            }),
        );
        assert.deepEqual(one(resources, "aws:ecs/service:Service", "jobs-service").inputs.capacityProviderStrategies, [
            { capacityProvider: "FARGATE", weight: 1, base: 2 },
            { capacityProvider: "FARGATE_SPOT", weight: 3, base: 0 },
        ]);
    });

    it("can change its strategy in place: forceNewDeployment, which the provider requires for that update", async () => {
        const resources = await recordWorker(minimalArgs());
        assert.equal(one(resources, "aws:ecs/service:Service", "jobs-service").inputs.forceNewDeployment, true);
    });

    it("runs in the given private subnets, without a public IP, on the given cluster and task definition", async () => {
        const resources = await recordWorker(minimalArgs({ securityGroupIds: ["sg-0123456789abcdef0"] }));
        const service = one(resources, "aws:ecs/service:Service", "jobs-service");
        assert.equal(service.inputs.cluster, CLUSTER_ARN);
        assert.equal(
            service.inputs.taskDefinition,
            one(resources, "aws:ecs/taskDefinition:TaskDefinition", "jobs-task").outputs.arn,
        );
        assert.deepEqual(service.inputs.networkConfiguration, {
            subnets: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
            securityGroups: ["sg-0123456789abcdef0"],
            assignPublicIp: false,
        });
        assert.equal(
            ofType(resources, "aws:ec2/securityGroup:SecurityGroup").length,
            0,
            "no security group of its own when given some",
        );
    });

    it("creates an egress-only security group in the subnets' VPC when none is given", async () => {
        const resources = await recordWorker(minimalArgs());
        const group = one(resources, "aws:ec2/securityGroup:SecurityGroup", "jobs-sg");
        assert.equal(group.inputs.vpcId, MOCK_VPC_ID);
        assert.equal(group.inputs.ingress, undefined, "nothing connects to a worker");
        assert.deepEqual(group.inputs.egress, [
            { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] },
        ]);
        const service = one(resources, "aws:ecs/service:Service", "jobs-service");
        assert.match(group.id, /^sg-[0-9a-f]{17}$/);
        assert.deepEqual((service.inputs.networkConfiguration as { securityGroups: string[] }).securityGroups, [
            group.id,
        ]);
    });

    it("assigns a public IP only when asked", async () => {
        const resources = await recordWorker(minimalArgs({ assignPublicIp: true }));
        assert.equal(
            (
                one(resources, "aws:ecs/service:Service", "jobs-service").inputs.networkConfiguration as {
                    assignPublicIp: boolean;
                }
            ).assignPublicIp,
            true,
        );
    });

    it("rolls back failed deployments and never lets a deploy reset the task count autoscaling chose", async () => {
        const resources = await recordWorker(minimalArgs({ scaling: { minTasks: 3, maxTasks: 9 } }));
        const service = one(resources, "aws:ecs/service:Service", "jobs-service");
        assert.deepEqual(service.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
        assert.deepEqual(service.options.ignoreChanges, ["desiredCount"]);
        assert.equal(service.inputs.desiredCount, 3, "starts at minTasks");
        assert.equal(service.inputs.propagateTags, "SERVICE");
    });

    it("reports the service name through the component's output", async () => {
        const { resources, worker } = await recordWorkerWithComponent(minimalArgs());
        assert.equal(
            await valueOf(worker.serviceName),
            one(resources, "aws:ecs/service:Service", "jobs-service").outputs.name,
        );
    });

    it("tags every taggable child with the given tags", async () => {
        const resources = await recordWorker(minimalArgs({ tags: { team: "payments" }, scaling: { minTasks: 0 } }));
        // The provider's Dashboard takes no tags.
        const untaggable = ["aws:scheduler/schedule:Schedule", "aws:cloudwatch/dashboard:Dashboard"];
        const taggable = resources.filter(
            (resource) =>
                resource.custom &&
                !resource.type.includes("Policy") &&
                !resource.type.includes("scheduledAction") &&
                !untaggable.includes(resource.type),
        );
        assert.ok(taggable.length >= 10);
        for (const resource of taggable) {
            const { [ALARM_PURPOSE_TAG]: purpose, ...userTags } = resource.inputs.tags as Record<string, string>;
            assert.deepEqual(userTags, { team: "payments" }, `${resource.type} ${resource.name} is tagged`);
            if (resource.type === "aws:cloudwatch/metricAlarm:MetricAlarm") {
                // The wake-up and burst alarms drive scaling; the dead-letter alarm is for people.
                const expected = resource.name.endsWith("-dlq-not-empty-alarm")
                    ? AlarmPurpose.Operational
                    : AlarmPurpose.Scaling;
                assert.equal(purpose, expected, `${resource.name} says what it is for`);
            } else {
                assert.equal(purpose, undefined, `${resource.type} ${resource.name} carries no alarm-purpose tag`);
            }
        }
    });
});
