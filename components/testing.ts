// Unit-testing a Pulumi program that uses the component, without AWS or the Pulumi CLI: `@background-worker/pulumi/testing`.
// Pulumi's runtime mocks answer every resource with whatever the test returns; the component reads some of those
// answers (a cluster's ARN gives the region and account its roles are scoped to), so mocks that return `arn:aws:mock`
// strings make it fail. These mocks answer as AWS would: ARNs, names, URLs and IDs in AWS's formats, distinct per
// resource, so a test can also tell which resource got wired where. Only @pulumi/pulumi is imported.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** The account ID in every ARN the mocks make, unless `accountId` says otherwise. */
export const MOCK_ACCOUNT_ID = "123456789012";
/** The region in every ARN and URL the mocks make, unless `region` says otherwise. */
export const MOCK_REGION = "us-east-1";
/** The VPC every mocked subnet belongs to. */
export const MOCK_VPC_ID = "vpc-0a1b2c3d4e5f60718";

/** Where the mocked resources live. */
export interface AwsMockOptions {
    /** The 12-digit account ID in ARNs and queue URLs. Defaults to 123456789012. */
    accountId?: string;
    /** The region in ARNs and URLs, and what `aws.getRegion()` returns. Defaults to us-east-1. */
    region?: string;
    /**
     * Answer as `pulumi preview` does: resources get no ID and only their inputs back, so computed outputs (ARNs,
     * URLs) stay unknown and an `apply` on them never runs. Defaults to false, as in `pulumi up`.
     */
    preview?: boolean;
}

/** What `setAwsMocks` installs: the mocks, and the project, stack and config the program reads. */
export interface AwsMockRun extends AwsMockOptions {
    /** The project name (`pulumi.getProject()`), which is also the namespace of bare config keys. Defaults to "project". */
    project?: string;
    /** The stack name (`pulumi.getStack()`). Defaults to "stack". */
    stack?: string;
    /**
     * The stack config, as `Pulumi.<stack>.yaml` gives it: `{ "my-project:image": "...", subnetIds: [...] }`. A key
     * without a namespace belongs to the project; a value that is not a string is stored as JSON, as
     * `pulumi config set --path` does, so `config.requireObject` reads it back.
     */
    config?: Record<string, unknown>;
}

type State = Record<string, unknown>;

/** Pulumi's auto-naming: the resource name, a dash and seven characters; here derived from the name, so stable. */
export function mockPhysicalName(name: string): string {
    return `${name}-${hex(name, 7, "sha1")}`;
}

function hex(seed: string, length: number, algorithm = "sha256"): string {
    return crypto.createHash(algorithm).update(seed).digest("hex").slice(0, length);
}

/** An ARN in the mocked account and region (pass region "" for global services such as IAM). */
export function mockArn(service: string, resource: string, options: AwsMockOptions = {}): string {
    const region = options.region ?? MOCK_REGION;
    return `arn:aws:${service}:${region}:${options.accountId ?? MOCK_ACCOUNT_ID}:${resource}`;
}

/**
 * The ID and the provider-computed outputs AWS would return for a resource of `type` named `name`. Types the mocks
 * do not know get an ID and an ARN built from the type's module and resource name.
 */
