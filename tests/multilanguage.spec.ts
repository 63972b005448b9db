// What a Python, Go, C# or YAML program sends that a TypeScript program never does, down the Construct path the
// engine takes for them (tests/support/construct.ts): numbers as doubles or quoted, null for a property left unset or
// as a list item, enum values in another case, empty blocks, secrets wrapped as secret output values, values unknown
// at preview. Each case checks what the component builds or the one error it raises, against the schema SDKs use.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { recordResources, RegisteredResource } from "../tooling/mocks";
import { componentProvider, SCHEMA_PATH, TYPESCRIPT_PROGRAM_TIMEOUT_MS } from "../tooling/schema";
import { constructComponent, outputValue, toWire, WireState } from "./support/construct";
import { describeThrown } from "./support/validation";

const WORKER = "background-worker:index:BackgroundWorker";
const CLUSTER = "background-worker:index:WorkerCluster";
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:1.0.0";
const CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/workers";
const SCHEDULE = { name: "business-hours", schedule: "cron(0 8 ? * MON-FRI *)", minTasks: 2 };

/** The smallest worker a program can declare, plus `extra`. */
function worker(extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        clusterArn: CLUSTER_ARN,
        subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"],
        container: { image: IMAGE, ...container },
        ...extra,
    };
}

interface Built {
    resources: RegisteredResource[];
    state: WireState;
}

/** Constructs one component from a request's inputs under the mocks; in preview, values not yet known stay unknown. */
async function build(inputs: Record<string, unknown>, { type = WORKER, preview = false } = {}): Promise<Built> {
    let state: WireState | undefined;
    const resources = await recordResources(
        async () => {
            const result = await constructComponent(type, "job-worker", inputs);
            state = await toWire(result.urn, result.state, "job-worker");
        },
        { preview },
    );
    assert.ok(state, "the provider returned the component's state");
    return { resources, state };
}

/** Constructs and expects the component to refuse its inputs; returns every problem as [propertyPath, reason]. */
async function refused(inputs: Record<string, unknown>): Promise<[string, string][]> {
    try {
        await build(inputs);
    } catch (error) {
        if (pulumi.InputPropertiesError.isInstance(error)) {
            return error.errors.map((problem) => [problem.propertyPath, problem.reason]);
        }
        assert.ok(pulumi.InputPropertyError.isInstance(error), `expected an input error; got ${describeThrown(error)}`);
        return [[error.propertyPath, error.reason]];
    }
    assert.fail("expected the component to refuse the inputs; it accepted them");
}

/** Expects exactly one problem, at `propertyPath`, whose reason mentions each of `mentions`. */
async function refusedAt(inputs: Record<string, unknown>, propertyPath: string, ...mentions: string[]): Promise<void> {
    const problems = await refused(inputs);
    assert.deepEqual(
        problems.map(([path]) => path),
        [propertyPath],
        `problems: ${JSON.stringify(problems)}`,
    );
    const [, reason] = problems[0];
    assert.ok(reason.startsWith(`${propertyPath} `), `the reason starts with the path: ${reason}`);
    for (const mention of mentions) {
        assert.ok(reason.includes(mention), `the reason mentions ${JSON.stringify(mention)}: ${reason}`);
    }
}

/**
 * The children each registered, by type and name (their order follows how fast outputs resolve), and their inputs. The
 * component's own inputs are what the program gave, so an empty block or a null shows there: only its name counts.
 */
const comparable = (type: string, resources: RegisteredResource[]) =>
    resources
        .map(({ type: child, name, parent, inputs }) => ({
            type: child,
            name,
            parent,
            inputs: child === type ? {} : inputs,
        }))
        .sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));

/** Builds both and expects the same children, with the same names, parents and inputs, and the same outputs. */
async function assertSameAs(inputs: Record<string, unknown>, expected: Record<string, unknown>, type = WORKER) {
    const [given, reference] = [await build(inputs, { type }), await build(expected, { type })];
    assert.deepEqual(comparable(type, given.resources), comparable(type, reference.resources));
    assert.deepEqual(given.state.state, reference.state.state);
}

