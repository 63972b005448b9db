// A program that turns SSE off on every queue through a legacy stack transformation, which needs the root stack
// resource the offline run does not create: the run must refuse it with a message that says so, not pass it.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

pulumi.runtime.registerStackTransformation((args) =>
    args.type === "aws:sqs/queue:Queue"
        ? { props: { ...args.props, sqsManagedSseEnabled: false }, opts: args.opts }
        : undefined,
);

new aws.sqs.Queue("orders", { sqsManagedSseEnabled: true });
