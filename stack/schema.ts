// The component's argument surface at run time. TypeScript's types are gone once the program runs, so the stack
// config reader derives what it accepts from the schema.json the component package ships (generated from those types
// by `npm run schema`): a new argument is known to the reader as soon as the schema has it.
import * as fs from "fs";
import { ComplexType, PackageSpec, Property, Type } from "@pulumi/pulumi/provider/experimental/schema";

/** Where the component package's schema lives: the one place that knows. It is read from the installed package. */
const COMPONENT_SCHEMA_PATH = require.resolve("@background-worker/pulumi/schema.json");

/** The BackgroundWorker component's token in the schema. */
const WORKER_TOKEN = "background-worker:index:BackgroundWorker";

/** What a config value must look like, resolved from the schema's types and references. */
export type Shape =
    | { kind: "string" | "number" | "boolean" }
    | { kind: "enum"; values: readonly string[] }
    | { kind: "list"; item: Shape }
    | { kind: "map"; value: Shape }
    | { kind: "object"; properties: Readonly<Record<string, Shape>>; required: readonly string[] };

export function readComponentSchema(file = COMPONENT_SCHEMA_PATH): PackageSpec {
    return JSON.parse(fs.readFileSync(file, "utf8")) as PackageSpec;
}

/** The shape of a schema type, following `#/types/...` references into `schema.types`. */
function shapeOf(type: Type, schema: PackageSpec): Shape {
    if ("$ref" in type) {
        const token = type.$ref.replace(/^#\/types\//, "");
        const referenced = schema.types[token] as ComplexType | undefined;
        if (!referenced) {
            throw new Error(`the component schema refers to ${type.$ref}, which it does not define`);
        }
        if (referenced.enum) {
            return { kind: "enum", values: referenced.enum.map((member) => String(member.value)) };
        }
        return objectShape(referenced.properties ?? {}, referenced.required ?? [], schema);
    }
    switch (type.type) {
        case "string":
        case "boolean":
            return { kind: type.type };
        case "number":
        case "integer":
            return { kind: "number" };
        case "array":
            return { kind: "list", item: shapeOf(type.items ?? { type: "string" }, schema) };
        case "object":
            return { kind: "map", value: shapeOf(type.additionalProperties ?? { type: "string" }, schema) };
    }
}

function objectShape(properties: Record<string, Property>, required: readonly string[], schema: PackageSpec): Shape {
    return {
        kind: "object",
        properties: Object.fromEntries(
            Object.entries(properties).map(([name, property]) => [name, shapeOf(property, schema)]),
        ),
        required,
    };
}

/**
 * The shape of each BackgroundWorker input, in the schema's order, except those in `omit` (what the program wires
 * itself); the component's required inputs are among those.
 */
export function workerInputShapes(schema: PackageSpec, omit: readonly string[]): Record<string, Shape> {
    const worker = schema.resources[WORKER_TOKEN];
    if (!worker) {
        throw new Error(`the component schema has no ${WORKER_TOKEN}`);
    }
    const inputs = Object.entries(worker.inputProperties ?? {}).filter(([name]) => !omit.includes(name));
    return Object.fromEntries(inputs.map(([name, property]) => [name, shapeOf(property, schema)]));
}

/** The shape of one BackgroundWorker input, such as subnetIds or tags. */
export function workerInputShape(schema: PackageSpec, input: string): Shape {
    const property = schema.resources[WORKER_TOKEN]?.inputProperties?.[input];
    if (!property) {
        throw new Error(`the component schema has no BackgroundWorker input ${input}`);
    }
    return shapeOf(property, schema);
}
