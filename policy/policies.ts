// The policies of the pack, in the order docs/policy.md's table lists them: queues, ECS, IAM, how workers run, logs
// and alarms, SNS and KMS, tags, and what the pack cannot see. The pack (index.ts, through pack.ts), the offline runner (scripts/policy.ts) and the tests all read
// this one list.
import { Policies } from "@pulumi/policy";
import { alarmPolicies } from "./alarms";
import { ecsPolicies } from "./ecs";
import { iamPolicies } from "./iam";
import { kmsPolicies } from "./kms";
import { logPolicies } from "./logs";
import { snsPolicies } from "./sns";
import { sqsPolicies } from "./sqs";
import { taggingPolicies } from "./tagging";
import { uninspectedPolicies } from "./uninspected";
import { workerPolicies } from "./worker";

export const policies: Policies = [
    ...sqsPolicies,
    ...ecsPolicies,
    ...iamPolicies,
    ...workerPolicies,
    ...logPolicies,
    ...alarmPolicies,
    ...snsPolicies,
    ...kmsPolicies,
    ...taggingPolicies,
    ...uninspectedPolicies,
];
