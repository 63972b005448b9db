// Serves a policy pack from a directory and asks it over gRPC, the way the Pulumi CLI does for
// `pulumi preview --policy-pack <directory>`: the language host starts @pulumi/pulumi's run-policy-pack on the pack,
// the pack prints the port of its analyzer, and the engine configures it, sends each resource's inputs (Analyze) and
// then every resource's outputs (AnalyzeStack), with values it does not know yet as its unknown sentinel. The offline
// runner uses it for `--policy-pack <directory>` (an installed pack, judged by its own code) and the tests use it to
// check the pack as served.
import { ChildProcess, spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";
import { EnforcementLevel } from "@pulumi/policy";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
    AnalyzeDiagnostic,
    AnalyzeRequest,
    AnalyzeResponse,
    AnalyzerInfo,
    AnalyzerPropertyDependencies,
    AnalyzerResource,
    AnalyzerResourceOptions,
    AnalyzeStackRequest,
    ConfigureAnalyzerRequest,
    EnforcementLevel as ProtoEnforcementLevel,
    PolicyConfig,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PolicyPackConfig } from "../policy/config";
import { Evaluation, Finding, inputState, StackResource, stackState, withUnknownsAs } from "./policyEngine";

/** How the engine marks a value it will only know after `pulumi up` (a string; the pack's deserializer reads it so). */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const LEVELS: Record<EnforcementLevel, ProtoEnforcementLevel> = {
    advisory: ProtoEnforcementLevel.ADVISORY,
    mandatory: ProtoEnforcementLevel.MANDATORY,
    disabled: ProtoEnforcementLevel.DISABLED,
    remediate: ProtoEnforcementLevel.REMEDIATE,
};

/** Properties as the engine serializes them: unknown values as its sentinel. */
function struct(properties: Record<string, unknown>): Struct {
    return Struct.fromJavaScript(withUnknownsAs(properties, UNKNOWN_SENTINEL) as never);
}

function options(resource: StackResource): AnalyzerResourceOptions {
    const opts = new AnalyzerResourceOptions();
    opts.setProtect(resource.options.protect);
    opts.setIgnorechangesList(resource.options.ignoreChanges);
    opts.setParent(resource.parent ?? "");
    return opts;
}

const unary = <Request, Response>(
    call: (request: Request, callback: (error: grpc.ServiceError | null, response: Response) => void) => unknown,
    request: Request,
) =>
    new Promise<Response>((resolve, reject) =>
        call(request, (error, response) => (error ? reject(error) : resolve(response))),
    );

