import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { policies } from "../../policy/policies";
import { executionRoleSettings, wildcardSettings } from "../../policy/iam";
import { BackgroundWorkerPolicySettings, packDefinition } from "../../policy/pack";
import { PolicyConfigError } from "../../policy/config";
import { workerMaxTasksLimit, workerOnDemandBase } from "../../policy/worker";

const POLICY_DIR = path.join(__dirname, "..", "..", "policy");

/** The settings' default of a policy, as its schema declares it. */
const defaultOf = (declared: { configSchema: { properties: Record<string, unknown> } }, key: string) =>
    (declared.configSchema.properties[key] as { default: string[] }).default;

/**
 * The pack as docs/policy.md's table documents it: level, the control it is filed under (Security Hub, else checkov,
 * else cdk-nag), stack scope, config defaults, and every control ID its tags carry.
 */
const EXPECTED = [
    {
        name: "sqs-encrypted",
        level: "mandatory",
        control: "SQS.1",
        stack: false,
        config: { requireExplicitEncryption: false },
        mirrors: ["SQS.1", "CKV_AWS_27", "cdk-nag AwsSolutions-SQS2"],
    },
    {
        name: "sqs-has-dead-letter-queue",
        level: "mandatory",
        control: "AwsSolutions-SQS3",
        stack: true,
        config: { externalDeadLetterQueueArns: [], externalSourceQueueArns: [] },
        mirrors: ["cdk-nag AwsSolutions-SQS3"],
    },
    {
        name: "sqs-tls-only",
        level: "mandatory",
        control: "AwsSolutions-SQS4",
        stack: true,
        config: {},
        mirrors: ["cdk-nag AwsSolutions-SQS4"],
    },
    {
        name: "sqs-no-public-access",
        level: "mandatory",
        control: "SQS.3",
        stack: true,
        config: {},
        mirrors: ["SQS.3", "CKV_AWS_168", "CKV_AWS_72"],
    },
    {
        name: "sqs-dlq-retention-covers-source",
        level: "advisory",
        control: undefined,
        stack: true,
        config: {},
        mirrors: [],
    },
    {
        name: "ecs-service-no-public-ip",
        level: "mandatory",
        control: "ECS.2",
        stack: false,
        config: {},
        mirrors: ["ECS.2", "CKV_AWS_333"],
    },
    {
        name: "ecs-no-public-ip-anywhere",
        level: "mandatory",
        control: "ECS.16",
        stack: false,
        config: {},
        mirrors: ["ECS.16", "ECS.2"],
    },
    {
        name: "ecs-fargate-latest-platform",
        level: "mandatory",
        control: "ECS.10",
        stack: false,
        config: { allowedPlatformVersions: ["LATEST", "1.4.0"] },
        mirrors: ["ECS.10", "CKV_AWS_332"],
    },
    {
        name: "ecs-task-no-host-network-or-pid",
        level: "mandatory",
        control: "ECS.17",
        stack: false,
        config: {},
        mirrors: ["ECS.17", "ECS.3", "CKV_AWS_335"],
    },
    { name: "ecs-task-no-host-ipc", level: "mandatory", control: undefined, stack: false, config: {}, mirrors: [] },
    {
        name: "ecs-task-no-added-capabilities",
        level: "mandatory",
        control: undefined,
        stack: false,
        config: { allowedCapabilities: [] },
        mirrors: [],
    },
    { name: "ecs-exec-disabled", level: "mandatory", control: undefined, stack: false, config: {}, mirrors: [] },
    {
        name: "ecs-task-non-root-user",
        level: "advisory",
        control: "ECS.20",
        stack: false,
        config: {},
        mirrors: ["ECS.20"],
    },
    {
        name: "ecs-cluster-container-insights",
        level: "mandatory",
        control: "ECS.12",
        stack: false,
        config: {},
        mirrors: ["ECS.12", "CKV_AWS_65", "cdk-nag AwsSolutions-ECS4"],
    },
    {
        name: "ecs-task-logging",
        level: "mandatory",
        control: "ECS.9",
        stack: false,
        config: {},
        mirrors: ["ECS.9", "cdk-nag AwsSolutions-ECS7"],
    },
    {
        name: "ecs-task-no-plaintext-secrets",
        level: "mandatory",
        control: "ECS.8",
        stack: false,
        config: { allowedNames: [] },
        mirrors: ["ECS.8", "cdk-nag AwsSolutions-ECS2"],
    },
    {
        name: "ecs-task-not-privileged",
        level: "mandatory",
        control: "ECS.4",
        stack: false,
        config: {},
        mirrors: ["ECS.4", "CKV_AWS_334"],
    },
    {
        name: "ecs-task-readonly-root-filesystem",
        level: "advisory",
        control: "ECS.5",
        stack: false,
        config: {},
        mirrors: ["ECS.5", "CKV_AWS_336"],
    },
    {
        name: "ecs-task-role-separate-from-execution-role",
        level: "advisory",
        control: "CKV_AWS_249",
        stack: true,
        config: {},
        mirrors: ["CKV_AWS_249"],
    },
    {
        name: "ecs-service-circuit-breaker",
        level: "advisory",
        control: undefined,
        stack: false,
        config: {},
        mirrors: [],
    },
    {
        name: "iam-task-role-no-wildcards",
        level: "mandatory",
        control: "IAM.21",
        stack: true,
        config: {
            allowedWildcardResourceActions: defaultOf(wildcardSettings, "allowedWildcardResourceActions"),
            externalRoleArns: [],
            trustedPolicyArns: [],
        },
        mirrors: [
            "IAM.21",
            "IAM.1",
            "cdk-nag AwsSolutions-IAM5",
            "CKV_AWS_62",
            "CKV_AWS_63",
            "CKV_AWS_286",
            "CKV_AWS_288",
            "CKV_AWS_290",
            "CKV_AWS_355",
        ],
    },
    {
        name: "iam-execution-role-least-privilege",
        level: "mandatory",
        control: "CKV_AWS_286",
        stack: true,
        config: {
            allowedWildcardResourceActions: defaultOf(executionRoleSettings, "allowedWildcardResourceActions"),
            externalRoleArns: [],
            trustedPolicyArns: [],
        },
        mirrors: ["CKV_AWS_286", "cdk-nag AwsSolutions-IAM5", "CKV_AWS_288", "CKV_AWS_355"],
    },
    {
        name: "iam-task-role-trust-scoped",
        level: "mandatory",
        control: "CKV_AWS_60",
        stack: true,
        config: {},
        mirrors: ["CKV_AWS_60"],
    },
    {
        name: "worker-max-tasks-limit",
        level: "mandatory",
        control: undefined,
        stack: false,
        config: { maxTasks: 100 },
        mirrors: [],
    },
    {
        name: "worker-on-demand-base",
        level: "advisory",
        control: undefined,
        stack: false,
        config: { stacks: ["prod"], minimumOnDemandTasks: 1 },
        mirrors: [],
    },
    {
        name: "worker-visibility-covers-stop-timeout",
        level: "advisory",
        control: undefined,
        stack: true,
        config: { queueUrlVariables: ["QUEUE_URL"] },
        mirrors: [],
    },
    {
        name: "cloudwatch-log-retention-set",
        level: "advisory",
        control: "CloudWatch.16",
        stack: false,
        config: { minimumRetentionDays: 1 },
        mirrors: ["CloudWatch.16", "CKV_AWS_66", "CKV_AWS_338"],
    },
    {
        name: "cloudwatch-log-group-encrypted",
        level: "advisory",
        control: "CKV_AWS_158",
        stack: false,
        config: {},
        mirrors: ["CKV_AWS_158"],
    },
    {
        name: "cloudwatch-alarm-has-actions",
        level: "advisory",
        control: "CloudWatch.15",
        stack: false,
        config: {},
        mirrors: ["CloudWatch.15", "CloudWatch.17"],
    },
    {
        name: "sqs-dead-letter-queue-alarmed",
        level: "mandatory",
        control: undefined,
        stack: true,
        config: {},
        mirrors: [],
    },
    { name: "sns-subscription-no-http", level: "mandatory", control: undefined, stack: false, config: {}, mirrors: [] },
    {
        name: "kms-key-rotation-enabled",
        level: "mandatory",
        control: "KMS.4",
        stack: false,
        config: {},
        mirrors: ["KMS.4", "CKV_AWS_7", "cdk-nag AwsSolutions-KMS5"],
    },
    {
        name: "kms-key-policy-not-public",
        level: "mandatory",
        control: "CKV_AWS_33",
        stack: false,
        config: {},
        mirrors: ["CKV_AWS_33"],
    },
    {
        name: "worker-resources-tagged",
        level: "advisory",
        control: "SQS.2",
        stack: true,
        config: { requiredTagKeys: [] },
        mirrors: ["SQS.2", "ECS.13", "ECS.14", "ECS.15"],
    },
    {
        name: "stack-no-uninspected-resources",
        level: "mandatory",
        control: undefined,
        stack: true,
        config: { acceptedUninspected: [] },
        mirrors: [],
    },
    { name: "stack-left-unjudged", level: "advisory", control: undefined, stack: true, config: {}, mirrors: [] },
];

