import * as assert from "assert";
import { nextToStart } from "../../worker/dispatch";

const message = (id: string, groupId?: string) => ({ id, groupId });
const ids = (messages: Array<{ id: string }>) => messages.map((chosen) => chosen.id);

describe("worker dispatch", () => {
    it("starts messages without a group in receive order, up to the limit", () => {
        assert.deepStrictEqual(ids(nextToStart([message("1"), message("2"), message("3")], new Set(), 2)), ["1", "2"]);
    });

    it("starts one message per FIFO group, the earliest, and lets other groups go past", () => {
        const waiting = [
            message("a1", "a"),
            message("a2", "a"),
            message("b1", "b"),
            message("a3", "a"),
            message("c1", "c"),
        ];
        assert.deepStrictEqual(ids(nextToStart(waiting, new Set(), 10)), ["a1", "b1", "c1"]);
    });

    it("holds back every message of a group that has one running", () => {
        const waiting = [message("a2", "a"), message("b1", "b"), message("a3", "a")];
        assert.deepStrictEqual(ids(nextToStart(waiting, new Set(["a"]), 10)), ["b1"]);
    });
});
