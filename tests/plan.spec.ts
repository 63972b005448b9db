import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { REPO_ROOT } from "../scripts/harness";
import { DASHBOARD_DOLLARS_PER_MONTH, FREE_DASHBOARDS_PER_ACCOUNT, type PlanReport } from "../scripts/plan";
import { describeRun, runScript, SCRIPT_TIMEOUT_MS, ScriptRun } from "./support/cli";

const PLAN = "scripts/plan.ts";

interface StackExpectation {
    tasks: { "job-worker": [number, number]; "email-worker": [number, number] };
    strategy: { "job-worker": StrategyItem[]; "email-worker": StrategyItem[] };
}
interface StrategyItem {
    capacityProvider: string;
    weight: number;
    base: number;
}

// What Pulumi.dev.yaml and Pulumi.prod.yaml ask for: the numbers a reader of the plan checks first.
const EXPECTED: Record<"dev" | "prod", StackExpectation> = {
    dev: {
        tasks: { "job-worker": [0, 5], "email-worker": [0, 2] },
        strategy: {
            "job-worker": [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }],
            "email-worker": [{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }],
        },
    },
    prod: {
        tasks: { "job-worker": [1, 50], "email-worker": [1, 10] },
        strategy: {
            "job-worker": [{ capacityProvider: "FARGATE", weight: 1, base: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 4, base: 0 }],
            "email-worker": [{ capacityProvider: "FARGATE", weight: 1, base: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }],
        },
    },
};
const WORKERS = ["job-worker", "email-worker"] as const;

type PlannedResource = PlanReport["resources"][number];

interface FleetCost {
    tasks: number;
    onDemandTasks: number;
    spotTasks: number;
    dollars: number;
}

function planned(report: PlanReport, type: string, name: string): PlannedResource {
    const found = report.resources.filter((resource) => resource.type === type && resource.name === name);
    assert.equal(found.length, 1, `expected one ${type} named ${name} in the ${report.stack} plan; found ${found.length}`);
    return found[0];
}

function parseReport(run: ScriptRun): PlanReport {
    assert.equal(run.code, 0, describeRun(run));
    return JSON.parse(run.stdout) as PlanReport;
}

