import * as assert from "assert";
import { backoffSeconds } from "../../worker/backoff";

describe("worker backoff", () => {
    it("waits retryBaseSeconds after the first receive and doubles with each further receive", () => {
        const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((receiveCount) => backoffSeconds(receiveCount, 5, 900));
        assert.deepStrictEqual(delays, [5, 10, 20, 40, 80, 160, 320, 640]);
    });

    it("never waits longer than retryMaxSeconds, however often a message was received", () => {
        assert.strictEqual(backoffSeconds(9, 5, 900), 900);
        assert.strictEqual(backoffSeconds(10_000, 5, 900), 900);
        assert.strictEqual(backoffSeconds(10_000, 43_200, 43_200), 43_200);
    });

    it("retries at once, never NaN, when retryBaseSeconds is 0", () => {
        assert.strictEqual(backoffSeconds(1, 0, 900), 0);
        assert.strictEqual(backoffSeconds(5_000, 0, 900), 0);
    });

    it("treats a receive count below 1 as the first attempt", () => {
        assert.strictEqual(backoffSeconds(0, 5, 900), 5);
        assert.strictEqual(backoffSeconds(-3, 5, 900), 5);
    });
});
