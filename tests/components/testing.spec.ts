// @background-worker/pulumi/testing (components/testing.ts): what a user's unit test of their own program meets.
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BackgroundWorker, WorkerCluster } from "../../components/index";
import { mockResourceState, outputValue, setAwsMocks } from "../../components/testing";

const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/job-worker:1.0.0";
const SUBNETS = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"];

/** A user's program: the README's quick start, its settings read from config. */
function quickStart(): { cluster: WorkerCluster; jobs: BackgroundWorker } {
    const config = new pulumi.Config();
    const cluster = new WorkerCluster("workers", {});
    const jobs = new BackgroundWorker("jobs", {
        clusterArn: cluster.arn,
        subnetIds: config.requireObject<string[]>("subnetIds"),
        container: { image: config.require("image") },
        scaling: { minTasks: 0, maxTasks: 10 },
    });
    return { cluster, jobs };
}

/** How long a rejected program may take to fail the test: far below any test framework's timeout. */
const FAILS_WITHIN_MS = 5_000;

function withDeadline<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([
        promise,
        new Promise<T>((_, reject) =>
            setTimeout(() => reject(new Error(`still pending after ${FAILS_WITHIN_MS} ms`)), FAILS_WITHIN_MS).unref(),
        ),
    ]);
}

describe("testing: mocks for unit tests of a program that uses the component", () => {
    it("answer as AWS does, so the quick start deploys under them and its outputs have AWS's formats", async () => {
        await setAwsMocks({ project: "shop", stack: "test", config: { subnetIds: SUBNETS, image: IMAGE } });
        const { cluster, jobs } = quickStart();
        assert.match(
            await outputValue(cluster.arn),
            /^arn:aws:ecs:us-east-1:123456789012:cluster\/workers-[0-9a-f]{7}$/,
        );
        assert.match(
            await outputValue(jobs.queueUrl),
            /^https:\/\/sqs\.us-east-1\.amazonaws\.com\/123456789012\/jobs-queue-[0-9a-f]{7}$/,
        );
        assert.match(
            await outputValue(jobs.taskRoleArn),
            /^arn:aws:iam::123456789012:role\/jobs-task-role-[0-9a-f]{7}$/,
        );
        assert.match(
            await outputValue(jobs.taskDefinitionArn),
            /^arn:aws:ecs:us-east-1:123456789012:task-definition\//,
        );
        // Distinct per resource: the dead-letter queue is not the job queue.
        assert.notEqual(await outputValue(jobs.deadLetterQueueUrl), await outputValue(jobs.queueUrl));
    });

    it("put the account and region a test asks for in every ARN and URL", async () => {
        await setAwsMocks({
            accountId: "210987654321",
            region: "eu-west-1",
            config: { subnetIds: SUBNETS, image: IMAGE },
        });
        const { cluster, jobs } = quickStart();
        assert.match(await outputValue(cluster.arn), /^arn:aws:ecs:eu-west-1:210987654321:cluster\//);
        assert.match(await outputValue(jobs.queueUrl), /^https:\/\/sqs\.eu-west-1\.amazonaws\.com\/210987654321\//);
        assert.equal(await outputValue(aws.getRegionOutput().region), "eu-west-1");
    });

    it("give a Secrets Manager secret its complete ARN, which the component's secrets check accepts", async () => {
        await setAwsMocks();
        const secret = new aws.secretsmanager.Secret("api-token", {});
        assert.match(
            await outputValue(secret.arn),
            /^arn:aws:secretsmanager:us-east-1:123456789012:secret:api-token-[0-9a-f]{7}-[0-9a-f]{6}$/,
        );
        const cluster = new WorkerCluster("workers", {});
        const jobs = new BackgroundWorker("jobs", {
            clusterArn: cluster.arn,
            subnetIds: SUBNETS,
            container: { image: IMAGE, secrets: { API_TOKEN: secret.arn } },
        });
        assert.match(await outputValue(jobs.executionRoleArn), /^arn:aws:iam::/);
    });

    it("render aws.iam.getPolicyDocument as the provider does, so a program's policy JSON can be tested and judged", async () => {
        await setAwsMocks();
        const base = aws.iam.getPolicyDocumentOutput({
            statements: [{ sid: "Read", actions: ["sqs:ReceiveMessage"], resources: ["*"] }],
        });
        const document = aws.iam.getPolicyDocumentOutput({
            policyId: "jobs",
            sourcePolicyDocuments: [base.json],
            statements: [
                {
                    sid: "Send",
                    effect: "Allow",
                    actions: ["sqs:SendMessage", "sqs:GetQueueUrl"],
                    resources: ["arn:aws:sqs:us-east-1:123456789012:jobs"],
                    principals: [{ type: "Service", identifiers: ["sns.amazonaws.com"] }],
                    conditions: [
                        {
                            test: "ArnEquals",
                            variable: "aws:SourceArn",
                            values: ["arn:aws:sns:us-east-1:123456789012:t"],
                        },
                    ],
                },
                { sid: "Anyone", actions: ["sqs:SendMessage"], principals: [{ type: "*", identifiers: ["*"] }] },
            ],
            overridePolicyDocuments: [
                JSON.stringify({ Statement: [{ Sid: "Read", Effect: "Deny", Action: "sqs:*", Resource: "*" }] }),
            ],
        });
        assert.deepEqual(JSON.parse(await outputValue(document.json)), {
            Version: "2012-10-17",
            Id: "jobs",
            Statement: [
                { Sid: "Read", Effect: "Deny", Action: "sqs:*", Resource: "*" },
                {
                    Sid: "Send",
                    Effect: "Allow",
                    Action: ["sqs:SendMessage", "sqs:GetQueueUrl"],
                    Resource: "arn:aws:sqs:us-east-1:123456789012:jobs",
                    Principal: { Service: "sns.amazonaws.com" },
                    Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:t" } },
                },
                { Sid: "Anyone", Effect: "Allow", Action: "sqs:SendMessage", Principal: "*" },
            ],
        });
        assert.equal(
            await outputValue(document.minifiedJson),
            JSON.stringify(JSON.parse(await outputValue(document.json))),
        );
    });

    it("answer a type they do not know with an ARN in that type's service", () => {
        const { id, state } = mockResourceState("aws:dynamodb/table:Table", "orders", {});
        assert.match(id, /^orders-[0-9a-f]{7}-id$/);
        assert.match(String(state.arn), /^arn:aws:dynamodb:us-east-1:123456789012:table\/orders-[0-9a-f]{7}$/);
    });

    it("read config keys without a namespace as the project's, and objects as JSON", async () => {
        await setAwsMocks({ project: "shop", config: { subnetIds: SUBNETS, "aws:region": "eu-west-1" } });
        assert.deepEqual(new pulumi.Config().requireObject("subnetIds"), SUBNETS);
        assert.deepEqual(new pulumi.Config("shop").requireObject("subnetIds"), SUBNETS);
        assert.equal(new pulumi.Config("aws").require("region"), "eu-west-1");
    });

    describe("a program that fails", () => {
        it("ordinary mocks with arn:aws:mock ARNs: outputValue rejects with the clusterArn error, not a timeout", async () => {
            // The user's own mocks, as Pulumi's documentation writes them, with a made-up ARN for everything.
            await setAwsMocks();
            await pulumi.runtime.setMocks(
                {
                    newResource: (args) => ({
                        id: `${args.name}_id`,
                        state: { ...args.inputs, arn: `arn:aws:mock:${args.name}` },
                    }),
                    call: (args) => args.inputs,
                },
                "project",
                "stack",
                false,
            );
            const cluster = new WorkerCluster("workers", {});
            const jobs = new BackgroundWorker("jobs", {
                clusterArn: cluster.arn,
                subnetIds: SUBNETS,
                container: { image: IMAGE },
            });
            await assert.rejects(withDeadline(outputValue(jobs.taskDefinitionArn)), (error: Error) => {
                assert.match(error.message, /clusterArn must be an ECS cluster ARN/);
                assert.match(error.message, /"arn:aws:mock:workers"/);
                return true;
            });
        });
    });
});
