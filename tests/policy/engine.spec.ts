// The pack as the Pulumi CLI runs it: policy/index.ts started from policy/ serves the analyzer gRPC protocol, and
// these tests call it the way the engine does (Analyze per resource with its inputs, AnalyzeStack with every
// resource's outputs, unknown values as the engine's sentinel). This checks what the offline evaluator only imitates:
// the real server's type dispatch, its unknown-value proxy and its config handling (none given: policy defaults).
import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
    AnalyzeDiagnostic,
    AnalyzeRequest,
    AnalyzerResource,
    AnalyzerResourceOptions,
    AnalyzeStackRequest,
    ConfigureAnalyzerRequest,
    EnforcementLevel,
    PolicyConfig,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { policyDocument, queueArn, queueUrl, tlsDenyStatement } from "./fixtures";

const POLICY_DIR = path.join(__dirname, "..", "..", "policy");
/** How the engine marks a string it will only know after `pulumi up`. */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
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
    let server: ChildProcess;
    let client: AnalyzerClient;

    before(async () => {
        server = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
            cwd: POLICY_DIR,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const port = await new Promise<string>((resolve, reject) => {
            let stderr = "";
            server.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
            server.stdout?.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
            server.once("exit", (code) => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
        });
        assert.match(port, /^\d+$/);
        client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        server?.kill();
    });

    const analyze = (type: string, name: string, properties: Record<string, unknown>, stack = "dev") => {
        const request = new AnalyzeRequest();
        request.setType(type);
        request.setName(name);
        request.setUrn(urnOf(type, name, stack));
        request.setProperties(Struct.fromJavaScript(properties as never));
        request.setOptions(new AnalyzerResourceOptions());
        return new Promise<Diagnostic[]>((resolve, reject) =>
            client.analyze(request, (error, response) =>
                error ? reject(error) : resolve(toDiagnostics(response.getDiagnosticsList())),
            ),
        );
    };

    const analyzeStack = (resources: { type: string; name: string; properties: Record<string, unknown> }[]) => {
        const request = new AnalyzeStackRequest();
        request.setResourcesList(
            resources.map(({ type, name, properties }) => {
                const resource = new AnalyzerResource();
                resource.setType(type);
                resource.setName(name);
                resource.setUrn(urnOf(type, name));
                resource.setProperties(Struct.fromJavaScript(properties as never));
                resource.setOptions(new AnalyzerResourceOptions());
                return resource;
            }),
        );
        return new Promise<Diagnostic[]>((resolve, reject) =>
            client.analyzeStack(request, (error, response) =>
                error ? reject(error) : resolve(toDiagnostics(response.getDiagnosticsList())),
            ),
        );
    };

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
            networkConfiguration: { assignPublicIp: false, subnets: ["subnet-0private0000000a1"] },
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
                client.configure(request, (error) => (error ? reject(error) : resolve())),
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
            await new Promise<void>((resolve) => client.configure(new ConfigureAnalyzerRequest(), () => resolve()));
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
