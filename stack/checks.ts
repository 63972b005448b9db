// What a stack's config can get wrong that no single key's shape shows: keys written without the project's namespace,
// values that must agree with the stack's region, settings that have no effect, and prod habits the README argues
// against. Pure: readStackConfig reports the problems with the keys the user wrote, and the program logs the warnings.
import { CapacityProvider } from "@background-worker/pulumi";
import { AWS_REGION, arnRegion, SNS_TOPIC_ARN, SUBNET_ID } from "../contract";
import { fifoAlarmTopicProblem } from "../components/validation/alarms";
import { imageVersion } from "../components/validation/formats";
import { isObject } from "../components/validation/problems";

/** A key of the stack's config, written as the user writes it in Pulumi.<stack>.yaml. */
type ConfigKey = string;

/** What the checks found: problems stop the program, warnings are logged. */
export interface StackFindings {
    problems: string[];
    warnings: string[];
}

/** Namespaces whose keys this project never owns, with their own keys that share a name with one of ours. */
const OTHER_NAMESPACES: Record<string, readonly string[]> = { aws: [], pulumi: ["tags"] };

/**
 * Keys of the project's settings written without its namespace (`natGateways:` instead of
 * `background-worker:natGateways:`) or under another one. Pulumi would store such a key under another name, so the
 * setting would silently not apply: a bare `natGateways: OnePerAz` leaves prod on one NAT gateway.
 */
