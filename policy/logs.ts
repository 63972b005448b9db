// Policies on CloudWatch Logs: every log group expires its events, and is encrypted with a key of the account's own.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { mirrors, numberOf, ResourceType, securityHubControl } from "./aws";
import { integerSetting, settings } from "./config";
import { isSet } from "./preview";
import { LOG_RETENTION_DAYS } from "../contract";

/** CloudWatch Logs' `retentionInDays` for "never expire". */
const NEVER_EXPIRE = 0;

export const retentionSettings = settings<{ minimumRetentionDays: number }>("cloudwatch-log-retention-set", {
    minimumRetentionDays: integerSetting("The shortest retention a log group may have, in days.", 1, 1),
});

export const cloudwatchLogRetentionSet: ResourceValidationPolicy = {
    name: "cloudwatch-log-retention-set",
    description:
        "Every CloudWatch log group sets a retention of at least `minimumRetentionDays` (default 1, so any retention " +
        "passes) and does not keep events forever. A busy worker logs per message, and a log group without retention " +
        "keeps, and bills, every line forever. CloudWatch.16 passes never-expiring groups and by default wants 365 " +
        "days; set `minimumRetentionDays: 365` to hold log groups to that minimum as well.",
    enforcementLevel: "advisory",
    severity: "low",
    ...securityHubControl(
        "CloudWatch.16",
        "CloudWatch log groups should be retained for a specified time period",
        "CKV_AWS_66",
        "CKV_AWS_338",
    ),
    remediationSteps:
        "Set `retentionInDays` on the log group (the component's `container.logRetentionDays`) to one of the values " +
        `CloudWatch accepts (${LOG_RETENTION_DAYS.join(", ")}) at or above \`minimumRetentionDays\`.`,
    configSchema: retentionSettings.configSchema,
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.LogGroup) {
            return;
        }
        const { minimumRetentionDays } = retentionSettings.read(args);
        const days = numberOf(args.props.retentionInDays);
        if (days === undefined || days === NEVER_EXPIRE) {
            reportViolation(
                `The log group keeps its events forever (retentionInDays is ${days === undefined ? "not set" : "0, never expire"}).`,
            );
        } else if (days < minimumRetentionDays) {
            reportViolation(`The log group keeps events ${days} days, less than the required ${minimumRetentionDays}.`);
        }
    },
};

export const cloudwatchLogGroupEncrypted: ResourceValidationPolicy = {
    name: "cloudwatch-log-group-encrypted",
    description:
        "Every CloudWatch log group is encrypted with a KMS key of the account's own (`kmsKeyId`). CloudWatch Logs " +
        "always encrypts at rest with a key AWS owns; a customer-managed key adds a key policy and CloudTrail records " +
        "of who decrypted the logs, and lets the account revoke access by disabling the key.",
    enforcementLevel: "advisory",
    severity: "low",
    ...mirrors({ checkov: "CKV_AWS_158", title: "Ensure that CloudWatch Log Group is encrypted by KMS" }),
    remediationSteps:
        "Set `kmsKeyId` on the log group to the ARN of a KMS key whose key policy lets the service principal " +
        "`logs.<region>.amazonaws.com` use it (kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, " +
        "kms:Describe*), conditioned on `kms:EncryptionContext:aws:logs:arn`.",
    validateResource: (args, reportViolation) => {
        // A key that is set but not known yet (created in the same update) still encrypts the group.
        if (args.type === ResourceType.LogGroup && !isSet(args.props, "kmsKeyId")) {
            reportViolation("The log group names no KMS key (kmsKeyId), so only a key AWS owns encrypts it.");
        }
    },
};

export const logPolicies = [cloudwatchLogRetentionSet, cloudwatchLogGroupEncrypted];
