import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { policies } from "../../policy/policies";
import { workerMaxTasksLimit, workerOnDemandBase } from "../../policy/worker";

const POLICY_DIR = path.join(__dirname, "..", "..", "policy");

/** The pack as the README's table documents it: level, the Security Hub control mirrored, config defaults. */
const EXPECTED = [
    { name: "sqs-encrypted", level: "mandatory", control: "SQS.1", stack: false, config: {} },
    { name: "sqs-has-dead-letter-queue", level: "mandatory", control: undefined, stack: true, config: { externalDeadLetterQueueArns: [] } },
    { name: "sqs-tls-only", level: "mandatory", control: undefined, stack: true, config: {} },
    { name: "sqs-dlq-retention-covers-source", level: "advisory", control: undefined, stack: true, config: {} },
    { name: "ecs-service-no-public-ip", level: "mandatory", control: "ECS.2", stack: false, config: {} },
    { name: "ecs-cluster-container-insights", level: "mandatory", control: "ECS.12", stack: false, config: {} },
    { name: "ecs-task-logging", level: "mandatory", control: "ECS.9", stack: false, config: {} },
    { name: "ecs-task-no-plaintext-secrets", level: "mandatory", control: "ECS.8", stack: false, config: { allowedNames: [] } },
    { name: "ecs-task-not-privileged", level: "mandatory", control: "ECS.4", stack: false, config: {} },
    { name: "ecs-task-readonly-root-filesystem", level: "advisory", control: "ECS.5", stack: false, config: {} },
    { name: "ecs-task-role-separate-from-execution-role", level: "advisory", control: undefined, stack: false, config: {} },
    { name: "ecs-service-circuit-breaker", level: "advisory", control: undefined, stack: false, config: {} },
    { name: "worker-max-tasks-limit", level: "mandatory", control: undefined, stack: false, config: { maxTasks: 100 } },
    { name: "worker-on-demand-base", level: "advisory", control: undefined, stack: false, config: { stacks: ["prod"], minimumOnDemandTasks: 1 } },
    { name: "worker-visibility-covers-stop-timeout", level: "advisory", control: undefined, stack: true, config: { queueUrlVariables: ["QUEUE_URL"] } },
    { name: "cloudwatch-log-retention-set", level: "advisory", control: "CloudWatch.16", stack: false, config: { minimumRetentionDays: 1 } },
];

describe("policy pack", () => {
    it("has the issue's policies, with their enforcement levels, stack scope, Security Hub controls and config defaults", () => {
        const actual = policies.map((policy) => ({
            name: policy.name,
            level: policy.enforcementLevel,
            control: policy.framework?.reference,
            stack: "validateStack" in policy,
            config: Object.fromEntries(
                Object.entries(policy.configSchema?.properties ?? {}).map(([key, schema]) => [key, typeof schema === "object" ? schema.default : undefined]),
            ),
        }));
        assert.deepEqual(actual, EXPECTED);
    });

    it("links each mirrored control to its Security Hub documentation", () => {
        const urls = policies.filter((policy) => policy.framework).map((policy) => policy.url);
        assert.ok(urls.includes("https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html#sqs-1"));
        assert.ok(urls.includes("https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-16"));
        assert.equal(urls.length, 8);
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
            ({ type, urn, name: "x", props, getConfig: () => ({}), notApplicable: (reason?: string) => { throw new Error(reason); } }) as unknown as ResourceValidationArgs;
        const validate = (policy: ResourceValidationPolicy, resourceArgs: ResourceValidationArgs) =>
            (policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void)(resourceArgs, (message) => reported.push(message));
        validate(workerMaxTasksLimit, args("aws:appautoscaling/target:Target", "urn:pulumi:prod::p::aws:appautoscaling/target:Target::t", { serviceNamespace: "ecs", maxCapacity: 101 }));
        validate(workerOnDemandBase, args("aws:ecs/service:Service", "urn:pulumi:prod::p::aws:ecs/service:Service::s", { capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] }));
        assert.deepEqual(reported, [
            "The scalable target allows 101 tasks (maxCapacity), above the limit of 100.",
            "The service runs on FARGATE_SPOT with an on-demand base of 0 tasks; stack prod needs at least 1, or a Spot shortage stops the worker.",
        ]);
    });

    it("is a Node.js pack the Pulumi CLI can install and run: PulumiPolicy.yaml, package.json, tsconfig", () => {
        const manifest = parse(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8")) as { runtime: string };
        assert.equal(manifest.runtime, "nodejs");
        const pkg = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        assert.deepEqual(Object.keys(pkg.dependencies).sort(), ["@pulumi/policy", "@pulumi/pulumi"]);
        const tsconfig = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "tsconfig.json"), "utf8")) as { files: string[] };
        assert.deepEqual(tsconfig.files, ["index.ts"]);
    });

    it("imports nothing from outside policy/ but @pulumi packages, so it runs from its own directory", () => {
        for (const file of fs.readdirSync(POLICY_DIR).filter((name) => name.endsWith(".ts"))) {
            const source = fs.readFileSync(path.join(POLICY_DIR, file), "utf8");
            const imports = [...source.matchAll(/from "([^"]+)"/g)].map((match) => match[1]);
            for (const imported of imports) {
                assert.ok(imported.startsWith("./") || imported.startsWith("@pulumi/policy") || imported.startsWith("@pulumi/pulumi"), `${file} imports ${imported}`);
            }
        }
    });
});
