// The project's mock runs: unit tests, the offline plan, the policy runner and the multi-language construct test all
// run on the mocks the component package ships (components/testing.ts), whose outputs are realistic and distinct per
// resource, so wiring one resource to the wrong other one shows up as a wrong ARN, not as a silent match. This module
// adds what only the project needs: strict calls, the example's awsx VPC, and a recorder of every registration.
import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";
import { awsMocks, mockCallResult, MOCK_VPC_ID } from "../components/testing";
import { enableTransforms } from "./mockTransforms";

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

/**
 * The shipped mocks (@background-worker/pulumi/testing), strict about calls: a data source the project starts to call
 * must be answered there, not silently echoed. The example program's awsx VPC is a remote component whose children
 * the mocks cannot see; these outputs stand in for what it would return.
 */
export function workerMocks(preview = false): pulumi.runtime.Mocks {
    const mocks = awsMocks({ preview });
    return {
        newResource(args: pulumi.runtime.MockResourceArgs) {
            if (args.type === "awsx:ec2:Vpc" && !preview) {
                return { id: "", state: { ...args.inputs, ...AWSX_VPC_OUTPUTS } };
            }
            return mocks.newResource(args);
        },
        call(args: pulumi.runtime.MockCallArgs) {
            const result = mockCallResult(args.token, args.inputs);
            if (result === undefined) {
                throw new Error(
                    `the offline mocks do not implement the call ${args.token}; add it to components/testing.ts`,
                );
            }
            return result;
        },
    };
}

/** What the example program's awsx.ec2.Vpc returns under mocks: its subnets and NAT gateways stay invisible. */
const AWSX_VPC_OUTPUTS = {
    vpcId: MOCK_VPC_ID,
    privateSubnetIds: ["subnet-0feed00000000a001", "subnet-0feed00000000b002"],
    publicSubnetIds: ["subnet-0public00000000a1", "subnet-0public00000000b2"],
    isolatedSubnetIds: [],
};

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
