// Evaluates the pack without the Pulumi CLI, over the resources a program registered under mocks, the way the
// policy engine would: resource policies see each resource's inputs, stack policies see every resource's outputs,
// enforcement levels and configuration are resolved from a `--policy-pack-config` file, and in preview mode a value
// that is not known yet makes a policy "undecided" (the engine reports it as "can't run during preview" and downgrades
// it to advisory) instead of passing or failing on a guess.
//
// The engine does not load this file; scripts/policy.ts and the tests do.
import {
    EnforcementLevel,
    Policies,
    PolicyConfigSchema,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidationArgs,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { packConfigProblems, PolicyConfigError, PolicyPackConfig } from "../policy/config";

/** A resource as the program registered it under mocks (the shape of scripts/harness.ts's RegisteredResource). */
export interface StackResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    custom: boolean;
    /** What the program passed; in preview mode a value not known yet is `undefined` (or Pulumi's unknown). */
    inputs: Record<string, unknown>;
    /** What the provider (the mocks) returned; in preview mode computed outputs (arn, url, id) are missing. */
    outputs: Record<string, unknown>;
    /** Remote (multi-language) components such as awsx's: their children are invisible to mocks. */
    remote?: boolean;
    options: {
        protect: boolean;
        ignoreChanges: string[];
        /** Every resource this one depends on, explicit or through its inputs. */
        dependsOn: string[];
        /** Per input property, the resources its value was built from. */
        propertyDependencies?: Record<string, string[]>;
    };
}

export interface Finding {
    policy: string;
    enforcementLevel: EnforcementLevel;
    /** A violation, or a policy that read a value not known until `pulumi up`. */
    kind: "violation" | "undecided";
    message: string;
    /** The resource the finding is about; undefined for a finding about the whole stack. */
    urn?: string;
}

export interface Evaluation {
    findings: Finding[];
    /** Policies that declared themselves not applicable, with why (for example a stack not listed in their config). */
    notApplicable: { policy: string; urn?: string; reason: string }[];
}

export interface EvaluateOptions {
    /** Preview mode: values the program could not know yet are unknown, as in `pulumi preview`. */
    preview: boolean;
    /** A `--policy-pack-config` file's content; checked first (PolicyConfigError names every bad key). */
    config?: PolicyPackConfig;
}

type Policy = Policies[number];

/** Computed outputs the provider fills in at create time: unknown during a preview of a new resource. */
const COMPUTED_OUTPUTS = ["arn", "url", "id"];

class Unknown {}
const UNKNOWN = new Unknown();

/** Thrown when a policy reads a value that is unknown during preview (the engine has its own, like it). */
class UnknownValueError extends Error {
    constructor(readonly path: string) {
        super(`the value at ${path} is not known until \`pulumi up\``);
    }
}

class NotApplicableError extends Error {}

function isStackPolicy(policy: Policy): policy is StackValidationPolicy {
    return "validateStack" in policy;
}

/** The secret wrapper the Pulumi runtime uses in serialized properties; the engine hands policies the plain value. */
const SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** Replaces values not known yet with UNKNOWN (preview only) and unwraps secrets, as the engine's deserializer does. */
function normalize(value: unknown, preview: boolean): unknown {
    if (value === UNKNOWN) {
        return value;
    }
    if (value === undefined || pulumi.isUnknown(value)) {
        return preview ? UNKNOWN : undefined;
    }
    if (Array.isArray(value)) {
        return value.map((item) => normalize(item, preview));
    }
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        if (record[SECRET_SIGNATURE_KEY] === SECRET_SIGNATURE) {
            return normalize(record.value, preview);
        }
        const result: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(record)) {
            const normalized = normalize(item, preview);
            if (normalized !== undefined) {
                result[key] = normalized;
            }
        }
        return result;
    }
    return value;
}

/** A resource's inputs as the engine hands them to resource policies (unknowns marked in preview, secrets unwrapped). */
export function inputState(resource: StackResource, preview: boolean): Record<string, unknown> {
    return normalize(resource.inputs, preview) as Record<string, unknown>;
}

/**
 * A resource's state as the engine hands it to stack policies: the provider's outputs, which hold the inputs too, with
 * the outputs a provider computes at creation unknown in preview.
 */
