// stack/checks.ts through readStackConfig: what a user who copies Pulumi.prod.yaml and edits it gets wrong, refused or
// warned with the key they wrote.
import * as assert from "node:assert/strict";
import { readStackConfig, StackConfig, StackConfigError } from "../../stack/config";
import { readStackConfigFile } from "../../stack/configFile";

const NAMESPACE = "background-worker";
const PROD_WORKER = {
    container: { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/job-worker:1.0.0" },
    capacityProviderStrategy: [
        { capacityProvider: "FARGATE", weight: 1, base: 1 },
        { capacityProvider: "FARGATE_SPOT", weight: 4 },
    ],
};

/** A flat config as `pulumi.runtime.allConfig()` returns it: keys as given, objects as JSON. */
function flat(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(values)
            .filter(([, value]) => value !== undefined)
            .map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    );
}

/** A valid stack config; `overrides` use full keys (`background-worker:x`, `aws:region`, or a bare key). */
function stackWith(overrides: Record<string, unknown> = {}): Record<string, string> {
    return flat({
        "aws:region": "us-east-1",
        [`${NAMESPACE}:natGateways`]: "OnePerAz",
        [`${NAMESPACE}:jobWorker`]: PROD_WORKER,
        [`${NAMESPACE}:emailWorker`]: PROD_WORKER,
        ...overrides,
    });
}

/** The problems readStackConfig reports, one per line; fails when it accepts the config. */
function problemsOf(config: Record<string, string>, stack = "dev"): string[] {
    try {
        readStackConfig(config, undefined, stack);
    } catch (error) {
        assert.ok(error instanceof StackConfigError, `expected a StackConfigError; got ${String(error)}`);
        return error.message.split("\n");
    }
    assert.fail("expected the config to be refused; it was accepted");
}

function accepted(config: Record<string, string>, stack = "dev"): StackConfig {
    return readStackConfig(config, undefined, stack);
}

