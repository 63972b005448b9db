// Policies on KMS keys: a key that encrypts a worker's queue or logs rotates its key material every year.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { isTrue, mirrors, ResourceType, stringOf } from "./aws";

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

export const kmsPolicies = [kmsKeyRotationEnabled];
