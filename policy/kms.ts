// Policies on KMS keys: a key that encrypts a worker's queue or logs rotates its key material every year, and its key
// policy lets no one outside a known scope use or manage it.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { isTrue, mirrors, readDocument, readStatements, ResourceType, stringOf } from "./aws";
import { CALLER_SCOPE, callerRestriction, Scope } from "./conditions";
import { isEveryone, readStatement } from "./iamStatements";

/** The key spec and usage of the only keys KMS rotates automatically: symmetric encryption keys. */
const ROTATABLE_SPEC = "SYMMETRIC_DEFAULT";
const ROTATABLE_USAGE = "ENCRYPT_DECRYPT";

export const kmsKeyRotationEnabled: ResourceValidationPolicy = {
    name: "kms-key-rotation-enabled",
    description:
        "Every symmetric encryption KMS key the stack creates turns on automatic rotation (`enableKeyRotation`). A key " +
        "that never rotates keeps encrypting with the same material for as long as it exists, so one leak of it " +
        "exposes every message and log it ever protected. Asymmetric and HMAC keys, which KMS cannot rotate, are not " +
        "judged.",
    enforcementLevel: "mandatory",
    severity: "medium",
    ...mirrors(
        { securityHub: "KMS.4", title: "AWS KMS key rotation should be enabled" },
        "CKV_AWS_7",
        "cdk-nag AwsSolutions-KMS5",
    ),
    remediationSteps: "Set `enableKeyRotation: true` on the key (and `rotationPeriodInDays` if a year is too long).",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.KmsKey) {
            return;
        }
        const spec = stringOf(args.props.customerMasterKeySpec) ?? stringOf(args.props.keySpec) ?? ROTATABLE_SPEC;
        const usage = stringOf(args.props.keyUsage) ?? ROTATABLE_USAGE;
        if (spec !== ROTATABLE_SPEC || usage !== ROTATABLE_USAGE) {
            args.notApplicable(`KMS does not rotate ${spec} keys for ${usage}`);
        }
        if (!isTrue(args.props.enableKeyRotation)) {
            reportViolation("The key does not rotate its key material (enableKeyRotation is not true).");
        }
    },
};

/** Keys that scope a caller of KMS: any caller scope, and `kms:CallerAccount`, which AWS managed keys' policies use. */
const KMS_CALLER_SCOPE: Scope = {
    keys: [...CALLER_SCOPE.keys, "kms:CallerAccount"],
    label: "the caller's account, organization, source or network (aws:PrincipalOrgID, kms:CallerAccount, ...)",
};

export const kmsKeyPolicyNotPublic: ResourceValidationPolicy = {
    name: "kms-key-policy-not-public",
    description:
        'No KMS key policy (a key\'s `policy`, or a `KeyPolicy`) allows everyone (`Principal "*"`, a wildcard ' +
        "principal, or everyone but a `NotPrincipal`) without a condition that restricts the caller to an account, " +
        "organization, source or network (aws:PrincipalOrgID, aws:PrincipalAccount, kms:CallerAccount, ...). Whoever " +
        "may use the key decrypts every message and log it protects; whoever may manage it can disable or delete it, " +
        "and with it everything it encrypts.",
    enforcementLevel: "mandatory",
    severity: "critical",
    ...mirrors({ checkov: "CKV_AWS_33", title: "Ensure KMS key policy does not contain wildcard (*) principal" }),
    remediationSteps:
        'Grant the key to the account (`Principal: { AWS: "arn:aws:iam::<account id>:root" }`) and to the roles ' +
        "and services that use it, or scope a statement to everyone with `StringEquals` on `aws:PrincipalOrgID` or " +
        "`kms:CallerAccount`.",
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.KmsKey && args.type !== ResourceType.KmsKeyPolicy) {
            return;
        }
        const document = args.props.policy;
        if (readDocument(document).kind === "absent") {
            return;
        }
        const statements = readStatements(document);
        if (statements === undefined) {
            reportViolation("The key policy is not a JSON policy document the pack can read.");
            return;
        }
        for (const raw of statements) {
            if (typeof raw.Effect !== "string" || raw.Effect.toLowerCase() !== "allow") {
                continue;
            }
            const statement = readStatement(raw);
            const sid = statement.sid ? ` ${statement.sid}` : "";
            const actions = `${statement.actions.not ? "every action but " : ""}${statement.actions.patterns.join(", ")}`;
            if (statement.notPrincipal !== undefined) {
                reportViolation(`The key policy's statement${sid} allows everyone but the NotPrincipal ${actions}.`);
            } else if (isEveryone(statement.principal)) {
                const verdict = callerRestriction(statement.condition, KMS_CALLER_SCOPE);
                if (!verdict.restricts) {
                    reportViolation(
                        `The key policy's statement${sid} allows Principal "*" ${actions}, and its condition ` +
                            `restricts no caller (${verdict.reason}).`,
                    );
                }
            }
        }
    },
};

export const kmsPolicies = [kmsKeyRotationEnabled, kmsKeyPolicyNotPublic];
