// A stack that uses every escape hatch the pack cannot see through: a BackgroundWorker that runs a task definition
// built elsewhere (taskDefinitionArn), and a CloudFormation stack whose template the pack reads but cannot judge
// whole. The offline run must fail it until the stack is accepted, and then list both as left unjudged.
import * as aws from "@pulumi/aws";
import { BackgroundWorker } from "@background-worker/pulumi";

new BackgroundWorker("legacy", {
    clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/workers",
    subnetIds: ["subnet-0feed00000000a001"],
    taskDefinitionArn: "arn:aws:ecs:us-east-1:123456789012:task-definition/legacy-worker:12",
    alarms: { actionArns: ["arn:aws:sns:us-east-1:123456789012:oncall"] },
    tags: { team: "payments" },
});

new aws.cloudformation.Stack("bucket-stack", {
    templateBody: JSON.stringify({
        Resources: {
            Reports: { Type: "AWS::S3::Bucket", Properties: { VersioningConfiguration: { Status: "Enabled" } } },
        },
    }),
});
