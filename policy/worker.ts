// Policies on how a worker runs: a cap on how far it scales (cost), an on-demand floor under Fargate Spot (availability),
// and a visibility timeout that covers the worker's shutdown (no double processing).
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isRecord, listOf, numberOf, Props, ResourceType, stackOfUrn, stringOf } from "./aws";
import { readContainers } from "./containers";
import { integerSetting, settings, stringListSetting } from "./config";
import { decideEach, need } from "./preview";
import { queueGraph, queueLabel } from "./queues";
import { WorkerEnvironment } from "../contract";

/** Application Auto Scaling's namespace for ECS services; other namespaces (DynamoDB, Lambda, ...) are not workers. */
const ECS_NAMESPACE = "ecs";
/** The Fargate capacity provider AWS may reclaim with two minutes' warning. */
const SPOT_CAPACITY_PROVIDER = "FARGATE_SPOT";

export const maxTasksSettings = settings<{ maxTasks: number }>("worker-max-tasks-limit", {
    maxTasks: integerSetting("The most tasks any worker may scale to.", 100, 1),
});

export const workerMaxTasksLimit: ResourceValidationPolicy = {
    name: "worker-max-tasks-limit",
    description:
        "No ECS service asks for more than `maxTasks` tasks (`desiredCount`), and no ECS scalable target or scheduled " +
        "action on one lets a worker scale above it " +
        "(default 100). Backlog scaling follows the queue, so a flood of messages or a retry loop would otherwise buy " +
        "as many tasks as the account's Fargate quota allows.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Lower the scalable target's `maxCapacity` (the component's `scaling.maxTasks`) and the scheduled actions' " +
        "`scalableTargetAction` bounds to `maxTasks` or below, or, if the load needs it, raise `maxTasks` in this " +
        "policy's configuration for the stack.",
    configSchema: maxTasksSettings.configSchema,
    validateResource: (args, reportViolation) => {
        const props: Props = args.props;
        if (args.type === ResourceType.Service) {
            // A service that is not scaled still runs what it asks for.
            const { maxTasks } = maxTasksSettings.read(args);
            const desired = numberOf(props.desiredCount);
            if (desired !== undefined && desired > maxTasks) {
                reportViolation(`The service runs ${desired} tasks (desiredCount), above the limit of ${maxTasks}.`);
            }
            return;
        }
        if (args.type !== ResourceType.ScalableTarget && args.type !== ResourceType.ScheduledAction) {
            return;
        }
        if (props.serviceNamespace !== ECS_NAMESPACE) {
            return;
        }
        const { maxTasks } = maxTasksSettings.read(args);
        if (args.type === ResourceType.ScalableTarget) {
            const maxCapacity = numberOf(props.maxCapacity);
            if (maxCapacity !== undefined && maxCapacity > maxTasks) {
                reportViolation(
                    `The scalable target allows ${maxCapacity} tasks (maxCapacity), above the limit of ${maxTasks}.`,
                );
            }
            return;
        }
        const action = props.scalableTargetAction;
        for (const bound of ["maxCapacity", "minCapacity"]) {
            const tasks = isRecord(action) ? numberOf(action[bound]) : undefined;
            if (tasks !== undefined && tasks > maxTasks) {
                reportViolation(
                    `The scheduled action sets ${bound} to ${tasks} tasks, above the limit of ${maxTasks}.`,
                );
            }
        }
    },
};

export const onDemandSettings = settings<{ stacks: string[]; minimumOnDemandTasks: number }>("worker-on-demand-base", {
    stacks: stringListSetting("The stacks whose workers must keep an on-demand base.", ["prod"]),
    minimumOnDemandTasks: integerSetting("How many tasks must run on on-demand capacity.", 1, 1),
});

