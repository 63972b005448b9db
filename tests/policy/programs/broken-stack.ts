// A hand-built stack with the wiring mistakes the pack exists to catch, for the policy runner's tests:
// - `orders` has no redrive policy at all;
// - `payments` redrives to a dead-letter queue ARN pasted by hand, which is no queue in the stack;
// - the TLS-only policy written for `orders` is attached to `payments`' URL, so `orders` accepts plain HTTP and the
//   deny on `payments` names the wrong ARN.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const orders = new aws.sqs.Queue("orders", { sqsManagedSseEnabled: true, visibilityTimeoutSeconds: 300 });

const payments = new aws.sqs.Queue("payments", {
    sqsManagedSseEnabled: true,
    redrivePolicy: JSON.stringify({
        deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:payments-dlq",
        maxReceiveCount: 5,
    }),
});

new aws.sqs.QueuePolicy("orders-tls-only", {
    queueUrl: payments.url,
    policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Deny",
                Principal: "*",
                Action: "sqs:*",
                Resource: orders.arn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    }),
});
