// IAM policy statements read by their effect, not their spelling: which actions a statement's patterns grant once the
// wildcards are expanded (`iam:**`, `*:*`, `s?s:*` and NotAction all grant whole services), and whether its resources
// name particular resources or every resource of a kind (`*`, `arn:aws:sqs:*:*:*`, `arn:aws:dynamodb:...:table/*`).
// IAM matches action names case-insensitively, and `*` and `?` in actions and resources match any run of characters
// and any one character, colons and slashes included.
import { isRecord, listOf, Props } from "./aws";

/** Whether `pattern`, with IAM's `*` and `?` wildcards, matches all of `text`. */
export function globMatches(pattern: string, text: string, ignoreCase = false): boolean {
    const source = pattern
        .split("")
        .map((character) =>
            character === "*"
                ? "[\\s\\S]*"
                : character === "?"
                  ? "[\\s\\S]"
                  : character.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
        )
        .join("");
    return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(text);
}

/** Whether a pattern has a wildcard in it. */
export function hasWildcard(pattern: string): boolean {
    return /[*?]/.test(pattern);
}

/** A statement's actions: the patterns of `Action`, or of `NotAction` (every action but those). */
export interface ActionSet {
    not: boolean;
    patterns: string[];
}

/** One statement of a policy document, its elements read as IAM reads them. */
export interface Statement {
    sid: string | undefined;
    /** IAM's Effect is case-sensitive: only "Allow" allows. */
    allows: boolean;
    denies: boolean;
    actions: ActionSet;
    /** The patterns of `Resource`, or of `NotResource`; undefined when the statement has neither (resource policies). */
    resources: { not: boolean; patterns: string[] } | undefined;
    principal: unknown;
    notPrincipal: unknown;
    condition: unknown;
}

const strings = (value: unknown) => listOf(value).map((item) => (typeof item === "string" ? item : String(item)));

export function readStatement(raw: Props): Statement {
    const notAction = raw.NotAction !== undefined;
    const notResource = raw.NotResource !== undefined;
    return {
        sid: typeof raw.Sid === "string" && raw.Sid !== "" ? raw.Sid : undefined,
        allows: raw.Effect === "Allow",
        denies: raw.Effect === "Deny",
        actions: { not: notAction, patterns: strings(notAction ? raw.NotAction : raw.Action) },
        resources:
            raw.Resource === undefined && !notResource
                ? undefined
                : { not: notResource, patterns: strings(notResource ? raw.NotResource : raw.Resource) },
        principal: raw.Principal,
        notPrincipal: raw.NotPrincipal,
        condition: raw.Condition,
    };
}

/** `statement Sid` or `a statement`, for messages. */
export function statementLabel(statement: Statement): string {
    return statement.sid ? `statement ${statement.sid}` : "a statement";
}

/** The service part and the action part of an action pattern (`sqs:Receive*` is `sqs` and `Receive*`). */
function splitAction(pattern: string): { service: string; action: string } {
    const colon = pattern.indexOf(":");
    // `*` alone, or `**`, has no colon: it is every action of every service.
    return colon < 0
        ? { service: pattern, action: pattern }
        : { service: pattern.slice(0, colon), action: pattern.slice(colon + 1) };
}

const onlyWildcards = (text: string) => text !== "" && /^[*?]+$/.test(text) && text.includes("*");

/** Patterns that grant every action of every service: `*`, `*:*`, `**`, `*:**`. */
export function everyActionPatterns(actions: ActionSet): string[] {
    if (actions.not) {
        return [];
    }
    return actions.patterns.filter((pattern) => {
        const { service, action } = splitAction(pattern);
        return onlyWildcards(service) && onlyWildcards(action);
    });
}

/**
 * Patterns that grant whole services, or one kind of action across every service: `iam:*`, `sqs:**`, `s?s:*` (every
 * action of sqs, sns, sts, ses, ...), `*:Get*` (Get* of every service).
 */
export function serviceWidePatterns(actions: ActionSet): string[] {
    if (actions.not) {
        return [];
    }
    return actions.patterns.filter((pattern) => {
        const { service, action } = splitAction(pattern);
        return onlyWildcards(action) || hasWildcard(service);
    });
}

