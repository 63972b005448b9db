// The schema every other language generates its SDK from, checked against what the TypeScript declares. Nothing here
// lists properties: the expectations are read from the TypeScript source with the compiler API, so arguments added
// later are held to the same rules the day they land.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { ComplexType, PackageSpec, Property } from "@pulumi/pulumi/provider/experimental/schema";
import { parse } from "yaml";
import { inferSchema, REPO_ROOT, SCHEMA_PATH, TYPESCRIPT_PROGRAM_TIMEOUT_MS } from "../tooling/schema";

/** How a value crosses the language boundary, level by level: plain (known at construction) or an Input. */
interface Shape {
    plain: boolean;
    /** The named type (interface or enum) it refers to. */
    ref?: string;
    items?: Shape;
    values?: Shape;
}

interface DeclaredProperty {
    name: string;
    optional: boolean;
    doc: string;
    tags: string[];
    shape: Shape;
}

interface DeclaredComponent {
    name: string;
    doc: string;
    inputs: DeclaredProperty[];
    outputs: DeclaredProperty[];
}

interface DeclaredEnum {
    members: { name: string; value: string | number; doc: string }[];
}

/** What the package's TypeScript declares, reached the way the analyzer reaches it: from `main`'s exports. */
interface Declared {
    components: DeclaredComponent[];
    objects: Map<string, DeclaredProperty[]>;
    enums: Map<string, DeclaredEnum>;
    /** Names declared more than once among the reachable types: the analyzer would silently merge them. */
    duplicateNames: string[];
}

