// The defaults that satisfy AWS Security Hub's SQS and ECS controls without the user knowing them: one test per
// control, on the smallest worker, so a default that drifts names the control it breaks.
import * as assert from "node:assert/strict";
import { WorkerCluster } from "../../components/index";
import { validateWorkerArgs } from "../../components/validation";
import { ContainerDefinition, recordResources } from "../../tooling/mocks";
import { json, minimalArgs, ofType, one, recordWorker } from "../support/worker";

async function containerAndTask(args = minimalArgs()) {
    const resources = await recordWorker(args);
    const task = one(resources, "aws:ecs/taskDefinition:TaskDefinition", "jobs-task");
    const [container] = json<ContainerDefinition[]>(task.inputs.containerDefinitions);
    return { resources, task, container };
}

describe("hardening: Security Hub SQS and ECS controls by default", () => {
    it("SQS.1: encrypts both queues at rest", async () => {
        const { resources } = await containerAndTask();
        const queues = ofType(resources, "aws:sqs/queue:Queue");
        assert.equal(queues.length, 2);
        assert.ok(queues.every((queue) => queue.inputs.sqsManagedSseEnabled === true));
    });

    it("ECS.2: gives tasks no public IP", async () => {
        const { resources } = await containerAndTask();
        const network = one(resources, "aws:ecs/service:Service", "jobs-service").inputs.networkConfiguration as {
            assignPublicIp: boolean;
        };
        assert.equal(network.assignPublicIp, false);
    });

    it("ECS.4: runs the container unprivileged, said explicitly", async () => {
        const { container } = await containerAndTask();
        assert.equal(container.privileged, false);
    });

    it("ECS.5: mounts the root filesystem read-only with a writable /tmp scratch volume", async () => {
        const { task, container } = await containerAndTask();
        assert.equal(container.readonlyRootFilesystem, true);
        assert.deepEqual(container.mountPoints, [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
        assert.deepEqual(
            task.inputs.volumes,
            [{ name: "tmp" }],
            "a volume without a host path: the task's own storage",
        );
    });

    it("lets an image that must write elsewhere opt out of the read-only root, with no scratch volume then", async () => {
        const { task, container } = await containerAndTask(
            minimalArgs({ container: { image: "worker:1", readonlyRootFilesystem: false } }),
        );
        assert.equal(container.readonlyRootFilesystem, false);
        assert.deepEqual(container.mountPoints, []);
        assert.equal(task.inputs.volumes, undefined);
        assert.equal(container.privileged, false, "never privileged, read-only or not");
    });

    it("rejects a readonlyRootFilesystem that is not a boolean", () => {
        assert.throws(
            () =>
                validateWorkerArgs(
                    minimalArgs({
                        container: { image: "worker:1", readonlyRootFilesystem: "true" as unknown as boolean },
                    }),
                ),
            /container\.readonlyRootFilesystem must be true or false; got "true"/,
        );
    });

    it("ECS.8: rejects AWS and registry credentials in the environment, and points secret-looking values to secrets", () => {
        for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"]) {
            assert.throws(
                () =>
                    validateWorkerArgs(minimalArgs({ container: { image: "worker:1", environment: { [name]: "x" } } })),
                new RegExp(`container\\.environment\\.${name} must not hold`),
                name,
            );
        }
        const warnings = validateWorkerArgs(
            minimalArgs({ container: { image: "worker:1", environment: { STRIPE_API_KEY: "sk_live_x" } } }),
        );
        assert.equal(
            warnings.filter(
                (warning) =>
                    warning.startsWith("container.environment.STRIPE_API_KEY") && warning.includes("container.secrets"),
            ).length,
            1,
        );
    });

    it("ECS.9: sends the container's logs to CloudWatch Logs", async () => {
        const { container } = await containerAndTask();
        assert.equal(container.logConfiguration?.logDriver, "awslogs");
    });

    it("ECS.10: runs on Fargate's LATEST platform version", async () => {
        const { resources } = await containerAndTask();
        assert.equal(one(resources, "aws:ecs/service:Service", "jobs-service").inputs.platformVersion, "LATEST");
    });

    it("ECS.12: turns Container Insights on in the WorkerCluster", async () => {
        const resources = await recordResources(() => new WorkerCluster("workers", {}));
        assert.deepEqual(one(resources, "aws:ecs/cluster:Cluster", "workers").inputs.settings, [
            { name: "containerInsights", value: "enabled" },
        ]);
    });
});
