// `npm run policy -- --stack <name> [options]`: runs the stack's program offline under mocks, evaluates every policy of
// the pack (policy/) over what it registers, prints the violations grouped by resource, and exits non-zero when the
// stack would fail `pulumi preview --policy-pack ./policy`. No Pulumi CLI, no AWS account. It fails closed: a config
// it cannot use, a flag it does not know, or a remote component it cannot look inside stops the run.
import * as fs from "fs";
import { HarnessError, runStack, StackRun } from "../tooling/harness";
import { packConfigProblems, PolicyPackConfig } from "../policy/config";
import { evaluatePolicies, Evaluation, Finding } from "./policyEngine";
import { policies } from "../policy/policies";
import { UninspectedComponent, uninspectedComponents } from "./policyRemote";

interface Options {
    stack: string;
    preview: boolean;
    program?: string;
    config?: PolicyPackConfig;
    /** Remote component types (or resource names) accepted although their children cannot be inspected. */
    acceptUninspected: string[];
    /** In preview, a mandatory policy left undecided fails the run. */
    failOnUndecided: boolean;
    json: boolean;
}

const USAGE = `usage: npm run policy -- --stack <name> [--preview [--fail-on-undecided]] [--program <path>]
                          [--policy-config <file.json>] [--accept-uninspected <component type or name>]... [--json]

  --stack <name>                 the stack whose Pulumi.<name>.yaml configures the program
  --preview                      leave computed outputs unknown, as \`pulumi preview\` of a new stack does
  --fail-on-undecided            with --preview: fail when a mandatory policy cannot decide until \`pulumi up\`
  --program <path>               run this program instead of the repository's index.ts
  --policy-config <file.json>    the JSON \`pulumi preview --policy-pack-config\` takes; checked before the run
  --accept-uninspected <x>       accept a remote component (type token such as awsx:ecs:FargateService, or its name)
                                 whose children the offline run cannot see; repeat for several
  --json                         print the findings as JSON`;

/** Exit codes: 0 passed, 1 the stack fails the pack, 2 the run itself could not be done as asked. */
const EXIT = { passed: 0, failed: 1, unusable: 2 };

class UsageError extends Error {}

const VALUE_FLAGS = ["--stack", "--program", "--policy-config", "--accept-uninspected"];
const SWITCHES = ["--preview", "--fail-on-undecided", "--json"];

/** Parses the arguments strictly: an unknown flag, a flag without its value or a stray word is an error. */
function parseArguments(argv: string[]): Options {
    const values = new Map<string, string[]>();
    const switches = new Set<string>();
    for (let index = 0; index < argv.length; index++) {
        const [flag, inline] = argv[index].split(/=(.*)/s, 2);
        if (SWITCHES.includes(flag) && inline === undefined) {
            switches.add(flag);
        } else if (VALUE_FLAGS.includes(flag)) {
            const value = inline ?? argv[++index];
            if (value === undefined || value.startsWith("--")) {
                throw new UsageError(`${flag} needs a value`);
            }
            values.set(flag, [...(values.get(flag) ?? []), value]);
        } else if (flag.startsWith("-")) {
            throw new UsageError(
                `unknown option ${argv[index]}${flag === "--config" ? " (the pack's configuration is --policy-config <file.json>)" : ""}`,
            );
        } else {
            throw new UsageError(`unexpected argument ${JSON.stringify(argv[index])}`);
        }
    }
    const single = (flag: string) => {
        const given = values.get(flag) ?? [];
        if (given.length > 1) {
            throw new UsageError(`${flag} given ${given.length} times`);
        }
        return given[0];
    };
    const stack = single("--stack");
    if (!stack) {
        throw new UsageError("--stack is required");
    }
    if (switches.has("--fail-on-undecided") && !switches.has("--preview")) {
        throw new UsageError(
            "--fail-on-undecided needs --preview: outside preview every value is known and nothing is undecided",
        );
    }
    const configFile = single("--policy-config");
    return {
        stack,
        preview: switches.has("--preview"),
        program: single("--program"),
        config: configFile === undefined ? undefined : readPolicyConfig(configFile),
        acceptUninspected: values.get("--accept-uninspected") ?? [],
        failOnUndecided: switches.has("--fail-on-undecided"),
        json: switches.has("--json"),
    };
}

/** Reads and checks a `--policy-pack-config` file; every problem names its key. */
function readPolicyConfig(file: string): PolicyPackConfig {
    let config: unknown;
    try {
        config = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new HarnessError(`--policy-config ${file}: ${(error as Error).message}`);
    }
    const problems = packConfigProblems(policies, config);
    if (problems.length > 0) {
        throw new HarnessError(
            `--policy-config ${file} is not a valid configuration of the pack:\n${problems.map((problem) => `  ${problem}`).join("\n")}`,
        );
    }
    return config as PolicyPackConfig;
}

const MARKS: Record<string, string> = { mandatory: "✖ mandatory", advisory: "! advisory ", undecided: "? undecided" };