export function stackState(resource: StackResource, preview: boolean): Record<string, unknown> {
    const state: Record<string, unknown> = { ...resource.inputs, ...resource.outputs };
    if (preview && resource.custom) {
        for (const key of COMPUTED_OUTPUTS) {
            state[key] = state[key] ?? UNKNOWN;
        }
    }
    return normalize(state, preview) as Record<string, unknown>;
}

/** A normalized value with every unknown replaced by `replacement` (the engine's wire sentinel, for instance). */
export function withUnknownsAs(value: unknown, replacement: unknown): unknown {
    if (value === UNKNOWN) {
        return replacement;
    }
    if (Array.isArray(value)) {
        return value.map((item) => withUnknownsAs(item, replacement));
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withUnknownsAs(item, replacement)]));
    }
    return value;
}

/** A proxy that throws UnknownValueError when a policy reads an unknown value, like the engine's. */
function unknownChecking<T>(value: T, path: string): T {
    if (typeof value !== "object" || value === null) {
        return value;
    }
    return new Proxy(value as object, {
        get: (target, property, receiver) => {
            const field: unknown = Reflect.get(target, property, receiver);
            const fieldPath = `${path}.${String(property)}`;
            if (field === UNKNOWN) {
                throw new UnknownValueError(fieldPath);
            }
            const descriptor = Object.getOwnPropertyDescriptor(target, property);
            // A proxy must return the exact value of a non-configurable, read-only property.
            if (descriptor && "value" in descriptor && !descriptor.configurable && !descriptor.writable) {
                return field;
            }
            return unknownChecking(field, fieldPath);
        },
    }) as T;
}

function resourceOptions(resource: StackResource): PolicyResourceOptions {
    return {
        protect: resource.options.protect,
        ignoreChanges: resource.options.ignoreChanges,
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        parent: resource.parent,
    };
}

/** `isType`/`asType` for a resource class, as the engine does: by the class's type token. */
function typeChecks<Args extends { isType: unknown; asType: unknown }>(type: string, props: Record<string, unknown>) {
    const isType = (resourceClass: { __pulumiType?: string }) => resourceClass.__pulumiType === type;
    return {
        isType: isType as Args["isType"],
        asType: ((resourceClass: { __pulumiType?: string }) =>
            isType(resourceClass) ? props : undefined) as Args["asType"],
    };
}

/** The level a policy runs at under `config`: its own entry, else `all`, else the pack's default. */
export function configuredLevel(policy: Policy, config: PolicyPackConfig): EnforcementLevel {
    const levelOf = (entry: PolicyPackConfig[string] | undefined) =>
        typeof entry === "string" ? entry : entry?.enforcementLevel;
    return levelOf(config[policy.name]) ?? levelOf(config.all) ?? policy.enforcementLevel ?? "advisory";
}

/** How much a level stops: disabled judges nothing, advisory reports, mandatory and remediate stop the update. */
const LEVEL_RANK: Record<EnforcementLevel, number> = { disabled: 0, advisory: 1, mandatory: 2, remediate: 2 };

/** A policy the configuration runs below the pack's own level for it. */
export interface LoweredPolicy {
    policy: string;
    packLevel: EnforcementLevel;
    configuredLevel: EnforcementLevel;
}

/** Every policy `config` runs below the level the pack gives it (a mandatory one made advisory, any one disabled). */
export function loweredPolicies(policies: Policies, config: PolicyPackConfig): LoweredPolicy[] {
    return policies.flatMap((policy) => {
        const packLevel = policy.enforcementLevel ?? "advisory";
        const level = configuredLevel(policy, config);
        return LEVEL_RANK[level] < LEVEL_RANK[packLevel]
            ? [{ policy: policy.name, packLevel, configuredLevel: level }]
            : [];
    });
}

/** Schema defaults under what the config file sets, as the Pulumi CLI passes them to the policy. */
function policyConfig(
    policy: Policy,
    config: PolicyPackConfig,
): { level: EnforcementLevel; properties: Record<string, unknown> } {
    const entry = config[policy.name];
    const level = configuredLevel(policy, config);
    const properties: Record<string, unknown> = {};
    const schema: PolicyConfigSchema["properties"] = policy.configSchema?.properties ?? {};
    for (const [key, property] of Object.entries(schema)) {
        if (typeof property === "object" && property.default !== undefined) {
            properties[key] = property.default;
        }
    }
    if (typeof entry === "object") {
        for (const [key, value] of Object.entries(entry)) {
            if (key !== "enforcementLevel") {
                properties[key] = value;
            }
        }
    }
    return { level, properties };
}

