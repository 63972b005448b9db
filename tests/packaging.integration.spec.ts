// The packages as a user gets them: `npm pack` each one, install the tarballs into fresh projects outside the
// repository (no workspace symlinks, no repo tsconfig, no ts-node flags) with the README's own install commands, and
// use them the way the README says. CONSUMER_NODE=<path to a node binary> runs the fresh projects (npm included) on
// another Node.js version: `npm run test:node-matrix` does that for each supported one.
import * as assert from "node:assert/strict";
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { packedPackages, PackedPackage, REPO_ROOT } from "../tooling/packages";
import { policies } from "../policy/policies";
import { startMotoServer, MotoServer } from "../tooling/moto";
import { installCommands, markedBlock, runQuickStartFromSource, quickStartProgram } from "./support/quickStart";
import { createQueues, sqsClient, TEST_AWS_ENVIRONMENT } from "../tooling/sqsQueues";

const FIXTURES = path.join(__dirname, "packaging", "consumer");
/** The runtime goes into container images: its whole install must stay small. */
const RUNTIME_INSTALL_LIMIT_BYTES = 25 * 1024 * 1024;
const INSTALL_TIMEOUT_MS = 5 * 60_000;
/** tsc and mocha in the fresh project take over a minute on a loaded machine. */
const COMMAND_TIMEOUT_MS = 4 * 60_000;
/** The Node.js binary the fresh projects run on; npm runs on it too, since its directory comes first on PATH. */
const CONSUMER_NODE = process.env.CONSUMER_NODE ?? process.execPath;
const CONSUMER_NODE_MAJOR = Number(
    /^v(\d+)\./.exec(execFileSync(CONSUMER_NODE, ["--version"], { encoding: "utf8" }))?.[1],
);
/** The README's install commands assume the clone and the user's project side by side. */
const CLONE = "background-worker";
const PROJECT = "my-project";
/** The unit-testing recipe the consumer project follows. */
const TESTING_DOC = "docs/testing.md";

interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

function run(
    command: string,
    args: string[],
    cwd: string,
    env: NodeJS.ProcessEnv = {},
    timeoutMs = COMMAND_TIMEOUT_MS,
): Promise<Run> {
    return new Promise((resolve) => {
        execFile(
            command,
            args,
            {
                cwd,
                env: {
                    ...process.env,
                    PATH: `${path.dirname(CONSUMER_NODE)}${path.delimiter}${process.env.PATH}`,
                    // From npm's cache where it has the package (the repository's install filled it).
                    npm_config_prefer_offline: "true",
                    npm_config_audit: "false",
                    npm_config_fund: "false",
                    ...env,
                },
                timeout: timeoutMs,
                maxBuffer: 64 * 1024 * 1024,
            },
            (error, stdout, stderr) => {
                const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
                // A command killed for running past `timeoutMs` prints nothing: say so.
                const killed = error?.killed ? `\n(killed by ${error.signal} after ${timeoutMs} ms)` : "";
                resolve({ code, stdout, stderr: stderr + killed });
            },
        );
    });
}

function assertSucceeded(result: Run, what: string): void {
    assert.equal(
        result.code,
        0,
        `${what} failed (exit ${result.code}):\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`,
    );
}

/** A shell command as a user types it, run in `directory`. */
async function shell(command: string, directory: string): Promise<void> {
    assertSucceeded(await run("bash", ["-euo", "pipefail", "-c", command], directory, {}, INSTALL_TIMEOUT_MS), command);
}

/**
 * The README's install commands, in `project`: a fresh project beside the clone, whose packs/ holds what
 * `npm run pack` wrote. Of the component installs, those marked for the Node.js version the project runs on.
 */
async function installAsTheReadmeSays(project: string): Promise<string[]> {
    const commands = installCommands();
    assert.match(commands[0], new RegExp(`^git clone \\S+/${CLONE}\\.git$`));
    assert.match(commands[1], new RegExp(`^\\(cd ${CLONE} && npm ci && npm run pack\\)`), "the clone packs");
    assert.match(commands[2], new RegExp(`^cd ${PROJECT}\\b`));
    const installs = commands.slice(3).filter((command) => {
        const versions = /# Node\.js ([\d, ]+)$/.exec(command)?.[1];
        return versions === undefined || versions.split(/,\s*/).map(Number).includes(CONSUMER_NODE_MAJOR);
    });
    assert.ok(
        installs.some((command) => command.startsWith("npm install ./vendor/background-worker-pulumi-")),
        `the README says how to install the component on Node.js ${CONSUMER_NODE_MAJOR}`,
    );
    for (const command of installs) {
        await shell(command, project);
    }
    return installs;
}

