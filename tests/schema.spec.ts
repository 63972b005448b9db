// The schema every other language generates its SDK from, checked against what the TypeScript declares. Nothing here
// lists properties: the expectations are read from the TypeScript source with the compiler API, so arguments added
// later are held to the same rules the day they land.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { ComplexType, PackageSpec, Property } from "@pulumi/pulumi/provider/experimental/schema";
import { inferSchema, REPO_ROOT, SCHEMA_PATH } from "../scripts/schema";

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
    const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, REPO_ROOT);
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
    const resolve = (symbol: ts.Symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);

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
            if (symbol.flags & ts.SymbolFlags.Enum) {
                visitEnum(symbol);
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
        throw new Error(`${where(node)}: '${node.getText()}' has no schema type; use an enum, an interface, an array, a map or a primitive`);
    };

    const propertiesOf = (symbol: ts.Symbol): DeclaredProperty[] =>
        checker.getDeclaredTypeOfSymbol(symbol).getProperties().map((property) => {
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

    function visitEnum(symbol: ts.Symbol): void {
        if (firstSighting(symbol)) {
            const declaration = symbol.declarations?.[0] as ts.EnumDeclaration;
            enums.set(symbol.name, {
                members: declaration.members.map((member) => ({
                    name: member.name.getText(),
                    value: checker.getConstantValue(member) as string | number,
                    doc: doc(checker.getSymbolAtLocation(member.name) as ts.Symbol),
                })),
            });
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
    function describedObjects(): { label: string; properties: Record<string, Property>; required: string[]; declared: DeclaredProperty[] }[] {
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
                return { label: name, properties: type.properties ?? {}, required: type.required ?? [], declared: properties };
            }),
        ];
    }

    before(async function () {
        // Inferring builds a TypeScript program over the whole tsconfig; reading the declarations builds a smaller one.
        this.timeout(60_000);
        schema = await inferSchema();
        declared = readDeclared();
    });

    it("is the committed schema.json (after changing an argument type, run `npm run schema` and commit the diff)", () => {
        const committed = JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8")) as PackageSpec;
        assert.deepStrictEqual(committed, schema, "schema.json differs from the schema the plugin serves: run `npm run schema`");
    });

    it("serves every component the package's main exports, as background-worker:index:<class name>", () => {
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
            for (const [kind, properties] of [["input", resource.inputProperties], ["output", resource.properties]] as const) {
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
        assert.deepStrictEqual(missing, [], "undocumented in the schema (write a doc comment on the TypeScript declaration)");
    });

    it("carries each doc comment from the TypeScript into the schema word for word", () => {
        for (const component of declared.components) {
            const resource = schema.resources[token(component.name)];
            assert.strictEqual(oneLine(resource.description), oneLine(component.doc), component.name);
            for (const output of component.outputs) {
                assert.strictEqual(oneLine(resource.properties?.[output.name]?.description), oneLine(output.doc), `${component.name} output ${output.name}`);
            }
        }
        for (const object of describedObjects()) {
            for (const property of object.declared) {
                assert.strictEqual(oneLine(object.properties[property.name]?.description), oneLine(property.doc), `${object.label}.${property.name}`);
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
                assert.ok(!property.tags.includes("default"), `${object.label}.${property.name}: write the default in prose ("Defaults to ..."), not as @default`);
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
            assert.deepStrictEqual(Object.keys(object.properties).sort(), object.declared.map((property) => property.name).sort(), object.label);
            for (const property of object.declared) {
                assert.deepStrictEqual(schemaShape(object.properties[property.name]), property.shape, `${object.label}.${property.name}`);
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
            return "$ref" in leaf ? schema.types[leaf.$ref.replace("#/types/", "")]?.enum !== undefined : ["number", "integer", "boolean"].includes(leaf.type);
        };
        const inputSettings = describedObjects().flatMap((object) =>
            Object.entries(object.properties)
                .filter(([, property]) => isSetting(property) && levels(property).some((level) => level.plain !== true))
                .map(([name]) => `${object.label}.${name}`),
        );
        assert.deepStrictEqual(inputSettings, [], "settings must be plain values in the TypeScript, not pulumi.Input<...>");
    });

    it("takes every ARN, URL and image as an Input, so it can come from another resource", () => {
        // Names alone cannot tell every reference: `messageGroupId` is a setting, `subnetIds` a reference. ARNs, URLs and
        // images always are; the rest are held to their TypeScript declaration by the test above.
        const reference = /(Arn|Arns|Url|Urls)$|^(arn|url|image)$/;
        const leaf = (shape: Shape): Shape => (shape.items ? leaf(shape.items) : shape.values ? leaf(shape.values) : shape);
        const plainReferences = describedObjects().flatMap((object) =>
            Object.entries(object.properties)
                .filter(([name, property]) => reference.test(name) && leaf(schemaShape(property)).plain)
                .map(([name]) => `${object.label}.${name}`),
        );
        assert.deepStrictEqual(plainReferences, [], "references must be pulumi.Input<...> in the TypeScript");
    });

    it("names each nested argument type and enum after its TypeScript declaration, no two sharing a name", () => {
        assert.deepStrictEqual(declared.duplicateNames, [], "the analyzer merges types by simple name: rename one of them");
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
