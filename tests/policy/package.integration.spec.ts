// The policy pack as a platform team's CI job gets it: `npm pack` of policy/, installed from the tarball into a pack
// directory of the team's own (its package.json, PulumiPolicy.yaml and a two-line index.js, committed with a lock
// file), `npm ci` there as the CI job runs it, and then the pack judged the way the Pulumi CLI judges with
// `pulumi preview --policy-pack ./policy-pack --policy-pack-config <file>`: served from that directory and asked over
// gRPC. The Pulumi CLI is not installed here, so the offline runner (`--policy-pack`) plays the engine, running the
// stack's program under mocks; a stack that breaks a mandatory policy must fail and one that keeps them all must pass.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packedPackages, REPO_ROOT } from "../../tooling/packages";

const PROGRAMS = path.join(__dirname, "programs");
const INSTALL_TIMEOUT_MS = 5 * 60_000;

interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

function run(command: string, args: string[], cwd: string, timeoutMs = 180_000): Promise<Run> {
    return new Promise((resolve) => {
        execFile(
            command,
            args,
            {
                cwd,
                env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
                timeout: timeoutMs,
                maxBuffer: 64 * 1024 * 1024,
            },
            (error, stdout, stderr) =>
                resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
        );
    });
}

function succeeded(result: Run, what: string): void {
    assert.equal(
        result.code,
        0,
        `${what} failed (exit ${result.code}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
    );
}

/** The version the repository's lock installs, so the fresh project gets the SDK the tests ran against. */
function lockedVersion(name: string): string {
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as {
        packages: Record<string, { version: string }>;
    };
    return lock.packages[`node_modules/${name}`].version;
}

/** `npm run policy` with the pack served from `packDirectory`, as `pulumi preview --policy-pack` serves it. */
function judge(packDirectory: string, program: string, ...extra: string[]): Promise<Run> {
    return run(
        process.execPath,
        [
            "-r",
            "ts-node/register/transpile-only",
            path.join(REPO_ROOT, "scripts", "policy.ts"),
            "--stack",
            "prod",
            "--program",
            path.join(PROGRAMS, program),
            "--policy-pack",
            packDirectory,
            ...extra,
        ],
        REPO_ROOT,
    );
}

describe("the policy pack installed from its tarball, as a CI job runs it", function () {
    this.timeout(INSTALL_TIMEOUT_MS * 2);
    let workspace: string;
    /** The team's pack directory: what `--policy-pack` points at. */
    let packDirectory: string;
    /** The package itself, installed: a pack directory of its own too. */
    let installed: string;
    let install: Run;
    let ci: Run;

    before(async () => {
        workspace = fs.mkdtempSync(path.join(os.tmpdir(), "bw-policy-consumer-"));
        // The tarball every spec of the run shares (tooling/packages.ts).
        const packed = packedPackages().find((entry) => entry.directory === "policy");
        assert.ok(packed, "the policy pack is packed");
        packDirectory = path.join(workspace, "policy-pack");
        fs.mkdirSync(packDirectory);
        fs.writeFileSync(
            path.join(packDirectory, "package.json"),
            JSON.stringify(
                {
                    name: "acme-worker-policies",
                    version: "1.0.0",
                    private: true,
                    main: "index.js",
                    dependencies: {
                        "@background-worker/policy": `file:${packed.tarball}`,
                        "@pulumi/policy": lockedVersion("@pulumi/policy"),
                        "@pulumi/pulumi": lockedVersion("@pulumi/pulumi"),
                    },
                    devDependencies: {
                        typescript: lockedVersion("typescript"),
                        "@types/node": lockedVersion("@types/node"),
                    },
                },
                null,
                2,
            ),
        );
        fs.writeFileSync(path.join(packDirectory, "PulumiPolicy.yaml"), "runtime: nodejs\n");
        fs.writeFileSync(
            path.join(packDirectory, "index.js"),
            'const { backgroundWorkerPolicyPack } = require("@background-worker/policy/pack");\n\nbackgroundWorkerPolicyPack("acme-workers");\n',
        );
        // The same pack in TypeScript, type-checked as Pulumi's templates do (moduleResolution "node").
        fs.writeFileSync(
            path.join(packDirectory, "check.ts"),
            'import { backgroundWorkerPolicyPack } from "@background-worker/policy/pack";\nimport { policies } from "@background-worker/policy/policies";\n\nexport const names = policies.map((policy) => policy.name);\nexport const pack = (): unknown => backgroundWorkerPolicyPack("acme-workers", { settings: { all: "mandatory" } });\n',
        );
        fs.writeFileSync(
            path.join(packDirectory, "tsconfig.json"),
            JSON.stringify({
                compilerOptions: {
                    module: "commonjs",
                    moduleResolution: "node",
                    target: "ES2020",
                    strict: true,
                    noEmit: true,
                    skipLibCheck: true,
                },
                files: ["check.ts"],
            }),
        );
        // Once, by the team, to write the lock file they commit; then what every CI run does.
        install = await run(
            "npm",
            ["install", "--prefer-offline", "--no-audit", "--no-fund"],
            packDirectory,
            INSTALL_TIMEOUT_MS,
        );
        succeeded(install, "npm install");
        fs.rmSync(path.join(packDirectory, "node_modules"), { recursive: true, force: true });
        ci = await run("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], packDirectory, INSTALL_TIMEOUT_MS);
        succeeded(ci, "npm ci");
        installed = path.join(packDirectory, "node_modules", "@background-worker", "policy");
    });

    after(() => {
        if (workspace) {
            fs.rmSync(workspace, { recursive: true, force: true });
        }
    });

    it("installs with npm ci from the team's lock, ships its built pack and prod configuration, and asks npm to run no script of it", () => {
        for (const file of [
            "dist/policy/index.js",
            "dist/policy/pack.d.ts",
            "PulumiPolicy.yaml",
            "policy-config.prod.json",
        ]) {
            assert.ok(fs.existsSync(path.join(installed, file)), `${file} is in the installed package`);
        }
        assert.doesNotMatch(
            install.stdout + install.stderr + ci.stdout + ci.stderr,
            /@background-worker\/policy.*(install|prepare)/,
        );
    });

    it("type-checks the README's import of @background-worker/policy/pack under moduleResolution node", async () => {
        succeeded(
            await run(path.join(packDirectory, "node_modules", ".bin", "tsc"), ["-p", "."], packDirectory),
            "tsc",
        );
    });

    it("fails a stack that breaks a mandatory policy, judged by the installed pack over gRPC", async () => {
        const result = await judge(packDirectory, "broken-stack.ts");
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stdout, /served over gRPC/);
        assert.match(result.stdout, /✖ mandatory {2}sqs-has-dead-letter-queue: Queue orders-\w+ has no redrive policy/);
        assert.match(result.stdout, /FAILED: a mandatory policy is violated\.$/m);
    });

    it("passes a stack that keeps every policy, under the shipped prod configuration", async () => {
        const result = await judge(
            packDirectory,
            "hand-built-stack.ts",
            "--policy-config",
            path.join(installed, "policy-config.prod.json"),
        );
        assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
        assert.match(result.stdout, /0 mandatory and 0 advisory violations; 0 left unjudged\. PASSED\.$/m);
    });

    it("serves the installed package itself as a pack, with the same verdict", async () => {
        const result = await judge(installed, "broken-stack.ts");
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stdout, /4 mandatory and 2 advisory violations/);
    });
});
