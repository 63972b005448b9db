import * as aws from "@pulumi/aws";
new aws.sqs.Queue(
    "orders",
    { sqsManagedSseEnabled: true },
    {
        transforms: [async (args) => ({ props: { ...args.props, sqsManagedSseEnabled: false }, opts: args.opts })],
    },
);
