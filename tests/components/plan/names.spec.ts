import * as assert from "node:assert/strict";
import { planAlarms } from "../../../components/plan/alarmPlan";
import {
    accountWideName,
    ChildNames,
    childNames,
    MAX_ACCOUNT_WIDE_NAME_LENGTH,
    StepScalingNames,
} from "../../../components/plan/names";
import { resolveWorkerSettings } from "../../../components/plan/settings";
import { snsSubscriptionKey } from "../../../components/resources/sources";
import { minimalArgs, recordWorker } from "../../support/worker";

const TOPIC = "arn:aws:sns:eu-west-1:210987654321:orders";

/** Every name childNames gives for these keys of schedules, rules, subscriptions and operational alarms. */
function allNames(names: ChildNames, keys: string[]): string[] {
    return Object.values(names).flatMap((value: string | StepScalingNames | ((key: string) => string)) =>
        typeof value === "string" ? [value] : typeof value === "function" ? keys.map(value) : Object.values(value),
    );
}

describe("names: one source for the child resources' names", () => {
    it("names every child of the component, so the length check and the resources cannot disagree", async () => {
        const args = minimalArgs({
            scaling: { minTasks: 0, schedules: [{ name: "nights", schedule: "cron(0 20 * * ? *)", maxTasks: 1 }] },
            sources: {
                snsTopicArns: [TOPIC],
                eventRules: [{ name: "uploads", eventPattern: JSON.stringify({ source: ["aws.s3"] }) }],
            },
            alarms: { maxMessageAgeSeconds: 600, queueDepthThreshold: 100 },
        });
        const resources = await recordWorker(args);
        const alarmKeys = planAlarms(resolveWorkerSettings(args).alarms, true).map((alarm) => alarm.key);
        assert.equal(alarmKeys.length, 3, "every operational alarm is on");
        const keys = ["nights", "uploads", snsSubscriptionKey(TOPIC, 0), ...alarmKeys];
        const expected = new Set(allNames(childNames("jobs"), keys));
        const children = resources.filter((resource) => resource.custom && resource.parent?.endsWith("::jobs"));
        const unnamed = children.map((resource) => resource.name).filter((name) => !expected.has(name));
        assert.deepEqual(unnamed, []);
        assert.ok(children.length >= 20, `expected the full set of children; got ${children.length}`);
    });

    it("keeps the released names: a changed name would replace the queue and lose its messages", () => {
        const names = childNames("jobs");
        assert.deepEqual(
            [
                names.queue,
                names.deadLetterQueue,
                names.service,
                names.executionRole,
                names.taskRole,
                names.keepActiveRole,
                names.taskDefinition,
                names.logGroup,
            ],
            [
                "jobs-queue",
                "jobs-dlq",
                "jobs-service",
                "jobs-execution-role",
                "jobs-task-role",
                "jobs-keep-active-role",
                "jobs-task",
                "jobs-logs",
            ],
        );
    });
});

// PutDashboard and RegisterTaskDefinition: at most 255 characters of A-Z, a-z, 0-9, "-" and "_".
const VALID = /^[A-Za-z0-9_-]{1,255}$/;

describe("names: account-wide names for dashboards and task families", () => {
    it("joins project, stack and worker readably", () => {
        assert.equal(accountWideName("background-worker", "dev", "job-worker"), "background-worker-dev-job-worker");
    });

    it("keeps dev and prod, and two workers, apart", () => {
        const names = new Set([
            accountWideName("background-worker", "dev", "job-worker"),
            accountWideName("background-worker", "prod", "job-worker"),
            accountWideName("background-worker", "dev", "email-worker"),
            accountWideName("other-project", "dev", "job-worker"),
        ]);
        assert.equal(names.size, 4);
    });

    it("replaces the characters CloudWatch rejects, such as the dots and slashes stack names may hold", () => {
        const name = accountWideName("my.project", "acme/prod.eu", "jobs");
        assert.equal(name, "my-project-acme-prod-eu-jobs");
        assert.match(name, VALID);
    });

    it("cuts a long name to 255 characters and ends it in a hash, so long names sharing a prefix stay distinct", () => {
        const project = "p".repeat(100);
        const stack = "s".repeat(100);
        const first = accountWideName(project, stack, "w".repeat(60) + "-a");
        const second = accountWideName(project, stack, "w".repeat(60) + "-b");
        for (const name of [first, second]) {
            assert.equal(name.length, MAX_ACCOUNT_WIDE_NAME_LENGTH);
            assert.match(name, VALID);
            assert.match(name, /-[0-9a-f]{8}$/);
        }
        assert.notEqual(first, second);
        assert.equal(
            accountWideName(project, stack, "w".repeat(60) + "-a"),
            first,
            "the same parts give the same name",
        );
    });

    it("leaves a name of exactly 255 characters whole", () => {
        const name = accountWideName("p".repeat(100), "s".repeat(100), "w".repeat(53));
        assert.equal(name.length, 255);
        assert.ok(name.endsWith("w".repeat(53)));
    });
});
