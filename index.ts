// The example program behind Pulumi.dev.yaml and Pulumi.prod.yaml: the seed's two workers on one cluster.
// `pulumi up --stack dev` deploys it; `npm run plan -- --stack dev` runs it offline under mocks.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { BackgroundWorker, WorkerCluster, WorkerSources } from "./components";
import { createOverviewDashboard } from "./components/dashboard";
import { CONFIG_NAMESPACE, parseConfigValue, readStackConfig, StackConfigError, WorkerConfig, workerArgs } from "./stack/config";

const config = new pulumi.Config(CONFIG_NAMESPACE);
const settings = readStackConfig((key) => parseConfigValue(config.get(key)));
const tags = { ...settings.tags, stack: pulumi.getStack(), "managed-by": "pulumi" };

// Subnets from config, or a VPC of our own: private subnets behind NAT (one NAT gateway in dev, one per AZ in prod).
const subnetIds: pulumi.Input<string[]> = settings.subnetIds ?? new awsx.ec2.Vpc("workers-vpc", {
    natGateways: { strategy: settings.natGateways },
    tags,
}).privateSubnetIds;

const cluster = new WorkerCluster("workers", { tags });

/** Builds one worker; a component validation error is reported under the config key the value came from. */
function worker(name: string, configKey: string, workerConfig: WorkerConfig, sources?: WorkerSources): BackgroundWorker {
    try {
        return new BackgroundWorker(name, workerArgs(workerConfig, { clusterArn: cluster.arn, subnetIds, tags, sources }));
    } catch (error) {
        if (pulumi.InputPropertyError.isInstance(error) || pulumi.InputPropertiesError.isInstance(error)) {
            const reasons = pulumi.InputPropertyError.isInstance(error) ? [error.reason] : error.errors.map((e) => e.reason);
            throw new StackConfigError(reasons.map((reason) => `config ${CONFIG_NAMESPACE}:${configKey}.${reason}`).join("\n"));
        }
        throw error;
    }
}

// The seed's job-worker: Spot-heavy, long visibility timeout, scales with the backlog.
const jobWorker = worker("job-worker", "jobWorker", settings.jobWorker);
// Other services publish email requests here; the email worker's queue subscribes to it (the seed's "SQS, SNS, or
// other sources"). Encrypted at rest with SNS's AWS-managed key, which publishers in this account may use.
const emailRequests = new aws.sns.Topic("email-requests", { kmsMasterKeyId: "alias/aws/sns", tags });
// The seed's email-worker: small and steady, fed by the topic.
const emailWorker = worker("email-worker", "emailWorker", settings.emailWorker, { snsTopicArns: [emailRequests.arn] });

// One page for the whole stack: a row per worker, each linking to the worker's own dashboard.
const overview = createOverviewDashboard("overview", {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    workers: { "job-worker": jobWorker, "email-worker": emailWorker },
});

export const clusterName = cluster.name;
export const overviewDashboardName = overview.dashboardName;
export const jobQueueUrl = jobWorker.queueUrl;
export const jobDeadLetterQueueUrl = jobWorker.deadLetterQueueUrl;
export const jobServiceName = jobWorker.serviceName;
export const jobTargetBacklogPerTask = jobWorker.targetBacklogPerTask;
export const emailRequestsTopicArn = emailRequests.arn;
export const emailQueueUrl = emailWorker.queueUrl;
export const emailDeadLetterQueueUrl = emailWorker.deadLetterQueueUrl;
export const emailServiceName = emailWorker.serviceName;
