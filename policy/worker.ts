// Policies on how a worker runs: a cap on how far it scales (cost), an on-demand floor under Fargate Spot (availability),
// and a visibility timeout that covers the worker's shutdown (no double processing).
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isRecord, listOf, numberOf, Props, readContainers, ResourceType, stackOfUrn, stringOf } from "./aws";
import { integerSetting, readConfig, stringListSetting } from "./config";
import { queueGraph, queueLabel } from "./queues";

/** Application Auto Scaling's namespace for ECS services; other namespaces (DynamoDB, Lambda, ...) are not workers. */
const ECS_NAMESPACE = "ecs";
/** The Fargate capacity provider AWS may reclaim with two minutes' warning. */
const SPOT_CAPACITY_PROVIDER = "FARGATE_SPOT";

const maxTasksDefaults = { maxTasks: 100 };

export const workerMaxTasksLimit: ResourceValidationPolicy = {
    name: "worker-max-tasks-limit",
    description:
        "No ECS scalable target, and no scheduled action on one, lets a worker scale above `maxTasks` tasks " +
        "(default 100). Backlog scaling follows the queue, so a flood of messages or a retry loop would otherwise buy " +
        "as many tasks as the account's Fargate quota allows.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Lower the scalable target's `maxCapacity` (the component's `scaling.maxTasks`) and the scheduled actions' " +
        "`scalableTargetAction` bounds to `maxTasks` or below, or, if the load needs it, raise `maxTasks` in this " +
        "policy's configuration for the stack.",
    configSchema: {
        properties: {
            maxTasks: integerSetting("The most tasks any worker may scale to.", maxTasksDefaults.maxTasks, 1),
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.ScalableTarget && args.type !== ResourceType.ScheduledAction) {
            return;
        }
        const props: Props = args.props;
        if (props.serviceNamespace !== ECS_NAMESPACE) {
            return;
        }
        const { maxTasks } = readConfig(args, maxTasksDefaults);
        if (args.type === ResourceType.ScalableTarget) {
            const maxCapacity = numberOf(props.maxCapacity);
            if (maxCapacity !== undefined && maxCapacity > maxTasks) {
                reportViolation(`The scalable target allows ${maxCapacity} tasks (maxCapacity), above the limit of ${maxTasks}.`);
            }
            return;
        }
        const action = props.scalableTargetAction;
        for (const bound of ["maxCapacity", "minCapacity"]) {
            const tasks = isRecord(action) ? numberOf(action[bound]) : undefined;
            if (tasks !== undefined && tasks > maxTasks) {
                reportViolation(`The scheduled action sets ${bound} to ${tasks} tasks, above the limit of ${maxTasks}.`);
            }
        }
    },
};

const onDemandDefaults = { stacks: ["prod"], minimumOnDemandTasks: 1 };

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
    configSchema: {
        properties: {
            stacks: stringListSetting("The stacks whose workers must keep an on-demand base.", onDemandDefaults.stacks),
            minimumOnDemandTasks: integerSetting(
                "How many tasks must run on on-demand capacity.",
                onDemandDefaults.minimumOnDemandTasks,
                1,
            ),
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== ResourceType.Service) {
            return;
        }
        const { stacks, minimumOnDemandTasks } = readConfig(args, onDemandDefaults);
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

const visibilityDefaults = { queueUrlVariables: ["QUEUE_URL"] };

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
    configSchema: {
        properties: {
            queueUrlVariables: stringListSetting(
                "Container environment variables whose value is the URL of the queue the container consumes.",
                visibilityDefaults.queueUrlVariables,
            ),
        },
    },
    validateStack: (args, reportViolation) => {
        const { queueUrlVariables } = readConfig(args, visibilityDefaults);
        const consumers = args.resources
            .filter((resource) => resource.type === ResourceType.TaskDefinition)
            .flatMap((resource) => {
                const read = readContainers(resource.props.containerDefinitions);
                // An unreadable container list is ecs-task-logging's to report.
                return read.ok ? read.containers.map((container) => ({ resource, container })) : [];
            })
            .flatMap(({ resource, container }) =>
                container.environment
                    .filter((variable) => queueUrlVariables.includes(variable.name) && variable.value)
                    .map((variable) => ({ resource, container, queueUrl: variable.value as string })),
            );
        if (consumers.length === 0) {
            return;
        }
        const graph = queueGraph(args.resources);
        for (const { resource, container, queueUrl } of consumers) {
            // A queue outside the stack (another team's, or a shared one) cannot be checked from here.
            const queue = graph.byUrl(queueUrl);
            if (queue && queue.visibilityTimeoutSeconds < container.stopTimeoutSeconds) {
                reportViolation(
                    `Container ${container.name} may run ${container.stopTimeoutSeconds} s after SIGTERM (stopTimeout), ` +
                        `but queue ${queueLabel(queue)} hides a received message for only ${queue.visibilityTimeoutSeconds} s ` +
                        "(visibilityTimeoutSeconds): a message finished during shutdown can be processed twice.",
                    resource.urn,
                );
            }
        }
    },
};

export const workerPolicies = [workerMaxTasksLimit, workerOnDemandBase, workerVisibilityCoversStopTimeout];
