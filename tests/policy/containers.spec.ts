// Container definitions as the AWS provider decodes them (Go's encoding/json: keys match fields case-insensitively,
// under Unicode simple folding, the last match winning), and the new container and launch policies that read them.
import * as assert from "node:assert/strict";
import { goFoldKey } from "../../policy/containers";
import {
    ecsExecDisabled,
    ecsFargateLatestPlatform,
    ecsNoPublicIpAnywhere,
    ecsTaskLogging,
    ecsTaskNoAddedCapabilities,
    ecsTaskNoHostIpc,
    ecsTaskNonRootUser,
    ecsTaskNoPlaintextSecrets,
    ecsTaskNotPrivileged,
    ecsTaskReadonlyRootFilesystem,
} from "../../policy/ecs";
import { StackResource } from "../../scripts/policyEngine";
import { componentStack, container, resource, service, taskDefinition, violations } from "./fixtures";

/** The component's task definition with its container JSON rewritten, as a transform of the component would do. */
async function componentTaskWith(rewrite: (definition: Record<string, unknown>) => Record<string, unknown>) {
    const built = await componentStack();
    const task = built.find((item) => item.type === "aws:ecs/taskDefinition:TaskDefinition") as StackResource;
    const [definition] = JSON.parse(task.inputs.containerDefinitions as string) as Record<string, unknown>[];
    const containerDefinitions = JSON.stringify([rewrite(definition)]);
    return {
        ...task,
        inputs: { ...task.inputs, containerDefinitions },
        outputs: { ...task.outputs, containerDefinitions },
    };
}

describe("container definitions read as the provider decodes them", function () {
    this.timeout(30_000);

    it("folds keys as Go's encoding/json does: case, long s, Kelvin sign and dotless i; not other look-alikes", () => {
        assert.deepEqual(
            ["privileged", "Privileged", "PRIVILEGED", "prıvıleged", "uſer", "linuxParameters", "\u212Aey", "İd"].map(
                goFoldKey,
            ),
            ["PRIVILEGED", "PRIVILEGED", "PRIVILEGED", "PRIVILEGED", "USER", "LINUXPARAMETERS", "KEY", "İD"],
        );
    });

    const spellings: [string, Record<string, unknown>][] = [
        ["Privileged", { Privileged: true }],
        ["PRIVILEGED", { PRIVILEGED: true }],
        ["prıvıleged (dotless i)", { prıvıleged: true }],
        ["a later key in another case overriding privileged: false", { privileged: false, Privileged: true }],
    ];
    for (const [what, keys] of spellings) {
        it(`fails a hand-built privileged container spelt ${what}`, async () => {
            const task = taskDefinition("task", [container({ privileged: undefined, ...keys })]);
            assert.deepEqual(await violations(ecsTaskNotPrivileged, [task]), [
                "task: Container worker: runs privileged (privileged: true).",
            ]);
        });
    }

    it("reads User, uſer, Environment, ReadonlyRootFilesystem and LogConfiguration in any case, hand-built", async () => {
        const task = taskDefinition("task", [
            {
                Name: "worker",
                Image: "worker:1",
                uſer: "root",
                ReadonlyRootFilesystem: false,
                LOGCONFIGURATION: { LogDriver: "awslogs" },
                Environment: [{ Name: "DB_PASSWORD", Value: "hunter2hunter2" }],
            },
        ]);
        assert.deepEqual(await violations(ecsTaskNonRootUser, [task]), [
            "task: Container worker: runs as root (user: root).",
        ]);
        assert.equal((await violations(ecsTaskReadonlyRootFilesystem, [task])).length, 1);
        assert.deepEqual(await violations(ecsTaskLogging, [task]), []);
        assert.equal((await violations(ecsTaskNoPlaintextSecrets, [task])).length, 1);
    });

    it("fails the component's task definition rewritten with keys in another case (as a transform could)", async () => {
        const task = await componentTaskWith((definition) => ({
            ...definition,
            Privileged: true,
            Environment: [{ NAME: "API_TOKEN", VALUE: "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R" }],
            LinuxParameters: { Capabilities: { Add: ["SYS_ADMIN"] } },
        }));
        assert.equal((await violations(ecsTaskNotPrivileged, [task])).length, 1);
        assert.deepEqual(await violations(ecsTaskNoPlaintextSecrets, [task]), [
            "jobs-task: Container worker: environment variable API_TOKEN holds a GitHub token.",
        ]);
        assert.deepEqual(await violations(ecsTaskNoAddedCapabilities, [task]), [
            "jobs-task: Container worker: adds Linux capabilities SYS_ADMIN (linuxParameters.capabilities.add).",
        ]);
    });
});

