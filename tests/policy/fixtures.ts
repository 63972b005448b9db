// Plain resource fixtures for the policy tests: what a program registers, in the two forms the pack must read. The
// "component" form is what BackgroundWorker registers (separate RedrivePolicy and QueuePolicy resources, JSON strings,
// children of the component); the "hand-built" form is what a team writes itself (inline redrivePolicy and policy,
// objects instead of JSON, top-level resources). Outputs are realistic and distinct per resource, as the shared mocks
// make them, so a link to the wrong queue resolves to the wrong ARN.
import { Policies } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { BackgroundWorker, BackgroundWorkerArgs } from "../../components/index";
import { recordResources } from "../../tooling/mocks";
import { minimalArgs } from "../support/worker";
import { Evaluation, evaluatePolicies, EvaluateOptions, Finding, StackResource } from "../../scripts/policyEngine";

export const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const PROJECT = "background-worker";
const COMPONENT_TYPE = "background-worker:index:BackgroundWorker";

type Props = Record<string, unknown>;

interface FixtureOptions {
    stack?: string;
    /** Registered as a child of a BackgroundWorker component (the URN carries the parent type). */
    component?: boolean;
}

export function resource(
    type: string,
    name: string,
    inputs: Props,
    outputs: Props = {},
    options: FixtureOptions = {},
): StackResource {
    const qualifiedType = options.component ? `${COMPONENT_TYPE}$${type}` : type;
    const stack = options.stack ?? "dev";
    return {
        urn: `urn:pulumi:${stack}::${PROJECT}::${qualifiedType}::${name}`,
        type,
        name,
        parent: options.component ? `urn:pulumi:${stack}::${PROJECT}::${COMPONENT_TYPE}::worker` : undefined,
        custom: true,
        inputs,
        outputs: { ...inputs, ...outputs },
        options: { protect: false, ignoreChanges: [], dependsOn: [] },
    };
}

export function queueArn(queueName: string): string {
    return `arn:aws:sqs:${REGION}:${ACCOUNT}:${queueName}`;
}

export function queueUrl(queueName: string): string {
    return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${queueName}`;
}

/** A queue whose physical name is its logical name, with the outputs the provider computes. */
export function queue(name: string, inputs: Props = {}, options: FixtureOptions = {}): StackResource {
    const url = queueUrl(name);
    return resource("aws:sqs/queue:Queue", name, inputs, { name, arn: queueArn(name), url, id: url }, options);
}

export function arnOf(queueResource: StackResource): string {
    return queueResource.outputs.arn as string;
}

export function urlOf(queueResource: StackResource): string {
    return queueResource.outputs.url as string;
}

export function redriveDocument(deadLetterQueue: StackResource, maxReceiveCount = 5): string {
    return JSON.stringify({ deadLetterTargetArn: arnOf(deadLetterQueue), maxReceiveCount });
}

export function redrivePolicy(
    name: string,
    source: StackResource,
    deadLetterQueue: StackResource,
    options: FixtureOptions = {},
): StackResource {
    return resource(
        "aws:sqs/redrivePolicy:RedrivePolicy",
        name,
        {
            queueUrl: urlOf(source),
            redrivePolicy: redriveDocument(deadLetterQueue),
        },
        {},
        options,
    );
}

/** The TLS-only statement the component writes, for the queue with `resourceArn`. */
export function tlsDenyStatement(resourceArn: string): Props {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: resourceArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

export function policyDocument(...statements: Props[]): Props {
    return { Version: "2012-10-17", Statement: statements };
}

/** An aws:sqs/queuePolicy attached to `target`'s URL, denying plain HTTP on `target` (as a JSON string). */
export function tlsQueuePolicy(name: string, target: StackResource, options: FixtureOptions = {}): StackResource {
    return resource(
        "aws:sqs/queuePolicy:QueuePolicy",
        name,
        {
            queueUrl: urlOf(target),
            policy: JSON.stringify(policyDocument(tlsDenyStatement(arnOf(target)))),
        },
        {},
        options,
    );
}

/** The queues the component registers for one worker: queue, dead-letter queue, redrive, redrive-allow, policies. */
export function componentQueues(
    name: string,
    queueInputs: Props = {},
    deadLetterInputs: Props = {},
    stack = "dev",
): StackResource[] {
    const options = { component: true, stack };
    const deadLetterQueue = queue(
        `${name}-dlq`,
        { sqsManagedSseEnabled: true, messageRetentionSeconds: 1_209_600, ...deadLetterInputs },
        options,
    );
    const jobQueue = queue(
        `${name}-queue`,
        { sqsManagedSseEnabled: true, visibilityTimeoutSeconds: 300, messageRetentionSeconds: 345_600, ...queueInputs },
        options,
    );
    return [
        deadLetterQueue,
        jobQueue,
        redrivePolicy(`${name}-redrive`, jobQueue, deadLetterQueue, options),
        resource(
            "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
            `${name}-dlq-redrive-allow`,
            {
                queueUrl: urlOf(deadLetterQueue),
                redriveAllowPolicy: JSON.stringify({
                    redrivePermission: "byQueue",
                    sourceQueueArns: [arnOf(jobQueue)],
                }),
            },
            {},
            options,
        ),
        tlsQueuePolicy(`${name}-queue-policy`, jobQueue, options),
        tlsQueuePolicy(`${name}-dlq-policy`, deadLetterQueue, options),
    ];
}

/** A container definition as the component writes it, with `overrides` on top. */
export function container(overrides: Props = {}): Props {
    return {
        name: "worker",
        image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/job-worker:1.0.0`,
        essential: true,
        environment: [{ name: "QUEUE_URL", value: queueUrl("job-worker-queue") }],
        stopTimeout: 120,
        readonlyRootFilesystem: true,
        logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": "job-worker-logs", "awslogs-region": REGION },
        },
        ...overrides,
    };
}