function resource(built: Built, type: string): RegisteredResource {
    const found = built.resources.find((registered) => registered.type === type);
    assert.ok(found, `${type} is registered`);
    return found;
}

const isSecret = (value: unknown) => rpc.isRpcSecret(value);

describe("the Construct path with what other languages send", () => {
    before(async function () {
        // The provider infers the schema (a TypeScript program) before it returns its first component's outputs.
        this.timeout(TYPESCRIPT_PROGRAM_TIMEOUT_MS);
        await componentProvider().getSchema();
    });

    describe("numbers", () => {
        it("takes a whole number sent as a double (512.0 from Python or YAML) as that number", async () => {
            const built = await build(worker({ scaling: { maxTasks: 4.0 } }, { cpu: 512.0, memory: 1024.0 }));
            const task = resource(built, "aws:ecs/taskDefinition:TaskDefinition");
            assert.equal(task.inputs.cpu, "512");
            assert.equal(task.inputs.memory, "1024");
            assert.equal(resource(built, "aws:appautoscaling/target:Target").inputs.maxCapacity, 4);
        });

        it("refuses a fraction (10.5) for a whole number, naming the property and its range", async () => {
            await refusedAt(
                worker({ scaling: { maxTasks: 10.5 } }),
                "scaling.maxTasks",
                "whole number between 1 and 5000",
                "got 10.5",
            );
        });

        it('refuses a number given as a string ("10", as YAML config interpolates it) and says to drop the quotes', async () => {
            await refusedAt(
                worker({ scaling: { maxTasks: "10" } }),
                "scaling.maxTasks",
                "between 1 and 5000",
                'got "10"',
                "without quotes",
            );
            await refusedAt(worker({}, { cpu: "512" }), "container.cpu", "one of 256, 512", "without quotes");
        });
    });

    describe("null and empty values", () => {
        it("builds for null in every optional property, at every level, exactly what leaving them out builds", async () => {
            await assertSameAs(
                {
                    ...worker(
                        {
                            securityGroupIds: null,
                            assignPublicIp: null,
                            taskDefinitionArn: null,
                            queue: { kmsMasterKeyId: null, maxMessageSizeBytes: null, fifo: null },
                            existingQueue: null,
                            sources: null,
                            alarms: { maxMessageAgeSeconds: null, queueDepthThreshold: null, actionArns: null },
                            capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: null, base: null }],
                            scaling: {
                                minTasks: null,
                                targetBacklogPerTask: null,
                                acceptableLatencySeconds: null,
                                averageProcessingSeconds: null,
                                schedules: [{ ...SCHEDULE, maxTasks: null, timezone: null }],
                            },
                            dashboard: null,
                            tags: null,
                        },
                        { cpu: null, command: null, environment: null, secrets: null, architecture: null },
                    ),
                },
                worker({
                    queue: {},
                    alarms: {},
                    capacityProviderStrategy: [{ capacityProvider: "FARGATE" }],
                    scaling: { schedules: [SCHEDULE] },
                }),
            );
        });

        it("builds for null blocks and null event-rule and existing-queue fields what leaving them out builds", async () => {
            const rule = { name: "uploads", eventPattern: '{"source":["aws.s3"]}' };
            await assertSameAs(
                worker({
                    queue: null,
                    scaling: null,
                    alarms: null,
                    capacityProviderStrategy: null,
                    sources: {
                        snsTopicArns: null,
                        snsFilterPolicy: null,
                        eventRules: [{ ...rule, eventBusName: null, messageGroupId: null }],
                    },
                }),
                worker({ sources: { eventRules: [rule] } }),
            );
            const queue = {
                arn: "arn:aws:sqs:us-east-1:123456789012:orders",
                url: "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
            };
            await assertSameAs(
                worker({
                    existingQueue: { ...queue, deadLetterQueueArn: null, deadLetterQueueUrl: null },
                    sources: null,
                }),
                worker({ existingQueue: queue }),
            );
            await assertSameAs({ clusterName: null, tags: null }, {}, CLUSTER);
        });

        it("builds for empty blocks ({}) what leaving them out builds", async () => {
            await assertSameAs(worker({ queue: {}, scaling: {}, alarms: {}, sources: {} }), worker());
        });

        it("refuses null list items and map values, and a number for an environment variable, all in one error with their positions", async () => {
            const problems = await refused(
                worker(
                    {
                        subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", null],
                        securityGroupIds: [null],
                        capacityProviderStrategy: [null],
                        tags: { team: null },
                    },
                    { environment: { LOG_LEVEL: null, PORT: 8080 } },
                ),
            );
            assert.deepEqual(
                problems.map(([path]) => path),
                [
                    "subnetIds[1]",
                    "securityGroupIds[0]",
                    "container.environment.LOG_LEVEL",
                    "container.environment.PORT",
                    "capacityProviderStrategy[0]",
                    "tags.team",
                ],
            );
            const reasons = Object.fromEntries(problems);
            assert.match(reasons["subnetIds[1]"], /must be a subnet ID .*; got null$/);
            assert.match(reasons["container.environment.PORT"], /must be a string.*; got 8080$/);
            assert.match(
                reasons["capacityProviderStrategy[0]"],
                /must be an object with capacityProvider, weight and base; got null$/,
            );
            assert.match(reasons["tags.team"], /must be a string.*; got null$/);
        });

        it("refuses an empty container or existing queue, naming each required property", async () => {
            await refusedAt(worker({ container: {} }), "container.image", "is required");
            const problems = await refused(worker({ existingQueue: {} }));
            assert.deepEqual(
                problems.map(([path]) => path),
                ["existingQueue.arn", "existingQueue.url"],
            );
        });
    });

    describe("enums", () => {
        it("takes an enum value as the string the SDKs send", async () => {
            const built = await build(
                worker({ capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT" }] }, { architecture: "ARM64" }),
            );
            assert.deepEqual(resource(built, "aws:ecs/service:Service").inputs.capacityProviderStrategies, [
                { capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 },
            ]);
            assert.deepEqual(resource(built, "aws:ecs/taskDefinition:TaskDefinition").inputs.runtimePlatform, {
                operatingSystemFamily: "LINUX",
                cpuArchitecture: "ARM64",
            });
        });

        it("refuses a value in another case and names the value to write", async () => {
            await refusedAt(
                worker({ capacityProviderStrategy: [{ capacityProvider: "fargate_spot" }] }),
                "capacityProviderStrategy[0].capacityProvider",
                "one of FARGATE, FARGATE_SPOT",
                "case-sensitive: write FARGATE_SPOT",
            );
            await refusedAt(worker({}, { architecture: "arm64" }), "container.architecture", "write ARM64");
        });

        it("refuses an unknown value, listing the valid ones", async () => {
            await refusedAt(
                worker({ capacityProviderStrategy: [{ capacityProvider: "EC2" }] }),
                "capacityProviderStrategy[0].capacityProvider",
                'one of FARGATE, FARGATE_SPOT; got "EC2"',
            );
        });
    });

    describe("secrets", () => {
        const PASSWORD_HOST = "db-primary.internal.example.com";

        /** Every registered input and returned output that holds `text` in plain view, by where it is. */
        function plainCopies(built: Built, text: string): string[] {
            const found: string[] = [];
            for (const registered of built.resources) {
                for (const [key, value] of Object.entries(registered.inputs)) {
                    if (!isSecret(value) && JSON.stringify(value)?.includes(text)) {
                        found.push(`${registered.type} ${registered.name} ${key}`);
                    }
                }
            }
            for (const [key, value] of Object.entries(built.state.state)) {
                if (!isSecret(value) && JSON.stringify(value)?.includes(text)) {
                    found.push(`output ${key}`);
                }
            }
            return found;
        }

        it("keeps a secret image and a secret environment variable secret in the task definition, and nowhere in plain view", async () => {
            const built = await build(
                worker(
                    {},
                    {
                        image: outputValue(IMAGE, { secret: true }),
                        environment: { DB_HOST: outputValue(PASSWORD_HOST, { secret: true }) },
                    },
                ),
            );
            const definitions = resource(built, "aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions;
            assert.ok(isSecret(definitions), "containerDefinitions is registered as a secret");
            const [container] = JSON.parse((definitions as { value: string }).value) as {
                image: string;
                environment: { name: string; value: string }[];
            }[];
            assert.equal(container.image, IMAGE);
            assert.ok(container.environment.some(({ name, value }) => name === "DB_HOST" && value === PASSWORD_HOST));
            assert.deepEqual(plainCopies(built, PASSWORD_HOST), []);
            assert.deepEqual(plainCopies(built, IMAGE), []);
        });

        it("keeps a secret reference (the cluster ARN) secret where it is used", async () => {
            const built = await build(worker({ clusterArn: outputValue(CLUSTER_ARN, { secret: true }) }));
            assert.ok(isSecret(resource(built, "aws:ecs/service:Service").inputs.cluster));
            assert.deepEqual(plainCopies(built, CLUSTER_ARN), []);
        });
    });

    describe("values unknown at preview", () => {
        const unknown = () => outputValue(undefined);

        it("constructs when every reference is unknown, as an output value or as the bare placeholder", async () => {
            const built = await build(
                worker(
                    {
                        clusterArn: unknown(),
                        subnetIds: [unknown(), rpc.unknownValue],
                        securityGroupIds: [rpc.unknownValue],
                        queue: { kmsMasterKeyId: unknown() },
                        sources: { snsTopicArns: [unknown()] },
                        alarms: { actionArns: [unknown()] },
                        tags: { team: rpc.unknownValue },
                    },
                    { image: rpc.unknownValue, secrets: { DB_PASSWORD: unknown() } },
                ),
                { preview: true },
            );
            assert.ok(resource(built, "aws:ecs/service:Service"));
            assert.ok(resource(built, "aws:sns/topicSubscription:TopicSubscription"));
            const existing = await build(
                worker({ existingQueue: { arn: unknown(), url: rpc.unknownValue } }, { image: unknown() }),
                { preview: true },
            );
            assert.ok(!existing.resources.some((registered) => registered.type === "aws:sqs/queue:Queue"));
        });

        it("refuses an Output for a plain setting, which must be known when the component is constructed", async () => {
            await refusedAt(
                worker({ scaling: { maxTasks: unknown() } }),
                "scaling.maxTasks",
                "plain value known before deployment",
            );
        });
    });

    describe("outputs", () => {
        const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8")) as PackageSpec;

        /** Every output the schema declares for `type`, present in the state with the schema's type. */
        function assertDeclaredOutputs(type: string, state: Record<string, unknown>): void {
            const declared = schema.resources[type].properties ?? {};
            assert.deepEqual(Object.keys(state).sort(), Object.keys(declared).sort());
            for (const [name, property] of Object.entries(declared)) {
                assert.equal(typeof state[name], (property as { type?: string }).type, `${type} output ${name}`);
            }
            for (const name of schema.resources[type].required ?? []) {
                assert.ok(name in state, `${type} returns its required output ${name}`);
            }
        }

        it("returns every output the schema declares, with its type, whatever the worker is given", async () => {
            assertDeclaredOutputs(WORKER, (await build(worker())).state.state);
            const taskDefinitionArn = "arn:aws:ecs:us-east-1:123456789012:task-definition/jobs:3";
            const bringYourOwn = await build({
                clusterArn: CLUSTER_ARN,
                subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"],
                taskDefinitionArn,
                existingQueue: {
                    arn: "arn:aws:sqs:us-east-1:123456789012:orders",
                    url: "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
                },
                dashboard: false,
                scaling: { targetBacklogPerTask: 2.5 },
            });
            assertDeclaredOutputs(WORKER, bringYourOwn.state.state);
            assert.equal(bringYourOwn.state.state.taskRoleArn, "");
            assert.equal(bringYourOwn.state.state.targetBacklogPerTask, 2.5);
            assertDeclaredOutputs(CLUSTER, (await build({}, { type: CLUSTER })).state.state);
        });
    });
});
