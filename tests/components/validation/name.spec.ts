import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { BackgroundWorker, BackgroundWorkerArgs } from "../../../components/index";
import { validateWorkerArgs } from "../../../components/validation";
import { recordResources } from "../../../tooling/mocks";
import { describeThrown } from "../../support/validation";
import { minimalArgs } from "../../support/worker";

describe("validation/name: the worker's name within AWS's name limits", () => {
    describe("the worker's name, which prefixes its queue and service names", () => {
        const rejectedName = (name: string, args: BackgroundWorkerArgs): string => {
            try {
                validateWorkerArgs(args, name);
            } catch (error) {
                assert.ok(
                    pulumi.InputPropertyError.isInstance(error),
                    `expected one InputPropertyError; got ${describeThrown(error)}`,
                );
                assert.equal(error.propertyPath, "name");
                return error.reason;
            }
            assert.fail(`expected the name ${JSON.stringify(name)} to be rejected`);
        };

        it("rejects characters SQS queue and ECS service names do not allow", () => {
            assert.match(
                rejectedName("jobs.v2", minimalArgs()),
                /^name must use only letters, digits, - and _.*got "jobs\.v2"$/,
            );
        });

        // With a task definition of its own and no scale to zero, the worker creates no IAM role: queue names bind.
        const noRoles = (overrides: Partial<BackgroundWorkerArgs> = {}) =>
            minimalArgs({
                container: undefined,
                taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/jobs:1",
                ...overrides,
            });

        it("rejects a FIFO worker whose queue name would pass 80 characters once .fifo is appended", () => {
            assert.deepEqual(validateWorkerArgs(noRoles({ queue: { fifo: true } }), "a".repeat(61)), []);
            const reason = rejectedName("a".repeat(62), noRoles({ queue: { fifo: true } }));
            assert.match(reason, /^name must be at most 61 characters for a FIFO queue: .*got 62 characters$/);
        });

        it("allows a longer name for a standard queue, and any length with an existing queue", () => {
            assert.deepEqual(validateWorkerArgs(noRoles(), "a".repeat(66)), []);
            assert.match(rejectedName("a".repeat(67), noRoles()), /at most 66 characters: /);
            const existingQueue = {
                arn: "arn:aws:sqs:eu-west-1:210987654321:orders",
                url: "https://sqs.eu-west-1.amazonaws.com/210987654321/orders",
            };
            assert.deepEqual(
                validateWorkerArgs(
                    noRoles({ existingQueue, alarms: { deadLetterQueueNotEmpty: false } }),
                    "a".repeat(100),
                ),
                [],
            );
        });

        it("keeps the IAM role names it generates within IAM's 64 characters", () => {
            assert.deepEqual(validateWorkerArgs(minimalArgs(), "a".repeat(41)), []);
            assert.match(
                rejectedName("a".repeat(42), minimalArgs()),
                /^name must be at most 41 characters: an IAM role is named a+-execution-role-<7 random characters>, and IAM allows 64; got 42 characters$/,
            );
            const toZero = minimalArgs({ scaling: { minTasks: 0 } });
            assert.deepEqual(validateWorkerArgs(toZero, "a".repeat(39)), []);
            assert.match(
                rejectedName("a".repeat(40), toZero),
                /at most 39 characters: an IAM role is named a+-keep-active-role-/,
            );
            assert.deepEqual(
                validateWorkerArgs(minimalArgs({ scaling: { minTasks: 0, keepQueueActive: false } }), "a".repeat(41)),
                [],
            );
        });

        it("is checked by the constructor, before anything is registered", async () => {
            await assert.rejects(
                recordResources(() => new BackgroundWorker("jobs v2", minimalArgs())),
                (error: unknown) => pulumi.InputPropertyError.isInstance(error) && error.propertyPath === "name",
            );
        });
    });
});
