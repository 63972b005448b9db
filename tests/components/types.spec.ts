// components/types.ts as every language meets it, through schema.json: the facts a user needs are in the doc text
// itself (no "see the README", which an SDK user does not have), they agree with the tables validation enforces, and
// the choices stay enums for other languages while TypeScript accepts their values as strings.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import { CapacityProvider, CpuArchitecture, SnsFilterPolicyScope, WorkerContainer } from "../../components/index";
import { describeMemorySizes, FARGATE_MEMORY_BY_CPU } from "../../components/plan/fargateSizes";
import { REPO_ROOT } from "../../tooling/packages";
import { MAX_COOLDOWN_SECONDS, MAX_TASKS_LIMIT } from "../../contract/awsLimits";

const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "components", "schema.json"), "utf8")) as PackageSpec;

/** A type's property description, with the doc comment's line breaks joined. */
function description(type: string, property: string): string {
    const text = schema.types[`background-worker:index:${type}`]?.properties?.[property]?.description;
    assert.ok(text, `schema.json documents ${type}.${property}`);
    return text.replace(/\n/g, " ");
}

describe("types: the argument surface every language's SDK gets", () => {
    it("refers no one to a README: the schema's descriptions carry their facts themselves", () => {
        const text = JSON.stringify(schema);
        assert.doesNotMatch(text, /README/);
    });

    it("states the whole-number ranges validation enforces on task counts and cooldowns, which every SDK types as float", () => {
        for (const [type, property, range] of [
            ["WorkerScaling", "minTasks", `from 0 to ${MAX_TASKS_LIMIT}`],
            ["WorkerScaling", "maxTasks", `from 1 to ${MAX_TASKS_LIMIT}`],
            ["WorkerSchedule", "minTasks", `from 0 to ${MAX_TASKS_LIMIT}`],
            ["WorkerSchedule", "maxTasks", `from 0 to ${MAX_TASKS_LIMIT}`],
            ["WorkerScaling", "scaleOutCooldownSeconds", `from 0 to ${MAX_COOLDOWN_SECONDS}`],
            ["WorkerScaling", "scaleInCooldownSeconds", `from 0 to ${MAX_COOLDOWN_SECONDS}`],
        ]) {
            assert.match(description(type, property), new RegExp(`whole number ${range}\\b`), `${type}.${property}`);
        }
    });

    it("lists every memory size Fargate allows per CPU size in cpu's description, as validation enforces them", () => {
        const expected = [...FARGATE_MEMORY_BY_CPU].map(([cpu, sizes]) => `${cpu}: ${describeMemorySizes(sizes)}`);
        assert.equal(expected.length, 7);
        const cpu = description("WorkerContainer", "cpu");
        assert.ok(cpu.includes(expected.join("; ")), `cpu's description lists:\n${expected.join("; ")}\ngot:\n${cpu}`);
        assert.match(description("WorkerContainer", "memory"), /allows for `cpu`/);
    });

    it("states what the KMS key policy must allow, for SNS, EventBridge and other senders", () => {
        const kms = description("WorkerQueue", "kmsMasterKeyId");
        for (const fact of [
            "sns.amazonaws.com",
            "events.amazonaws.com",
            "kms:GenerateDataKey*",
            "kms:Decrypt",
            "aws:SourceAccount",
        ]) {
            assert.ok(kms.includes(fact), `kmsMasterKeyId's description names ${fact}`);
        }
    });

    it("keeps the choices as enums in the schema, with the names and values TypeScript code uses", () => {
        const choices: [string, Record<string, string>][] = [
            ["CapacityProvider", CapacityProvider],
            ["CpuArchitecture", CpuArchitecture],
            ["SnsFilterPolicyScope", SnsFilterPolicyScope],
        ];
        for (const [name, members] of choices) {
            const type = schema.types[`background-worker:index:${name}`];
            assert.equal(type?.type, "string", `${name} is a string enum`);
            assert.deepEqual(
                type?.enum?.map((member) => [member.name, member.value]),
                Object.entries(members),
                `${name}'s members`,
            );
        }
    });

    it("accepts a choice's value as a string where TypeScript code writes the enum member", () => {
        // Type-checked by `npm run typecheck`: a string literal is a valid member, as it is for JavaScript and YAML.
        const container: WorkerContainer = { image: "public.ecr.aws/example/worker:1.0.0", architecture: "ARM64" };
        const strategy: { capacityProvider: CapacityProvider }[] = [
            { capacityProvider: "FARGATE_SPOT" },
            { capacityProvider: CapacityProvider.Fargate },
        ];
        assert.equal(container.architecture, CpuArchitecture.ARM64);
        assert.deepEqual(
            strategy.map((item) => item.capacityProvider),
            [CapacityProvider.FargateSpot, "FARGATE"],
        );
    });
});
