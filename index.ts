// The example program behind Pulumi.dev.yaml and Pulumi.prod.yaml: two workers on one cluster, their alarms wired to a
// topic someone subscribes to. `pulumi up --stack dev` deploys it; `npm run plan -- --stack dev` runs it offline under
// mocks.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { BackgroundWorker, createOverviewDashboard, WorkerCluster } from "@background-worker/pulumi";
import { asConfigError, ConfiguredWorker, readStackConfig, WorkerWiring, workerArgs } from "./stack/config";

const settings = readStackConfig(pulumi.runtime.allConfig(), undefined, pulumi.getStack());
for (const warning of settings.warnings) {
    pulumi.log.warn(warning);
}
const tags = { ...settings.tags, stack: pulumi.getStack(), "managed-by": "pulumi" };

/** The VPC's availability zones, stated rather than left to awsx's default, so the plan can count NAT gateways. */
const AVAILABILITY_ZONES = 3;

// Subnets from config, or a VPC of our own: private subnets behind NAT (one NAT gateway in dev, one per AZ in prod).
const subnetIds: pulumi.Input<string[]> =
    settings.subnetIds ??
    new awsx.ec2.Vpc("workers-vpc", {
        numberOfAvailabilityZones: AVAILABILITY_ZONES,
        natGateways: { strategy: settings.natGateways },
        tags,
    }).privateSubnetIds;

const cluster = new WorkerCluster("workers", { tags });

// Every worker alarm notifies this topic: subscribe the on-call's email, chat or paging service to it, or give the
// ARN of an existing one as `alarmTopicArn`. Left unencrypted on purpose: CloudWatch cannot publish to a topic
// encrypted with SNS's AWS-managed key, and an alarm notification carries no job data.
const alarmTopicArn: pulumi.Input<string> = settings.alarmTopicArn ?? new aws.sns.Topic("worker-alarms", { tags }).arn;

/** Builds one worker; a component validation error is reported under the config key the value came from. */
function worker(
    { configKey, resourceName, config }: ConfiguredWorker,
    snsTopicArns?: pulumi.Input<string>[],
): BackgroundWorker {
    const wiring: WorkerWiring = {
        clusterArn: cluster.arn,
        subnetIds,
        tags,
        snsTopicArns,
        alarmActionArns: [alarmTopicArn],
    };
    try {
        return new BackgroundWorker(resourceName, workerArgs(config, wiring));
    } catch (error) {
        throw asConfigError(configKey, error);
    }
}

/**
 * The topic other services publish a worker's jobs to: FIFO when the stack says the worker's topics are
 * (`sources.snsTopicsFifo`), since a FIFO queue takes only FIFO topics. Encrypted at rest with SNS's AWS-managed
 * key, which publishers in this account may use.
 */
function requestTopic(name: string, { config }: ConfiguredWorker): aws.sns.Topic {
    const fifo = config.sources?.snsTopicsFifo === true;
    return new aws.sns.Topic(name, {
        kmsMasterKeyId: "alias/aws/sns",
        fifoTopic: fifo || undefined,
        contentBasedDeduplication: fifo || undefined,
        tags,
    });
}

const topics: Record<string, aws.sns.Topic> = {};
const workers: Record<string, BackgroundWorker> = {};
for (const configured of settings.workers) {
    const topic = configured.requestTopic ? requestTopic(configured.requestTopic, configured) : undefined;
    if (topic) {
        topics[configured.configKey] = topic;
    }
    workers[configured.configKey] = worker(configured, topic ? [topic.arn] : undefined);
}

// One page for the whole stack: a row per worker, each linking to the worker's own dashboard.
const overview = createOverviewDashboard("overview", {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    workers: Object.fromEntries(
        settings.workers.map(({ configKey, resourceName }) => [resourceName, workers[configKey]]),
    ),
});

export const clusterName = cluster.name;
export const alarmTopic = alarmTopicArn;
/** Per worker, by config key: where to send jobs, where failed ones land, the service and the topic feeding it. */
export const workerOutputs = Object.fromEntries(
    Object.entries(workers).map(([configKey, created]) => [
        configKey,
        {
            queueUrl: created.queueUrl,
            deadLetterQueueUrl: created.deadLetterQueueUrl,
            serviceName: created.serviceName,
            dashboardName: created.dashboardName,
            targetBacklogPerTask: created.targetBacklogPerTask,
            requestTopicArn: topics[configKey]?.arn,
        },
    ]),
);
export const overviewDashboardName = overview.dashboardName;
