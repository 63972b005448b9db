// What a release publishes, decided from the repository alone: each package's CHANGELOG names the version it
// documents (its newest `## x.y.z` entry), its package.json carries the version it would publish, and the registry
// says whether that version is out already. The release workflow (.github/workflows/release.yml) publishes only the
// packages whose documented version is new, with that entry as the release notes.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import { FlagSpecs } from "./cli";

/** The flags of `npm run release:plan` (scripts/releasePlan.ts), which the release workflow passes. */
export const RELEASE_PLAN_OPTIONS = {
    offline: { type: "boolean" },
    "github-output": { type: "string", value: "file" },
    notes: { type: "string", value: "directory" },
} as const satisfies FlagSpecs;

/** One package's next release, as the workflow needs it. */
export interface ReleaseCandidate {
    /** The package's directory in the repository (components, worker, policy). */
    directory: string;
    name: string;
    version: string;
    /** The npm dist-tag: prereleases go to `next`, so `npm install <name>` keeps getting the last stable one. */
    distTag: "latest" | "next";
    /** The git tag and GitHub release name. */
    gitTag: string;
    /** The CHANGELOG entry for this version, without its heading. */
    notes: string;
}

/** A package whose manifest and CHANGELOG disagree, or a registry that could not be asked. */
export class ReleaseError extends Error {}

/** The newest versioned entry of a CHANGELOG: its `## <version>` heading and the text under it. */
export function changelogTopEntry(changelog: string): { version: string; notes: string } | undefined {
    const lines = changelog.split("\n");
    // An `## Unreleased` section (or any heading that is not a version) collects changes for the next release.
    const start = lines.findIndex((line) => /^## /.test(line) && semver.valid(line.slice(3).trim()) !== null);
    if (start === -1) {
        return undefined;
    }
    const next = lines.findIndex((line, index) => index > start && /^## /.test(line));
    const body = lines.slice(start + 1, next === -1 ? undefined : next);
    return { version: lines[start].slice(3).trim(), notes: body.join("\n").trim() };
}

/**
 * The git tag a release gets. The component's tag is `v<version>`, the form `pulumi package add <repo>@v<version>`
 * resolves, since the plugin at the repository root serves the component at the same version. The runtime and the
 * policy pack get `<name>@<version>`, which is no semver tag, so `pulumi package add` without a tag never picks one.
 */
export function gitTagOf(directory: string, name: string, version: string): string {
    return directory === "components" ? `v${version}` : `${name}@${version}`;
}

/** The release a package's files describe. Throws when its package.json and CHANGELOG disagree. */
export function releaseCandidate(
    directory: string,
    manifest: { name: string; version: string },
    changelog: string,
): ReleaseCandidate {
    const top = changelogTopEntry(changelog);
    const changelogFile = `${directory}/CHANGELOG.md`;
    if (!top) {
        throw new ReleaseError(`${changelogFile} has no "## <version>" entry for ${manifest.name}@${manifest.version}`);
    }
    if (top.version !== manifest.version) {
        throw new ReleaseError(
            `${directory}/package.json says ${manifest.name}@${manifest.version} but the newest entry of ${changelogFile} ` +
                `is ${top.version}: bump both together (the entry says what changed in that version)`,
        );
    }
    if (top.notes === "") {
        throw new ReleaseError(`${changelogFile}'s entry for ${top.version} is empty: say what changed`);
    }
    return {
        directory,
        name: manifest.name,
        version: manifest.version,
        distTag: semver.prerelease(manifest.version) ? "next" : "latest",
        gitTag: gitTagOf(directory, manifest.name, manifest.version),
        notes: top.notes,
    };
}

/** Reads one package directory of the repository into its release candidate. */
export function readReleaseCandidate(root: string, directory: string): ReleaseCandidate {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, directory, "package.json"), "utf8")) as {
        name: string;
        version: string;
    };
    return releaseCandidate(directory, manifest, fs.readFileSync(path.join(root, directory, "CHANGELOG.md"), "utf8"));
}

/** Whether a version of a package is on the registry already. */
export type PublishedCheck = (name: string, version: string) => boolean;

/** The candidates to publish: every one whose version the registry does not have yet. */
export function releasePlan(candidates: readonly ReleaseCandidate[], isPublished: PublishedCheck): ReleaseCandidate[] {
    return candidates.filter((candidate) => !isPublished(candidate.name, candidate.version));
}

/** What `npm view <name>@<version> version --json` answered, as a "published?" verdict. */
export function publishedFromNpmView(status: number | null, stdout: string, stderr: string): boolean {
    if (status === 0) {
        // npm prints nothing when the package exists but this version does not.
        return stdout.trim() !== "";
    }
    // A package never published at all.
    if (/\bE404\b/.test(`${stdout}${stderr}`)) {
        return false;
    }
    // Anything else (no network, no auth): publishing blindly could fail halfway through a release.
    throw new ReleaseError(`npm view failed (exit ${status}): ${stderr.trim() || stdout.trim()}`);
}

/** Asks the registry whether a version of a package is out. */
export function npmHasVersion(name: string, version: string): boolean {
    const result = spawnSync("npm", ["view", `${name}@${version}`, "version", "--json"], { encoding: "utf8" });
    if (result.error) {
        throw new ReleaseError(`npm view ${name}@${version} could not run: ${result.error.message}`);
    }
    return publishedFromNpmView(result.status, result.stdout, result.stderr);
}
