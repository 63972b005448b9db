// The one set of Pulumi runtime mocks the project uses: unit tests, the offline plan, the policy runner and the
// multi-language construct test all run on it. Outputs are realistic and distinct per resource (ARNs, URLs and IDs in
// AWS's own formats), so wiring one resource to the wrong other one shows up as a wrong ARN, not as a silent match.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";
import { enableTransforms } from "./mockTransforms";

export const MOCK_ACCOUNT = "123456789012";
export const MOCK_REGION = "us-east-1";
export const MOCK_VPC_ID = "vpc-0a1b2c3d4e5f60718";

/** What one registered resource looked like to the engine: the request the program made and what came back. */
export interface RegisteredResource {
    urn: string;
    /** The provider ID the mocks assigned (empty for components and in preview mode). */
    id: string;
    type: string;
    name: string;
    parent?: string;
    custom: boolean;
    /** Remote (multi-language) components such as awsx's: their children are invisible to mocks. */
    remote: boolean;
    /** What the program passed; values unknown at plan time are undefined. */
    inputs: Record<string, unknown>;
    /** What the mocks returned; in preview mode only the inputs echo back, so computed outputs are absent. */
    outputs: Record<string, unknown>;
    options: {
        protect: boolean;
        retainOnDelete: boolean;
        ignoreChanges: string[];
        dependsOn: string[];
        /** Per input property, the URNs of the resources its value was built from (what the engine records too). */
        propertyDependencies: Record<string, string[]>;
    };
}

/** One container of a registered task definition, as its `containerDefinitions` JSON holds it. */
export interface ContainerDefinition {
    name: string;
    image: string;
    essential: boolean;
    command?: string[];
    environment: { name: string; value: string }[];
    secrets: { name: string; valueFrom: string }[];
    stopTimeout: number;
    privileged: boolean;
    readonlyRootFilesystem: boolean;
    mountPoints: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
    logConfiguration: { logDriver: string; options: Record<string, string> };
}

/** Pulumi's autonaming: the logical name plus a random suffix; here a stable hash so snapshots are deterministic. */
export function autoName(name: string, length = 7): string {
    return `${name}-${crypto.createHash("sha1").update(name).digest("hex").slice(0, length)}`;
}

function hex(seed: string, length: number): string {
    return crypto.createHash("sha256").update(seed).digest("hex").slice(0, length);
}

type State = Record<string, unknown>;

function arn(service: string, resource: string, region = MOCK_REGION): string {
    return `arn:aws:${service}:${region}:${MOCK_ACCOUNT}:${resource}`;
}

