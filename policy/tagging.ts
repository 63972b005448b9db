// An advisory policy on tags: the queues, clusters, services and task definitions of workers carry tags, so cost,
// ownership and access by tag (ABAC) reach them. Security Hub checks the same resources one control each.
import { StackValidationPolicy } from "@pulumi/policy";
import { isRecord, ResourceType, securityHubControl } from "./aws";
import { settings, stringListSetting } from "./config";
import { attempt, decideEach, need } from "./preview";

/** The resource types Security Hub's tagging controls judge, and what each is called in a message. */
const TAGGED_TYPES: Partial<Record<string, string>> = {
    [ResourceType.Queue]: "queue",
    [ResourceType.Cluster]: "cluster",
    [ResourceType.Service]: "service",
    [ResourceType.TaskDefinition]: "task definition",
};

/** Tag keys AWS itself writes (`aws:cloudformation:stack-name`); Security Hub does not count them. */
const SYSTEM_TAG_PREFIX = "aws:";

export const taggingSettings = settings<{ requiredTagKeys: string[] }>("worker-resources-tagged", {
    requiredTagKeys: stringListSetting(
        "Tag keys every queue, cluster, service and task definition must carry (Security Hub's requiredTagKeys).",
        [],
    ),
});

export const workerResourcesTagged: StackValidationPolicy = {
    name: "worker-resources-tagged",
    description:
        "Every SQS queue, ECS cluster, service and task definition carries at least one tag of its own (`tags`, or " +
        "the provider's default tags in `tagsAll`; keys starting with `aws:` do not count) and every key in " +
        "`requiredTagKeys`. Untagged resources fall out of cost reports, ownership lookups and tag-based access rules.",
    enforcementLevel: "advisory",
    severity: "low",
    ...securityHubControl("SQS.2", "SQS queues should be tagged", "ECS.13", "ECS.14", "ECS.15"),
    remediationSteps:
        "Set `tags` on the resource (the component's `tags` argument tags everything it creates), or default tags on " +
        "the AWS provider.",
    configSchema: taggingSettings.configSchema,
    validateStack: (args, reportViolation) => {
        const { requiredTagKeys } = taggingSettings.read(args);
        const judged = args.resources.filter((resource) => TAGGED_TYPES[resource.type] !== undefined);
        decideEach(judged, (resource) => {
            const keys: string[] = [];
            // The resource's own tags first: when they satisfy the policy, default tags unknown in preview do not matter.
            for (const property of ["tags", "tagsAll"]) {
                const tags = need(attempt(() => resource.props[property]));
                keys.push(...(isRecord(tags) ? Object.keys(tags) : []));
                const own = keys.filter((key) => !key.startsWith(SYSTEM_TAG_PREFIX));
                if (own.length > 0 && requiredTagKeys.every((key) => keys.includes(key))) {
                    return;
                }
            }
            const missing = requiredTagKeys.filter((key) => !keys.includes(key));
            const what = TAGGED_TYPES[resource.type];
            if (!keys.some((key) => !key.startsWith(SYSTEM_TAG_PREFIX))) {
                reportViolation(`The ${what} ${resource.name} has no tags.`, resource.urn);
            } else {
                reportViolation(
                    `The ${what} ${resource.name} lacks the required tags ${missing.join(", ")}.`,
                    resource.urn,
                );
            }
        });
    },
};

export const taggingPolicies = [workerResourcesTagged];
