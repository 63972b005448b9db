// Whether a statement's Condition restricts who can use it: to an account, an organization, a source resource (an
// ARN whose account is fixed) or a network path. A condition key being present is not enough; the condition must be
// false for every caller outside that scope. The rules, from IAM's condition evaluation:
//
// - Clauses are ANDed (operators, and keys within an operator), so one restricting clause restricts the statement.
// - A positive operator (StringEquals, StringLike, ArnEquals, ArnLike, and their IgnoreCase forms) is false when the
//   key is absent, so it restricts when every value it accepts names one scope. Negated operators (`...Not...`) are
//   true for every other caller and when the key is absent: they never restrict in an Allow.
// - `...IfExists` is true when the key is absent, and `ForAllValues:` is true when the key is absent or empty: either
//   restricts only together with `Null: { key: "false" }`, which requires the key. `ForAnyValue:` is false when the
//   key is absent and behaves like the plain operator otherwise.
// - StringLike, ArnLike and ArnEquals read `*` and `?` as wildcards: `"????????????"`, `"*"` or `"arn:aws:*"` accept
//   every account. StringEquals reads them literally, so its values each name one caller, unless a value is a policy
//   variable other than the resource's own account or organization (`${aws:SourceAccount}` echoes the request).
// - Numeric, Date, Bool, IpAddress, Binary and Null operators bind no identity; `aws:SourceIp` is not a scope.
import { isRecord, listOf } from "./aws";
import { hasWildcard } from "./iamStatements";
import { need } from "./preview";

/** The kind of value a scoping key holds, which decides what a specific value looks like. */
enum KeyKind {
    Account = "account",
    Arn = "arn",
    OrganizationId = "organization id",
    OrganizationPath = "organization path",
    Vpc = "vpc",
}

/** Condition keys that tie a request to a caller, by what they hold (keys are case-insensitive). */
const SCOPING_KEYS: Record<string, KeyKind> = {
    "aws:sourceaccount": KeyKind.Account,
    "aws:sourceowner": KeyKind.Account,
    "aws:sourcearn": KeyKind.Arn,
    "aws:sourceorgid": KeyKind.OrganizationId,
    "aws:sourceorgpaths": KeyKind.OrganizationPath,
    "aws:principalaccount": KeyKind.Account,
    "kms:calleraccount": KeyKind.Account,
    "aws:principalarn": KeyKind.Arn,
    "aws:principalorgid": KeyKind.OrganizationId,
    "aws:principalorgpaths": KeyKind.OrganizationPath,
    "aws:sourcevpc": KeyKind.Vpc,
    "aws:sourcevpce": KeyKind.Vpc,
};

/** The condition keys a restriction may use, and how to say so in a message. */
export interface Scope {
    keys: readonly string[];
    label: string;
}

