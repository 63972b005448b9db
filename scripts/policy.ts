// `npm run policy -- --stack <name> [options]`: runs the stack's program offline under mocks, evaluates every policy of
// the pack (policy/) over what it registers, prints the violations grouped by resource, and exits non-zero when the
// stack would fail `pulumi preview --policy-pack ./policy`. No Pulumi CLI, no AWS account. It fails closed: a config
// it cannot use, a flag it does not know, or a remote component it cannot look inside stops the run.
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { HarnessError, runStack, StackRun } from "../tooling/harness";
import { packConfigProblems, PolicyPackConfig } from "../policy/config";
import { evaluatePolicies, Evaluation, Finding, loweredPolicies } from "./policyEngine";
import { ServedPack } from "./policyAnalyzer";
import { policies } from "../policy/policies";
import { stackLeftUnjudged, stackNoUninspectedResources } from "../policy/uninspected";
import { UninspectedComponent, uninspectedComponents } from "./policyRemote";

interface Options {
    stack: string;
    preview: boolean;
    program?: string;
    config?: PolicyPackConfig;
    /** Remote components and uninspected resources (types or names) accepted although they cannot be inspected. */
    acceptUninspected: string[];
    /** In preview, a mandatory policy left undecided fails the run. */
    failOnUndecided: boolean;
    /** A directory holding a policy pack (an installed @background-worker/policy) to serve and ask over gRPC. */
    policyPack?: string;
    json: boolean;
}

const USAGE = `usage: npm run policy -- --stack <name> [--preview [--fail-on-undecided]] [--program <path>]
                          [--policy-config <file.json>] [--accept-uninspected <type or name>]...
                          [--policy-pack <directory>] [--json]

  --stack <name>                 the stack whose Pulumi.<name>.yaml configures the program
  --preview                      leave computed outputs unknown, as \`pulumi preview\` of a new stack does
  --fail-on-undecided            with --preview: fail when a mandatory policy cannot decide until \`pulumi up\`
  --program <path>               run this program instead of the repository's index.ts
  --policy-config <file.json>    the JSON \`pulumi preview --policy-pack-config\` takes; checked before the run
  --accept-uninspected <x>       accept a remote component, or a resource the pack cannot see into (type token such
                                 as awsx:ecs:FargateService or aws:cloudformation/stack:Stack, or its name); repeat
                                 for several; each is listed as left unjudged
  --policy-pack <directory>      judge with the pack in this directory (an installed @background-worker/policy),
                                 served and asked over gRPC as \`pulumi preview --policy-pack <directory>\` does
  --json                         print the findings as JSON`;

/** Exit codes: 0 passed, 1 the stack fails the pack, 2 the run itself could not be done as asked. */
const EXIT = { passed: 0, failed: 1, unusable: 2 };

class UsageError extends Error {}

const OPTIONS = {
    stack: { type: "string" },
    preview: { type: "boolean" },
    "fail-on-undecided": { type: "boolean" },
    program: { type: "string" },
    "policy-config": { type: "string" },
    "accept-uninspected": { type: "string", multiple: true },
    "policy-pack": { type: "string" },
    json: { type: "boolean" },
} as const;

const VALID_OPTIONS = Object.keys(OPTIONS)
    .map((name) => `--${name}`)
    .join(", ");

/** Hints for options people reach for that mean something else here. */
const HINTS: Record<string, string> = {
    "--config": "the pack's configuration is --policy-config <file.json>",
    "--policy-pack-config": "the pack's configuration is --policy-config <file.json>",
};

