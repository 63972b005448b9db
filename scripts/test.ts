// `npm test`: everything the project proves, in one command that ends with `tests: N passed, N failed`.
//   npm test [-- --unit | --integration] [--jobs N]   (N: integration spec files at once; CPUs + 1 by default)
// It builds the packages and packs them once (tooling/packages.ts: the packaging specs share those tarballs), then runs
// ESLint, the Prettier check and the type check together, then, at the same time, the unit specs in one mocha process
// (they share one Pulumi runtime and one schema program) and the *.integration.spec.ts files in a parallel mocha,
// several files at once and the slowest first, since most of their time is spent waiting on servers and child
// processes. Each part's output is printed when it ends; the summary line counts every test of both mocha runs once.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseFlags, runMain, UsageError } from "../tooling/cli";
import { packedPackages, REPO_ROOT } from "../tooling/packages";

const UNIT_SPECS = ["tests/**/*.spec.ts", "--ignore", "tests/**/*.integration.spec.ts"];
/**
 * The integration spec files that take longest, started first so that the run does not end waiting on a long one that
 * started last (mocha's parallel mode starts files in the order given). Seconds each took alone on the 2-core machine,
 * quiet: consumer 45, lowerBound 37, packaging 36, shutdown 34, policy package 31, policy runner 30, loss 28, bench 22;
 * every other file takes under 20 s and follows in name order.
 */
const SLOWEST_INTEGRATION_SPECS = [
    "tests/worker/consumer.integration.spec.ts",
    "tests/simulator/lowerBound.integration.spec.ts",
    "tests/packaging.integration.spec.ts",
    "tests/worker/shutdown.integration.spec.ts",
    "tests/policy/package.integration.spec.ts",
    "tests/policy/runner.integration.spec.ts",
    "tests/worker/loss.integration.spec.ts",
    "tests/simulator/bench.integration.spec.ts",
];

/** Every `*.integration.spec.ts` under tests/, the slowest first. */
function integrationSpecs(): string[] {
    const found = fs
        .readdirSync(path.join(REPO_ROOT, "tests"), { recursive: true, encoding: "utf8" })
        .filter((file) => file.endsWith(".integration.spec.ts"))
        .map((file) => path.posix.join("tests", file.split(path.sep).join("/")))
        .sort();
    const gone = SLOWEST_INTEGRATION_SPECS.filter((file) => !found.includes(file));
    if (gone.length > 0) {
        throw new Error(`scripts/test.ts lists integration specs that are not there: ${gone.join(", ")}`);
    }
    return [...SLOWEST_INTEGRATION_SPECS, ...found.filter((file) => !SLOWEST_INTEGRATION_SPECS.includes(file))];
}
/**
 * How many integration spec files run at once: one more than there are CPUs, since they mostly wait (moto, child
 * processes, npm install); on a machine already busier than twice its CPUs, as many as there are CPUs, so their
 * timers are not starved.
 */
function defaultJobs(): number {
    const cpus = os.cpus().length;
    return os.loadavg()[0] > 2 * cpus ? cpus : cpus + 1;
}

interface Summary {
    passes: number;
    failures: number;
    pending: number;
}

interface PartResult {
    name: string;
    code: number | null;
    seconds: number;
    /** A mocha part's counts; a mocha part without them did not finish its run. */
    summary?: Summary;
    isMocha: boolean;
}

/** Runs one part with its output captured, and prints that output, under a header, as soon as the part ends. */
function runPart(name: string, command: string, args: string[], summaryFile?: string): Promise<PartResult> {
    const started = Date.now();
    return new Promise((resolve) => {
        const child = spawn(command, args, {
            cwd: REPO_ROOT,
            env: { ...process.env, ...(summaryFile ? { TEST_SUMMARY_FILE: summaryFile } : {}) },
            stdio: ["ignore", "pipe", "pipe"],
        });
        const output: Buffer[] = [];
        child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
        child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
        child.once("close", (code) => {
            const seconds = (Date.now() - started) / 1000;
            const text = Buffer.concat(output).toString("utf8").trimEnd();
            const status = code === 0 ? "passed" : `failed (exit ${code})`;
            process.stdout.write(`\n=== ${name}: ${status} in ${seconds.toFixed(0)} s\n${text ? `${text}\n` : ""}`);
            const summary =
                summaryFile && fs.existsSync(summaryFile)
                    ? (JSON.parse(fs.readFileSync(summaryFile, "utf8")) as Summary)
                    : undefined;
            resolve({ name, code, seconds, summary, isMocha: summaryFile !== undefined });
        });
    });
}

