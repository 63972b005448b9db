import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { BackgroundWorker, WorkerCluster } from "../../../components/index";
import { recordResources } from "../../../tooling/mocks";
import { one, valueOf } from "../../support/worker";

describe("cluster: the WorkerCluster workers share", () => {
    it("enables Container Insights, which publishes the RunningTaskCount the backlog metric divides by", async () => {
        const resources = await recordResources(
            () => new WorkerCluster("workers", { clusterName: "jobs-cluster", tags: { team: "a" } }),
        );
        const cluster = one(resources, "aws:ecs/cluster:Cluster", "workers");
        assert.deepEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
        assert.equal(cluster.inputs.name, "jobs-cluster");
        assert.deepEqual(cluster.inputs.tags, { team: "a" });
    });

    it("attaches both FARGATE and FARGATE_SPOT to the cluster", async () => {
        const resources = await recordResources(() => new WorkerCluster("workers", {}));
        const cluster = one(resources, "aws:ecs/cluster:Cluster", "workers");
        const providers = one(
            resources,
            "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
            "workers-capacity-providers",
        );
        assert.equal(providers.inputs.clusterName, cluster.outputs.name);
        assert.deepEqual(providers.inputs.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
    });

    it("hands out arn and name only through the capacity-provider association, so services wait for Spot", async () => {
        let workers: WorkerCluster | undefined;
        const resources = await recordResources(() => {
            workers = new WorkerCluster("workers", {});
            new BackgroundWorker("jobs", {
                clusterArn: workers.arn,
                subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"],
                securityGroupIds: ["sg-0aaaaaaaaaaaaaaa1"],
                container: { image: "img" },
            });
        });
        const cluster = one(resources, "aws:ecs/cluster:Cluster", "workers");
        const providers = one(
            resources,
            "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
            "workers-capacity-providers",
        );
        const service = one(resources, "aws:ecs/service:Service", "jobs-service");
        assert.ok(workers);
        assert.equal(await valueOf(workers.arn), cluster.outputs.arn);
        assert.equal(await valueOf(workers.name), cluster.outputs.name);
        assert.ok(
            service.options.dependsOn.includes(providers.urn),
            "the service depends on the capacity-provider association",
        );
        assert.equal(service.inputs.cluster, cluster.outputs.arn);
        const resourcesOfWorker = resources.filter(
            (resource) => resource.type === "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        );
        assert.equal(resourcesOfWorker.length, 1, "the worker never attaches capacity providers itself");
    });

    it("rejects an invalid cluster name, naming clusterName, before anything is registered", async () => {
        let caught: unknown;
        const resources = await recordResources(() => {
            try {
                new WorkerCluster("workers", { clusterName: "has spaces" });
            } catch (error) {
                caught = error;
            }
        });
        assert.ok(pulumi.InputPropertyError.isInstance(caught));
        assert.equal(caught.propertyPath, "clusterName");
        assert.match(caught.reason, /^clusterName must be 1 to 255 letters, digits, - or _; got "has spaces"$/);
        assert.deepEqual(resources, []);
    });
});