/** Parses the arguments strictly: an unknown option, an option without its value, a repeat or a stray word is an error. */
function parseArguments(argv: string[]): Options {
    const parse = () =>
        parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false, tokens: true });
    let parsed: ReturnType<typeof parse>;
    try {
        parsed = parse();
    } catch (error) {
        const message = (error as Error).message;
        const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
        if (unknown) {
            const hint = HINTS[unknown] ? ` (${HINTS[unknown]})` : "";
            throw new UsageError(`unknown option ${unknown}${hint}; the options are ${VALID_OPTIONS}`);
        }
        throw new UsageError(message.replace(/\.$/, ""));
    }
    const { values, tokens } = parsed;
    for (const name of ["stack", "program", "policy-config", "policy-pack"] as const) {
        const given = tokens.filter((token) => token.kind === "option" && token.name === name).length;
        if (given > 1) {
            throw new UsageError(`--${name} given ${given} times`);
        }
    }
    if (!values.stack) {
        throw new UsageError("--stack is required");
    }
    if (values["fail-on-undecided"] && !values.preview) {
        throw new UsageError(
            "--fail-on-undecided needs --preview: outside preview every value is known and nothing is undecided",
        );
    }
    const configFile = values["policy-config"];
    const policyPack = values["policy-pack"];
    if (policyPack !== undefined && !fs.existsSync(path.join(policyPack, "PulumiPolicy.yaml"))) {
        throw new UsageError(`--policy-pack ${policyPack}: no PulumiPolicy.yaml there, so it is no policy pack`);
    }
    return {
        stack: values.stack,
        preview: values.preview ?? false,
        program: values.program,
        config: configFile === undefined ? undefined : readPolicyConfig(configFile),
        acceptUninspected: values["accept-uninspected"] ?? [],
        failOnUndecided: values["fail-on-undecided"] ?? false,
        policyPack: policyPack === undefined ? undefined : path.resolve(policyPack),
        json: values.json ?? false,
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

/** The configuration with --accept-uninspected added to what `stack-no-uninspected-resources` accepts. */
function withAccepted(config: PolicyPackConfig | undefined, accepted: string[]): PolicyPackConfig {
    const all = { ...config };
    if (accepted.length === 0) {
        return all;
    }
    const name = stackNoUninspectedResources.name;
    const entry = all[name];
    const settings = typeof entry === "object" ? entry : entry === undefined ? {} : { enforcementLevel: entry };
    const listed = Array.isArray(settings.acceptedUninspected) ? (settings.acceptedUninspected as string[]) : [];
    all[name] = { ...settings, acceptedUninspected: [...listed, ...accepted] };
    return all;
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

/** Whether a finding lists something the run left unjudged, rather than judging it. */
const isLeftUnjudged = (finding: Finding) => finding.policy === stackLeftUnjudged.name && finding.kind === "violation";

/**
 * What the run did not judge, every time: the findings of stack-left-unjudged (outside task definitions and queues,
 * the component's taskDefinitionArn and existingQueue, uninspected resources, roles outside the stack), the remote
 * components it cannot see into, and what the command line accepted uninspected.
 */
function leftUnjudged(evaluation: Evaluation, components: UninspectedComponent[], options: Options): string[] {
    return [
        ...evaluation.findings.filter(isLeftUnjudged).map((finding) => finding.message),
        ...components
            .filter((component) => component.accepted)
            .map((component) => `${component.type} ${component.name}: a remote component accepted uninspected.`),
        ...options.acceptUninspected.map((item) => `--accept-uninspected ${item}: accepted without being judged.`),
    ];
}

/** The report: findings under the resource they concern (stack-wide ones last), then what could not be decided. */
function renderReport(
    run: StackRun,
    evaluation: Evaluation,
    components: UninspectedComponent[],
    verdict: Verdict,
    options: Options,
): string {
    const findings = evaluation.findings.filter((finding) => !isLeftUnjudged(finding));
    const mode = run.preview
        ? "preview: computed outputs unknown, as in `pulumi preview` of a new stack"
        : "up: outputs as the mocks return them";
    const judge = options.policyPack
        ? `the pack in ${options.policyPack}, served over gRPC`
        : `${policies.length} policies`;
    const lines = [
        `Policy pack background-worker on stack ${run.stack} (${mode}): ${judge}, ${run.resources.length} resources`,
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
    const lowered = loweredPolicies(policies, options.config ?? {});
    if (lowered.length > 0) {
        lines.push(
            "Lowered by --policy-config (a disabled policy judged nothing; an advisory one reports without failing):",
            ...lowered.map((item) => `  - ${item.policy}: ${item.configuredLevel}, ${item.packLevel} in the pack`),
            "",
        );
    }
    const unjudged = leftUnjudged(evaluation, components, options);
    lines.push(
        unjudged.length > 0 ? "Left unjudged (judge these elsewhere):" : "Left unjudged: nothing.",
        ...unjudged.map((item) => `  - ${item}`),
        "",
    );
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
            `; ${unjudged.length} left unjudged` +
            (lowered.length > 0 ? `; ${lowered.length} policies lowered by --policy-config` : "") +
            (verdict.failed ? `. FAILED: ${reasons.join("; ")}.` : ". PASSED."),
    );
    return lines.join("\n");
}

/** Judges the run's resources in this process, or with the pack in `policyPack` served as the CLI serves it. */
async function evaluate(run: StackRun, options: Options, config: PolicyPackConfig): Promise<Evaluation> {
    if (!options.policyPack) {
        return evaluatePolicies(policies, run.resources, { preview: options.preview, config });
    }
    const pack = await ServedPack.start(options.policyPack);
    try {
        return await pack.evaluate(run.resources, { preview: options.preview, config });
    } finally {
        pack.stop();
    }
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
        const evaluation = await evaluate(run, options, withAccepted(options.config, options.acceptUninspected));
        const components = uninspectedComponents(run.resources, options.acceptUninspected);
        const verdict = verdictOf(evaluation, components, options);
        const output = options.json
            ? JSON.stringify(
                  {
                      stack: run.stack,
                      preview: run.preview,
                      passed: !verdict.failed,
                      findings: evaluation.findings.filter((finding) => !isLeftUnjudged(finding)),
                      notApplicable: evaluation.notApplicable,
                      remoteComponents: components,
                      leftUnjudged: leftUnjudged(evaluation, components, options),
                      loweredByConfig: loweredPolicies(policies, options.config ?? {}),
                  },
                  null,
                  2,
              )
            : renderReport(run, evaluation, components, verdict, options);
        process.stdout.write(`${output}\n`);
        return verdict.failed ? EXIT.failed : EXIT.passed;
    } catch (error) {
        process.stderr.write(`policy run failed: ${explainRunFailure(error)}\n`);
        return EXIT.unusable;
    }
}

/**
 * The reason a program could not be run offline, in terms of what the program did. The mocks run a program without
 * the root stack resource the engine creates, so what reaches for it (the legacy stack transformations) fails in the
 * SDK with a message about the stack; say what to do instead of passing that on.
 */
function explainRunFailure(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    if (/root stack resource was referenced before it was initialized/.test(message)) {
        return (
            "the program uses the root stack resource (pulumi.runtime.registerStackTransformation, the legacy stack " +
            "transformations), which the offline run does not create, so it cannot judge what they would deploy. Use " +
            "pulumi.runtime.registerResourceTransform, which the offline run evaluates, or judge this program with " +
            `pulumi preview --policy-pack. (${message})`
        );
    }
    return message;
}

if (require.main === module) {
    // The exit code is set, not forced, so output piped to another program drains completely.
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
