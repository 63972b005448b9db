import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RESERVED_ENVIRONMENT_NAMES } from "../../../components/plan/settings";
import { LOG_RETENTION_DAYS } from "../../../contract/awsLimits";
import { FARGATE_MEMORY_BY_CPU } from "../../../components/plan/fargateSizes";
import { accepted, assertRejected, describeIntegerBounds, IntegerBound, untyped } from "../../support/validation";
import { minimalArgs } from "../../support/worker";

const INTEGER_BOUNDS: IntegerBound[] = [
    {
        path: "container.stopTimeoutSeconds",
        min: 0,
        max: 120,
        args: (value) => minimalArgs({ container: { image: "worker:1", stopTimeoutSeconds: untyped(value) } }),
    },
];

describe("validation/container: the container, its size, image, environment and secrets", () => {
    describe("AWS's numeric limits", () => {
        describeIntegerBounds(INTEGER_BOUNDS);

        it("accepts every CloudWatch Logs retention period and rejects others (0, never expire, included)", () => {
            for (const days of LOG_RETENTION_DAYS) {
                accepted(minimalArgs({ container: { image: "worker:1", logRetentionDays: days } }));
            }
            for (const days of [0, 2, 4000]) {
                assertRejected(
                    minimalArgs({ container: { image: "worker:1", logRetentionDays: days } }),
                    "container.logRetentionDays",
                    "must be one of 1, 3, 5, 7, 14, 30, 60, 90",
                    "3653",
                    `got ${days}`,
                );
            }
        });
    });

    describe("required arguments", () => {
        it("requires the container's image", () => {
            assertRejected(minimalArgs({ container: untyped({}) }), "container.image", "is required");
            assertRejected(minimalArgs({ container: { image: "" } }), "container.image", "is required");
        });

        it("rejects an image reference a task could not pull: a space, an uppercase repository, an empty tag", () => {
            for (const image of ["job worker:latest", "Job-Worker:1", "worker:", " worker:1"]) {
                assertRejected(
                    minimalArgs({ container: { image } }),
                    "container.image",
                    "must be an image reference",
                    JSON.stringify(image),
                );
            }
        });

        it("accepts the image references ECS pulls: ECR with a tag, a digest, a registry port, a bare name, an Output", () => {
            for (const image of [
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/jobs/worker:1.0.0",
                `public.ecr.aws/docker/library/node@sha256:${"a".repeat(64)}`,
                "localhost:5000/worker:dev",
                "worker",
            ]) {
                accepted(minimalArgs({ container: { image } }));
            }
            accepted(minimalArgs({ container: { image: pulumi.output("Not Checked Until Deployment") } }));
        });

        it("rejects a command that is not a list of strings", () => {
            assertRejected(
                minimalArgs({ container: { image: "worker:1", command: untyped("node worker.js") } }),
                "container.command",
                "list of strings",
                'got "node worker.js"',
            );
            assertRejected(
                minimalArgs({ container: { image: "worker:1", command: untyped(["node", 1]) } }),
                "container.command",
                "list of strings",
            );
            accepted(minimalArgs({ container: { image: "worker:1", command: ["node", "worker.js"] } }));
        });
    });

    describe("Fargate CPU and memory", () => {
        // For each CPU size: memory sizes Fargate accepts, and ones it rejects (below, above, off the step).
        const combinations: { cpu: number; valid: number[]; invalid: number[]; range: string }[] = [
            { cpu: 256, valid: [512, 1024, 2048], invalid: [1536, 4096], range: "512, 1024, 2048 MiB" },
            {
                cpu: 512,
                valid: [1024, 3072, 4096],
                invalid: [512, 1536, 5120],
                range: "1024 to 4096 in steps of 1024 MiB",
            },
            { cpu: 1024, valid: [2048, 8192], invalid: [1024, 2560, 9216], range: "2048 to 8192 in steps of 1024 MiB" },
            {
                cpu: 2048,
                valid: [4096, 16384],
                invalid: [3072, 4608, 17408],
                range: "4096 to 16384 in steps of 1024 MiB",
            },
            {
                cpu: 4096,
                valid: [8192, 30720],
                invalid: [7168, 8704, 31744],
                range: "8192 to 30720 in steps of 1024 MiB",
            },
            {
                cpu: 8192,
                valid: [16384, 20480, 61440],
                invalid: [12288, 17408, 65536],
                range: "16384 to 61440 in steps of 4096 MiB",
            },
            {
                cpu: 16384,
                valid: [32768, 40960, 122880],
                invalid: [24576, 36864, 131072],
                range: "32768 to 122880 in steps of 8192 MiB",
            },
        ];

        it("covers every CPU size Fargate offers", () => {
            assert.deepEqual(
                combinations.map((combination) => combination.cpu),
                [...FARGATE_MEMORY_BY_CPU.keys()],
            );
        });

        for (const { cpu, valid, invalid, range } of combinations) {
            it(`cpu ${cpu} accepts memory ${valid.join(", ")} and rejects ${invalid.join(", ")} with the valid sizes`, () => {
                for (const memory of valid) {
                    accepted(minimalArgs({ container: { image: "worker:1", cpu, memory } }));
                }
                for (const memory of invalid) {
                    assertRejected(
                        minimalArgs({ container: { image: "worker:1", cpu, memory } }),
                        "container.memory",
                        `must be ${range} when container.cpu is ${cpu}`,
                        `got ${memory}`,
                    );
                }
            });
        }

        it("checks the default memory (512 MiB) against a larger cpu, so raising cpu alone is caught", () => {
            assertRejected(
                minimalArgs({ container: { image: "worker:1", cpu: 1024 } }),
                "container.memory",
                "when container.cpu is 1024",
                "got 512",
            );
        });

        it("rejects a CPU size Fargate does not offer, listing the ones it does", () => {
            for (const cpu of [128, 300, "256"]) {
                assertRejected(
                    minimalArgs({ container: { image: "worker:1", cpu: untyped(cpu) } }),
                    "container.cpu",
                    "one of 256, 512, 1024, 2048, 4096, 8192, 16384",
                    `got ${JSON.stringify(cpu)}`,
                );
            }
        });
    });

    describe("container or task definition", () => {
        it("rejects a container and a task definition ARN together, naming taskDefinitionArn", () => {
            assertRejected(
                minimalArgs({ taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/jobs:3" }),
                "taskDefinitionArn",
                "cannot be given together with container",
            );
        });

        it("rejects neither, naming container and the alternative", () => {
            assertRejected(minimalArgs({ container: undefined }), "container", "or taskDefinitionArn is required");
        });

        it("accepts a task definition ARN on its own, and then warns about nothing container-related", () => {
            assert.deepEqual(
                accepted(
                    minimalArgs({
                        container: undefined,
                        taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/jobs:3",
                        queue: { visibilityTimeoutSeconds: 10 },
                    }),
                ),
                [],
            );
        });
    });

    describe("environment and secrets", () => {
        for (const name of RESERVED_ENVIRONMENT_NAMES) {
            it(`rejects ${name} in environment or secrets: the component sets it`, () => {
                assertRejected(
                    minimalArgs({ container: { image: "worker:1", environment: { [name]: "x" } } }),
                    `container.environment.${name}`,
                    "is set by the component",
                    "remove it",
                );
                assertRejected(
                    minimalArgs({
                        container: {
                            image: "worker:1",
                            secrets: { [name]: "arn:aws:ssm:us-east-1:123456789012:parameter/x" },
                        },
                    }),
                    `container.secrets.${name}`,
                    "is set by the component",
                );
            });
        }

        it("rejects AWS credentials in the environment, whatever their case, and points to the task role", () => {
            for (const name of [
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
                "aws_access_key_id",
            ]) {
                assertRejected(
                    minimalArgs({ container: { image: "worker:1", environment: { [name]: "x" } } }),
                    `container.environment.${name}`,
                    "must not hold AWS credentials",
                    "task role",
                );
            }
        });

        it("warns about a plain value whose name looks like a secret", () => {
            for (const name of [
                "DB_PASSWORD",
                "STRIPE_SECRET",
                "GITHUB_TOKEN",
                "API_KEY",
                "APIKEY",
                "SIGNING_PRIVATE_KEY",
                "SERVICE_CREDENTIALS",
                "smtp_passwd",
            ]) {
                const warnings = accepted(
                    minimalArgs({ container: { image: "worker:1", environment: { [name]: "hunter2" } } }),
                );
                assert.equal(warnings.length, 1, `${name}: ${warnings.join("\n")}`);
                assert.ok(warnings[0].startsWith(`container.environment.${name} looks like a secret`), warnings[0]);
                assert.match(warnings[0], /move it to container\.secrets/);
            }
        });

        it("does not warn about ordinary names", () => {
            assert.deepEqual(
                accepted(
                    minimalArgs({
                        container: { image: "worker:1", environment: { LOG_LEVEL: "info", BUCKET: "uploads" } },
                    }),
                ),
                [],
            );
        });

        it("does not warn when a secret-looking value comes from another resource rather than a literal", () => {
            assert.deepEqual(
                accepted(
                    minimalArgs({
                        container: {
                            image: "worker:1",
                            environment: { UPSTREAM_TOKEN_URL: pulumi.output("https://auth.example.com") },
                        },
                    }),
                ),
                [],
            );
        });

        it("rejects a secret given by name instead of ARN, which would make the execution role's policy invalid", () => {
            for (const value of ["/prod/db/password", "db-credentials", "arn:aws:s3:::bucket/secret"]) {
                assertRejected(
                    minimalArgs({ container: { image: "worker:1", secrets: { DB_PASSWORD: value } } }),
                    "container.secrets.DB_PASSWORD",
                    "must be the ARN",
                    JSON.stringify(value),
                );
            }
        });

        it("accepts Secrets Manager and SSM parameter ARNs, a JSON key of a secret, and ARNs known only at deployment", () => {
            accepted(
                minimalArgs({
                    container: {
                        image: "worker:1",
                        secrets: {
                            DB_PASSWORD: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::",
                            API_KEY: "arn:aws:ssm:us-east-1:123456789012:parameter/prod/api-key",
                            SIGNING_KEY: pulumi.output("arn:aws:ssm:us-east-1:123456789012:parameter/signing"),
                        },
                    },
                }),
            );
        });

        it("rejects a Secrets Manager ARN without its six-character suffix, which IAM would not match", () => {
            for (const value of [
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:db:password::",
            ]) {
                assertRejected(
                    minimalArgs({ container: { image: "worker:1", secrets: { DB_PASSWORD: value } } }),
                    "container.secrets.DB_PASSWORD",
                    "complete ARN",
                    "six random characters",
                    "IAM does not match a partial one",
                    JSON.stringify(value),
                );
            }
        });

        it("accepts a complete secret ARN, with or without a JSON key, and SSM parameter ARNs", () => {
            accepted(
                minimalArgs({
                    container: {
                        image: "worker:1",
                        secrets: {
                            DB: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
                            DB_USER: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf:username::",
                            API: "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api",
                        },
                    },
                }),
            );
        });

        it("rejects a name set both as environment and as a secret, keeping the secret", () => {
            assertRejected(
                minimalArgs({
                    container: {
                        image: "worker:1",
                        environment: { DATABASE_URL: "postgres://" },
                        secrets: { DATABASE_URL: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf" },
                    },
                }),
                "container.environment.DATABASE_URL",
                "also set in container.secrets",
                "keep only the secret",
            );
        });
    });
});
