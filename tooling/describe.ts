// How the offline plan and the replacement snapshot read a registered resource: the settings worth a glance, and the
// inputs whose change makes the provider replace it (a replaced queue loses its messages).
import { parseJsonOrRaw } from "../stack/config";
import { ContainerDefinition, RegisteredResource } from "./mocks";

/** Inputs that force a replacement when they change, per type (from the AWS provider's schema: ForceNew). */
const REPLACEMENT_INPUTS: Readonly<Record<string, readonly string[]>> = {
    "aws:sqs/queue:Queue": ["name", "namePrefix", "fifoQueue"],
    "aws:ecs/cluster:Cluster": ["name"],
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": ["clusterName"],
    "aws:ecs/service:Service": ["name", "cluster"],
    "aws:ecs/taskDefinition:TaskDefinition": ["family"],
    "aws:iam/role:Role": ["name", "namePrefix"],
    "aws:iam/rolePolicy:RolePolicy": ["name", "role"],
    "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix"],
    "aws:ec2/securityGroup:SecurityGroup": ["name", "description", "vpcId"],
    "aws:appautoscaling/target:Target": ["resourceId", "scalableDimension", "serviceNamespace"],
    "aws:appautoscaling/policy:Policy": ["name", "resourceId", "scalableDimension", "serviceNamespace"],
    "aws:appautoscaling/scheduledAction:ScheduledAction": [
        "name",
        "resourceId",
        "scalableDimension",
        "serviceNamespace",
    ],
    "aws:cloudwatch/metricAlarm:MetricAlarm": ["name"],
    "aws:cloudwatch/dashboard:Dashboard": ["dashboardName"],
    "aws:scheduler/schedule:Schedule": ["name", "groupName"],
    "aws:sns/topic:Topic": ["name", "namePrefix", "fifoTopic"],
    "aws:sns/topicSubscription:TopicSubscription": ["topic", "endpoint", "protocol"],
    "aws:cloudwatch/eventRule:EventRule": ["name", "eventBusName"],
    "aws:cloudwatch/eventTarget:EventTarget": ["rule", "targetId", "eventBusName"],
    "aws:kms/key:Key": [],
};

/** NAT gateway hours in us-east-1 (the VPC pricing page); data processed costs the same again per GB. */
const NAT_GATEWAY_DOLLARS_PER_HOUR = 0.045;
/** AWS prices a month as 730 hours. */
const HOURS_PER_MONTH = 730;

/** The name at the end of an ARN: a topic's, or an Application Auto Scaling policy's. */
function arnName(arn: string): string {
    return arn.includes(":policyName/") ? arn.split(":policyName/")[1] : (arn.split(":").pop() ?? arn);
}

/** Who an alarm notifies: each action's name, or a warning sign when none. */
function alarmActions(inputs: Record<string, unknown>): string {
    const actions = (inputs.alarmActions ?? []) as (string | undefined)[];
    if (actions.length === 0) {
        return "NOTIFIES NO ONE";
    }
    return `actions: ${actions.map((action) => (action === undefined ? "(known at deployment)" : arnName(action))).join(", ")}`;
}

/** The NAT gateways a VPC gets and what they cost a month to run, before the data they process. */
function natGateways(inputs: Record<string, unknown>): string {
    const strategy = (inputs.natGateways as { strategy?: string } | undefined)?.strategy ?? "OnePerAz";
    const zones = typeof inputs.numberOfAvailabilityZones === "number" ? inputs.numberOfAvailabilityZones : 3;
    const count = strategy === "None" ? 0 : strategy === "Single" ? 1 : zones;
    const dollars = count * NAT_GATEWAY_DOLLARS_PER_HOUR * HOURS_PER_MONTH;
    return (
        `NAT gateways: ${strategy}, ${count} in ${zones} availability zones, $${dollars.toFixed(2)} a month ` +
        `(us-east-1 prices) plus $${NAT_GATEWAY_DOLLARS_PER_HOUR} per GB processed`
    );
}

function duration(seconds: unknown): string {
    if (typeof seconds !== "number") {
        return "default";
    }
    if (seconds >= 86_400 && seconds % 86_400 === 0) {
        return `${seconds / 86_400} d`;
    }
    return seconds >= 3_600 && seconds % 3_600 === 0 ? `${seconds / 3_600} h` : `${seconds} s`;
}

