// The pack as the Pulumi CLI runs it: policy/ served as the CLI's language host serves a pack (run-policy-pack on its
// built `main`), asked over the analyzer gRPC protocol the way the engine asks (Analyze per resource with its inputs,
// AnalyzeStack with every resource's outputs, unknown values as the engine's sentinel). This checks what the offline
// evaluator only imitates: the real server's type dispatch, its unknown-value proxy and its config handling.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import {
    AnalyzeDiagnostic,
    ConfigureAnalyzerRequest,
    EnforcementLevel,
    PolicyConfig,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ServedPack, UNKNOWN_SENTINEL } from "../../scripts/policyAnalyzer";
import { policyDocument, queueArn, queueUrl, resource, tlsDenyStatement } from "./fixtures";

const POLICY_DIR = path.join(__dirname, "..", "..", "policy");
/** How the engine marks a string, and a boolean, it will only know after `pulumi up`. */
const UNKNOWN_STRING = UNKNOWN_SENTINEL;
const UNKNOWN_BOOLEAN = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";

interface Diagnostic {
    policy: string;
    level: "advisory" | "mandatory";
    message: string;
    urn: string;
}

function toDiagnostics(list: AnalyzeDiagnostic[]): Diagnostic[] {
    return list.map((diagnostic) => ({
        policy: diagnostic.getPolicyname(),
        level: diagnostic.getEnforcementlevel() === EnforcementLevel.MANDATORY ? "mandatory" : "advisory",
        message: diagnostic.getMessage(),
        urn: diagnostic.getUrn(),
    }));
}

const urnOf = (type: string, name: string, stack = "dev") => `urn:pulumi:${stack}::background-worker::${type}::${name}`;

