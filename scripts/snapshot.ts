// `npm run snapshot`: records, per example stack, every resource's URN and the inputs that force a replacement.
// tests/snapshot.spec.ts fails when a change would replace anything (a replaced queue loses its messages) until this
// is run on purpose and the new snapshot is committed with the change.
import * as fs from "fs";
import * as path from "path";
import { replacementSnapshot } from "../tooling/describe";
import { parseFlags, runMain } from "../tooling/cli";
import { availableStacks, REPO_ROOT, runStack } from "../tooling/harness";

export const SNAPSHOT_DIRECTORY = path.join(REPO_ROOT, "tests", "snapshots");

function snapshotFile(stack: string): string {
    return path.join(SNAPSHOT_DIRECTORY, `${stack}.json`);
}

/** Runs one stack (one stack per process: the Pulumi runtime is global) and prints its snapshot as JSON. */
async function printSnapshot(stack: string): Promise<void> {
    const run = await runStack({ stack });
    process.stdout.write(`${JSON.stringify(replacementSnapshot(run.resources), null, 2)}\n`);
}

async function main(argv: string[]): Promise<number> {
    const { flags } = parseFlags("snapshot", argv, { print: { type: "string", value: "stack" } });
    if (flags.print !== undefined) {
        await printSnapshot(flags.print);
        return 0;
    }
    const { execFileSync } = await import("child_process");
    fs.mkdirSync(SNAPSHOT_DIRECTORY, { recursive: true });
    for (const stack of availableStacks()) {
        const output = execFileSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", __filename, "--print", stack],
            {
                cwd: REPO_ROOT,
                encoding: "utf8",
            },
        );
        fs.writeFileSync(snapshotFile(stack), output);
        process.stdout.write(
            `wrote ${path.relative(REPO_ROOT, snapshotFile(stack))} (${Object.keys(JSON.parse(output)).length} resources)\n`,
        );
    }
    return 0;
}

runMain(module, main);