interface PolicyDocument {
    Statement?: { Sid?: string; Effect?: string; Action?: string | string[] }[];
}

function statements(document: unknown): string {
    const parsed = parseJsonOrRaw(document) as PolicyDocument;
    return (parsed?.Statement ?? [])
        .map((statement) => `${statement.Sid ?? statement.Effect}: ${[statement.Action ?? []].flat().join(", ")}`)
        .join("; ");
}

interface StrategyItem {
    capacityProvider: string;
    weight?: number;
    base?: number;
}
interface MetricQuery {
    id: string;
    expression?: string;
    returnData?: boolean;
}

/** A one-line summary of the settings that matter for a resource, or "" when nothing stands out. */
export function summarize(resource: RegisteredResource): string {
    const inputs = resource.inputs;
    switch (resource.type) {
        case "aws:sqs/queue:Queue":
            return [
                `visibility ${duration(inputs.visibilityTimeoutSeconds)}`,
                `retention ${duration(inputs.messageRetentionSeconds)}`,
                inputs.receiveWaitTimeSeconds !== undefined
                    ? `long poll ${duration(inputs.receiveWaitTimeSeconds)}`
                    : "",
                inputs.fifoQueue ? "FIFO" : "",
                inputs.kmsMasterKeyId ? "KMS" : inputs.sqsManagedSseEnabled ? "SSE-SQS" : "UNENCRYPTED",
            ]
                .filter(Boolean)
                .join(", ");
        case "aws:sqs/redrivePolicy:RedrivePolicy": {
            const policy = parseJsonOrRaw(inputs.redrivePolicy) as {
                deadLetterTargetArn?: string;
                maxReceiveCount?: number;
            };
            return `to ${policy?.deadLetterTargetArn?.split(":").pop()} after ${policy?.maxReceiveCount} receives`;
        }
        case "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": {
            const policy = parseJsonOrRaw(inputs.redriveAllowPolicy) as { sourceQueueArns?: string[] };
            return `only from ${(policy?.sourceQueueArns ?? []).map((arn) => arn.split(":").pop()).join(", ")}`;
        }
        case "aws:sqs/queuePolicy:QueuePolicy":
        case "aws:iam/rolePolicy:RolePolicy":
            return statements(inputs.policy);
        case "aws:ecs/cluster:Cluster": {
            const settings = (inputs.settings ?? []) as { name: string; value: string }[];
            return settings.map((setting) => `${setting.name}=${setting.value}`).join(", ");
        }
        case "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders":
            return ((inputs.capacityProviders ?? []) as string[]).join(", ");
        case "aws:ecs/service:Service": {
            const strategy = ((inputs.capacityProviderStrategies ?? []) as StrategyItem[])
                .map((item) => `${item.capacityProvider} weight ${item.weight ?? 0} base ${item.base ?? 0}`)
                .join(" + ");
            const network = inputs.networkConfiguration as { assignPublicIp?: boolean } | undefined;
            return `${strategy}; ${network?.assignPublicIp ? "PUBLIC IP" : "private"}; circuit breaker with rollback; desiredCount ignored after create`;
        }
        case "aws:ecs/taskDefinition:TaskDefinition": {
            const [container] = (parseJsonOrRaw(inputs.containerDefinitions) ?? []) as Partial<ContainerDefinition>[];
            return (
                `${inputs.cpu} CPU units, ${inputs.memory} MiB; ${container?.image}; stopTimeout ${container?.stopTimeout} s; ` +
                `${container?.readonlyRootFilesystem ? "read-only root" : "WRITABLE ROOT"}; ` +
                `env ${(container?.environment ?? []).map((variable) => variable.name).join(", ")}` +
                ((container?.secrets ?? []).length
                    ? `; secrets ${(container?.secrets ?? []).map((secret) => secret.name).join(", ")}`
                    : "")
            );
        }
        case "aws:cloudwatch/logGroup:LogGroup":
            return `retention ${inputs.retentionInDays} days`;
        case "aws:appautoscaling/target:Target":
            return `tasks ${inputs.minCapacity}..${inputs.maxCapacity}`;
        case "aws:appautoscaling/policy:Policy": {
            const tracking = inputs.targetTrackingScalingPolicyConfiguration as
                | {
                      targetValue?: number;
                      customizedMetricSpecification?: { metrics?: MetricQuery[] };
                  }
                | undefined;
            if (tracking) {
                const expression = tracking.customizedMetricSpecification?.metrics?.find(
                    (metric) => metric.returnData,
                )?.expression;
                return `target tracking: ${expression} = ${tracking.targetValue}`;
            }
            const step = inputs.stepScalingPolicyConfiguration as {
                adjustmentType?: string;
                cooldown?: number;
                stepAdjustments?: { scalingAdjustment: number }[];
            };
            return `step scaling: ${step?.adjustmentType} ${(step?.stepAdjustments ?? []).map((adjustment) => `${adjustment.scalingAdjustment > 0 ? "+" : ""}${adjustment.scalingAdjustment}`).join(", ")}, cooldown ${step?.cooldown} s`;
        }
        case "aws:cloudwatch/metricAlarm:MetricAlarm": {
            const expression =
                ((inputs.metricQueries ?? []) as MetricQuery[]).find((query) => query.returnData)?.expression ??
                `${inputs.metricName}`;
            return `${expression} ${inputs.comparisonOperator} ${inputs.threshold} for ${inputs.datapointsToAlarm ?? inputs.evaluationPeriods} of ${inputs.evaluationPeriods} periods; missing data: ${inputs.treatMissingData}; ${alarmActions(inputs)}`;
        }
        case "aws:cloudwatch/dashboard:Dashboard": {
            const body = parseJsonOrRaw(inputs.dashboardBody) as { widgets?: { type: string }[] } | undefined;
            const widgets = body?.widgets ?? [];
            const count = (type: string) => widgets.filter((widget) => widget.type === type).length;
            return (
                `${inputs.dashboardName}: ${widgets.length} widgets (${count("metric")} graphs, ` +
                `${count("alarm")} alarm status, ${count("text")} text)`
            );
        }
        case "aws:appautoscaling/scheduledAction:ScheduledAction": {
            const action = inputs.scalableTargetAction as { minCapacity?: number; maxCapacity?: number } | undefined;
            return `${inputs.schedule} (${inputs.timezone ?? "UTC"}): min ${action?.minCapacity ?? "-"}, max ${action?.maxCapacity ?? "-"}`;
        }
        case "aws:scheduler/schedule:Schedule":
            return `${inputs.scheduleExpression}`;
        case "aws:sns/topicSubscription:TopicSubscription":
            return [
                `${inputs.protocol} from ${typeof inputs.topic === "string" ? inputs.topic.split(":").pop() : "a topic known at deployment"}`,
                inputs.rawMessageDelivery ? "raw delivery" : "SNS envelope",
                inputs.filterPolicy
                    ? `filter on ${inputs.filterPolicyScope ?? "MessageAttributes"}: ${inputs.filterPolicy}`
                    : "",
            ]
                .filter(Boolean)
                .join("; ");
        case "aws:cloudwatch/eventRule:EventRule":
            return `bus ${inputs.eventBusName ?? "default"}: ${inputs.eventPattern}`;
        case "aws:cloudwatch/eventTarget:EventTarget": {
            const sqsTarget = inputs.sqsTarget as { messageGroupId?: string } | undefined;
            return `to ${String(inputs.arn ?? "")
                .split(":")
                .pop()}${sqsTarget?.messageGroupId ? `, message group ${sqsTarget.messageGroupId}` : ""}`;
        }
        case "awsx:ec2:Vpc":
            return (
                `${natGateways(inputs)}; a remote component: its subnets, route tables and NAT gateways are created by the awsx ` +
                "plugin and are not shown here"
            );
        default:
            return "";
    }
}

/** The replacement-relevant identity of each resource: its URN and the inputs that force a replacement. */
export function replacementSnapshot(resources: RegisteredResource[]): Record<string, Record<string, unknown>> {
    const snapshot: Record<string, Record<string, unknown>> = {};
    for (const resource of [...resources].sort((a, b) => a.urn.localeCompare(b.urn))) {
        const keys = REPLACEMENT_INPUTS[resource.type] ?? [];
        snapshot[resource.urn] = Object.fromEntries(
            keys.filter((key) => resource.inputs[key] !== undefined).map((key) => [key, resource.inputs[key]]),
        );
    }
    return snapshot;
}
