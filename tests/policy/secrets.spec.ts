// The name-and-value rules of ecs-task-no-plaintext-secrets, as a table: what it must flag (hits), what it must leave
// alone (would be false alarms), and what it knowingly misses. docs/policy.md describes the rules this table pins.
import * as assert from "node:assert/strict";
import { plaintextSecretReason } from "../../policy/secrets";

const TOKEN = "has a secret-sounding name and a literal value that is not a setting";

/** Variables that are secrets, and the reason the policy gives. */
const HITS: [name: string, value: string, reason: string][] = [
    // Well-known token formats, whatever the name.
    ["STRIPE_KEY", "sk_live_51H8abcdEFGHijklMNOPqrstUVWX", "holds a Stripe secret key"],
    ["PAYMENTS", "sk_live_51H8abcdEFGHijklMNOPqrstUVWX", "holds a Stripe secret key"],
    ["GITHUB_PAT", "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R", "holds a GitHub token"],
    ["CONFIG", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "holds a Slack token"],
    [
        "SLACK_USER",
        "xoxp-123456789012-123456789012-1234567890123-abcdef0123456789abcdef0123456789",
        "holds a Slack token",
    ],
    [
        "SLACK_WEBHOOK_URL",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "holds a Slack webhook URL",
    ],
    [
        "NOTIFY",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "holds a Slack webhook URL",
    ],
    ["DATABASE", "AKIAIOSFODNN7EXAMPLE", "holds an AWS access key ID"],
    ["TLS", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...", "holds a private key"],
    ["SIGNER", "-----BEGIN PRIVATE KEY-----\nMIIEvQ...", "holds a private key"],
    ["DATABASE_URL", "postgres://app:s3cret@db.internal:5432/jobs", "holds a URL with a password in it"],
    [
        "AWS_SECRET_ACCESS_KEY",
        "x",
        "holds AWS or ECS agent credentials; the task role provides credentials, never the environment",
    ],
    // Secret-sounding names with values that are not plainly settings.
    ["DB_PASS", "hunter2", TOKEN],
    ["DB_PASSWORD_ID", "hunter2", TOKEN],
    ["SIGNING_KEY", "c2VjcmV0", TOKEN],
    ["ENCRYPTION_KEY", "0123456789abcdef0123456789abcdef", TOKEN],
    ["JWT_KEY", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", TOKEN],
    ["DB_PASSWORD", "hunter2hunter2", TOKEN],
    ["dbPassword", "Tr0ub4dor&3", TOKEN],
    ["STRIPE_SECRET", "hunter2hunter2", TOKEN],
    ["GITHUB_TOKEN", "hunter2hunter2", TOKEN],
    ["API_KEY", "hunter2hunter2", TOKEN],
    ["apiKey", "AbC123xYz", TOKEN],
    ["SENDGRID_APIKEY", "SG.abc.def", TOKEN],
    ["SIGNING_PRIVATE_KEY", "hunter2hunter2", TOKEN],
    ["SMTP_CREDENTIALS", "user:pa55", TOKEN],
    ["ALERTS_WEBHOOK_URL", "https://example.com/hooks/abc123", "is a webhook URL, which anyone holding it can post to"],
];

/** Variables that are not secrets: flagging them would be a false alarm. */
const QUIET: [name: string, value: string][] = [
    ["PASSWORD_LENGTH", "20"],
    ["TOKEN_TTL_SECONDS", "3600"],
    ["PARTITION_KEY", "userId"],
    ["SORT_KEY", "created_at"],
    ["TOKEN_BUCKET_CAPACITY", "100"],
    ["SESSION_TOKEN_TTL", "15m"],
    ["REFRESH_TOKEN_LIFETIME", "PT1H"],
    ["REQUIRE_PASSWORD", "true"],
    ["DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"],
    ["DB_PASSWORD_ARN", "arn:aws:ssm:us-east-1:123456789012:parameter/prod/db/password"],
    ["ENCRYPTION_KEY", "alias/orders"],
    ["SECRET_PATH", "/run/secrets/db"],
    ["SECRET_NAME", "prod/db"],
    ["TOKEN_URL", "https://auth.example.com/oauth/token"],
    ["KMS_KEY_ID", "1234abcd-12ab-34cd-56ef-1234567890ab"],
    ["QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/job-worker-queue"],
    ["PASS_THROUGH_HEADERS", "x-request-id"],
    ["LOG_LEVEL", "debug"],
];

/** Secrets the rules knowingly let through: a plain word under _KEY reads like an identifier (SORT_KEY=timestamp). */
const KNOWN_MISSES: [name: string, value: string][] = [
    ["JWT_KEY", "changeme"],
    ["MAILER", "hunter2"],
];

describe("plaintext secret detection: name and value together", () => {
    for (const [name, value, reason] of HITS) {
        it(`flags ${name}=${value.split("\n")[0].slice(0, 24)}…: ${reason}`, () => {
            assert.equal(plaintextSecretReason(name, value), reason);
        });
    }
    for (const [name, value] of QUIET) {
        it(`leaves ${name}=${value} alone`, () => {
            assert.equal(plaintextSecretReason(name, value), undefined);
        });
    }
    it("knowingly misses plain words under _KEY and secrets under names that say nothing", () => {
        assert.deepEqual(
            KNOWN_MISSES.map(([name, value]) => plaintextSecretReason(name, value)),
            [undefined, undefined],
        );
    });
});