/** Whether an action set grants `action` (`service:Name`): a pattern matches it, or NotAction leaves it out. */
export function grantsAction(actions: ActionSet, action: string): boolean {
    const matched = actions.patterns.some((pattern) => globMatches(pattern, action, true));
    return actions.not ? !matched : matched;
}

/** The actions of `table` an action set grants. */
export function grantedActions(actions: ActionSet, table: readonly string[]): string[] {
    return table.filter((action) => grantsAction(actions, action));
}

/**
 * Services whose ARNs start their resource part with the resource's own name (an S3 bucket, an API's ID, an SNS
 * topic) rather than a word naming a kind of resource (`table/`, `secret:`, `deliverystream/`).
 */
const NAME_FIRST_SERVICES = new Set([
    "s3",
    "s3-object-lambda",
    "execute-api",
    "sns",
    "sqs",
    "codecommit",
    "codepipeline",
]);

/** A word naming a kind of resource at the start of an ARN's resource part: `table/`, `log-group:`, `stateMachine:`. */
const RESOURCE_TYPE_WORD = /^[A-Za-z][A-Za-z-]*[/:]/;

/** Fewer literal characters than this in a resource's own name match too much to count as naming it. */
const MIN_LITERAL_NAME_CHARACTERS = 3;

/**
 * Whether a resource pattern covers every resource of its kind rather than naming some: `*`, an ARN whose service is a
 * wildcard, one whose type word a `*` runs into (`...:role*`, `...:secret*`, `...:table*`: the `*` spans the `/` or
 * `:` after the word and every name), or whose resource's own name (the first segment after its type word, or the
 * whole resource part where the service has no type words) is all wildcards or has fewer than three literal
 * characters (`arn:aws:sqs:*:*:*`, `arn:aws:sqs:us-east-1:123456789012:*`, `arn:aws:s3:::*`, `...:table/*`,
 * `...:table/*\/index/*`, `...:deliverystream/?*`). A pattern with a name in it (`orders-*`,
 * `arn:aws:s3:::reports/*`) names resources, even across accounts.
 */
export function isUnscopedResource(pattern: string): boolean {
    if (!pattern.startsWith("arn:")) {
        // `*`, `**`, or anything else that is not an ARN: IAM treats a non-ARN resource other than * as matching nothing,
        // so only wildcard-only strings grant anything.
        return onlyWildcards(pattern) || pattern === "";
    }
    const parts = pattern.split(":");
    if (parts.length < 6) {
        // `arn:aws:*`: the last wildcard runs over the colons that follow.
        return hasWildcard(parts[parts.length - 1] ?? "");
    }
    const service = parts[2];
    if (hasWildcard(service)) {
        return true;
    }
    // A leading `/` (API Gateway's `::/restapis/...`) comes before the type word.
    let name = parts.slice(5).join(":").replace(/^\/+/, "");
    const nameFirst = NAME_FIRST_SERVICES.has(service.toLowerCase());
    const typeWord = nameFirst ? null : RESOURCE_TYPE_WORD.exec(name);
    if (typeWord) {
        name = name.slice(typeWord[0].length);
    } else if (!nameFirst && name.split(/[/:]/)[0].includes("*")) {
        // No type word ends before the first `*`: it stands for the rest of the word, its separator and any name.
        return true;
    }
    // The resource's own name is its first segment: what follows (an object key, an index, a log stream) is inside it.
    const ownName = name.split(/[/:]/)[0];
    const literal = ownName.replace(/[*?._-]/g, "");
    return hasWildcard(ownName) && literal.length < MIN_LITERAL_NAME_CHARACTERS;
}

/** The statements of a document that is an object (the caller has parsed JSON). */
export function statementsOf(document: unknown): Statement[] | undefined {
    if (!isRecord(document)) {
        return undefined;
    }
    return listOf(document.Statement).filter(isRecord).map(readStatement);
}

/**
 * Principal `*`, or a principal of any kind (`AWS`, `Service`, `Federated`) with a wildcard in it: `{ AWS: "*" }`,
 * `arn:aws:iam::*:root`. A Principal that is neither `*` nor an object is not one IAM accepts; it counts as everyone.
 */
export function isEveryone(principal: unknown): boolean {
    if (principal === "*" || (principal !== undefined && !isRecord(principal))) {
        return true;
    }
    return (
        isRecord(principal) &&
        Object.values(principal).some((value) => listOf(value).some((item) => String(item).includes("*")))
    );
}
