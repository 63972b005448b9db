import * as assert from "node:assert/strict";
import {
    ecsClusterContainerInsights,
    ecsFargateLatestPlatform,
    ecsNoPublicIpAnywhere,
    ecsTaskNoHostNetworkOrPid,
    ecsTaskNonRootUser,
    ecsServiceCircuitBreaker,
    ecsServiceNoPublicIp,
    ecsTaskLogging,
    ecsTaskNoPlaintextSecrets,
    ecsTaskNotPrivileged,
    ecsTaskReadonlyRootFilesystem,
    ecsTaskRoleSeparateFromExecutionRole,
} from "../../policy/ecs";
import {
    ACCOUNT,
    componentQueues,
    componentStack,
    container,
    planned,
    resource,
    service,
    taskDefinition,
    undecided,
    violations,
} from "./fixtures";
import { StackResource } from "../../scripts/policyEngine";

const cluster = (settings: unknown) =>
    resource("aws:ecs/cluster:Cluster", "workers", settings === undefined ? {} : { settings });

describe("policy ecs-service-no-public-ip", () => {
    it("passes a service in private subnets", async () => {
        assert.deepEqual(
            await violations(ecsServiceNoPublicIp, [service("job-worker-service", {}, { component: true })]),
            [],
        );
    });

    it("fails a service that assigns public IPs", async () => {
        const found = await violations(ecsServiceNoPublicIp, [
            service("api", { networkConfiguration: { assignPublicIp: true, subnets: ["subnet-0public00000000a1"] } }),
        ]);
        assert.deepEqual(found, [
            "api: The service assigns public IP addresses to its tasks (networkConfiguration.assignPublicIp: true).",
        ]);
    });

    it("decides in preview even when the subnets are not known yet", async () => {
        const plannedService = service("api", { networkConfiguration: { assignPublicIp: true, subnets: undefined } });
        assert.equal((await violations(ecsServiceNoPublicIp, [plannedService], { preview: true })).length, 1);
    });
});

describe("policy ecs-cluster-container-insights", () => {
    it("passes a cluster with Container Insights enabled or enhanced", async () => {
        const enhanced = resource("aws:ecs/cluster:Cluster", "observed", {
            settings: [{ name: "containerInsights", value: "enhanced" }],
        });
        assert.deepEqual(
            await violations(ecsClusterContainerInsights, [
                cluster([{ name: "containerInsights", value: "enabled" }]),
                enhanced,
            ]),
            [],
        );
    });

    it("fails a cluster that leaves Container Insights to the account default", async () => {
        assert.deepEqual(await violations(ecsClusterContainerInsights, [cluster(undefined)]), [
            "workers: The cluster does not set containerInsights, so it follows the account default.",
        ]);
    });

    it("fails a cluster that turns Container Insights off", async () => {
        assert.deepEqual(
            await violations(ecsClusterContainerInsights, [
                cluster([{ name: "containerInsights", value: "disabled" }]),
            ]),
            ['workers: The cluster sets containerInsights to "disabled".'],
        );
    });
});

describe("policy ecs-task-logging", () => {
    it("passes the component's container, which logs to CloudWatch", async () => {
        assert.deepEqual(
            await violations(ecsTaskLogging, [
                taskDefinition("job-worker-task", [container()], {}, { component: true }),
            ]),
            [],
        );
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
        const broken = resource("aws:ecs/taskDefinition:TaskDefinition", "broken", {
            family: "broken",
            containerDefinitions: '{"name":"worker"}',
        });
        assert.deepEqual(await violations(ecsTaskLogging, [broken]), [
            "broken: The task definition's containerDefinitions must be a JSON array of container definitions.",
        ]);
    });

    it("cannot decide in preview when the container definitions embed the queue URL", async () => {
        const [queue] = componentQueues("job-worker").filter((item) => item.name === "job-worker-queue");
        const task = taskDefinition("job-worker-task", [
            container({ environment: [{ name: "QUEUE_URL", value: queue.outputs.url }] }),
        ]);
        const plannedTask = planned([queue, task]).filter((item) => item.name === "job-worker-task");
        assert.deepEqual(await violations(ecsTaskLogging, plannedTask, { preview: true }), []);
        assert.deepEqual(await undecided(ecsTaskLogging, plannedTask), [
            "job-worker-task: the value at job-worker-task.inputs.containerDefinitions is not known until `pulumi up`",
        ]);
    });
});