describe("stack checks: what the plan used to accept silently", () => {
    describe("keys without the project's namespace", () => {
        it("refuses a bare natGateways, which would leave prod on one NAT gateway, and says to write the prefix", () => {
            const problems = problemsOf(stackWith({ natGateways: "OnePerAz" }));
            assert.deepEqual(problems, [
                "config natGateways has no namespace: this project's keys are written background-worker:<key> in " +
                    "Pulumi.<stack>.yaml, as `pulumi config set` writes them; write background-worker:natGateways",
            ]);
        });

        it("hints at the prefix when a bare worker key leaves the worker missing", () => {
            const config = stackWith({ [`${NAMESPACE}:jobWorker`]: undefined, jobWorker: PROD_WORKER });
            const problems = problemsOf(config);
            assert.equal(problems.length, 2, problems.join("\n"));
            assert.match(problems[0], /^config jobWorker has no namespace: .*write background-worker:jobWorker$/);
            assert.match(
                problems[1],
                /^config background-worker:jobWorker is required: .*\(the config has jobWorker: write it as the key named here\)$/,
            );
        });

        it("refuses the project's settings under another namespace, a path included", () => {
            assert.deepEqual(problemsOf(stackWith({ "aws:subnetIds": ["subnet-0aaaaaaaaaaaaaaa1"] })), [
                "config aws:subnetIds is this project's setting under another namespace (the aws namespace has no subnetIds): " +
                    "write background-worker:subnetIds",
            ]);
            assert.match(
                problemsOf(stackWith({ "backgroundworker:jobWorker.scaling.maxTasks": "5" }))[0],
                /^config backgroundworker:jobWorker\.scaling\.maxTasks is this project's setting under another namespace: write background-worker:jobWorker\.scaling\.maxTasks$/,
            );
        });

        it("leaves other namespaces' own keys alone", () => {
            accepted(stackWith({ "aws:profile": "prod", "pulumi:tags": { team: "jobs" }, "docker:host": "unix:///x" }));
        });
    });

    describe("values that must agree with the stack", () => {
        it("refuses a malformed region", () => {
            assert.deepEqual(problemsOf(stackWith({ "aws:region": "us-east" })), [
                'config aws:region must be an AWS region such as us-east-1 or eu-west-1; got "us-east"',
            ]);
            accepted(stackWith({ "aws:region": "us-gov-west-1" }));
        });

        it("reports a bad alarmTopicArn under the key the user wrote, not as a worker's actionArns", () => {
            const problems = problemsOf(stackWith({ [`${NAMESPACE}:alarmTopicArn`]: "on-call" }));
            assert.deepEqual(problems, [
                `config ${NAMESPACE}:alarmTopicArn must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:on-call; got "on-call"`,
            ]);
            assert.doesNotMatch(problems.join("\n"), /actionArns/);
        });

        it("refuses a FIFO alarm topic under background-worker:alarmTopicArn, not as each worker's actionArns", () => {
            assert.deepEqual(
                problemsOf(
                    stackWith({ [`${NAMESPACE}:alarmTopicArn`]: "arn:aws:sns:us-east-1:123456789012:on-call.fifo" }),
                ),
                [
                    `config ${NAMESPACE}:alarmTopicArn must be a standard SNS topic, not a FIFO topic (its name ends in .fifo): ` +
                        "a FIFO topic delivers only to SQS queues, so an alarm on it reaches no email, chat or paging " +
                        "subscription, and every publish to it needs a message group ID; " +
                        'got "arn:aws:sns:us-east-1:123456789012:on-call.fifo"',
                ],
            );
        });

        it("refuses an alarm topic, an existing queue or a KMS key in another region than aws:region", () => {
            assert.match(
                problemsOf(
                    stackWith({ [`${NAMESPACE}:alarmTopicArn`]: "arn:aws:sns:eu-west-1:123456789012:on-call" }),
                )[0],
                /^config background-worker:alarmTopicArn is in eu-west-1, but the stack deploys to us-east-1/,
            );
            const worker = {
                ...PROD_WORKER,
                existingQueue: {
                    arn: "arn:aws:sqs:eu-west-1:123456789012:orders",
                    url: "https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
                },
            };
            assert.match(
                problemsOf(stackWith({ [`${NAMESPACE}:jobWorker`]: worker }))[0],
                /^config background-worker:jobWorker\.existingQueue\.arn must be in the stack's region \(aws:region\), us-east-1/,
            );
        });

        it("reports malformed subnets under background-worker:subnetIds", () => {
            assert.deepEqual(
                problemsOf(stackWith({ [`${NAMESPACE}:subnetIds`]: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-12"] })),
                [
                    'config background-worker:subnetIds[1] must be a subnet ID such as subnet-0123456789abcdef0; got "subnet-12"',
                ],
            );
        });

        it("refuses an empty subnetIds under the key the user wrote, not as each worker's subnetIds", () => {
            assert.deepEqual(problemsOf(stackWith({ [`${NAMESPACE}:subnetIds`]: [] })), [
                "config background-worker:subnetIds must name at least one subnet when given; got an empty list. Omit it " +
                    "to have the program create a VPC",
            ]);
        });

        it("names no hint to rewrite a key the user wrote correctly, as for an empty aws:region", () => {
            assert.deepEqual(problemsOf(stackWith({ "aws:region": "" })), [
                "config aws:region is required: the region the stack deploys to, for example `pulumi config set aws:region us-east-1`",
            ]);
            assert.match(
                problemsOf(stackWith({ "aws:region": undefined, region: "us-east-1" })).join("\n"),
                /config aws:region is required: .*\(the config has region: write it as the key named here\)/,
            );
        });

        it("refuses tags AWS refuses, under background-worker:tags", () => {
            assert.deepEqual(
                problemsOf(stackWith({ [`${NAMESPACE}:tags`]: { "aws:team": "jobs", owner: "x".repeat(257) } })),
                [
                    "config background-worker:tags.aws:team uses the prefix aws:, which AWS reserves for its own tags",
                    "config background-worker:tags.owner must be a value of at most 256 characters; got 257",
                ],
            );
        });

        it("warns when a worker's ECR image is in another region than the stack, as after copying a file across regions", () => {
            const { warnings } = accepted(stackWith({ "aws:region": "eu-west-1" }));
            assert.equal(warnings.length, 2, warnings.join("\n"));
            assert.match(
                warnings[0],
                /^config background-worker:jobWorker\.container\.image is in ECR in us-east-1, but the stack deploys to eu-west-1/,
            );
        });

        it("warns that natGateways does nothing once subnets are given", () => {
            const { warnings } = accepted(
                stackWith({
                    [`${NAMESPACE}:subnetIds`]: ["subnet-0aaaaaaaaaaaaaaa1"],
                    [`${NAMESPACE}:natGateways`]: "OnePerAz",
                }),
            );
            assert.equal(warnings.length, 1);
            assert.match(
                warnings[0],
                /^config background-worker:natGateways has no effect with background-worker:subnetIds/,
            );
        });
    });

    describe("prod habits the README argues against (warnings)", () => {
        const latest = {
            ...PROD_WORKER,
            container: { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/job-worker:latest" },
        };
        const untagged = {
            ...PROD_WORKER,
            container: { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/job-worker" },
        };
        const allSpot = { ...PROD_WORKER, capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] };

        it("warns about :latest and untagged images in prod, naming the key; a digest is pinned", () => {
            const { warnings } = accepted(
                stackWith({ [`${NAMESPACE}:jobWorker`]: latest, [`${NAMESPACE}:emailWorker`]: untagged }),
                "prod",
            );
            assert.equal(warnings.length, 2, warnings.join("\n"));
            assert.match(warnings[0], /^config background-worker:jobWorker\.container\.image uses the tag latest/);
            assert.match(warnings[1], /^config background-worker:emailWorker\.container\.image has no tag/);
            const pinned = {
                ...PROD_WORKER,
                container: {
                    image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/job-worker@sha256:${"a".repeat(64)}`,
                },
            };
            assert.deepEqual(accepted(stackWith({ [`${NAMESPACE}:jobWorker`]: pinned }), "prod").warnings, []);
        });

        it("warns when a prod worker keeps no task on on-demand capacity, the default strategy included", () => {
            const { container } = PROD_WORKER;
            const { warnings } = accepted(
                stackWith({ [`${NAMESPACE}:jobWorker`]: allSpot, [`${NAMESPACE}:emailWorker`]: { container } }),
                "production",
            );
            assert.equal(warnings.length, 2, warnings.join("\n"));
            for (const [index, key] of ["jobWorker", "emailWorker"].entries()) {
                assert.match(
                    warnings[index],
                    new RegExp(
                        `^config background-worker:${key}\\.capacityProviderStrategy keeps no task on on-demand FARGATE`,
                    ),
                );
            }
        });

        it("knows prod by the stack's name or its environment tag, and leaves dev alone", () => {
            const config = stackWith({ [`${NAMESPACE}:jobWorker`]: latest });
            assert.equal(accepted(config, "dev").warnings.length, 0);
            assert.equal(accepted(config, "prod-eu").warnings.length, 1);
            assert.equal(
                accepted({ ...config, [`${NAMESPACE}:tags`]: JSON.stringify({ environment: "prod" }) }, "blue").warnings
                    .length,
                1,
            );
            // A copied prod file whose tag key is spelled as the team spells it is still prod.
            for (const tags of [{ Environment: "Prod" }, { ENV: "production" }]) {
                assert.equal(
                    accepted({ ...config, [`${NAMESPACE}:tags`]: JSON.stringify(tags) }, "blue").warnings.length,
                    1,
                    JSON.stringify(tags),
                );
            }
            assert.equal(
                accepted({ ...config, [`${NAMESPACE}:tags`]: JSON.stringify({ Environment: "staging" }) }, "blue")
                    .warnings.length,
                0,
            );
        });

        it("warns when a prod stack's own VPC would have one NAT gateway, set or by default, naming the key", () => {
            const single = `config ${NAMESPACE}:natGateways is unset, so Single: the production VPC the program creates`;
            const [unset, ...others] = accepted(
                stackWith({ [`${NAMESPACE}:natGateways`]: undefined }),
                "prod",
            ).warnings;
            assert.deepEqual(others, []);
            assert.ok(unset.startsWith(single), unset);
            assert.match(unset, /Set background-worker:natGateways: OnePerAz$/);
            assert.match(
                accepted(stackWith({ [`${NAMESPACE}:natGateways`]: "Single" }), "prod").warnings.join("\n"),
                /^config background-worker:natGateways is Single: /,
            );
            assert.deepEqual(accepted(stackWith(), "prod").warnings, []);
            assert.deepEqual(accepted(stackWith({ [`${NAMESPACE}:natGateways`]: undefined }), "dev").warnings, []);
            // With its own subnets the stack creates no VPC, so no NAT gateway of its own.
            assert.deepEqual(
                accepted(
                    stackWith({
                        [`${NAMESPACE}:natGateways`]: undefined,
                        [`${NAMESPACE}:subnetIds`]: ["subnet-0aaaaaaaaaaaaaaa1"],
                    }),
                    "prod",
                ).warnings,
                [],
            );
        });

        it("the example stacks, as shipped, have no warning", () => {
            for (const stack of ["dev", "prod"]) {
                assert.deepEqual(readStackConfig(readStackConfigFile(stack), undefined, stack).warnings, [], stack);
            }
        });
    });
});
