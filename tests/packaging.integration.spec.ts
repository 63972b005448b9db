// The packages as a user gets them: `npm pack` each one, install the tarballs into fresh projects outside the
// repository (no workspace symlinks, no repo tsconfig, no ts-node flags), and use them the way the README says.
import * as assert from "node:assert/strict";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { packAll, PackedPackage, REPO_ROOT } from "../scripts/pack";
import { policies } from "../policy/policies";
import { startMotoServer, MotoServer } from "../tooling/moto";
import { runQuickStartFromSource, quickStartProgram } from "./support/quickStart";
import { createQueues, sqsClient, TEST_AWS_ENVIRONMENT } from "../tooling/sqsQueues";

const FIXTURES = path.join(__dirname, "packaging", "consumer");
/** The runtime goes into container images: its whole install must stay small. */
const RUNTIME_INSTALL_LIMIT_BYTES = 25 * 1024 * 1024;
const INSTALL_TIMEOUT_MS = 5 * 60_000;

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
    timeoutMs = 120_000,
): Promise<Run> {
    return new Promise((resolve) => {
        execFile(
            command,
            args,
            { cwd, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => {
                const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
                resolve({ code, stdout, stderr });
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

/** The exact version the repository's lock file installs, so the fresh project gets what the tests ran against. */
function lockedVersion(name: string): string {
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as {
        packages: Record<string, { version: string }>;
    };
    return lock.packages[`node_modules/${name}`].version;
}

/** npm install in `directory`, from npm's cache where it has the package (the repository's install filled it). */
async function npmInstall(directory: string, extraArgs: string[] = []): Promise<void> {
    const result = await run(
        "npm",
        ["install", "--prefer-offline", "--no-audit", "--no-fund", ...extraArgs],
        directory,
        {},
        INSTALL_TIMEOUT_MS,
    );
    assertSucceeded(result, `npm install in ${directory}`);
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

describe("packaging: the npm packages in a fresh project", function () {
    this.timeout(INSTALL_TIMEOUT_MS * 2);

    let workspace: string;
    let packed: Record<string, PackedPackage>;
    /** A Pulumi TypeScript project with all three packages, as the README's quick start sets it up. */
    let consumer: string;
    /** A container image's install: the runtime alone, production dependencies only. */
    let image: string;

    before(async function () {
        workspace = fs.mkdtempSync(path.join(os.tmpdir(), "bw-consumer-"));
        packed = Object.fromEntries(packAll(path.join(workspace, "packs")).map((pkg) => [pkg.directory, pkg]));

        consumer = path.join(workspace, "consumer");
        fs.mkdirSync(consumer);
        writeJson(path.join(consumer, "package.json"), {
            name: "consumer",
            version: "1.0.0",
            private: true,
            dependencies: {
                "@background-worker/pulumi": `file:${packed.components.tarball}`,
                "@background-worker/runtime": `file:${packed.worker.tarball}`,
                "@background-worker/policy": `file:${packed.policy.tarball}`,
                "@pulumi/pulumi": lockedVersion("@pulumi/pulumi"),
                "@pulumi/aws": lockedVersion("@pulumi/aws"),
            },
            devDependencies: {
                typescript: lockedVersion("typescript"),
                "ts-node": lockedVersion("ts-node"),
                "@types/node": lockedVersion("@types/node"),
            },
        });
        for (const file of ["run.ts", "runtime.ts", "tsconfig.json", "config.json", "worker.js"]) {
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

        await npmInstall(consumer);
        await npmInstall(image, ["--omit=dev"]);
    });

    after(() => {
        if (workspace) {
            fs.rmSync(workspace, { recursive: true, force: true });
        }
    });

    it("installs one copy of the Pulumi SDK: the component's peer, not a private copy", () => {
        for (const pkg of ["@background-worker/pulumi", "@background-worker/policy"]) {
            const nested = path.join(consumer, "node_modules", pkg, "node_modules", "@pulumi", "pulumi");
            assert.ok(!fs.existsSync(nested), `${pkg} brought its own @pulumi/pulumi (${nested})`);
        }
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

    it("(b) type-checks against the shipped .d.ts files with tsc --noEmit", async () => {
        const result = await run(path.join(consumer, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", "."], consumer);
        assertSucceeded(result, "tsc --noEmit");
    });

    it("(c) loads the component's compiled JavaScript from plain node", async () => {
        const script =
            'const m = require("@background-worker/pulumi"); const file = require.resolve("@background-worker/pulumi");' +
            "console.log(JSON.stringify({ file, BackgroundWorker: typeof m.BackgroundWorker, WorkerCluster: typeof m.WorkerCluster }));";
        const result = await run(process.execPath, ["-e", script], consumer);
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
                process.execPath,
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
        const result = await run(process.execPath, ["-e", script], consumer);
        assertSucceeded(result, "node -e require(policies)");
        assert.deepEqual(
            JSON.parse(result.stdout),
            policies.map((policy) => policy.name),
        );
    });
});