const SOURCE_KEY_NAMES = [
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

/** Keys that scope a service principal acting on someone's behalf (the confused-deputy guard). */
export const SOURCE_SCOPE: Scope = {
    keys: SOURCE_KEY_NAMES,
    label: "the source's account, ARN or organization (aws:SourceAccount, aws:SourceArn, aws:SourceOrgID)",
};

/** Keys that scope any caller: the source keys, the principal's own account, ARN and organization, and the network. */
export const CALLER_SCOPE: Scope = {
    keys: [
        ...SOURCE_KEY_NAMES,
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:SourceVpc",
        "aws:SourceVpce",
    ],
    label: "the caller's account, ARN, organization, source or network (aws:PrincipalOrgID, aws:SourceAccount, ...)",
};

/** Policy variables that stand for the resource owner's account or organization, which scope to it. */
const OWNER_VARIABLES = ["${aws:resourceaccount}", "${aws:resourceorgid}"];

/** How an operator reads its values: literally, with wildcards within each ARN component, or as a string pattern. */
enum Matching {
    Literal = "literal",
    ArnComponents = "arn components",
    StringPattern = "string pattern",
}

/** Positive matching operators and how each reads its values: false when the key is absent, true only for them. */
const POSITIVE_OPERATORS = new Map<string, Matching>([
    ["stringequals", Matching.Literal],
    ["stringequalsignorecase", Matching.Literal],
    ["stringlike", Matching.StringPattern],
    ["arnequals", Matching.ArnComponents],
    ["arnlike", Matching.ArnComponents],
]);

interface Clause {
    operator: string;
    base: string;
    set: "ForAllValues" | "ForAnyValue" | undefined;
    ifExists: boolean;
    key: string;
    values: unknown[];
}

function parseOperator(operator: string): Pick<Clause, "base" | "set" | "ifExists"> {
    let rest = operator;
    let set: Clause["set"];
    const qualifier = /^(ForAllValues|ForAnyValue):/i.exec(rest);
    if (qualifier) {
        set = qualifier[1].toLowerCase() === "forallvalues" ? "ForAllValues" : "ForAnyValue";
        rest = rest.slice(qualifier[0].length);
    }
    const ifExists = /IfExists$/i.test(rest);
    if (ifExists) {
        rest = rest.slice(0, -"IfExists".length);
    }
    return { base: rest.toLowerCase(), set, ifExists };
}

/** The clauses of a Condition block; a value that is unknown in preview throws the engine's error. */
function clausesOf(condition: unknown): Clause[] {
    if (!isRecord(condition)) {
        return [];
    }
    return Object.keys(condition).flatMap((operator) => {
        const block = need(condition[operator]);
        if (!isRecord(block)) {
            return [];
        }
        return Object.keys(block).map((key) => ({
            operator,
            ...parseOperator(operator),
            key: key.toLowerCase(),
            values: listOf(need(block[key])),
        }));
    });
}

/** Literal text of a condition value: numbers and booleans are compared as strings; `${*}`-style escapes unescaped. */
function valueText(value: unknown): string | undefined {
    if (typeof value === "string") {
        return value;
    }
    return typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
}

/** What stands for the owner's account or organization inside a value: literal text of the same shape. */
const OWNER_STAND_INS: [RegExp, string][] = [
    [/\$\{aws:resourceaccount\}/gi, "000000000000"],
    [/\$\{aws:resourceorgid\}/gi, "o-owner"],
];

/** Why a value accepted by a positive operator does not name one scope, or undefined when it does. */
function unspecific(kind: KeyKind, value: unknown, matching: Matching): string | undefined {
    const text = valueText(value);
    if (text === undefined) {
        return `${JSON.stringify(value)} is not a string`;
    }
    const lower = text.toLowerCase();
    if (OWNER_VARIABLES.includes(lower)) {
        return undefined;
    }
    // Escapes for a literal `*`, `?` and `$` are literal characters, not wildcards or variables; the owner's own
    // account and organization are literal too, wherever they stand in the value.
    const unescaped = OWNER_STAND_INS.reduce(
        (current, [variable, standIn]) => current.replace(variable, standIn),
        text.replace(/\$\{[*?$]\}/g, "x"),
    );
    if (/\$\{[^}]*\}/.test(unescaped)) {
        return `"${text}" is a policy variable, which takes its value from the request`;
    }
    if (matching === Matching.Literal) {
        // Without wildcards the value matches only itself.
        return undefined;
    }
    switch (kind) {
        case KeyKind.Arn: {
            const parts = unescaped.split(":");
            if (parts.length < 6 || parts[0] !== "arn") {
                return hasWildcard(unescaped) ? `"${text}" matches ARNs of every account` : undefined;
            }
            // StringLike reads the ARN as one string: a * before the account runs over colons, so another account's
            // ARN whose resource part holds this account's number matches (a Lambda function named 123456789012).
            if (matching === Matching.StringPattern && parts.slice(0, 4).join(":").includes("*")) {
                return `"${text}" is a string pattern whose * before the account spans colons, so the account is not fixed (use ArnLike)`;
            }
            const account = parts[4];
            if (account === "") {
                // Resources without an account in their ARN (S3 buckets) are named by their resource part.
                return hasWildcard(parts.slice(5).join(":"))
                    ? `"${text}" matches resources of every account`
                    : undefined;
            }
            return hasWildcard(account) ? `"${text}" has a wildcard in its account` : undefined;
        }
        case KeyKind.OrganizationPath: {
            const organization = unescaped.split("/")[0];
            return hasWildcard(organization) || !organization.toLowerCase().startsWith("o-")
                ? `"${text}" does not name its organization`
                : undefined;
        }
        default:
            return hasWildcard(unescaped)
                ? `"${text}" is a wildcard pattern, which matches more than one ${kind}`
                : undefined;
    }
}

