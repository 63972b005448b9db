// The README's quick start, as the tests run it: the program block exactly as a user pastes it, and the stack
// configuration its `pulumi config set` lines give (tests/packaging/consumer/config.json, which the fresh consumer
// project also reads).
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import * as components from "../../components/index";
import { recordResources, RegisteredResource } from "../../tooling/mocks";
import { REPO_ROOT } from "../../stack/configFile";

/** The quick start's project and stack, the same in the fresh consumer project (tests/packaging/consumer/run.ts). */
const PROJECT = "consumer";
const STACK = "dev";

/** The code block after the `<!-- marker ... -->` comment in a Markdown file of the repository, verbatim. */
export function markedBlock(file: string, marker: string, language: string): string {
    const text = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
    const match = new RegExp(`<!-- ${marker}[^>]*-->\\s*\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(text);
    assert.ok(match, `${file} has a ${language} block after <!-- ${marker} -->`);
    return match[1];
}

/** The README's quick-start program, verbatim: the code block after the `quick-start: index.ts` marker. */
export function quickStartProgram(): string {
    return markedBlock("README.md", "quick-start: index\\.ts", "ts");
}

/** The README's install commands, one per line, as a user types them (trailing comments included). */
export function installCommands(): string[] {
    return markedBlock("README.md", "install:", "bash")
        .split("\n")
        .filter((line) => line.trim() !== "");
}

/** The quick start's stack configuration as `pulumi config` stores it: "project:key" to a string (objects as JSON). */
function quickStartConfig(): Record<string, string> {
    const file = path.join(REPO_ROOT, "tests", "packaging", "consumer", "config.json");
    const values = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    return Object.fromEntries(
        Object.entries(values).map(([key, value]) => [
            `${PROJECT}:${key}`,
            typeof value === "string" ? value : JSON.stringify(value),
        ]),
    );
}

/**
 * Runs the quick start under this repository's mocks, with its package name resolving to this repository's component
 * source, and returns what it registered and every warning it logged.
 */
export async function runQuickStartFromSource(): Promise<{ resources: RegisteredResource[]; warnings: string[] }> {
    const { outputText } = ts.transpileModule(quickStartProgram(), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program's own imports, as Node resolves them
    const load = (name: string): unknown => (name === "@background-worker/pulumi" ? components : require(name));
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...parts: unknown[]) => warnings.push(parts.map(String).join(" "));
    try {
        const resources = await recordResources(() => new Function("require", "exports", outputText)(load, {}), {
            project: PROJECT,
            stack: STACK,
            config: quickStartConfig(),
        });
        return { resources, warnings };
    } finally {
        console.warn = warn;
    }
}
