// Whether a plain value a container starts with is a secret: an environment variable (judged on its name and value
// together), an argument of its command or entry point, a log driver option, or one of those in an override that an
// EventBridge target, schedule or pipe sends with the task.
//
// A value in a well-known credential format, a URL or connection string with a password in it, or the shape of an AWS
// secret access key is a secret whatever it is called. A secret-sounding name holds a secret unless its value is
// plainly a setting or a reference to where the secret lives: a number, a switch, a duration, an ARN, a URL without
// credentials, or a path or secret name made of words (`/prod/db/password`, `prod/db`). A value with a `/` is not a
// reference because of the `/`: `wJalrXUtnFEMI/K7MDENG/bPxRfiCY` and `Tr0ub4dor/3x` are made of no words.

/** Variables that hold AWS or ECS agent credentials whatever their value (ECS.8's own list, plus session tokens). */
const CREDENTIAL_VARIABLES = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "ECS_ENGINE_AUTH_DATA",
];

/** Values that are credentials whatever the variable is called: formats their issuers document. */
const TOKEN_FORMATS: [RegExp, string][] = [
    [/\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/, "an AWS access key ID"],
    [/\b[sr]k_(live|test)_[A-Za-z0-9]{10,}/, "a Stripe secret key"],
    [/\bgh[pousr]_[A-Za-z0-9]{20,}/, "a GitHub token"],
    [/\bgithub_pat_[A-Za-z0-9_]{20,}/, "a GitHub fine-grained token"],
    [/\bglpat-[A-Za-z0-9_-]{20,}/, "a GitLab token"],
    [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, "a Slack token"],
    [/^https:\/\/hooks\.slack\.com\/(services|workflows)\//, "a Slack webhook URL"],
    [/\bAIza[0-9A-Za-z_-]{35}\b/, "a Google API key"],
    [/\bnpm_[A-Za-z0-9]{36}\b/, "an npm token"],
    [/\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/, "a SendGrid API key"],
    [/\bsk-(proj-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{20,}/, "an OpenAI or Anthropic API key"],
    [/\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,}/, "a PyPI token"],
    [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, "a JSON Web Token"],
    [/-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----/, "a private key"],
    [/^(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{8,}$/i, "an HTTP Authorization header value"],
    [/\bAuthorization:\s*(Basic|Bearer|Token)\s+[A-Za-z0-9._~+/=-]{8,}/i, "an HTTP Authorization header"],
];

/** A URL with a password in its user info: `postgres://app:s3cret@db`, `redis://:s3cret@cache`. */
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

/** Password-like parameters of URLs and connection strings (`?password=`, `;Pwd=`, `host=db password=`). */
const CONNECTION_PASSWORD =
    /(?:^|[\s;&?])(password|passwd|pwd|pass|secret|client_secret|access_token|auth_token|api_key|apikey|token|sig|x-amz-security-token|accountkey|sharedaccesskey)\s*=\s*([^\s;&]+)/i;

/**
 * Values that stand in for a secret filled in elsewhere: `${DB_PASSWORD}`, `{{ password }}`, `<password>`, `***`,
 * `%%env_DB_PASSWORD%%` (an agent's template variable), `$DB_PASSWORD`.
 */
const PLACEHOLDER =
    /^(\$\{[^}]*\}|\{\{[^}]*\}\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|%[sd]|%%[^%]+%%|<[^>]*>|\*+|x+|-+)$/i;

/** The shape of an AWS secret access key: 40 characters of base64 with upper case, lower case and digits. */
function looksLikeAwsSecretKey(value: string): boolean {
    return /^[A-Za-z0-9/+]{40}$/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value);
}

/** Why a value is a credential whatever its name, or undefined. */
export function secretValueReason(value: string): string | undefined {
    return credentialFormatReason(value) ?? structuredSecretReason(value);
}

/** Why a value is in a credential's own format (a token, a URL or connection string with a password), or undefined. */
function credentialFormatReason(value: string): string | undefined {
    for (const [pattern, what] of TOKEN_FORMATS) {
        if (pattern.test(value)) {
            return `holds ${what}`;
        }
    }
    if (URL_WITH_PASSWORD.test(value)) {
        return "holds a URL with a password in it";
    }
    const parameter = CONNECTION_PASSWORD.exec(value);
    if (parameter && !PLACEHOLDER.test(parameter[2])) {
        return `holds a connection string or URL with a ${parameter[1].toLowerCase()} in it`;
    }
    if (looksLikeAwsSecretKey(value)) {
        return "holds a 40-character key in the shape of an AWS secret access key";
    }
    return undefined;
}