/** Whether a Null clause requires `key` to be present (`Null: { key: "false" }`). */
function requiresKey(clauses: Clause[], key: string): boolean {
    return clauses.some(
        (clause) =>
            clause.base === "null" &&
            clause.set === undefined &&
            !clause.ifExists &&
            clause.key === key &&
            clause.values.length > 0 &&
            clause.values.every((value) => valueText(value)?.toLowerCase() === "false"),
    );
}

/** A condition's verdict: whether it restricts the caller, and in words how (or why not). */
export interface ConditionVerdict {
    restricts: boolean;
    reason: string;
}

/**
 * Whether `condition` restricts the caller through one of the scope's keys (compared case-insensitively). A value
 * unknown in preview throws the engine's error, leaving the decision open.
 */
export function callerRestriction(condition: unknown, scope: Scope): ConditionVerdict {
    const accepted = new Set(scope.keys.map((key) => key.toLowerCase()));
    const clauses = clausesOf(condition);
    const why: string[] = [];
    for (const clause of clauses) {
        const kind = SCOPING_KEYS[clause.key];
        if (!accepted.has(clause.key) || kind === undefined) {
            continue;
        }
        const where = `${clause.operator} ${clause.key}`;
        const matching = POSITIVE_OPERATORS.get(clause.base);
        if (matching === undefined) {
            why.push(
                `${where} is ${/not/.test(clause.base) ? "negated: true for every other caller and when the key is absent" : "not a matching operator"}`,
            );
            continue;
        }
        if ((clause.set === "ForAllValues" || clause.ifExists) && !requiresKey(clauses, clause.key)) {
            why.push(
                `${where} is true when the key is absent${clause.set === "ForAllValues" ? " or empty" : ""}, and no Null condition requires it`,
            );
            continue;
        }
        if (clause.values.length === 0) {
            why.push(`${where} lists no value`);
            continue;
        }
        const problems = clause.values
            .map((value) => unspecific(kind, value, matching))
            .filter((problem): problem is string => problem !== undefined);
        if (problems.length > 0) {
            why.push(`${where}: ${problems.join("; ")}`);
            continue;
        }
        return {
            restricts: true,
            reason: `${where} accepts only ${clause.values.map((value) => valueText(value)).join(", ")}`,
        };
    }
    if (why.length === 0) {
        return { restricts: false, reason: `no condition on ${scope.label}` };
    }
    return { restricts: false, reason: why.join("; ") };
}

/**
 * Whether a Deny with `condition` refuses every caller outside one scope, so that an Allow next to it reaches only
 * that scope (a policy that allows everyone and denies `StringNotEquals aws:PrincipalOrgID o-...`). Each clause must
 * be a negated match (`StringNotEquals`, `ArnNotLike`, ...; `IfExists` or not, which are true when the key is absent)
 * on a key of the scope whose values each name one scope: the Deny then applies to every caller not named. A clause
 * on anything else narrows the Deny (clauses are ANDed) and lets callers past it.
 */
export function denyRestriction(condition: unknown, scope: Scope): ConditionVerdict {
    const clauses = clausesOf(condition);
    if (clauses.length === 0) {
        return { restricts: false, reason: "the Deny has no condition naming who it spares" };
    }
    for (const clause of clauses) {
        const negated = /^(string|arn)not(equals|equalsignorecase|like)$/.exec(clause.base);
        if (!negated || clause.set !== undefined) {
            return { restricts: false, reason: `the Deny's ${clause.operator} ${clause.key} lets callers past it` };
        }
        const positive = { [`${negated[1]}${negated[2]}`]: { [clause.key]: clause.values } };
        const verdict = callerRestriction(positive, scope);
        if (!verdict.restricts) {
            return { restricts: false, reason: `the Deny's ${clause.operator} ${clause.key}: ${verdict.reason}` };
        }
    }
    return { restricts: true, reason: "a Deny refuses every caller outside the scope its condition names" };
}
