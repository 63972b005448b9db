// Resources the pack cannot see into fail unless accepted, what it can read inside them is judged, and what a run
// leaves unjudged is listed every time: the component's escape hatches included.
import * as assert from "node:assert/strict";
import { stackLeftUnjudged, stackNoUninspectedResources } from "../../policy/uninspected";
import { StackResource } from "../../scripts/policyEngine";
import { componentStack, container, queueArn, queueUrl, resource, violations } from "./fixtures";

const template = (resources: Record<string, unknown>) => JSON.stringify({ Resources: resources });

const cloudFormation = (name: string, body: string, type = "aws:cloudformation/stack:Stack") =>
    resource(type, name, { name, templateBody: body });

describe("policy stack-no-uninspected-resources", function () {
    this.timeout(30_000);

    it("fails a CloudFormation stack, judging the privileged container and the unencrypted queue its JSON template declares", async () => {
        const stack = cloudFormation(
            "legacy",
            template({
                Jobs: { Type: "AWS::SQS::Queue", Properties: { SqsManagedSseEnabled: false } },
                Task: {
                    Type: "AWS::ECS::TaskDefinition",
                    Properties: {
                        ContainerDefinitions: [
                            {
                                Name: "worker",
                                Image: "w:1",
                                Privileged: true,
                                LogConfiguration: { LogDriver: "awslogs" },
                            },
                        ],
                    },
                },
                Service: {
                    Type: "AWS::ECS::Service",
                    Properties: {
                        EnableExecuteCommand: true,
                        NetworkConfiguration: {
                            AwsvpcConfiguration: { AssignPublicIp: "ENABLED", Subnets: ["subnet-1"] },
                        },
                    },
                },
            }),
        );
        const found = await violations(stackNoUninspectedResources, [stack]);
        assert.match(
            found[0],
            /^legacy: aws:cloudformation\/stack:Stack legacy is a CloudFormation template, .* Accept it by type or name/,
        );
        const inside = found
            .slice(1)
            .map((line) => line.replace(/^legacy: Inside aws:cloudformation\/stack:Stack legacy, /, ""));
        assert.ok(
            inside.some((line) => line.startsWith("AWS::SQS::Queue Jobs: sqs-encrypted: The queue turns SSE-SQS off")),
            inside.join("\n"),
        );
        assert.ok(
            inside.some((line) =>
                line.startsWith(
                    "AWS::ECS::TaskDefinition Task: ecs-task-not-privileged: Container worker: runs privileged",
                ),
            ),
            inside.join("\n"),
        );
        assert.ok(
            inside.some((line) => line.startsWith("AWS::ECS::Service Service: ecs-exec-disabled:")),
            inside.join("\n"),
        );
        assert.ok(
            inside.some((line) => line.startsWith("AWS::ECS::Service Service: ecs-service-no-public-ip:")),
            inside.join("\n"),
        );
    });

    it("still judges what it reads inside an accepted resource, but no longer fails it for being uninspected", async () => {
        const stack = cloudFormation(
            "legacy",
            template({ Jobs: { Type: "AWS::SQS::Queue", Properties: { SqsManagedSseEnabled: false } } }),
        );
        const config = { "stack-no-uninspected-resources": { acceptedUninspected: ["legacy"] } };
        const found = await violations(stackNoUninspectedResources, [stack], { config });
        assert.equal(found.length, 1);
        assert.match(found[0], /Inside .* AWS::SQS::Queue Jobs: sqs-encrypted/);
        const clean = cloudFormation("clean", template({ Jobs: { Type: "AWS::SQS::Queue", Properties: {} } }));
        assert.deepEqual(
            await violations(stackNoUninspectedResources, [clean], {
                config: {
                    "stack-no-uninspected-resources": { acceptedUninspected: ["aws:cloudformation/stack:Stack"] },
                },
            }),
            [],
        );
    });

    it("fails a Cloud Control queue and an aws-native task definition, judging their desired state and properties", async () => {
        const control = resource("aws:cloudcontrol/resource:Resource", "jobs", {
            typeName: "AWS::SQS::Queue",
            desiredState: JSON.stringify({ QueueName: "jobs", SqsManagedSseEnabled: false }),
        });
        const native = resource("aws-native:ecs:TaskDefinition", "api", {
            containerDefinitions: [
                { name: "api", image: "a:1", environment: [{ name: "DB_PASSWORD", value: "hunter2hunter2" }] },
            ],
            ipcMode: "host",
        });
        const found = await violations(stackNoUninspectedResources, [control, native]);
        assert.ok(
            found.some((line) => /^jobs: .*AWS::SQS::Queue jobs: sqs-encrypted/.test(line)),
            found.join("\n"),
        );
        assert.ok(
            found.some((line) =>
                /^api: .*AWS::ECS::TaskDefinition api: ecs-task-no-plaintext-secrets: Container api: environment variable DB_PASSWORD/.test(
                    line,
                ),
            ),
            found.join("\n"),
        );
        assert.ok(
            found.some((line) => /^api: .*ecs-task-no-host-ipc/.test(line)),
            found.join("\n"),
        );
        assert.equal(found.filter((line) => line.includes("Accept it by type or name")).length, 2);
    });

    it("reads a YAML template as CloudFormation does, short forms included, and judges what it declares", async () => {
        const body = [
            "Resources:",
            "  Key:",
            "    Type: AWS::KMS::Key",
            "    Properties: { EnableKeyRotation: false }",
            "  Jobs:",
            "    Type: AWS::SQS::Queue",
            "    Properties:",
            "      SqsManagedSseEnabled: false",
            '      QueueName: !Sub "${AWS::StackName}-jobs"',
            "      RedrivePolicy: { deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5 }",
            "  Task:",
            "    Type: AWS::ECS::TaskDefinition",
            "    Properties:",
            "      ContainerDefinitions:",
            "        - Name: worker",
            '          Image: !Join [":", [worker, !Ref Version]]',
            "          Privileged: true",
            '          User: "1000"',
            "          ReadonlyRootFilesystem: true",
            "          LogConfiguration: { LogDriver: awslogs }",
        ].join("\n");
        const found = await violations(stackNoUninspectedResources, [cloudFormation("legacy", body)]);
        const inside = found.filter((line) => line.startsWith("legacy: Inside "));
        for (const expected of [
            /AWS::SQS::Queue Jobs: sqs-encrypted: The queue turns SSE-SQS off/,
            /AWS::ECS::TaskDefinition Task: ecs-task-not-privileged: Container worker: runs privileged/,
            /AWS::KMS::Key Key: kms-key-rotation-enabled/,
        ]) {
            assert.ok(
                inside.some((line) => expected.test(line)),
                `${expected.source} in:\n${found.join("\n")}`,
            );
        }
        assert.equal(found.filter((line) => line.includes("Accept it by type or name")).length, 1);

        // The same template without the findings: only the stack itself, which stays unaccepted, fails.
        const clean = body
            .replace("EnableKeyRotation: false", "EnableKeyRotation: true")
            .replace("SqsManagedSseEnabled: false", "SqsManagedSseEnabled: true")
            .replace("Privileged: true", "Privileged: false");
        const cleanFound = await violations(stackNoUninspectedResources, [cloudFormation("legacy", clean)]);
        assert.deepEqual(
            cleanFound.map((line) => /Accept it by type or name/.test(line)),
            [true],
            cleanFound.join("\n"),
        );
    });

    it("judges a template as the stack's parameters deploy it, and names the condition a finding depends on", async () => {
        const body = [
            "Parameters:",
            "  Priv: { Type: String, Default: 'false' }",
            "Conditions:",
            "  InHome: !Equals [!Ref 'AWS::Region', us-east-1]",
            "Resources:",
            "  Task:",
            "    Type: AWS::ECS::TaskDefinition",
            "    Properties:",
            "      ContainerDefinitions:",
            "        - Name: worker",
            "          Privileged: !Ref Priv",
            '          User: "1000"',
            "          ReadonlyRootFilesystem: !If [InHome, true, false]",
            "          LogConfiguration: { LogDriver: awslogs }",
        ].join("\n");
        const stack = (parameters: Record<string, string>) =>
            resource("aws:cloudformation/stack:Stack", "legacy", { name: "legacy", templateBody: body, parameters });
        const inside = async (parameters: Record<string, string>) =>
            (await violations(stackNoUninspectedResources, [stack(parameters)]))
                .filter((line) => line.startsWith("legacy: Inside "))
                .map((line) => line.replace(/^legacy: Inside aws:cloudformation\/stack:Stack legacy, /, ""));

        // The default keeps it unprivileged; the root filesystem is writable only where the region is not us-east-1.
        assert.deepEqual(await inside({}), [
            "AWS::ECS::TaskDefinition Task (if InHome false): ecs-task-readonly-root-filesystem: Container worker: " +
                "can write to its root filesystem (readonlyRootFilesystem is not true).",
        ]);
        const privileged = await inside({ Priv: "true" });
        assert.ok(
            privileged.some((line) =>
                line.startsWith(
                    "AWS::ECS::TaskDefinition Task: ecs-task-not-privileged: Container worker: runs privileged",
                ),
            ),
            privileged.join("\n"),
        );
    });

    it("judges a key policy inside a template or an aws-native key as written, not with its keys camel-cased", async () => {
        const open = {
            Version: "2012-10-17",
            Statement: [{ Sid: "Anyone", Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }],
        };
        const accountOnly = {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: "arn:aws:iam::123456789012:root" },
                    Action: "kms:*",
                    Resource: "*",
                },
            ],
        };
        const stack = (keyPolicy: object) => [
            cloudFormation(
                "keys",
                template({
                    Key: { Type: "AWS::KMS::Key", Properties: { EnableKeyRotation: true, KeyPolicy: keyPolicy } },
                }),
            ),
            resource("aws-native:kms:Key", "native-key", { enableKeyRotation: true, keyPolicy }),
        ];
        const keyFindings = async (keyPolicy: object) =>
            (await violations(stackNoUninspectedResources, stack(keyPolicy))).filter((line) =>
                line.includes("kms-key-policy-not-public"),
            );
        const found = await keyFindings(open);
        assert.equal(found.length, 2, found.join("\n"));
        assert.ok(
            found.every((line) => /statement Anyone allows Principal "\*"/.test(line)),
            found.join("\n"),
        );
        assert.deepEqual(await keyFindings(accountOnly), []);
    });

    it("reads what a YAML alias or merge key brings into a resource, which CloudFormation would refuse but a reader could miss", async () => {
        const body = [
            "Metadata:",
            "  Defaults: &defaults { Privileged: true }",
            "Resources:",
            "  Task:",
            "    Type: AWS::ECS::TaskDefinition",
            "    Properties:",
            "      ContainerDefinitions:",
            "        - <<: *defaults",
            "          Name: worker",
        ].join("\n");
        const found = await violations(stackNoUninspectedResources, [cloudFormation("merged", body)]);
        assert.ok(
            found.some((line) => /Task: ecs-task-not-privileged: Container worker: runs privileged/.test(line)),
            found.join("\n"),
        );
    });

    it("fails what it cannot read at all: a template that does not parse, stack set instances, a Batch job, a state machine or schedule that changes governed services", async () => {
        const stack = [
            // A duplicate key: CloudFormation's reading of it is not the pack's to guess.
            cloudFormation("yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Type: AWS::SQS::Queue\n"),
            cloudFormation("json", '{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Type": "AWS::SQS::Queue"}}}'),
            resource("aws:cloudformation/stackSetInstance:StackSetInstance", "everywhere", { stackSetName: "workers" }),
            resource("aws:batch/jobDefinition:JobDefinition", "batch", { type: "container" }),
            resource("aws:sfn/stateMachine:StateMachine", "flow", {
                definition: JSON.stringify({
                    States: { Run: { Type: "Task", Resource: "arn:aws:states:::ecs:runTask.sync" } },
                }),
            }),
            resource("aws:sfn/stateMachine:StateMachine", "harmless", {
                definition: JSON.stringify({ States: { Wait: { Type: "Wait", Seconds: 5 } } }),
            }),
            resource("aws:scheduler/schedule:Schedule", "make-queue", {
                target: { arn: "arn:aws:scheduler:::aws-sdk:sqs:createQueue", roleArn: "r", input: "{}" },
            }),
            resource("aws:scheduler/schedule:Schedule", "read-queue", {
                target: { arn: "arn:aws:scheduler:::aws-sdk:sqs:getQueueAttributes", roleArn: "r", input: "{}" },
            }),
        ];
        const found = await violations(stackNoUninspectedResources, stack);
        assert.deepEqual(
            found.map((line) => line.split(":")[0]),
            ["yaml", "json", "everywhere", "batch", "flow", "make-queue"],
        );
    });

    it("fails a target or pipe whose ECS overrides come from the event, and passes one with a constant input", async () => {
        const ecsTarget = { taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/api:1" };
        const stack = [
            resource("aws:cloudwatch/eventTarget:EventTarget", "passes-event", { ecsTarget, inputPath: "$.detail" }),
            resource("aws:cloudwatch/eventTarget:EventTarget", "templated", {
                ecsTarget,
                inputTransformer: {
                    inputPaths: { role: "$.detail.role" },
                    inputTemplate: '{"taskRoleArn": <role>}',
                },
            }),
            resource("aws:cloudwatch/eventTarget:EventTarget", "constant", {
                ecsTarget,
                input: '{"containerOverrides": []}',
            }),
            resource("aws:pipes/pipe:Pipe", "dynamic", {
                targetParameters: {
                    ecsTaskParameters: {
                        taskDefinitionArn: "api",
                        overrides: { taskRoleArn: "$.body.role" },
                    },
                },
            }),
        ];
        const found = await violations(stackNoUninspectedResources, stack);
        assert.deepEqual(
            found.map((line) => line.split(":")[0]),
            ["passes-event", "templated", "dynamic"],
        );
        assert.match(found[0], /the event chooses the task role, command and environment/);
    });

    it("passes what the component builds, keep-alive schedule included", async () => {
        assert.deepEqual(await violations(stackNoUninspectedResources, await componentStack()), []);
    });
});