/** `"key": "value"` pairs of JSON text. */
const JSON_PAIR = /"([^"\\]{1,64})"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
/** `key: value` and `key=value` pairs of YAML, INI, a header or a `-Dkey=value` flag (not a URL's `scheme://`). */
const TEXT_PAIR = /(?:^|[\s{,;&?'"]|-D?)([A-Za-z_][\w.-]{0,63})\s*[:=]\s*(?!\/\/)("[^"]*"|'[^']*'|[^\s,;&}'"]+)/g;

/**
 * Why a value holds a secret inside structured text (a JSON configuration, YAML, an `X-Api-Key:` header): a pair
 * whose key sounds secret and whose value is neither a setting nor a reference, judged by the same name rules.
 */
function structuredSecretReason(value: string): string | undefined {
    for (const pattern of [JSON_PAIR, TEXT_PAIR]) {
        for (const [, key, raw] of value.matchAll(pattern)) {
            const inner = unquote(raw);
            if (inner !== "" && !PLACEHOLDER.test(inner) && nameReason(key, inner)) {
                return `holds ${key} with a literal value inside structured text`;
            }
        }
    }
    return undefined;
}

/** Last words that name a secret: `DB_PASS`, `SIGNING_KEY`, `apiToken`, `BASIC_AUTH` (a `user:password` pair). */
const SECRET_SUFFIXES = [
    "key",
    "pass",
    "password",
    "passwd",
    "passphrase",
    "token",
    "secret",
    "credentials",
    "pat",
    "auth",
];
/** Last words that also name settings, whose value is then a plain identifier: SORT_KEY=createdAt, DEFAULT_AUTH=iam. */
const SETTING_SUFFIXES = ["key", "auth"];
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

/**
 * Endings that name a secret inside one glued word (`PGPASSWORD`, `MYSQL_PWD`, `SECRETKEY`, `CSRFTOKEN`), and words
 * that do wherever they stand in it (`DBPASSWORDFILE`).
 */
const GLUED_SECRET_ENDINGS = [
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "credential",
    "credentials",
];
const GLUED_SECRET_WORDS = ["password", "passwd", "passphrase", "secretkey", "privatekey", "apikey"];

/** Splits `DB_PASSWORD`, `dbPassword` and `db-password` into lower-case words. */
function words(name: string): string[] {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
        .split(/[^A-Za-z0-9]+/)
        .filter((word) => word !== "")
        .map((word) => word.toLowerCase());
}

/**
 * One segment of a path or secret name that reads as words: `prod`, `db-password`, `my_app`, `v2`, `PaymentService`.
 * Random strings (`K7MDENG`, `Tr0ub4dor`, `3x`) are not.
 */
const WORD = "(?:[a-z]+[0-9]*|[A-Z]+[0-9]*|[A-Z][a-z]+[0-9]*)";
const WORD_SEGMENT = new RegExp(`^(?:[a-z]+(?:[A-Z][a-z]+)*[0-9]*|${WORD})(?:[-_.](?:${WORD}|[0-9]+))*$`);

function isWordPath(value: string): boolean {
    const segments = value.replace(/^\//, "").split("/");
    return segments.length > 0 && segments.every((segment) => WORD_SEGMENT.test(segment));
}

/** Values that are plainly settings or references, under any name. */
const SETTING_FORMATS: RegExp[] = [
    /^-?\d+(\.\d+)?$/, // a number: PASSWORD_LENGTH=20
    /^(true|false|yes|no|on|off|enabled|disabled|none|null)$/i, // a switch
    /^\d+(\.\d+)?\s*(ms|s|sec|seconds?|m|min|minutes?|h|hours?|d|days?)$/i, // a duration: TOKEN_TTL=15m
    /^P(\d+[YMWD])*(T(\d+[HMS])+)?$/, // an ISO 8601 duration: PT1H
    /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:\S+$/, // where a secret lives: an ARN
    /^[a-z][a-z0-9+.-]*:\/\/[^\s@]+$/i, // or a URL without user info (one with credentials is caught above)
];

/** A value that reads as an identifier: camelCase or separated lower-case words, or one short word (userId, user_id). */
const IDENTIFIER = /^([a-z]+([A-Z][a-z]*)+|[a-z]+([_.-][a-z]+)+|[a-z]{1,12})$/;

/** A reference to where a secret lives, by its kind: `alias/orders`, `secret:prod/db`, `ssm:/prod/db`. */
const KIND_PREFIX = /^(alias|secret|ssm|parameter)[:/]/i;

function isSettingOrReference(value: string): boolean {
    const trimmed = value.trim();
    if (trimmed === "" || PLACEHOLDER.test(trimmed) || SETTING_FORMATS.some((format) => format.test(trimmed))) {
        return true;
    }
    if (KIND_PREFIX.test(trimmed)) {
        return isWordPath(trimmed.replace(KIND_PREFIX, ""));
    }
    // A path or a secret's name, when every segment of it is made of words.
    return trimmed.includes("/") && /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(trimmed) && isWordPath(trimmed);
}

/** Why a variable (or option, or flag) with a literal value looks like a plaintext secret, or undefined. */
export function plaintextSecretReason(name: string, value: string): string | undefined {
    return credentialVariableReason(name) ?? secretValueReason(value) ?? nameReason(name, value);
}

function credentialVariableReason(name: string): string | undefined {
    return CREDENTIAL_VARIABLES.includes(name.toUpperCase())
        ? "holds AWS or ECS agent credentials; the task role provides credentials, never the environment"
        : undefined;
}

/** Why a name and its literal value, read together, look like a secret (the value's own format aside), or undefined. */
function nameReason(name: string, value: string): string | undefined {
    const parts = words(name);
    const last = parts[parts.length - 1] ?? "";
    const joined = parts.slice(1).map((word, index) => parts[index] + word);
    const webhook = joined[joined.length - 1] === "webhookurl" || last === "webhook";
    if (webhook) {
        // A webhook URL is itself the credential: whoever has it can post.
        return /^https?:\/\//i.test(value) ? "is a webhook URL, which anyone holding it can post to" : undefined;
    }
    const secretSounding =
        SECRET_SUFFIXES.includes(last) ||
        [...parts, ...joined].some((word) => SECRET_WORDS.includes(word)) ||
        parts.some(
            (word) =>
                GLUED_SECRET_ENDINGS.some((ending) => word.endsWith(ending)) ||
                GLUED_SECRET_WORDS.some((inner) => word.includes(inner)),
        );
    if (!secretSounding || isSettingOrReference(value)) {
        return undefined;
    }
    // `_KEY` also names keys of data (PARTITION_KEY=userId, SORT_KEY=createdAt) and `_AUTH` a mode (DEFAULT_AUTH=iam):
    // an identifier there is a setting.
    if (
        SETTING_SUFFIXES.includes(last) &&
        !parts.slice(0, -1).some((word) => SECRET_WORDS.includes(word)) &&
        IDENTIFIER.test(value)
    ) {
        return undefined;
    }
    return "has a secret-sounding name and a literal value that is neither a setting nor a reference to a secret";
}

const unquote = (text: string) => text.replace(/^(['"])(.*)\1$/s, "$2");

/**
 * Why a command or entry point passes a secret, or undefined: a secret-sounding flag with a literal value
 * (`--password=x`, `--api-key x`), an assignment in a shell line (`DB_PASSWORD=x ./run`), or an argument that holds a
 * credential (its format, or a secret-sounding key inside structured text: a header, a JSON configuration).
 */
export function secretInArguments(args: string[]): string | undefined {
    const tokens = args.flatMap((arg) => [arg, ...arg.split(/\s+/).map(unquote)]).filter((token) => token !== "");
    for (let index = 0; index < tokens.length; index++) {
        const token = tokens[index];
        const flag = /^--?([A-Za-z][\w.-]*)(?:=(.*))?$/s.exec(token);
        const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/s.exec(token);
        const [name, value] = flag
            ? [flag[1], flag[2] ?? tokens[index + 1]]
            : assignment
              ? [assignment[1], assignment[2]]
              : [undefined, undefined];
        if (name !== undefined && value !== undefined && !value.startsWith("-")) {
            // The name decides here; what the value holds on its own is judged when the loop reaches it.
            const literal = unquote(value);
            const reason =
                credentialVariableReason(name) ?? credentialFormatReason(literal) ?? nameReason(name, literal);
            if (reason) {
                return `passes ${name} on the command line: it ${reason}`;
            }
        }
        const byValue = secretValueReason(token);
        if (byValue) {
            return `${byValue} (argument ${JSON.stringify(token.slice(0, 24))}${token.length > 24 ? "…" : ""})`;
        }
    }
    return undefined;
}
