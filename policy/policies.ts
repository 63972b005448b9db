// The policies of the pack, in the order the README's table lists them: queues, then ECS, then how workers run,
// then logs. The pack (index.ts), the offline runner (scripts/policy.ts) and the tests all read this one list.
import { Policies } from "@pulumi/policy";
import { ecsPolicies } from "./ecs";
import { logPolicies } from "./logs";
import { sqsPolicies } from "./sqs";
import { workerPolicies } from "./worker";

export const policies: Policies = [...sqsPolicies, ...ecsPolicies, ...workerPolicies, ...logPolicies];