describe("npm run plan (offline plan CLI)", () => {
    // A stack of our own with one bad value; the name is unique per process so parallel runs do not collide.
    const invalidStack = `plan-spec-invalid-${process.pid}`;
    const invalidStackFile = path.join(REPO_ROOT, `Pulumi.${invalidStack}.yaml`);
    // Filled by before(): every test reads the run it needs.
    const runs = {} as Record<"devJson" | "prodJson" | "devText" | "missing" | "invalid" | "usage" | "usageNoValue", ScriptRun>;

    before(async function () {
        // Seven runs of a second or two each, a few at a time (about 6 s on an idle two-CPU machine).
        this.timeout(2 * SCRIPT_TIMEOUT_MS);
        const dev = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, { scaling: Record<string, unknown> }> };
        dev.config["background-worker:jobWorker"].scaling.maxTasks = 0;
        fs.writeFileSync(invalidStackFile, YAML.stringify(dev));
        try {
            const [devJson, prodJson, devText, missing, invalid, usage, usageNoValue] = await Promise.all([
                runScript(PLAN, ["--stack", "dev", "--json"]),
                runScript(PLAN, ["--stack", "prod", "--json"]),
                runScript(PLAN, ["--stack", "dev"]),
                runScript(PLAN, ["--stack", `no-such-stack-${process.pid}`]),
                runScript(PLAN, ["--stack", invalidStack]),
                runScript(PLAN, ["--json"]),
                runScript(PLAN, ["--stack", "--json"]),
            ]);
            Object.assign(runs, { devJson, prodJson, devText, missing, invalid, usage, usageNoValue });
        } finally {
            fs.rmSync(invalidStackFile, { force: true });
        }
    });

    after(() => {
        fs.rmSync(invalidStackFile, { force: true });
    });

    for (const stack of ["dev", "prod"] as const) {
        describe(`--stack ${stack} --json`, () => {
            const report = () => parseReport(stack === "dev" ? runs.devJson : runs.prodJson);

            it("exits 0 and reports the stack and project", () => {
                const plan = report();
                assert.equal(plan.stack, stack);
                assert.equal(plan.project, "background-worker");
            });

            it("lists each worker's queue and dead-letter queue, with redrive to that dead-letter queue", () => {
                const plan = report();
                for (const worker of WORKERS) {
                    const component = planned(plan, "background-worker:index:BackgroundWorker", worker);
                    const queue = planned(plan, "aws:sqs/queue:Queue", `${worker}-queue`);
                    const deadLetterQueue = planned(plan, "aws:sqs/queue:Queue", `${worker}-dlq`);
                    assert.equal(queue.parent, component.urn, `${worker}-queue belongs to the ${worker} component`);
                    assert.equal(deadLetterQueue.parent, component.urn);
                    const redrive = planned(plan, "aws:sqs/redrivePolicy:RedrivePolicy", `${worker}-redrive`);
                    assert.match(redrive.summary, new RegExp(`^to ${worker}-dlq-`), redrive.summary);
                }
                assert.equal(planned(plan, "aws:sqs/queue:Queue", "job-worker-queue").inputs.visibilityTimeoutSeconds, 300);
            });

            it(`runs each worker's service on the ${stack} capacity strategy`, () => {
                const plan = report();
                for (const worker of WORKERS) {
                    const service = planned(plan, "aws:ecs/service:Service", `${worker}-service`);
                    assert.deepEqual(service.inputs.capacityProviderStrategies, EXPECTED[stack].strategy[worker], `${worker}-service`);
                }
            });

            it(`scales each worker between the ${stack} stack's minTasks and maxTasks`, () => {
                const plan = report();
                for (const worker of WORKERS) {
                    const target = planned(plan, "aws:appautoscaling/target:Target", `${worker}-scaling-target`);
                    const [minTasks, maxTasks] = EXPECTED[stack].tasks[worker];
                    assert.equal(target.inputs.minCapacity, minTasks, `${worker} minCapacity`);
                    assert.equal(target.inputs.maxCapacity, maxTasks, `${worker} maxCapacity`);
                }
            });

            it("prices each worker's fleet for a month at minTasks and at maxTasks, split over the capacity providers", () => {
                const { monthlyCosts } = JSON.parse(runs[stack === "dev" ? "devJson" : "prodJson"].stdout) as {
                    monthlyCosts: { worker: string; atMinTasks: FleetCost; atMaxTasks: FleetCost }[];
                };
                assert.deepEqual(monthlyCosts.map((cost) => cost.worker), ["jobWorker", "emailWorker"]);
                for (const cost of monthlyCosts) {
                    assert.equal(cost.atMaxTasks.onDemandTasks + cost.atMaxTasks.spotTasks, cost.atMaxTasks.tasks);
                    assert.ok(cost.atMaxTasks.dollars > cost.atMinTasks.dollars, `${cost.worker}: more tasks cost more`);
                }
                const job = monthlyCosts[0];
                if (stack === "prod") {
                    // 1 on-demand base, then weights 1:4 over the other 49: 11 on demand and 39 Spot at 50 tasks.
                    assert.deepEqual([job.atMinTasks.tasks, job.atMaxTasks.onDemandTasks, job.atMaxTasks.spotTasks], [1, 11, 39]);
                } else {
                    assert.deepEqual([job.atMinTasks.dollars, job.atMaxTasks.onDemandTasks], [0, 0], "dev: Spot only, nothing at zero tasks");
                }
            });

            it("gives each worker a dashboard of its own, named per stack, and the stack an overview", () => {
                const plan = report();
                for (const worker of WORKERS) {
                    const dashboard = planned(plan, "aws:cloudwatch/dashboard:Dashboard", `${worker}-dashboard`);
                    assert.equal(dashboard.parent, planned(plan, "background-worker:index:BackgroundWorker", worker).urn);
                    assert.equal(dashboard.inputs.dashboardName, `background-worker-${stack}-${worker}`);
                    assert.match(dashboard.summary, new RegExp(`^background-worker-${stack}-${worker}: \\d+ widgets \\(\\d+ graphs, 2 alarm status, 1 text\\)$`));
                }
                const overview = planned(plan, "aws:cloudwatch/dashboard:Dashboard", "overview-dashboard");
                const body = JSON.parse(overview.inputs.dashboardBody as string) as { widgets: { type: string; properties: { markdown?: string } }[] };
                const rows = body.widgets.filter((widget) => widget.type === "text").map((widget) => widget.properties.markdown?.split("\n")[0]);
                assert.deepEqual(rows, ["### job-worker", "### email-worker"], "one row per worker");
            });

            it("prices the dashboards: the account's first three are free, then $3 a month each", () => {
                const { dashboards } = JSON.parse(runs[stack === "dev" ? "devJson" : "prodJson"].stdout) as {
                    dashboards: { count: number; dollarsPerMonthIfOnlyDashboards: number; dollarsPerMonthAtMost: number };
                };
                assert.deepEqual([FREE_DASHBOARDS_PER_ACCOUNT, DASHBOARD_DOLLARS_PER_MONTH], [3, 3]);
                assert.deepEqual(dashboards, { count: 3, dollarsPerMonthIfOnlyDashboards: 0, dollarsPerMonthAtMost: 9 });
            });

            it("tracks a backlog of 10 messages per task", () => {
                const plan = report();
                for (const worker of WORKERS) {
                    const policy = planned(plan, "aws:appautoscaling/policy:Policy", `${worker}-backlog-policy`);
                    const tracking = policy.inputs.targetTrackingScalingPolicyConfiguration as { targetValue?: number } | undefined;
                    assert.equal(tracking?.targetValue, 10, `${worker}-backlog-policy target`);
                }
            });
        });
    }

    it("prints a tree for people: a title naming the stack, components with their children indented", () => {
        const run = runs.devText;
        assert.equal(run.code, 0, describeRun(run));
        assert.ok(run.stdout.startsWith("Plan for stack dev of background-worker: "), run.stdout.slice(0, 200));
        const lines = run.stdout.split("\n");
        const component = lines.indexOf("+ background-worker:index:BackgroundWorker job-worker");
        assert.ok(component >= 0, "the job-worker component is a top-level line");
        const child = lines.findIndex((line) => line.startsWith("  + aws:sqs/queue:Queue job-worker-queue  visibility 300 s"));
        assert.ok(child > component, "job-worker-queue is indented under its component, with its settings");
        assert.ok(lines.some((line) => line.startsWith("  + aws:appautoscaling/target:Target job-worker-scaling-target  tasks 0..5")));
        for (const worker of WORKERS) {
            const dashboard = new RegExp(`^  \\+ aws:cloudwatch/dashboard:Dashboard ${worker}-dashboard  background-worker-dev-${worker}: \\d+ widgets \\(\\d+ graphs, 2 alarm status, 1 text\\)$`);
            assert.ok(lines.some((line) => dashboard.test(line)), `${worker}'s dashboard is shown under its component`);
        }
        assert.ok(lines.includes(
            "Dashboards: 3 (the first 3 of an account are free, then $3.00 each per month): $0.00 per month if they are the account's only dashboards, up to $9.00.",
        ), "the dashboards are priced");
    });

    it("fails for a stack that does not exist, naming it and the stacks there are", () => {
        const run = runs.missing;
        assert.notEqual(run.code, 0, describeRun(run));
        assert.match(run.stderr, new RegExp(`no stack named "no-such-stack-${process.pid}"`));
        const available = /stacks here: ([^)]*)\)/.exec(run.stderr)?.[1].split(", ") ?? [];
        assert.ok(available.includes("dev") && available.includes("prod"), `the message should list dev and prod: ${run.stderr}`);
    });

    it("fails for an invalid config value, naming the config key, the range and the value", () => {
        const run = runs.invalid;
        assert.notEqual(run.code, 0, describeRun(run));
        assert.match(run.stderr, /config background-worker:jobWorker\.scaling\.maxTasks must be between 1 and 5000 tasks; got 0/);
        assert.equal(run.stdout, "", "nothing is printed as a plan when the config is invalid");
    });

    it("prints the usage when --stack or its value is missing", () => {
        for (const run of [runs.usage, runs.usageNoValue]) {
            assert.notEqual(run.code, 0, describeRun(run));
            assert.match(run.stderr, /usage: npm run plan -- --stack <name> \[--json\]/);
        }
    });
});
