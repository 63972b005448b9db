import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { REPO_ROOT } from "../tooling/harness";
import { ALARM_PURPOSE_TAG, AlarmPurpose } from "../contract";
import { BackgroundWorker } from "../components/index";
import { recordResources } from "../tooling/mocks";
import { buildReport, DASHBOARD_DOLLARS_PER_MONTH, FREE_DASHBOARDS_PER_ACCOUNT, PlanReport } from "../scripts/plan";
import { EXAMPLE_WORKERS } from "../stack/config";
import { describeRun, runScript, runScriptThroughSlowPipe, ScriptRun, timeoutForRuns } from "./support/cli";
import { minimalArgs } from "./support/worker";

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
            "job-worker": [
                { capacityProvider: "FARGATE", weight: 1, base: 1 },
                { capacityProvider: "FARGATE_SPOT", weight: 4, base: 0 },
            ],
            "email-worker": [
                { capacityProvider: "FARGATE", weight: 1, base: 1 },
                { capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 },
            ],
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
    assert.equal(
        found.length,
        1,
        `expected one ${type} named ${name} in the ${report.stack} plan; found ${found.length}`,
    );
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
    const runs = {} as Record<
        "devJson" | "prodJson" | "devText" | "missing" | "invalid" | "usage" | "usageNoValue" | "unknownFlag",
        ScriptRun
    >;

    before(async function () {
        // Eight runs of a second or two each, a few at a time (about 6 s on an idle two-CPU machine). The prod plan is
        // read through a slow pipe, as `| jq` reads it: its JSON is well above the pipe's 64 KiB.
        this.timeout(timeoutForRuns(8));
        const dev = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")) as {
            config: Record<string, { scaling: Record<string, unknown> }>;
        };
        dev.config["background-worker:jobWorker"].scaling.maxTasks = 0;
        fs.writeFileSync(invalidStackFile, YAML.stringify(dev));
        try {
            const [devJson, prodJson, devText, missing, invalid, usage, usageNoValue, unknownFlag] = await Promise.all([
                runScript(PLAN, ["--stack", "dev", "--json"]),
                runScriptThroughSlowPipe(PLAN, ["--stack", "prod", "--json"]),
                runScript(PLAN, ["--stack", "dev"]),
                runScript(PLAN, ["--stack", `no-such-stack-${process.pid}`]),
                runScript(PLAN, ["--stack", invalidStack]),
                runScript(PLAN, ["--json"]),
                runScript(PLAN, ["--stack", "--json"]),
                runScript(PLAN, ["--stack", "dev", "--jsn"]),
            ]);
            Object.assign(runs, { devJson, prodJson, devText, missing, invalid, usage, usageNoValue, unknownFlag });
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
                assert.equal(
                    planned(plan, "aws:sqs/queue:Queue", "job-worker-queue").inputs.visibilityTimeoutSeconds,
                    300,
                );
            });

            it(`runs each worker's service on the ${stack} capacity strategy`, () => {
                const plan = report();
                for (const worker of WORKERS) {
                    const service = planned(plan, "aws:ecs/service:Service", `${worker}-service`);
                    assert.deepEqual(
                        service.inputs.capacityProviderStrategies,
                        EXPECTED[stack].strategy[worker],
                        `${worker}-service`,
                    );
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
                assert.deepEqual(
                    monthlyCosts.map((cost) => cost.worker),
                    ["jobWorker", "emailWorker"],
                );
                for (const cost of monthlyCosts) {
                    assert.equal(cost.atMaxTasks.onDemandTasks + cost.atMaxTasks.spotTasks, cost.atMaxTasks.tasks);
                    assert.ok(
                        cost.atMaxTasks.dollars > cost.atMinTasks.dollars,
                        `${cost.worker}: more tasks cost more`,
                    );
                }
                const job = monthlyCosts[0];
                if (stack === "prod") {
                    // 1 on-demand base, then weights 1:4 over the other 49: 11 on demand and 39 Spot at 50 tasks.
                    assert.deepEqual(
                        [job.atMinTasks.tasks, job.atMaxTasks.onDemandTasks, job.atMaxTasks.spotTasks],
                        [1, 11, 39],
                    );
                } else {
                    assert.deepEqual(
                        [job.atMinTasks.dollars, job.atMaxTasks.onDemandTasks],
                        [0, 0],
                        "dev: Spot only, nothing at zero tasks",
                    );
                }
            });

            it("gives each worker a dashboard of its own, named per stack, and the stack an overview", () => {
                const plan = report();
                for (const worker of WORKERS) {
                    const dashboard = planned(plan, "aws:cloudwatch/dashboard:Dashboard", `${worker}-dashboard`);
                    assert.equal(
                        dashboard.parent,
                        planned(plan, "background-worker:index:BackgroundWorker", worker).urn,
                    );
                    assert.equal(dashboard.inputs.dashboardName, `background-worker-${stack}-${worker}`);
                    assert.match(
                        dashboard.summary,
                        new RegExp(
                            `^background-worker-${stack}-${worker}: \\d+ widgets \\(\\d+ graphs, 2 alarm status, 1 text\\)$`,
                        ),
                    );
                }
                const overview = planned(plan, "aws:cloudwatch/dashboard:Dashboard", "overview-dashboard");
                const body = JSON.parse(overview.inputs.dashboardBody as string) as {
                    widgets: { type: string; properties: { markdown?: string } }[];
                };
                const rows = body.widgets
                    .filter((widget) => widget.type === "text")
                    .map((widget) => widget.properties.markdown?.split("\n")[0]);
                assert.deepEqual(rows, ["### job-worker", "### email-worker"], "one row per worker");
            });

            it("prices the dashboards: the account's first three are free, then $3 a month each", () => {
                const { dashboards } = JSON.parse(runs[stack === "dev" ? "devJson" : "prodJson"].stdout) as {
                    dashboards: {
                        count: number;
                        dollarsPerMonthIfOnlyDashboards: number;
                        dollarsPerMonthAtMost: number;
                    };
                };
                assert.deepEqual([FREE_DASHBOARDS_PER_ACCOUNT, DASHBOARD_DOLLARS_PER_MONTH], [3, 3]);
                assert.deepEqual(dashboards, {
                    count: 3,
                    dollarsPerMonthIfOnlyDashboards: 0,
                    dollarsPerMonthAtMost: 9,
                });
            });

            it("tracks a backlog of 10 messages per task", () => {
                const plan = report();
                for (const worker of WORKERS) {
                    const policy = planned(plan, "aws:appautoscaling/policy:Policy", `${worker}-backlog-policy`);
                    const tracking = policy.inputs.targetTrackingScalingPolicyConfiguration as
                        { targetValue?: number } | undefined;
                    assert.equal(tracking?.targetValue, 10, `${worker}-backlog-policy target`);
                }
            });
        });
    }

    it("wires every operational alarm of both stacks to the alarm topic, and warns about nothing", () => {
        for (const run of [runs.devJson, runs.prodJson]) {
            const plan = parseReport(run);
            planned(plan, "aws:sns/topic:Topic", "worker-alarms");
            const operational = plan.resources.filter(
                (resource) =>
                    resource.type === "aws:cloudwatch/metricAlarm:MetricAlarm" &&
                    (resource.inputs.tags as Record<string, string>)[ALARM_PURPOSE_TAG] === AlarmPurpose.Operational,
            );
            assert.ok(operational.length >= 2, `${plan.stack}: every worker has at least its dead-letter alarm`);
            for (const alarm of operational) {
                const actions = alarm.inputs.alarmActions as string[];
                assert.equal(actions.length, 1, `${plan.stack}: ${alarm.name}`);
                assert.match(
                    actions[0],
                    /^arn:aws:sns:us-east-1:123456789012:worker-alarms-[0-9a-f]{7}$/,
                    `${plan.stack}: ${alarm.name}`,
                );
                assert.deepEqual(
                    alarm.inputs.okActions,
                    alarm.inputs.alarmActions,
                    `${plan.stack}: ${alarm.name} also reports recovery`,
                );
            }
            assert.deepEqual(plan.warnings, [], plan.stack);
        }
    });

    it("lists the workers in the same order in both stacks, the example's", () => {
        const order = (run: ScriptRun) =>
            parseReport(run)
                .resources.filter((resource) => resource.type === "background-worker:index:BackgroundWorker")
                .map((resource) => resource.name);
        const expected = EXAMPLE_WORKERS.map((worker) => worker.resourceName);
        assert.deepEqual(order(runs.devJson), expected);
        assert.deepEqual(order(runs.prodJson), expected);
    });

    it("shows each alarm's actions, the NAT gateways and their cost, and the region prices are quoted for", () => {
        const text = runs.devText.stdout;
        assert.match(
            text,
            /\+ aws:cloudwatch\/metricAlarm:MetricAlarm job-worker-dlq-not-empty-alarm .*; actions: worker-alarms-[0-9a-f]{7}$/m,
        );
        assert.match(
            text,
            /\+ aws:cloudwatch\/metricAlarm:MetricAlarm job-worker-burst-alarm .*; actions: job-worker-burst-policy-[0-9a-f]{7}$/m,
        );
        assert.match(
            text,
            /\+ awsx:ec2:Vpc workers-vpc {2}NAT gateways: Single, 1 in 3 availability zones, \$32\.85 a month \(us-east-1 prices\)/,
        );
        assert.match(text, /^Prices are us-east-1's, the stack's region \(aws:region\)\.$/m);
    });

    it("prints a tree for people: a title naming the stack, components with their children indented", () => {
        const run = runs.devText;
        assert.equal(run.code, 0, describeRun(run));
        assert.ok(run.stdout.startsWith("Plan for stack dev of background-worker: "), run.stdout.slice(0, 200));
        const lines = run.stdout.split("\n");
        const component = lines.indexOf("+ background-worker:index:BackgroundWorker job-worker");
        assert.ok(component >= 0, "the job-worker component is a top-level line");
        const child = lines.findIndex((line) =>
            line.startsWith("  + aws:sqs/queue:Queue job-worker-queue  visibility 300 s"),
        );
        assert.ok(child > component, "job-worker-queue is indented under its component, with its settings");
        assert.ok(
            lines.some((line) =>
                line.startsWith("  + aws:appautoscaling/target:Target job-worker-scaling-target  tasks 0..5"),
            ),
        );
        for (const worker of WORKERS) {
            const dashboard = new RegExp(
                `^  \\+ aws:cloudwatch/dashboard:Dashboard ${worker}-dashboard  background-worker-dev-${worker}: \\d+ widgets \\(\\d+ graphs, 2 alarm status, 1 text\\)$`,
            );
            assert.ok(
                lines.some((line) => dashboard.test(line)),
                `${worker}'s dashboard is shown under its component`,
            );
        }
        assert.ok(
            lines.includes(
                "Dashboards: 3 (the first 3 of an account are free, then $3.00 each per month): $0.00 per month if they are the account's only dashboards, up to $9.00.",
            ),
            "the dashboards are priced",
        );
    });

    it("fails for a stack that does not exist, naming it and the stacks there are", () => {
        const run = runs.missing;
        assert.notEqual(run.code, 0, describeRun(run));
        assert.match(run.stderr, new RegExp(`no stack named "no-such-stack-${process.pid}"`));
        const available = /stacks here: ([^)]*)\)/.exec(run.stderr)?.[1].split(", ") ?? [];
        assert.ok(
            available.includes("dev") && available.includes("prod"),
            `the message should list dev and prod: ${run.stderr}`,
        );
    });

    it("fails for an invalid config value, naming the config key, the range and the value", () => {
        const run = runs.invalid;
        assert.notEqual(run.code, 0, describeRun(run));
        assert.match(
            run.stderr,
            /config background-worker:jobWorker\.scaling\.maxTasks must be between 1 and 5000 tasks; got 0/,
        );
        assert.equal(run.stdout, "", "nothing is printed as a plan when the config is invalid");
    });

    it("exits 2 when --stack or its value is missing, saying what to give", () => {
        assert.equal(runs.usage.code, 2, describeRun(runs.usage));
        assert.match(runs.usage.stderr, /^plan: --stack is required, for example --stack dev$/m);
        assert.equal(runs.usageNoValue.code, 2, describeRun(runs.usageNoValue));
        assert.match(
            runs.usageNoValue.stderr,
            /^plan: .*'--stack'.*; valid flags: --stack <name>, --json, --preview$/m,
        );
        assert.equal(runs.usage.stdout + runs.usageNoValue.stdout, "");
    });

    it("refuses an unknown flag with exit code 2, naming it and the valid flags, and prints no plan", () => {
        const run = runs.unknownFlag;
        assert.equal(run.code, 2, describeRun(run));
        assert.match(run.stderr, /^plan: Unknown option '--jsn'; valid flags: --stack <name>, --json, --preview$/m);
        assert.equal(run.stdout, "");
    });

    it("writes all of its JSON into a pipe read slowly, past the pipe's 64 KiB", () => {
        const run = runs.prodJson;
        assert.ok(run.stdout.length > 65_536, `expected more than 64 KiB of JSON; got ${run.stdout.length} bytes`);
        assert.equal(parseReport(run).stack, "prod");
    });
});

