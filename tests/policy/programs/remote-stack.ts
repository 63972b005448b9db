// A stack whose worker is an awsx FargateService: a remote component, so under mocks its task definition, roles and
// log group are invisible. Insecure on purpose (a public IP, a privileged container, an AWS secret key in the
// environment): an offline run must not pass it unseen. Next to it, an awsx VPC, which creates nothing the pack governs.
import * as awsx from "@pulumi/awsx";

const vpc = new awsx.ec2.Vpc("api-vpc", { natGateways: { strategy: awsx.ec2.NatGatewayStrategy.None } });

new awsx.ecs.FargateService("api", {
    assignPublicIp: true,
    networkConfiguration: { subnets: vpc.publicSubnetIds, assignPublicIp: true },
    taskDefinitionArgs: {
        container: {
            name: "api",
            image: "public.ecr.aws/example/api:1.0.0",
            essential: true,
            privileged: true,
            environment: [{ name: "AWS_SECRET_ACCESS_KEY", value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }],
        },
    },
});
