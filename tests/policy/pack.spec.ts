import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { policies } from "../../policy/policies";
import { wildcardSettings } from "../../policy/iam";
import { BackgroundWorkerPolicySettings, packDefinition } from "../../policy/pack";
import { PolicyConfigError } from "../../policy/config";
import { workerMaxTasksLimit, workerOnDemandBase } from "../../policy/worker";

const POLICY_DIR = path.join(__dirname, "..", "..", "policy");

/** The pack as the README's table documents it: level, the Security Hub control mirrored, config defaults. */
const EXPECTED = [
    {
        name: "sqs-encrypted",
        level: "mandatory",
        control: "SQS.1",
        stack: false,
        config: { requireExplicitEncryption: false },
    },
    {
        name: "sqs-has-dead-letter-queue",
        level: "mandatory",
        control: undefined,
        stack: true,
        config: { externalDeadLetterQueueArns: [] },
    },
    { name: "sqs-tls-only", level: "mandatory", control: undefined, stack: true, config: {} },
    { name: "sqs-no-public-access", level: "mandatory", control: "SQS.3", stack: true, config: {} },
    { name: "sqs-dlq-retention-covers-source", level: "advisory", control: undefined, stack: true, config: {} },
    { name: "ecs-service-no-public-ip", level: "mandatory", control: "ECS.2", stack: false, config: {} },
    { name: "ecs-no-public-ip-anywhere", level: "mandatory", control: "ECS.16", stack: false, config: {} },
    {
        name: "ecs-fargate-latest-platform",
        level: "mandatory",
        control: "ECS.10",
        stack: false,
        config: { allowedPlatformVersions: ["LATEST", "1.4.0"] },
    },
    { name: "ecs-task-no-host-network-or-pid", level: "mandatory", control: "ECS.17", stack: false, config: {} },
    { name: "ecs-task-non-root-user", level: "advisory", control: "ECS.20", stack: false, config: {} },
    { name: "ecs-cluster-container-insights", level: "mandatory", control: "ECS.12", stack: false, config: {} },
    { name: "ecs-task-logging", level: "mandatory", control: "ECS.9", stack: false, config: {} },
    {
        name: "ecs-task-no-plaintext-secrets",
        level: "mandatory",
        control: "ECS.8",
        stack: false,
        config: { allowedNames: [] },
    },
    { name: "ecs-task-not-privileged", level: "mandatory", control: "ECS.4", stack: false, config: {} },
    { name: "ecs-task-readonly-root-filesystem", level: "advisory", control: "ECS.5", stack: false, config: {} },
    {
        name: "ecs-task-role-separate-from-execution-role",
        level: "advisory",
        control: undefined,
        stack: false,
        config: {},
    },
    { name: "ecs-service-circuit-breaker", level: "advisory", control: undefined, stack: false, config: {} },
    {
        name: "iam-task-role-no-wildcards",
        level: "mandatory",
        control: "IAM.21",
        stack: true,
        config: {
            allowedWildcardResourceActions: (
                wildcardSettings.configSchema.properties.allowedWildcardResourceActions as { default: string[] }
            ).default,
        },
    },
    { name: "iam-task-role-trust-scoped", level: "mandatory", control: undefined, stack: true, config: {} },
    { name: "worker-max-tasks-limit", level: "mandatory", control: undefined, stack: false, config: { maxTasks: 100 } },
    {
        name: "worker-on-demand-base",
        level: "advisory",
        control: undefined,
        stack: false,
        config: { stacks: ["prod"], minimumOnDemandTasks: 1 },
    },
    {
        name: "worker-visibility-covers-stop-timeout",
        level: "advisory",
        control: undefined,
        stack: true,
        config: { queueUrlVariables: ["QUEUE_URL"] },
    },
    {
        name: "cloudwatch-log-retention-set",
        level: "advisory",
        control: "CloudWatch.16",
        stack: false,
        config: { minimumRetentionDays: 1 },
    },
    { name: "cloudwatch-log-group-encrypted", level: "advisory", control: "CKV_AWS_158", stack: false, config: {} },
    { name: "cloudwatch-alarm-has-actions", level: "advisory", control: "CloudWatch.15", stack: false, config: {} },
    { name: "sqs-dead-letter-queue-alarmed", level: "mandatory", control: undefined, stack: true, config: {} },
];

/** The control IDs each policy's tags name, beyond its framework reference: what it also mirrors. */
const ALSO_MIRRORS: Record<string, string[]> = {
    "sqs-encrypted": ["CKV_AWS_27"],
    "sqs-no-public-access": ["CKV_AWS_168", "CKV_AWS_72"],
    "ecs-no-public-ip-anywhere": ["ECS.2"],
    "ecs-task-no-host-network-or-pid": ["ECS.3"],
    "iam-task-role-no-wildcards": ["cdk-nag AwsSolutions-IAM5"],
};

