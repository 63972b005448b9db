// Runs a program's transforms under the mocks as the engine would, so what is recorded (and planned, and judged by the
// policy runner) is what would be deployed. Pulumi's mock monitor does not support transforms: the SDK refuses
// per-resource `transforms` and `registerResourceTransform` with "The Pulumi CLI does not support transforms". With
// this, the monitor keeps the stack transforms the program registers and, before each registration, calls the
// resource's own transforms, then its ancestors', then the stack's, through the program's callback server (the same
// gRPC callbacks the engine invokes), and registers what they return.
import * as grpc from "@grpc/grpc-js";
import { CallbacksClient } from "@pulumi/pulumi/proto/callback_grpc_pb";
import { Callback, CallbackInvokeRequest, CallbackInvokeResponse } from "@pulumi/pulumi/proto/callback_pb";
import { TransformRequest, TransformResourceOptions, TransformResponse } from "@pulumi/pulumi/proto/resource_pb";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";
import * as runtimeState from "@pulumi/pulumi/runtime/state";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** The parts of a RegisterResourceRequest a transform reads and writes (generated gRPC accessors). */
interface TransformableRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): Struct | undefined;
    setObject(value?: Struct): unknown;
    getTransformsList(): Callback[];
    getProtect(): boolean;
    setProtect(value: boolean): unknown;
    getIgnorechangesList(): string[];
    setIgnorechangesList(value: string[]): unknown;
    getDependenciesList(): string[];
    setDependenciesList(value: string[]): unknown;
}

interface RegisterResponse {
    getUrn(): string;
}

type Done<T> = (error: Error | null, response?: T) => void;

interface TransformingMonitor {
    registerResource(request: TransformableRequest, callback: Done<RegisterResponse>): void;
    registerStackTransform?(request: Callback, callback: Done<Empty>): void;
}

function invoke(callback: Callback, request: TransformRequest): Promise<TransformResponse> {
    const client = new CallbacksClient(callback.getTarget(), grpc.credentials.createInsecure());
    const invocation = new CallbackInvokeRequest();
    invocation.setToken(callback.getToken());
    invocation.setRequest(request.serializeBinary());
    return new Promise((resolve, reject) =>
        client.invoke(invocation, (error: grpc.ServiceError | null, response: CallbackInvokeResponse) => {
            client.close();
            if (error) {
                reject(new Error(`a transform of ${request.getType()} ${request.getName()} failed: ${error.details}`));
            } else {
                resolve(TransformResponse.deserializeBinary(response.getResponse_asU8()));
            }
        }),
    );
}

/** Applies `transforms` in order to the request, as the engine does before it registers a resource. */
async function transform(request: TransformableRequest, transforms: Callback[]): Promise<void> {
    for (const callback of transforms) {
        const call = new TransformRequest();
        call.setType(request.getType());
        call.setName(request.getName());
        call.setCustom(request.getCustom());
        call.setParent(request.getParent());
        call.setProperties(request.getObject());
        const options = new TransformResourceOptions();
        options.setProtect(request.getProtect());
        options.setIgnoreChangesList(request.getIgnorechangesList());
        options.setDependsOnList(request.getDependenciesList());
        call.setOptions(options);
        const response = await invoke(callback, call);
        request.setObject(response.getProperties());
        const changed = response.getOptions();
        if (changed) {
            request.setProtect(changed.getProtect() ?? false);
            request.setIgnorechangesList(changed.getIgnoreChangesList());
            request.setDependenciesList(changed.getDependsOnList());
        }
    }
}

/** Teaches the mock monitor installed by `pulumi.runtime.setMocks` to run transforms. Call right after setMocks. */
export function enableTransforms(): void {
    // The store is internal to the SDK, so not in its typings.
    (runtimeState as unknown as { getStore(): { supportsTransforms: boolean } }).getStore().supportsTransforms = true;
    const monitor = runtimeSettings.getMonitor() as unknown as TransformingMonitor;
    const stackTransforms: Callback[] = [];
    const resourceTransforms = new Map<string, Callback[]>();
    const parents = new Map<string, string>();
    monitor.registerStackTransform = (request, callback) => {
        stackTransforms.push(request);
        callback(null, new Empty());
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) => {
        const own = request.getTransformsList();
        const inherited: Callback[] = [];
        for (let parent = request.getParent(); parent; parent = parents.get(parent) ?? "") {
            inherited.push(...(resourceTransforms.get(parent) ?? []));
        }
        transform(request, [...own, ...inherited, ...stackTransforms]).then(
            () =>
                register(request, (error, response) => {
                    if (!error && response) {
                        resourceTransforms.set(response.getUrn(), own);
                        parents.set(response.getUrn(), request.getParent());
                    }
                    callback(error, response);
                }),
            (error: Error) => callback(error),
        );
    };
}
