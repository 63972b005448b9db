// Policies on SNS subscriptions: a topic that feeds a worker, or pages its on-call, delivers over TLS.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { ResourceType, stringOf } from "./aws";

export const snsSubscriptionNoHttp: ResourceValidationPolicy = {
    name: "sns-subscription-no-http",
    description:
        "No SNS subscription delivers over plain `http`. Every message a topic delivers to an http endpoint, a job " +
        "for a worker or an alarm for the on-call, crosses the network readable and forgeable by anyone on the path.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        'Subscribe with `protocol: "https"` and an https endpoint, or deliver to SQS (`protocol: "sqs"`) or Lambda.',
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.SnsSubscription) {
            return;
        }
        const protocol = stringOf(args.props.protocol);
        if (protocol?.toLowerCase() === "http") {
            reportViolation(
                `The subscription delivers over plain http (protocol: ${protocol}) to ${String(args.props.endpoint)}.`,
            );
        }
    },
};

export const snsPolicies = [snsSubscriptionNoHttp];