describe("policy pack", () => {
    it("has the documented policies, with their enforcement levels, stack scope, Security Hub controls and config defaults", () => {
        const actual = policies.map((policy) => ({
            name: policy.name,
            level: policy.enforcementLevel,
            control: policy.framework?.reference,
            stack: "validateStack" in policy,
            config: Object.fromEntries(
                Object.entries(policy.configSchema?.properties ?? {}).map(([key, schema]) => [
                    key,
                    typeof schema === "object" ? schema.default : undefined,
                ]),
            ),
        }));
        assert.deepEqual(actual, EXPECTED);
    });

    it("links each mirrored control to its documentation and tags the policy with every control it mirrors", () => {
        const urls = policies.filter((policy) => policy.framework).map((policy) => policy.url);
        assert.ok(urls.includes("https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html#sqs-1"));
        assert.ok(
            urls.includes(
                "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-16",
            ),
        );
        assert.ok(urls.includes("https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-16"));
        assert.equal(urls.length, 16);
        for (const policy of policies.filter((item) => item.framework)) {
            assert.deepEqual(
                policy.tags,
                [policy.framework?.reference, ...(ALSO_MIRRORS[policy.name] ?? [])],
                policy.name,
            );
        }
    });

    it("gives every policy a description and remediation steps, and every setting a description", () => {
        for (const policy of policies) {
            assert.ok(policy.description.length > 40, `${policy.name} description`);
            assert.ok((policy.remediationSteps ?? "").length > 20, `${policy.name} remediation`);
            for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
                assert.ok(typeof schema === "object" && schema.description, `${policy.name}.${key} description`);
            }
        }
    });

    it("falls back to its documented defaults when the host passes no config", () => {
        const reported: string[] = [];
        const args = (type: string, urn: string, props: Record<string, unknown>) =>
            ({
                type,
                urn,
                name: "x",
                props,
                getConfig: () => ({}),
                notApplicable: (reason?: string) => {
                    throw new Error(reason);
                },
            }) as unknown as ResourceValidationArgs;
        const validate = (policy: ResourceValidationPolicy, resourceArgs: ResourceValidationArgs) =>
            (policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void)(
                resourceArgs,
                (message) => reported.push(message),
            );
        validate(
            workerMaxTasksLimit,
            args("aws:appautoscaling/target:Target", "urn:pulumi:prod::p::aws:appautoscaling/target:Target::t", {
                serviceNamespace: "ecs",
                maxCapacity: 101,
            }),
        );
        validate(
            workerOnDemandBase,
            args("aws:ecs/service:Service", "urn:pulumi:prod::p::aws:ecs/service:Service::s", {
                capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
            }),
        );
        assert.deepEqual(reported, [
            "The scalable target allows 101 tasks (maxCapacity), above the limit of 100.",
            "The service runs on FARGATE_SPOT with an on-demand base of 0 tasks; stack prod needs at least 1, or a Spot shortage stops the worker.",
        ]);
    });

    it("is a Node.js pack the Pulumi CLI can install and run: PulumiPolicy.yaml, a built main, the pack's entry points", () => {
        const manifest = parse(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8")) as {
            runtime: string;
        };
        assert.equal(manifest.runtime, "nodejs");
        const pkg = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")) as {
            main: string;
            dependencies: Record<string, string>;
            scripts: Record<string, string>;
        };
        assert.deepEqual(Object.keys(pkg.dependencies), ["@pulumi/policy"]);
        // The CLI runs `main`; `npm ci` in the pack's directory builds it (prepare), from index.ts.
        assert.equal(pkg.main, "./dist/policy/index.js");
        assert.match(pkg.scripts.prepare, /build/);
        // Every file of the pack, and the contract it shares with the component, is compiled into the package.
        const tsconfig = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "tsconfig.json"), "utf8")) as {
            include: string[];
        };
        assert.deepEqual(tsconfig.include, ["*.ts", "../contract/*.ts"]);
    });

    it("imports nothing from outside policy/ but @pulumi packages and the dependency-free contract, never the component", () => {
        for (const file of fs.readdirSync(POLICY_DIR).filter((name) => name.endsWith(".ts"))) {
            const source = fs.readFileSync(path.join(POLICY_DIR, file), "utf8");
            const imports = [...source.matchAll(/from "([^"]+)"/g)].map((match) => match[1]);
            for (const imported of imports) {
                const allowed =
                    imported.startsWith("./") ||
                    imported === "../contract" ||
                    imported.startsWith("@pulumi/policy") ||
                    imported.startsWith("@pulumi/pulumi");
                assert.ok(allowed, `${file} imports ${imported}`);
            }
        }
    });
});

