// The Construct path other languages take, offline: a request of plain JSON as the engine sends it, the provider
// server's deserializeInputs, and the package's ComponentProvider. Shared by the construct and multi-language specs.
import * as pulumi from "@pulumi/pulumi";
import { ConstructRequest } from "@pulumi/pulumi/proto/provider_pb";
import * as providerServer from "@pulumi/pulumi/provider/server";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { componentProvider } from "../../tooling/schema";

/** The resource options the provider server builds from a request that sets none. */
export const REQUEST_OPTIONS: pulumi.ComponentResourceOptions = {
    aliases: [],
    dependsOn: [],
    protect: false,
    providers: {},
    ignoreChanges: [],
    replaceOnChanges: [],
    retainOnDelete: false,
};

/** deserializeInputs is internal to the SDK (not in its typings), like the server that calls it. */
export const { deserializeInputs } = providerServer as unknown as {
    deserializeInputs(
        inputs: Struct | undefined,
        dependencies: ReturnType<ConstructRequest["getInputdependenciesMap"]>,
    ): Promise<pulumi.Inputs>;
};

/** An Output's value; the mocks resolve everything, so it always arrives. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((value) => resolve(value as T)));
}

/** The resources an Output depends on (internal to the SDK, so not in its typings). */
export async function dependencyUrns(output: pulumi.Output<unknown>): Promise<string[]> {
    const resources = await (output as unknown as { allResources(): Promise<Set<pulumi.Resource>> }).allResources();
    return Promise.all([...resources].map((resource) => valueOf(resource.urn)));
}

/** An output value as the engine sends it to a provider that accepts outputs (the SDK's server does). */
export function outputValue(
    value: unknown,
    { dependencies = [], secret = false }: { dependencies?: string[]; secret?: boolean } = {},
): Record<string, unknown> {
    return {
        [rpc.specialSigKey]: rpc.specialOutputValueSig,
        ...(value === undefined ? {} : { value }),
        ...(secret ? { secret: true } : {}),
        dependencies,
    };
}

/** The URNs of every output value in `value`, at any depth. */
function outputDependencies(value: unknown): string[] {
    if (Array.isArray(value)) {
        return value.flatMap(outputDependencies);
    }
    if (value === null || typeof value !== "object") {
        return [];
    }
    const record = value as Record<string, unknown>;
    if (record[rpc.specialSigKey] === rpc.specialOutputValueSig) {
        return (record.dependencies as string[] | undefined) ?? [];
    }
    return Object.values(record).flatMap(outputDependencies);
}

/**
 * A Construct request for `type` named `name` with `inputs` as plain JSON (output values as `outputValue` builds
 * them), and the inputs the provider server deserializes from it: what a component's constructor receives.
 */
export async function constructInputs(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
): Promise<pulumi.Inputs> {
    const request = new ConstructRequest();
    request.setType(type);
    request.setName(name);
    request.setInputs(Struct.fromJavaScript(inputs as never));
    for (const [key, value] of Object.entries(inputs)) {
        const urns = outputDependencies(value);
        if (urns.length > 0) {
            request.getInputdependenciesMap().set(key, new ConstructRequest.PropertyDependencies().setUrnsList(urns));
        }
    }
    return deserializeInputs(request.getInputs(), request.getInputdependenciesMap());
}

/** Sends `inputs` down the Construct path and returns what the provider returns: the URN and the declared outputs. */
export async function constructComponent(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
): Promise<{ args: pulumi.Inputs; urn: pulumi.Input<string>; state: pulumi.Inputs }> {
    const args = await constructInputs(type, name, inputs);
    const result = await componentProvider().construct(name, type, args, REQUEST_OPTIONS);
    return { args, urn: result.urn, state: result.state };
}

/** What a component's state looks like on the wire: values, and the resources each depends on. */
export interface WireState {
    urn: string;
    state: Record<string, unknown>;
    dependencies: Record<string, string[]>;
}

/** Serializes a component's outputs as the provider server sends them back to the engine. */
export async function toWire(urn: pulumi.Input<string>, outputs: pulumi.Inputs, label: string): Promise<WireState> {
    const [state, dependencies] = await rpc.serializeResourceProperties(label, outputs);
    const urns: Record<string, string[]> = {};
    for (const [key, resources] of dependencies) {
        urns[key] = await Promise.all([...resources].map((resource) => valueOf(resource.urn)));
    }
    return { urn: await valueOf(urn), state, dependencies: urns };
}