function readDeclared(): Declared {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { main: string };
    const configPath = path.join(REPO_ROOT, "tsconfig.json");
    const config = ts.parseJsonConfigFileContent(
        ts.readConfigFile(configPath, ts.sys.readFile).config,
        ts.sys,
        REPO_ROOT,
    );
    const mainPath = path.join(REPO_ROOT, manifest.main);
    const program = ts.createProgram([mainPath], config.options);
    const checker = program.getTypeChecker();

    const objects = new Map<string, DeclaredProperty[]>();
    const enums = new Map<string, DeclaredEnum>();
    const declarations = new Map<string, ts.Declaration>();
    const duplicateNames: string[] = [];

    const where = (node: ts.Node) => {
        const file = node.getSourceFile();
        const { line } = file.getLineAndCharacterOfPosition(node.getStart());
        return `${path.relative(REPO_ROOT, file.fileName)}:${line + 1}`;
    };
    const doc = (symbol: ts.Symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker));
    const resolve = (symbol: ts.Symbol) =>
        symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;

    /** Notes a named type; true the first time its name is seen. */
    const firstSighting = (symbol: ts.Symbol) => {
        const declaration = symbol.declarations?.[0] as ts.Declaration;
        const seen = declarations.get(symbol.name);
        if (seen && seen !== declaration) {
            duplicateNames.push(`${symbol.name} (${where(seen)} and ${where(declaration)})`);
        }
        declarations.set(symbol.name, seen ?? declaration);
        return !seen;
    };

    const shapeOf = (node: ts.TypeNode): Shape => {
        if (ts.isArrayTypeNode(node)) {
            return { plain: true, items: shapeOf(node.elementType) };
        }
        if (ts.isTypeLiteralNode(node)) {
            const index = node.members.find(ts.isIndexSignatureDeclaration);
            if (index) {
                return { plain: true, values: shapeOf(index.type) };
            }
        }
        if (ts.isTypeReferenceNode(node)) {
            const name = node.typeName.getText();
            const [argument] = node.typeArguments ?? [];
            if (name === "pulumi.Input" || name === "Input") {
                return { ...shapeOf(argument), plain: false };
            }
            if (name === "Array") {
                return { plain: true, items: shapeOf(argument) };
            }
            const symbol = resolve(checker.getSymbolAtLocation(node.typeName) as ts.Symbol);
            const members = enumMembers(symbol);
            if (members) {
                visitEnum(symbol, members);
                return { plain: true, ref: symbol.name };
            }
            if (symbol.flags & ts.SymbolFlags.Interface) {
                visitObject(symbol);
                return { plain: true, ref: symbol.name };
            }
        }
        if (
            node.kind === ts.SyntaxKind.StringKeyword ||
            node.kind === ts.SyntaxKind.NumberKeyword ||
            node.kind === ts.SyntaxKind.BooleanKeyword
        ) {
            return { plain: true };
        }
        throw new Error(
            `${where(node)}: '${node.getText()}' has no schema type; use an enum, an interface, an array, a map or a primitive`,
        );
    };

    const propertiesOf = (symbol: ts.Symbol): DeclaredProperty[] =>
        checker
            .getDeclaredTypeOfSymbol(symbol)
            .getProperties()
            .map((property) => {
                const declaration = property.valueDeclaration as ts.PropertySignature;
                return {
                    name: property.name,
                    optional: (property.flags & ts.SymbolFlags.Optional) !== 0,
                    doc: doc(property),
                    tags: property.getJsDocTags(checker).map((tag) => tag.name),
                    shape: shapeOf(declaration.type as ts.TypeNode),
                };
            });

    function visitObject(symbol: ts.Symbol): void {
        if (firstSighting(symbol)) {
            objects.set(symbol.name, []);
            objects.set(symbol.name, propertiesOf(symbol));
        }
    }

    /**
     * A choice: `enum X { ... }`, or `const X = { ... } as const` with `type X = (typeof X)[keyof typeof X]`, which
     * the schema analyzer also reads as an enum and which lets TypeScript code write the values as strings.
     */
    function enumMembers(symbol: ts.Symbol): DeclaredEnum["members"] | undefined {
        const declaration = symbol.valueDeclaration;
        if (declaration && ts.isEnumDeclaration(declaration)) {
            return declaration.members.map((member) => ({
                name: member.name.getText(),
                value: checker.getConstantValue(member) as string | number,
                doc: doc(checker.getSymbolAtLocation(member.name) as ts.Symbol),
            }));
        }
        const initializer =
            declaration && ts.isVariableDeclaration(declaration) && declaration.initializer
                ? declaration.initializer
                : undefined;
        if (!(symbol.flags & ts.SymbolFlags.TypeAlias) || !initializer || !ts.isAsExpression(initializer)) {
            return undefined;
        }
        const object = initializer.expression;
        if (!ts.isObjectLiteralExpression(object) || initializer.type.getText() !== "const") {
            return undefined;
        }
        return object.properties.filter(ts.isPropertyAssignment).map((property) => ({
            name: property.name.getText(),
            value: (property.initializer as ts.StringLiteral).text,
            doc: doc(checker.getSymbolAtLocation(property.name) as ts.Symbol),
        }));
    }

    function visitEnum(symbol: ts.Symbol, members: DeclaredEnum["members"]): void {
        if (firstSighting(symbol)) {
            enums.set(symbol.name, { members });
        }
    }

    const components: DeclaredComponent[] = [];
    const entry = checker.getSymbolAtLocation(program.getSourceFile(mainPath) as ts.SourceFile) as ts.Symbol;
    for (const exported of checker.getExportsOfModule(entry).map(resolve)) {
        const declaration = exported.declarations?.[0];
        if (!declaration || !ts.isClassDeclaration(declaration)) {
            continue;
        }
        const isComponent = declaration.heritageClauses?.some((clause) =>
            clause.types.some((type) => /(^|\.)ComponentResource$/.test(type.expression.getText())),
        );
        const constructor = declaration.members.find(ts.isConstructorDeclaration);
        const argsType = constructor?.parameters.find((parameter) => parameter.name.getText() === "args")?.type;
        if (!isComponent || !argsType || !ts.isTypeReferenceNode(argsType)) {
            continue;
        }
        const argsSymbol = resolve(checker.getSymbolAtLocation(argsType.typeName) as ts.Symbol);
        components.push({
            name: exported.name,
            doc: doc(exported),
            inputs: propertiesOf(argsSymbol),
            outputs: declaration.members.filter(ts.isPropertyDeclaration).map((member) => {
                const symbol = checker.getSymbolAtLocation(member.name) as ts.Symbol;
                return { name: symbol.name, optional: false, doc: doc(symbol), tags: [], shape: { plain: false } };
            }),
        });
    }
    return { components, objects, enums, duplicateNames };
}

