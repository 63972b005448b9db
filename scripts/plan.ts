// `npm run plan -- --stack <name> [--json]`: what `pulumi up` would create for a stack, computed offline by running
// index.ts under Pulumi's runtime mocks. No AWS account, no Pulumi CLI, nothing downloaded.
import { ALARM_PURPOSE_TAG, AlarmPurpose } from "../contract";
import { WorkerSettings } from "../components/plan/settings";
import { monthlyFleetCost, renderMonthlyCosts } from "../simulator/cost";
import { configKeyed, EXAMPLE_WORKERS } from "../stack/config";
import { readStackConfigFile } from "../stack/configFile";
import { configuredWorkerSettings } from "../stack/workers";
import { JSON_FLAG, parseFlags, required, runMain, STACK_FLAG } from "../tooling/cli";
import { summarize } from "../tooling/describe";
import { LoggedWarning, runStack, StackRun } from "../tooling/harness";
import { RegisteredResource } from "../tooling/mocks";

/** The region every price in the plan is quoted for. */
const PRICED_REGION = "us-east-1";
const WORKER_TYPE = "background-worker:index:BackgroundWorker";

/** CloudWatch pricing: the first three dashboards of an account are free, then $3.00 a dashboard a month. */
export const FREE_DASHBOARDS_PER_ACCOUNT = 3;
export const DASHBOARD_DOLLARS_PER_MONTH = 3;

interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    summary: string;
    inputs: Record<string, unknown>;
}

export interface PlanReport {
    project: string;
    stack: string;
    resources: PlannedResource[];
    warnings: string[];
}