/** The prefix the policy SDK gives a policy's report when it read a value unknown during preview. */
const CANT_RUN_IN_PREVIEW = /^can't run policy '([^']+)'.* during preview: /;

/** A pack running in its own process, answering the analyzer protocol. */
export class ServedPack {
    private constructor(
        private readonly process: ChildProcess,
        readonly client: AnalyzerClient,
    ) {}

    /**
     * Starts the pack in `directory` as the CLI's language host does: @pulumi/pulumi's run-policy-pack, resolved from
     * the pack's own dependencies, runs the pack's `main` and prints the port its analyzer listens on.
     */
    static async start(directory: string): Promise<ServedPack> {
        const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [directory] });
        // The first argument is the engine's address, which a pack uses only to log; nothing listens there.
        const child = spawn(process.execPath, [runner, "127.0.0.1:0", directory], {
            cwd: directory,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const port = await new Promise<string>((resolve, reject) => {
            let stderr = "";
            child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
            child.stdout?.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
            child.once("exit", (code) =>
                reject(
                    new Error(`the policy pack in ${directory} exited with ${code} before serving: ${stderr.trim()}`),
                ),
            );
        });
        if (!/^\d+$/.test(port)) {
            child.kill();
            throw new Error(`the policy pack in ${directory} printed ${JSON.stringify(port)} instead of its port`);
        }
        return new ServedPack(child, new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure()));
    }

    stop(): void {
        this.client.close();
        this.process.kill();
    }

    info(): Promise<AnalyzerInfo> {
        return unary<Empty, AnalyzerInfo>(this.client.getAnalyzerInfo.bind(this.client), new Empty());
    }

    /** Sends the CLI's configuration: every policy's level and settings, defaults filled in from its schema. */
    async configure(config: PolicyPackConfig, info: AnalyzerInfo): Promise<Map<string, EnforcementLevel>> {
        const request = new ConfigureAnalyzerRequest();
        const levels = new Map<string, EnforcementLevel>();
        const levelOf = (entry: PolicyPackConfig[string] | undefined) =>
            typeof entry === "string" ? entry : entry?.enforcementLevel;
        for (const policy of info.getPoliciesList()) {
            const name = policy.getName();
            const entry = config[name];
            const own = Object.entries(LEVELS).find(([, proto]) => proto === policy.getEnforcementlevel())?.[0];
            const level = levelOf(entry) ?? levelOf(config.all) ?? (own as EnforcementLevel);
            levels.set(name, level);
            const properties: Record<string, unknown> = {};
            const schema = policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
            for (const [key, property] of Object.entries(schema)) {
                const fallback = (property as { default?: unknown } | null)?.default;
                if (fallback !== undefined) {
                    properties[key] = fallback;
                }
            }
            if (typeof entry === "object") {
                for (const [key, value] of Object.entries(entry)) {
                    if (key !== "enforcementLevel") {
                        properties[key] = value;
                    }
                }
            }
            const policyConfig = new PolicyConfig();
            policyConfig.setEnforcementlevel(LEVELS[level]);
            policyConfig.setProperties(Struct.fromJavaScript(properties as never));
            request.getPolicyconfigMap().set(name, policyConfig);
        }
        await unary<ConfigureAnalyzerRequest, Empty>(this.client.configure.bind(this.client), request);
        return levels;
    }

    /** Analyze: one resource's inputs, as the engine sends them before the resource is created or updated. */
    analyze(resource: StackResource, preview: boolean): Promise<AnalyzeResponse> {
        const request = new AnalyzeRequest();
        request.setType(resource.type);
        request.setName(resource.name);
        request.setUrn(resource.urn);
        request.setProperties(struct(inputState(resource, preview)));
        request.setOptions(options(resource));
        return unary<AnalyzeRequest, AnalyzeResponse>(this.client.analyze.bind(this.client), request);
    }

    /** AnalyzeStack: every resource's outputs, with what each property was built from. */
    analyzeStack(resources: StackResource[], preview: boolean): Promise<AnalyzeResponse> {
        const request = new AnalyzeStackRequest();
        request.setResourcesList(
            resources.map((resource) => {
                const message = new AnalyzerResource();
                message.setType(resource.type);
                message.setName(resource.name);
                message.setUrn(resource.urn);
                message.setProperties(struct(stackState(resource, preview)));
                message.setOptions(options(resource));
                message.setParent(resource.parent ?? "");
                message.setDependenciesList(resource.options.dependsOn);
                for (const [property, urns] of Object.entries(resource.options.propertyDependencies ?? {})) {
                    const dependencies = new AnalyzerPropertyDependencies();
                    dependencies.setUrnsList(urns);
                    message.getPropertydependenciesMap().set(property, dependencies);
                }
                return message;
            }),
        );
        return unary<AnalyzeStackRequest, AnalyzeResponse>(this.client.analyzeStack.bind(this.client), request);
    }

    /** Judges a whole stack as `pulumi preview --policy-pack` would, returning findings like the in-process evaluator. */
    async evaluate(
        resources: StackResource[],
        evaluation: { preview: boolean; config?: PolicyPackConfig },
    ): Promise<Evaluation> {
        const levels = await this.configure(evaluation.config ?? {}, await this.info());
        const findings: Finding[] = [];
        const collect = (response: AnalyzeResponse) =>
            findings.push(...response.getDiagnosticsList().map((diagnostic) => findingOf(diagnostic, levels)));
        for (const resource of resources) {
            collect(await this.analyze(resource, evaluation.preview));
        }
        collect(await this.analyzeStack(resources, evaluation.preview));
        return { findings, notApplicable: [] };
    }
}

function findingOf(diagnostic: AnalyzeDiagnostic, levels: Map<string, EnforcementLevel>): Finding {
    const policy = diagnostic.getPolicyname();
    // The policy SDK sends the policy's description, a newline, then what the policy reported.
    const description = diagnostic.getDescription();
    const sent = diagnostic.getMessage();
    const message = description && sent.startsWith(`${description}\n`) ? sent.slice(description.length + 1) : sent;
    const undecided = CANT_RUN_IN_PREVIEW.test(message);
    const level =
        diagnostic.getEnforcementlevel() === ProtoEnforcementLevel.MANDATORY ? "mandatory" : ("advisory" as const);
    return {
        policy,
        // A policy that cannot run in preview is reported at advisory level; its configured level is what it would be.
        enforcementLevel: undecided ? (levels.get(policy) ?? level) : level,
        kind: undecided ? "undecided" : "violation",
        message: undecided ? message.replace(CANT_RUN_IN_PREVIEW, "") : message,
        urn: diagnostic.getUrn() || undefined,
    };
}
