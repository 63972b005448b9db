import * as assert from "node:assert/strict";
import { workerResourcesTagged } from "../../policy/tagging";
import { componentStack, queue, violations } from "./fixtures";

describe("policy worker-resources-tagged", function () {
    this.timeout(30_000);

    it("passes the component's resources when it is given tags, and reports each untagged one otherwise", async () => {
        assert.deepEqual(await violations(workerResourcesTagged, await componentStack({ tags: { team: "jobs" } })), []);
        const untagged = await violations(workerResourcesTagged, await componentStack());
        assert.deepEqual(untagged, [
            "jobs-dlq: The queue jobs-dlq has no tags.",
            "jobs-queue: The queue jobs-queue has no tags.",
            "jobs-task: The task definition jobs-task has no tags.",
            "jobs-service: The service jobs-service has no tags.",
        ]);
    });

    it("counts the provider's default tags, not aws: tags, and requires the configured keys", async () => {
        const config = { "worker-resources-tagged": { requiredTagKeys: ["environment"] } };
        assert.deepEqual(
            await violations(
                workerResourcesTagged,
                [
                    queue("defaults", { tagsAll: { environment: "prod" } }),
                    queue("system", { tags: { "aws:cloudformation:stack-name": "x" } }),
                    queue("partial", { tags: { team: "jobs" } }),
                ],
                { config },
            ),
            [
                "system: The queue system has no tags.",
                "partial: The queue partial lacks the required tags environment.",
            ],
        );
    });
});
