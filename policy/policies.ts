// The policies of the pack, in the order docs/policy.md's table lists them: queues, ECS, IAM, how workers run, then
// logs and alarms. The pack (index.ts, through pack.ts), the offline runner (scripts/policy.ts) and the tests all read
// this one list.
import { Policies } from "@pulumi/policy";
import { alarmPolicies } from "./alarms";
import { ecsPolicies } from "./ecs";
import { iamPolicies } from "./iam";
import { logPolicies } from "./logs";
import { sqsPolicies } from "./sqs";
import { workerPolicies } from "./worker";

export const policies: Policies = [
    ...sqsPolicies,
    ...ecsPolicies,
    ...iamPolicies,
    ...workerPolicies,
    ...logPolicies,
    ...alarmPolicies,
];