export function mockResourceState(
    type: string,
    name: string,
    inputs: State,
    options: AwsMockOptions = {},
): { id: string; state: State } {
    const given = (key: string) => (typeof inputs[key] === "string" ? (inputs[key] as string) : undefined);
    const region = options.region ?? MOCK_REGION;
    const account = options.accountId ?? MOCK_ACCOUNT_ID;
    const arn = (service: string, resource: string) => mockArn(service, resource, options);
    const physical = given("name") ?? mockPhysicalName(name);
    switch (type) {
        case "aws:sqs/queue:Queue": {
            const queueName = given("name") ?? (inputs.fifoQueue ? `${mockPhysicalName(name)}.fifo` : physical);
            const url = `https://sqs.${region}.amazonaws.com/${account}/${queueName}`;
            return { id: url, state: { name: queueName, arn: arn("sqs", queueName), url } };
        }
        case "aws:sqs/queuePolicy:QueuePolicy":
        case "aws:sqs/redrivePolicy:RedrivePolicy":
        case "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy":
            return { id: given("queueUrl") ?? name, state: {} };
        case "aws:ecs/cluster:Cluster": {
            const clusterArn = arn("ecs", `cluster/${physical}`);
            return { id: clusterArn, state: { name: physical, arn: clusterArn } };
        }
        case "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders":
            return { id: given("clusterName") ?? name, state: {} };
        case "aws:ecs/service:Service": {
            const clusterName = (given("cluster") ?? "cluster/unknown").split("/").pop();
            return { id: arn("ecs", `service/${clusterName}/${physical}`), state: { name: physical } };
        }
        case "aws:ecs/taskDefinition:TaskDefinition": {
            const family = given("family") ?? name;
            return {
                id: family,
                state: {
                    arn: arn("ecs", `task-definition/${family}:1`),
                    revision: 1,
                    arnWithoutRevision: arn("ecs", `task-definition/${family}`),
                },
            };
        }
        case "aws:iam/role:Role":
            return {
                id: physical,
                state: {
                    name: physical,
                    arn: `arn:aws:iam::${account}:role/${physical}`,
                    uniqueId: `AROA${hex(name, 17).toUpperCase()}`,
                },
            };
        case "aws:iam/policy:Policy":
            return {
                id: `arn:aws:iam::${account}:policy/${physical}`,
                state: { name: physical, arn: `arn:aws:iam::${account}:policy/${physical}` },
            };
        case "aws:iam/rolePolicy:RolePolicy":
            return {
                id: `${given("role") ?? "role"}:${mockPhysicalName(name)}`,
                state: { name: mockPhysicalName(name) },
            };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { id: physical, state: { name: physical, arn: arn("logs", `log-group:${physical}`) } };
        case "aws:ec2/vpc:Vpc": {
            const id = `vpc-${hex(name, 17)}`;
            return { id, state: { arn: arn("ec2", `vpc/${id}`) } };
        }
        case "aws:ec2/subnet:Subnet": {
            const id = `subnet-${hex(name, 17)}`;
            return { id, state: { arn: arn("ec2", `subnet/${id}`), vpcId: given("vpcId") ?? MOCK_VPC_ID } };
        }
        case "aws:ec2/securityGroup:SecurityGroup": {
            const id = `sg-${hex(name, 17)}`;
            return { id, state: { arn: arn("ec2", `security-group/${id}`), name: mockPhysicalName(name) } };
        }
        case "aws:appautoscaling/target:Target":
            return {
                id: given("resourceId") ?? name,
                state: { arn: arn("application-autoscaling", `scalable-target/0ec${hex(name, 29)}`) },
            };
        case "aws:appautoscaling/policy:Policy":
            return {
                id: physical,
                state: {
                    name: physical,
                    arn: arn(
                        "autoscaling",
                        `scalingPolicy:${hex(name, 8)}-${hex(name + "#", 4)}:resource/ecs/${given("resourceId") ?? "service"}:policyName/${physical}`,
                    ),
                },
            };
        case "aws:appautoscaling/scheduledAction:ScheduledAction":
            return {
                id: physical,
                state: {
                    arn: arn(
                        "autoscaling",
                        `scheduledAction:${hex(name, 8)}:resource/ecs/${given("resourceId") ?? "service"}:scheduledActionName/${physical}`,
                    ),
                },
            };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { id: physical, state: { name: physical, arn: arn("cloudwatch", `alarm:${physical}`) } };
        case "aws:cloudwatch/dashboard:Dashboard": {
            const dashboardName = given("dashboardName") ?? physical;
            return {
                id: dashboardName,
                state: { dashboardArn: `arn:aws:cloudwatch::${account}:dashboard/${dashboardName}` },
            };
        }
        case "aws:scheduler/schedule:Schedule":
            return {
                id: `default/${physical}`,
                state: { name: physical, arn: arn("scheduler", `schedule/default/${physical}`) },
            };
        case "aws:sns/topic:Topic": {
            const topicName = given("name") ?? (inputs.fifoTopic ? `${mockPhysicalName(name)}.fifo` : physical);
            return { id: arn("sns", topicName), state: { name: topicName, arn: arn("sns", topicName) } };
        }
        case "aws:sns/topicSubscription:TopicSubscription": {
            const subscriptionArn = `${given("topic") ?? arn("sns", "topic")}:${hex(name, 8)}-${hex(name, 4)}`;
            return { id: subscriptionArn, state: { arn: subscriptionArn } };
        }
        case "aws:cloudwatch/eventRule:EventRule": {
            const bus = given("eventBusName");
            const ruleArn = arn("events", bus && bus !== "default" ? `rule/${bus}/${physical}` : `rule/${physical}`);
            return { id: `${bus ?? "default"}/${physical}`, state: { name: physical, arn: ruleArn } };
        }
        case "aws:cloudwatch/eventTarget:EventTarget":
            return { id: `${given("rule") ?? "rule"}-${mockPhysicalName(name)}`, state: {} };
        case "aws:kms/key:Key": {
            const keyId = `${hex(name, 8)}-${hex(name, 4)}-${hex(name + "k", 4)}-${hex(name + "e", 4)}-${hex(name + "y", 12)}`;
            return { id: keyId, state: { keyId, arn: arn("kms", `key/${keyId}`) } };
        }
        case "aws:secretsmanager/secret:Secret": {
            // Secrets Manager appends a dash and six random characters to the name; IAM needs the complete ARN.
            const secretArn = arn("secretsmanager", `secret:${physical}-${hex(name, 6)}`);
            return { id: secretArn, state: { name: physical, arn: secretArn } };
        }
        case "aws:ssm/parameter:Parameter":
            return {
                id: physical,
                state: { name: physical, arn: arn("ssm", `parameter/${physical.replace(/^\//, "")}`) },
            };
        case "aws:ecr/repository:Repository":
            return {
                id: physical,
                state: {
                    name: physical,
                    arn: arn("ecr", `repository/${physical}`),
                    registryId: account,
                    repositoryUrl: `${account}.dkr.ecr.${region}.amazonaws.com/${physical}`,
                },
            };
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2": {
            const bucket = given("bucket") ?? physical;
            return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}` } };
        }
        default: {
            // aws:<module>/<resource>:<Type>: an ARN in that service's namespace, for a resource of that kind.
            const [, module = "resource", resource = type] = /^[^:]+:([^/:]+)\/([^:]+):/.exec(type) ?? [];
            return { id: `${mockPhysicalName(name)}-id`, state: { arn: arn(module, `${resource}/${physical}`) } };
        }
    }
}

/** What AWS's data sources return for the calls a worker program makes; undefined for any other call. */
export function mockCallResult(token: string, inputs: State, options: AwsMockOptions = {}): State | undefined {
    const region = options.region ?? MOCK_REGION;
    const account = options.accountId ?? MOCK_ACCOUNT_ID;
    switch (token) {
        case "aws:ec2/getSubnet:getSubnet":
            return { id: inputs.id, vpcId: MOCK_VPC_ID, cidrBlock: "10.0.128.0/20", availabilityZone: `${region}a` };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: account, arn: `arn:aws:iam::${account}:user/mock`, userId: "AIDAMOCK" };
        case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        case "aws:iam/getPolicyDocument:getPolicyDocument":
            return mockPolicyDocument(inputs);
        default:
            return undefined;
    }
}

/** One statement of `aws.iam.getPolicyDocument`'s inputs. */
interface PolicyDocumentStatementInput {
    sid?: string;
    effect?: string;
    actions?: string[];
    notActions?: string[];
    resources?: string[];
    notResources?: string[];
    principals?: { type: string; identifiers: string[] }[];
    notPrincipals?: { type: string; identifiers: string[] }[];
    conditions?: { test: string; variable: string; values: string[] }[];
}

/** One value as IAM JSON writes it: a string when there is one, else the list. */
const oneOrMany = (values: string[]): string | string[] => (values.length === 1 ? values[0] : values);

function principalsJson(principals: { type: string; identifiers: string[] }[]): unknown {
    if (principals.length === 1 && principals[0].type === "*") {
        return "*";
    }
    const byType: Record<string, string[]> = {};
    for (const { type, identifiers } of principals) {
        byType[type] = [...(byType[type] ?? []), ...identifiers];
    }
    return Object.fromEntries(Object.entries(byType).map(([type, ids]) => [type, oneOrMany(ids)]));
}

function statementJson(statement: PolicyDocumentStatementInput): State {
    const json: State = {};
    const set = (key: string, value: unknown) => {
        if (value !== undefined) {
            json[key] = value;
        }
    };
    set("Sid", statement.sid || undefined);
    set("Effect", statement.effect ?? "Allow");
    set("Action", statement.actions?.length ? oneOrMany(statement.actions) : undefined);
    set("NotAction", statement.notActions?.length ? oneOrMany(statement.notActions) : undefined);
    set("Resource", statement.resources?.length ? oneOrMany(statement.resources) : undefined);
    set("NotResource", statement.notResources?.length ? oneOrMany(statement.notResources) : undefined);
    set("Principal", statement.principals?.length ? principalsJson(statement.principals) : undefined);
    set("NotPrincipal", statement.notPrincipals?.length ? principalsJson(statement.notPrincipals) : undefined);
    if (statement.conditions?.length) {
        const conditions: Record<string, Record<string, string | string[]>> = {};
        for (const { test, variable, values } of statement.conditions) {
            conditions[test] = { ...conditions[test], [variable]: oneOrMany(values) };
        }
        json.Condition = conditions;
    }
    return json;
}

/** The statements of policy documents given as JSON strings. */
function statementsOf(documents: unknown): State[] {
    return (Array.isArray(documents) ? documents : []).flatMap((document) => {
        const parsed = typeof document === "string" ? (JSON.parse(document) as State) : {};
        return Array.isArray(parsed.Statement) ? (parsed.Statement as State[]) : [];
    });
}

/** Adds `statements` to `base`, each replacing the statement of `base` with its Sid, if any. */
function mergeBySid(base: State[], statements: State[]): State[] {
    const merged = [...base];
    for (const statement of statements) {
        const index = statement.Sid ? merged.findIndex((other) => other.Sid === statement.Sid) : -1;
        if (index >= 0) {
            merged[index] = statement;
        } else {
            merged.push(statement);
        }
    }
    return merged;
}

/**
 * What `aws.iam.getPolicyDocument` returns: the policy JSON its inputs describe, with the statements of
 * `sourcePolicyDocuments` first and `overridePolicyDocuments` replacing statements by Sid, as the provider merges them
 * (the order of values within a statement may differ from the provider's).
 */
function mockPolicyDocument(inputs: State): State {
    const own = (Array.isArray(inputs.statements) ? (inputs.statements as PolicyDocumentStatementInput[]) : []).map(
        statementJson,
    );
    const statements = mergeBySid(
        mergeBySid(statementsOf(inputs.sourcePolicyDocuments), own),
        statementsOf(inputs.overridePolicyDocuments),
    );
    const document = {
        Version: typeof inputs.version === "string" ? inputs.version : "2012-10-17",
        ...(typeof inputs.policyId === "string" ? { Id: inputs.policyId } : {}),
        Statement: statements,
    };
    const minifiedJson = JSON.stringify(document);
    return { json: JSON.stringify(document, null, 2), minifiedJson, id: hex(minifiedJson, 10) };
}

/**
 * Pulumi runtime mocks that answer as AWS would (see mockResourceState). Calls the mocks do not know return their
 * inputs, as Pulumi's own examples do. Wrap them to answer your own types or calls first.
 */
export function awsMocks(options: AwsMockOptions = {}): pulumi.runtime.Mocks {
    return {
        newResource(args: pulumi.runtime.MockResourceArgs) {
            if (options.preview) {
                return { id: undefined, state: args.inputs };
            }
            const { id, state } = mockResourceState(args.type, args.name, args.inputs, options);
            return { id, state: { ...args.inputs, ...state } };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            return mockCallResult(args.token, args.inputs, options) ?? args.inputs;
        },
    };
}

/** Errors the program raised since setAwsMocks, as unhandled rejections: how Pulumi surfaces a failed input. */
const programErrors: unknown[] = [];
let recordingProgramErrors = false;

function recordProgramErrors(): void {
    if (!recordingProgramErrors) {
        recordingProgramErrors = true;
        process.on("unhandledRejection", (reason) => programErrors.push(reason));
    }
}

/**
 * Installs awsMocks and the stack config, replacing any earlier mocks and forgetting earlier program errors. Call it
 * (and await it) before the program under test is imported or run: resources register as they are constructed.
 */
export async function setAwsMocks(run: AwsMockRun = {}): Promise<void> {
    const project = run.project ?? "project";
    programErrors.length = 0;
    recordProgramErrors();
    await pulumi.runtime.setMocks(awsMocks(run), project, run.stack ?? "stack", run.preview ?? false);
    pulumi.runtime.setAllConfig(
        Object.fromEntries(
            Object.entries(run.config ?? {}).map(([key, value]) => [
                key.includes(":") ? key : `${project}:${key}`,
                typeof value === "string" ? value : JSON.stringify(value),
            ]),
        ),
    );
}

/**
 * The value of an Output, for an assertion. Rejects with the program's error when one occurred since setAwsMocks or
 * occurs meanwhile (a rejected input, a failed `apply`), instead of waiting for the test framework's timeout: Pulumi
 * raises such errors as unhandled promise rejections, which test runners do not attribute to a test. Under
 * `preview: true` a computed output stays unknown and this never settles; assert on inputs there.
 */
export function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
    recordProgramErrors();
    return new Promise<T>((resolve, reject) => {
        if (programErrors.length > 0) {
            reject(programErrors[0]);
            return;
        }
        const onRejection = (reason: unknown) => {
            process.off("unhandledRejection", onRejection);
            reject(reason);
        };
        process.on("unhandledRejection", onRejection);
        output.apply((value) => {
            process.off("unhandledRejection", onRejection);
            resolve(value);
            return value;
        });
    });
}
