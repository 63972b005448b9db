import * as assert from "node:assert/strict";
import {
    ecsClusterContainerInsights,
    ecsServiceCircuitBreaker,
    ecsServiceNoPublicIp,
    ecsTaskLogging,
    ecsTaskNoPlaintextSecrets,
    ecsTaskNotPrivileged,
    ecsTaskReadonlyRootFilesystem,
    ecsTaskRoleSeparateFromExecutionRole,
} from "../../policy/ecs";
import { ACCOUNT, componentQueues, container, planned, resource, service, taskDefinition, undecided, violations } from "./fixtures";

const cluster = (settings: unknown) => resource("aws:ecs/cluster:Cluster", "workers", settings === undefined ? {} : { settings });

describe("policy ecs-service-no-public-ip", () => {
    it("passes a service in private subnets", async () => {
        assert.deepEqual(await violations(ecsServiceNoPublicIp, [service("job-worker-service", {}, { component: true })]), []);
    });

    it("fails a service that assigns public IPs", async () => {
        const found = await violations(ecsServiceNoPublicIp, [service("api", { networkConfiguration: { assignPublicIp: true, subnets: ["subnet-0public00000000a1"] } })]);
        assert.deepEqual(found, ["api: The service assigns public IP addresses to its tasks (networkConfiguration.assignPublicIp: true)."]);
    });

    it("decides in preview even when the subnets are not known yet", async () => {
        const plannedService = service("api", { networkConfiguration: { assignPublicIp: true, subnets: undefined } });
        assert.equal((await violations(ecsServiceNoPublicIp, [plannedService], { preview: true })).length, 1);
    });
});

describe("policy ecs-cluster-container-insights", () => {
    it("passes a cluster with Container Insights enabled or enhanced", async () => {
        const enhanced = resource("aws:ecs/cluster:Cluster", "observed", { settings: [{ name: "containerInsights", value: "enhanced" }] });
        assert.deepEqual(await violations(ecsClusterContainerInsights, [cluster([{ name: "containerInsights", value: "enabled" }]), enhanced]), []);
    });

    it("fails a cluster that leaves Container Insights to the account default", async () => {
        assert.deepEqual(await violations(ecsClusterContainerInsights, [cluster(undefined)]), [
            "workers: The cluster does not set containerInsights, so it follows the account default.",
        ]);
    });

    it("fails a cluster that turns Container Insights off", async () => {
        assert.deepEqual(await violations(ecsClusterContainerInsights, [cluster([{ name: "containerInsights", value: "disabled" }])]), [
            'workers: The cluster sets containerInsights to "disabled".',
        ]);
    });
});

describe("policy ecs-task-logging", () => {
    it("passes the component's container, which logs to CloudWatch", async () => {
        assert.deepEqual(await violations(ecsTaskLogging, [taskDefinition("job-worker-task", [container()], {}, { component: true })]), []);
    });

    it("fails each container without a log driver, in JSON or object container definitions", async () => {
        const sidecar = container({ name: "sidecar", logConfiguration: undefined });
        const asJson = taskDefinition("json-task", [container(), sidecar]);
        const asObjects = taskDefinition("object-task", [container({ logConfiguration: {} })], {}, { asObjects: true });
        assert.deepEqual(await violations(ecsTaskLogging, [asJson, asObjects]), [
            "json-task: Container sidecar: has no logConfiguration.logDriver, so its output is lost.",
            "object-task: Container worker: has no logConfiguration.logDriver, so its output is lost.",
        ]);
    });

    it("fails container definitions that are not a JSON array", async () => {
        const broken = resource("aws:ecs/taskDefinition:TaskDefinition", "broken", { family: "broken", containerDefinitions: '{"name":"worker"}' });
        assert.deepEqual(await violations(ecsTaskLogging, [broken]), [
            "broken: The task definition's containerDefinitions must be a JSON array of container definitions.",
        ]);
    });

    it("cannot decide in preview when the container definitions embed the queue URL", async () => {
        const [queue] = componentQueues("job-worker").filter((item) => item.name === "job-worker-queue");
        const task = taskDefinition("job-worker-task", [container({ environment: [{ name: "QUEUE_URL", value: queue.outputs.url }] })]);
        const plannedTask = planned([queue, task]).filter((item) => item.name === "job-worker-task");
        assert.deepEqual(await violations(ecsTaskLogging, plannedTask, { preview: true }), []);
        assert.deepEqual(await undecided(ecsTaskLogging, plannedTask), [
            "job-worker-task: the value at job-worker-task.inputs.containerDefinitions is not known until `pulumi up`",
        ]);
    });
});