describe("policy ecs-task-no-plaintext-secrets", () => {
    const withEnvironment = (...environment: { name: string; value: string }[]) =>
        taskDefinition("task", [
            container({
                environment,
                secrets: [
                    { name: "DB_PASSWORD", valueFrom: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf` },
                ],
            }),
        ]);

    it("passes the component's variables and secrets injected from Secrets Manager", async () => {
        const task = withEnvironment(
            { name: "QUEUE_URL", value: "https://sqs.us-east-1.amazonaws.com/123456789012/job-worker-queue" },
            { name: "VISIBILITY_TIMEOUT_SECONDS", value: "300" },
            { name: "STOP_TIMEOUT_SECONDS", value: "120" },
        );
        assert.deepEqual(await violations(ecsTaskNoPlaintextSecrets, [task]), []);
    });

    it("fails AWS credentials in the environment whatever their value", async () => {
        const found = await violations(ecsTaskNoPlaintextSecrets, [
            withEnvironment({ name: "AWS_SECRET_ACCESS_KEY", value: "x" }),
        ]);
        assert.deepEqual(found, [
            "task: Container worker: environment variable AWS_SECRET_ACCESS_KEY holds AWS or ECS agent credentials; the task role provides credentials, never the environment.",
        ]);
    });

    for (const name of [
        "DB_PASSWORD",
        "dbPassword",
        "STRIPE_SECRET",
        "GITHUB_TOKEN",
        "API_KEY",
        "apiKey",
        "SENDGRID_APIKEY",
        "SIGNING_PRIVATE_KEY",
        "SMTP_CREDENTIALS",
    ]) {
        it(`fails the secret-looking name ${name} with a literal value`, async () => {
            const [message] = await violations(ecsTaskNoPlaintextSecrets, [
                withEnvironment({ name, value: "hunter2hunter2" }),
            ]);
            assert.equal(
                message,
                `task: Container worker: environment variable ${name} has a secret-sounding name and a literal value that is neither a setting nor a reference to a secret.`,
            );
        });
    }

    for (const [what, value] of [
        ["an AWS access key ID", "AKIAIOSFODNN7EXAMPLE"],
        ["a URL with a password in it", "postgres://app:s3cret@db.internal:5432/jobs"],
        ["a private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIE..."],
    ]) {
        it(`fails ${what} under an innocent name`, async () => {
            const [message] = await violations(ecsTaskNoPlaintextSecrets, [
                withEnvironment({ name: "DATABASE", value }),
            ]);
            assert.equal(message, `task: Container worker: environment variable DATABASE holds ${what}.`);
        });
    }

    it("in preview, reports the variables it can read and leaves open only one whose value is unknown", async () => {
        const task = taskDefinition(
            "task",
            [
                container({
                    environment: [
                        { name: "QUEUE_URL", value: undefined },
                        { name: "DB_PASS", value: "hunter2" },
                    ],
                }),
            ],
            {},
            { asObjects: true },
        );
        assert.deepEqual(await violations(ecsTaskNoPlaintextSecrets, [task], { preview: true }), [
            "task: Container worker: environment variable DB_PASS has a secret-sounding name and a literal value that is neither a setting nor a reference to a secret.",
        ]);
        assert.equal((await undecided(ecsTaskNoPlaintextSecrets, [task])).length, 1);
    });

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
            "task: Container worker: environment variable TOKEN_BUCKET has a secret-sounding name and a literal value that is neither a setting nor a reference to a secret.",
        ]);
    });
});

describe("policy ecs-task-not-privileged", () => {
    it("passes containers that do not ask for privileges", async () => {
        assert.deepEqual(
            await violations(ecsTaskNotPrivileged, [
                taskDefinition("task", [container(), container({ name: "b", privileged: false })]),
            ]),
            [],
        );
    });

    it("fails a privileged container", async () => {
        assert.deepEqual(
            await violations(ecsTaskNotPrivileged, [taskDefinition("task", [container({ privileged: true })])]),
            ["task: Container worker: runs privileged (privileged: true)."],
        );
    });
});

describe("policy ecs-task-readonly-root-filesystem", () => {
    it("passes a container with a read-only root filesystem", async () => {
        assert.deepEqual(await violations(ecsTaskReadonlyRootFilesystem, [taskDefinition("task", [container()])]), []);
    });

    it("fails a container that leaves its root filesystem writable", async () => {
        const found = await violations(ecsTaskReadonlyRootFilesystem, [
            taskDefinition("task", [container({ readonlyRootFilesystem: undefined })]),
        ]);
        assert.deepEqual(found, [
            "task: Container worker: can write to its root filesystem (readonlyRootFilesystem is not true).",
        ]);
    });
});

describe("policy ecs-task-role-separate-from-execution-role", () => {
    it("passes separate roles, and a task without a task role", async () => {
        const withoutTaskRole = taskDefinition("no-role", [container()], { taskRoleArn: undefined });
        assert.deepEqual(
            await violations(ecsTaskRoleSeparateFromExecutionRole, [
                taskDefinition("task", [container()]),
                withoutTaskRole,
            ]),
            [],
        );
    });

    it("fails one role used for both, however each is spelt (ARN or name)", async () => {
        const role = `arn:aws:iam::${ACCOUNT}:role/worker`;
        assert.deepEqual(
            await violations(ecsTaskRoleSeparateFromExecutionRole, [
                taskDefinition("task", [container()], { taskRoleArn: role, executionRoleArn: role }),
                taskDefinition("mixed", [container()], { taskRoleArn: "worker", executionRoleArn: role }),
            ]),
            [
                "task: The task role and the execution role of task are the same role (role worker).",
                "mixed: The task role and the execution role of mixed are the same role (role worker).",
            ],
        );
    });

    it("decides in preview from what each role ARN was built from", async () => {
        const built = await componentStack({}, true);
        assert.deepEqual(await violations(ecsTaskRoleSeparateFromExecutionRole, built, { preview: true }), []);
        assert.deepEqual(await undecided(ecsTaskRoleSeparateFromExecutionRole, built), []);
    });
});

describe("policy ecs-service-circuit-breaker", () => {
    it("passes the component's service, with the circuit breaker and rollback on", async () => {
        assert.deepEqual(
            await violations(ecsServiceCircuitBreaker, [service("job-worker-service", {}, { component: true })]),
            [],
        );
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
        const blueGreen = service("blue-green", {
            deploymentCircuitBreaker: undefined,
            deploymentController: { type: "CODE_DEPLOY" },
        });
        assert.deepEqual(await violations(ecsServiceCircuitBreaker, [blueGreen]), []);
    });
});

describe("ECS policies against what the component builds", function () {
    this.timeout(30_000);
    let built: StackResource[];
    before(async () => {
        built = await componentStack();
    });

    it("passes ecs-no-public-ip-anywhere, ecs-fargate-latest-platform and ecs-task-no-host-network-or-pid", async () => {
        for (const policy of [ecsNoPublicIpAnywhere, ecsFargateLatestPlatform, ecsTaskNoHostNetworkOrPid]) {
            assert.deepEqual(await violations(policy, built), [], policy.name);
        }
    });

    it("is reported by the advisory ecs-task-non-root-user: the component leaves the user to the image", async () => {
        assert.deepEqual(await violations(ecsTaskNonRootUser, built), [
            "jobs-task: Container worker: sets no user, so it runs as the image's USER (root unless the image sets one).",
        ]);
    });
});

describe("policy ecs-no-public-ip-anywhere", () => {
    const publicNetwork = { assignPublicIp: true, subnets: ["subnet-0public00000000a1"] };
    const privateNetwork = { assignPublicIp: false, subnets: ["subnet-0feed00000000a001"] };
    const starters = (network: Record<string, unknown>) => [
        service("api", { networkConfiguration: network }),
        resource("aws:ecs/taskSet:TaskSet", "canary", {
            service: "api",
            cluster: "workers",
            taskDefinition: "api:3",
            networkConfiguration: network,
        }),
        resource("aws:cloudwatch/eventTarget:EventTarget", "nightly", {
            rule: "nightly",
            arn: "arn:aws:ecs:us-east-1:123456789012:cluster/workers",
            ecsTarget: { taskDefinitionArn: "api:3", networkConfiguration: network },
        }),
        resource("aws:scheduler/schedule:Schedule", "hourly", {
            scheduleExpression: "rate(1 hour)",
            target: {
                arn: "arn:aws:ecs:us-east-1:123456789012:cluster/workers",
                roleArn: "r",
                ecsParameters: { taskDefinitionArn: "api:3", networkConfiguration: network },
            },
        }),
    ];

    it("fails services, task sets, EventBridge targets and Scheduler schedules that assign public IPs", async () => {
        assert.deepEqual(await violations(ecsNoPublicIpAnywhere, starters(publicNetwork)), [
            "api: The service assigns public IP addresses to the tasks it starts (networkConfiguration.assignPublicIp: true).",
            "canary: The task set assigns public IP addresses to the tasks it starts (networkConfiguration.assignPublicIp: true).",
            "nightly: The EventBridge target assigns public IP addresses to the tasks it starts (ecsTarget.networkConfiguration.assignPublicIp: true).",
            "hourly: The EventBridge Scheduler schedule assigns public IP addresses to the tasks it starts (target.ecsParameters.networkConfiguration.assignPublicIp: true).",
        ]);
    });

    it("reads the ENABLED spelling of the ECS API as well as a boolean", async () => {
        assert.equal(
            (
                await violations(ecsNoPublicIpAnywhere, [
                    service("api", { networkConfiguration: { assignPublicIp: "ENABLED", subnets: [] } }),
                ])
            ).length,
            1,
        );
    });

    it("passes them all in private subnets", async () => {
        assert.deepEqual(await violations(ecsNoPublicIpAnywhere, starters(privateNetwork)), []);
    });
});

describe("policy ecs-fargate-latest-platform", () => {
    it("passes a Fargate service on LATEST or without a platform version, and ignores EC2 services", async () => {
        const services = [
            service("latest", { platformVersion: "LATEST" }),
            service("unset"),
            service("ec2", { capacityProviderStrategies: [], launchType: "EC2", platformVersion: "1.3.0" }),
        ];
        assert.deepEqual(await violations(ecsFargateLatestPlatform, services), []);
    });

    it("fails a Fargate service or task set pinned to an old platform version, unless the config allows it", async () => {
        const pinned = [
            service("old", { platformVersion: "1.3.0" }),
            resource("aws:ecs/taskSet:TaskSet", "canary", { launchType: "FARGATE", platformVersion: "1.2.0" }),
        ];
        assert.deepEqual(await violations(ecsFargateLatestPlatform, pinned), [
            "old: The service pins Fargate platform version 1.3.0; allowed: LATEST, 1.4.0.",
            "canary: The task set pins Fargate platform version 1.2.0; allowed: LATEST, 1.4.0.",
        ]);
        const config = {
            "ecs-fargate-latest-platform": { allowedPlatformVersions: ["LATEST", "1.4.0", "1.3.0", "1.2.0"] },
        };
        assert.deepEqual(await violations(ecsFargateLatestPlatform, pinned, { config }), []);
    });
});

describe("policy ecs-task-no-host-network-or-pid", () => {
    it("passes an awsvpc task definition and fails the host's network or process namespace", async () => {
        const tasks = [
            taskDefinition("awsvpc", [container()], { networkMode: "awsvpc", pidMode: "task" }),
            taskDefinition("host-network", [container()], { networkMode: "host" }),
            taskDefinition("host-pid", [container()], { networkMode: "bridge", pidMode: "host" }),
        ];
        assert.deepEqual(await violations(ecsTaskNoHostNetworkOrPid, tasks), [
            "host-network: The task definition shares the host's network (networkMode: host).",
            "host-pid: The task definition shares the host's process namespace (pidMode: host).",
        ]);
    });
});

describe("policy ecs-task-non-root-user", () => {
    it("passes containers with a non-root user, and fails root by name or UID", async () => {
        const task = taskDefinition("task", [
            container({ name: "app", user: "1000:1000" }),
            container({ name: "named", user: "worker" }),
            container({ name: "root", user: "root" }),
            container({ name: "uid", user: "0:0" }),
        ]);
        assert.deepEqual(await violations(ecsTaskNonRootUser, [task]), [
            "task: Container root: runs as root (user: root).",
            "task: Container uid: runs as root (user: 0:0).",
        ]);
    });

    it("does not judge Windows task definitions", async () => {
        const task = taskDefinition("windows", [container()], {
            runtimePlatform: { operatingSystemFamily: "WINDOWS_SERVER_2022_CORE" },
        });
        assert.deepEqual(await violations(ecsTaskNonRootUser, [task]), []);
    });

    it("in preview, judges each container on its own: one whose user is unknown leaves only itself open", async () => {
        const task = taskDefinition(
            "task",
            [container({ name: "known" }), container({ name: "later", user: undefined })],
            {},
            { asObjects: true },
        );
        assert.deepEqual(await violations(ecsTaskNonRootUser, [task], { preview: true }), [
            "task: Container known: sets no user, so it runs as the image's USER (root unless the image sets one).",
        ]);
        assert.equal((await undecided(ecsTaskNonRootUser, [task])).length, 1);
    });
});