interface Verdict {
    mandatory: Finding[];
    undecidedMandatory: string[];
    failingComponents: UninspectedComponent[];
    failed: boolean;
}

function verdictOf(evaluation: Evaluation, components: UninspectedComponent[], options: Options): Verdict {
    const mandatory = evaluation.findings.filter(
        (finding) => finding.kind === "violation" && finding.enforcementLevel === "mandatory",
    );
    const undecidedMandatory = [
        ...new Set(
            evaluation.findings
                .filter((finding) => finding.kind === "undecided" && finding.enforcementLevel === "mandatory")
                .map((finding) => finding.policy),
        ),
    ];
    const failingComponents = components.filter((component) => component.fails);
    const failed =
        mandatory.length > 0 ||
        failingComponents.length > 0 ||
        (options.failOnUndecided && undecidedMandatory.length > 0);
    return { mandatory, undecidedMandatory, failingComponents, failed };
}

/** The report: findings under the resource they concern (stack-wide ones last), then what could not be decided. */
function renderReport(
    run: StackRun,
    evaluation: Evaluation,
    components: UninspectedComponent[],
    verdict: Verdict,
    options: Options,
): string {
    const { findings } = evaluation;
    const mode = run.preview
        ? "preview: computed outputs unknown, as in `pulumi preview` of a new stack"
        : "up: outputs as the mocks return them";
    const lines = [
        `Policy pack background-worker on stack ${run.stack} (${mode}): ${policies.length} policies, ${run.resources.length} resources`,
        "",
    ];

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

    const undecided = [
        ...new Set(
            findings
                .filter((finding) => finding.kind === "undecided")
                .map((finding) => `${finding.policy} (${finding.enforcementLevel})`),
        ),
    ];
    if (undecided.length > 0) {
        lines.push(
            "Left open in preview: these policies decided everything they could see and read a value that is unknown",
            'until `pulumi up` (the engine reports them as "can\'t run during preview", at advisory level):',
            ...undecided.map((policy) => `  ? ${policy}`),
            options.failOnUndecided
                ? "  (--fail-on-undecided: an open mandatory policy fails the run)"
                : "  (add --fail-on-undecided to fail the run on an open mandatory policy)",
            "",
        );
    }
    if (components.length > 0) {
        lines.push("Remote components (their children run in a provider plugin and are invisible offline):");
        for (const component of components) {
            const what =
                component.governed === undefined
                    ? "not a component the pack knows, so it may create anything"
                    : component.governed.length > 0
                      ? `creates ${component.governed.join(", ")}`
                      : "creates nothing the pack governs";
            const status = component.fails
                ? `✖ not inspected; accept with --accept-uninspected ${component.type}`
                : component.accepted
                  ? "accepted uninspected (--accept-uninspected)"
                  : "listed";
            lines.push(`  ${component.type} ${component.name}: ${what}. ${status}`);
        }
        lines.push("");
    }
    const violations = findings.filter((finding) => finding.kind === "violation");
    const reasons = [
        verdict.mandatory.length > 0 ? "a mandatory policy is violated" : undefined,
        verdict.failingComponents.length > 0
            ? "a remote component that creates governed resources was not inspected"
            : undefined,
        options.failOnUndecided && verdict.undecidedMandatory.length > 0
            ? `mandatory policies are undecided (${verdict.undecidedMandatory.join(", ")})`
            : undefined,
    ].filter((reason): reason is string => reason !== undefined);
    lines.push(
        `${verdict.mandatory.length} mandatory and ${violations.length - verdict.mandatory.length} advisory violations` +
            (undecided.length > 0 ? `; ${undecided.length} policies left open` : "") +
            (verdict.failed ? `. FAILED: ${reasons.join("; ")}.` : ". PASSED."),
    );
    return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
    let options: Options;
    try {
        options = parseArguments(argv);
    } catch (error) {
        const usage = error instanceof UsageError ? `\n${USAGE}` : "";
        process.stderr.write(`policy run failed: ${(error as Error).message}${usage}\n`);
        return EXIT.unusable;
    }
    try {
        const run = await runStack({ stack: options.stack, preview: options.preview, program: options.program });
        const evaluation = await evaluatePolicies(policies, run.resources, {
            preview: options.preview,
            config: options.config,
        });
        const components = uninspectedComponents(run.resources, options.acceptUninspected);
        const verdict = verdictOf(evaluation, components, options);
        const output = options.json
            ? JSON.stringify(
                  {
                      stack: run.stack,
                      preview: run.preview,
                      passed: !verdict.failed,
                      ...evaluation,
                      remoteComponents: components,
                  },
                  null,
                  2,
              )
            : renderReport(run, evaluation, components, verdict, options);
        process.stdout.write(`${output}\n`);
        return verdict.failed ? EXIT.failed : EXIT.passed;
    } catch (error) {
        process.stderr.write(`policy run failed: ${error instanceof Error ? error.message : String(error)}\n`);
        return EXIT.unusable;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