/** The shape the schema gives a property: `plain` marks a plain value, its absence an Input. */
function schemaShape(property: Property): Shape {
    const shape: Shape = { plain: property.plain === true };
    if ("$ref" in property) {
        shape.ref = property.$ref.split(":").pop();
    }
    if (property.items) {
        shape.items = schemaShape(property.items);
    }
    if (property.additionalProperties) {
        shape.values = schemaShape(property.additionalProperties);
    }
    return shape;
}

const oneLine = (text: string | undefined) => (text ?? "").replace(/\s+/g, " ").trim();

describe("schema", () => {
    let schema: PackageSpec;
    let declared: Declared;
    const token = (name: string) => `${schema.name}:index:${name}`;

    /** Every object the schema describes, with the TypeScript declaration it came from. */
    function describedObjects(): {
        label: string;
        properties: Record<string, Property>;
        required: string[];
        declared: DeclaredProperty[];
    }[] {
        return [
            ...declared.components.map((component) => {
                const resource = schema.resources[token(component.name)];
                return {
                    label: `${component.name} inputs`,
                    properties: resource.inputProperties ?? {},
                    required: resource.requiredInputs ?? [],
                    declared: component.inputs,
                };
            }),
            ...[...declared.objects].map(([name, properties]) => {
                const type: ComplexType = schema.types[token(name)] ?? { type: "object" };
                return {
                    label: name,
                    properties: type.properties ?? {},
                    required: type.required ?? [],
                    declared: properties,
                };
            }),
        ];
    }

    before(async function () {
        // Inferring and reading the declarations each build a TypeScript program over the component.
        this.timeout(TYPESCRIPT_PROGRAM_TIMEOUT_MS);
        schema = await inferSchema();
        declared = readDeclared();
    });

    it("is the committed schema.json (after changing an argument type, run `npm run schema` and commit the diff)", () => {
        const committed = JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8")) as PackageSpec;
        assert.deepStrictEqual(
            committed,
            schema,
            "schema.json differs from the schema the plugin serves: run `npm run schema`",
        );
    });

    it("serves every component the package's main exports, as background-worker:index:<class name>", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads a program by path, as the Pulumi host does
        const exported = getPulumiComponents(require(REPO_ROOT)).map((component) => token(component.name));
        assert.deepStrictEqual(Object.keys(schema.resources).sort(), exported.sort());
        assert.deepStrictEqual(declared.components.map((component) => token(component.name)).sort(), exported.sort());
        for (const required of ["background-worker:index:BackgroundWorker", "background-worker:index:WorkerCluster"]) {
            assert.ok(schema.resources[required]?.isComponent, `${required} is served as a component`);
        }
    });

    it("describes every component, input, output and enum value", () => {
        const missing: string[] = [];
        for (const [name, resource] of Object.entries(schema.resources)) {
            if (!oneLine(resource.description)) {
                missing.push(name);
            }
            for (const [kind, properties] of [
                ["input", resource.inputProperties],
                ["output", resource.properties],
            ] as const) {
                for (const [property, definition] of Object.entries(properties ?? {})) {
                    if (!oneLine(definition.description)) {
                        missing.push(`${name} ${kind} ${property}`);
                    }
                }
            }
        }
        for (const [name, type] of Object.entries(schema.types)) {
            for (const [property, definition] of Object.entries(type.properties ?? {})) {
                if (!oneLine(definition.description)) {
                    missing.push(`${name}.${property}`);
                }
            }
            for (const value of type.enum ?? []) {
                if (!oneLine(value.description)) {
                    missing.push(`${name} value ${value.name}`);
                }
            }
        }
        assert.deepStrictEqual(
            missing,
            [],
            "undocumented in the schema (write a doc comment on the TypeScript declaration)",
        );
    });

    it("carries each doc comment from the TypeScript into the schema word for word", () => {
        for (const component of declared.components) {
            const resource = schema.resources[token(component.name)];
            assert.strictEqual(oneLine(resource.description), oneLine(component.doc), component.name);
            for (const output of component.outputs) {
                assert.strictEqual(
                    oneLine(resource.properties?.[output.name]?.description),
                    oneLine(output.doc),
                    `${component.name} output ${output.name}`,
                );
            }
        }
        for (const object of describedObjects()) {
            for (const property of object.declared) {
                assert.strictEqual(
                    oneLine(object.properties[property.name]?.description),
                    oneLine(property.doc),
                    `${object.label}.${property.name}`,
                );
            }
        }
        for (const [name, declaredEnum] of declared.enums) {
            const values = schema.types[token(name)]?.enum ?? [];
            assert.deepStrictEqual(
                values.map((value) => oneLine(value.description)),
                declaredEnum.members.map((member) => oneLine(member.doc)),
                `${name} value descriptions`,
            );
        }
    });

    it("keeps every documented default, since none hides in a @default tag (the schema drops tags)", () => {
        let defaults = 0;
        for (const object of describedObjects()) {
            for (const property of object.declared) {
                assert.ok(
                    !property.tags.includes("default"),
                    `${object.label}.${property.name}: write the default in prose ("Defaults to ..."), not as @default`,
                );
                for (const sentence of property.doc.match(/Defaults? (to|as)\b[^.]*\./g) ?? []) {
                    defaults += 1;
                    assert.ok(
                        oneLine(object.properties[property.name]?.description).includes(oneLine(sentence)),
                        `${object.label}.${property.name} lost "${oneLine(sentence)}"`,
                    );
                }
            }
        }
        assert.ok(defaults > 0, "the TypeScript documents defaults, so some must have been checked");
    });

    it("requires exactly the inputs the TypeScript requires (a BackgroundWorker's clusterArn and subnetIds)", () => {
        for (const object of describedObjects()) {
            const required = object.declared.filter((property) => !property.optional).map((property) => property.name);
            assert.deepStrictEqual([...object.required].sort(), required.sort(), `${object.label} required`);
        }
        const worker = schema.resources["background-worker:index:BackgroundWorker"];
        assert.deepStrictEqual(
            ["clusterArn", "subnetIds"].filter((name) => !worker.requiredInputs?.includes(name)),
            [],
            "a BackgroundWorker cannot be built without a cluster and subnets",
        );
    });

    it("keeps settings plain and references as Inputs, level by level, as the TypeScript declares them", () => {
        for (const object of describedObjects()) {
            assert.deepStrictEqual(
                Object.keys(object.properties).sort(),
                object.declared.map((property) => property.name).sort(),
                object.label,
            );
            for (const property of object.declared) {
                assert.deepStrictEqual(
                    schemaShape(object.properties[property.name]),
                    property.shape,
                    `${object.label}.${property.name}`,
                );
            }
        }
    });

    it("takes every number, boolean and enum as a plain value: a setting, validated and planned at construction", () => {
        const levels = (property: Property): Property[] => [
            property,
            ...(property.items ? levels(property.items) : []),
            ...(property.additionalProperties ? levels(property.additionalProperties) : []),
        ];
        const isSetting = (property: Property) => {
            const leaf = levels(property).pop() as Property;
            return "$ref" in leaf
                ? schema.types[leaf.$ref.replace("#/types/", "")]?.enum !== undefined
                : ["number", "integer", "boolean"].includes(leaf.type);
        };
        const inputSettings = describedObjects().flatMap((object) =>
            Object.entries(object.properties)
                .filter(([, property]) => isSetting(property) && levels(property).some((level) => level.plain !== true))
                .map(([name]) => `${object.label}.${name}`),
        );
        assert.deepStrictEqual(
            inputSettings,
            [],
            "settings must be plain values in the TypeScript, not pulumi.Input<...>",
        );
    });

    it("takes every ARN, URL and image as an Input, so it can come from another resource", () => {
        // Names alone cannot tell every reference: `messageGroupId` is a setting, `subnetIds` a reference. ARNs, URLs and
        // images always are; the rest are held to their TypeScript declaration by the test above.
        const reference = /(Arn|Arns|Url|Urls)$|^(arn|url|image)$/;
        const leaf = (shape: Shape): Shape =>
            shape.items ? leaf(shape.items) : shape.values ? leaf(shape.values) : shape;
        const plainReferences = describedObjects().flatMap((object) =>
            Object.entries(object.properties)
                .filter(([name, property]) => reference.test(name) && leaf(schemaShape(property)).plain)
                .map(([name]) => `${object.label}.${name}`),
        );
        assert.deepStrictEqual(plainReferences, [], "references must be pulumi.Input<...> in the TypeScript");
    });

    it("names each nested argument type and enum after its TypeScript declaration, no two sharing a name", () => {
        assert.deepStrictEqual(
            declared.duplicateNames,
            [],
            "the analyzer merges types by simple name: rename one of them",
        );
        const expected = [...declared.objects.keys(), ...declared.enums.keys()].map(token).sort();
        assert.deepStrictEqual(Object.keys(schema.types).sort(), expected);
        for (const name of declared.objects.keys()) {
            assert.strictEqual(schema.types[token(name)].type, "object", name);
        }
    });

    it("offers each choice as an enum with the TypeScript's member names and values (CapacityProvider, CpuArchitecture, ...)", () => {
        assert.ok(declared.enums.has("CapacityProvider") && declared.enums.has("CpuArchitecture"));
        for (const [name, declaredEnum] of declared.enums) {
            const type = schema.types[token(name)];
            assert.strictEqual(type?.type, "string", `${name} is a string enum`);
            assert.deepStrictEqual(
                (type.enum ?? []).map(({ name: member, value }) => ({ name: member, value })),
                declaredEnum.members.map(({ name: member, value }) => ({ name: member, value })),
                name,
            );
        }
    });
});