/** A task definition; `containers` are serialised to JSON like the provider expects unless `asObjects`. */
export function taskDefinition(
    name: string,
    containers: Props[],
    inputs: Props = {},
    options: FixtureOptions & { asObjects?: boolean } = {},
): StackResource {
    return resource(
        "aws:ecs/taskDefinition:TaskDefinition",
        name,
        {
            family: name,
            containerDefinitions: options.asObjects ? containers : JSON.stringify(containers),
            executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/${name}-execution`,
            taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/${name}-task`,
            ...inputs,
        },
        {},
        options,
    );
}

/** A role of the fixtures' account by name. */
export const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

/** A task role's trust as a team writes it: ECS tasks of this account only. */
export const SCOPED_ECS_TRUST = policyDocument({
    Effect: "Allow",
    Principal: { Service: "ecs-tasks.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
});

/** A hand-built role named `name`, trusting `trust` (ECS tasks of this account by default). */
export function role(
    name: string,
    trust: unknown = JSON.stringify(SCOPED_ECS_TRUST),
    inputs: Props = {},
): StackResource {
    return resource(
        "aws:iam/role:Role",
        name,
        { assumeRolePolicy: trust, ...inputs },
        { name, arn: roleArn(name), id: name },
    );
}

/** A hand-built task: task role "api-task", execution role "api-execution", and a task definition naming both. */
export function handBuiltTask(
    taskRole = role("api-task"),
    executionRole = role("api-execution"),
    inputs: Props = {},
): StackResource[] {
    return [
        taskRole,
        executionRole,
        taskDefinition("api", [container()], {
            taskRoleArn: taskRole.outputs.arn,
            executionRoleArn: executionRole.outputs.arn,
            ...inputs,
        }),
    ];
}

export function service(name: string, inputs: Props = {}, options: FixtureOptions = {}): StackResource {
    return resource(
        "aws:ecs/service:Service",
        name,
        {
            capacityProviderStrategies: [
                { capacityProvider: "FARGATE", weight: 1, base: 1 },
                { capacityProvider: "FARGATE_SPOT", weight: 4 },
            ],
            networkConfiguration: { assignPublicIp: false, subnets: ["subnet-0feed00000000a001"] },
            deploymentCircuitBreaker: { enable: true, rollback: true },
            ...inputs,
        },
        {},
        options,
    );
}

type Policy = Policies[number];

/**
 * The same resources as a `pulumi preview` of a new stack sees them: the provider-computed outputs (arn, url, id) are
 * not known yet, and neither is any input built from one (a JSON string embedding a queue ARN is unknown as a whole).
 */
export function planned(resources: StackResource[]): StackResource[] {
    const computedOf = (item: StackResource) =>
        ["arn", "url", "id"]
            .map((key) => item.outputs[key])
            .filter((value): value is string => typeof value === "string");
    const computed = resources.flatMap(computedOf);
    /** Whether `text` holds `known` as a whole value (not as the prefix of a longer name, orders in orders-dlq). */
    const mentions = (text: string, known: string) =>
        text
            .split(known)
            .slice(1)
            .some((after) => !/^[\w.-]/.test(after));
    const plan = (value: unknown): unknown => {
        if (typeof value === "string") {
            return computed.some((known) => mentions(value, known)) ? undefined : value;
        }
        if (Array.isArray(value)) {
            return value.map(plan);
        }
        if (typeof value === "object" && value !== null) {
            return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plan(inner)]));
        }
        return value;
    };
    // The engine records, per input property, the resources whose outputs it was built from.
    const builtFrom = (item: StackResource, value: unknown) => {
        const text = JSON.stringify(value) ?? "";
        return resources
            .filter((other) => other !== item && computedOf(other).some((known) => mentions(text, known)))
            .map((other) => other.urn);
    };
    return resources.map((item) => {
        const inputs = plan(item.inputs) as Props;
        const propertyDependencies: Record<string, string[]> = Object.fromEntries(
            Object.entries(item.inputs)
                .map(([key, value]): [string, string[]] => [key, builtFrom(item, value)])
                .filter(([, urns]) => urns.length > 0),
        );
        const dependsOn = [...new Set(Object.values(propertyDependencies).flat())];
        return {
            ...item,
            inputs,
            outputs: { ...inputs },
            options: { ...item.options, dependsOn, propertyDependencies },
        };
    });
}

