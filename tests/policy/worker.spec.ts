import * as assert from "node:assert/strict";
import { cloudwatchLogRetentionSet } from "../../policy/logs";
import { workerMaxTasksLimit, workerOnDemandBase, workerVisibilityCoversStopTimeout } from "../../policy/worker";
import {
    componentQueues,
    container,
    evaluate,
    planned,
    queue,
    queueUrl,
    resource,
    service,
    taskDefinition,
    undecided,
    violations,
} from "./fixtures";

const scalableTarget = (name: string, maxCapacity: number, serviceNamespace = "ecs") =>
    resource("aws:appautoscaling/target:Target", name, {
        serviceNamespace,
        scalableDimension: serviceNamespace === "ecs" ? "ecs:service:DesiredCount" : "dynamodb:table:ReadCapacityUnits",
        resourceId: serviceNamespace === "ecs" ? "service/workers/job-worker" : "table/orders",
        minCapacity: 0,
        maxCapacity,
    });

const scheduledAction = (name: string, scalableTargetAction: Record<string, number>) =>
    resource("aws:appautoscaling/scheduledAction:ScheduledAction", name, {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: "service/workers/job-worker",
        schedule: "cron(0 8 * * ? *)",
        scalableTargetAction,
    });

describe("policy worker-max-tasks-limit", () => {
    it("passes scaling up to the default limit of 100 tasks", async () => {
        assert.deepEqual(
            await violations(workerMaxTasksLimit, [
                scalableTarget("job-worker-scaling", 100),
                scheduledAction("business-hours", { minCapacity: 5, maxCapacity: 100 }),
            ]),
            [],
        );
    });

    it("fails a scalable target and a scheduled action above the default of 100", async () => {
        const found = await violations(workerMaxTasksLimit, [
            scalableTarget("job-worker-scaling", 101),
            scheduledAction("black-friday", { minCapacity: 150, maxCapacity: 500 }),
        ]);
        assert.deepEqual(found, [
            "job-worker-scaling: The scalable target allows 101 tasks (maxCapacity), above the limit of 100.",
            "black-friday: The scheduled action sets maxCapacity to 500 tasks, above the limit of 100.",
            "black-friday: The scheduled action sets minCapacity to 150 tasks, above the limit of 100.",
        ]);
    });

    it("reads the limit from the maxTasks setting", async () => {
        const config = { "worker-max-tasks-limit": { maxTasks: 20 } };
        assert.deepEqual(
            await violations(workerMaxTasksLimit, [scalableTarget("job-worker-scaling", 50)], { config }),
            ["job-worker-scaling: The scalable target allows 50 tasks (maxCapacity), above the limit of 20."],
        );
    });

    it("leaves scalable targets of other services (DynamoDB, Lambda) alone", async () => {
        assert.deepEqual(
            await violations(workerMaxTasksLimit, [scalableTarget("orders-table-reads", 40_000, "dynamodb")]),
            [],
        );
    });
});

describe("policy worker-on-demand-base", () => {
    const spotOnly = { capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] };

    it("passes a prod service with an on-demand base of 1, as the prod stack configures", async () => {
        assert.deepEqual(
            await violations(workerOnDemandBase, [
                service("job-worker-service", {}, { stack: "prod", component: true }),
            ]),
            [],
        );
    });

    it("fails a prod service that runs only on Spot, or on Spot with on-demand weight but no base", async () => {
        const weighted = {
            capacityProviderStrategies: [
                { capacityProvider: "FARGATE", weight: 1 },
                { capacityProvider: "FARGATE_SPOT", weight: 4 },
            ],
        };
        const found = await violations(workerOnDemandBase, [
            service("spot-only", spotOnly, { stack: "prod" }),
            service("weighted", weighted, { stack: "prod" }),
        ]);
        assert.deepEqual(found, [
            "spot-only: The service runs on FARGATE_SPOT with an on-demand base of 0 tasks; stack prod needs at least 1, or a Spot shortage stops the worker.",
            "weighted: The service runs on FARGATE_SPOT with an on-demand base of 0 tasks; stack prod needs at least 1, or a Spot shortage stops the worker.",
        ]);
    });

    it("does not apply to stacks outside the stacks setting (by default everything but prod)", async () => {
        const evaluation = await evaluate(workerOnDemandBase, [service("spot-only", spotOnly, { stack: "dev" })]);
        assert.deepEqual(evaluation.findings, []);
        assert.deepEqual(
            evaluation.notApplicable.map((entry) => entry.reason),
            ["stack dev is not one of prod"],
        );
    });

    it("reads the stacks and the minimum base from its settings", async () => {
        const config = { "worker-on-demand-base": { stacks: ["staging", "prod"], minimumOnDemandTasks: 2 } };
        const found = await violations(workerOnDemandBase, [service("job-worker-service", {}, { stack: "staging" })], {
            config,
        });
        assert.match(found[0], /on-demand base of 1 tasks; stack staging needs at least 2/);
    });

    it("passes services that never use Spot: a FARGATE launch type or an on-demand-only strategy", async () => {
        const launchType = service(
            "launch-type",
            { capacityProviderStrategies: undefined, launchType: "FARGATE" },
            { stack: "prod" },
        );
        const onDemand = service(
            "on-demand",
            { capacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }] },
            { stack: "prod" },
        );
        assert.deepEqual(await violations(workerOnDemandBase, [launchType, onDemand]), []);
    });

    it("fails a service that relies on the cluster's default strategy, which it cannot see", async () => {
        const found = await violations(workerOnDemandBase, [
            service("implicit", { capacityProviderStrategies: undefined }, { stack: "prod" }),
        ]);
        assert.match(found[0], /^implicit: The service sets neither launchType nor capacityProviderStrategies/);
    });
});

