import * as assert from "node:assert/strict";
import { CpuArchitecture } from "../../../components/index";
import { parseClusterArn } from "../../../contract/arns";
import { executionRoleStatements, secretResourceArn, taskFamily } from "../../../components/resources/task";
import { ContainerDefinition } from "../../../tooling/mocks";
import {
    CLUSTER_ARN,
    json,
    minimalArgs,
    ofType,
    one,
    PolicyDocument,
    recordWorker,
    recordWorkerWithComponent,
    valueOf,
} from "../../support/worker";

describe("task: log group, roles and the Fargate task definition", () => {
    it("builds a Fargate task definition with the documented defaults", async () => {
        const resources = await recordWorker(minimalArgs());
        const task = one(resources, "aws:ecs/taskDefinition:TaskDefinition", "jobs-task");
        assert.equal(task.inputs.cpu, "256");
        assert.equal(task.inputs.memory, "512");
        assert.equal(task.inputs.networkMode, "awsvpc");
        assert.deepEqual(task.inputs.requiresCompatibilities, ["FARGATE"]);
        assert.deepEqual(task.inputs.runtimePlatform, { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" });
        const [container] = json<ContainerDefinition[]>(task.inputs.containerDefinitions);
        assert.equal(container.stopTimeout, 120, "the whole Spot warning to drain");
        assert.equal(container.image, "public.ecr.aws/example/worker:1.0.0");
        assert.equal(container.essential, true);
    });

    it("registers the task definition only after both role policies exist, so no task starts without its permissions", async () => {
        const resources = await recordWorker(minimalArgs());
        const task = one(resources, "aws:ecs/taskDefinition:TaskDefinition", "jobs-task");
        for (const policy of ["jobs-execution-policy", "jobs-task-policy"]) {
            assert.ok(
                task.options.dependsOn.includes(one(resources, "aws:iam/rolePolicy:RolePolicy", policy).urn),
                `waits for ${policy}`,
            );
        }
    });

    it("gives the container the queue URLs and timeouts the worker runtime reads, next to the user's variables", async () => {
        const resources = await recordWorker(
            minimalArgs({
                container: { image: "img", environment: { LOG_LEVEL: "debug" }, stopTimeoutSeconds: 90 },
                queue: { visibilityTimeoutSeconds: 600 },
            }),
        );
        const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
        const dlq = one(resources, "aws:sqs/queue:Queue", "jobs-dlq");
        const [container] = json<ContainerDefinition[]>(
            one(resources, "aws:ecs/taskDefinition:TaskDefinition", "jobs-task").inputs.containerDefinitions,
        );
        assert.deepEqual(container.environment, [
            { name: "DEAD_LETTER_QUEUE_URL", value: dlq.outputs.url },
            { name: "LOG_LEVEL", value: "debug" },
            { name: "QUEUE_URL", value: queue.outputs.url },
            { name: "STOP_TIMEOUT_SECONDS", value: "90" },
            { name: "VISIBILITY_TIMEOUT_SECONDS", value: "600" },
        ]);
        assert.equal(container.stopTimeout, 90);
    });

    it("logs to its own log group with the retention asked for, in the cluster's region", async () => {
        const resources = await recordWorker(minimalArgs({ container: { image: "img", logRetentionDays: 90 } }));
        const logGroup = one(resources, "aws:cloudwatch/logGroup:LogGroup", "jobs-logs");
        assert.equal(logGroup.inputs.retentionInDays, 90);
        const [container] = json<ContainerDefinition[]>(
            one(resources, "aws:ecs/taskDefinition:TaskDefinition", "jobs-task").inputs.containerDefinitions,
        );
        assert.equal(container.logConfiguration.logDriver, "awslogs");
        assert.equal(container.logConfiguration.options["awslogs-group"], logGroup.outputs.name);
        assert.equal(container.logConfiguration.options["awslogs-region"], "eu-west-1");
    });

    it("passes cpu, memory, architecture and command through", async () => {
        const resources = await recordWorker(
            minimalArgs({
                container: {
                    image: "img",
                    cpu: 1024,
                    memory: 4096,
                    architecture: CpuArchitecture.ARM64,
                    command: ["node", "worker.js"],
                },
            }),
        );
        const task = one(resources, "aws:ecs/taskDefinition:TaskDefinition", "jobs-task");
        assert.deepEqual([task.inputs.cpu, task.inputs.memory], ["1024", "4096"]);
        assert.deepEqual(task.inputs.runtimePlatform, { operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" });
        assert.deepEqual(json<ContainerDefinition[]>(task.inputs.containerDefinitions)[0].command, [
            "node",
            "worker.js",
        ]);
    });

    it("lets the task role consume only this queue and manage only its own cluster's task protection", async () => {
        const resources = await recordWorker(minimalArgs());
        const queue = one(resources, "aws:sqs/queue:Queue", "jobs-queue");
        const taskRole = one(resources, "aws:iam/role:Role", "jobs-task-role");
        const policy = one(resources, "aws:iam/rolePolicy:RolePolicy", "jobs-task-policy");
        assert.equal(policy.inputs.role, taskRole.outputs.name);
        const document = json<PolicyDocument>(policy.inputs.policy);
        assert.deepEqual(document.Statement, [
            {
                Sid: "ConsumeJobQueue",
                Effect: "Allow",
                Action: [
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes",
                    "sqs:GetQueueUrl",
                ],
                Resource: queue.outputs.arn,
            },
            {
                Sid: "ManageOwnTaskProtection",
                Effect: "Allow",
                Action: ["ecs:UpdateTaskProtection", "ecs:GetTaskProtection"],
                Resource: "arn:aws:ecs:eu-west-1:210987654321:task/workers/*",
            },
        ]);
        const task = one(resources, "aws:ecs/taskDefinition:TaskDefinition", "jobs-task");
        assert.equal(task.inputs.taskRoleArn, taskRole.outputs.arn);
    });

    it("keeps the execution role separate and lets it read exactly the given secrets", async () => {
        const secretArn = "arn:aws:secretsmanager:eu-west-1:210987654321:secret:db-AbCdEf";
        const parameterArn = "arn:aws:ssm:eu-west-1:210987654321:parameter/worker/api-key";
        const resources = await recordWorker(
            minimalArgs({
                container: { image: "img", secrets: { DB_PASSWORD: `${secretArn}:password::`, API_KEY: parameterArn } },
            }),
        );
        const executionRole = one(resources, "aws:iam/role:Role", "jobs-execution-role");
        const taskRole = one(resources, "aws:iam/role:Role", "jobs-task-role");
        assert.notEqual(executionRole.outputs.arn, taskRole.outputs.arn);
        const task = one(resources, "aws:ecs/taskDefinition:TaskDefinition", "jobs-task");
        assert.equal(task.inputs.executionRoleArn, executionRole.outputs.arn);
        const document = json<PolicyDocument>(
            one(resources, "aws:iam/rolePolicy:RolePolicy", "jobs-execution-policy").inputs.policy,
        );
        const bySid = new Map(document.Statement.map((statement) => [statement.Sid, statement]));
        assert.deepEqual(bySid.get("ReadSecrets")?.Resource, [secretArn]);
        assert.deepEqual(bySid.get("ReadParameters")?.Resource, [parameterArn]);
        const logGroup = one(resources, "aws:cloudwatch/logGroup:LogGroup", "jobs-logs");
        assert.equal(bySid.get("WriteLogs")?.Resource, `${logGroup.outputs.arn}:*`);
        const [container] = json<ContainerDefinition[]>(task.inputs.containerDefinitions);
        assert.deepEqual(container.secrets, [
            { name: "API_KEY", valueFrom: parameterArn },
            { name: "DB_PASSWORD", valueFrom: `${secretArn}:password::` },
        ]);
    });

    it("grants no secret access when no secrets are given", () => {
        const statements = executionRoleStatements("arn:aws:logs:us-east-1:123456789012:log-group:g", []);
        assert.deepEqual(
            statements.map((statement) => statement.Sid),
            ["PullImage", "WriteLogs"],
        );
        assert.equal(
            secretResourceArn("arn:aws:secretsmanager:us-east-1:1:secret:x-AbCdEf:key:AWSCURRENT:"),
            "arn:aws:secretsmanager:us-east-1:1:secret:x-AbCdEf",
        );
    });

    it("lets only ECS tasks of the cluster's account assume the roles", async () => {
        const resources = await recordWorker(minimalArgs());
        for (const name of ["jobs-task-role", "jobs-execution-role"]) {
            const document = json<PolicyDocument>(one(resources, "aws:iam/role:Role", name).inputs.assumeRolePolicy);
            assert.deepEqual(document.Statement[0].Principal, { Service: "ecs-tasks.amazonaws.com" });
            assert.deepEqual(document.Statement[0].Condition, {
                StringEquals: { "aws:SourceAccount": "210987654321" },
                ArnLike: { "aws:SourceArn": "arn:aws:ecs:eu-west-1:210987654321:*" },
            });
        }
    });

    it("creates no task, roles or log group when a task definition ARN is given, and runs that one", async () => {
        const taskDefinitionArn = "arn:aws:ecs:eu-west-1:210987654321:task-definition/legacy:7";
        const { resources, worker } = await recordWorkerWithComponent(
            minimalArgs({ container: undefined, taskDefinitionArn }),
        );
        assert.equal(ofType(resources, "aws:ecs/taskDefinition:TaskDefinition").length, 0);
        assert.equal(
            ofType(resources, "aws:iam/role:Role").filter((role) => role.name !== "jobs-keep-active-role").length,
            0,
        );
        assert.equal(ofType(resources, "aws:cloudwatch/logGroup:LogGroup").length, 0);
        assert.equal(
            one(resources, "aws:ecs/service:Service", "jobs-service").inputs.taskDefinition,
            taskDefinitionArn,
        );
        assert.equal(await valueOf(worker.taskDefinitionArn), taskDefinitionArn);
        assert.equal(await valueOf(worker.taskRoleArn), "");
    });

    it("reports the roles, log group and task definition through the component's outputs", async () => {
        const { resources, worker } = await recordWorkerWithComponent(minimalArgs());
        assert.equal(
            await valueOf(worker.taskRoleArn),
            one(resources, "aws:iam/role:Role", "jobs-task-role").outputs.arn,
        );
        assert.equal(
            await valueOf(worker.executionRoleArn),
            one(resources, "aws:iam/role:Role", "jobs-execution-role").outputs.arn,
        );
        assert.equal(
            await valueOf(worker.logGroupName),
            one(resources, "aws:cloudwatch/logGroup:LogGroup", "jobs-logs").outputs.name,
        );
        assert.equal(
            await valueOf(worker.taskDefinitionArn),
            one(resources, "aws:ecs/taskDefinition:TaskDefinition", "jobs-task").outputs.arn,
        );
    });

    it("names the task family after project, stack and worker, so stacks sharing an account never share revisions", async () => {
        const resources = await recordWorker(minimalArgs());
        assert.equal(
            one(resources, "aws:ecs/taskDefinition:TaskDefinition", "jobs-task").inputs.family,
            "background-worker-test-jobs",
        );
        assert.match(taskFamily("a b"), /^[A-Za-z0-9_-]+$/);
    });

    it("rejects a cluster ARN that is not an ECS cluster ARN, naming clusterArn", () => {
        assert.deepEqual(parseClusterArn(CLUSTER_ARN), {
            partition: "aws",
            region: "eu-west-1",
            account: "210987654321",
            clusterName: "workers",
        });
        assert.throws(() => parseClusterArn("workers"), /^Error: clusterArn must be an ECS cluster ARN/);
    });
});
