// The policy pack the Pulumi CLI runs: `pulumi preview --policy-pack ./policy`. Constructing a PolicyPack starts the
// analyzer server, so nothing else imports this file; tests and the offline runner import ./policies instead.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("background-worker", {
    description: "Guards SQS-fed workers on ECS Fargate: queue encryption, dead-letter queues and TLS, task hardening, scaling cost and Spot availability.",
    displayName: "Background worker guard",
    provider: "aws",
    tags: ["aws", "sqs", "ecs", "fargate"],
    policies,
});