function npmScript(name: string, script: string): Promise<PartResult> {
    return runPart(name, "npm", ["run", script, "--silent"]);
}

function mocha(name: string, specs: string[], extra: string[], summaryFile: string): Promise<PartResult> {
    const bin = path.join(REPO_ROOT, "node_modules", ".bin", "mocha");
    return runPart(name, bin, ["--config", ".mocharc.json", ...extra, ...specs], summaryFile);
}

const FLAGS = {
    unit: { type: "boolean" },
    integration: { type: "boolean" },
    jobs: { type: "string", value: "n" },
} as const;

async function main(argv: string[]): Promise<number> {
    const { flags } = parseFlags("test", argv, FLAGS);
    const both = !flags.unit && !flags.integration;
    const jobs = flags.jobs === undefined ? defaultJobs() : Number(flags.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) {
        throw new UsageError(`test: --jobs takes a whole number of at least 1; got ${JSON.stringify(flags.jobs)}`);
    }
    const started = Date.now();
    const loadAtStart = os.loadavg()[0];

    const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: REPO_ROOT, stdio: "inherit" });
    if (build.status !== 0) {
        process.stdout.write("\ntests: 0 passed, 0 failed (the build failed)\n");
        return 1;
    }
    const summaries = fs.mkdtempSync(path.join(os.tmpdir(), "bw-test-"));
    try {
        if (both || flags.integration) {
            // First: packing rebuilds each package's dist/, which the type check and the specs read.
            const packStarted = Date.now();
            try {
                packedPackages();
            } catch (error) {
                process.stdout.write(`\npacking failed: ${(error as Error).message}\n\ntests: 0 passed, 0 failed\n`);
                return 1;
            }
            const packSeconds = ((Date.now() - packStarted) / 1000).toFixed(0);
            process.stdout.write(`packed the packages, or found them packed, in ${packSeconds} s\n`);
        }
        // Then the static checks, together; then the specs, on their own, so a spec's timers are not starved by the
        // type checker.
        const checked = await Promise.all(
            both
                ? [
                      npmScript("ESLint", "lint"),
                      npmScript("Prettier", "format:check"),
                      npmScript("typecheck", "typecheck"),
                  ]
                : [],
        );
        const specs: Promise<PartResult>[] = [];
        if (both || flags.unit) {
            specs.push(mocha("unit specs", UNIT_SPECS, [], path.join(summaries, "unit.json")));
        }
        if (both || flags.integration) {
            const summary = path.join(summaries, "integration.json");
            process.stdout.write(`integration specs: ${jobs} file(s) at once\n`);
            specs.push(mocha("integration specs", integrationSpecs(), ["--parallel", "--jobs", String(jobs)], summary));
        }
        const results = [...checked, ...(await Promise.all(specs))];

        const total: Summary = { passes: 0, failures: 0, pending: 0 };
        for (const result of results.filter((part) => part.summary)) {
            total.passes += result.summary?.passes ?? 0;
            total.failures += result.summary?.failures ?? 0;
            total.pending += result.summary?.pending ?? 0;
        }
        const failedParts = results.filter((part) => part.code !== 0 || (part.isMocha && !part.summary));
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        process.stdout.write(
            `\n${results.map((part) => `${part.name} ${part.seconds.toFixed(0)} s`).join(", ")}; ` +
                `${seconds} s in all, load average ${loadAtStart.toFixed(1)} at the start and ${os.loadavg()[0].toFixed(1)} at the end\n`,
        );
        if (failedParts.length > 0) {
            process.stdout.write(`failed: ${failedParts.map((part) => part.name).join(", ")}\n`);
        }
        const skipped = total.pending > 0 ? `, ${total.pending} skipped` : "";
        process.stdout.write(`\ntests: ${total.passes} passed, ${total.failures} failed${skipped}\n`);
        return failedParts.length > 0 || total.failures > 0 ? 1 : 0;
    } finally {
        fs.rmSync(summaries, { recursive: true, force: true });
    }
}

runMain(module, main);
