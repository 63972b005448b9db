// Packaging checked by the tools made for it, for each npm package this repository publishes:
// - depcheck: the package imports nothing it does not declare, and declares nothing it does not import;
// - publint: package.json's entry points, exports and files describe what the tarball really holds;
// - arethetypeswrong: every entry point resolves to JavaScript and to matching types under node10, node16 and bundlers.
//   npm run lint:packages
import { spawnSync } from "child_process";
import * as path from "path";
import { parseFlags, runMain } from "../tooling/cli";
import { PACKAGE_DIRECTORIES, packedPackages, REPO_ROOT } from "../tooling/packages";

export interface PackageCheck {
    /** What is checked, for a report line. */
    name: string;
    /** An executable in node_modules/.bin. */
    tool: string;
    /** Its arguments; read when the check runs, since some name a tarball that may still have to be packed. */
    args(): string[];
}

/** The tarball of the package in `directory`, from the packs the tests share (tooling/packages.ts). */
function tarball(directory: string): string {
    const packed = packedPackages().find((entry) => entry.directory === directory);
    if (!packed) {
        throw new Error(`no tarball for ${directory}`);
    }
    return packed.tarball;
}

/** Paths depcheck must not read in the repository root: the packages (checked on their own), build output, fixtures. */
const ROOT_DEPCHECK_IGNORES = [
    "dist",
    "/packs",
    "/examples",
    "/tests/packaging/consumer",
    ...PACKAGE_DIRECTORIES.map((dir) => `/${dir}`),
];

/** The linters themselves: the root declares them, and this script (not an import) runs them. */
const LINT_TOOLS = ["depcheck", "publint", "@arethetypeswrong/cli"];

export const PACKAGE_CHECKS: PackageCheck[] = [
    ...PACKAGE_DIRECTORIES.flatMap((dir): PackageCheck[] => [
        { name: `depcheck ${dir}`, tool: "depcheck", args: () => [dir, "--ignore-patterns=dist,node_modules"] },
        // publint and attw read the packed tarball: exactly the files a registry would serve.
        { name: `publint ${dir}`, tool: "publint", args: () => ["--strict", tarball(dir)] },
        { name: `attw ${dir}`, tool: "attw", args: () => [tarball(dir), "--profile", "strict"] },
    ]),
    {
        name: "depcheck (repository root: the example program, scripts and tests)",
        tool: "depcheck",
        args: () => [".", `--ignore-patterns=${ROOT_DEPCHECK_IGNORES.join(",")}`, `--ignores=${LINT_TOOLS.join(",")}`],
    },
];

export interface CheckResult {
    check: PackageCheck;
    ok: boolean;
    output: string;
}

export function runCheck(check: PackageCheck): CheckResult {
    const result = spawnSync(path.join(REPO_ROOT, "node_modules", ".bin", check.tool), check.args(), {
        cwd: REPO_ROOT,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
    });
    return { check, ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

function main(argv: string[]): number {
    parseFlags("lint:packages", argv, {});
    let failed = 0;
    for (const check of PACKAGE_CHECKS) {
        const result = runCheck(check);
        process.stdout.write(`${result.ok ? "ok  " : "FAIL"} ${check.name}\n`);
        if (!result.ok) {
            failed += 1;
            process.stdout.write(`${result.output.replace(/^/gm, "     ")}\n`);
        }
    }
    return failed === 0 ? 0 : 1;
}

runMain(module, main);
