import * as assert from "node:assert/strict";
import { runQuickStartFromSource } from "./support/quickStart";

describe("README.md", () => {
    it("has a quick start that runs as written, without a warning", async () => {
        const { resources, warnings } = await runQuickStartFromSource();
        assert.deepEqual(warnings, []);
        const worker = resources.find((resource) => resource.type === "background-worker:index:BackgroundWorker");
        assert.equal(worker?.name, "jobs");
        assert.ok(
            resources.some(
                (resource) => resource.type === "aws:ecs/service:Service" && resource.name === "jobs-service",
            ),
        );
    });
});