function writeJson(file: string, value: unknown): void {
    fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function directorySize(directory: string): number {
    let total = 0;
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
        const full = path.join(directory, entry.name);
        total += entry.isDirectory() ? directorySize(full) : entry.isFile() ? fs.statSync(full).size : 0;
    }
    return total;
}

describe(`packaging: the npm packages in a fresh project on Node.js ${CONSUMER_NODE_MAJOR}`, function () {
    this.timeout(INSTALL_TIMEOUT_MS * 2);

    let workspace: string;
    let packed: Record<string, PackedPackage>;
    /** A Pulumi TypeScript project with all three packages, installed as the README says. */
    let consumer: string;
    /** A container image's install: the runtime alone, production dependencies only. */
    let image: string;

    before(async function () {
        workspace = fs.mkdtempSync(path.join(os.tmpdir(), "bw-consumer-"));
        // What `npm run pack` writes in a clone: the run's tarballs (packed once per change of the packages' inputs),
        // copied where the clone's packs/ would be.
        const packs = path.join(workspace, CLONE, "packs");
        fs.mkdirSync(packs, { recursive: true });
        packed = Object.fromEntries(
            packedPackages().map((pkg) => {
                const tarball = path.join(packs, path.basename(pkg.tarball));
                fs.copyFileSync(pkg.tarball, tarball);
                return [pkg.directory, { ...pkg, tarball }];
            }),
        );

        // A project as `pulumi new aws-typescript` starts one, then the README's install commands.
        consumer = path.join(workspace, PROJECT);
        fs.mkdirSync(consumer);
        writeJson(path.join(consumer, "package.json"), {
            name: PROJECT,
            main: "index.ts",
            devDependencies: { "@types/node": `^${CONSUMER_NODE_MAJOR}` },
        });
        await installAsTheReadmeSays(consumer);
        // The runtime and the pack, installed as the README's install section says; ts-node runs the harness.
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        const others = [packed.worker, packed.policy].map((pkg) => `./vendor/${path.basename(pkg.tarball)}`);
        for (const tarball of others) {
            assert.ok(readme.includes(`npm install ${tarball}`), `the README installs ${tarball}`);
        }
        await shell(`npm install ${others.join(" ")}`, consumer);
        // docs/testing.md's recipe: its install line, its test file; ts-node also runs the harness.
        await shell(markedBlock(TESTING_DOC, "testing: install", "bash").trim(), consumer);
        fs.mkdirSync(path.join(consumer, "test"));
        fs.writeFileSync(
            path.join(consumer, "test", "index.spec.ts"),
            markedBlock(TESTING_DOC, "testing: test/index\\.spec\\.ts", "ts"),
        );
        for (const file of ["run.ts", "runtime.ts", "literals.ts", "tsconfig.json", "config.json", "worker.js"]) {
            fs.copyFileSync(path.join(FIXTURES, file), path.join(consumer, file));
        }
        fs.writeFileSync(path.join(consumer, "index.ts"), quickStartProgram());

        image = path.join(workspace, "image");
        fs.mkdirSync(image);
        writeJson(path.join(image, "package.json"), {
            name: "image",
            version: "1.0.0",
            private: true,
            dependencies: { "@background-worker/runtime": `file:${packed.worker.tarball}` },
        });
        fs.copyFileSync(path.join(FIXTURES, "worker.js"), path.join(image, "worker.js"));
        await shell("npm install --omit=dev", image);
    });

    after(() => {
        if (workspace) {
            fs.rmSync(workspace, { recursive: true, force: true });
        }
    });

    it("installs the newest @pulumi/pulumi the project's Node.js supports, and one copy of it", () => {
        const installed = (pkg: string) =>
            (
                JSON.parse(fs.readFileSync(path.join(consumer, "node_modules", pkg, "package.json"), "utf8")) as {
                    version: string;
                }
            ).version;
        const pulumi = installed("@pulumi/pulumi");
        if (CONSUMER_NODE_MAJOR === 20) {
            assert.match(pulumi, /^3\.248\./, "on Node.js 20, the last release that supports it");
        } else {
            assert.ok(Number(pulumi.split(".")[1]) > 248, `on Node.js ${CONSUMER_NODE_MAJOR}, a newer one: ${pulumi}`);
        }
        for (const pkg of ["@background-worker/pulumi", "@background-worker/policy"]) {
            const nested = path.join(consumer, "node_modules", pkg, "node_modules", "@pulumi", "pulumi");
            assert.ok(!fs.existsSync(nested), `${pkg} brought its own @pulumi/pulumi (${nested})`);
        }
        const manifest = JSON.parse(fs.readFileSync(path.join(consumer, "package.json"), "utf8")) as {
            dependencies: Record<string, string>;
        };
        assert.match(manifest.dependencies["@background-worker/pulumi"], /^file:vendor\/background-worker-pulumi-/);
    });

    it("(a) runs the README's quick start with ts-node's default options and registers what the repository's component registers", async () => {
        const result = await run(path.join(consumer, "node_modules", ".bin", "ts-node"), ["run.ts"], consumer);
        assertSucceeded(result, "ts-node run.ts");
        assert.doesNotMatch(result.stderr + result.stdout, /warning/i, "the quick start runs without a warning");
        const lines = result.stdout.trim().split("\n");
        const fromPackage = (JSON.parse(lines[lines.length - 1]) as { type: string; name: string }[])
            .map((r) => `${r.type} ${r.name}`)
            .sort();

        // The same program against the repository's source, under the repository's mocks.
        const { resources } = await runQuickStartFromSource();
        const fromSource = resources
            .filter((r) => r.type !== "pulumi:pulumi:Stack")
            .map((r) => `${r.type} ${r.name}`)
            .sort();
        assert.ok(fromSource.length >= 15, `the quick start builds a whole worker (${fromSource.length} resources)`);
        assert.deepEqual(fromPackage, fromSource);
    });

    it("(f) passes the unit test docs/testing.md gives, with the shipped mocks, run as the page says", async () => {
        const command = markedBlock(TESTING_DOC, "testing: run", "bash").trim();
        assert.match(command, /^npx mocha /);
        const result = await run("bash", ["-euo", "pipefail", "-c", command], consumer);
        assertSucceeded(result, command);
        assert.match(result.stdout, /\b2 passing\b/);
        assert.doesNotMatch(result.stdout, /failing|pending/);
    });

    it("(b) type-checks against the shipped .d.ts files with tsc --noEmit, choices written as strings included", async () => {
        const result = await run(path.join(consumer, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", "."], consumer);
        assertSucceeded(result, "tsc --noEmit");
    });

    it("(c) loads the component's compiled JavaScript from plain node", async () => {
        const script =
            'const m = require("@background-worker/pulumi"); const file = require.resolve("@background-worker/pulumi");' +
            "console.log(JSON.stringify({ file, BackgroundWorker: typeof m.BackgroundWorker, WorkerCluster: typeof m.WorkerCluster }));";
        const result = await run(CONSUMER_NODE, ["-e", script], consumer);
        assertSucceeded(result, "node -e require(component)");
        const loaded = JSON.parse(result.stdout) as { file: string; BackgroundWorker: string; WorkerCluster: string };
        assert.match(loaded.file, /\.js$/, "resolves to JavaScript, not TypeScript");
        assert.equal(loaded.BackgroundWorker, "function");
        assert.equal(loaded.WorkerCluster, "function");
    });

    describe("(d) the runtime installed alone for a container image", () => {
        let moto: MotoServer;
        before(async () => {
            moto = await startMotoServer();
        });
        after(async () => {
            await moto?.stop();
        });

        it(`pulls in no @pulumi package and weighs under ${RUNTIME_INSTALL_LIMIT_BYTES / 1024 / 1024} MB`, () => {
            const modules = path.join(image, "node_modules");
            assert.ok(!fs.existsSync(path.join(modules, "@pulumi")), "no @pulumi/* in the image's node_modules");
            const size = directorySize(modules);
            assert.ok(size < RUNTIME_INSTALL_LIMIT_BYTES, `node_modules is ${(size / 1024 / 1024).toFixed(1)} MB`);
        });

        it("processes every message of a real SQS queue from plain node", async () => {
            const sqs = sqsClient(moto.endpoint);
            const { queueUrl } = await createQueues(sqs, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
            const bodies = Array.from({ length: 30 }, (_, i) => `job-${String(i).padStart(2, "0")}`);
            for (let i = 0; i < bodies.length; i += 10) {
                await sqs.send(
                    new SendMessageBatchCommand({
                        QueueUrl: queueUrl,
                        Entries: bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body })),
                    }),
                );
            }
            const result = await run(
                CONSUMER_NODE,
                ["worker.js"],
                image,
                {
                    ...TEST_AWS_ENVIRONMENT,
                    AWS_ENDPOINT_URL_SQS: moto.endpoint,
                    QUEUE_URL: queueUrl,
                    EXPECTED_MESSAGES: String(bodies.length),
                },
                60_000,
            );
            assertSucceeded(result, "node worker.js");
            const lines = result.stdout.trim().split("\n");
            assert.deepEqual(JSON.parse(lines[lines.length - 1]), bodies);
        });
    });

    it("(e) serves the policy pack's policies from its tarball", async () => {
        const script =
            'console.log(JSON.stringify(require("@background-worker/policy/policies").policies.map((p) => p.name)));';
        const result = await run(CONSUMER_NODE, ["-e", script], consumer);
        assertSucceeded(result, "node -e require(policies)");
        assert.deepEqual(
            JSON.parse(result.stdout),
            policies.map((policy) => policy.name),
        );
    });
});
