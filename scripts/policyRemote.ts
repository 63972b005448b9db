// Remote (multi-language) components run in their provider's plugin, so an offline run under mocks sees the component
// and none of its children: a policy cannot judge what it cannot see. This table says which resource types the pack
// governs that each known component creates; the offline runner fails on a component that creates any (or that it
// does not know) unless the user names it as accepted, and only lists the ones that create none.
import { StackResource } from "./policyEngine";

/**
 * Type prefixes of the resources the pack's policies judge: ECS, SQS, IAM, CloudWatch logs and alarms, what starts
 * tasks (EventBridge targets, schedules, pipes), KMS keys and SNS subscriptions.
 */
const GOVERNED_TYPE_PREFIXES = [
    "aws:ecs/",
    "aws:sqs/",
    "aws:iam/",
    "aws:cloudwatch/logGroup:",
    "aws:cloudwatch/metricAlarm:",
    "aws:cloudwatch/eventTarget:",
    "aws:scheduler/",
    "aws:pipes/",
    "aws:kms/key:",
    "aws:sns/topicSubscription:",
];

/** What known remote components create, as documented by their packages (awsx 3.x). */
const REMOTE_COMPONENT_CHILDREN: Record<string, string[]> = {
    "awsx:ecs:FargateService": [
        "aws:ecs/service:Service",
        "aws:ecs/taskDefinition:TaskDefinition",
        "aws:iam/role:Role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:cloudwatch/logGroup:LogGroup",
    ],
    "awsx:ecs:EC2Service": [
        "aws:ecs/service:Service",
        "aws:ecs/taskDefinition:TaskDefinition",
        "aws:iam/role:Role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:cloudwatch/logGroup:LogGroup",
    ],
    "awsx:ecs:FargateTaskDefinition": [
        "aws:ecs/taskDefinition:TaskDefinition",
        "aws:iam/role:Role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:cloudwatch/logGroup:LogGroup",
    ],
    "awsx:ecs:EC2TaskDefinition": [
        "aws:ecs/taskDefinition:TaskDefinition",
        "aws:iam/role:Role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:cloudwatch/logGroup:LogGroup",
    ],
    "awsx:cloudtrail:Trail": [
        "aws:cloudtrail/trail:Trail",
        "aws:s3/bucketV2:BucketV2",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:iam/role:Role",
    ],
    "awsx:ec2:Vpc": [
        "aws:ec2/vpc:Vpc",
        "aws:ec2/subnet:Subnet",
        "aws:ec2/routeTable:RouteTable",
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/natGateway:NatGateway",
        "aws:ec2/eip:Eip",
    ],
    "awsx:ec2:DefaultVpc": [],
    "awsx:lb:ApplicationLoadBalancer": [
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:lb/targetGroup:TargetGroup",
        "aws:lb/listener:Listener",
        "aws:ec2/securityGroup:SecurityGroup",
    ],
    "awsx:lb:NetworkLoadBalancer": [
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:lb/targetGroup:TargetGroup",
        "aws:lb/listener:Listener",
    ],
    "awsx:ecr:Repository": ["aws:ecr/repository:Repository", "aws:ecr/lifecyclePolicy:LifecyclePolicy"],
    "awsx:ecr:Image": [],
};

export interface UninspectedComponent {
    type: string;
    name: string;
    urn: string;
    /** The governed resource types it creates; undefined when the component is not in the table, so it may create any. */
    governed: string[] | undefined;
    /** Named by the user as accepted uninspected. */
    accepted: boolean;
    /** Whether it fails the run: it may create governed resources and was not accepted. */
    fails: boolean;
}

/** The remote components among `resources`, judged against `accepted` (component type tokens or resource names). */
export function uninspectedComponents(
    resources: (StackResource & { remote?: boolean })[],
    accepted: string[],
): UninspectedComponent[] {
    return resources
        .filter((resource) => resource.remote)
        .map((resource) => {
            const children = REMOTE_COMPONENT_CHILDREN[resource.type];
            const governed = children?.filter((type) =>
                GOVERNED_TYPE_PREFIXES.some((prefix) => type.startsWith(prefix)),
            );
            const isAccepted = accepted.includes(resource.type) || accepted.includes(resource.name);
            const createsGoverned = governed === undefined || governed.length > 0;
            return {
                type: resource.type,
                name: resource.name,
                urn: resource.urn,
                governed,
                accepted: isAccepted,
                fails: createsGoverned && !isAccepted,
            };
        });
}