describe("typed pack factory", () => {
    it("names every policy of the pack in its typed settings, and nothing else", () => {
        // The compiler requires every key of the settings type here; the assertion ties them to the served policies.
        const everyPolicy: Required<Omit<BackgroundWorkerPolicySettings, "all">> = {
            "sqs-encrypted": "advisory",
            "sqs-has-dead-letter-queue": "advisory",
            "sqs-tls-only": "advisory",
            "sqs-no-public-access": "advisory",
            "sqs-dlq-retention-covers-source": "advisory",
            "ecs-service-no-public-ip": "advisory",
            "ecs-no-public-ip-anywhere": "advisory",
            "ecs-fargate-latest-platform": "advisory",
            "ecs-task-no-host-network-or-pid": "advisory",
            "ecs-task-non-root-user": "advisory",
            "ecs-cluster-container-insights": "advisory",
            "ecs-task-logging": "advisory",
            "ecs-task-no-plaintext-secrets": "advisory",
            "ecs-task-not-privileged": "advisory",
            "ecs-task-readonly-root-filesystem": "advisory",
            "ecs-task-role-separate-from-execution-role": "advisory",
            "ecs-service-circuit-breaker": "advisory",
            "iam-task-role-no-wildcards": "advisory",
            "iam-task-role-trust-scoped": "advisory",
            "worker-max-tasks-limit": "advisory",
            "worker-on-demand-base": "advisory",
            "worker-visibility-covers-stop-timeout": "advisory",
            "cloudwatch-log-retention-set": "advisory",
            "cloudwatch-log-group-encrypted": "advisory",
            "cloudwatch-alarm-has-actions": "advisory",
            "sqs-dead-letter-queue-alarmed": "advisory",
        };
        assert.deepEqual(Object.keys(everyPolicy).sort(), policies.map((policy) => policy.name).sort());
        assert.doesNotThrow(() => packDefinition({ settings: everyPolicy }));
    });

    it("passes levels and typed settings on as the initial config, with `all` spelt out per policy", () => {
        const { policies: served, initialConfig } = packDefinition({
            settings: {
                all: "advisory",
                "worker-max-tasks-limit": { maxTasks: 20 },
                "sqs-encrypted": { enforcementLevel: "mandatory", requireExplicitEncryption: true },
                "ecs-task-non-root-user": "mandatory",
            },
        });
        assert.equal(served.length, policies.length);
        assert.deepEqual(initialConfig["worker-max-tasks-limit"], { maxTasks: 20, enforcementLevel: "advisory" });
        assert.deepEqual(initialConfig["sqs-encrypted"], {
            enforcementLevel: "mandatory",
            requireExplicitEncryption: true,
        });
        assert.equal(initialConfig["ecs-task-non-root-user"], "mandatory");
        assert.equal(initialConfig["sqs-tls-only"], "advisory");
        assert.equal("all" in initialConfig, false);
        assert.deepEqual(packDefinition().initialConfig, {});
    });

    it("serves an organisation's own policies next to the pack's, and rejects a duplicate or reserved name", () => {
        const own = {
            name: "acme-tags",
            description: "Every resource carries a cost-centre tag.",
            validateResource: () => undefined,
        };
        const { policies: served, initialConfig } = packDefinition({
            extraPolicies: [own],
            settings: { all: "mandatory" },
        });
        assert.equal(served[served.length - 1], own);
        assert.equal(initialConfig["acme-tags"], "mandatory");
        assert.throws(
            () => packDefinition({ extraPolicies: [{ ...own, name: "sqs-encrypted" }] }),
            (error: unknown) =>
                error instanceof PolicyConfigError &&
                error.problems[0] ===
                    "sqs-encrypted: two policies have this name; the engine would run only one of them",
        );
        assert.throws(
            () => packDefinition({ extraPolicies: [{ ...own, name: "all" }] }),
            /all: reserved for the level of every policy/,
        );
    });

    it("rejects unknown names, bad levels and settings its schema refuses, as JavaScript callers may pass them", () => {
        const settings = {
            "sqs-encryptd": "advisory",
            "worker-max-tasks-limit": { maxTasks: "5" },
            "sqs-tls-only": "Mandatory",
        } as unknown as BackgroundWorkerPolicySettings;
        assert.throws(
            () => packDefinition({ settings }),
            (error: unknown) => {
                assert.ok(error instanceof PolicyConfigError);
                assert.deepEqual(
                    error.problems.map((problem) => problem.split(":")[0]),
                    ["sqs-encryptd", "worker-max-tasks-limit.maxTasks", "sqs-tls-only"],
                );
                return true;
            },
        );
    });
});
