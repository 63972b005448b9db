// `npm run release:plan -- [--offline] [--github-output FILE] [--notes DIRECTORY]`: which packages the release
// workflow publishes. Each package's package.json and the newest entry of its CHANGELOG must name the same version;
// the plan lists the packages whose version the npm registry does not have yet.
//   (no flag)              the plan as JSON, asking the registry
//   --offline              every package's release as JSON, without asking the registry
//   --github-output FILE   also append `plan=<JSON>` (without the notes) to FILE, for a workflow's job outputs
//   --notes DIRECTORY      print only that package's release notes (its CHANGELOG entry), in Markdown
import * as fs from "fs";
import { parseArgs } from "node:util";
import { PACKAGE_DIRECTORIES, REPO_ROOT } from "./pack";
import {
    npmHasVersion,
    readReleaseCandidate,
    RELEASE_PLAN_OPTIONS as OPTIONS,
    ReleaseError,
    releasePlan,
} from "../tooling/release";

function main(argv: string[]): number {
    let values: { offline?: boolean; "github-output"?: string; notes?: string };
    try {
        ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
    } catch (error) {
        const flags = Object.keys(OPTIONS).map((flag) => `--${flag}`);
        console.error(`${(error as Error).message}\nvalid flags: ${flags.join(", ")}`);
        return 2;
    }
    const candidates = PACKAGE_DIRECTORIES.map((directory) => readReleaseCandidate(REPO_ROOT, directory));
    if (values.notes !== undefined) {
        const candidate = candidates.find(({ directory }) => directory === values.notes);
        if (!candidate) {
            console.error(`--notes takes a package directory: one of ${PACKAGE_DIRECTORIES.join(", ")}`);
            return 2;
        }
        process.stdout.write(`${candidate.notes}\n`);
        return 0;
    }
    const plan = values.offline ? candidates : releasePlan(candidates, npmHasVersion);
    if (values["github-output"] !== undefined) {
        const matrix = plan.map(({ notes: _notes, ...release }) => release);
        fs.appendFileSync(values["github-output"], `plan=${JSON.stringify(matrix)}\n`);
    }
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    return 0;
}

try {
    process.exitCode = main(process.argv.slice(2));
} catch (error) {
    if (!(error instanceof ReleaseError)) {
        throw error;
    }
    console.error(error.message);
    process.exitCode = 1;
}
