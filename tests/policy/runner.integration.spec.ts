// `npm run policy` end to end: the repository's program for dev and prod, a preview, a hand-built stack that passes
// and one that breaks mandatory policies, each in its own process (the harness runs one program per process).
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { policies } from "../../policy/policies";
import { Evaluation } from "../../scripts/policyEngine";

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

/** The `npm run policy` lines of the README's CI recipe, as argument lists (comments dropped). */
const readmeCommands: string[][] = (() => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const block = readme.split("<!-- policy-ci: commands -->")[1]?.split("```")[1] ?? "";
    return block
        .split("\n")
        .filter((line) => line.startsWith("npm run policy -- "))
        .map((line) =>
            line
                .replace(/\s+#.*$/, "")
                .replace("npm run policy -- ", "")
                .split(/\s+/),
        );
})();

describe("npm run policy", function () {
    this.timeout(400_000);
    const runs: Record<string, Run> = {};
    let configFile: string;
    let badConfigFile: string;

    before(async () => {
        configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-")), "policy-config.json");
        fs.writeFileSync(configFile, JSON.stringify({ all: "advisory" }));
        const broken = path.join(PROGRAMS, "broken-stack.ts");
        const remote = path.join(PROGRAMS, "remote-stack.ts");
        badConfigFile = path.join(path.dirname(configFile), "bad-config.json");
        fs.writeFileSync(
            badConfigFile,
            JSON.stringify({
                "sqs-has-dead-letter-queue": "Mandatory",
                "worker-max-tasks-limit": { maxTasks: "5" },
                "sqs-tls-onyl": "advisory",
            }),
        );
        const jobs: Record<string, string[]> = {
            dev: ["--stack", "dev", "--json"],
            prod: ["--stack", "prod", "--json"],
            devPreview: ["--stack", "dev", "--preview", "--json"],
            handBuilt: ["--stack", "prod", "--program", path.join(PROGRAMS, "hand-built-stack.ts"), "--json"],
            broken: ["--stack", "dev", "--program", broken],
            brokenAdvisory: ["--stack", "dev", "--program", broken, "--policy-config", configFile, "--json"],
            missingStack: ["--stack", "staging"],
            devPreviewStrict: ["--stack", "dev", "--preview", "--fail-on-undecided"],
            badConfig: ["--stack", "dev", "--policy-config", badConfigFile],
            unknownFlag: ["--stack", "dev", "--config", configFile],
            remote: ["--stack", "dev", "--program", remote],
            remoteAccepted: [
                "--stack",
                "dev",
                "--program",
                remote,
                "--accept-uninspected",
                "awsx:ecs:FargateService",
                "--json",
            ],
            hatches: ["--stack", "dev", "--program", path.join(PROGRAMS, "escape-hatches.ts")],
            hatchesAccepted: [
                "--stack",
                "dev",
                "--program",
                path.join(PROGRAMS, "escape-hatches.ts"),
                "--accept-uninspected",
                "aws:cloudformation/stack:Stack",
            ],
            transformed: ["--stack", "dev", "--program", path.join(PROGRAMS, "transformed-stack.ts"), "--json"],
            heldOut: ["--stack", "dev", "--program", path.join(PROGRAMS, "held-out-stack.ts"), "--json"],
            legacyTransformation: [
                "--stack",
                "dev",
                "--program",
                path.join(PROGRAMS, "legacy-stack-transformation.ts"),
            ],
            brokenServed: ["--stack", "dev", "--program", broken, "--policy-pack", path.join(REPO_ROOT, "policy")],
        };
        readmeCommands.forEach((args, index) => (jobs[`readme${index}`] = args));
        // A few processes at a time: each compiles and runs a whole program, and CI machines have few cores.
        const queue = Object.entries(jobs);
        const worker = async () => {
            for (let job = queue.shift(); job; job = queue.shift()) {
                runs[job[0]] = await runPolicy(...job[1]);
            }
        };
        await Promise.all([worker(), worker(), worker()]);
    });

    after(() => fs.rmSync(path.dirname(configFile), { recursive: true, force: true }));

    it("passes the dev stack: no mandatory violation, every policy decided, the prod-only policy not applied", () => {
        const dev = report(runs.dev);
        assert.equal(runs.dev.code, 0);
        assert.equal(dev.passed, true);
        assert.deepEqual(
            dev.findings.filter((finding) => finding.enforcementLevel === "mandatory"),
            [],
        );
        assert.deepEqual(policiesIn(dev.findings, "undecided"), []);
        assert.ok(
            dev.notApplicable.some(
                (entry) => entry.policy === "worker-on-demand-base" && entry.reason === "stack dev is not one of prod",
            ),
        );
    });

    it("passes the prod stack, where its services keep the on-demand base the policy requires", () => {
        const prod = report(runs.prod);
        assert.equal(runs.prod.code, 0);
        assert.deepEqual(
            prod.findings.filter((finding) => finding.enforcementLevel === "mandatory"),
            [],
        );
        assert.deepEqual(
            prod.notApplicable.filter((entry) => entry.policy === "worker-on-demand-base"),
            [],
        );
        assert.deepEqual(
            prod.findings.filter((finding) => finding.policy === "worker-on-demand-base"),
            [],
        );
    });

    it("in preview, decides per resource what known values decide and leaves open only policies that read unknown ones", () => {
        const preview = report(runs.devPreview);
        assert.equal(runs.devPreview.code, 0);
        assert.equal(preview.preview, true);
        const undecided = policiesIn(preview.findings, "undecided");
        // Decided from literal inputs, or by following links through what a value was built from.
        for (const policy of [
            "sqs-encrypted",
            "sqs-dlq-retention-covers-source",
            "sqs-dead-letter-queue-alarmed",
            "ecs-service-no-public-ip",
            "ecs-task-no-host-network-or-pid",
            "ecs-cluster-container-insights",
            "worker-max-tasks-limit",
            "cloudwatch-log-retention-set",
            "cloudwatch-log-group-encrypted",
            "cloudwatch-alarm-has-actions",
            "ecs-task-role-separate-from-execution-role",
            "ecs-task-no-host-ipc",
            "kms-key-rotation-enabled",
            "sns-subscription-no-http",
            "worker-resources-tagged",
            "stack-no-uninspected-resources",
        ]) {
            assert.ok(!undecided.includes(policy), `${policy} should decide in preview`);
        }
        // Each open one read a document built from an output of a resource not created yet, and says which: the
        // keep-active schedule's target ARN carries the new cluster's partition, so whether it runs a task is open.
        for (const finding of preview.findings.filter((item) => item.kind === "undecided")) {
            assert.match(
                finding.message,
                /\.(containerDefinitions|taskRoleArn|redrivePolicy|policy|assumeRolePolicy|target\.arn) is not known until `pulumi up`$/,
                finding.policy,
            );
        }
        assert.match(
            runs.devPreviewStrict.stdout,
            /FAILED: mandatory policies are undecided \(sqs-has-dead-letter-queue, sqs-tls-only, /,
        );
        assert.equal(runs.devPreviewStrict.code, 1);
    });

    it("fails each held-out attempt of a program on the policy it tries to get past", () => {
        const heldOut = report(runs.heldOut);
        assert.equal(runs.heldOut.code, 1);
        const mandatory = heldOut.findings.filter(
            (finding) => finding.kind === "violation" && finding.enforcementLevel === "mandatory",
        );
        assert.deepEqual(policiesIn(mandatory, "violation"), [
            "ecs-fargate-latest-platform",
            "ecs-task-no-plaintext-secrets",
            "ecs-task-not-privileged",
            "iam-execution-role-least-privilege",
            "iam-task-role-no-wildcards",
            "iam-task-role-trust-scoped",
            "sqs-dead-letter-queue-alarmed",
            "stack-no-uninspected-resources",
        ]);
        const on = (policy: string, name: string) =>
            mandatory.some((finding) => finding.policy === policy && finding.urn?.endsWith(`::${name}`));
        // The component's task role, reached through an attachment that spells its name in upper case.
        assert.ok(on("iam-task-role-no-wildcards", "jobs-task-role"), JSON.stringify(mandatory, null, 2));
        assert.ok(on("ecs-task-no-plaintext-secrets", "legacy"));
        assert.ok(on("sqs-dead-letter-queue-alarmed", "orders-dlq"));
        assert.ok(on("ecs-fargate-latest-platform", "nightly"));
    });

    it("refuses a legacy stack transformation with a message that says what the offline run cannot do", () => {
        const run = runs.legacyTransformation;
        assert.equal(run.code, 2);
        assert.match(run.stderr, /registerStackTransformation.*registerResourceTransform/s);
        assert.equal(run.stdout, "");
    });

    it("passes a worker built by hand that follows every policy", () => {
        const handBuilt = report(runs.handBuilt);
        assert.equal(runs.handBuilt.code, 0);
        assert.deepEqual(handBuilt.findings, []);
    });

    it("fails a hand-built stack with a queue that redrives nowhere and a TLS policy on another queue, naming each", () => {
        const { code, stdout } = runs.broken;
        assert.equal(code, 1);
        const section = (name: string) =>
            stdout.split("\n\n").find((block) => block.startsWith(`aws:sqs/queue:Queue ${name}\n`)) ?? "";
        assert.match(
            section("orders"),
            /✖ mandatory {2}sqs-has-dead-letter-queue: Queue orders-\w+ has no redrive policy/,
        );
        assert.match(
            section("orders"),
            /✖ mandatory {2}sqs-tls-only: Queue orders-\w+ has no queue policy attached to its URL/,
        );
        assert.match(
            section("payments"),
            /✖ mandatory {2}sqs-has-dead-letter-queue: .*redrives to arn:aws:sqs:us-east-1:123456789012:payments-dlq, which is no queue in this stack/,
        );
        assert.match(
            section("payments"),
            /✖ mandatory {2}sqs-tls-only: The TLS deny .* names arn:aws:sqs:us-east-1:123456789012:orders-\w+, not this queue's ARN/,
        );
        assert.match(
            stdout,
            /4 mandatory and 2 advisory violations; 0 left unjudged\. FAILED: a mandatory policy is violated\.$/m,
        );
    });

    it("passes the same broken stack when --policy-config makes every policy advisory", () => {
        const advisory = report(runs.brokenAdvisory);
        assert.equal(runs.brokenAdvisory.code, 0);
        assert.deepEqual([...new Set(advisory.findings.map((finding) => finding.enforcementLevel))], ["advisory"]);
        assert.equal(advisory.findings.length, 6);
        // The report says the gate was lowered: every mandatory policy of the pack, each by name.
        const lowered = (advisory as Report & { loweredByConfig: { policy: string; configuredLevel: string }[] })
            .loweredByConfig;
        const mandatory = policies.filter((policy) => policy.enforcementLevel === "mandatory").map((p) => p.name);
        assert.deepEqual(lowered.map((item) => item.policy).sort(), [...mandatory].sort());
        assert.ok(lowered.every((item) => item.configuredLevel === "advisory"));
    });

    it("exits 2 on a configuration it cannot use, naming every bad key, before running the program", () => {
        assert.equal(runs.badConfig.code, 2);
        assert.equal(runs.badConfig.stdout, "");
        assert.match(
            runs.badConfig.stderr,
            /sqs-has-dead-letter-queue: "Mandatory" is not an enforcement level; .*\(levels are lower case: "mandatory"\)/,
        );
        assert.match(
            runs.badConfig.stderr,
            /worker-max-tasks-limit\.maxTasks: "5" is a string; expected a whole number of at least 1/,
        );
        assert.match(
            runs.badConfig.stderr,
            /sqs-tls-onyl: no policy of that name in the pack; did you mean sqs-tls-only\?/,
        );
    });

    it("exits 2 on an option it does not know, such as --config, instead of ignoring it", () => {
        assert.equal(runs.unknownFlag.code, 2);
        assert.match(
            runs.unknownFlag.stderr,
            /unknown option --config \(the pack's configuration is --policy-config <file\.json>\); the options are --stack, --preview, /,
        );
    });

    it("fails a stack whose awsx FargateService it cannot inspect, lists the VPC without failing, and passes once it is accepted", () => {
        assert.equal(runs.remote.code, 1);
        assert.match(runs.remote.stdout, /awsx:ec2:Vpc api-vpc: creates nothing the pack governs\. listed/);
        assert.match(
            runs.remote.stdout,
            /awsx:ecs:FargateService api: creates aws:ecs\/service:Service.* ✖ not inspected; accept with --accept-uninspected awsx:ecs:FargateService/,
        );
        assert.match(
            runs.remote.stdout,
            /FAILED: a remote component that creates governed resources was not inspected\.$/m,
        );
        assert.equal(runs.remoteAccepted.code, 0);
        assert.equal(report(runs.remoteAccepted).passed, true);
    });

    it("fails a CloudFormation stack until it is accepted, and lists it and the component's taskDefinitionArn as left unjudged", () => {
        assert.equal(runs.hatches.code, 1, runs.hatches.stderr);
        assert.match(
            runs.hatches.stdout,
            /✖ mandatory {2}stack-no-uninspected-resources: aws:cloudformation\/stack:Stack bucket-stack is a CloudFormation template/,
        );
        assert.equal(runs.hatchesAccepted.code, 0, runs.hatchesAccepted.stdout);
        const unjudged = runs.hatchesAccepted.stdout.split("Left unjudged (judge these elsewhere):\n")[1] ?? "";
        assert.match(unjudged, /BackgroundWorker legacy is given taskDefinitionArn/);
        assert.match(unjudged, /legacy-service runs task definition .*legacy-worker:12, which is not in this stack/);
        assert.match(unjudged, /aws:cloudformation\/stack:Stack bucket-stack is a CloudFormation template/);
        assert.match(unjudged, /--accept-uninspected aws:cloudformation\/stack:Stack: accepted without being judged/);
    });

    it("judges what a stack transform makes of the component's queues instead of dying on it", () => {
        const transformed = report(runs.transformed);
        assert.equal(runs.transformed.code, 1);
        assert.deepEqual(
            transformed.findings
                .filter((finding) => finding.policy === "sqs-encrypted")
                .map((finding) => finding.urn?.split("::").pop()),
            ["jobs-dlq", "jobs-queue"],
        );
    });

    it("reaches the same verdict with the pack served over gRPC from its directory (--policy-pack)", () => {
        assert.equal(runs.brokenServed.code, 1, runs.brokenServed.stderr);
        assert.match(runs.brokenServed.stdout, /the pack in .*policy, served over gRPC/);
        assert.match(
            runs.brokenServed.stdout,
            /4 mandatory and 2 advisory violations; 0 left unjudged\. FAILED: a mandatory policy is violated\.$/m,
        );
    });

    it("runs the README's CI commands as written, each passing the repository's prod stack", () => {
        assert.ok(readmeCommands.length >= 3, `found ${readmeCommands.length} npm run policy lines in the README`);
        readmeCommands.forEach((args, index) => {
            const result = runs[`readme${index}`];
            assert.equal(result.code, 0, `npm run policy -- ${args.join(" ")}\n${result.stdout}\n${result.stderr}`);
        });
    });

    it("exits 2 with the harness's message for a stack that does not exist", () => {
        assert.equal(runs.missingStack.code, 2);
        assert.match(runs.missingStack.stderr, /policy run failed: no stack named "staging"/);
    });
});