describe("policy stack-left-unjudged", function () {
    this.timeout(30_000);

    it("lists nothing for the component on its own", async () => {
        assert.deepEqual(await violations(stackLeftUnjudged, await componentStack()), []);
    });

    it("lists the component's taskDefinitionArn and existingQueue escape hatches, every time", async () => {
        const external = "arn:aws:ecs:eu-west-1:210987654321:task-definition/legacy:7";
        const byArn = await violations(
            stackLeftUnjudged,
            await componentStack({ container: undefined, taskDefinitionArn: external }),
        );
        assert.deepEqual(byArn, [
            "jobs: BackgroundWorker jobs is given taskDefinitionArn: the task definition it runs (containers, roles, secrets) is not judged.",
            `jobs-service: jobs-service runs task definition ${external}, which is not in this stack: its containers, roles and secrets are not judged.`,
        ]);
        const existing = await violations(
            stackLeftUnjudged,
            await componentStack({
                // The queue's region and account: a worker consumes a queue of its own region.
                clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/workers",
                existingQueue: { arn: queueArn("shared"), url: queueUrl("shared") },
            }),
        );
        assert.deepEqual(existing, [
            "jobs: BackgroundWorker jobs is given existingQueue: the queue it consumes (encryption, dead-letter queue, TLS, access) is not judged here.",
            `jobs-task: Container worker of jobs-task consumes ${queueUrl("shared")}, which is no queue of this stack: its encryption, dead-letter queue, TLS and access policies are not judged here.`,
        ]);
    });

    it("lists a hand-built service's outside task definition, a task role outside the stack and an uninspected resource", async () => {
        const stack: StackResource[] = [
            resource("aws:ecs/service:Service", "api", {
                taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/other:3",
            }),
            resource(
                "aws:ecs/taskDefinition:TaskDefinition",
                "own",
                {
                    family: "own",
                    containerDefinitions: JSON.stringify([container()]),
                    taskRoleArn: "arn:aws:iam::123456789012:role/elsewhere",
                },
                { arn: "arn:aws:ecs:us-east-1:123456789012:task-definition/own:1" },
            ),
            resource("aws:ecs/service:Service", "own-service", { taskDefinition: "own:1" }),
            resource("aws:cloudcontrol/resource:Resource", "cc", { typeName: "AWS::S3::Bucket", desiredState: "{}" }),
        ];
        const found = await violations(stackLeftUnjudged, stack);
        assert.deepEqual(
            found.map((line) => line.split(":")[0]),
            ["api", "own", "cc", "own"],
        );
    });
});
