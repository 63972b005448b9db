// A consumer's own unit-test harness: runs the quick start's index.ts under Pulumi mocks, as `pulumi up` would run it,
// and prints every resource it registered as JSON on the last line, so the test can compare it with the repository's
// component. Nothing here knows the component's internals: the mocks only answer the way AWS names things.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";

/** What the quick start reads from its stack configuration (`pulumi config set ...` in the README). */
const stackConfig = JSON.parse(fs.readFileSync(path.join(__dirname, "config.json"), "utf8")) as Record<string, unknown>;

interface Registration {
    type: string;
    name: string;
}
const registered: Registration[] = [];

/** The ARN, name and URL AWS would give a resource of this type. */
function awsState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const resourceName = typeof inputs.name === "string" ? inputs.name : `${name}-1a2b3c4`;
    const service = type.split(":")[1].split("/")[0];
    const arn =
        type === "aws:ecs/cluster:Cluster"
            ? `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${resourceName}`
            : type === "aws:sqs/queue:Queue"
              ? `arn:aws:sqs:${REGION}:${ACCOUNT}:${resourceName}`
              : type === "aws:iam/role:Role"
                ? `arn:aws:iam::${ACCOUNT}:role/${resourceName}`
                : `arn:aws:${service}:${REGION}:${ACCOUNT}:${resourceName}`;
    const url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${resourceName}`;
    return { ...inputs, name: resourceName, arn, url };
}

pulumi.runtime.setAllConfig(
    Object.fromEntries(
        Object.entries(stackConfig).map(([key, value]) => [
            `consumer:${key}`,
            typeof value === "string" ? value : JSON.stringify(value),
        ]),
    ),
);
pulumi.runtime.setMocks(
    {
        newResource(args: pulumi.runtime.MockResourceArgs) {
            registered.push({ type: args.type, name: args.name });
            return { id: `${args.name}-id`, state: awsState(args.type, args.name, args.inputs) };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
                return { accountId: ACCOUNT };
            }
            if (args.token === "aws:index/getRegion:getRegion") {
                return { name: REGION, region: REGION };
            }
            return args.inputs;
        },
    },
    "consumer",
    "dev",
    false,
);

// Loaded after the mocks, as a test would; the program is exactly what the README tells a user to write.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loads a program by path, as the Pulumi host does
require("./index");

let printed = false;
process.on("beforeExit", () => {
    if (!printed) {
        printed = true;
        console.log(JSON.stringify(registered));
    }
});
