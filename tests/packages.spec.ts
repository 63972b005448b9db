// The shape of the three npm packages, read from their manifests and `npm pack --dry-run` (fast; the full install in
// a fresh project is tests/packaging.integration.spec.ts).
import * as assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import { PACKAGE_DIRECTORIES, PackageDirectory, REPO_ROOT } from "../tooling/packages";

interface Manifest {
    name: string;
    version: string;
    private?: boolean;
    workspaces?: string[];
    engines?: { node?: string };
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    repository?: { type: string; url: string; directory?: string };
    homepage?: string;
    bugs?: { url: string };
}

function manifest(directory: string): Manifest {
    return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, directory, "package.json"), "utf8")) as Manifest;
}

/** The files `npm pack` would put in the tarball, without building (the build is the integration test's job). */
function packedFiles(directory: PackageDirectory): string[] {
    const output = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
        cwd: path.join(REPO_ROOT, directory),
        encoding: "utf8",
    });
    const [result] = JSON.parse(output) as { files: { path: string }[] }[];
    return result.files.map((file) => file.path);
}

/** The oldest Node.js the packages support: 20.19, the floor of what their own dependencies accept on Node.js 20. */
const OLDEST_NODE = "20.19.0";

describe("packages: manifests and contents", () => {
    const root = manifest(".");

    it("the plugin at the repository root serves the component package's version", () => {
        const component = manifest("components");
        assert.equal(root.version, component.version, "bump package.json and components/package.json together");
        const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "components", "schema.json"), "utf8")) as {
            version: string;
            name: string;
        };
        assert.equal(schema.version, component.version, "run `npm run schema` after a version bump");
        // The plugin's name is the bare package name: a scope would become a schema namespace and rename every SDK.
        assert.equal(root.name, "background-worker");
        assert.equal(schema.name, "background-worker");
    });

    it("each package names its repository, directory, documentation and tracker, as npm shows them and provenance needs", () => {
        const repository = root.repository?.url;
        assert.match(repository ?? "", /^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
        const web = (repository ?? "").replace(/^git\+/, "").replace(/\.git$/, "");
        for (const directory of PACKAGE_DIRECTORIES) {
            const pkg = manifest(directory);
            assert.deepEqual(pkg.repository, { type: "git", url: repository, directory }, `${pkg.name} repository`);
            assert.ok(
                pkg.homepage?.startsWith(`${web}/`) || pkg.homepage?.startsWith(`${web}#`),
                `${pkg.name} homepage`,
            );
            assert.deepEqual(pkg.bugs, { url: `${web}/issues` }, `${pkg.name} bugs`);
            const page = /\/blob\/main\/(.+)$/.exec(pkg.homepage ?? "")?.[1];
            if (page) {
                assert.ok(fs.existsSync(path.join(REPO_ROOT, page)), `${pkg.name}'s homepage ${page} exists`);
            }
        }
    });

    it("every typed subpath export also resolves under moduleResolution node, which `pulumi new` projects use", () => {
        const component = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "components", "package.json"), "utf8")) as {
            exports: Record<string, string | { types?: string }>;
            typesVersions?: Record<string, Record<string, string[]>>;
        };
        const subpaths = Object.entries(component.exports).filter(
            ([subpath, target]) => subpath !== "." && typeof target === "object" && target.types,
        );
        assert.ok(subpaths.some(([subpath]) => subpath === "./testing"));
        for (const [subpath, target] of subpaths) {
            const types = (target as { types: string }).types;
            assert.deepEqual(
                component.typesVersions?.["*"]?.[subpath.slice(2)],
                [types],
                `typesVersions maps ${subpath}`,
            );
        }
    });

    it("the component depends only on what it imports, as peers, so a consumer keeps one Pulumi SDK", () => {
        const component = manifest("components");
        assert.deepEqual(component.dependencies ?? {}, {});
        assert.deepEqual(Object.keys(component.peerDependencies ?? {}).sort(), ["@pulumi/aws", "@pulumi/pulumi"]);
    });

    it("the runtime depends on the SQS client only, never on Pulumi", () => {
        const runtime = manifest("worker");
        assert.deepEqual(Object.keys(runtime.dependencies ?? {}), ["@aws-sdk/client-sqs"]);
        assert.deepEqual(runtime.peerDependencies ?? {}, {});
    });

    it("awsx belongs to the example program only", () => {
        assert.ok(root.dependencies?.["@pulumi/awsx"], "the example program uses awsx for its VPC");
        for (const directory of PACKAGE_DIRECTORIES) {
            const pkg = manifest(directory);
            assert.equal(
                { ...pkg.dependencies, ...pkg.peerDependencies }["@pulumi/awsx"],
                undefined,
                `${pkg.name} does not need awsx`,
            );
        }
    });

    it("the example program consumes the component by its package name", () => {
        const program = fs.readFileSync(path.join(REPO_ROOT, "index.ts"), "utf8");
        assert.match(program, /from "@background-worker\/pulumi"/);
        assert.equal(root.dependencies?.["@background-worker/pulumi"], manifest("components").version);
    });

    it("the policy pack installs on its own, from its own lock file, outside the workspaces", () => {
        assert.ok(
            !(root.workspaces ?? []).includes("policy"),
            "inside a workspace npm would write only the root lock file",
        );
        const pack = manifest("policy");
        const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policy", "package-lock.json"), "utf8")) as {
            packages: Record<
                string,
                { version?: string; dependencies?: Record<string, string>; engines?: { node?: string } }
            >;
        };
        assert.deepEqual(
            lock.packages[""].dependencies,
            pack.dependencies,
            "run `npm install --package-lock-only` in policy/",
        );
        for (const [location, entry] of Object.entries(lock.packages)) {
            const range = entry.engines?.node;
            if (location !== "" && range) {
                assert.ok(
                    semver.satisfies(OLDEST_NODE, range),
                    `${location}@${entry.version} requires Node.js ${range}`,
                );
            }
        }
    });

    for (const directory of PACKAGE_DIRECTORIES) {
        describe(directory, () => {
            const pkg = manifest(directory);

            it("supports Node.js 20", () => {
                assert.ok(
                    pkg.engines?.node && semver.satisfies(OLDEST_NODE, pkg.engines.node),
                    `engines.node is ${pkg.engines?.node}`,
                );
            });

            it("ships compiled code, types, maps and its docs, and nothing else from the repository", () => {
                const files = packedFiles(directory);
                const allowed =
                    /^(dist\/.+\.(js|js\.map|d\.ts)|package\.json|README\.md|CHANGELOG\.md|LICENSE|schema\.json|PulumiPolicy\.yaml|policy-config\.prod\.json|(pack|policies)\/package\.json)$/;
                const unexpected = files.filter((file) => !allowed.test(file));
                assert.deepEqual(unexpected, [], `${pkg.name} would ship ${unexpected.join(", ")}`);
                assert.ok(
                    !files.some((file) => /\.ts$/.test(file) && !file.endsWith(".d.ts")),
                    "no TypeScript sources",
                );
                for (const required of ["package.json", "README.md", "CHANGELOG.md", "LICENSE"]) {
                    assert.ok(files.includes(required), `${pkg.name} ships ${required}`);
                }
            });

            it("records its current version in its CHANGELOG", () => {
                const changelog = fs.readFileSync(path.join(REPO_ROOT, directory, "CHANGELOG.md"), "utf8");
                const latest = /^## (\S+)/m.exec(changelog);
                assert.equal(latest?.[1], pkg.version, "the newest CHANGELOG entry is the package's version");
            });
        });
    }
});
