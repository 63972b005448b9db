// AWS managed policies as the pack judges them. Their documents are not in the stack, so the pack carries what decides
// its verdict for the ones a worker's role meets: the actions each grants on Resource "*" (full access to a service is
// `service:*`, a read-only policy is the read actions of its services). A policy the table does not know is judged by
// its name when the name says what it grants (`...FullAccess`, `...Admin...`, `...ReadOnly...`), and is otherwise
// unreadable: the IAM policies report it instead of passing it.
import { Props } from "./aws";

const anyResource = (...actions: string[]): Props => ({ Effect: "Allow", Action: actions, Resource: "*" });

/** Every action, everywhere: what the administrator policies amount to for a task. */
const EVERYTHING = [anyResource("*")];

/** AWS managed policies by their name (the part of the ARN after `policy/`, path included). */
const AWS_MANAGED_POLICIES: Record<string, Props[]> = {
    AdministratorAccess: EVERYTHING,
    "AdministratorAccess-Amplify": EVERYTHING,
    "AdministratorAccess-AWSElasticBeanstalk": EVERYTHING,
    "job-function/SystemAdministrator": EVERYTHING,
    "job-function/NetworkAdministrator": [anyResource("ec2:*", "route53:*", "elasticloadbalancing:*", "cloudfront:*")],
    "job-function/DatabaseAdministrator": [anyResource("rds:*", "dynamodb:*", "redshift:*", "iam:PassRole")],
    "job-function/DataScientist": [anyResource("s3:*", "sagemaker:*", "glue:*", "iam:PassRole")],
    PowerUserAccess: [
        { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
        anyResource("iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles"),
    ],
    IAMFullAccess: [anyResource("iam:*", "organizations:DescribeOrganization")],
    ReadOnlyAccess: [anyResource("*:Get*", "*:List*", "*:Describe*", "*:BatchGet*", "*:Query", "*:Scan")],
    ViewOnlyAccess: [anyResource("*:List*", "*:Describe*", "*:View*")],
    SecurityAudit: [anyResource("*:Get*", "*:List*", "*:Describe*")],
    AmazonS3FullAccess: [anyResource("s3:*", "s3-object-lambda:*")],
    AmazonS3ReadOnlyAccess: [anyResource("s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*")],
    AmazonSQSFullAccess: [anyResource("sqs:*")],
    AmazonSQSReadOnlyAccess: [anyResource("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueues")],
    AmazonSNSFullAccess: [anyResource("sns:*")],
    AmazonDynamoDBFullAccess: [anyResource("dynamodb:*", "dax:*", "iam:PassRole")],
    AmazonDynamoDBReadOnlyAccess: [
        anyResource("dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"),
    ],
    AmazonEC2FullAccess: [anyResource("ec2:*", "elasticloadbalancing:*", "autoscaling:*", "cloudwatch:*")],
    AmazonECS_FullAccess: [anyResource("ecs:*", "iam:PassRole", "ec2:*", "elasticloadbalancing:*")],
    AmazonEC2ContainerRegistryFullAccess: [anyResource("ecr:*")],
    AmazonEC2ContainerRegistryPowerUser: [
        anyResource("ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:PutImage"),
    ],
    AmazonEC2ContainerRegistryReadOnly: [
        anyResource("ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:ListImages"),
    ],
    AWSLambda_FullAccess: [anyResource("lambda:*", "iam:PassRole", "logs:*", "states:*")],
    AWSLambdaFullAccess: [anyResource("lambda:*", "iam:PassRole", "logs:*")],
    "service-role/AWSLambdaBasicExecutionRole": [
        anyResource("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
    ],
    SecretsManagerReadWrite: [anyResource("secretsmanager:*", "kms:DescribeKey", "lambda:CreateFunction")],
    AmazonSSMFullAccess: [anyResource("ssm:*", "ec2messages:*", "iam:PassRole")],
    AmazonSSMReadOnlyAccess: [anyResource("ssm:Describe*", "ssm:Get*", "ssm:List*")],
    AmazonSSMManagedInstanceCore: [
        anyResource(
            "ssm:GetParameter",
            "ssm:GetParameters",
            "ssm:UpdateInstanceInformation",
            "ssmmessages:CreateControlChannel",
        ),
    ],
    AWSKeyManagementServicePowerUser: [
        anyResource("kms:Create*", "kms:Put*", "kms:Update*", "kms:Delete*", "kms:Get*"),
    ],
    AWSCloudFormationFullAccess: [anyResource("cloudformation:*")],
    CloudWatchFullAccess: [anyResource("cloudwatch:*", "logs:*", "sns:*", "autoscaling:Describe*")],
    CloudWatchFullAccessV2: [anyResource("cloudwatch:*", "logs:*", "sns:*", "autoscaling:Describe*")],
    CloudWatchLogsFullAccess: [anyResource("logs:*")],
    CloudWatchLogsReadOnlyAccess: [
        anyResource("logs:Describe*", "logs:Get*", "logs:FilterLogEvents", "logs:StartQuery"),
    ],
    AWSStepFunctionsFullAccess: [anyResource("states:*", "iam:PassRole")],
    AmazonKinesisFullAccess: [anyResource("kinesis:*")],
    AmazonRDSFullAccess: [anyResource("rds:*", "ec2:Describe*", "iam:PassRole")],
    AmazonRDSDataFullAccess: [anyResource("rds-data:*", "secretsmanager:GetSecretValue")],
    // What a task or its execution role is expected to hold: judged like any other statements, so each passes only
    // where its role's own rules allow Resource "*" (the execution role's image pull and logs, X-Ray for either).
    "service-role/AmazonECSTaskExecutionRolePolicy": [
        anyResource(
            "ecr:GetAuthorizationToken",
            "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        ),
    ],
    AWSXRayDaemonWriteAccess: [
        anyResource(
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "xray:GetSamplingRules",
            "xray:GetSamplingTargets",
            "xray:GetSamplingStatisticSummaries",
        ),
    ],
};

/** Names that say what a managed policy grants, for policies the table does not know (case-insensitive). */
const BROAD_NAMES: [RegExp, string][] = [
    [/admin/i, "*"],
    [/poweruser/i, "*"],
    [/fullaccess|readwrite/i, "*"],
    [/readonly|viewonly/i, "*:Get*"],
];

const AWS_MANAGED_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/;

/** What an AWS managed policy grants: its statements as the pack models them, or undefined when it cannot tell. */
export type ManagedPolicyModel = { statements: Props[]; how: "table" | "name" } | undefined;

/** The model of the AWS managed policy `arn`; undefined for an ARN that is not an AWS managed policy. */
export function awsManagedPolicy(arn: string): { name: string; model: ManagedPolicyModel } | undefined {
    const match = AWS_MANAGED_ARN.exec(arn);
    if (!match) {
        return undefined;
    }
    const name = match[1];
    const known = AWS_MANAGED_POLICIES[name];
    if (known) {
        return { name, model: { statements: known, how: "table" } };
    }
    const broad = BROAD_NAMES.find(([pattern]) => pattern.test(name));
    return { name, model: broad ? { statements: [anyResource(broad[1])], how: "name" } : undefined };
}