describe("policy pack served to the Pulumi engine", function () {
    this.timeout(60_000);
    let pack: ServedPack;

    before(async () => {
        pack = await ServedPack.start(POLICY_DIR);
    });

    after(() => pack?.stop());

    const analyze = async (type: string, name: string, properties: Record<string, unknown>, stack = "dev") =>
        toDiagnostics(
            (
                await pack.analyze({ ...resource(type, name, properties, {}, { stack }), inputs: properties }, false)
            ).getDiagnosticsList(),
        );

    const analyzeStack = async (resources: { type: string; name: string; properties: Record<string, unknown> }[]) =>
        toDiagnostics(
            (
                await pack.analyzeStack(
                    resources.map(({ type, name, properties }) => ({
                        ...resource(type, name, properties),
                        custom: false,
                        outputs: properties,
                    })),
                    false,
                )
            ).getDiagnosticsList(),
        );

    it("reports a mandatory violation on an unencrypted queue and none on an encrypted one", async () => {
        assert.deepEqual(await analyze("aws:sqs/queue:Queue", "orders", { sqsManagedSseEnabled: true }), []);
        const [diagnostic, ...rest] = await analyze("aws:sqs/queue:Queue", "orders", { sqsManagedSseEnabled: false });
        assert.deepEqual(rest, []);
        assert.equal(diagnostic.policy, "sqs-encrypted");
        assert.equal(diagnostic.level, "mandatory");
        assert.match(diagnostic.message, /turns SSE-SQS off/);
    });

    it("counts a KMS key that is present but unknown during preview as set, deciding the queue is encrypted", async () => {
        assert.deepEqual(await analyze("aws:sqs/queue:Queue", "orders", { kmsMasterKeyId: UNKNOWN_STRING }), []);
    });

    it('downgrades a policy that reads a value unknown during preview to advisory "can\'t run"', async () => {
        const [diagnostic] = await analyze("aws:sqs/queue:Queue", "orders", { sqsManagedSseEnabled: UNKNOWN_BOOLEAN });
        assert.equal(diagnostic.policy, "sqs-encrypted");
        assert.equal(diagnostic.level, "advisory");
        assert.match(
            diagnostic.message,
            /can't run policy 'sqs-encrypted' .* during preview: boolean value at \.sqsManagedSseEnabled can't be known during preview/,
        );
    });

    it("keeps a stack policy's violations when a queue policy is unknown, and leaves only the queue it may belong to open", async () => {
        const diagnostics = await analyzeStack([
            {
                type: "aws:sqs/queue:Queue",
                name: "known",
                properties: { arn: queueArn("known"), url: queueUrl("known"), sqsManagedSseEnabled: true },
            },
            {
                type: "aws:sqs/queue:Queue",
                name: "planned",
                properties: { arn: UNKNOWN_STRING, url: UNKNOWN_STRING, sqsManagedSseEnabled: true },
            },
            {
                type: "aws:sqs/queuePolicy:QueuePolicy",
                name: "planned-policy",
                properties: { queueUrl: UNKNOWN_STRING, policy: UNKNOWN_STRING },
            },
        ]);
        // No redrive policy anywhere: both queues lack a dead-letter queue, the planned one although its ARN is unknown.
        const dlq = diagnostics.filter((d) => d.policy === "sqs-has-dead-letter-queue");
        assert.deepEqual(
            dlq.map((d) => [d.level, d.urn]),
            [
                ["mandatory", urnOf("aws:sqs/queue:Queue", "known")],
                ["mandatory", urnOf("aws:sqs/queue:Queue", "planned")],
            ],
        );
        const tls = diagnostics.filter((d) => d.policy === "sqs-tls-only");
        assert.deepEqual(
            tls.map((d) => d.level),
            ["advisory"],
        );
        assert.match(tls[0].message, /can't run policy 'sqs-tls-only' .* during preview/);
    });

    it("applies the documented defaults when no config is given: 100 tasks, on-demand base in prod only", async () => {
        const target = {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: "service/workers/job-worker",
            minCapacity: 0,
        };
        assert.deepEqual(
            await analyze("aws:appautoscaling/target:Target", "scaling", { ...target, maxCapacity: 100 }),
            [],
        );
        assert.deepEqual(
            (await analyze("aws:appautoscaling/target:Target", "scaling", { ...target, maxCapacity: 101 })).map(
                (d) => d.policy,
            ),
            ["worker-max-tasks-limit"],
        );
        const spotOnly = {
            capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
            networkConfiguration: { assignPublicIp: false, subnets: ["subnet-0feed00000000a001"] },
            deploymentCircuitBreaker: { enable: true, rollback: true },
        };
        assert.deepEqual(await analyze("aws:ecs/service:Service", "job-worker", spotOnly, "dev"), []);
        assert.deepEqual(
            (await analyze("aws:ecs/service:Service", "job-worker", spotOnly, "prod")).map((d) => [d.policy, d.level]),
            [["worker-on-demand-base", "advisory"]],
        );
    });

    it("refuses, inside the pack, a setting of the wrong type the engine hands a policy, naming the key", async () => {
        const configure = (properties: Record<string, unknown>) => {
            const request = new ConfigureAnalyzerRequest();
            const config = new PolicyConfig();
            config.setEnforcementlevel(EnforcementLevel.MANDATORY);
            config.setProperties(Struct.fromJavaScript(properties as never));
            request.getPolicyconfigMap().set("worker-max-tasks-limit", config);
            return new Promise<void>((resolve, reject) =>
                pack.client.configure(request, (error) => (error ? reject(error) : resolve())),
            );
        };
        const target = {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: "service/workers/job-worker",
            minCapacity: 0,
            maxCapacity: 4,
        };
        try {
            await configure({ maxTasks: "3" });
            await assert.rejects(
                analyze("aws:appautoscaling/target:Target", "scaling", target),
                /worker-max-tasks-limit\.maxTasks: "3" is a string; expected a whole number/,
            );
            await configure({ maxTasks: 3 });
            assert.deepEqual(
                (await analyze("aws:appautoscaling/target:Target", "scaling", target)).map((d) => d.policy),
                ["worker-max-tasks-limit"],
            );
        } finally {
            await new Promise<void>((resolve) =>
                pack.client.configure(new ConfigureAnalyzerRequest(), () => resolve()),
            );
        }
    });

    it("follows queue URLs and ARNs across the stack's outputs", async () => {
        const queue = (name: string) => ({
            type: "aws:sqs/queue:Queue",
            name,
            properties: { arn: queueArn(name), url: queueUrl(name), sqsManagedSseEnabled: true },
        });
        const diagnostics = await analyzeStack([
            {
                ...queue("orders-dlq"),
                properties: { ...queue("orders-dlq").properties, messageRetentionSeconds: 1_209_600 },
            },
            {
                ...queue("orders"),
                properties: {
                    ...queue("orders").properties,
                    redrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn("orders-dlq"), maxReceiveCount: 5 }),
                },
            },
            {
                type: "aws:sqs/queuePolicy:QueuePolicy",
                name: "orders-policy",
                properties: {
                    queueUrl: queueUrl("orders-dlq"),
                    policy: JSON.stringify(policyDocument(tlsDenyStatement(queueArn("orders-dlq")))),
                },
            },
        ]);
        assert.deepEqual(
            diagnostics.filter((d) => d.level === "mandatory").map((d) => [d.policy, d.urn]),
            [
                ["sqs-tls-only", urnOf("aws:sqs/queue:Queue", "orders")],
                ["sqs-dead-letter-queue-alarmed", urnOf("aws:sqs/queue:Queue", "orders-dlq")],
            ],
        );
    });
});
