// Policies on SNS subscriptions: a topic that feeds a worker, or pages its on-call, delivers over TLS.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { ResourceType, stringOf } from "./aws";
import { attempt, need, Unknown } from "./preview";

export const snsSubscriptionNoHttp: ResourceValidationPolicy = {
    name: "sns-subscription-no-http",
    description:
        "No SNS subscription delivers over plain `http`, by its protocol or by an `http://` endpoint. Every message a " +
        "topic delivers to an http endpoint, a job for a worker or an alarm for the on-call, crosses the network " +
        "readable and forgeable by anyone on the path.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        'Subscribe with `protocol: "https"` and an https endpoint, or deliver to SQS (`protocol: "sqs"`) or Lambda.',
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.SnsSubscription) {
            return;
        }
        const protocol = stringOf(args.props.protocol)?.toLowerCase();
        if (protocol !== "http" && protocol !== "https") {
            // Only web endpoints are judged; an SQS or Lambda endpoint (an ARN unknown in preview) is not read.
            return;
        }
        const endpoint = attempt(() => stringOf(args.props.endpoint));
        const shown = endpoint instanceof Unknown ? "an endpoint not known yet" : String(endpoint);
        if (protocol === "http") {
            reportViolation(
                `The subscription delivers over plain http (protocol: ${args.props.protocol}) to ${shown}.`,
            );
        } else if (typeof need(endpoint) === "string" && /^http:/i.test(need(endpoint)?.trim() ?? "")) {
            // SNS is expected to refuse an https subscription to an http endpoint; the pack does not rely on it.
            reportViolation(`The subscription's endpoint ${shown} is plain http, although its protocol is https.`);
        }
    },
};

export const snsPolicies = [snsSubscriptionNoHttp];