/** The provider-computed outputs of each resource type the project creates. */
function computedOutputs(type: string, name: string, inputs: State): { id: string; state: State } {
    const given = (key: string) => (typeof inputs[key] === "string" ? (inputs[key] as string) : undefined);
    switch (type) {
        case "aws:sqs/queue:Queue": {
            const queueName = given("name") ?? (inputs.fifoQueue ? `${autoName(name)}.fifo` : autoName(name));
            const url = `https://sqs.${MOCK_REGION}.amazonaws.com/${MOCK_ACCOUNT}/${queueName}`;
            return { id: url, state: { name: queueName, arn: arn("sqs", queueName), url } };
        }
        case "aws:sqs/queuePolicy:QueuePolicy":
        case "aws:sqs/redrivePolicy:RedrivePolicy":
        case "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy":
            return { id: given("queueUrl") ?? name, state: {} };
        case "aws:ecs/cluster:Cluster": {
            const clusterName = given("name") ?? autoName(name);
            const clusterArn = arn("ecs", `cluster/${clusterName}`);
            return { id: clusterArn, state: { name: clusterName, arn: clusterArn } };
        }
        case "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders":
            return { id: given("clusterName") ?? name, state: {} };
        case "aws:ecs/service:Service": {
            const serviceName = given("name") ?? autoName(name);
            const clusterName = (given("cluster") ?? "cluster/unknown").split("/").pop();
            return { id: arn("ecs", `service/${clusterName}/${serviceName}`), state: { name: serviceName } };
        }
        case "aws:ecs/taskDefinition:TaskDefinition": {
            const family = given("family") ?? name;
            return {
                id: family,
                state: {
                    arn: arn("ecs", `task-definition/${family}:1`),
                    revision: 1,
                    arnWithoutRevision: arn("ecs", `task-definition/${family}`),
                },
            };
        }
        case "aws:iam/role:Role": {
            const roleName = given("name") ?? autoName(name);
            return {
                id: roleName,
                state: {
                    name: roleName,
                    arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${roleName}`,
                    uniqueId: `AROA${hex(name, 17).toUpperCase()}`,
                },
            };
        }
        case "aws:iam/rolePolicy:RolePolicy":
            return { id: `${given("role") ?? "role"}:${autoName(name)}`, state: { name: autoName(name) } };
        case "aws:cloudwatch/logGroup:LogGroup": {
            const groupName = given("name") ?? autoName(name);
            return { id: groupName, state: { name: groupName, arn: arn("logs", `log-group:${groupName}`) } };
        }
        case "aws:ec2/securityGroup:SecurityGroup": {
            const id = `sg-${hex(name, 17)}`;
            return { id, state: { arn: arn("ec2", `security-group/${id}`), name: autoName(name) } };
        }
        case "aws:appautoscaling/target:Target":
            return {
                id: given("resourceId") ?? name,
                state: { arn: arn("application-autoscaling", `scalable-target/0ec${hex(name, 29)}`) },
            };
        case "aws:appautoscaling/policy:Policy": {
            const policyName = given("name") ?? autoName(name);
            return {
                id: policyName,
                state: {
                    name: policyName,
                    arn: arn(
                        "autoscaling",
                        `scalingPolicy:${hex(name, 8)}-${hex(name + "#", 4)}:resource/ecs/${given("resourceId") ?? "service"}:policyName/${policyName}`,
                    ),
                },
            };
        }
        case "aws:appautoscaling/scheduledAction:ScheduledAction": {
            const actionName = given("name") ?? autoName(name);
            return {
                id: actionName,
                state: {
                    arn: arn(
                        "autoscaling",
                        `scheduledAction:${hex(name, 8)}:resource/ecs/${given("resourceId") ?? "service"}:scheduledActionName/${actionName}`,
                    ),
                },
            };
        }
        case "aws:cloudwatch/metricAlarm:MetricAlarm": {
            const alarmName = given("name") ?? autoName(name);
            return { id: alarmName, state: { name: alarmName, arn: arn("cloudwatch", `alarm:${alarmName}`) } };
        }
        case "aws:scheduler/schedule:Schedule": {
            const scheduleName = given("name") ?? autoName(name);
            return {
                id: `default/${scheduleName}`,
                state: { name: scheduleName, arn: arn("scheduler", `schedule/default/${scheduleName}`) },
            };
        }
        case "aws:sns/topic:Topic": {
            const topicName = given("name") ?? (inputs.fifoTopic ? `${autoName(name)}.fifo` : autoName(name));
            return { id: arn("sns", topicName), state: { name: topicName, arn: arn("sns", topicName) } };
        }
        case "aws:sns/topicSubscription:TopicSubscription": {
            const subscriptionArn = `${given("topic") ?? arn("sns", "topic")}:${hex(name, 8)}-${hex(name, 4)}`;
            return { id: subscriptionArn, state: { arn: subscriptionArn } };
        }
        case "aws:cloudwatch/eventRule:EventRule": {
            const ruleName = given("name") ?? autoName(name);
            const bus = given("eventBusName");
            const ruleArn = arn("events", bus && bus !== "default" ? `rule/${bus}/${ruleName}` : `rule/${ruleName}`);
            return { id: `${bus ?? "default"}/${ruleName}`, state: { name: ruleName, arn: ruleArn } };
        }
        case "aws:cloudwatch/eventTarget:EventTarget":
            return { id: `${given("rule") ?? "rule"}-${autoName(name)}`, state: {} };
        case "aws:kms/key:Key": {
            const keyId = `${hex(name, 8)}-${hex(name, 4)}-${hex(name + "k", 4)}-${hex(name + "e", 4)}-${hex(name + "y", 12)}`;
            return { id: keyId, state: { keyId, arn: arn("kms", `key/${keyId}`) } };
        }
        case "awsx:ec2:Vpc":
            // A remote component: its subnets, NAT gateway and routes are created by the awsx plugin and are not
            // visible here; the plan says so. These outputs stand in for what it would return.
            return {
                id: "",
                state: {
                    vpcId: MOCK_VPC_ID,
                    privateSubnetIds: ["subnet-0private0000000a1", "subnet-0private0000000b2"],
                    publicSubnetIds: ["subnet-0public00000000a1", "subnet-0public00000000b2"],
                    isolatedSubnetIds: [],
                },
            };
        default:
            return { id: `${autoName(name)}-id`, state: { arn: arn("mock", `${type}/${name}`) } };
    }
}

/** The provider functions (data sources) the project calls. */
function callResult(token: string, inputs: State): State {
    switch (token) {
        case "aws:ec2/getSubnet:getSubnet":
            return {
                id: inputs.id,
                vpcId: MOCK_VPC_ID,
                cidrBlock: "10.0.128.0/20",
                availabilityZone: `${MOCK_REGION}a`,
            };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/mock`, userId: "AIDAMOCK" };
        case "aws:index/getRegion:getRegion":
            return { name: MOCK_REGION, region: MOCK_REGION, id: MOCK_REGION };
        default:
            throw new Error(`the offline mocks do not implement the call ${token}; add it to scripts/mocks.ts`);
    }
}

/** Pulumi mocks returning realistic outputs. In preview mode computed outputs are left unknown, as in `pulumi preview`. */
export function workerMocks(preview = false): pulumi.runtime.Mocks {
    return {
        newResource(args: pulumi.runtime.MockResourceArgs) {
            const { id, state } = computedOutputs(args.type, args.name, args.inputs);
            return preview ? { id: undefined, state: args.inputs } : { id, state: { ...args.inputs, ...state } };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            return callResult(args.token, args.inputs);
        },
    };
}

const UNKNOWN = rpc.unknownValue;

/** Waits for the SDK's queue of pending registrations to drain (internal to the SDK, so not in its typings). */
function waitForRPCs(): Promise<void> {
    return (runtimeSettings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

function withoutUnknowns(value: unknown): unknown {
    if (value === UNKNOWN) {
        return undefined;
    }
    if (Array.isArray(value)) {
        return value.map(withoutUnknowns);
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withoutUnknowns(inner)]));
    }
    return value;
}

/**
 * A property struct with each resource reference (a Role passed as `role: role`) replaced by what the engine hands
 * policies and providers in its place: the resource's ID, or its URN for a component. Deserialized as is, the SDK
 * would rebuild a live resource object, which no policy could read.
 */
function referencesAsIds(struct: unknown): never {
    const replace = (value: unknown): unknown => {
        if (Array.isArray(value)) {
            return value.map(replace);
        }
        if (value === null || typeof value !== "object") {
            return value;
        }
        const record = value as Record<string, unknown>;
        if (record[rpc.specialSigKey] === rpc.specialResourceSig) {
            return typeof record.id === "string" ? (record.id === "" ? rpc.unknownValue : record.id) : record.urn;
        }
        return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, replace(inner)]));
    };
    const plain = (struct as { toJavaScript(): unknown } | undefined)?.toJavaScript() ?? {};
    return { toJavaScript: () => replace(plain) } as never;
}

