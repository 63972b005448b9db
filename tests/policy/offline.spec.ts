import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { evaluatePolicies, loweredPolicies } from "../../scripts/policyEngine";
import { sqsEncrypted, sqsNoPublicAccess } from "../../policy/sqs";
import { workerResourcesTagged } from "../../policy/tagging";
import { queue, resource } from "./fixtures";

const unencrypted = queue("orders", { sqsManagedSseEnabled: false });

describe("offline policy evaluation", () => {
    describe("enforcement levels and config, as --policy-pack-config sets them", () => {
        const levelOf = async (config: Parameters<typeof evaluatePolicies>[2]["config"]) => {
            const { findings } = await evaluatePolicies([sqsEncrypted], [unencrypted], { preview: false, config });
            return findings.map((finding) => finding.enforcementLevel);
        };

        it("uses the policy's own level without config", async () => {
            assert.deepEqual(await levelOf(undefined), ["mandatory"]);
        });

        it("takes a level for one policy, as a string or an object, over the level for all", async () => {
            assert.deepEqual(await levelOf({ "sqs-encrypted": "advisory" }), ["advisory"]);
            assert.deepEqual(await levelOf({ all: "advisory", "sqs-encrypted": { enforcementLevel: "mandatory" } }), [
                "mandatory",
            ]);
            assert.deepEqual(await levelOf({ all: "advisory" }), ["advisory"]);
        });

        it("skips a disabled policy and reports a remediate policy's violations as mandatory", async () => {
            assert.deepEqual(await levelOf({ "sqs-encrypted": "disabled" }), []);
            assert.deepEqual(await levelOf({ "sqs-encrypted": "remediate" }), ["mandatory"]);
        });
    });

    it("names every policy the config runs below the pack's level, so a silenced gate says so", () => {
        const pack = [sqsEncrypted, sqsNoPublicAccess, workerResourcesTagged];
        assert.deepEqual(loweredPolicies(pack, {}), []);
        assert.deepEqual(
            loweredPolicies(pack, { all: "advisory", "sqs-no-public-access": { enforcementLevel: "disabled" } }),
            [
                { policy: "sqs-encrypted", packLevel: "mandatory", configuredLevel: "advisory" },
                { policy: "sqs-no-public-access", packLevel: "mandatory", configuredLevel: "disabled" },
            ],
        );
        // Raising a level, or remediate for mandatory, lowers nothing; an advisory policy disabled is lowered.
        assert.deepEqual(
            loweredPolicies(pack, {
                "sqs-encrypted": "remediate",
                "sqs-no-public-access": "mandatory",
                "worker-resources-tagged": "disabled",
            }),
            [{ policy: "worker-resources-tagged", packLevel: "advisory", configuredLevel: "disabled" }],
        );
    });

    it("hands resource policies inputs and stack policies outputs, with parents and dependencies resolved", async () => {
        const parentUrn = "urn:pulumi:dev::background-worker::background-worker:index:BackgroundWorker::job-worker";
        const child = {
            ...resource(
                "aws:sqs/queue:Queue",
                "job-worker-queue",
                { visibilityTimeoutSeconds: 300 },
                { arn: "arn:aws:sqs:us-east-1:123456789012:q" },
            ),
            parent: parentUrn,
        };
        const parent = {
            ...resource("background-worker:index:BackgroundWorker", "job-worker", {}),
            urn: parentUrn,
            custom: false,
        };
        child.options.dependsOn = [parentUrn];
        const seen: string[] = [];
        const inspectInputs: ResourceValidationPolicy = {
            name: "inputs",
            description: "records what it sees",
            validateResource: (args) => {
                if (args.isType(aws.sqs.Queue)) {
                    seen.push(
                        `inputs arn=${String(args.props.arn)} visibility=${String(args.asType(aws.sqs.Queue)?.visibilityTimeoutSeconds)}`,
                    );
                }
            },
        };
        const inspectOutputs: StackValidationPolicy = {
            name: "outputs",
            description: "records what it sees",
            validateStack: (args) => {
                const found = args.resources.find((item) => item.isType(aws.sqs.Queue));
                seen.push(
                    `outputs arn=${String(found?.props.arn)} parent=${found?.parent?.name} dependsOn=${found?.dependencies.map((item) => item.name).join()}`,
                );
            },
        };
        await evaluatePolicies([inspectInputs, inspectOutputs], [parent, child], { preview: false });
        assert.deepEqual(seen, [
            "inputs arn=undefined visibility=300",
            "outputs arn=arn:aws:sqs:us-east-1:123456789012:q parent=job-worker dependsOn=job-worker",
        ]);
    });

    it("unwraps secret values, as the engine does before a policy sees them", async () => {
        const secretKey = queue("orders", {
            kmsMasterKeyId: {
                "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                value: "alias/orders",
            },
        });
        const { findings } = await evaluatePolicies([sqsEncrypted], [secretKey], { preview: false });
        assert.deepEqual(findings, []);
    });

    it("in preview, reports a policy that reads an unknown value as undecided, naming the value, instead of guessing", async () => {
        const planned = queue("orders", { sqsManagedSseEnabled: undefined });
        const preview = await evaluatePolicies([sqsEncrypted], [planned], { preview: true });
        assert.deepEqual(
            preview.findings.map((finding) => [finding.kind, finding.enforcementLevel, finding.message]),
            [
                [
                    "undecided",
                    "mandatory",
                    "the value at orders.inputs.sqsManagedSseEnabled is not known until `pulumi up`",
                ],
            ],
        );
        // Outside preview an undefined input is simply not set, and SQS's default encryption applies.
        const up = await evaluatePolicies([sqsEncrypted], [planned], { preview: false });
        assert.deepEqual(up.findings, []);
    });

    it("fails loudly when a policy throws, naming the policy and the resource", async () => {
        const broken: ResourceValidationPolicy = {
            name: "broken",
            description: "throws",
            validateResource: () => {
                throw new Error("boom");
            },
        };
        await assert.rejects(
            evaluatePolicies([broken], [unencrypted], { preview: false }),
            /policy broken failed on urn:pulumi:dev::background-worker::aws:sqs\/queue:Queue::orders: Error: boom/,
        );
    });
});
