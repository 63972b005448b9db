import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import * as components from "../components/index";
import { recordResources, RegisteredResource } from "../scripts/mocks";
import { REPO_ROOT } from "../stack/configFile";

/** The first TypeScript block under a README heading. */
function snippetUnder(heading: string): string {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf(`\n## ${heading}\n`));
    const block = /```ts\n([\s\S]*?)```/.exec(section);
    assert.ok(section.length < readme.length && block, `README.md has no TypeScript block under "## ${heading}"`);
    return block[1];
}

/** Runs a README snippet as a program under mocks, with the package name resolving to this repository's components. */
async function runSnippet(source: string): Promise<{ resources: RegisteredResource[]; warnings: string[] }> {
    const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads a program by path, as the Pulumi host does
    const load = (name: string): unknown => (name === "@background-worker/pulumi" ? components : require(name));
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...parts: unknown[]) => warnings.push(parts.map(String).join(" "));
    try {
        // The stack configuration the quick start tells the user to set (`pulumi config set ...`).
        const stackConfig = JSON.parse(
            fs.readFileSync(path.join(REPO_ROOT, "tests", "packaging", "consumer", "config.json"), "utf8"),
        ) as Record<string, unknown>;
        const config = Object.fromEntries(
            Object.entries(stackConfig).map(([key, value]) => [
                `consumer:${key}`,
                typeof value === "string" ? value : JSON.stringify(value),
            ]),
        );
        const resources = await recordResources(() => new Function("require", "exports", outputText)(load, {}), {
            project: "consumer",
            config,
        });
        return { resources, warnings };
    } finally {
        console.warn = warn;
    }
}

describe("README.md", () => {
    it("has a quick start that runs as written, without a warning", async () => {
        const { resources, warnings } = await runSnippet(snippetUnder("Quick start"));
        assert.deepEqual(warnings, []);
        const worker = resources.find((resource) => resource.type === "background-worker:index:BackgroundWorker");
        assert.equal(worker?.name, "jobs");
        assert.ok(
            resources.some(
                (resource) => resource.type === "aws:ecs/service:Service" && resource.name === "jobs-service",
            ),
        );
    });
});
