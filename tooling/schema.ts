// The package schema other languages see. When a consumer runs `pulumi package add`, Pulumi's Node plugin host
// (@pulumi/pulumi/cmd/run-plugin) requires the package's `main`, collects the ComponentResource classes it exports and
// serves them through a ComponentProvider, which infers this schema from the TypeScript types. This module builds the
// provider the same way, so `npm run schema` (scripts/schema.ts) writes to schema.json exactly what SDK generation
// will read, and the tests construct components through the same provider the engine would call.
import * as fs from "fs";
import * as path from "path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const SCHEMA_PATH = path.join(REPO_ROOT, "components", "schema.json");

/**
 * The provider the plugin host would start for this directory: named after package.json's `name` (its npm scope, if
 * any, becomes the namespace), serving every component the package's `main` exports.
 */
function createProvider(): ComponentProvider {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { name: string };
    // The same derivation as run-plugin's, so the tokens here are the tokens consumers get.
    const [, scope, bareName] = /^(@.*?\/)?(.+)$/.exec(manifest.name) ?? [];
    return new ComponentProvider({
        name: bareName.replace(/[^-a-zA-Z0-9_]/g, "-"),
        namespace: scope ? scope.slice(1, -1) : undefined,
        dirname: REPO_ROOT,
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads a program by path, as the Pulumi host does
        components: getPulumiComponents(require(REPO_ROOT)),
    });
}

let provider: ComponentProvider | undefined;

/**
 * The package's component provider. One per process: inferring the schema builds a TypeScript program from
 * tsconfig.json (the component's files), and the provider caches it, so the schema and construct tests pay for it once.
 */
export function componentProvider(): ComponentProvider {
    provider ??= createProvider();
    return provider;
}

/**
 * How long a test may wait for a TypeScript program over the component: it took 17 s at a load average of 8, and
 * takes several times that while other specs run beside it on a busy machine. The limit is for a hang.
 */
export const TYPESCRIPT_PROGRAM_TIMEOUT_MS = 180_000;

/** The schema the plugin serves to `pulumi package add`, inferred from the TypeScript types. */
export async function inferSchema(): Promise<PackageSpec> {
    return JSON.parse(await componentProvider().getSchema()) as PackageSpec;
}
