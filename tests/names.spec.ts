import * as assert from "node:assert/strict";
import { ChildNames, childNames } from "../components/names";
import { snsSubscriptionKey } from "../components/sources";
import { minimalArgs, recordWorker } from "./support/worker";

const TOPIC = "arn:aws:sns:eu-west-1:210987654321:orders";

/** Every name childNames gives for these schedule, rule and subscription keys. */
function allNames(names: ChildNames, keys: { schedule: string; rule: string; subscription: string }): string[] {
    return Object.values(names).flatMap((value: string | ((key: string) => string)) =>
        typeof value === "string" ? [value] : [keys.schedule, keys.rule, keys.subscription].map(value));
}

describe("names: one source for the child resources' names", () => {
    it("names every child of the component, so the length check and the resources cannot disagree", async () => {
        const resources = await recordWorker(minimalArgs({
            scaling: { minTasks: 0, schedules: [{ name: "nights", schedule: "cron(0 20 * * ? *)", maxTasks: 1 }] },
            sources: { snsTopicArns: [TOPIC], eventRules: [{ name: "uploads", eventPattern: JSON.stringify({ source: ["aws.s3"] }) }] },
            alarms: { deadLetterQueueNotEmpty: false },
        }));
        const expected = new Set(allNames(childNames("jobs"), { schedule: "nights", rule: "uploads", subscription: snsSubscriptionKey(TOPIC, 0) }));
        const children = resources.filter((resource) => resource.custom && resource.parent?.endsWith("::jobs"));
        // Step policies and their alarms are named from the wake-up and burst prefixes.
        const unnamed = children
            .map((resource) => resource.name)
            .filter((name) => !expected.has(name) && !/^jobs-(wake|burst)-(policy|alarm)$/.test(name));
        assert.deepEqual(unnamed, []);
        assert.ok(children.length >= 20, `expected the full set of children; got ${children.length}`);
    });

    it("keeps the released names: a changed name would replace the queue and lose its messages", () => {
        const names = childNames("jobs");
        assert.deepEqual(
            [names.queue, names.deadLetterQueue, names.service, names.executionRole, names.taskRole, names.keepActiveRole, names.taskDefinition, names.logGroup],
            ["jobs-queue", "jobs-dlq", "jobs-service", "jobs-execution-role", "jobs-task-role", "jobs-keep-active-role", "jobs-task", "jobs-logs"],
        );
    });
});