describe("policy ecs-task-no-plaintext-secrets", () => {
    const withEnvironment = (...environment: { name: string; value: string }[]) =>
        taskDefinition("task", [container({ environment, secrets: [{ name: "DB_PASSWORD", valueFrom: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf` }] })]);

    it("passes the component's variables and secrets injected from Secrets Manager", async () => {
        const task = withEnvironment(
            { name: "QUEUE_URL", value: "https://sqs.us-east-1.amazonaws.com/123456789012/job-worker-queue" },
            { name: "VISIBILITY_TIMEOUT_SECONDS", value: "300" },
            { name: "STOP_TIMEOUT_SECONDS", value: "120" },
        );
        assert.deepEqual(await violations(ecsTaskNoPlaintextSecrets, [task]), []);
    });

    it("fails AWS credentials in the environment whatever their value", async () => {
        const found = await violations(ecsTaskNoPlaintextSecrets, [withEnvironment({ name: "AWS_SECRET_ACCESS_KEY", value: "x" })]);
        assert.deepEqual(found, [
            "task: Container worker: environment variable AWS_SECRET_ACCESS_KEY holds AWS or ECS agent credentials; the task role provides credentials, never the environment.",
        ]);
    });

    for (const name of ["DB_PASSWORD", "dbPassword", "STRIPE_SECRET", "GITHUB_TOKEN", "API_KEY", "apiKey", "SENDGRID_APIKEY", "SIGNING_PRIVATE_KEY", "SMTP_CREDENTIALS"]) {
        it(`fails the secret-looking name ${name} with a literal value`, async () => {
            const [message] = await violations(ecsTaskNoPlaintextSecrets, [withEnvironment({ name, value: "hunter2hunter2" })]);
            assert.equal(message, `task: Container worker: environment variable ${name} has a secret-sounding name and a literal value that is not a setting.`);
        });
    }

    for (const [what, value] of [
        ["an AWS access key ID", "AKIAIOSFODNN7EXAMPLE"],
        ["a URL with a password in it", "postgres://app:s3cret@db.internal:5432/jobs"],
        ["a private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIE..."],
    ]) {
        it(`fails ${what} under an innocent name`, async () => {
            const [message] = await violations(ecsTaskNoPlaintextSecrets, [withEnvironment({ name: "DATABASE", value })]);
            assert.equal(message, `task: Container worker: environment variable DATABASE holds ${what}.`);
        });
    }

    it("passes references to secrets, settings about them, empty values and names listed in allowedNames", async () => {
        const task = withEnvironment(
            { name: "DB_SECRET_ARN", value: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf" },
            { name: "TOKEN_URL", value: "https://auth.example.com/oauth/token" },
            { name: "SECRET_NAME", value: "prod/db" },
            { name: "API_KEY", value: "" },
            { name: "TOKEN_BUCKET", value: "orders-bucket" },
        );
        const config = { "ecs-task-no-plaintext-secrets": { allowedNames: ["TOKEN_BUCKET"] } };
        assert.deepEqual(await violations(ecsTaskNoPlaintextSecrets, [task], { config }), []);
        assert.deepEqual(await violations(ecsTaskNoPlaintextSecrets, [task]), [
            "task: Container worker: environment variable TOKEN_BUCKET has a secret-sounding name and a literal value that is not a setting.",
        ]);
    });
});

describe("policy ecs-task-not-privileged", () => {
    it("passes containers that do not ask for privileges", async () => {
        assert.deepEqual(await violations(ecsTaskNotPrivileged, [taskDefinition("task", [container(), container({ name: "b", privileged: false })])]), []);
    });

    it("fails a privileged container", async () => {
        assert.deepEqual(await violations(ecsTaskNotPrivileged, [taskDefinition("task", [container({ privileged: true })])]), [
            "task: Container worker: runs privileged (privileged: true).",
        ]);
    });
});

describe("policy ecs-task-readonly-root-filesystem", () => {
    it("passes a container with a read-only root filesystem", async () => {
        assert.deepEqual(await violations(ecsTaskReadonlyRootFilesystem, [taskDefinition("task", [container()])]), []);
    });

    it("fails a container that leaves its root filesystem writable", async () => {
        const found = await violations(ecsTaskReadonlyRootFilesystem, [taskDefinition("task", [container({ readonlyRootFilesystem: undefined })])]);
        assert.deepEqual(found, ["task: Container worker: can write to its root filesystem (readonlyRootFilesystem is not true)."]);
    });
});

describe("policy ecs-task-role-separate-from-execution-role", () => {
    it("passes separate roles, and a task without a task role", async () => {
        const withoutTaskRole = taskDefinition("no-role", [container()], { taskRoleArn: undefined });
        assert.deepEqual(await violations(ecsTaskRoleSeparateFromExecutionRole, [taskDefinition("task", [container()]), withoutTaskRole]), []);
    });

    it("fails one role used for both", async () => {
        const role = `arn:aws:iam::${ACCOUNT}:role/worker`;
        assert.deepEqual(await violations(ecsTaskRoleSeparateFromExecutionRole, [taskDefinition("task", [container()], { taskRoleArn: role, executionRoleArn: role })]), [
            `task: The task role and the execution role are the same role (${role}).`,
        ]);
    });
});

describe("policy ecs-service-circuit-breaker", () => {
    it("passes the component's service, with the circuit breaker and rollback on", async () => {
        assert.deepEqual(await violations(ecsServiceCircuitBreaker, [service("job-worker-service", {}, { component: true })]), []);
    });

    it("fails a service without the circuit breaker, and one without rollback", async () => {
        const found = await violations(ecsServiceCircuitBreaker, [
            service("bare", { deploymentCircuitBreaker: undefined }),
            service("no-rollback", { deploymentCircuitBreaker: { enable: true, rollback: false } }),
        ]);
        assert.deepEqual(found, [
            "bare: The service deploys without the circuit breaker (deploymentCircuitBreaker.enable is not true).",
            "no-rollback: The circuit breaker stops a failing deployment but does not roll it back (rollback is not true).",
        ]);
    });

    it("does not apply to services deployed by CodeDeploy", async () => {
        const blueGreen = service("blue-green", { deploymentCircuitBreaker: undefined, deploymentController: { type: "CODE_DEPLOY" } });
        assert.deepEqual(await violations(ecsServiceCircuitBreaker, [blueGreen]), []);
    });
});
