// The pack refuses a configuration it cannot use, naming the key: offline (packConfigProblems, the runner's
// --policy-config), in the pack factory, and inside a policy when the engine hands it its settings.
import * as assert from "node:assert/strict";
import { ResourceValidationArgs } from "@pulumi/policy";
import { packConfigProblems, PolicyConfigError } from "../../policy/config";
import { evaluatePolicies } from "../../scripts/policyEngine";
import { policies } from "../../policy/policies";
import { workerMaxTasksLimit } from "../../policy/worker";
import { queue } from "./fixtures";

/** Configurations and the problems they have: none for a valid one. */
const CASES: [what: string, config: unknown, problems: string[]][] = [
    [
        "levels, settings and all",
        {
            all: "advisory",
            "worker-max-tasks-limit": { enforcementLevel: "mandatory", maxTasks: 5 },
            "sqs-encrypted": "disabled",
        },
        [],
    ],
    [
        "every level @pulumi/policy knows",
        { "sqs-tls-only": "remediate", "sqs-encrypted": { enforcementLevel: "advisory" } },
        [],
    ],
    [
        "a capitalised level",
        { "sqs-has-dead-letter-queue": "Mandatory" },
        [
            'sqs-has-dead-letter-queue: "Mandatory" is not an enforcement level; expected one of advisory, mandatory, remediate, disabled (levels are lower case: "mandatory")',
        ],
    ],
    [
        "a level in an object",
        { all: { enforcementLevel: "warn" } },
        [
            'all.enforcementLevel: "warn" is not an enforcement level; expected one of advisory, mandatory, remediate, disabled',
        ],
    ],
    [
        "a number as a string",
        { "worker-max-tasks-limit": { maxTasks: "5" } },
        ['worker-max-tasks-limit.maxTasks: "5" is a string; expected a whole number of at least 1'],
    ],
    [
        "a number below the minimum, and a fraction",
        { "worker-max-tasks-limit": { maxTasks: 0 }, "worker-on-demand-base": { minimumOnDemandTasks: 1.5 } },
        [
            "worker-max-tasks-limit.maxTasks: 0 is below the minimum of 1",
            "worker-on-demand-base.minimumOnDemandTasks: 1.5 is not a number; expected a whole number of at least 1",
        ],
    ],
    [
        "a list of the wrong items",
        { "ecs-task-no-plaintext-secrets": { allowedNames: ["OK", 3] }, "worker-on-demand-base": { stacks: "prod" } },
        [
            "ecs-task-no-plaintext-secrets.allowedNames[1]: 3 is not a string",
            'worker-on-demand-base.stacks: "prod" is not a list; expected a JSON array',
        ],
    ],
    [
        "a boolean as a string",
        { "sqs-encrypted": { requireExplicitEncryption: "yes" } },
        ['sqs-encrypted.requireExplicitEncryption: "yes" is not a boolean; expected true or false'],
    ],
    [
        "a misspelt policy name",
        { "sqs-has-deadletter-queue": "advisory" },
        ["sqs-has-deadletter-queue: no policy of that name in the pack; did you mean sqs-has-dead-letter-queue?"],
    ],
    [
        "a misspelt setting",
        { "worker-max-tasks-limit": { maxTask: 5 } },
        ["worker-max-tasks-limit.maxTask: no such setting; worker-max-tasks-limit takes maxTasks"],
    ],
    [
        "a setting for a policy that takes none, and settings under all",
        { "sqs-tls-only": { strict: true }, all: { maxTasks: 3 } },
        [
            "sqs-tls-only.strict: no such setting; sqs-tls-only takes no settings",
            "all.maxTasks: no such setting; all takes no settings",
        ],
    ],
    [
        "a value that is neither a level nor settings",
        { "sqs-tls-only": true },
        ["sqs-tls-only: true is neither an enforcement level nor an object of settings"],
    ],
    [
        "a list instead of an object",
        ["sqs-tls-only"],
        ["the configuration must be a JSON object keyed by policy name, not a list"],
    ],
];

describe("policy configuration", () => {
    for (const [what, config, problems] of CASES) {
        it(`${problems.length === 0 ? "accepts" : "refuses"} ${what}${problems.length > 0 ? ", naming the key" : ""}`, () => {
            assert.deepEqual(packConfigProblems(policies, config), problems);
        });
    }

    it("is checked before an offline evaluation runs any policy", async () => {
        await assert.rejects(
            evaluatePolicies(policies, [queue("orders")], {
                preview: false,
                config: { "worker-max-tasks-limit": { maxTasks: "5" } } as never,
            }),
            (error: unknown) =>
                error instanceof PolicyConfigError &&
                error.problems.length === 1 &&
                /worker-max-tasks-limit\.maxTasks/.test(error.message),
        );
    });

    it("is checked by each policy when it reads its settings, as the engine hands them over", () => {
        const args = (config: Record<string, unknown>) =>
            ({
                type: "aws:appautoscaling/target:Target",
                urn: "urn:pulumi:dev::p::aws:appautoscaling/target:Target::t",
                name: "t",
                props: { serviceNamespace: "ecs", maxCapacity: 4 },
                getConfig: () => config,
                notApplicable: () => undefined as never,
            }) as unknown as ResourceValidationArgs;
        const validate = (config: Record<string, unknown>) => {
            const reported: string[] = [];
            (workerMaxTasksLimit.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void)(
                args(config),
                (message) => reported.push(message),
            );
            return reported;
        };
        assert.deepEqual(validate({ maxTasks: 3 }), [
            "The scalable target allows 4 tasks (maxCapacity), above the limit of 3.",
        ]);
        assert.throws(() => validate({ maxTasks: "3" }), /worker-max-tasks-limit\.maxTasks: "3" is a string/);
        assert.throws(() => validate({ maxTask: 3 }), /worker-max-tasks-limit\.maxTask: no such setting/);
    });
});