describe("policy pack", () => {
    it("has the documented policies, with their enforcement levels, stack scope, controls, config defaults and tags", () => {
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
            mirrors: policy.tags ?? [],
        }));
        assert.deepEqual(actual, EXPECTED);
    });

    it("links each control a policy is filed under to its documentation, and tags it with that control first", () => {
        const filed = policies.filter((policy) => policy.framework);
        const urls = filed.map((policy) => policy.url);
        assert.ok(urls.includes("https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html#sqs-1"));
        assert.ok(
            urls.includes(
                "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-16",
            ),
        );
        assert.ok(urls.includes("https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-16"));
        assert.ok(urls.includes("https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-4"));
        for (const policy of filed) {
            const reference = policy.framework?.reference ?? "";
            const tag = policy.framework?.name === "cdk-nag" ? `cdk-nag ${reference}` : reference;
            assert.equal(policy.tags?.[0], tag, policy.name);
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
        // yaml reads CloudFormation templates written in YAML; it has no dependencies of its own.
        assert.deepEqual(Object.keys(pkg.dependencies), ["@pulumi/policy", "yaml"]);
        // The CLI runs `main`, built before packing (prepack); no script runs when someone installs the package.
        assert.equal(pkg.main, "./dist/policy/index.js");
        assert.match(pkg.scripts.prepack, /build/);
        for (const lifecycle of ["preinstall", "install", "postinstall", "prepare"]) {
            assert.equal(pkg.scripts[lifecycle], undefined, `a ${lifecycle} script would run on a consumer's install`);
        }
        // Every file of the pack, and the contract it shares with the component, is compiled into the package.
        const tsconfig = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "tsconfig.json"), "utf8")) as {
            include: string[];
        };
        assert.deepEqual(tsconfig.include, ["*.ts", "../contract/*.ts"]);
    });

    it("imports nothing from outside policy/ but @pulumi packages, yaml and the dependency-free contract, never the component", () => {
        for (const file of fs.readdirSync(POLICY_DIR).filter((name) => name.endsWith(".ts"))) {
            const source = fs.readFileSync(path.join(POLICY_DIR, file), "utf8");
            const imports = [...source.matchAll(/from "([^"]+)"/g)].map((match) => match[1]);
            for (const imported of imports) {
                const allowed =
                    imported.startsWith("./") ||
                    imported === "../contract" ||
                    imported === "yaml" ||
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
            "ecs-task-no-host-ipc": "advisory",
            "ecs-task-no-added-capabilities": "advisory",
            "ecs-exec-disabled": "advisory",
            "iam-execution-role-least-privilege": "advisory",
            "sns-subscription-no-http": "advisory",
            "kms-key-rotation-enabled": "advisory",
            "kms-key-policy-not-public": "advisory",
            "worker-resources-tagged": "advisory",
            "stack-no-uninspected-resources": "advisory",
            "stack-left-unjudged": "advisory",
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