/** Python's name for a schema name, as Pulumi's Python codegen derives it (`logRetentionDays` is `log_retention_days`). */
const pythonName = (name: string) =>
    name
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
        .toLowerCase();

/** What the Python example passes, read with Python's own parser (ast): a value's kind, and calls into the SDK. */
type PythonValue =
    | { call: string; line: number; keywords: Record<string, PythonValue> }
    | { list: PythonValue[] }
    | { dict: Record<string, PythonValue> }
    | { enum: string; member: string }
    | { constant: "int" | "float" | "str" | "bool" | "NoneType" }
    | { expression: string };

interface PythonProgram {
    /** Module-level `variable = sdk.Component(...)` statements. */
    components: { variable: string; call: Extract<PythonValue, { call: string }> }[];
    /** `variable.attribute` reads of those components' outputs. */
    attributes: { variable: string; attribute: string; line: number }[];
}

const READ_PYTHON = String.raw`
import ast, json, os, py_compile, sys, tempfile
path = sys.argv[1]
with tempfile.TemporaryDirectory() as scratch:
    py_compile.compile(path, cfile=os.path.join(scratch, "main.pyc"), doraise=True)
tree = ast.parse(open(path).read(), path)
sdk = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
       for alias in node.names if alias.name == "pulumi_background_worker"}
def member(node):
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in sdk:
        return node.attr
def describe(node):
    if isinstance(node, ast.Call) and member(node.func):
        return {"call": member(node.func), "line": node.lineno, "keywords": {k.arg: describe(k.value) for k in node.keywords}}
    if isinstance(node, ast.List):
        return {"list": [describe(item) for item in node.elts]}
    if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.keys):
        return {"dict": {k.value: describe(v) for k, v in zip(node.keys, node.values)}}
    if isinstance(node, ast.Attribute) and member(node.value):
        return {"enum": member(node.value), "member": node.attr}
    if isinstance(node, ast.Constant):
        return {"constant": type(node.value).__name__}
    return {"expression": ast.unparse(node)}
components = [{"variable": node.targets[0].id, "call": describe(node.value)} for node in tree.body
              if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
              and isinstance(node.value, ast.Call) and member(node.value.func)]
variables = {component["variable"] for component in components}
attributes = [{"variable": node.value.id, "attribute": node.attr, "line": node.lineno} for node in ast.walk(tree)
              if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in variables]
print(json.dumps({"components": components, "attributes": attributes}))
`;

