// Resources declared in CloudFormation's vocabulary, read in the Pulumi AWS provider's, so the pack's own resource
// policies can judge them: a CloudFormation template's resources, a Cloud Control resource's desired state, and
// aws-native resources all name a CloudFormation type (`AWS::SQS::Queue`) and its properties in Pascal case
// (`SqsManagedSseEnabled`) or camel case (aws-native). Properties are camel-cased, and the few whose name or shape
// differs in the Pulumi provider are mapped; the types the pack judges are listed, every other type is not read.
import { isRecord, Props, ResourceType } from "./aws";

/** A resource of another vocabulary, read as the provider's: its provider type, and props as the provider has them. */
export interface TranslatedResource {
    /** The CloudFormation type it was declared as. */
    declaredType: string;
    type: string;
    props: Props;
}

const lowerFirst = (key: string) => (key === "" ? key : key[0].toLowerCase() + key.slice(1));

/**
 * Properties (by their camel-case name, however they were written) whose value is a document or a map the user
 * names, kept as written: an IAM policy (`"Statement"`, `"Effect"`) or Docker label names.
 */
const VERBATIM_PROPERTIES = new Set(["keyPolicy", "dockerLabels"]);

/** Camel-cases every key of a JSON value, down to its leaves, but for the values of VERBATIM_PROPERTIES. */
function camelKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(camelKeys);
    }
    if (isRecord(value)) {
        return Object.fromEntries(
            Object.entries(value).map(([key, item]) => {
                const camel = lowerFirst(key);
                return [camel, VERBATIM_PROPERTIES.has(camel) ? item : camelKeys(item)];
            }),
        );
    }
    return value;
}

function rename(props: Props, renames: Record<string, string>): Props {
    return Object.fromEntries(Object.entries(props).map(([key, value]) => [renames[key] ?? key, value]));
}

/** The CloudFormation types the pack reads, with how their properties map onto the provider's. */
const TRANSLATIONS: Record<string, { type: string; map: (props: Props) => Props }> = {
    "AWS::SQS::Queue": {
        type: ResourceType.Queue,
        map: (props) =>
            rename(props, {
                visibilityTimeout: "visibilityTimeoutSeconds",
                messageRetentionPeriod: "messageRetentionSeconds",
            }),
    },
    "AWS::ECS::TaskDefinition": { type: ResourceType.TaskDefinition, map: (props) => props },
    "AWS::ECS::Cluster": {
        type: ResourceType.Cluster,
        map: (props) => rename(props, { clusterSettings: "settings" }),
    },
    "AWS::ECS::Service": {
        type: ResourceType.Service,
        map: (props) => {
            const mapped = rename(props, { capacityProviderStrategy: "capacityProviderStrategies" });
            const network = isRecord(mapped.networkConfiguration)
                ? mapped.networkConfiguration.awsvpcConfiguration
                : undefined;
            if (isRecord(network)) {
                mapped.networkConfiguration = network;
            }
            const deployment = isRecord(mapped.deploymentConfiguration) ? mapped.deploymentConfiguration : undefined;
            if (deployment && isRecord(deployment.deploymentCircuitBreaker)) {
                mapped.deploymentCircuitBreaker = deployment.deploymentCircuitBreaker;
            }
            return mapped;
        },
    },
    "AWS::Logs::LogGroup": { type: ResourceType.LogGroup, map: (props) => props },
    "AWS::KMS::Key": { type: ResourceType.KmsKey, map: (props) => rename(props, { keyPolicy: "policy" }) },
    "AWS::SNS::Subscription": { type: ResourceType.SnsSubscription, map: (props) => props },
    "AWS::CloudWatch::Alarm": { type: ResourceType.MetricAlarm, map: (props) => props },
};

/** Reads one resource declared as `declaredType` with `properties`, or undefined when the pack does not read that type. */
export function translate(declaredType: string, properties: unknown): TranslatedResource | undefined {
    const translation = TRANSLATIONS[declaredType];
    if (!translation) {
        return undefined;
    }
    const props = camelKeys(isRecord(properties) ? properties : {}) as Props;
    return { declaredType, type: translation.type, props: translation.map(props) };
}

/** The CloudFormation type an aws-native token stands for: `aws-native:sqs:Queue` is `AWS::SQS::Queue`. */
export function cloudFormationTypeOf(nativeToken: string): string | undefined {
    const match = /^aws-native:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(nativeToken);
    if (!match) {
        return undefined;
    }
    const service = match[1];
    // aws-native lower-cases the service part; CloudFormation's casing of it differs per service.
    const known: Record<string, string> = {
        sqs: "SQS",
        ecs: "ECS",
        logs: "Logs",
        kms: "KMS",
        sns: "SNS",
        cloudwatch: "CloudWatch",
    };
    return `AWS::${known[service] ?? service.toUpperCase()}::${match[2]}`;
}
