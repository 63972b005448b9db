// The multi-language path. A Python or YAML program's component reaches the plugin as a Construct request: plain JSON
// inputs, enum values as strings, and values taken from other resources as outputs that carry those resources as
// dependencies. The provider server turns the request into inputs (deserializeInputs) and calls the ComponentProvider's
// construct(). This runs the YAML example's resources down that path, under the shared mocks, and checks they build
// exactly what the same arguments build from TypeScript.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { BackgroundWorker, WorkerCluster } from "../components/index";
import { recordResources, RegisteredResource } from "../tooling/mocks";
import { inferSchema, REPO_ROOT, TYPESCRIPT_PROGRAM_TIMEOUT_MS } from "../tooling/schema";
import { constructComponent, dependencyUrns, outputValue, toWire, WireState } from "./support/construct";

interface YamlProgram {
    config: Record<string, { default?: unknown }>;
    resources: Record<string, { type: string; properties: Record<string, unknown> }>;
}

const EXAMPLE: YamlProgram = parse(fs.readFileSync(path.join(REPO_ROOT, "examples/yaml/Pulumi.yaml"), "utf8"));

/** The stack config a user would set for the example; the rest comes from the example's defaults. */
const STACK_CONFIG: Record<string, unknown> = { subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"] };

/** The components as TypeScript users import them. */
const TYPESCRIPT_CLASSES: Record<string, new (name: string, args: never) => pulumi.ComponentResource> = {
    "background-worker:index:BackgroundWorker": BackgroundWorker,
    "background-worker:index:WorkerCluster": WorkerCluster,
};

function configValue(key: string): unknown {
    const value = key in STACK_CONFIG ? STACK_CONFIG[key] : EXAMPLE.config[key]?.default;
    assert.notStrictEqual(value, undefined, `the example's config ${key} needs a value in STACK_CONFIG`);
    return value;
}

/** Replaces each `${config}` and `${resource.output}` in a YAML value; only whole-string references are used. */
function resolve(value: unknown, reference: (resource: string, output: string) => unknown): unknown {
    if (typeof value === "string") {
        const match = /^\$\{([^.}]+)(?:\.([^}]+))?\}$/.exec(value);
        assert.ok(match || !value.includes("${"), `only whole-string references are supported here: ${value}`);
        return match ? (match[2] ? reference(match[1], match[2]) : configValue(match[1])) : value;
    }
    if (Array.isArray(value)) {
        return value.map((item) => resolve(item, reference));
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner, reference)]));
    }
    return value;
}

/** The example's components built by a TypeScript program, with their outputs as the engine would receive them. */
async function typescriptPath(): Promise<{ resources: RegisteredResource[]; states: Record<string, WireState> }> {
    const states: Record<string, WireState> = {};
    const resources = await recordResources(async () => {
        const built: Record<string, pulumi.ComponentResource> = {};
        for (const [name, { type, properties }] of Object.entries(EXAMPLE.resources)) {
            const args = resolve(
                properties,
                (resource, output) => (built[resource] as unknown as Record<string, pulumi.Output<unknown>>)[output],
            );
            built[name] = new TYPESCRIPT_CLASSES[type](name, args as never);
        }
        const schema = await inferSchema();
        for (const [name, component] of Object.entries(built)) {
            const outputs = Object.keys(schema.resources[EXAMPLE.resources[name].type].properties ?? {});
            const fields = component as unknown as Record<string, pulumi.Output<unknown>>;
            states[name] = await toWire(
                component.urn,
                Object.fromEntries(outputs.map((key) => [key, fields[key]])),
                name,
            );
        }
    });
    return { resources, states };
}

/** The same components built through Construct requests, as the engine sends them for a YAML or Python program. */
async function constructPath(): Promise<{
    resources: RegisteredResource[];
    states: Record<string, WireState>;
    outputInputs: { component: string; input: string; dependencies: string[] }[];
}> {
    const states: Record<string, WireState> = {};
    const outputInputs: { component: string; input: string; dependencies: string[] }[] = [];
    const resources = await recordResources(async () => {
        for (const [name, { type, properties }] of Object.entries(EXAMPLE.resources)) {
            const inputs = resolve(properties, (resource, output) =>
                outputValue(states[resource].state[output], {
                    dependencies: [states[resource].urn, ...(states[resource].dependencies[output] ?? [])],
                }),
            ) as Record<string, unknown>;
            const result = await constructComponent(type, name, inputs);
            for (const [input, value] of Object.entries(result.args)) {
                if (pulumi.Output.isInstance(value)) {
                    outputInputs.push({ component: name, input, dependencies: await dependencyUrns(value) });
                }
            }
            states[name] = await toWire(result.urn, result.state, `construct(${type}, ${name})`);
        }
    });
    return { resources, states, outputInputs };
}

const comparable = (resources: RegisteredResource[]) =>
    resources.map(({ type, name, parent, inputs }) => ({ type, name, parent, inputs }));

describe("construct (the path Python, YAML, Go, C# and Java programs take)", () => {
    let typescript: Awaited<ReturnType<typeof typescriptPath>>;
    let construct: Awaited<ReturnType<typeof constructPath>>;

    before(async function () {
        this.timeout(TYPESCRIPT_PROGRAM_TIMEOUT_MS);
        typescript = await typescriptPath();
        construct = await constructPath();
    });

    it("builds exactly the resources TypeScript builds from the same arguments: types, names, parents and inputs", () => {
        assert.ok(typescript.resources.length > 10, "the example builds a cluster and a worker");
        assert.deepStrictEqual(comparable(construct.resources), comparable(typescript.resources));
    });

    it("takes a value from another resource as an Output that carries that resource as a dependency", () => {
        const clusterArn = construct.outputInputs.find(
            (input) => input.component === "job-worker" && input.input === "clusterArn",
        );
        assert.ok(clusterArn, "clusterArn arrived as an Output");
        assert.ok(clusterArn.dependencies.includes(construct.states.workers.urn), "it depends on the WorkerCluster");
        const service = construct.resources.find((resource) => resource.type === "aws:ecs/service:Service");
        assert.ok(
            service?.options.dependsOn.includes(construct.states.workers.urn),
            "the ECS service waits for the cluster",
        );
    });

    it("returns each component's declared outputs, with the values TypeScript gets", () => {
        for (const name of Object.keys(EXAMPLE.resources)) {
            assert.deepStrictEqual(construct.states[name].state, typescript.states[name].state, name);
            assert.strictEqual(construct.states[name].urn, typescript.states[name].urn, name);
        }
    });
});
