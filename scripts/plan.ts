// `npm run plan -- --stack <name> [--json]`: what `pulumi up` would create for a stack, computed offline by running
// index.ts under Pulumi's runtime mocks. No AWS account, no Pulumi CLI, nothing downloaded.
import { HarnessError, runStack, StackRun } from "./harness";
import { summarize } from "./describe";
import { monthlyFleetCost, renderMonthlyCosts } from "../simulator/cost";
import { WorkerSettings } from "../components/settings";
import { stackWorkers } from "../simulator/experiment";

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
        warnings: run.warnings,
    };
}

/** The plan as an indented tree: children under their parent component, in registration order. */
export function renderTree(report: PlanReport): string {
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

function parseArguments(argv: string[]): { stack: string; json: boolean; preview: boolean } {
    const stackIndex = argv.indexOf("--stack");
    const stack = stackIndex >= 0 ? argv[stackIndex + 1] : undefined;
    if (!stack || stack.startsWith("--")) {
        throw new HarnessError("usage: npm run plan -- --stack <name> [--json]   (for example --stack dev)");
    }
    return { stack, json: argv.includes("--json"), preview: argv.includes("--preview") };
}

export async function main(argv: string[]): Promise<number> {
    try {
        const options = parseArguments(argv);
        const run = await runStack({ stack: options.stack, preview: options.preview });
        const report = buildReport(run);
        const workers = stackWorkers(options.stack);
        const dashboards = dashboardCost(report);
        process.stdout.write(options.json
            ? `${JSON.stringify({ ...report, monthlyCosts: monthlyCosts(workers), dashboards }, null, 2)}\n`
            : `${renderTree(report)}\n\n${renderMonthlyCosts(workers)}\n${renderDashboardCost(dashboards)}\n`);
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
    return `Dashboards: ${cost.count} (the first ${FREE_DASHBOARDS_PER_ACCOUNT} of an account are free, then ` +
        `$${DASHBOARD_DOLLARS_PER_MONTH.toFixed(2)} each per month): $${cost.dollarsPerMonthIfOnlyDashboards.toFixed(2)} ` +
        `per month if they are the account's only dashboards, up to $${cost.dollarsPerMonthAtMost.toFixed(2)}.`;
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
