// `npm run policy` end to end: the repository's program for dev and prod, a preview, a hand-built stack that passes
// and one that breaks mandatory policies, each in its own process (the harness runs one program per process).
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Evaluation } from "../../policy/offline";

const REPO_ROOT = path.join(__dirname, "..", "..");
const PROGRAMS = path.join(__dirname, "programs");

interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

function runPolicy(...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", path.join(REPO_ROOT, "scripts", "policy.ts"), ...args],
            { cwd: REPO_ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } },
            (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
    });
}

type Report = Evaluation & { passed: boolean; preview: boolean };

function report(run: Run): Report {
    assert.equal(run.stderr.includes("policy run failed"), false, run.stderr);
    return JSON.parse(run.stdout) as Report;
}

const policiesIn = (findings: Evaluation["findings"], kind: "violation" | "undecided") =>
    [...new Set(findings.filter((finding) => finding.kind === kind).map((finding) => finding.policy))].sort();

describe("npm run policy", function () {
    this.timeout(120_000);
    const runs: Record<string, Run> = {};
    let configFile: string;

    before(async () => {
        configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-")), "policy-config.json");
        fs.writeFileSync(configFile, JSON.stringify({ all: "advisory" }));
        const broken = path.join(PROGRAMS, "broken-stack.ts");
        const jobs: Record<string, string[]> = {
            dev: ["--stack", "dev", "--json"],
            prod: ["--stack", "prod", "--json"],
            devPreview: ["--stack", "dev", "--preview", "--json"],
            handBuilt: ["--stack", "prod", "--program", path.join(PROGRAMS, "hand-built-stack.ts"), "--json"],
            broken: ["--stack", "dev", "--program", broken],
            brokenAdvisory: ["--stack", "dev", "--program", broken, "--policy-config", configFile, "--json"],
            missingStack: ["--stack", "staging"],
        };
        const results = await Promise.all(Object.values(jobs).map((args) => runPolicy(...args)));
        Object.keys(jobs).forEach((name, index) => (runs[name] = results[index]));
    });

    after(() => fs.rmSync(path.dirname(configFile), { recursive: true, force: true }));

    it("passes the dev stack: no mandatory violation, every policy decided, the prod-only policy not applied", () => {
        const dev = report(runs.dev);
        assert.equal(runs.dev.code, 0);
        assert.equal(dev.passed, true);
        assert.deepEqual(dev.findings.filter((finding) => finding.enforcementLevel === "mandatory"), []);
        assert.deepEqual(policiesIn(dev.findings, "undecided"), []);
        assert.ok(dev.notApplicable.some((entry) => entry.policy === "worker-on-demand-base" && entry.reason === "stack dev is not one of prod"));
    });

    it("passes the prod stack, where its services keep the on-demand base the policy requires", () => {
        const prod = report(runs.prod);
        assert.equal(runs.prod.code, 0);
        assert.deepEqual(prod.findings.filter((finding) => finding.enforcementLevel === "mandatory"), []);
        assert.deepEqual(prod.notApplicable.filter((entry) => entry.policy === "worker-on-demand-base"), []);
        assert.deepEqual(prod.findings.filter((finding) => finding.policy === "worker-on-demand-base"), []);
    });

    it("in preview, reports the stack policies that follow ARNs and URLs as undecided, and decides the ones on literal inputs", () => {
        const preview = report(runs.devPreview);
        assert.equal(runs.devPreview.code, 0);
        assert.equal(preview.preview, true);
        const undecided = policiesIn(preview.findings, "undecided");
        for (const policy of ["sqs-has-dead-letter-queue", "sqs-tls-only", "sqs-dlq-retention-covers-source", "worker-visibility-covers-stop-timeout"]) {
            assert.ok(undecided.includes(policy), `${policy} should be undecided in preview`);
        }
        for (const policy of ["sqs-encrypted", "ecs-service-no-public-ip", "ecs-cluster-container-insights", "worker-max-tasks-limit", "cloudwatch-log-retention-set"]) {
            assert.ok(!undecided.includes(policy), `${policy} should decide in preview`);
        }
    });

    it("passes a worker built by hand that follows every policy", () => {
        const handBuilt = report(runs.handBuilt);
        assert.equal(runs.handBuilt.code, 0);
        assert.deepEqual(handBuilt.findings, []);
    });

    it("fails a hand-built stack with a queue that redrives nowhere and a TLS policy on another queue, naming each", () => {
        const { code, stdout } = runs.broken;
        assert.equal(code, 1);
        const section = (name: string) => stdout.split("\n\n").find((block) => block.startsWith(`aws:sqs/queue:Queue ${name}\n`)) ?? "";
        assert.match(section("orders"), /✖ mandatory {2}sqs-has-dead-letter-queue: Queue orders-\w+ has no redrive policy/);
        assert.match(section("orders"), /✖ mandatory {2}sqs-tls-only: Queue orders-\w+ has no queue policy attached to its URL/);
        assert.match(section("payments"), /✖ mandatory {2}sqs-has-dead-letter-queue: .*redrives to arn:aws:sqs:us-east-1:123456789012:payments-dlq, which is no queue in this stack/);
        assert.match(section("payments"), /✖ mandatory {2}sqs-tls-only: The TLS deny .* names arn:aws:sqs:us-east-1:123456789012:orders-\w+, not this queue's ARN/);
        assert.match(stdout, /4 mandatory and 0 advisory violations\. FAILED: a mandatory policy is violated\.$/m);
    });

    it("passes the same broken stack when --policy-config makes every policy advisory", () => {
        const advisory = report(runs.brokenAdvisory);
        assert.equal(runs.brokenAdvisory.code, 0);
        assert.deepEqual([...new Set(advisory.findings.map((finding) => finding.enforcementLevel))], ["advisory"]);
        assert.equal(advisory.findings.length, 4);
    });

    it("exits 2 with the harness's message for a stack that does not exist", () => {
        assert.equal(runs.missingStack.code, 2);
        assert.match(runs.missingStack.stderr, /policy run failed: no stack named "staging"/);
    });
});
