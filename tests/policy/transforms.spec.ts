// Transforms change what is deployed after the program wrote it; the offline run judges what they return, as the
// engine would register it: a resource's own transforms, its ancestors' (a component's reach its children), then the
// stack's.
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ecsTaskNotPrivileged } from "../../policy/ecs";
import { sqsEncrypted } from "../../policy/sqs";
import { recordResources } from "../../tooling/mocks";
import { componentProgram, violations } from "./fixtures";

const unencrypt: pulumi.ResourceTransform = (args) =>
    args.type === "aws:sqs/queue:Queue"
        ? { props: { ...args.props, sqsManagedSseEnabled: false }, opts: args.opts }
        : undefined;

describe("transforms under the offline run", function () {
    this.timeout(30_000);

    it("judges what a resource's own transform returns, not what the program wrote", async () => {
        const resources = await recordResources(() => {
            new aws.sqs.Queue("orders", { sqsManagedSseEnabled: true }, { transforms: [unencrypt] });
        });
        assert.equal(resources[0].inputs.sqsManagedSseEnabled, false);
        assert.deepEqual(await violations(sqsEncrypted, resources), [
            "orders: The queue turns SSE-SQS off (sqsManagedSseEnabled: false) and names no KMS key, so messages are stored unencrypted.",
        ]);
    });

    it("judges what a stack transform returns for every resource registered after it", async () => {
        const resources = await recordResources(() => {
            pulumi.runtime.registerResourceTransform(unencrypt);
            new aws.sqs.Queue("orders", { sqsManagedSseEnabled: true });
        });
        assert.equal((await violations(sqsEncrypted, resources)).length, 1);
    });

    it("judges the component's children as a transform on the component rewrites them", async () => {
        const privileged: pulumi.ResourceTransform = (args) => {
            if (args.type !== "aws:ecs/taskDefinition:TaskDefinition") {
                return undefined;
            }
            const [definition] = JSON.parse(args.props.containerDefinitions as string) as Record<string, unknown>[];
            const containerDefinitions = JSON.stringify([{ ...definition, Privileged: true }]);
            return { props: { ...args.props, containerDefinitions }, opts: args.opts };
        };
        const resources = await componentProgram(() => undefined, {}, { opts: { transforms: [privileged] } });
        assert.deepEqual(await violations(ecsTaskNotPrivileged, resources), [
            "jobs-task: Container worker: runs privileged (privileged: true).",
        ]);
    });
});
