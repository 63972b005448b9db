// docs/arguments.md, generated from the component's schema.json (itself inferred from the TypeScript types), so the
// argument reference never drifts from what the component accepts in any language.
//   npm run docs:arguments            writes docs/arguments.md
//   npm run docs:arguments -- --check exits 1 when the committed file is stale
import * as fs from "fs";
import * as path from "path";
import { ComplexType, PackageSpec, Property, Type } from "@pulumi/pulumi/provider/experimental/schema";
import { parseFlags, runMain } from "../tooling/cli";
import { REPO_ROOT, SCHEMA_PATH } from "../tooling/schema";

export const ARGUMENTS_DOC_PATH = path.join(REPO_ROOT, "docs", "arguments.md");

const PREAMBLE = `# Arguments

Generated from \`components/schema.json\` by \`npm run docs:arguments\`: the same names, types and documentation every
language's SDK gets (Python and Go spell the names in their own case). Settings are plain values, validated, planned
and simulated at construction; references to other resources are inputs (\`Input\`), which may be outputs of other
resources. Every bound is checked before any resource exists, with an error that starts with the property path, for
example \`queue.visibilityTimeoutSeconds must be between 0 and 43200 seconds (12 hours); got 50000\`.
`;

/** The type's short name: `background-worker:index:WorkerQueue` -> `WorkerQueue`. */
function shortName(token: string): string {
    return token.slice(token.lastIndexOf(":") + 1);
}

function anchor(token: string): string {
    return shortName(token).toLowerCase();
}

function typeText(type: Type): string {
    if ("$ref" in type) {
        const token = type.$ref.replace(/^#\/types\//, "");
        return `[${shortName(token)}](#${anchor(token)})`;
    }
    if (type.type === "array" && type.items) {
        return `${typeText(type.items)}[]`;
    }
    if (type.type === "object" && type.additionalProperties) {
        return `map of ${typeText(type.additionalProperties)}`;
    }
    return type.type ?? "any";
}

/** One cell of markdown: no line breaks, no unescaped pipes. */
function cell(text: string | undefined): string {
    return (text ?? "")
        .replace(/\s*\n\s*/g, " ")
        .replace(/\|/g, "\\|")
        .trim();
}

function propertyTable(properties: Record<string, Property>, required: readonly string[], inputs: boolean): string[] {
    const rows = Object.entries(properties).map(([name, property]) => {
        const kind = inputs ? (property.plain ? "plain" : "Input") : "Output";
        const need = inputs ? (required.includes(name) ? "required" : "optional") : "";
        return `| \`${name}\` | ${typeText(property)} | ${[kind, need].filter(Boolean).join(", ")} | ${cell(property.description)} |`;
    });
    return ["| name | type | kind | description |", "|---|---|---|---|", ...rows];
}

/** The whole page, from a schema. */
export function renderArgumentsDoc(schema: PackageSpec): string {
    const lines: string[] = [PREAMBLE];
    for (const [token, resource] of Object.entries(schema.resources)) {
        lines.push(
            `## ${shortName(token)}`,
            "",
            `Token \`${token}\`. ${cell(resource.description)}`,
            "",
            "### Inputs",
            "",
        );
        lines.push(...propertyTable(resource.inputProperties ?? {}, resource.requiredInputs ?? [], true), "");
        lines.push("### Outputs", "", ...propertyTable(resource.properties ?? {}, resource.required ?? [], false), "");
    }
    lines.push("## Types", "");
    for (const [token, type] of Object.entries(schema.types) as [string, ComplexType][]) {
        lines.push(`### ${shortName(token)}`, "");
        if (type.enum) {
            lines.push("| value | name | description |", "|---|---|---|");
            lines.push(
                ...type.enum.map(
                    (member) => `| \`${String(member.value)}\` | ${member.name ?? ""} | ${cell(member.description)} |`,
                ),
            );
        } else {
            lines.push(...propertyTable(type.properties ?? {}, type.required ?? [], true));
        }
        lines.push("");
    }
    return `${lines.join("\n").trimEnd()}\n`;
}

function main(argv: string[]): number {
    const { flags } = parseFlags("docs:arguments", argv, { check: { type: "boolean" } });
    const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8")) as PackageSpec;
    const rendered = renderArgumentsDoc(schema);
    if (flags.check) {
        const current = fs.existsSync(ARGUMENTS_DOC_PATH) ? fs.readFileSync(ARGUMENTS_DOC_PATH, "utf8") : "";
        if (current !== rendered) {
            process.stderr.write("docs/arguments.md is stale: run `npm run docs:arguments`\n");
            return 1;
        }
        return 0;
    }
    fs.writeFileSync(ARGUMENTS_DOC_PATH, rendered);
    process.stdout.write(`wrote ${path.relative(process.cwd(), ARGUMENTS_DOC_PATH)}\n`);
    return 0;
}

runMain(module, main);
