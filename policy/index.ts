// The policy pack the Pulumi CLI runs: `pulumi preview --policy-pack ./policy`. Constructing a PolicyPack starts the
// analyzer server, so nothing else imports this file; tests and the offline runner import ./policies instead. An
// organisation that builds its own pack on this one calls backgroundWorkerPolicyPack (./pack) the same way.
import { backgroundWorkerPolicyPack } from "./pack";

backgroundWorkerPolicyPack("background-worker", {
    description:
        "Guards SQS-fed workers on ECS Fargate: queue encryption, dead-letter queues, TLS and public access, task " +
        "hardening and roles, alarms, scaling cost and Spot availability.",
    displayName: "Background worker guard",
    provider: "aws",
    tags: ["aws", "sqs", "ecs", "fargate"],
});