describe("policy ecs-task-no-plaintext-secrets: commands, log options and overrides", function () {
    this.timeout(30_000);

    it("fails a secret in the component's command and environment", async () => {
        const built = await componentStack({
            container: {
                image: "public.ecr.aws/example/worker:1.0.0",
                command: ["node", "worker.js", "--db-password=Tr0ub4dor3x"],
                environment: { SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
            },
        });
        assert.deepEqual(await violations(ecsTaskNoPlaintextSecrets, built), [
            "jobs-task: Container worker: environment variable SECRET_ACCESS_KEY holds a 40-character key in the shape of an AWS secret access key.",
            "jobs-task: Container worker: its command passes db-password on the command line: it has a secret-sounding name and a literal value that is neither a setting nor a reference to a secret.",
        ]);
    });

    it("fails secrets in a hand-built entry point and log driver options", async () => {
        const task = taskDefinition("task", [
            container({
                entryPoint: ["sh", "-c", "DB_PASSWORD=hunter2 exec ./worker"],
                logConfiguration: {
                    logDriver: "splunk",
                    options: { "splunk-token": "4f9a1c2e-8b7d-6a5f", "splunk-url": "https://splunk.example.com" },
                },
            }),
        ]);
        assert.deepEqual(await violations(ecsTaskNoPlaintextSecrets, [task]), [
            "task: Container worker: log driver option splunk-token has a secret-sounding name and a literal value that is neither a setting nor a reference to a secret.",
            "task: Container worker: its entryPoint passes DB_PASSWORD on the command line: it has a secret-sounding name and a literal value that is neither a setting nor a reference to a secret.",
        ]);
    });

    it("fails secrets injected through an EventBridge target's input, a schedule's and a pipe's overrides", async () => {
        const env = [{ name: "DB_PASSWORD", value: "hunter2hunter2" }];
        const target = resource("aws:cloudwatch/eventTarget:EventTarget", "nightly", {
            rule: "nightly",
            arn: "arn:aws:ecs:us-east-1:123456789012:cluster/workers",
            ecsTarget: { taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/api:1" },
            input: JSON.stringify({ ContainerOverrides: [{ Name: "worker", Environment: env }] }),
        });
        const schedule = resource("aws:scheduler/schedule:Schedule", "hourly", {
            target: {
                arn: "arn:aws:scheduler:::aws-sdk:ecs:runTask",
                roleArn: "arn:aws:iam::123456789012:role/scheduler",
                input: JSON.stringify({
                    Cluster: "workers",
                    TaskDefinition: "api",
                    Overrides: {
                        ContainerOverrides: [{ Name: "worker", Command: ["./run", "--token", "Tr0ub4dor3x"] }],
                    },
                }),
            },
        });
        const pipe = resource("aws:pipes/pipe:Pipe", "feed", {
            source: "arn:aws:sqs:us-east-1:123456789012:orders",
            target: "arn:aws:ecs:us-east-1:123456789012:cluster/workers",
            roleArn: "arn:aws:iam::123456789012:role/pipe",
            targetParameters: {
                ecsTaskParameters: {
                    taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/api:1",
                    overrides: { containerOverrides: [{ name: "worker", environments: env }] },
                },
            },
        });
        assert.deepEqual(await violations(ecsTaskNoPlaintextSecrets, [target, schedule, pipe]), [
            "nightly: The override of container worker (input): environment variable DB_PASSWORD has a secret-sounding name and a literal value that is neither a setting nor a reference to a secret.",
            "hourly: The override of container worker (target): its command passes token on the command line: it has a secret-sounding name and a literal value that is neither a setting nor a reference to a secret.",
            "feed: The override of container worker (targetParameters): environment variable DB_PASSWORD has a secret-sounding name and a literal value that is neither a setting nor a reference to a secret.",
        ]);
    });
});

describe("policy ecs-task-no-added-capabilities", () => {
    it("passes no added capabilities and the allowed ones; fails the rest, CAP_ prefix or not", async () => {
        const task = (add: string[]) =>
            taskDefinition("task", [container({ linuxParameters: { capabilities: { add, drop: ["ALL"] } } })]);
        assert.deepEqual(await violations(ecsTaskNoAddedCapabilities, [task([])]), []);
        assert.deepEqual(await violations(ecsTaskNoAddedCapabilities, [task(["NET_ADMIN", "cap_sys_ptrace"])]), [
            "task: Container worker: adds Linux capabilities NET_ADMIN, cap_sys_ptrace (linuxParameters.capabilities.add).",
        ]);
        const config = { "ecs-task-no-added-capabilities": { allowedCapabilities: ["SYS_PTRACE"] } };
        assert.deepEqual(await violations(ecsTaskNoAddedCapabilities, [task(["CAP_SYS_PTRACE"])], { config }), []);
    });
});

describe("policy ecs-task-no-host-ipc", () => {
    it("fails ipcMode host and passes task or none", async () => {
        const found = await violations(ecsTaskNoHostIpc, [
            taskDefinition("host", [container()], { ipcMode: "host" }),
            taskDefinition("task", [container()], { ipcMode: "task" }),
            taskDefinition("none", [container()]),
        ]);
        assert.deepEqual(found, ["host: The task definition shares the host's IPC namespace (ipcMode: host)."]);
    });
});

describe("policy ecs-exec-disabled", function () {
    this.timeout(30_000);

    it("passes the component's service and fails ECS Exec on services, targets, schedules and pipes", async () => {
        assert.deepEqual(await violations(ecsExecDisabled, await componentStack()), []);
        const found = await violations(ecsExecDisabled, [
            service("api", { enableExecuteCommand: true }),
            resource("aws:cloudwatch/eventTarget:EventTarget", "nightly", {
                ecsTarget: {
                    taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/api:1",
                    enableExecuteCommand: true,
                },
            }),
            resource("aws:scheduler/schedule:Schedule", "hourly", {
                target: { ecsParameters: { taskDefinitionArn: "api", enableExecuteCommand: true } },
            }),
            resource("aws:pipes/pipe:Pipe", "feed", {
                targetParameters: { ecsTaskParameters: { taskDefinitionArn: "api", enableExecuteCommand: true } },
            }),
        ]);
        assert.deepEqual(
            found.map((line) => line.split(":")[0]),
            ["api", "nightly", "hourly", "feed"],
        );
    });

    it("fails ECS Exec turned on for the component's service by a transform", async () => {
        const built = await componentStack();
        const withExec = built.map((item) =>
            item.type === "aws:ecs/service:Service"
                ? { ...item, inputs: { ...item.inputs, enableExecuteCommand: true } }
                : item,
        );
        assert.deepEqual(await violations(ecsExecDisabled, withExec), [
            "jobs-service: The service turns ECS Exec on (enableExecuteCommand: true).",
        ]);
    });
});

describe("policy ecs-fargate-latest-platform on the cluster's default strategy", () => {
    it("judges a pinned version on a service that sets neither a launch type nor a strategy, and not an EC2 service", async () => {
        const found = await violations(ecsFargateLatestPlatform, [
            service("default", { capacityProviderStrategies: undefined, platformVersion: "1.3.0" }),
            service("ec2", { capacityProviderStrategies: undefined, launchType: "EC2", platformVersion: "1.3.0" }),
        ]);
        assert.deepEqual(found, [
            "default: The service pins Fargate platform version 1.3.0 on the cluster's default capacity provider strategy; allowed: LATEST, 1.4.0.",
        ]);
    });
});

describe("policy ecs-no-public-ip-anywhere on pipes", () => {
    it("fails a pipe that starts tasks with a public IP", async () => {
        const pipe = resource("aws:pipes/pipe:Pipe", "feed", {
            targetParameters: {
                ecsTaskParameters: {
                    taskDefinitionArn: "api",
                    networkConfiguration: { awsVpcConfiguration: { assignPublicIp: "ENABLED", subnets: ["subnet-1"] } },
                },
            },
        });
        assert.deepEqual(await violations(ecsNoPublicIpAnywhere, [pipe]), [
            "feed: The EventBridge pipe assigns public IP addresses to the tasks it starts (targetParameters.ecsTaskParameters.networkConfiguration.awsVpcConfiguration.assignPublicIp: true).",
        ]);
    });
});
