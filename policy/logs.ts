// Policies on CloudWatch Logs: every log group expires its events.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { numberOf, ResourceType, securityHubControl } from "./aws";
import { integerSetting, readConfig } from "./config";

/** CloudWatch Logs' `retentionInDays` for "never expire". */
const NEVER_EXPIRE = 0;

const retentionDefaults = { minimumRetentionDays: 1 };

export const cloudwatchLogRetentionSet: ResourceValidationPolicy = {
    name: "cloudwatch-log-retention-set",
    description:
        "Every CloudWatch log group sets a retention of at least `minimumRetentionDays` (default 1, so any retention " +
        "passes) and does not keep events forever. A busy worker logs per message, and a log group without retention " +
        "keeps, and bills, every line forever. CloudWatch.16 passes never-expiring groups and by default wants 365 " +
        "days; set `minimumRetentionDays: 365` to hold log groups to that minimum as well.",
    enforcementLevel: "advisory",
    severity: "low",
    ...securityHubControl("CloudWatch.16", "CloudWatch log groups should be retained for a specified time period"),
    remediationSteps:
        "Set `retentionInDays` on the log group (the component's `container.logRetentionDays`) to one of the values " +
        "CloudWatch accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, " +
        "2922, 3288, 3653) at or above `minimumRetentionDays`.",
    configSchema: {
        properties: {
            minimumRetentionDays: integerSetting(
                "The shortest retention a log group may have, in days.",
                retentionDefaults.minimumRetentionDays,
                1,
            ),
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.LogGroup) {
            return;
        }
        const { minimumRetentionDays } = readConfig(args, retentionDefaults);
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

export const logPolicies = [cloudwatchLogRetentionSet];