export const workerOnDemandBase: ResourceValidationPolicy = {
    name: "worker-on-demand-base",
    description:
        "In the stacks listed in `stacks` (default prod; the stack is read from the resource's URN), an ECS service " +
        "that uses Fargate Spot keeps at least `minimumOnDemandTasks` tasks (default 1) on on-demand capacity, as a " +
        "capacity provider strategy `base`. When Spot capacity runs short, AWS starts no Spot tasks and reclaims " +
        "running ones; the base keeps the queue draining.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        'Add `{ capacityProvider: "FARGATE", base: 1, weight: 0 }` (or a higher base) to the service\'s ' +
        "`capacityProviderStrategies`; only one entry may have a base. Set the strategy on the service even when the " +
        "cluster has a default, so the base is visible in review.",
    configSchema: onDemandSettings.configSchema,
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.Service) {
            return;
        }
        const { stacks, minimumOnDemandTasks } = onDemandSettings.read(args);
        const stack = stackOfUrn(args.urn);
        if (!stacks.includes(stack)) {
            args.notApplicable(`stack ${stack} is not one of ${stacks.join(", ")}`);
        }
        const props: Props = args.props;
        const strategies = listOf(props.capacityProviderStrategies).filter(isRecord);
        if (strategies.length === 0) {
            if (stringOf(props.launchType) === undefined) {
                reportViolation(
                    "The service sets neither launchType nor capacityProviderStrategies, so it runs on the cluster's " +
                        "default strategy, which a resource policy cannot see. Set the strategy with an on-demand base.",
                );
            }
            return;
        }
        if (!strategies.some((item) => item.capacityProvider === SPOT_CAPACITY_PROVIDER)) {
            return;
        }
        const onDemandBase = Math.max(
            0,
            ...strategies
                .filter((item) => item.capacityProvider !== SPOT_CAPACITY_PROVIDER)
                .map((item) => numberOf(item.base) ?? 0),
        );
        if (onDemandBase < minimumOnDemandTasks) {
            reportViolation(
                `The service runs on ${SPOT_CAPACITY_PROVIDER} with an on-demand base of ${onDemandBase} tasks; stack ` +
                    `${stack} needs at least ${minimumOnDemandTasks}, or a Spot shortage stops the worker.`,
            );
        }
    },
};

export const visibilitySettings = settings<{ queueUrlVariables: string[] }>("worker-visibility-covers-stop-timeout", {
    queueUrlVariables: stringListSetting(
        "Container environment variables whose value is the URL of the queue the container consumes.",
        [WorkerEnvironment.QueueUrl],
    ),
});

export const workerVisibilityCoversStopTimeout: StackValidationPolicy = {
    name: "worker-visibility-covers-stop-timeout",
    description:
        "The visibility timeout of the queue a worker consumes (found by following the container's QUEUE_URL " +
        "variable to the queue with that URL) is at least the container's stopTimeout (30 s when unset). A task being " +
        "stopped (scale-in, a deployment, a Spot reclaim) may finish its current message for stopTimeout seconds; if " +
        "the message becomes visible sooner, a second worker processes it too.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        "Raise the queue's `visibilityTimeoutSeconds` to at least the container's `stopTimeout` (better: stopTimeout " +
        "plus the longest job), or lower `stopTimeout`. Workers that name their queue variable differently list the " +
        "names in `queueUrlVariables`.",
    configSchema: visibilitySettings.configSchema,
    validateStack: (args, reportViolation) => {
        const { queueUrlVariables } = visibilitySettings.read(args);
        const graph = queueGraph(args.resources);
        const taskDefinitions = args.resources.filter((resource) => resource.type === ResourceType.TaskDefinition);
        decideEach(taskDefinitions, (resource) => {
            const read = readContainers(resource.props.containerDefinitions);
            // An unreadable container list is ecs-task-logging's to report.
            decideEach(read.ok ? read.containers : [], (container) => {
                decideEach(need(container.environment), (variable) => {
                    const queueUrl = queueUrlVariables.includes(variable.name) ? need(variable.value) : undefined;
                    // A queue outside the stack (another team's, or a shared one) cannot be checked from here.
                    const queue = queueUrl ? graph.byUrl(queueUrl) : undefined;
                    if (!queue) {
                        return;
                    }
                    const [visibility, stopTimeout] = [
                        need(queue.visibilityTimeoutSeconds),
                        need(container.stopTimeoutSeconds),
                    ];
                    if (visibility < stopTimeout) {
                        reportViolation(
                            `Container ${container.name} may run ${stopTimeout} s after SIGTERM (stopTimeout), ` +
                                `but queue ${queueLabel(queue)} hides a received message for only ${visibility} s ` +
                                "(visibilityTimeoutSeconds): a message finished during shutdown can be processed twice.",
                            resource.urn,
                        );
                    }
                });
            });
        });
    },
};

export const workerPolicies = [workerMaxTasksLimit, workerOnDemandBase, workerVisibilityCoversStopTimeout];
