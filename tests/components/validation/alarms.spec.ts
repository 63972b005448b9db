// validation/alarms.ts: what the operational alarms notify must be able to receive a CloudWatch notification.
import { accepted, assertRejected } from "../../support/validation";
import { minimalArgs } from "../../support/worker";

describe("validation/alarms", () => {
    it("refuses a FIFO topic in alarms.actionArns: it delivers only to SQS queues, so it reaches no one on call", () => {
        assertRejected(
            minimalArgs({
                alarms: {
                    actionArns: [
                        "arn:aws:sns:eu-west-1:210987654321:on-call",
                        "arn:aws:sns:eu-west-1:210987654321:on-call.fifo",
                    ],
                },
            }),
            "alarms.actionArns[1]",
            "must be a standard SNS topic, not a FIFO topic",
            '"arn:aws:sns:eu-west-1:210987654321:on-call.fifo"',
        );
        accepted(minimalArgs({ alarms: { actionArns: ["arn:aws:sns:eu-west-1:210987654321:on-call"] } }));
    });
});