describe("npm run plan: the mistakes a new user makes", () => {
    const stacks: string[] = [];
    const runs = {} as Record<"shortVisibility" | "fifoStandardTopic" | "fifoTopic" | "typoNoRegion", ScriptRun>;

    /** Writes a variant of Pulumi.dev.yaml as a stack of its own; the name is unique per process. */
    function variant(
        name: string,
        edit: (config: Record<string, Record<string, Record<string, unknown>>>) => void,
    ): string {
        const dev = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")) as {
            config: Record<string, Record<string, Record<string, unknown>>>;
        };
        edit(dev.config);
        const stack = `plan-spec-${name}-${process.pid}`;
        fs.writeFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), YAML.stringify(dev));
        stacks.push(stack);
        return stack;
    }

    before(async function () {
        this.timeout(timeoutForRuns(4));
        const shortVisibility = variant("short-visibility", (config) => {
            config["background-worker:jobWorker"].queue.visibilityTimeoutSeconds = 60;
        });
        const fifoStandardTopic = variant("fifo-standard", (config) => {
            config["background-worker:emailWorker"].queue = { fifo: true };
        });
        const fifoTopic = variant("fifo-topic", (config) => {
            config["background-worker:emailWorker"].queue = { fifo: true };
            config["background-worker:emailWorker"].sources = { snsTopicsFifo: true };
        });
        const typoNoRegion = variant("typo", (config) => {
            delete config["aws:region"];
            (config as Record<string, unknown>)["background-worker:natGateway"] = "OnePerAz";
        });
        const [a, b, c, d] = await Promise.all([
            runScript(PLAN, ["--stack", shortVisibility]),
            runScript(PLAN, ["--stack", fifoStandardTopic]),
            runScript(PLAN, ["--stack", fifoTopic, "--json"]),
            runScript(PLAN, ["--stack", typoNoRegion]),
        ]);
        Object.assign(runs, { shortVisibility: a, fifoStandardTopic: b, fifoTopic: c, typoNoRegion: d });
    });

    after(() => {
        for (const stack of stacks) {
            fs.rmSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), { force: true });
        }
    });

    it("warns under the worker's config key, as errors are reported", () => {
        const run = runs.shortVisibility;
        assert.equal(run.code, 0, describeRun(run));
        assert.match(
            run.stdout,
            /^ {2}! config background-worker:jobWorker\.queue\.visibilityTimeoutSeconds \(60\) is shorter than container\.stopTimeoutSeconds \(120\)/m,
        );
    });

    it("fails a FIFO queue fed by the standard request topic, naming the key and the setting that fixes it", () => {
        const run = runs.fifoStandardTopic;
        assert.notEqual(run.code, 0, describeRun(run));
        assert.match(
            run.stderr,
            /config background-worker:emailWorker\.sources\.snsTopicArns\[0\] is known only at deployment, and queue\.fifo is true: set sources\.snsTopicsFifo to true/,
        );
        assert.equal(run.stdout, "");
    });

    it("builds a FIFO request topic when the stack says the email worker's topics are FIFO", () => {
        const plan = parseReport(runs.fifoTopic);
        assert.equal(planned(plan, "aws:sns/topic:Topic", "email-requests").inputs.fifoTopic, true);
        assert.equal(planned(plan, "aws:sqs/queue:Queue", "email-worker-queue").inputs.fifoQueue, true);
        assert.deepEqual(plan.warnings, []);
    });

    it("fails a typo in a top-level key and a missing aws:region together, naming both", () => {
        const run = runs.typoNoRegion;
        assert.notEqual(run.code, 0, describeRun(run));
        assert.match(
            run.stderr,
            /config background-worker:natGateway is not a known setting; expected one of subnetIds, natGateways,/,
        );
        assert.match(run.stderr, /config aws:region is required/);
    });

    it("warns about an operational alarm that notifies no one, under the worker's config key", async () => {
        const resources = await recordResources(
            () => new BackgroundWorker("job-worker", minimalArgs({ alarms: { maxMessageAgeSeconds: 600 } })),
        );
        const report = buildReport({
            project: "background-worker",
            stack: "test",
            preview: false,
            resources,
            warnings: [],
        });
        assert.deepEqual(report.warnings.map((warning) => warning.replace(/ the alarm (\S+) .*/, " $1")).sort(), [
            "config background-worker:jobWorker.alarms.actionArns notifies no one: job-worker-dlq-not-empty-alarm",
            "config background-worker:jobWorker.alarms.actionArns notifies no one: job-worker-message-age-alarm",
        ]);
    });
});
