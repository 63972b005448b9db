// `npm run release:plan -- [--offline] [--github-output FILE] [--notes DIRECTORY]`: which packages the release
// workflow publishes. Each package's package.json and the newest entry of its CHANGELOG must name the same version;
// the plan lists the packages whose version the npm registry does not have yet.
//   (no flag)              the plan as JSON, asking the registry
//   --offline              every package's release as JSON, without asking the registry
//   --github-output FILE   also append `plan=<JSON>` (without the notes) to FILE, for a workflow's job outputs
//   --notes DIRECTORY      print only that package's release notes (its CHANGELOG entry), in Markdown
import * as fs from "fs";
import { PACKAGE_DIRECTORIES, REPO_ROOT } from "../tooling/packages";
import { parseFlags, runMain, UsageError } from "../tooling/cli";
import { npmHasVersion, readReleaseCandidate, RELEASE_PLAN_OPTIONS, releasePlan } from "../tooling/release";

function main(argv: string[]): number {
    const { flags } = parseFlags("release:plan", argv, RELEASE_PLAN_OPTIONS);
    const candidates = PACKAGE_DIRECTORIES.map((directory) => readReleaseCandidate(REPO_ROOT, directory));
    if (flags.notes !== undefined) {
        const candidate = candidates.find(({ directory }) => directory === flags.notes);
        if (!candidate) {
            throw new UsageError(
                `release:plan: --notes takes a package directory: one of ${PACKAGE_DIRECTORIES.join(", ")}`,
            );
        }
        process.stdout.write(`${candidate.notes}\n`);
        return 0;
    }
    const plan = flags.offline ? candidates : releasePlan(candidates, npmHasVersion);
    const githubOutput = flags["github-output"];
    if (githubOutput !== undefined) {
        const matrix = plan.map(({ notes: _notes, ...release }) => release);
        fs.appendFileSync(githubOutput, `plan=${JSON.stringify(matrix)}\n`);
    }
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    return 0;
}

runMain(module, main);
