import * as assert from "node:assert/strict";
import { snsSubscriptionNoHttp } from "../../policy/sns";
import { componentStack, resource, violations } from "./fixtures";

const TOPIC = "arn:aws:sns:eu-west-1:210987654321:orders";

describe("policy sns-subscription-no-http", function () {
    this.timeout(30_000);

    it("passes the component's queue subscription to a topic", async () => {
        const built = await componentStack({ sources: { snsTopicArns: [TOPIC] } });
        assert.ok(built.some((item) => item.type === "aws:sns/topicSubscription:TopicSubscription"));
        assert.deepEqual(await violations(snsSubscriptionNoHttp, built), []);
    });

    it("fails a hand-built http subscription, in any case, and passes https", async () => {
        const subscription = (name: string, protocol: string, endpoint: string) =>
            resource("aws:sns/topicSubscription:TopicSubscription", name, { topic: TOPIC, protocol, endpoint });
        assert.deepEqual(
            await violations(snsSubscriptionNoHttp, [
                subscription("plain", "HTTP", "http://hooks.example.com/jobs"),
                subscription("tls", "https", "https://hooks.example.com/jobs"),
            ]),
            ["plain: The subscription delivers over plain http (protocol: HTTP) to http://hooks.example.com/jobs."],
        );
    });
});
