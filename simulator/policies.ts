// The scaling designs the simulator compares, all expressed in the same AWS primitives (autoscaling.ts): ours is
// exactly what planScaling returns; the alternatives are what CDK, the seed and Copilot deploy by default, plus a
// fixed fleet. Every alternative runs with the worker's own bounds and capacity split, so only the scaling differs.
import { ScalingPlan } from "../components/plan/scalingPlan";
import { SimulatedMetric } from "./cloudwatch";
import { ScalingConfiguration } from "./autoscaling";
import { ECS_DEFAULT_COOLDOWN_SECONDS, METRIC_PERIOD_SECONDS } from "./parameters";

export enum PolicyName {
    Ours = "ours",
    Cdk = "cdk",
    Seed = "seed-alarm",
    Copilot = "copilot",
    Fixed = "fixed-peak",
}

export interface PolicyDefinition {
    name: PolicyName;
    description: string;
    scaling: ScalingConfiguration;
    /** Tasks running at the start of the trace. */
    initialTasks: number;
    /** Whether something keeps the queue's metrics flowing while it is idle (the plan's keep-active schedule). */
    keepQueueActive: boolean;
}

/** The component's own design, from the plan it deploys. */
export function ourPolicy(plan: ScalingPlan): PolicyDefinition {
    return {
        name: PolicyName.Ours,
        description:
            "planScaling(): backlog-per-task target tracking, catch-up, scale-in and drain step policies, wake-up step policy when it can reach zero",
        scaling: {
            minTasks: plan.minTasks,
            maxTasks: plan.maxTasks,
            targetTracking: [{ name: "backlog", ...plan.backlog }],
            stepScaling: [
                ...(plan.wakeUp ? [{ name: "wake-up", ...plan.wakeUp }] : []),
                ...(plan.catchUp ? [{ name: "catch-up", ...plan.catchUp }] : []),
                ...(plan.scaleIn ? [{ name: "scale-in", ...plan.scaleIn }] : []),
                ...(plan.drain ? [{ name: "drain", ...plan.drain }] : []),
            ],
            schedules: plan.schedules,
        },
        initialTasks: plan.minTasks,
        keepQueueActive: plan.keepQueueActive !== undefined,
    };
}

const VISIBLE_MAXIMUM: SimulatedMetric = {
    id: "visible",
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    stat: "Maximum",
};

/** CDK's default step thresholds on visible messages: -1 at 0, +1 from 100, +5 from 500. */
export const CDK_SCALE_OUT_THRESHOLD = 100;
export const CDK_LARGE_STEP_THRESHOLD = 500;
/** CDK's queue metrics default to a five-minute period (aws-sqs Queue.metric, Metric's default period). */
export const CDK_METRIC_PERIOD_SECONDS = 300;
/** QueueProcessingFargateService also scales on CPU, target 50 %. */
export const CDK_CPU_TARGET_PERCENT = 50;

/**
 * aws-ecs-patterns QueueProcessingFargateService defaults: scaleOnMetric on ApproximateNumberOfMessagesVisible with
 * steps [{upper 0: -1}, {lower 100: +1}, {lower 500: +5}] (two alarms, 1 of 1, five-minute Maximum, Average
 * aggregation, no cooldown given), plus scaleOnCpuUtilization at 50 %. CPU is the tasks' busy fraction.
 */
export function cdkPolicy(minTasks: number, maxTasks: number): PolicyDefinition {
    const visibleQuery = { metrics: [VISIBLE_MAXIMUM], expressions: [], returnId: "visible" };
    const alarm = {
        query: visibleQuery,
        periodSeconds: CDK_METRIC_PERIOD_SECONDS,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: "missing" as const,
    };
    return {
        name: PolicyName.Cdk,
        description: "CDK QueueProcessingFargateService: steps on visible (+1 at 100, +5 at 500, -1 at 0) and CPU 50 %",
        scaling: {
            minTasks,
            maxTasks,
            targetTracking: [
                {
                    name: "cpu",
                    targetValue: CDK_CPU_TARGET_PERCENT,
                    query: {
                        metrics: [{ id: "cpu", namespace: "AWS/ECS", metricName: "CPUUtilization", stat: "Average" }],
                        expressions: [],
                        returnId: "cpu",
                    },
                    scaleOutCooldownSeconds: ECS_DEFAULT_COOLDOWN_SECONDS,
                    scaleInCooldownSeconds: ECS_DEFAULT_COOLDOWN_SECONDS,
                    disableScaleIn: false,
                },
            ],
            stepScaling: [
                {
                    name: "queue-upper",
                    adjustmentType: "ChangeInCapacity",
                    cooldownSeconds: ECS_DEFAULT_COOLDOWN_SECONDS,
                    metricAggregationType: "Average",
                    steps: [
                        {
                            lowerBound: 0,
                            upperBound: CDK_LARGE_STEP_THRESHOLD - CDK_SCALE_OUT_THRESHOLD,
                            scalingAdjustment: 1,
                        },
                        { lowerBound: CDK_LARGE_STEP_THRESHOLD - CDK_SCALE_OUT_THRESHOLD, scalingAdjustment: 5 },
                    ],
                    alarm: {
                        ...alarm,
                        threshold: CDK_SCALE_OUT_THRESHOLD,
                        comparison: "GreaterThanOrEqualToThreshold",
                    },
                },
                {
                    name: "queue-lower",
                    adjustmentType: "ChangeInCapacity",
                    cooldownSeconds: ECS_DEFAULT_COOLDOWN_SECONDS,
                    metricAggregationType: "Average",
                    steps: [{ upperBound: 0, scalingAdjustment: -1 }],
                    alarm: { ...alarm, threshold: 0, comparison: "LessThanOrEqualToThreshold" },
                },
            ],
            schedules: [],
        },
        initialTasks: minTasks,
        keepQueueActive: false,
    };
}

