// The choices written as the strings the schema, YAML and plain JavaScript use: `tsc --noEmit` accepts them against
// the shipped .d.ts files, and refuses a string that is not one of them.
import { BackgroundWorkerArgs, CapacityProvider } from "@background-worker/pulumi";

export const workerArgs: BackgroundWorkerArgs = {
    clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/workers",
    subnetIds: ["subnet-0aaaaaaaaaaaaaaa1"],
    container: { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/job-worker:1.0.0", architecture: "ARM64" },
    capacityProviderStrategy: [
        { capacityProvider: "FARGATE", weight: 1, base: 1 },
        { capacityProvider: CapacityProvider.FargateSpot, weight: 4 },
    ],
    sources: {
        snsTopicArns: ["arn:aws:sns:us-east-1:123456789012:orders"],
        snsFilterPolicy: '{"type":["order"]}',
        snsFilterPolicyScope: "MessageBody",
    },
};

export const misspelled: BackgroundWorkerArgs = {
    ...workerArgs,
    // @ts-expect-error -- not a capacity provider: the types accept the enum's strings only
    capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOTS" }],
};