export async function evaluate(
    policy: Policy,
    resources: StackResource[],
    options: Partial<EvaluateOptions> = {},
): Promise<Evaluation> {
    return evaluatePolicies([policy], resources, { preview: false, ...options });
}

/** The violations `policy` reports over `resources`, as "<resource name>: <message>" (or "stack: ..."). */
export async function violations(
    policy: Policy,
    resources: StackResource[],
    options: Partial<EvaluateOptions> = {},
): Promise<string[]> {
    const { findings } = await evaluate(policy, resources, options);
    return label(
        findings.filter((finding) => finding.kind === "violation"),
        resources,
    );
}

/** The findings `policy` could not decide in preview, described like violations. */
export async function undecided(
    policy: Policy,
    resources: StackResource[],
    options: Partial<EvaluateOptions> = {},
): Promise<string[]> {
    const { findings } = await evaluate(policy, resources, { preview: true, ...options });
    return label(
        findings.filter((finding) => finding.kind === "undecided"),
        resources,
    );
}

function label(findings: Finding[], resources: StackResource[]): string[] {
    return findings.map((finding) => {
        const subject = resources.find((candidate) => candidate.urn === finding.urn)?.name ?? "stack";
        return `${subject}: ${finding.message}`;
    });
}

/**
 * What the BackgroundWorker component registers for `overrides` on top of the smallest valid worker, under the shared
 * mocks: the component-built case of every policy. In preview, outputs are unknown as in `pulumi preview`.
 */
export function componentStack(
    overrides: Partial<BackgroundWorkerArgs> = {},
    preview = false,
): Promise<StackResource[]> {
    return recordResources(() => new BackgroundWorker("jobs", minimalArgs(overrides)), { preview });
}

/**
 * A program around the component, under the shared mocks: the worker "jobs" and whatever `around` adds with its
 * outputs (an attachment to its task role, a transform of its task definition), as an attacker would write it.
 */
export function componentProgram(
    around: (worker: BackgroundWorker) => void,
    overrides: Partial<BackgroundWorkerArgs> = {},
    options: { preview?: boolean; opts?: pulumi.ComponentResourceOptions } = {},
): Promise<StackResource[]> {
    return recordResources(() => around(new BackgroundWorker("jobs", minimalArgs(overrides), options.opts)), {
        preview: options.preview,
    });
}
