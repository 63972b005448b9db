// validation/tags.ts: the tags every child resource gets, within what AWS accepts.
import * as assert from "node:assert/strict";
import { validateClusterArgs } from "../../../components/validation";
import { accepted, assertRejected } from "../../support/validation";
import { minimalArgs } from "../../support/worker";

describe("validation/tags: the tags of every child resource", () => {
    it("refuses a key AWS reserves, in any case", () => {
        assertRejected(minimalArgs({ tags: { "AWS:team": "jobs" } }), "tags.AWS:team", "reserves", "aws:");
    });

    it("refuses keys over 128 and values over 256 characters, naming the length", () => {
        assertRejected(minimalArgs({ tags: { ["k".repeat(129)]: "v" } }), `tags.${"k".repeat(129)}`, "128", "129");
        assertRejected(minimalArgs({ tags: { owner: "v".repeat(257) } }), "tags.owner", "256", "257");
        accepted(minimalArgs({ tags: { ["k".repeat(128)]: "v".repeat(256) } }));
    });

    it("counts the alarm-purpose tag the component adds against AWS's 50 per resource", () => {
        const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`t${i}`, "v"]));
        accepted(minimalArgs({ tags: tags(49) }));
        assertRejected(minimalArgs({ tags: tags(50) }), "tags", "at most 49", "adds 1", "got 50");
    });

    it("holds a WorkerCluster's tags to the same rules", () => {
        assert.throws(() => validateClusterArgs({ tags: { "aws:x": "y" } }), /tags\.aws:x uses the prefix aws:/);
    });
});
