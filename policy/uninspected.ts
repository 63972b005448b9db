// What the pack cannot see into, and what it leaves unjudged.
//
// Some resources create the things the pack governs without being one of the types it reads: a CloudFormation stack
// or stack set, a Cloud Control resource, any aws-native resource, a Service Catalog product, a Step Functions state
// machine or an EventBridge Scheduler universal target that calls SQS, ECS or IAM, an AWS Batch job definition, an
// EventBridge target or pipe whose ECS overrides come from the event, and code that runs at deployment (dynamic
// providers, `command` resources). They fail the run unless the configuration
// accepts them by type or name, the same way an unknown remote component fails the offline run. What the pack can
// read inside them (a template's resources, JSON or YAML, a Cloud Control desired state, an aws-native resource's properties
// of a type it knows) is judged by its resource policies all the same.
//
// Separately, `stack-left-unjudged` lists, every time, what a run did not judge: those resources, task definitions and
// queues that workers use but that live outside the stack (the component's `taskDefinitionArn` and `existingQueue`),
// and roles outside the stack that tasks use.
import {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { WorkerEnvironment } from "../contract";
import { dependenciesOf, isRecord, readDocument, ResourceType, stringOf } from "./aws";
import { settings, stringListSetting } from "./config";
import { readContainers } from "./containers";
import { ecsPolicies } from "./ecs";
import { rolesTasksUse } from "./iamRoles";
import { kmsPolicies } from "./kms";
import { logPolicies } from "./logs";
import { eventControlledOverrides, launchSetting } from "./overrides";
import { attempt, decideEach, need, Unknown } from "./preview";
import { queueGraph } from "./queues";
import { snsPolicies } from "./sns";
import { sqsEncrypted } from "./sqs";
import { MAX_ENUMERATED_CONDITIONS, templateResources } from "./templates";
import { cloudFormationTypeOf, translate, TranslatedResource } from "./translate";
import { workerMaxTasksLimit, workerOnDemandBase } from "./worker";

/** The component's type token, for naming its escape hatches. */
const COMPONENT_TYPE = "background-worker:index:BackgroundWorker";

/** Services whose resources the pack governs: an SDK call on them from a state machine or schedule creates or changes those. */
const GOVERNED_SERVICES = "sqs|ecs|iam|sts|kms|sns|logs|cloudwatch|events|scheduler|pipes|cloudformation|cloudcontrol";
/** SDK actions that only read: a schedule or state machine that calls them changes nothing. */
const READ_ONLY_ACTION = /^(get|list|describe)/i;

/**
 * Terraform resource types of what the pack governs. A Terraform module run through Pulumi (`pulumi package add
 * terraform-module`) shows its resources as `<package>:tf:<Terraform type>`, in Terraform's own vocabulary, which the
 * pack's policies do not read.
 */
const GOVERNED_TERRAFORM_TYPE =
    /^aws_(sqs_|ecs_|iam_|kms_key|sns_topic_subscription|cloudwatch_(log_group|metric_alarm|event_target)|scheduler_|pipes_|cloudformation_|cloudcontrolapi_|lambda_invocation|sfn_|batch_job_definition|appautoscaling_)/;

/** What an uninspected resource may create, or undefined when it creates nothing the pack governs. */
function uninspectedReason(resource: PolicyResource): string | undefined {
    const { type } = resource;
    if (type.startsWith("aws-native:")) {
        return "an aws-native resource, which may create anything CloudFormation can";
    }
    const terraform = /^[^:]+:tf:([a-z0-9_]+)$/.exec(type);
    if (terraform && GOVERNED_TERRAFORM_TYPE.test(terraform[1])) {
        return `a Terraform module's ${terraform[1]}, which the pack's policies do not read in Terraform's vocabulary`;
    }
    switch (type) {
        case "aws:cloudformation/stack:Stack":
        case "aws:cloudformation/stackSet:StackSet":
            return "a CloudFormation template, whose resources the pack judges only by type it knows and only when the template body is in the program (JSON or YAML, CloudFormation's short forms included)";
        case "aws:cloudformation/stackSetInstance:StackSetInstance":
        case "aws:cloudformation/stackInstances:StackInstances":
            return "instances of a CloudFormation stack set, whose template is elsewhere";
        case "aws:cloudcontrol/resource:Resource":
            return "a Cloud Control resource, which may be of any CloudFormation type";
        case "aws:servicecatalog/provisionedProduct:ProvisionedProduct":
            return "a Service Catalog product, whose CloudFormation template is elsewhere";
        case "aws:serverlessrepository/cloudFormationStack:CloudFormationStack":
            return "a Serverless Application Repository application, deployed as a CloudFormation stack whose template is elsewhere";
        case "aws:lambda/invocation:Invocation":
            return "a Lambda function invoked during the deployment, whose code may call any AWS API";
        case "aws:batch/jobDefinition:JobDefinition":
            return "an AWS Batch job definition, which runs containers with a role of its own outside ECS task definitions";
        case "pulumi-nodejs:dynamic:Resource":
        case "command:local:Command":
        case "command:remote:Command":
            return "code that runs during the deployment and may call any AWS API";
        case ResourceType.EventTarget:
        case ResourceType.Pipe: {
            const controlled = attempt(() => eventControlledOverrides(resource));
            return typeof controlled === "string"
                ? `something that starts ECS tasks where ${controlled}, so the event chooses the task role, command and environment`
                : undefined;
        }
        case "aws:sfn/stateMachine:StateMachine": {
            const definition = attempt(() => String(resource.props.definition ?? ""));
            if (definition instanceof Unknown) {
                return "a Step Functions state machine whose definition is not known yet";
            }
            const integration = new RegExp(`arn:aws[a-z-]*:states:::(ecs:|aws-sdk:(${GOVERNED_SERVICES}):)`, "i");
            return integration.test(definition)
                ? "a Step Functions state machine that runs ECS tasks or calls the SQS, ECS or IAM APIs"
                : undefined;
        }
        case ResourceType.Schedule: {
            const arn = attempt(() =>
                isRecord(resource.props.target) ? stringOf(resource.props.target.arn) : undefined,
            );
            const match =
                typeof arn === "string"
                    ? new RegExp(`^arn:aws[a-z-]*:scheduler:::aws-sdk:(${GOVERNED_SERVICES}):(\\w+)$`, "i").exec(arn)
                    : null;
            // RunTask's overrides are judged like any target's; reads change nothing.
            if (!match || READ_ONLY_ACTION.test(match[2]) || /^(runTask|startTask)$/i.test(match[2])) {
                return undefined;
            }
            return `a schedule that calls ${match[1]}:${match[2]} on its own, which changes what the pack governs`;
        }
        default:
            return undefined;
    }
}

/**
 * A resource declared inside an uninspected one, read as the provider's; a template's resource may be read once per
 * choice of the conditions it could not decide (`assumes`).
 */
type InnerResource = TranslatedResource & { logicalId: string; assumes?: string; tooManyConditions?: string[] };

/** The resources declared inside an uninspected resource that the pack can read, or Unknown while they are unknown. */
function readableInside(resource: PolicyResource): InnerResource[] | Unknown {
    const read = attempt(() => {
        const props = resource.props;
        if (resource.type.startsWith("aws-native:")) {
            const declared = cloudFormationTypeOf(resource.type);
            const translated = declared ? translate(declared, props) : undefined;
            return translated ? [{ ...translated, logicalId: resource.name }] : [];
        }
        if (resource.type === "aws:cloudcontrol/resource:Resource") {
            const state = readDocument(need(attempt(() => props.desiredState)));
            const translated = translate(String(props.typeName), state.kind === "present" ? state.value : undefined);
            return translated ? [{ ...translated, logicalId: resource.name }] : [];
        }
        if (
            resource.type === "aws:cloudformation/stack:Stack" ||
            resource.type === "aws:cloudformation/stackSet:StackSet"
        ) {
            const parameters = need(attempt(() => props.parameters));
            return (templateResources(props.templateBody, parameters ?? {}) ?? []).flatMap((item) => {
                const translated = translate(item.type, item.properties);
                return translated
                    ? [
                          {
                              ...translated,
                              logicalId: item.logicalId,
                              assumes: item.assumes,
                              tooManyConditions: item.tooManyConditions,
                          },
                      ]
                    : [];
            });
        }
        return [];
    });
    return read;
}

/** Resource policies of the pack judged on what it reads inside uninspected resources (with their default settings). */
const INNER_POLICIES: ResourceValidationPolicy[] = [
    sqsEncrypted,
    ...ecsPolicies.filter((policy): policy is ResourceValidationPolicy => "validateResource" in policy),
    ...logPolicies,
    ...kmsPolicies,
    ...snsPolicies,
    workerMaxTasksLimit,
    workerOnDemandBase,
];

class NotApplicable extends Error {}

/** The inner resource policies' findings on one reading of a resource, each as `policy-name: message`. */
function findingsInside(outer: PolicyResource, inner: InnerResource, stackTags: ReadonlyMap<string, string>): string[] {
    const findings: string[] = [];
    for (const policy of INNER_POLICIES) {
        const args: ResourceValidationArgs = {
            type: inner.type,
            props: inner.props,
            urn: outer.urn,
            name: `${outer.name}/${inner.logicalId}`,
            opts: outer.opts,
            stackTags,
            isType: () => false,
            asType: () => undefined,
            getConfig: <T extends object>() => ({}) as T,
            notApplicable: (reason?: string) => {
                throw new NotApplicable(reason);
            },
        };
        for (const validate of [policy.validateResource ?? []].flat()) {
            try {
                validate(args, (message) => findings.push(`${policy.name}: ${message}`));
            } catch (error) {
                if (!(error instanceof NotApplicable)) {
                    throw error;
                }
            }
        }
    }
    return findings;
}

/**
 * Judges each resource read inside `outer` and reports every finding once on `outer`; a finding that holds only under
 * some choices of a template's undecided conditions names them (`Task (if IsProd false)`).
 */
function judgeInside(
    outer: PolicyResource,
    inner: readonly InnerResource[],
    stackTags: ReadonlyMap<string, string>,
    reportViolation: ReportViolation,
): void {
    const readings = new Map<string, InnerResource[]>();
    for (const item of inner) {
        readings.set(item.logicalId, [...(readings.get(item.logicalId) ?? []), item]);
    }
    decideEach(readings.values(), (ofResource) => {
        const holds = new Map<string, InnerResource[]>();
        for (const reading of ofResource) {
            for (const finding of new Set(findingsInside(outer, reading, stackTags))) {
                holds.set(finding, [...(holds.get(finding) ?? []), reading]);
            }
        }
        const [{ declaredType, logicalId, tooManyConditions }] = ofResource;
        if (tooManyConditions) {
            reportViolation(
                `Inside ${outer.type} ${outer.name}, ${declaredType} ${logicalId}: its properties test ` +
                    `${tooManyConditions.length} conditions the pack cannot decide (${tooManyConditions.join(", ")}), more ` +
                    `than the ${MAX_ENUMERATED_CONDITIONS} whose every combination it judges, so it cannot be judged. ` +
                    "Pass the parameters that decide them in the stack's parameters, or test fewer conditions in one resource.",
                outer.urn,
            );
            return;
        }
        for (const [finding, where] of holds) {
            const only =
                where.length < ofResource.length ? ` (if ${where.map((reading) => reading.assumes).join(" or ")})` : "";
            reportViolation(
                `Inside ${outer.type} ${outer.name}, ${declaredType} ${logicalId}${only}: ${finding}`,
                outer.urn,
            );
        }
    });
}

export const uninspectedSettings = settings<{ acceptedUninspected: string[] }>("stack-no-uninspected-resources", {
    acceptedUninspected: stringListSetting(
        "Resource types (aws:cloudformation/stack:Stack, aws-native:sqs:Queue) or resource names accepted although " +
            "the pack cannot see everything they create; an entry with a colon is a type. A name accepts a resource " +
            "only while no other such resource has it. The offline runner's --accept-uninspected adds to it.",
        [],
    ),
});

export const stackNoUninspectedResources: StackValidationPolicy = {
    name: "stack-no-uninspected-resources",
    description:
        "No resource creates what the pack governs out of its sight unless the configuration accepts it by type or " +
        "name: CloudFormation stacks and stack sets, Cloud Control resources, any aws-native resource, Service " +
        "Catalog products, Serverless Application Repository applications, Terraform modules' resources of those " +
        "kinds, Step Functions state machines that run ECS " +
        "tasks or call the SQS, ECS or IAM APIs, EventBridge Scheduler universal targets that change those, AWS Batch " +
        "job definitions, and code that runs during the deployment (Lambda invocations, dynamic providers, command " +
        "resources). What the pack can read inside them (a JSON or YAML template's resources, a Cloud Control desired " +
        "state, an aws-native resource of a type it knows) is judged by its resource policies either way, and reported " +
        "here.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Build the queue, task definition, service or role with the Pulumi AWS provider (or the component), where the " +
        "pack judges it. If the resource is reviewed some other way, list its type or name in `acceptedUninspected` " +
        "(offline: `--accept-uninspected <type or name>`); it is then listed as left unjudged on every run.",
    configSchema: uninspectedSettings.configSchema,
    validateStack: (args, reportViolation) => {
        const { acceptedUninspected } = uninspectedSettings.read(args);
        // An entry with a colon is a type token and accepts by type only, so a resource cannot be named after one.
        const acceptedTypes = acceptedUninspected.filter((entry) => entry.includes(":"));
        const acceptedNames = acceptedUninspected.filter((entry) => !entry.includes(":"));
        const uninspected = args.resources.filter(
            (resource) => attempt(() => uninspectedReason(resource)) !== undefined,
        );
        decideEach(args.resources, (resource) => {
            const reason = uninspectedReason(resource);
            if (reason === undefined) {
                return;
            }
            const namesakes = uninspected.filter((other) => other.name === resource.name);
            const byName = acceptedNames.includes(resource.name);
            if (byName && namesakes.length > 1 && !acceptedTypes.includes(resource.type)) {
                reportViolation(
                    `${resource.type} ${resource.name} is ${reason}. acceptedUninspected accepts the name ` +
                        `${resource.name}, which ${namesakes.length} resources the pack cannot see into carry ` +
                        `(${namesakes.map((other) => other.type).join(", ")}), so it accepts none of them: give them ` +
                        "distinct names or accept each by type once it is reviewed another way.",
                    resource.urn,
                );
            } else if (!acceptedTypes.includes(resource.type) && !byName) {
                reportViolation(
                    `${resource.type} ${resource.name} is ${reason}; the pack cannot judge what it creates. Accept it ` +
                        `by type or name (acceptedUninspected, or --accept-uninspected ${resource.type}) once it is ` +
                        "reviewed another way.",
                    resource.urn,
                );
            }
            judgeInside(resource, need(readableInside(resource)), args.stackTags, reportViolation);
        });
    },
};

/** Where each resource type that starts tasks names the task definition it runs. */
const TASK_DEFINITION_PATHS: Partial<Record<string, string[]>> = {
    [ResourceType.Service]: ["taskDefinition"],
    [ResourceType.TaskSet]: ["taskDefinition"],
    [ResourceType.EventTarget]: ["ecsTarget", "taskDefinitionArn"],
    [ResourceType.Schedule]: ["target", "ecsParameters", "taskDefinitionArn"],
    [ResourceType.Pipe]: ["targetParameters", "ecsTaskParameters", "taskDefinitionArn"],
};

/** The task definition `resource` runs, as written; undefined when it runs none or one of the stack by dependency. */
function taskDefinitionReference(resource: PolicyResource): string | undefined {
    const path = TASK_DEFINITION_PATHS[resource.type];
    if (!path) {
        return undefined;
    }
    const value = attempt(() => launchSetting(resource, path).value);
    if (value instanceof Unknown) {
        if (dependenciesOf(resource, path[0], ResourceType.TaskDefinition).length > 0) {
            return undefined;
        }
        throw value.error;
    }
    return stringOf(value);
}

export const stackLeftUnjudged: StackValidationPolicy = {
    name: "stack-left-unjudged",
    description:
        "Lists, on every run, what the pack did not judge: resources it cannot see into (accepted or not), task " +
        "definitions that services, targets, schedules or pipes run but that are not in the stack (the component's " +
        "`taskDefinitionArn`), queues that workers consume but that are not in the stack (the component's " +
        "`existingQueue`), and roles outside the stack that tasks use. Advisory: each is a place to look, not a " +
        "failure; the policies that fail on them say so.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
        "Bring what is listed into the stack where the pack can judge it, or make sure a policy run of the stack that " +
        "owns it judges it.",
    validateStack: (args, reportViolation) => {
        const taskDefinitions = args.resources.filter((resource) => resource.type === ResourceType.TaskDefinition);
        const ownTaskDefinition = (reference: string) =>
            taskDefinitions.some((definition) =>
                [
                    attempt(() => definition.props.arn),
                    attempt(() => definition.props.arnWithoutRevision),
                    attempt(() => definition.props.family),
                ].some(
                    (known) => typeof known === "string" && (reference === known || reference.startsWith(`${known}:`)),
                ),
            );
        const graph = queueGraph(args.resources);
        decideEach(args.resources, (resource) => {
            const reason = uninspectedReason(resource);
            if (reason !== undefined) {
                reportViolation(
                    `${resource.type} ${resource.name} is ${reason}: what it creates is not judged.`,
                    resource.urn,
                );
            }
            if (resource.type === COMPONENT_TYPE) {
                for (const [hatch, what] of [
                    ["taskDefinitionArn", "the task definition it runs (containers, roles, secrets) is not judged"],
                    [
                        "existingQueue",
                        "the queue it consumes (encryption, dead-letter queue, TLS, access) is not judged here",
                    ],
                ] as const) {
                    if (need(attempt(() => resource.props[hatch])) !== undefined) {
                        reportViolation(`BackgroundWorker ${resource.name} is given ${hatch}: ${what}.`, resource.urn);
                    }
                }
            }
            const reference = taskDefinitionReference(resource);
            if (reference !== undefined && !ownTaskDefinition(reference)) {
                reportViolation(
                    `${resource.name} runs task definition ${reference}, which is not in this stack: its containers, ` +
                        "roles and secrets are not judged.",
                    resource.urn,
                );
            }
            if (resource.type === ResourceType.TaskDefinition) {
                const read = readContainers(need(attempt(() => resource.props.containerDefinitions)));
                for (const container of read.ok ? read.containers : []) {
                    for (const variable of need(container.environment)) {
                        const url = variable.name === WorkerEnvironment.QueueUrl ? need(variable.value) : undefined;
                        if (url && !graph.byUrl(url)) {
                            reportViolation(
                                `Container ${container.name} of ${resource.name} consumes ${url}, which is no queue of ` +
                                    "this stack: its encryption, dead-letter queue, TLS and access policies are not judged here.",
                                resource.urn,
                            );
                        }
                    }
                }
            }
        });
        decideEach(rolesTasksUse(args.resources), (entry) => {
            if ("unknown" in entry) {
                throw entry.unknown.error;
            }
            if ("reference" in entry) {
                reportViolation(
                    `The ${entry.via} names ${entry.reference}, which is no role of this stack: what it grants is not judged here.`,
                    entry.namedBy.urn,
                );
            }
        });
    },
};

export const uninspectedPolicies = [stackNoUninspectedResources, stackLeftUnjudged];
