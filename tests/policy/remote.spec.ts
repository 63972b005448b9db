import * as assert from "node:assert/strict";
import { uninspectedComponents } from "../../scripts/policyRemote";
import { resource } from "./fixtures";

const remote = (type: string, name: string) => ({ ...resource(type, name, {}), custom: false, remote: true });

describe("remote components the offline run cannot inspect", () => {
    const stack = [
        remote("awsx:ecs:FargateService", "api"),
        remote("awsx:ec2:Vpc", "vpc"),
        remote("acme:platform:Worker", "legacy"),
        resource("aws:sqs/queue:Queue", "orders", {}),
    ];

    it("fails one that creates governed types (ECS, IAM, logs) or that it does not know, and only lists one that creates none", () => {
        const judged = uninspectedComponents(stack, []);
        assert.deepEqual(
            judged.map(({ type, governed, fails }) => [type, governed, fails]),
            [
                [
                    "awsx:ecs:FargateService",
                    [
                        "aws:ecs/service:Service",
                        "aws:ecs/taskDefinition:TaskDefinition",
                        "aws:iam/role:Role",
                        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                        "aws:cloudwatch/logGroup:LogGroup",
                    ],
                    true,
                ],
                ["awsx:ec2:Vpc", [], false],
                ["acme:platform:Worker", undefined, true],
            ],
        );
    });

    it("accepts a component named by its type token or its resource name", () => {
        const judged = uninspectedComponents(stack, ["awsx:ecs:FargateService", "legacy"]);
        assert.deepEqual(
            judged.map(({ name, accepted, fails }) => [name, accepted, fails]),
            [
                ["api", true, false],
                ["vpc", false, false],
                ["legacy", true, false],
            ],
        );
    });
});