export async function evaluatePolicies(
    policies: Policies,
    resources: StackResource[],
    options: EvaluateOptions,
): Promise<Evaluation> {
    const problems = packConfigProblems(policies, options.config ?? {});
    if (problems.length > 0) {
        throw new PolicyConfigError(problems);
    }
    const evaluation: Evaluation = { findings: [], notApplicable: [] };
    const notApplicable = (reason?: string): never => {
        throw new NotApplicableError(reason ?? "the policy does not apply");
    };
    const stackTags = new Map<string, string>();

    /** Runs one validation, turning the engine's control-flow errors into findings. */
    const run = async (
        policy: Policy,
        level: EnforcementLevel,
        urn: string | undefined,
        validate: (report: ReportViolation) => Promise<void> | void,
    ) => {
        const report: ReportViolation = (message, violationUrn) =>
            evaluation.findings.push({
                policy: policy.name,
                enforcementLevel: level,
                kind: "violation",
                message,
                urn: urn ?? violationUrn,
            });
        try {
            await validate(report);
        } catch (error) {
            if (error instanceof UnknownValueError) {
                evaluation.findings.push({
                    policy: policy.name,
                    enforcementLevel: level,
                    kind: "undecided",
                    message: error.message,
                    urn,
                });
            } else if (error instanceof NotApplicableError) {
                evaluation.notApplicable.push({ policy: policy.name, urn, reason: error.message });
            } else {
                throw new Error(
                    `policy ${policy.name} failed on ${urn ?? "the stack"}: ${(error as Error).stack ?? String(error)}`,
                    { cause: error },
                );
            }
        }
    };

    // Outputs as stack policies see them: the provider's state, which holds the inputs too.
    const stackResources: PolicyResource[] = resources.map((resource) => {
        const props = unknownChecking(stackState(resource, options.preview), `${resource.name}.outputs`);
        return {
            type: resource.type,
            props,
            urn: resource.urn,
            name: resource.name,
            opts: resourceOptions(resource),
            dependencies: [],
            propertyDependencies: {},
            ...typeChecks<PolicyResource>(resource.type, props),
        };
    });
    const byUrn = new Map(stackResources.map((resource) => [resource.urn, resource]));
    resources.forEach((resource, index) => {
        stackResources[index].parent = resource.parent ? byUrn.get(resource.parent) : undefined;
        const resolve = (urns: string[]) =>
            urns
                .map((urn) => byUrn.get(urn))
                .filter((dependency): dependency is PolicyResource => dependency !== undefined);
        stackResources[index].dependencies = resolve(resource.options.dependsOn);
        stackResources[index].propertyDependencies = Object.fromEntries(
            Object.entries(resource.options.propertyDependencies ?? {}).map(([property, urns]) => [
                property,
                resolve(urns),
            ]),
        );
    });

    for (const policy of policies) {
        const { level: configured, properties } = policyConfig(policy, options.config ?? {});
        if (configured === "disabled") {
            continue;
        }
        // Validation cannot remediate, so the engine reports a remediate policy's violations as mandatory.
        const level = configured === "remediate" ? "mandatory" : configured;
        const getConfig = <T extends object>() => properties as T;
        if (isStackPolicy(policy)) {
            const args: StackValidationArgs = { resources: stackResources, stackTags, getConfig, notApplicable };
            await run(policy, level, undefined, (report) => policy.validateStack(args, report));
            continue;
        }
        const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
        for (const resource of resources) {
            const props = unknownChecking(inputState(resource, options.preview), `${resource.name}.inputs`);
            const args: ResourceValidationArgs = {
                type: resource.type,
                props,
                urn: resource.urn,
                name: resource.name,
                opts: resourceOptions(resource),
                stackTags,
                getConfig,
                notApplicable,
                ...typeChecks<ResourceValidationArgs>(resource.type, props),
            };
            for (const validate of validations) {
                await run(policy, level, resource.urn, (report) => validate(args, report));
            }
        }
    }
    return evaluation;
}