/**
 * The seed's job-queue-depth-high alarm: visible messages (Average) above 100 for 2 periods of 60 s. The seed names
 * no action; it is wired here to the smallest useful one, a +1 step with ECS's default cooldown. The seed has no
 * scale-in rule, so none is added.
 */
export function seedPolicy(minTasks: number, maxTasks: number): PolicyDefinition {
    return {
        name: PolicyName.Seed,
        description: "seed: alarm visible > 100 for 2 x 60 s -> +1 task, no scale-in",
        scaling: {
            minTasks,
            maxTasks,
            targetTracking: [],
            stepScaling: [
                {
                    name: "queue-depth-high",
                    adjustmentType: "ChangeInCapacity",
                    cooldownSeconds: ECS_DEFAULT_COOLDOWN_SECONDS,
                    metricAggregationType: "Average",
                    steps: [{ lowerBound: 0, scalingAdjustment: 1 }],
                    alarm: {
                        query: {
                            metrics: [{ ...VISIBLE_MAXIMUM, stat: "Average" }],
                            expressions: [],
                            returnId: "visible",
                        },
                        periodSeconds: METRIC_PERIOD_SECONDS,
                        evaluationPeriods: 2,
                        datapointsToAlarm: 2,
                        threshold: 100,
                        comparison: "GreaterThanThreshold",
                        treatMissingData: "missing",
                    },
                },
            ],
            schedules: [],
        },
        initialTasks: minTasks,
        keepQueueActive: false,
    };
}

/** Copilot's worker-service cooldowns (model): 60 s out, 120 s in. */
export const COPILOT_SCALE_OUT_COOLDOWN_SECONDS = 60;
export const COPILOT_SCALE_IN_COOLDOWN_SECONDS = 120;

/**
 * Copilot's worker service: a Lambda puts visible / max(running, 1) every minute (read from SQS and ECS directly, so
 * it has a value at zero tasks), and a target-tracking policy holds it at the backlog target.
 */
export function copilotPolicy(minTasks: number, maxTasks: number, targetBacklogPerTask: number): PolicyDefinition {
    return {
        name: PolicyName.Copilot,
        description: "Copilot: target tracking on visible / max(running, 1), cooldowns 60 s out, 120 s in",
        scaling: {
            minTasks,
            maxTasks,
            targetTracking: [
                {
                    name: "copilot-backlog",
                    targetValue: targetBacklogPerTask,
                    query: {
                        metrics: [
                            {
                                id: "backlog",
                                namespace: "Copilot/Simulated",
                                metricName: "BacklogPerTask",
                                stat: "Average",
                            },
                        ],
                        expressions: [],
                        returnId: "backlog",
                    },
                    scaleOutCooldownSeconds: COPILOT_SCALE_OUT_COOLDOWN_SECONDS,
                    scaleInCooldownSeconds: COPILOT_SCALE_IN_COOLDOWN_SECONDS,
                    disableScaleIn: false,
                },
            ],
            stepScaling: [],
            schedules: [],
        },
        initialTasks: minTasks,
        keepQueueActive: false,
    };
}

/** A fleet of `tasks` tasks that never scales. */
export function fixedPolicy(tasks: number): PolicyDefinition {
    return {
        name: PolicyName.Fixed,
        description: `fixed fleet of ${tasks} task${tasks === 1 ? "" : "s"}, sized for the trace's peak`,
        scaling: { minTasks: tasks, maxTasks: tasks, targetTracking: [], stepScaling: [], schedules: [] },
        initialTasks: tasks,
        keepQueueActive: false,
    };
}
