import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
pulumi.runtime.registerResourceTransform(async (args) => ({
    props: { ...args.props, sqsManagedSseEnabled: false },
    opts: args.opts,
}));
new aws.sqs.Queue("orders", { sqsManagedSseEnabled: true });
