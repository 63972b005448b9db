// The name-and-value rules of ecs-task-no-plaintext-secrets, as a table: what it must flag (hits), what it must leave
// alone (would be false alarms), and what it knowingly misses. docs/policy.md describes the rules this table pins.
import * as assert from "node:assert/strict";
import { plaintextSecretReason, secretInArguments } from "../../policy/secrets";

const TOKEN = "has a secret-sounding name and a literal value that is neither a setting nor a reference to a secret";

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
    // A `/` does not make a value a reference: these are made of no words.
    [
        "SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "holds a 40-character key in the shape of an AWS secret access key",
    ],
    ["DB_PASSWORD", "Tr0ub4dor/3x", TOKEN],
    ["SIGNING_SECRET", "/Zm9vYmFyYmF6cXV4/cXV4", TOKEN],
    [
        "CONFIG_BLOB",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "holds a 40-character key in the shape of an AWS secret access key",
    ],
    // Connection strings and URLs with a password, whatever the name.
    [
        "DATABASE",
        "host=db.internal port=5432 user=app password=s3cret dbname=jobs",
        "holds a connection string or URL with a password in it",
    ],
    [
        "DSN",
        "Server=db;Database=jobs;User Id=app;Password=s3cret;",
        "holds a connection string or URL with a password in it",
    ],
    [
        "JDBC_URL",
        "jdbc:postgresql://db:5432/jobs?user=app&password=s3cret",
        "holds a connection string or URL with a password in it",
    ],
    ["CACHE_URL", "redis://:s3cret@cache.internal:6379/0", "holds a URL with a password in it"],
    ["MONGO", "mongodb+srv://app:s3cret@cluster0.example.net/jobs", "holds a URL with a password in it"],
    [
        "CALLBACK",
        "https://api.example.com/notify?token=4f9a1c2e8b",
        "holds a connection string or URL with a token in it",
    ],
    [
        "STORAGE",
        "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=bWFkZXVwa2V5;",
        "holds a connection string or URL with a accountkey in it",
    ],
    // More issuers' formats.
    ["MAPS", "AIzaSyA1234567890abcdefghijklmnopqrstuv", "holds a Google API key"],
    ["LLM", "sk-proj-abcdefghijklmnopqrstuvwx1234", "holds an OpenAI or Anthropic API key"],
    ["SESSION", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3b3JrZXIifQ.c2lnbmF0dXJlc2ln", "holds a JSON Web Token"],
    ["AUTH_HEADER", "Bearer 4f9a1c2e8b7d6a5f", "holds an HTTP Authorization header value"],
    ["NPMRC", "npm_abcdefghijklmnopqrstuvwxyz0123456789", "holds an npm token"],
    // Names that glue the secret word to another (libpq's, MySQL's, Django-style).
    ["PGPASSWORD", "hunter2hunter2", TOKEN],
    ["MYSQL_PWD", "hunter2hunter2", TOKEN],
    ["SECRETKEY", "s3cr3tvalue99", TOKEN],
    ["CSRFTOKEN", "a8f5f167f44f4964e6c998dee827110c", TOKEN],
    ["BASIC_AUTH", "admin:hunter2hunter2", TOKEN],
    // A secret-sounding key inside structured text, whatever the variable is called.
    [
        "APP_CONFIG",
        '{"db":{"host":"db","password":"hunter2hunter2"}}',
        "holds password with a literal value inside structured text",
    ],
    [
        "SETTINGS_YAML",
        "db:\n  user: app\n  password: hunter2hunter2\n",
        "holds password with a literal value inside structured text",
    ],
    [
        "JAVA_TOOL_OPTIONS",
        "-Xmx512m -Dspring.datasource.password=hunter2hunter2",
        "holds spring.datasource.password with a literal value inside structured text",
    ],
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
    ["DB_PASSWORD_PARAMETER", "/prod/payments-db/password"],
    ["API_TOKEN_SECRET", "secret:prod/api-token"],
    ["GIT_SHA", "3f2c1e0d9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e"],
    ["DB_PASSWORD", "${DB_PASSWORD}"],
    ["DB_PASSWORD", "{{resolve:secretsmanager:prod/db}}"],
    ["DATABASE_URL", "postgres://db.internal:5432/jobs"],
    ["TOKENIZER_MODEL", "bert-base-uncased"],
    ["SECRETARY_EMAIL", "office@acme.example"],
    ["OLDPWD", "/home/app"],
    ["DEFAULT_AUTH", "iam"],
    ["REDIS_AUTH", "true"],
    ["FEATURES", '{"tokenRefresh":"enabled","passwordReset":"off"}'],
    ["DD_CHECKS", '[{"host":"%%host%%","password":"%%env_REDIS_PASSWORD%%"}]'],
    ["APP_CONFIG", '{"db":{"password":"${DB_PASSWORD}"}}'],
];

/** Secrets the rules knowingly let through: a plain word under _KEY reads like an identifier (SORT_KEY=timestamp). */
const KNOWN_MISSES: [name: string, value: string][] = [
    ["JWT_KEY", "changeme"],
    ["REDIS_AUTH", "changeme"],
    ["MAILER", "hunter2"],
    // Words and slashes read as a secret's name (prod/db/password).
    ["DB_PASSWORD", "correct/horse/battery/staple"],
];

/** Commands and entry points: [arguments, flagged?]. */
const ARGUMENTS: [string[], boolean][] = [
    [["node", "worker.js", "--password=hunter2"], true],
    [["node", "worker.js", "--api-key", "AbC123xYz"], true],
    [["sh", "-c", "DB_PASSWORD=hunter2 ./run"], true],
    [["sh", "-c", "export API_TOKEN='Tr0ub4dor3x' && exec ./worker"], true],
    [["./worker", "--db", "postgres://app:s3cret@db/jobs"], true],
    [["./worker", "AKIAIOSFODNN7EXAMPLE"], true],
    [["node", "worker.js", "--concurrency", "4", "--log-level=info"], false],
    [["./worker", "--password-file", "/run/secrets/db"], false],
    [["./worker", "--token-ttl=15m"], false],
    [["sh", "-c", "curl -H 'Authorization: Bearer 5f8a9c2e1b7d4a6f0e3c' https://api.example.com"], true],
    [["sh", "-c", 'curl -H "Authorization: Bearer $API_TOKEN" https://api.example.com'], false],
    [["java", "-Dspring.datasource.password=hunter2hunter2", "-jar", "app.jar"], true],
    [["./worker", "--config", '{"password": "hunter2hunter2"}'], true],
    [["sh", "-c", "PGPASSWORD=hunter2hunter2 pg_isready -h db"], true],
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
    for (const [args, flagged] of ARGUMENTS) {
        it(`${flagged ? "flags" : "leaves alone"} the command ${args.join(" ")}`, () => {
            assert.equal(secretInArguments(args) !== undefined, flagged, secretInArguments(args));
        });
    }
    it("knowingly misses plain words under _KEY and _AUTH, secrets under names that say nothing, and word paths", () => {
        assert.deepEqual(
            KNOWN_MISSES.map(([name, value]) => plaintextSecretReason(name, value)),
            KNOWN_MISSES.map(() => undefined),
        );
        assert.equal(secretInArguments(["mysql", "-phunter2hunter2"]), undefined);
    });
});