describe("policy worker-visibility-covers-stop-timeout", () => {
    const consumer = (queueName: string, stopTimeout?: number, variable = "QUEUE_URL") =>
        taskDefinition(`${queueName}-task`, [
            container({ stopTimeout, environment: [{ name: variable, value: queueUrl(queueName) }] }),
        ]);

    it("passes the component's worker: 300 s visibility, 120 s stop timeout", async () => {
        assert.deepEqual(
            await violations(workerVisibilityCoversStopTimeout, [
                ...componentQueues("job-worker"),
                consumer("job-worker-queue", 120),
            ]),
            [],
        );
    });

    it("fails a worker whose stop timeout outlasts its queue's visibility timeout, following QUEUE_URL to the right queue", async () => {
        const short = queue("short", { visibilityTimeoutSeconds: 60 });
        const long = queue("long", { visibilityTimeoutSeconds: 900 });
        const found = await violations(workerVisibilityCoversStopTimeout, [
            short,
            long,
            consumer("short", 120),
            consumer("long", 120),
        ]);
        assert.deepEqual(found, [
            "short-task: Container worker may run 120 s after SIGTERM (stopTimeout), but queue short hides a received message for only 60 s (visibilityTimeoutSeconds): a message finished during shutdown can be processed twice.",
        ]);
    });

    it("uses the defaults, 30 s visibility and 30 s stop timeout, which pass", async () => {
        assert.deepEqual(await violations(workerVisibilityCoversStopTimeout, [queue("plain"), consumer("plain")]), []);
    });

    it("follows the variables listed in queueUrlVariables", async () => {
        const short = queue("short", { visibilityTimeoutSeconds: 10 });
        const resources = [short, consumer("short", 60, "JOBS_QUEUE")];
        assert.deepEqual(await violations(workerVisibilityCoversStopTimeout, resources), []);
        const config = { "worker-visibility-covers-stop-timeout": { queueUrlVariables: ["JOBS_QUEUE"] } };
        assert.equal((await violations(workerVisibilityCoversStopTimeout, resources, { config })).length, 1);
    });

    it("cannot decide in preview, when the container definitions embed a queue URL not known yet", async () => {
        const resources = planned([...componentQueues("job-worker"), consumer("job-worker-queue", 120)]);
        assert.deepEqual(await undecided(workerVisibilityCoversStopTimeout, resources), [
            "stack: the value at job-worker-queue-task.outputs.containerDefinitions is not known until `pulumi up`",
        ]);
    });
});

describe("policy cloudwatch-log-retention-set", () => {
    const logGroup = (name: string, retentionInDays?: number) =>
        resource("aws:cloudwatch/logGroup:LogGroup", name, retentionInDays === undefined ? {} : { retentionInDays });

    it("passes a log group with a retention", async () => {
        assert.deepEqual(await violations(cloudwatchLogRetentionSet, [logGroup("job-worker-logs", 7)]), []);
    });

    it("fails a log group that keeps events forever, unset or 0", async () => {
        assert.deepEqual(await violations(cloudwatchLogRetentionSet, [logGroup("unset"), logGroup("zero", 0)]), [
            "unset: The log group keeps its events forever (retentionInDays is not set).",
            "zero: The log group keeps its events forever (retentionInDays is 0, never expire).",
        ]);
    });

    it("holds log groups to minimumRetentionDays when set, e.g. CloudWatch.16's 365", async () => {
        const config = { "cloudwatch-log-retention-set": { minimumRetentionDays: 365 } };
        assert.deepEqual(
            await violations(cloudwatchLogRetentionSet, [logGroup("short", 90), logGroup("year", 365)], { config }),
            ["short: The log group keeps events 90 days, less than the required 365."],
        );
    });
});
