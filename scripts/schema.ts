// `npm run schema`: writes components/schema.json, the schema every language's SDK is generated from, as the plugin
// host infers it from the TypeScript types (tooling/schema.ts). Run it on purpose when the types change; the schema
// spec fails until the committed file matches.
import * as fs from "fs";
import * as path from "path";
import { parseFlags, runMain } from "../tooling/cli";
import { inferSchema, SCHEMA_PATH } from "../tooling/schema";

async function main(argv: string[]): Promise<number> {
    parseFlags("schema", argv, {});
    const started = Date.now();
    const schema = await inferSchema();
    // Stable two-space JSON, so a change to the types shows as a readable diff in review.
    fs.writeFileSync(SCHEMA_PATH, `${JSON.stringify(schema, null, 2)}\n`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
        `wrote ${path.relative(process.cwd(), SCHEMA_PATH)}: ${Object.keys(schema.resources).length} resources, ` +
            `${Object.keys(schema.types).length} types, version ${schema.version} (${seconds} s)\n`,
    );
    return 0;
}

runMain(module, main);
