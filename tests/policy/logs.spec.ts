import * as assert from "node:assert/strict";
import { cloudwatchLogGroupEncrypted } from "../../policy/logs";
import { componentStack, resource, undecided, violations } from "./fixtures";

const logGroup = (inputs: Record<string, unknown>) =>
    resource("aws:cloudwatch/logGroup:LogGroup", "api-logs", { retentionInDays: 30, ...inputs });

describe("policy cloudwatch-log-group-encrypted", function () {
    this.timeout(30_000);

    it("reports the component's log group, which names no KMS key (an advisory finding docs/policy.md explains)", async () => {
        assert.deepEqual(await violations(cloudwatchLogGroupEncrypted, await componentStack()), [
            "jobs-logs: The log group names no KMS key (kmsKeyId), so only a key AWS owns encrypts it.",
        ]);
    });

    it("passes a hand-built log group with a KMS key, also when the key is created in the same preview", async () => {
        assert.deepEqual(
            await violations(cloudwatchLogGroupEncrypted, [
                logGroup({ kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }),
            ]),
            [],
        );
        const planned = logGroup({ kmsKeyId: undefined });
        assert.deepEqual(await violations(cloudwatchLogGroupEncrypted, [planned], { preview: true }), []);
        assert.deepEqual(await undecided(cloudwatchLogGroupEncrypted, [planned]), []);
    });

    it("fails a hand-built log group without one", async () => {
        assert.equal((await violations(cloudwatchLogGroupEncrypted, [logGroup({})])).length, 1);
    });
});