/** The parts of a RegisterResourceRequest the recorder reads (generated gRPC getters). */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getRemote(): boolean;
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getIgnorechangesList(): string[];
    getDependenciesList(): string[];
    getPropertydependenciesMap(): {
        forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void;
    };
    getObject(): unknown;
}
interface RegisterResponse {
    getUrn(): string;
    getId(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
type Callback = (error: Error | null, response?: RegisterResponse) => void;
interface Monitor {
    registerResource(request: RegisterRequest, callback: Callback): void;
}

/**
 * Records every registered resource in the order the program asked for them, which is stable from run to run; the
 * engine's replies arrive in whatever order outputs happen to resolve.
 */
export class ResourceRecorder {
    private readonly slots: (RegisteredResource | undefined)[] = [];

    get resources(): RegisteredResource[] {
        return this.slots.filter((resource): resource is RegisteredResource => resource !== undefined);
    }

    /** Wraps the mock monitor installed by setMocks, keeping its behaviour and noting each request and reply. */
    attach(): void {
        const monitor = runtimeSettings.getMonitor() as unknown as Monitor;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (request, callback) => {
            const slot = this.slots.push(undefined) - 1;
            register(request, (error, response) => {
                if (!error && response) {
                    this.slots[slot] = this.record(request, response);
                }
                callback(error, response);
            });
        };
    }

    private record(request: RegisterRequest, response: RegisterResponse): RegisteredResource {
        const inputs = rpc.deserializeProperties(referencesAsIds(request.getObject())) as Record<string, unknown>;
        const outputs = rpc.deserializeProperties(referencesAsIds(response.getObject())) as Record<string, unknown>;
        const propertyDependencies: Record<string, string[]> = {};
        request.getPropertydependenciesMap().forEach((dependencies, property) => {
            propertyDependencies[property] = dependencies.getUrnsList();
        });
        return {
            urn: response.getUrn(),
            id: response.getId(),
            type: request.getType(),
            name: request.getName(),
            parent: request.getParent() || undefined,
            custom: request.getCustom(),
            remote: request.getRemote(),
            inputs: withoutUnknowns(inputs) as Record<string, unknown>,
            outputs: withoutUnknowns(outputs) as Record<string, unknown>,
            options: {
                protect: request.getProtect(),
                retainOnDelete: request.getRetainondelete(),
                ignoreChanges: request.getIgnorechangesList(),
                dependsOn: request.getDependenciesList(),
                propertyDependencies,
            },
        };
    }
}

export interface MockRunOptions {
    project?: string;
    stack?: string;
    preview?: boolean;
    /** Config as `pulumi config` stores it: "project:key" to a string (objects as JSON). */
    config?: Record<string, string>;
}

/**
 * Installs fresh mocks (discarding any earlier run's), runs `program`, waits until every registration has settled and
 * returns what was registered. Errors thrown by the program, or raised while resolving outputs, are rethrown.
 */
export async function recordResources(
    program: () => unknown,
    options: MockRunOptions = {},
): Promise<RegisteredResource[]> {
    const project = options.project ?? "background-worker";
    const stack = options.stack ?? "test";
    await pulumi.runtime.setMocks(workerMocks(options.preview), project, stack, options.preview ?? false);
    enableTransforms();
    pulumi.runtime.setAllConfig(options.config ?? {});
    const recorder = new ResourceRecorder();
    recorder.attach();
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
        await program();
        await waitForRPCs();
        // Outputs resolve on later ticks; wait until registrations stop arriving.
        let seen = -1;
        while (seen !== recorder.resources.length) {
            seen = recorder.resources.length;
            await new Promise((resolve) => setTimeout(resolve, 10));
            await waitForRPCs();
        }
    } finally {
        process.off("unhandledRejection", onRejection);
    }
    if (failures.length > 0) {
        throw failures[0];
    }
    return recorder.resources;
}
