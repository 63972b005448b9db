import * as assert from "node:assert/strict";
import { kmsKeyRotationEnabled } from "../../policy/kms";
import { componentStack, resource, violations } from "./fixtures";

describe("policy kms-key-rotation-enabled", () => {
    it("fails a symmetric key without rotation and passes one with it; does not judge asymmetric or HMAC keys", async () => {
        const key = (name: string, inputs: Record<string, unknown>) => resource("aws:kms/key:Key", name, inputs);
        assert.deepEqual(
            await violations(kmsKeyRotationEnabled, [
                key("plain", {}),
                key("off", { enableKeyRotation: false }),
                key("rotating", { enableKeyRotation: true }),
                key("signing", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }),
                key("hmac", { keySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC" }),
            ]),
            [
                "plain: The key does not rotate its key material (enableKeyRotation is not true).",
                "off: The key does not rotate its key material (enableKeyRotation is not true).",
            ],
        );
    });

    it("passes what the component builds, which creates no key", async () => {
        assert.deepEqual(await violations(kmsKeyRotationEnabled, await componentStack()), []);
    });
});
