// The example's component with a stack transform that turns encryption off on every queue after the program wrote it:
// the offline run must judge what would be deployed, not die on the transform or judge what the program wrote.
import * as pulumi from "@pulumi/pulumi";
import { BackgroundWorker } from "@background-worker/pulumi";

pulumi.runtime.registerResourceTransform((args) =>
    args.type === "aws:sqs/queue:Queue"
        ? { props: { ...args.props, sqsManagedSseEnabled: false }, opts: args.opts }
        : undefined,
);

new BackgroundWorker("jobs", {
    clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/workers",
    subnetIds: ["subnet-0feed00000000a001"],
    container: { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/jobs:1.0.0" },
    alarms: { actionArns: ["arn:aws:sns:us-east-1:123456789012:oncall"] },
});
