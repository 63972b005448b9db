// `npm run policy -- --stack <name> [--preview] [--program <path>] [--policy-config <file>] [--json]`: runs the
// stack's program offline under mocks, evaluates every policy of the pack (policy/) over what it registers, prints
// the violations grouped by resource, and exits non-zero when a mandatory policy is violated, as
// `pulumi preview --policy-pack ./policy` would fail. No Pulumi CLI, no AWS account.
//
// --preview leaves computed outputs (ARNs, URLs) unknown, as a preview of a new stack does, and lists the policies that
// cannot decide until `pulumi up`; --policy-config takes the same JSON file as `--policy-pack-config`.
import * as fs from "fs";
import { HarnessError, runStack, StackRun } from "./harness";
import { evaluatePolicies, Evaluation, Finding, PolicyPackConfigFile } from "../policy/offline";
import { policies } from "../policy/policies";

interface Options {
    stack: string;
    preview: boolean;
    program?: string;
    config?: PolicyPackConfigFile;
    json: boolean;
}

const USAGE =
    "usage: npm run policy -- --stack <name> [--preview] [--program <path>] [--policy-config <file.json>] [--json]";

function parseArguments(argv: string[]): Options {
    const valueOf = (flag: string): string | undefined => {
        const index = argv.indexOf(flag);
        if (index < 0) {
            return undefined;
        }
        const value = argv[index + 1];
        if (value === undefined || value.startsWith("--")) {
            throw new HarnessError(`${flag} needs a value\n${USAGE}`);
        }
        return value;
    };
    const stack = valueOf("--stack");
    if (!stack) {
        throw new HarnessError(USAGE);
    }
    const configFile = valueOf("--policy-config");
    let config: PolicyPackConfigFile | undefined;
    if (configFile) {
        try {
            config = JSON.parse(fs.readFileSync(configFile, "utf8")) as PolicyPackConfigFile;
        } catch (error) {
            throw new HarnessError(`--policy-config ${configFile}: ${(error as Error).message}`);
        }
    }
    return { stack, preview: argv.includes("--preview"), program: valueOf("--program"), config, json: argv.includes("--json") };
}

const MARKS: Record<string, string> = { mandatory: "✖ mandatory", advisory: "! advisory ", undecided: "? undecided" };

/** The report: findings under the resource they concern (stack-wide ones last), then what could not be decided. */
function renderReport(run: StackRun, evaluation: Evaluation): string {
    const { findings } = evaluation;
    const mode = run.preview ? "preview: computed outputs unknown, as in `pulumi preview` of a new stack" : "up: outputs as the mocks return them";
    const lines = [`Policy pack background-worker on stack ${run.stack} (${mode}): ${policies.length} policies, ${run.resources.length} resources`, ""];

    const byResource = new Map<string | undefined, Finding[]>();
    for (const finding of findings) {
        byResource.set(finding.urn, [...(byResource.get(finding.urn) ?? []), finding]);
    }
    const describe = (finding: Finding) =>
        `  ${MARKS[finding.kind === "undecided" ? "undecided" : finding.enforcementLevel]}  ${finding.policy}: ${finding.message}`;
    for (const resource of run.resources) {
        const resourceFindings = byResource.get(resource.urn);
        if (resourceFindings) {
            lines.push(`${resource.type} ${resource.name}`, ...resourceFindings.map(describe), "");
        }
    }
    const stackFindings = [...byResource.entries()]
        .filter(([urn]) => urn === undefined || !run.resources.some((resource) => resource.urn === urn))
        .flatMap(([, list]) => list);
    if (stackFindings.length > 0) {
        lines.push("stack", ...stackFindings.map(describe), "");
    }

    const violations = findings.filter((finding) => finding.kind === "violation");
    const mandatory = violations.filter((finding) => finding.enforcementLevel === "mandatory");
    const undecided = [...new Set(findings.filter((finding) => finding.kind === "undecided").map((finding) => `${finding.policy} (${finding.enforcementLevel})`))];
    if (undecided.length > 0) {
        lines.push(
            "Could not decide in preview (unknown values; the engine reports these as \"can't run during preview\" and",
            "downgrades them to advisory, so they decide at `pulumi up`):",
            ...undecided.map((policy) => `  ? ${policy}`),
            "",
        );
    }
    const remote = run.resources.filter((resource) => resource.remote).map((resource) => `${resource.type} ${resource.name}`);
    if (remote.length > 0) {
        lines.push(`Not inspected: the children of remote components (${remote.join(", ")}) are invisible to mocks.`, "");
    }
    lines.push(
        `${mandatory.length} mandatory and ${violations.length - mandatory.length} advisory violations` +
            (undecided.length > 0 ? `; ${undecided.length} policies undecided` : "") +
            (mandatory.length > 0 ? ". FAILED: a mandatory policy is violated." : ". PASSED."),
    );
    return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
    try {
        const options = parseArguments(argv);
        const run = await runStack({ stack: options.stack, preview: options.preview, program: options.program });
        const evaluation = await evaluatePolicies(policies, run.resources, { preview: options.preview, config: options.config });
        const failed = evaluation.findings.some((finding) => finding.kind === "violation" && finding.enforcementLevel === "mandatory");
        const output = options.json
            ? JSON.stringify({ stack: run.stack, preview: run.preview, passed: !failed, ...evaluation }, null, 2)
            : renderReport(run, evaluation);
        process.stdout.write(`${output}\n`);
        return failed ? 1 : 0;
    } catch (error) {
        process.stderr.write(`policy run failed: ${error instanceof Error ? error.message : String(error)}\n`);
        return 2;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
