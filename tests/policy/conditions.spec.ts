// The verdicts of the condition evaluator, as a table: whether a condition restricts the caller of a statement to an
// account, an organization, a source or a network path. docs/policy.md carries the same table; each row here is a
// case a reviewer or an attacker wrote.
import * as assert from "node:assert/strict";
import { CALLER_SCOPE, callerRestriction, denyRestriction, Scope, SOURCE_SCOPE } from "../../policy/conditions";

const ACCOUNT = "123456789012";
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:orders`;

/** [what, Condition, which keys may restrict, restricts?] */
const VERDICTS: [string, unknown, Scope, boolean][] = [
    // Restricting.
    [
        "StringEquals aws:SourceAccount <account>",
        { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        SOURCE_SCOPE,
        true,
    ],
    [
        "StringEquals with the account as a number",
        { StringEquals: { "aws:SourceAccount": 123456789012 } },
        SOURCE_SCOPE,
        true,
    ],
    ["ArnEquals aws:SourceArn <topic>", { ArnEquals: { "aws:SourceArn": TOPIC } }, SOURCE_SCOPE, true],
    [
        "ArnLike aws:SourceArn with a literal account",
        { ArnLike: { "aws:SourceArn": `arn:aws:ecs:*:${ACCOUNT}:*` } },
        SOURCE_SCOPE,
        true,
    ],
    [
        "ArnLike aws:SourceArn of an S3 bucket (no account in the ARN)",
        { ArnLike: { "aws:SourceArn": "arn:aws:s3:::reports" } },
        SOURCE_SCOPE,
        true,
    ],
    [
        "StringEquals aws:PrincipalOrgID <org>",
        { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
        CALLER_SCOPE,
        true,
    ],
    [
        "ForAnyValue:StringLike aws:PrincipalOrgPaths o-.../*",
        { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/*" } },
        CALLER_SCOPE,
        true,
    ],
    [
        "ForAllValues with Null false on the same key",
        {
            "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
            Null: { "aws:PrincipalOrgID": "false" },
        },
        CALLER_SCOPE,
        true,
    ],
    [
        "...IfExists with Null false on the same key",
        { StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT }, Null: { "aws:SourceAccount": "false" } },
        SOURCE_SCOPE,
        true,
    ],
    [
        "StringEquals aws:PrincipalAccount ${aws:ResourceAccount}",
        { StringEquals: { "aws:PrincipalAccount": "${aws:ResourceAccount}" } },
        CALLER_SCOPE,
        true,
    ],
    [
        "StringEquals aws:SourceVpce <endpoint>",
        { StringEquals: { "aws:SourceVpce": "vpce-0a1b2c3d4e5f60718" } },
        CALLER_SCOPE,
        true,
    ],
    [
        "a key in another case (keys are case-insensitive)",
        { StringEquals: { "AWS:SOURCEACCOUNT": ACCOUNT } },
        SOURCE_SCOPE,
        true,
    ],
    [
        "StringEquals reads * literally: it names no real account",
        { StringEquals: { "aws:SourceAccount": "*" } },
        SOURCE_SCOPE,
        true,
    ],
    [
        "one restricting clause among others (clauses are ANDed)",
        { Bool: { "aws:SecureTransport": "true" }, StringEquals: { "aws:SourceAccount": ACCOUNT } },
        SOURCE_SCOPE,
        true,
    ],
    [
        "StringLike aws:SourceArn with the service and region literal before the account",
        { StringLike: { "aws:SourceArn": `arn:aws:sns:us-east-1:${ACCOUNT}:*` } },
        SOURCE_SCOPE,
        true,
    ],
    [
        "the owner's account variable inside an ARN",
        { ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:${aws:ResourceAccount}:orders" } },
        SOURCE_SCOPE,
        true,
    ],
    // Not restricting.
    ["no Condition", undefined, SOURCE_SCOPE, false],
    [
        "StringLike aws:SourceArn with a * before a literal account (StringLike's * spans colons)",
        { StringLike: { "aws:SourceArn": `arn:aws:*:*:${ACCOUNT}:*` } },
        SOURCE_SCOPE,
        false,
    ],
    [
        "StringLike aws:SourceArn with only the region a wildcard (a Lambda named like the account matches)",
        { StringLike: { "aws:SourceArn": `arn:aws:lambda:*:${ACCOUNT}:*` } },
        SOURCE_SCOPE,
        false,
    ],
    [
        "StringLike aws:SourceAccount ????????????",
        { StringLike: { "aws:SourceAccount": "????????????" } },
        SOURCE_SCOPE,
        false,
    ],
    ["StringLike aws:SourceAccount *", { StringLike: { "aws:SourceAccount": "*" } }, SOURCE_SCOPE, false],
    [
        "StringLike aws:SourceAccount 12345678901? (ten accounts)",
        { StringLike: { "aws:SourceAccount": "12345678901?" } },
        SOURCE_SCOPE,
        false,
    ],
    ["ArnLike aws:PrincipalArn arn:aws:*", { ArnLike: { "aws:PrincipalArn": "arn:aws:*" } }, CALLER_SCOPE, false],
    [
        "ArnEquals aws:SourceArn with a wildcard account (ArnEquals takes wildcards)",
        { ArnEquals: { "aws:SourceArn": "arn:aws:sns:us-east-1:*:orders" } },
        SOURCE_SCOPE,
        false,
    ],
    ["ArnLike aws:SourceArn of every bucket", { ArnLike: { "aws:SourceArn": "arn:aws:s3:::*" } }, SOURCE_SCOPE, false],
    [
        "ForAllValues:StringEquals on a key that may be absent",
        { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
        CALLER_SCOPE,
        false,
    ],
    [
        "StringEqualsIfExists (true when the key is absent)",
        { StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT } },
        SOURCE_SCOPE,
        false,
    ],
    [
        "StringNotEquals (true for every other account, and when absent)",
        { StringNotEquals: { "aws:SourceAccount": "999999999999" } },
        SOURCE_SCOPE,
        false,
    ],
    ["ArnNotLike", { ArnNotLike: { "aws:SourceArn": "arn:aws:sns:*:999999999999:*" } }, SOURCE_SCOPE, false],
    [
        "ForAnyValue:StringNotEquals",
        { "ForAnyValue:StringNotEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
        CALLER_SCOPE,
        false,
    ],
    ["Null false alone (present, any value)", { Null: { "aws:SourceAccount": "false" } }, SOURCE_SCOPE, false],
    [
        "a policy variable that echoes the request",
        { StringEquals: { "aws:SourceAccount": "${aws:SourceAccount}" } },
        SOURCE_SCOPE,
        false,
    ],
    [
        "StringLike with an escaped * next to a wildcard",
        { StringLike: { "aws:SourceAccount": "${*}*" } },
        SOURCE_SCOPE,
        false,
    ],
    [
        "StringLike aws:PrincipalOrgPaths without its organization",
        { StringLike: { "aws:PrincipalOrgPaths": "*/r-ab12/*" } },
        CALLER_SCOPE,
        false,
    ],
    ["StringLike aws:PrincipalOrgID o-*", { StringLike: { "aws:PrincipalOrgID": "o-*" } }, CALLER_SCOPE, false],
    [
        "a key that names no caller (aws:SecureTransport)",
        { Bool: { "aws:SecureTransport": "true" } },
        CALLER_SCOPE,
        false,
    ],
    [
        "aws:SourceIp (a network address, not a caller)",
        { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
        CALLER_SCOPE,
        false,
    ],
    [
        "a scoping key the principal does not carry: aws:PrincipalOrgID for a service",
        { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
        SOURCE_SCOPE,
        false,
    ],
    ["an empty list of values", { StringEquals: { "aws:SourceAccount": [] } }, SOURCE_SCOPE, false],
    [
        "a numeric operator on an account key",
        { NumericEquals: { "aws:SourceAccount": 123456789012 } },
        SOURCE_SCOPE,
        false,
    ],
    ["a Condition that is not an object", "StringEquals", SOURCE_SCOPE, false],
];

/** [what, a Deny's Condition, does the Deny refuse every caller outside one scope?] */
const DENY_FENCES: [string, unknown, boolean][] = [
    ["StringNotEquals aws:PrincipalOrgID <org>", { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }, true],
    [
        "StringNotEqualsIfExists (the Deny applies when the key is absent too)",
        { StringNotEqualsIfExists: { "aws:PrincipalAccount": ACCOUNT } },
        true,
    ],
    [
        "two negated scoping clauses (a caller outside both is refused)",
        {
            StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
            ArnNotLike: { "aws:SourceArn": `arn:aws:sns:*:${ACCOUNT}:*` },
        },
        true,
    ],
    [
        "a second clause on a key that names no caller narrows the Deny",
        {
            StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:UserAgent": "partner-client" },
        },
        false,
    ],
    ["a wildcard organization", { StringNotLike: { "aws:PrincipalOrgID": "o-*" } }, false],
    ["ForAnyValue:StringNotEquals", { "ForAnyValue:StringNotEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }, false],
    [
        "a positive operator (it refuses the organization instead)",
        { StringEquals: { "aws:PrincipalOrgID": "o-a1" } },
        false,
    ],
    ["no condition", undefined, false],
];

describe("condition evaluator: does a Condition restrict the caller?", () => {
    for (const [what, condition, fences] of DENY_FENCES) {
        it(`${fences ? "fences" : "does not fence"} an Allow with a Deny under ${what}`, () => {
            const verdict = denyRestriction(condition, CALLER_SCOPE);
            assert.equal(verdict.restricts, fences, verdict.reason);
        });
    }

    for (const [what, condition, scope, restricts] of VERDICTS) {
        it(`${restricts ? "restricts" : "does not restrict"}: ${what}`, () => {
            const verdict = callerRestriction(condition, scope);
            assert.equal(verdict.restricts, restricts, verdict.reason);
        });
    }

    it("says why a condition restricts nothing, naming the clause", () => {
        assert.equal(
            callerRestriction({ "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }, CALLER_SCOPE)
                .reason,
            "ForAllValues:StringEquals aws:principalorgid is true when the key is absent or empty, and no Null condition requires it",
        );
        assert.equal(
            callerRestriction({ StringLike: { "aws:SourceAccount": "????????????" } }, SOURCE_SCOPE).reason,
            'StringLike aws:sourceaccount: "????????????" is a wildcard pattern, which matches more than one account',
        );
    });
});