/** The resource name in a URN: `urn:pulumi:<stack>::<project>::<type>::<name>`. */
function nameOfUrn(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

/** The config key of the example worker a URN names, if it names one. */
function workerConfigKey(urn: string | undefined): string | undefined {
    if (!urn?.includes(`::${WORKER_TYPE}::`)) {
        return undefined;
    }
    return EXAMPLE_WORKERS.find((worker) => worker.resourceName === nameOfUrn(urn))?.configKey;
}

/** A warning as the user acts on it: under the config key of the worker that logged it, as errors are reported. */
function describeWarning(warning: LoggedWarning): string {
    const configKey = workerConfigKey(warning.resourceUrn);
    if (configKey) {
        return configKeyed(configKey, warning.message);
    }
    return warning.resourceUrn ? `${nameOfUrn(warning.resourceUrn)}: ${warning.message}` : warning.message;
}

/** An operational alarm nobody hears of is no alarm: say which, and where to give it a topic. */
function silentAlarmWarnings(resources: readonly RegisteredResource[]): string[] {
    return resources
        .filter((resource) => resource.type === "aws:cloudwatch/metricAlarm:MetricAlarm")
        .filter(
            (resource) =>
                (resource.inputs.tags as Record<string, string> | undefined)?.[ALARM_PURPOSE_TAG] ===
                AlarmPurpose.Operational,
        )
        .filter((resource) => ((resource.inputs.alarmActions ?? []) as unknown[]).length === 0)
        .map((resource) => {
            const configKey = workerConfigKey(resource.parent);
            const message = `notifies no one: the alarm ${resource.name} has no action; give alarms.actionArns an SNS topic someone is subscribed to`;
            return configKey ? configKeyed(configKey, `alarms.actionArns ${message}`) : `${resource.name} ${message}`;
        });
}

export function buildReport(run: StackRun): PlanReport {
    return {
        project: run.project,
        stack: run.stack,
        resources: run.resources.map((resource) => ({
            urn: resource.urn,
            type: resource.type,
            name: resource.name,
            parent: resource.parent,
            summary: summarize(resource),
            inputs: resource.inputs,
        })),
        warnings: [...run.warnings.map(describeWarning), ...silentAlarmWarnings(run.resources)],
    };
}

/** The plan as an indented tree: children under their parent component, in registration order. */
function renderTree(report: PlanReport): string {
    const byParent = new Map<string | undefined, PlannedResource[]>();
    const urns = new Set(report.resources.map((resource) => resource.urn));
    for (const resource of report.resources) {
        const parent = resource.parent && urns.has(resource.parent) ? resource.parent : undefined;
        byParent.set(parent, [...(byParent.get(parent) ?? []), resource]);
    }
    const lines = [
        `Plan for stack ${report.stack} of ${report.project}: ${report.resources.length} resources to create ` +
            "(offline, under mocks: nothing is deployed)",
        "",
    ];
    const walk = (parent: string | undefined, depth: number) => {
        for (const resource of byParent.get(parent) ?? []) {
            const summary = resource.summary ? `  ${resource.summary}` : "";
            lines.push(`${"  ".repeat(depth)}+ ${resource.type} ${resource.name}${summary}`);
            walk(resource.urn, depth + 1);
        }
    };
    walk(undefined, 0);
    if (report.warnings.length > 0) {
        lines.push("", "Warnings:", ...report.warnings.map((warning) => `  ! ${warning}`));
    }
    return lines.join("\n");
}

/** Every price in the plan is us-east-1's: say so when the stack deploys elsewhere. */
function regionNote(config: Record<string, string>): string {
    const region = config["aws:region"];
    return region === PRICED_REGION
        ? `Prices are ${PRICED_REGION}'s, the stack's region (aws:region).`
        : `Prices are ${PRICED_REGION}'s; this stack deploys to ${region} (aws:region), where Fargate and NAT gateways ` +
              "may cost more or less.";
}

const FLAGS = { ...STACK_FLAG, ...JSON_FLAG, preview: { type: "boolean" } } as const;

export async function main(argv: string[]): Promise<number> {
    const { flags } = parseFlags("plan", argv, FLAGS);
    const stack = required("plan", "stack", flags.stack, "dev");
    try {
        // The stack's file is read once, here: the run, the prices and the region note all use this.
        const config = readStackConfigFile(stack);
        const run = await runStack({ stack, preview: flags.preview, config });
        const report = buildReport(run);
        const workers = configuredWorkerSettings(config);
        const dashboards = dashboardCost(report);
        process.stdout.write(
            flags.json
                ? `${JSON.stringify({ ...report, monthlyCosts: monthlyCosts(workers), dashboards }, null, 2)}\n`
                : `${renderTree(report)}\n\n${renderMonthlyCosts(workers)}\n${renderDashboardCost(dashboards)}\n` +
                      `${regionNote(config)}\n`,
        );
        return 0;
    } catch (error) {
        process.stderr.write(`plan failed: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
    }
}

/** Each worker's fleet cost for a month at minTasks and at maxTasks, for `--json`. */
function monthlyCosts(workers: readonly { name: string; settings: WorkerSettings }[]) {
    return workers.map(({ name, settings }) => ({
        worker: name,
        atMinTasks: monthlyFleetCost(settings, settings.scaling.minTasks),
        atMaxTasks: monthlyFleetCost(settings, settings.scaling.maxTasks),
    }));
}

interface DashboardCost {
    count: number;
    /** When these are the account's only dashboards, the free three cover the first of them. */
    dollarsPerMonthIfOnlyDashboards: number;
    /** When the account's free three are taken by other dashboards. */
    dollarsPerMonthAtMost: number;
}

function dashboardCost(report: PlanReport): DashboardCost {
    const count = report.resources.filter((resource) => resource.type === "aws:cloudwatch/dashboard:Dashboard").length;
    return {
        count,
        dollarsPerMonthIfOnlyDashboards: Math.max(0, count - FREE_DASHBOARDS_PER_ACCOUNT) * DASHBOARD_DOLLARS_PER_MONTH,
        dollarsPerMonthAtMost: count * DASHBOARD_DOLLARS_PER_MONTH,
    };
}

function renderDashboardCost(cost: DashboardCost): string {
    return (
        `Dashboards: ${cost.count} (the first ${FREE_DASHBOARDS_PER_ACCOUNT} of an account are free, then ` +
        `$${DASHBOARD_DOLLARS_PER_MONTH.toFixed(2)} each per month): $${cost.dollarsPerMonthIfOnlyDashboards.toFixed(2)} ` +
        `per month if they are the account's only dashboards, up to $${cost.dollarsPerMonthAtMost.toFixed(2)}.`
    );
}

runMain(module, main);
