// The names of the component's child resources, in one place: the resource files create children under these names
// only, and validation checks the physical names AWS will derive from them. A child's name is its identity in the
// state: once released it never changes, since a renamed queue is a replaced queue, and a replaced queue loses its
// messages. Also the account-wide physical names (task definition families, dashboards) that AWS does not autoname.
import * as crypto from "crypto";
import { MAX_DASHBOARD_NAME_LENGTH, MAX_TASK_FAMILY_LENGTH } from "../../contract/awsLimits";

/** A step-scaling policy and the alarm that invokes it. */
export interface StepScalingNames {
    policy: string;
    alarm: string;
}

/** The logical names of a worker's children, derived from the worker's own resource name. */
export interface ChildNames {
    queue: string;
    deadLetterQueue: string;
    redrivePolicy: string;
    redriveAllowPolicy: string;
    queuePolicy: string;
    deadLetterQueuePolicy: string;
    logGroup: string;
    executionRole: string;
    executionPolicy: string;
    taskRole: string;
    taskPolicy: string;
    taskDefinition: string;
    securityGroup: string;
    service: string;
    scalingTarget: string;
    backlogPolicy: string;
    /** The wake-up step policy and its alarm. */
    wakeUp: StepScalingNames;
    /** The catch-up step policy and its alarm (named `-burst`, as released). */
    catchUp: StepScalingNames;
    /** The scale-in step policy and its alarm. */
    scaleIn: StepScalingNames;
    /** The drain-to-minimum step policy and its alarm. */
    drain: StepScalingNames;
    /** An operational alarm on the queues, keyed by its plan key (alarmPlan.ts). */
    operationalAlarm(key: string): string;
    /** The worker's CloudWatch dashboard. */
    dashboard: string;
    keepActiveRole: string;
    keepActivePolicy: string;
    keepActiveSchedule: string;
    /** A scheduled action's resource name, keyed by the schedule's own name. */
    scheduledAction(scheduleName: string): string;
    /** A scheduled action's physical name in Application Auto Scaling. */
    scheduledActionName(scheduleName: string): string;
    eventRule(ruleName: string): string;
    eventTarget(ruleName: string): string;
    /** An SNS subscription, keyed by snsSubscriptionKey (sources.ts). */
    snsSubscription(key: string): string;
}

function stepScaling(prefix: string): StepScalingNames {
    return { policy: `${prefix}-policy`, alarm: `${prefix}-alarm` };
}

/** The child names of the worker named `name`. */
export function childNames(name: string): ChildNames {
    return {
        queue: `${name}-queue`,
        deadLetterQueue: `${name}-dlq`,
        redrivePolicy: `${name}-redrive`,
        redriveAllowPolicy: `${name}-dlq-redrive-allow`,
        queuePolicy: `${name}-queue-policy`,
        deadLetterQueuePolicy: `${name}-dlq-policy`,
        logGroup: `${name}-logs`,
        executionRole: `${name}-execution-role`,
        executionPolicy: `${name}-execution-policy`,
        taskRole: `${name}-task-role`,
        taskPolicy: `${name}-task-policy`,
        taskDefinition: `${name}-task`,
        securityGroup: `${name}-sg`,
        service: `${name}-service`,
        scalingTarget: `${name}-scaling-target`,
        backlogPolicy: `${name}-backlog-policy`,
        wakeUp: stepScaling(`${name}-wake`),
        // Released as "burst": renaming it would replace the policy and its alarm.
        catchUp: stepScaling(`${name}-burst`),
        scaleIn: stepScaling(`${name}-scale-in`),
        drain: stepScaling(`${name}-drain`),
        operationalAlarm: (key) => `${name}-${key}-alarm`,
        dashboard: `${name}-dashboard`,
        keepActiveRole: `${name}-keep-active-role`,
        keepActivePolicy: `${name}-keep-active-policy`,
        keepActiveSchedule: `${name}-keep-active`,
        scheduledAction: (scheduleName) => `${name}-schedule-${scheduleName}`,
        scheduledActionName: (scheduleName) => `${name}-${scheduleName}`,
        eventRule: (ruleName) => `${name}-rule-${ruleName}`,
        eventTarget: (ruleName) => `${name}-rule-${ruleName}-target`,
        snsSubscription: (key) => `${name}-sns-${key}`,
    };
}

/** The children of the WorkerCluster named `name`: the cluster takes the component's own name. */
export function clusterChildNames(name: string): { cluster: string; capacityProviders: string } {
    return { cluster: name, capacityProviders: `${name}-capacity-providers` };
}

/** The stack-wide overview dashboard createOverviewDashboard creates under `name`. */
export function overviewDashboardName(name: string): string {
    return `${name}-dashboard`;
}

/** What Pulumi's autonaming appends to a logical name for the physical one: a dash and seven random characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;

// Task definition families and CloudWatch dashboards are named account-wide with no autonaming; both allow letters,
// digits, hyphens and underscores.
/** The longest name both a task definition family and a dashboard accept. */
export const MAX_ACCOUNT_WIDE_NAME_LENGTH = Math.min(MAX_TASK_FAMILY_LENGTH, MAX_DASHBOARD_NAME_LENGTH);
const INVALID_CHARACTER = /[^A-Za-z0-9_-]/g;
const HASH_LENGTH = 8;

/**
 * `<project>-<stack>-<name>`, so dev and prod sharing an account never write to each other's family or dashboard.
 * Characters AWS rejects become "-". A name longer than AWS allows is cut and ends in a hash of the three parts, so two
 * long names that share a prefix stay apart. Pure: the same parts give the same name on every run.
 */
export function accountWideName(project: string, stack: string, name: string): string {
    const joined = `${project}-${stack}-${name}`.replace(INVALID_CHARACTER, "-");
    if (joined.length <= MAX_ACCOUNT_WIDE_NAME_LENGTH) {
        return joined;
    }
    const hash = crypto
        .createHash("sha256")
        .update(JSON.stringify([project, stack, name]))
        .digest("hex")
        .slice(0, HASH_LENGTH);
    return `${joined.slice(0, MAX_ACCOUNT_WIDE_NAME_LENGTH - HASH_LENGTH - 1)}-${hash}`;
}
