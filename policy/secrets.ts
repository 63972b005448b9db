// Whether a container environment variable holds a plaintext secret, judged on its name and its value together.
// A value in a well-known token format is a secret whatever it is called; a secret-sounding name is a secret only
// when its value is not plainly a setting (a number, a duration, a reference to where the secret lives), so
// PASSWORD_LENGTH=20 stays quiet while DB_PASS=hunter2 does not.

/** Variables that hold AWS or ECS agent credentials whatever their value (ECS.8's own list, plus session tokens). */
const CREDENTIAL_VARIABLES = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "ECS_ENGINE_AUTH_DATA",
];

/** Values that are credentials whatever the variable is called: formats their issuers document. */
const TOKEN_FORMATS: [RegExp, string][] = [
    [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/, "an AWS access key ID"],
    [/\b[sr]k_(live|test)_[A-Za-z0-9]{10,}/, "a Stripe secret key"],
    [/\bgh[pousr]_[A-Za-z0-9]{20,}/, "a GitHub token"],
    [/\bgithub_pat_[A-Za-z0-9_]{20,}/, "a GitHub fine-grained token"],
    [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, "a Slack token"],
    [/^https:\/\/hooks\.slack\.com\/(services|workflows)\//, "a Slack webhook URL"],
    [/-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----/, "a private key"],
    [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, "a URL with a password in it"],
];

/** Last words that name a secret: `DB_PASS`, `SIGNING_KEY`, `apiToken`. */
const SECRET_SUFFIXES = ["key", "pass", "password", "passwd", "passphrase", "token", "secret", "credentials", "pat"];
/** Words that make any variable holding them secret-sounding, wherever they stand: `DB_PASSWORD_ID`. */
const SECRET_WORDS = [
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "credential",
    "credentials",
    "apikey",
    "privatekey",
];

/** Splits `DB_PASSWORD`, `dbPassword` and `db-password` into lower-case words. */
function words(name: string): string[] {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
        .split(/[^A-Za-z0-9]+/)
        .filter((word) => word !== "")
        .map((word) => word.toLowerCase());
}

/** Values that are plainly settings or references, under any name. */
const SETTING_FORMATS: RegExp[] = [
    /^-?\d+(\.\d+)?$/, // a number: PASSWORD_LENGTH=20
    /^(true|false|yes|no|on|off|enabled|disabled)$/i, // a switch
    /^\d+(\.\d+)?\s*(ms|s|sec|seconds?|m|min|minutes?|h|hours?|d|days?)$/i, // a duration: TOKEN_TTL=15m
    /^P(\d+[YMWD])*(T(\d+[HMS])+)?$/, // an ISO 8601 duration: PT1H
    /^arn:[a-z-]+:[a-z0-9-]+:/, // where a secret lives: an ARN
    /^(alias|secret|ssm|parameter)[:/]/i, // or a KMS alias, a secret or parameter name with its kind
    /^[a-z][a-z0-9+.-]*:\/\/\S+$/i, // or a URL (one with a password in it is a token format above)
    /^\/[A-Za-z0-9_.\-/]+$/, // or a path: /run/secrets/db, /prod/db/password
    /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/, // or a secret's name in Secrets Manager: prod/db
];

/** A value that reads as an identifier: camelCase or separated lower-case words, or one short word (userId, user_id). */
const IDENTIFIER = /^([a-z]+([A-Z][a-z]*)+|[a-z]+([_.-][a-z]+)+|[a-z]{1,12})$/;

/** Why a variable with a literal value looks like a plaintext secret, or undefined. */
export function plaintextSecretReason(name: string, value: string): string | undefined {
    if (CREDENTIAL_VARIABLES.includes(name.toUpperCase())) {
        return "holds AWS or ECS agent credentials; the task role provides credentials, never the environment";
    }
    for (const [pattern, what] of TOKEN_FORMATS) {
        if (pattern.test(value)) {
            return `holds ${what}`;
        }
    }
    const parts = words(name);
    const last = parts[parts.length - 1] ?? "";
    const joined = parts.slice(1).map((word, index) => parts[index] + word);
    const webhook = joined[joined.length - 1] === "webhookurl" || last === "webhook";
    if (webhook) {
        // A webhook URL is itself the credential: whoever has it can post.
        return /^https?:\/\//i.test(value) ? "is a webhook URL, which anyone holding it can post to" : undefined;
    }
    const secretSounding =
        SECRET_SUFFIXES.includes(last) || [...parts, ...joined].some((word) => SECRET_WORDS.includes(word));
    if (!secretSounding || SETTING_FORMATS.some((format) => format.test(value.trim()))) {
        return undefined;
    }
    // `_KEY` also names keys of data (PARTITION_KEY=userId, SORT_KEY=createdAt): an identifier there is a setting.
    if (last === "key" && !parts.slice(0, -1).some((word) => SECRET_WORDS.includes(word)) && IDENTIFIER.test(value)) {
        return undefined;
    }
    return "has a secret-sounding name and a literal value that is not a setting";
}
