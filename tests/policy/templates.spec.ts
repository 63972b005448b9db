// A CloudFormation template body read as CloudFormation would deploy it: JSON or YAML, short forms as long forms,
// parameters, mappings and conditions resolved where their inputs are known, and one reading per choice of the
// conditions that cannot be decided.
import * as assert from "node:assert/strict";
import { MAX_ENUMERATED_CONDITIONS, TemplateResource, templateResources } from "../../policy/templates";

const PARAMETERS_AND_CONDITIONS = [
    "Parameters:",
    "  Env: { Type: String, Default: dev }",
    "  Priv: { Type: String, Default: 'true' }",
    "Mappings:",
    "  Settings:",
    "    prod: { Privileged: 'false', User: '1000' }",
    "    dev: { Privileged: 'true', User: '0' }",
    "Conditions:",
    "  IsProd: !Equals [!Ref Env, prod]",
    "  InHome: !Equals [!Ref 'AWS::Region', us-east-1]",
    "  ProdAtHome: !And [!Condition IsProd, !Condition InHome]",
    "  NotProd: !Not [!Condition IsProd]",
];

function task(properties: string[], parameters?: Record<string, string>): TemplateResource[] {
    const body = [
        ...PARAMETERS_AND_CONDITIONS,
        "Resources:",
        "  Task:",
        "    Type: AWS::ECS::TaskDefinition",
        "    Properties:",
        ...properties.map((line) => `      ${line}`),
    ].join("\n");
    const read = templateResources(body, parameters);
    assert.ok(read, "the template is read");
    return read;
}

const only = (read: TemplateResource[]) => {
    assert.equal(read.length, 1, JSON.stringify(read));
    return read[0].properties as Record<string, unknown>;
};

describe("CloudFormation templates, read as deployed", () => {
    it("reads JSON and YAML alike, short forms as their long forms", () => {
        const json = templateResources(
            JSON.stringify({ Resources: { Q: { Type: "AWS::SQS::Queue", Properties: { QueueName: { Ref: "N" } } } } }),
        );
        const yaml = templateResources(
            "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: { QueueName: !Ref N }\n",
        );
        assert.deepEqual(yaml, json);
        assert.deepEqual(json, [{ logicalId: "Q", type: "AWS::SQS::Queue", properties: { QueueName: { Ref: "N" } } }]);
        assert.deepEqual(
            only(templateResources("Resources:\n  Q:\n    Type: X\n    Properties: { A: !GetAtt S.Outputs.Url }\n")!),
            { A: { "Fn::GetAtt": ["S", "Outputs.Url"] } },
        );
    });

    it("does not read a body that does not parse, or one that repeats a key", () => {
        assert.equal(templateResources("{ not: [json"), undefined);
        assert.equal(templateResources('{"Resources": {"Q": {"Type": "A", "Type": "B"}}}'), undefined);
        assert.equal(templateResources("Resources:\n  Q: { Type: A }\n  Q: { Type: B }\n"), undefined);
        assert.equal(templateResources("just text"), undefined);
    });

    it("takes a parameter's value from the stack, else from its default", () => {
        assert.deepEqual(only(task(["Privileged: !Ref Priv"])), { Privileged: "true" });
        assert.deepEqual(only(task(["Privileged: !Ref Priv"], { Priv: "false" })), { Privileged: "false" });
        // A Ref to a resource or a pseudo parameter stays as written.
        assert.deepEqual(only(task(["Role: !Ref TaskRole"])), { Role: { Ref: "TaskRole" } });
    });

    it("substitutes parameters and its own variables in Fn::Sub, and leaves one it cannot know as written", () => {
        assert.deepEqual(only(task(['Privileged: !Sub "${Priv}"'])), { Privileged: "true" });
        assert.deepEqual(
            only(task(['Image: !Sub ["${Repo}:${Env}-${!Literal}", { Repo: worker }]'], { Env: "prod" })),
            {
                Image: "worker:prod-${Literal}",
            },
        );
        assert.deepEqual(only(task(['Image: !Sub "worker:${AWS::Region}"'])), {
            Image: { "Fn::Sub": "worker:${AWS::Region}" },
        });
        assert.deepEqual(only(task(['Image: !Sub "${Repo.Uri}:1"'])), { Image: { "Fn::Sub": "${Repo.Uri}:1" } });
    });

    it("looks up a mapping with keys it can resolve", () => {
        assert.deepEqual(only(task(["Privileged: !FindInMap [Settings, !Ref Env, Privileged]"])), {
            Privileged: "true",
        });
        assert.deepEqual(only(task(["Privileged: !FindInMap [Settings, !Ref Env, Privileged]"], { Env: "prod" })), {
            Privileged: "false",
        });
        assert.deepEqual(only(task(["Privileged: !FindInMap [Settings, !Ref 'AWS::Region', Privileged]"])), {
            Privileged: { "Fn::FindInMap": ["Settings", { Ref: "AWS::Region" }, "Privileged"] },
        });
    });

    it("takes the branch of a condition it can decide, through Not, And and Condition", () => {
        assert.deepEqual(only(task(["Privileged: !If [IsProd, false, true]"], { Env: "prod" })), { Privileged: false });
        assert.deepEqual(only(task(["Privileged: !If [NotProd, true, false]"])), { Privileged: true });
        // IsProd is false, so the And is false whatever the region.
        assert.deepEqual(only(task(["Privileged: !If [ProdAtHome, false, true]"])), { Privileged: true });
    });

    it("reads a resource once per choice of the conditions it cannot decide, and names the choice", () => {
        const read = task(
            ["Privileged: !If [InHome, false, true]", "User: !If [ProdAtHome, '1000', !Ref 'AWS::NoValue']"],
            {
                Env: "prod",
            },
        );
        assert.deepEqual(
            read.map((reading) => [reading.assumes, reading.properties]),
            [
                ["InHome true, ProdAtHome true", { Privileged: false, User: "1000" }],
                ["InHome false, ProdAtHome true", { Privileged: true, User: "1000" }],
                ["InHome true, ProdAtHome false", { Privileged: false }],
                ["InHome false, ProdAtHome false", { Privileged: true }],
            ],
        );
    });

    it(`reads every combination of up to ${MAX_ENUMERATED_CONDITIONS} undecided conditions, and marks a resource with more`, () => {
        const withConditions = (count: number) => {
            const names = Array.from({ length: count }, (_, index) => `C${index}`);
            const body = [
                "Conditions:",
                ...names.map((name) => `  ${name}: !Equals [!Ref 'AWS::Region', ${name}]`),
                "Resources:",
                "  Task:",
                "    Type: AWS::ECS::TaskDefinition",
                "    Properties:",
                ...names.map((name) => `      ${name}: !If [${name}, yes, no]`),
            ].join("\n");
            return { names, read: templateResources(body) ?? [] };
        };
        const most = withConditions(MAX_ENUMERATED_CONDITIONS);
        assert.equal(most.read.length, 2 ** MAX_ENUMERATED_CONDITIONS);
        assert.ok(most.read.every((reading) => reading.tooManyConditions === undefined));
        const more = withConditions(MAX_ENUMERATED_CONDITIONS + 1);
        assert.deepEqual(
            more.read.map((reading) => reading.tooManyConditions),
            [more.names],
        );
    });
});