export function misplacedKeys(
    config: Record<string, string>,
    namespace: string,
    knownKeys: readonly string[],
): string[] {
    const problems: string[] = [];
    for (const fullKey of Object.keys(config)) {
        const colon = fullKey.indexOf(":");
        const [keyNamespace, key] =
            colon === -1 ? [undefined, fullKey] : [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
        if (keyNamespace === namespace) {
            continue;
        }
        const root = key.split(/[.[]/)[0];
        if (keyNamespace === undefined) {
            problems.push(
                `config ${fullKey} has no namespace: this project's keys are written ${namespace}:<key> in ` +
                    "Pulumi.<stack>.yaml, as `pulumi config set` writes them" +
                    (knownKeys.includes(root) ? `; write ${namespace}:${key}` : ` (one of ${knownKeys.join(", ")})`),
            );
        } else if (knownKeys.includes(root) && !OTHER_NAMESPACES[keyNamespace]?.includes(root)) {
            const owner = keyNamespace in OTHER_NAMESPACES ? `the ${keyNamespace} namespace has no ${root}` : "";
            problems.push(
                `config ${fullKey} is this project's setting under another namespace${owner ? ` (${owner})` : ""}: ` +
                    `write ${namespace}:${key}`,
            );
        }
    }
    return problems;
}

/** The hint for a required key `expected` that the config has under another namespace or none, as `key`. */
export function misplacedHint(config: Record<string, string>, key: string, expected: string): string {
    const misplaced = Object.keys(config).find(
        (fullKey) => fullKey !== expected && (fullKey === key || fullKey.endsWith(`:${key}`)),
    );
    return misplaced ? ` (the config has ${misplaced}: write it as the key named here)` : "";
}

/** The region key: Pulumi passes it to the AWS provider as it is, which fails only at the first API call. */
export function regionProblems(region: string | undefined): string[] {
    if (region === undefined || region === "" || AWS_REGION.test(region)) {
        return [];
    }
    return [`config aws:region must be an AWS region such as us-east-1 or eu-west-1; got ${JSON.stringify(region)}`];
}

/** Subnets, the alarm topic, and how natGateways relates to them. */
export function networkAndAlarmFindings(
    namespace: string,
    values: { subnetIds?: unknown; natGateways?: unknown; alarmTopicArn?: unknown },
    region: string | undefined,
): StackFindings {
    const findings: StackFindings = { problems: [], warnings: [] };
    if (Array.isArray(values.subnetIds) && values.subnetIds.length === 0) {
        // The workers would get no subnet, and the component would name its own subnetIds, which the user never wrote.
        findings.problems.push(
            `config ${namespace}:subnetIds must name at least one subnet when given; got an empty list. Omit it to have ` +
                "the program create a VPC",
        );
    } else if (Array.isArray(values.subnetIds)) {
        values.subnetIds.forEach((subnetId, index) => {
            if (typeof subnetId === "string" && !SUBNET_ID.test(subnetId)) {
                findings.problems.push(
                    `config ${namespace}:subnetIds[${index}] must be a subnet ID such as subnet-0123456789abcdef0; got ${JSON.stringify(subnetId)}`,
                );
            }
        });
        if (values.natGateways !== undefined) {
            findings.warnings.push(
                `config ${namespace}:natGateways has no effect with ${namespace}:subnetIds: the program creates a VPC (and ` +
                    "its NAT gateways) only when no subnets are given. Remove it, or make sure the given subnets' own NAT " +
                    "gateways are what you want",
            );
        }
    }
    const topic = values.alarmTopicArn;
    if (typeof topic === "string") {
        if (!SNS_TOPIC_ARN.test(topic)) {
            findings.problems.push(
                `config ${namespace}:alarmTopicArn must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:on-call; got ${JSON.stringify(topic)}`,
            );
        } else if (fifoAlarmTopicProblem(topic)) {
            findings.problems.push(`config ${namespace}:alarmTopicArn ${fifoAlarmTopicProblem(topic)}`);
        } else if (region !== undefined && arnRegion(topic) !== region) {
            findings.problems.push(
                `config ${namespace}:alarmTopicArn is in ${arnRegion(topic)}, but the stack deploys to ${region} (aws:region): ` +
                    "CloudWatch alarms notify only topics in their own region; give a topic in that region",
            );
        }
    }
    return findings;
}

/**
 * A stack is production when its name or its environment tag says so (`prod`, `production`, `prod-eu`, ...); the tag
 * key in any case (`environment`, `Environment`, `ENV`), as teams spell it.
 */
export function isProductionStack(stack: string, tags: Record<string, string>): boolean {
    const production = /(^|[-_.])prod(uction)?($|[-_.])/i;
    const environment = Object.entries(tags)
        .filter(([key]) => /^env(ironment)?$/i.test(key))
        .map(([, value]) => value);
    return production.test(stack) || environment.some((value) => /^prod(uction)?$/i.test(String(value)));
}

/** Legal stack settings a production stack should not have: one NAT gateway for a VPC the program creates. */
export function productionStackWarnings(
    namespace: string,
    values: { subnetIds?: unknown; natGateways?: unknown },
): string[] {
    if (values.subnetIds !== undefined || values.natGateways === "OnePerAz") {
        return [];
    }
    const setting = values.natGateways === undefined ? "is unset, so Single" : `is ${String(values.natGateways)}`;
    return [
        `config ${namespace}:natGateways ${setting}: the production VPC the program creates sends every task's outbound ` +
            "traffic through one NAT gateway in one availability zone, and an outage there cuts every worker off. " +
            `Set ${namespace}:natGateways: OnePerAz`,
    ];
}

/** Legal settings a production worker should not have; each names the key to change and why. */
export function productionWarnings(key: ConfigKey, worker: unknown): string[] {
    if (!isObject(worker)) {
        return [];
    }
    const warnings: string[] = [];
    const image = isObject(worker.container) ? worker.container.image : undefined;
    if (typeof image === "string") {
        const { tag, digest } = imageVersion(image);
        if (digest === undefined && (tag === undefined || tag === "latest")) {
            warnings.push(
                `config ${key}.container.image ${tag === undefined ? "has no tag" : "uses the tag latest"} ` +
                    `(${JSON.stringify(image)}): ECS resolves a tag each time a task starts, so tasks started at different times ` +
                    "can run different images, and `pulumi up` does not notice a new push. Give prod a version tag or a digest",
            );
        }
    }
    const strategy = Array.isArray(worker.capacityProviderStrategy) ? worker.capacityProviderStrategy : [];
    const onDemandBase = strategy.some(
        (item) =>
            isObject(item) &&
            item.capacityProvider === CapacityProvider.Fargate &&
            typeof item.base === "number" &&
            item.base >= 1,
    );
    if (!onDemandBase) {
        warnings.push(
            `config ${key}.capacityProviderStrategy keeps no task on on-demand FARGATE (no FARGATE entry with a base of 1 ` +
                "or more): a Spot shortage can stop every task of this production worker. Add " +
                "{ capacityProvider: FARGATE, weight: 1, base: 1 }",
        );
    }
    return warnings;
}

/**
 * An ECR image in another region than the stack's: ECS can pull it, but every task start crosses regions (slower, billed
 * as data transfer) and the stack's ECR VPC endpoints do not serve it, which a stack copied from another region's file
 * rarely means.
 */
export function imageRegionWarnings(key: ConfigKey, worker: unknown, region: string): string[] {
    const image = isObject(worker) && isObject(worker.container) ? worker.container.image : undefined;
    const registryRegion =
        typeof image === "string" ? /^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\//.exec(image)?.[1] : undefined;
    if (registryRegion === undefined || registryRegion === region) {
        return [];
    }
    return [
        `config ${key}.container.image is in ECR in ${registryRegion}, but the stack deploys to ${region} (aws:region): ` +
            "every task start pulls across regions, billed as data transfer, and ECR VPC endpoints of the stack's region " +
            `do not serve it. Replicate the image to ${region} and use that URI`,
    ];
}
