import * as assert from "assert";
import { drainDeadlineSeconds, receiveWaitSeconds } from "../../worker/shutdown";

describe("worker shutdown budget", () => {
    it("gives handlers the stop timeout less the margin: 110 s of Fargate's 120", () => {
        assert.strictEqual(drainDeadlineSeconds(120, 10), 110);
    });

    it("releases at once when the margin is not less than the stop timeout", () => {
        assert.strictEqual(drainDeadlineSeconds(5, 10), 0);
        assert.strictEqual(drainDeadlineSeconds(0, 0), 0);
    });

    it("long-polls the full 20 s when the deadline is further away", () => {
        assert.strictEqual(receiveWaitSeconds(20, 110), 20);
        assert.strictEqual(receiveWaitSeconds(20, 21), 20);
    });

    it("ends each poll a second before a nearer deadline, so none is out when messages are released", () => {
        assert.strictEqual(receiveWaitSeconds(20, 10), 9);
        assert.strictEqual(receiveWaitSeconds(20, 2), 1);
    });

    it("never drops to short polling because of the deadline, only when asked to", () => {
        assert.strictEqual(receiveWaitSeconds(20, 1), 1);
        assert.strictEqual(receiveWaitSeconds(20, 0), 1);
        assert.strictEqual(receiveWaitSeconds(0, 110), 0);
    });
});