describe("examples, checked against the schema (the CLI that would generate their SDKs is not available offline)", () => {
    let schema: PackageSpec;
    const typeOf = (ref: string) => schema.types[ref.replace("#/types/", "")];
    const typeName = (ref: string) => ref.split(":").pop() as string;

    before(async function () {
        this.timeout(TYPESCRIPT_PROGRAM_TIMEOUT_MS);
        schema = await inferSchema();
    });

    describe("examples/yaml", () => {
        interface YamlProgram {
            packages?: Record<string, string>;
            config?: Record<string, { type: string; items?: { type: string } }>;
            resources: Record<string, { type: string; properties?: Record<string, unknown> }>;
            outputs?: Record<string, unknown>;
        }
        const program = parse(
            fs.readFileSync(path.join(REPO_ROOT, "examples/yaml/Pulumi.yaml"), "utf8"),
        ) as YamlProgram;
        const own = () =>
            Object.entries(program.resources).filter(([, resource]) => resource.type.startsWith(`${schema.name}:`));

        /** The schema type of a `${config}` or `${resource.output}` reference, in the schema's own terms. */
        const referenceType = (reference: string): Property => {
            const [name, output] = reference.split(".");
            if (output === undefined) {
                const declared = program.config?.[name];
                assert.ok(declared, `\${${name}} is declared under config`);
                return (
                    declared.items ? { type: declared.type, items: declared.items } : { type: declared.type }
                ) as Property;
            }
            const resource = schema.resources[program.resources[name]?.type];
            assert.ok(
                resource?.properties?.[output],
                `\${${reference}} is an output of ${program.resources[name]?.type}`,
            );
            return resource.properties[output];
        };

        const sameType = (a: Property, b: Property): boolean =>
            ("$ref" in a ? a.$ref : a.type) === ("$ref" in b ? b.$ref : b.type) &&
            (!a.items || !b.items || sameType(a.items, b.items));

        function check(value: unknown, property: Property, where: string): void {
            const reference = typeof value === "string" ? /^\$\{(.+)\}$/.exec(value) : null;
            if (reference) {
                assert.ok(
                    sameType(referenceType(reference[1]), property),
                    `${where}: \${${reference[1]}} has the wrong type`,
                );
                return;
            }
            if ("$ref" in property) {
                const type = typeOf(property.$ref);
                if (type.enum) {
                    const values = type.enum.map((member) => member.value);
                    assert.ok(
                        values.includes(value as string),
                        `${where}: ${JSON.stringify(value)} is not one of ${values.join(", ")}`,
                    );
                } else {
                    checkObject(value, type.properties ?? {}, type.required ?? [], where);
                }
            } else if (property.type === "array") {
                assert.ok(Array.isArray(value), `${where} is a list`);
                value.forEach((item, index) => check(item, property.items as Property, `${where}[${index}]`));
            } else if (property.type === "object") {
                assert.ok(value && typeof value === "object", `${where} is a map`);
                for (const [key, item] of Object.entries(value)) {
                    check(item, property.additionalProperties as Property, `${where}.${key}`);
                }
            } else {
                const expected = property.type === "integer" ? "number" : property.type;
                assert.strictEqual(typeof value, expected, `${where} is a ${property.type}`);
            }
        }

        function checkObject(
            value: unknown,
            properties: Record<string, Property>,
            required: string[],
            where: string,
        ): void {
            assert.ok(value && typeof value === "object" && !Array.isArray(value), `${where} is an object`);
            const given = value as Record<string, unknown>;
            for (const [key, item] of Object.entries(given)) {
                assert.ok(
                    properties[key],
                    `${where}.${key} is not in the schema; expected one of ${Object.keys(properties).join(", ")}`,
                );
                check(item, properties[key], `${where}.${key}`);
            }
            assert.deepStrictEqual(
                required.filter((key) => !(key in given)),
                [],
                `${where} misses required properties`,
            );
        }

        it("uses the package through `packages:` and its components by their schema tokens", () => {
            assert.ok(program.packages?.[schema.name], `packages: names ${schema.name}`);
            assert.ok(own().length > 0);
            for (const [name, resource] of own()) {
                assert.ok(schema.resources[resource.type], `${name}: ${resource.type} is served by the plugin`);
            }
        });

        it("gives every component property a value of the schema's type, and every required one", () => {
            for (const [name, resource] of own()) {
                const definition = schema.resources[resource.type];
                checkObject(
                    resource.properties ?? {},
                    definition.inputProperties ?? {},
                    definition.requiredInputs ?? [],
                    name,
                );
            }
        });

        it("reads only outputs the components declare", () => {
            const references = JSON.stringify(program.outputs ?? {}).match(/\$\{[^}]+\}/g) ?? [];
            assert.ok(references.length > 0);
            for (const reference of references) {
                referenceType(reference.slice(2, -1));
            }
        });
    });

    describe("examples/python", () => {
        let program: PythonProgram;

        before(() => {
            const main = path.join(REPO_ROOT, "examples/python/__main__.py");
            program = JSON.parse(
                execFileSync("python3", ["-c", READ_PYTHON, main], { encoding: "utf8" }),
            ) as PythonProgram;
        });

        /** The schema property a Python keyword names: Python's SDK snake_cases each camelCase schema name. */
        const propertyFor = (properties: Record<string, Property>, keyword: string, where: string): Property => {
            const name = Object.keys(properties).find((candidate) => pythonName(candidate) === keyword);
            assert.ok(
                name,
                `${where}: ${keyword} maps to no schema property; expected one of ${Object.keys(properties).map(pythonName).join(", ")}`,
            );
            return properties[name];
        };

        function checkArgs(
            keywords: Record<string, PythonValue>,
            properties: Record<string, Property>,
            required: string[],
            where: string,
        ): void {
            for (const [keyword, value] of Object.entries(keywords)) {
                check(value, propertyFor(properties, keyword, where), `${where} ${keyword}=`);
            }
            const missing = required.filter((name) => !(pythonName(name) in keywords));
            assert.deepStrictEqual(missing, [], `${where} misses required arguments`);
        }

        function check(value: PythonValue, property: Property, where: string): void {
            const type = "$ref" in property ? typeOf(property.$ref) : undefined;
            const kind = "$ref" in property ? type?.type : property.type;
            if ("call" in value) {
                // Pulumi's Python codegen names an input type's class `<Type>Args`.
                assert.ok(type?.properties, `${where} takes no argument class`);
                assert.strictEqual(
                    value.call,
                    `${typeName((property as { $ref: string }).$ref)}Args`,
                    `${where} (line ${value.line})`,
                );
                checkArgs(value.keywords, type.properties, type.required ?? [], value.call);
            } else if ("list" in value) {
                assert.strictEqual(kind, "array", `${where} takes a list`);
                value.list.forEach((item, index) => check(item, property.items as Property, `${where}[${index}]`));
            } else if ("dict" in value) {
                if (type?.properties) {
                    checkArgs(value.dict, type.properties, type.required ?? [], where);
                } else {
                    assert.strictEqual(kind, "object", `${where} takes a dict`);
                    Object.values(value.dict).forEach((item) =>
                        check(item, property.additionalProperties as Property, where),
                    );
                }
            } else if ("enum" in value) {
                assert.ok(type?.enum, `${where} takes no enum`);
                assert.strictEqual(value.enum, typeName((property as { $ref: string }).$ref), where);
                const members = type.enum.map((member) => pythonName(member.name).toUpperCase());
                assert.ok(
                    members.includes(value.member),
                    `${where}: ${value.enum}.${value.member} is not one of ${members.join(", ")}`,
                );
            } else if ("constant" in value) {
                // A string is accepted where an enum is expected: Python's SDK enums are str subclasses.
                const accepted: Record<string, string[]> = {
                    int: ["number", "integer"],
                    float: ["number"],
                    str: ["string"],
                    bool: ["boolean"],
                };
                assert.ok(
                    accepted[value.constant]?.includes(kind ?? ""),
                    `${where}: a Python ${value.constant} where the schema wants ${kind}`,
                );
            }
            // Other expressions (variables, outputs of other resources) are typed only at run time.
        }

        it("compiles, and builds the package's components through the module `pulumi package add` generates", () => {
            assert.ok(program.components.length > 0, "it calls pulumi_background_worker");
            for (const { variable, call } of program.components) {
                assert.ok(
                    schema.resources[`${schema.name}:index:${call.call}`],
                    `${variable} = ${call.call}(...) is a served component`,
                );
            }
        });

        it("passes each keyword argument to a schema property (snake_case to camelCase), with a value of its type", () => {
            for (const { call } of program.components) {
                const resource = schema.resources[`${schema.name}:index:${call.call}`];
                checkArgs(call.keywords, resource.inputProperties ?? {}, resource.requiredInputs ?? [], call.call);
            }
        });

        it("reads only outputs the components declare", () => {
            assert.ok(program.attributes.length > 0);
            for (const { variable, attribute, line } of program.attributes) {
                const component = program.components.find((candidate) => candidate.variable === variable);
                const outputs = Object.keys(
                    schema.resources[`${schema.name}:index:${component?.call.call}`].properties ?? {},
                );
                assert.ok(
                    outputs.map(pythonName).includes(attribute),
                    `line ${line}: ${variable}.${attribute} is not an output`,
                );
            }
        });
    });
});
