// A typed way to build a pack on this one, as @pulumi/awsguard does: an organisation picks levels and settings per
// policy (checked by the compiler, and again at run time for JavaScript callers), may add policies of its own, and
// gets a PolicyPack whose initial configuration carries those choices. `pulumi preview --policy-pack-config` can
// still override them per stack.
import { EnforcementLevel, Policies, PolicyPack, PolicyPackArgs, PolicyPackConfig } from "@pulumi/policy";
import { ALL_POLICIES, packConfigProblems, PolicyConfigError, Settings } from "./config";
import { capabilitySettings, secretsSettings, platformSettings } from "./ecs";
import { executionRoleSettings, wildcardSettings } from "./iam";
import { retentionSettings } from "./logs";
import { policies as packPolicies } from "./policies";
import { dlqSettings, encryptionSettings } from "./sqs";
import { taggingSettings } from "./tagging";
import { uninspectedSettings } from "./uninspected";
import { maxTasksSettings, onDemandSettings, visibilitySettings } from "./worker";

type SettingsOf<S> = S extends Settings<infer T> ? T : never;

/** One policy's choice: its enforcement level, or an object with an optional level and any of its settings. */
export type PolicyChoice<T extends object = Record<never, never>> =
    EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Partial<T>);

/** Levels and settings for the pack's policies, by policy name. A policy not named keeps `all`, or its own level. */
export interface BackgroundWorkerPolicySettings {
    /** The level of every policy this object does not name. */
    all?: EnforcementLevel;
    "sqs-encrypted"?: PolicyChoice<SettingsOf<typeof encryptionSettings>>;
    "sqs-has-dead-letter-queue"?: PolicyChoice<SettingsOf<typeof dlqSettings>>;
    "sqs-tls-only"?: PolicyChoice;
    "sqs-no-public-access"?: PolicyChoice;
    "sqs-dlq-retention-covers-source"?: PolicyChoice;
    "ecs-service-no-public-ip"?: PolicyChoice;
    "ecs-no-public-ip-anywhere"?: PolicyChoice;
    "ecs-fargate-latest-platform"?: PolicyChoice<SettingsOf<typeof platformSettings>>;
    "ecs-task-no-host-network-or-pid"?: PolicyChoice;
    "ecs-task-no-host-ipc"?: PolicyChoice;
    "ecs-task-no-added-capabilities"?: PolicyChoice<SettingsOf<typeof capabilitySettings>>;
    "ecs-exec-disabled"?: PolicyChoice;
    "ecs-task-non-root-user"?: PolicyChoice;
    "ecs-cluster-container-insights"?: PolicyChoice;
    "ecs-task-logging"?: PolicyChoice;
    "ecs-task-no-plaintext-secrets"?: PolicyChoice<SettingsOf<typeof secretsSettings>>;
    "ecs-task-not-privileged"?: PolicyChoice;
    "ecs-task-readonly-root-filesystem"?: PolicyChoice;
    "ecs-task-role-separate-from-execution-role"?: PolicyChoice;
    "ecs-service-circuit-breaker"?: PolicyChoice;
    "iam-task-role-no-wildcards"?: PolicyChoice<SettingsOf<typeof wildcardSettings>>;
    "iam-execution-role-least-privilege"?: PolicyChoice<SettingsOf<typeof executionRoleSettings>>;
    "iam-task-role-trust-scoped"?: PolicyChoice;
    "worker-max-tasks-limit"?: PolicyChoice<SettingsOf<typeof maxTasksSettings>>;
    "worker-on-demand-base"?: PolicyChoice<SettingsOf<typeof onDemandSettings>>;
    "worker-visibility-covers-stop-timeout"?: PolicyChoice<SettingsOf<typeof visibilitySettings>>;
    "cloudwatch-log-retention-set"?: PolicyChoice<SettingsOf<typeof retentionSettings>>;
    "cloudwatch-log-group-encrypted"?: PolicyChoice;
    "cloudwatch-alarm-has-actions"?: PolicyChoice;
    "sqs-dead-letter-queue-alarmed"?: PolicyChoice;
    "sns-subscription-no-http"?: PolicyChoice;
    "kms-key-rotation-enabled"?: PolicyChoice;
    "kms-key-policy-not-public"?: PolicyChoice;
    "worker-resources-tagged"?: PolicyChoice<SettingsOf<typeof taggingSettings>>;
    "stack-no-uninspected-resources"?: PolicyChoice<SettingsOf<typeof uninspectedSettings>>;
    "stack-left-unjudged"?: PolicyChoice;
}

export interface BackgroundWorkerPackArgs extends Partial<Omit<PolicyPackArgs, "policies">> {
    /** Levels and settings per policy. Defaults to each policy's own level and settings. */
    settings?: BackgroundWorkerPolicySettings;
    /** Policies of the organisation's own, served with the pack's; a name may appear only once. */
    extraPolicies?: Policies;
}

/**
 * The policies and initial configuration a pack built from `args` serves, checked: a policy name given twice, a
 * setting for no policy of the pack, or a setting its schema refuses throws PolicyConfigError naming the key.
 */
export function packDefinition(args: BackgroundWorkerPackArgs = {}): {
    policies: Policies;
    initialConfig: PolicyPackConfig;
} {
    const servedPolicies = [...packPolicies, ...(args.extraPolicies ?? [])];
    const names = servedPolicies.map((policy) => policy.name);
    const problems = names
        .filter((name, index) => names.indexOf(name) !== index)
        .map((name) => `${name}: two policies have this name; the engine would run only one of them`);
    if (names.includes(ALL_POLICIES)) {
        problems.push(`${ALL_POLICIES}: reserved for the level of every policy; no policy may be called that`);
    }
    const settings: Record<string, unknown> = { ...args.settings };
    problems.push(...packConfigProblems(servedPolicies, settings));
    if (problems.length > 0) {
        throw new PolicyConfigError(problems);
    }
    // `all` is expanded here rather than passed on, so every policy's level is explicit in the initial config.
    const all = args.settings?.all;
    const initialConfig: PolicyPackConfig = {};
    for (const name of names) {
        const choice = settings[name] as PolicyChoice | undefined;
        if (typeof choice === "string") {
            initialConfig[name] = choice;
        } else if (choice !== undefined) {
            initialConfig[name] = { ...choice, enforcementLevel: choice.enforcementLevel ?? all };
        } else if (all !== undefined) {
            initialConfig[name] = all;
        }
    }
    return { policies: servedPolicies, initialConfig };
}

/** Builds and serves the pack (constructing a PolicyPack starts the analyzer the Pulumi CLI talks to). */
export function backgroundWorkerPolicyPack(name: string, args: BackgroundWorkerPackArgs = {}): PolicyPack {
    const { settings, extraPolicies, ...packArgs } = args;
    const { policies, initialConfig } = packDefinition({ settings, extraPolicies });
    return new PolicyPack(name, { ...packArgs, policies }, initialConfig);
}
