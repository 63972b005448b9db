import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import {
    sqsDlqRetentionCoversSource,
    sqsEncrypted,
    sqsHasDeadLetterQueue,
    sqsNoPublicAccess,
    sqsTlsOnly,
} from "../../policy/sqs";
import {
    ACCOUNT,
    arnOf,
    componentProgram,
    componentQueues,
    componentStack,
    planned,
    policyDocument,
    queue,
    queueArn,
    redriveDocument,
    redrivePolicy,
    resource,
    tlsDenyStatement,
    tlsQueuePolicy,
    undecided,
    urlOf,
    violations,
} from "./fixtures";

describe("policy sqs-encrypted", () => {
    it("passes the component's queues, which turn SSE-SQS on", async () => {
        assert.deepEqual(await violations(sqsEncrypted, componentQueues("job-worker")), []);
    });

    it("passes a hand-built queue encrypted with a KMS key", async () => {
        assert.deepEqual(await violations(sqsEncrypted, [queue("orders", { kmsMasterKeyId: "alias/orders" })]), []);
    });

    it("passes a queue that sets neither option, which SQS encrypts with SSE-SQS by default, unless told to require the choice", async () => {
        assert.deepEqual(await violations(sqsEncrypted, [queue("orders")]), []);
        const config = { "sqs-encrypted": { requireExplicitEncryption: true } };
        const [message, ...rest] = await violations(sqsEncrypted, [queue("orders")], { config });
        assert.deepEqual(rest, []);
        assert.match(
            message,
            /^orders: The queue sets neither sqsManagedSseEnabled nor kmsMasterKeyId\. SQS encrypts a queue created since October 2022 with SSE-SQS by default/,
        );
        assert.doesNotMatch(message, /account default/);
    });

    it("fails a queue that turns SSE-SQS off", async () => {
        const [message] = await violations(sqsEncrypted, [queue("orders", { sqsManagedSseEnabled: false })]);
        assert.match(message, /turns SSE-SQS off/);
    });

    it("decides in preview that a queue whose KMS key is created in the same stack is encrypted: the key is set", async () => {
        const orders = queue("orders", { kmsMasterKeyId: undefined, sqsManagedSseEnabled: false });
        assert.deepEqual(await violations(sqsEncrypted, [orders], { preview: true }), []);
        assert.deepEqual(await undecided(sqsEncrypted, [orders]), []);
    });

    it("leaves open in preview only a queue whose sqsManagedSseEnabled itself is unknown", async () => {
        const orders = queue("orders", { sqsManagedSseEnabled: undefined });
        assert.deepEqual(await undecided(sqsEncrypted, [orders]), [
            "orders: the value at orders.inputs.sqsManagedSseEnabled is not known until `pulumi up`",
        ]);
    });
});

describe("policy sqs-has-dead-letter-queue", () => {
    it("passes the component's queue, redriven by a separate RedrivePolicy resource", async () => {
        assert.deepEqual(await violations(sqsHasDeadLetterQueue, componentQueues("job-worker")), []);
    });

    it("passes hand-built queues with the redrive policy inline, as a JSON string or as an object", async () => {
        const deadLetterQueue = queue("orders-dlq");
        const asString = queue("orders", { redrivePolicy: redriveDocument(deadLetterQueue) });
        const asObject = queue("invoices", {
            redrivePolicy: { deadLetterTargetArn: arnOf(deadLetterQueue), maxReceiveCount: 3 },
        });
        assert.deepEqual(await violations(sqsHasDeadLetterQueue, [deadLetterQueue, asString, asObject]), []);
    });

    it("reads a queue's redrive output that repeats its RedrivePolicy (as after a refresh) once", async () => {
        const [deadLetterQueue, jobQueue, redrive, ...rest] = componentQueues("job-worker", {}, {});
        const broken = {
            ...redrive,
            outputs: {
                ...redrive.outputs,
                redrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn("gone"), maxReceiveCount: 5 }),
            },
        };
        const refreshed = {
            ...jobQueue,
            outputs: { ...jobQueue.outputs, redrivePolicy: broken.outputs.redrivePolicy },
        };
        const found = await violations(sqsHasDeadLetterQueue, [deadLetterQueue, refreshed, broken, ...rest]);
        const aboutRedrive = found.filter((line) => line.includes("redrive policy job-worker-redrive"));
        assert.equal(aboutRedrive.length, 1, found.join("\n"));
        assert.match(aboutRedrive[0], /the redrive policy job-worker-redrive redrives to .*gone/);
    });

    it("fails a queue that redrives nowhere and is no dead-letter queue", async () => {
        const [message, ...rest] = await violations(sqsHasDeadLetterQueue, [queue("orders")]);
        assert.deepEqual(rest, []);
        assert.match(message, /^orders: Queue orders has no redrive policy/);
    });

    it("fails a redrive policy whose target ARN is no queue in the stack", async () => {
        const orders = queue("orders", {
            redrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn("deleted-dlq"), maxReceiveCount: 5 }),
        });
        assert.deepEqual(await violations(sqsHasDeadLetterQueue, [orders]), [
            `orders: Queue orders: its redrive policy redrives to ${queueArn("deleted-dlq")}, which is no queue in this stack ` +
                "(list it in externalDeadLetterQueueArns if it is a shared dead-letter queue).",
        ]);
    });

    it("passes a redrive to a shared dead-letter queue listed in externalDeadLetterQueueArns", async () => {
        const orders = queue("orders", {
            redrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn("shared-dlq"), maxReceiveCount: 5 }),
        });
        const config = { "sqs-has-dead-letter-queue": { externalDeadLetterQueueArns: [queueArn("shared-dlq")] } };
        assert.deepEqual(await violations(sqsHasDeadLetterQueue, [orders], { config }), []);
    });

    it("fails a queue whose RedrivePolicy resource is attached to another queue's URL", async () => {
        const ordersDlq = queue("orders-dlq");
        const orders = queue("orders");
        const invoicesDlq = queue("invoices-dlq");
        const invoices = queue("invoices");
        const wrongLink = resource("aws:sqs/redrivePolicy:RedrivePolicy", "orders-redrive", {
            queueUrl: urlOf(invoices),
            redrivePolicy: redriveDocument(ordersDlq),
        });
        const found = await violations(sqsHasDeadLetterQueue, [
            ordersDlq,
            orders,
            invoicesDlq,
            invoices,
            wrongLink,
            redrivePolicy("invoices-redrive", invoices, invoicesDlq),
        ]);
        assert.deepEqual(
            found.map((line) => line.split(":")[0]),
            ["orders"],
        );
    });

    it("treats a queue whose redrive allow policy names a listed source of another stack as a dead-letter queue, and no redrive allow policy alone", async () => {
        const shared = queue("shared-dlq", {
            redriveAllowPolicy: JSON.stringify({
                redrivePermission: "byQueue",
                sourceQueueArns: [queueArn("other-stack-queue")],
            }),
        });
        const open = queue("open", { redriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }) });
        const closed = queue("closed", { redriveAllowPolicy: JSON.stringify({ redrivePermission: "denyAll" }) });
        const stack = [shared, open, closed];
        assert.deepEqual(
            (await violations(sqsHasDeadLetterQueue, stack)).map((line) => line.split(":")[0]),
            ["shared-dlq", "open", "closed"],
        );
        const config = { "sqs-has-dead-letter-queue": { externalSourceQueueArns: [queueArn("other-stack-queue")] } };
        assert.deepEqual(
            (await violations(sqsHasDeadLetterQueue, stack, { config })).map((line) => line.split(":")[0]),
            ["open", "closed"],
        );
    });

    it("does not exempt a queue named by a redrive allow policy or a redrive policy whose source is no queue of the stack", async () => {
        const fake = queue("fake-dlq", {
            redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [queueArn("ghost")] }),
        });
        const named = queue("named-dlq");
        const pasted = resource("aws:sqs/redrivePolicy:RedrivePolicy", "pasted", {
            queueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/ghost`,
            redrivePolicy: redriveDocument(named),
        });
        const found = await violations(sqsHasDeadLetterQueue, [fake, named, pasted]);
        assert.deepEqual(
            found.map((line) => line.split(":")[0]),
            ["fake-dlq", "named-dlq"],
        );
    });

    it("does not exempt the component's dead-letter queue when another redrive allow policy on it names a queue that does not exist", async () => {
        const [deadLetterQueue, jobQueue, , ...rest] = componentQueues("job-worker");
        // The job queue's redrive policy is gone: the dead-letter queue's byQueue allow names a queue that redrives nowhere.
        const found = await violations(sqsHasDeadLetterQueue, [deadLetterQueue, jobQueue, ...rest]);
        assert.deepEqual(
            found.map((line) => line.split(":")[0]),
            ["job-worker-dlq", "job-worker-queue"],
        );
    });

    it("counts a queue as a dead-letter queue once a redrive policy names it, whatever its redrive allow policy says", async () => {
        const deadLetterQueue = queue("orders-dlq", { redriveAllowPolicy: { redrivePermission: "allowAll" } });
        const orders = queue("orders", { redrivePolicy: redriveDocument(deadLetterQueue) });
        assert.deepEqual(await violations(sqsHasDeadLetterQueue, [deadLetterQueue, orders]), []);
    });

    it("fails a FIFO queue that redrives to a standard queue", async () => {
        const deadLetterQueue = queue("orders-dlq");
        const orders = queue("orders.fifo", { fifoQueue: true, redrivePolicy: redriveDocument(deadLetterQueue) });
        const [message] = await violations(sqsHasDeadLetterQueue, [deadLetterQueue, orders]);
        assert.match(
            message,
            /redrives a FIFO queue to the standard queue orders-dlq; SQS needs both of the same type/,
        );
    });

    it("fails a maxReceiveCount SQS would reject, a redrive to the queue itself and a redrive that is not JSON", async () => {
        const deadLetterQueue = queue("dlq");
        const zero = queue("zero", { redrivePolicy: redriveDocument(deadLetterQueue, 0) });
        const self = queue("self", {
            redrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn("self"), maxReceiveCount: 5 }),
        });
        const broken = queue("broken", { redrivePolicy: "{deadLetterTargetArn:" });
        const found = await violations(sqsHasDeadLetterQueue, [deadLetterQueue, zero, self, broken]);
        assert.equal(found.length, 3);
        assert.match(found[0], /^zero: .*maxReceiveCount 0; SQS needs a whole number from 1 to 1000/);
        assert.match(found[1], /^self: .*names the queue itself/);
        assert.match(found[2], /^broken: .*is not valid JSON/);
    });

    it("in preview of new queues, follows the redrive through what it was built from and leaves open only its maxReceiveCount", async () => {
        const queues = planned(componentQueues("job-worker"));
        assert.deepEqual(await violations(sqsHasDeadLetterQueue, queues, { preview: true }), []);
        assert.deepEqual(await undecided(sqsHasDeadLetterQueue, queues), [
            "stack: the value at job-worker-redrive.outputs.redrivePolicy is not known until `pulumi up`",
        ]);
    });

    it("in preview, fails a new queue without a dead-letter queue although the rest of the stack is not known yet", async () => {
        const queues = planned([...componentQueues("job-worker"), queue("orders", { sqsManagedSseEnabled: true })]);
        assert.deepEqual(await violations(sqsHasDeadLetterQueue, queues, { preview: true }), [
            "orders: Queue orders has no redrive policy, and no redrive policy in the stack names it as a dead-letter queue: a message that keeps failing is retried until it expires.",
        ]);
    });

    it("in preview, decides a dead-letter queue although a redrive elsewhere names an unknown source", async () => {
        const deadLetterQueue = queue("orders-dlq");
        const orders = queue("orders", { redrivePolicy: redriveDocument(deadLetterQueue) });
        const unplaced = resource("aws:sqs/redrivePolicy:RedrivePolicy", "unplaced", {
            queueUrl: undefined,
            redrivePolicy: redriveDocument(deadLetterQueue),
        });
        assert.deepEqual(
            await violations(sqsHasDeadLetterQueue, [deadLetterQueue, orders, unplaced], { preview: true }),
            [],
        );
        assert.deepEqual(await undecided(sqsHasDeadLetterQueue, [deadLetterQueue, orders, unplaced]), []);
    });

    it("in preview without property dependencies, leaves a queue open rather than failing it on a redrive it cannot place", async () => {
        const queues = planned(componentQueues("job-worker")).map((item) => ({
            ...item,
            options: { ...item.options, propertyDependencies: {} },
        }));
        assert.deepEqual(await violations(sqsHasDeadLetterQueue, queues, { preview: true }), []);
        assert.equal((await undecided(sqsHasDeadLetterQueue, queues)).length, 1);
    });
});

describe("policy sqs-tls-only", () => {
    it("passes the component's queues, each with a QueuePolicy denying plain HTTP on its own ARN", async () => {
        assert.deepEqual(await violations(sqsTlsOnly, componentQueues("job-worker")), []);
    });

    it("passes a hand-built queue whose inline policy is an object with one statement and list-valued fields", async () => {
        const orders = queue("orders", {
            policy: {
                Version: "2012-10-17",
                Statement: { ...tlsDenyStatement(queueArn("orders")), Principal: { AWS: ["*"] }, Action: ["sqs:*"] },
            },
        });
        assert.deepEqual(await violations(sqsTlsOnly, [orders]), []);
    });

    it("accepts a wildcard Resource, BoolIfExists and a boolean false", async () => {
        const orders = queue("orders");
        const statement = {
            ...tlsDenyStatement(`arn:aws:sqs:us-east-1:123456789012:*`),
            Condition: { BoolIfExists: { "aws:SecureTransport": false } },
        };
        const attached = resource("aws:sqs/queuePolicy:QueuePolicy", "orders-policy", {
            queueUrl: urlOf(orders),
            policy: JSON.stringify(policyDocument(statement)),
        });
        assert.deepEqual(await violations(sqsTlsOnly, [orders, attached]), []);
    });

    it("fails a TLS deny that another condition narrows, or whose actions miss some of SQS's", async () => {
        const narrowed = queue("orders", {
            policy: JSON.stringify(
                policyDocument({
                    ...tlsDenyStatement(queueArn("orders")),
                    Condition: {
                        Bool: { "aws:SecureTransport": "false" },
                        StringEquals: { "aws:SourceAccount": "999999999999" },
                    },
                }),
            ),
        });
        const partial = queue("invoices", {
            policy: JSON.stringify(
                policyDocument({ ...tlsDenyStatement(queueArn("invoices")), Action: "sqs:SendMessage" }),
            ),
        });
        const wildcards = queue("receipts", {
            policy: JSON.stringify(policyDocument({ ...tlsDenyStatement(queueArn("receipts")), Action: "S?S:**" })),
        });
        const found = await violations(sqsTlsOnly, [narrowed, partial, wildcards]);
        assert.deepEqual(
            found.map((line) => line.split(":")[0]),
            ["orders", "invoices"],
        );
        assert.match(found[0], /has no statement denying sqs:\* to Principal "\*" when aws:SecureTransport is false/);
    });

    it("fails a queue without a queue policy", async () => {
        assert.deepEqual(await violations(sqsTlsOnly, [queue("orders")]), [
            "orders: Queue orders has no queue policy attached to its URL, so it accepts requests without TLS.",
        ]);
    });

    it("fails the queue left uncovered when a QueuePolicy is attached to another queue", async () => {
        const orders = queue("orders");
        const invoices = queue("invoices");
        const found = await violations(sqsTlsOnly, [
            orders,
            invoices,
            tlsQueuePolicy("orders-policy", invoices),
            tlsQueuePolicy("invoices-policy", invoices),
        ]);
        assert.deepEqual(found, [
            "orders: Queue orders has no queue policy attached to its URL, so it accepts requests without TLS.",
            "invoices: Queue invoices has 2 queue policies (orders-policy, invoices-policy); SQS keeps only the last one written, so the TLS deny may be overwritten. Merge them into one.",
        ]);
    });

    it("counts a queue's policy output that repeats its QueuePolicy (as after a refresh) as one policy", async () => {
        const [deadLetterQueue, jobQueue, ...rest] = componentQueues("job-worker");
        const attached = rest.find((item) => item.name === "job-worker-queue-policy");
        const refreshed = { ...jobQueue, outputs: { ...jobQueue.outputs, policy: attached?.outputs.policy } };
        assert.deepEqual(await violations(sqsTlsOnly, [deadLetterQueue, refreshed, ...rest]), []);
        const conflicting = { ...jobQueue, outputs: { ...jobQueue.outputs, policy: JSON.stringify(policyDocument()) } };
        const [message] = await violations(sqsTlsOnly, [deadLetterQueue, conflicting, ...rest]);
        assert.match(message, /has 2 queue policies \(job-worker-queue-policy, job-worker-queue\)/);
    });

    it("fails a queue whose TLS deny names another queue's ARN", async () => {
        const orders = queue("orders");
        const attached = resource("aws:sqs/queuePolicy:QueuePolicy", "orders-policy", {
            queueUrl: urlOf(orders),
            policy: JSON.stringify(policyDocument(tlsDenyStatement(queueArn("invoices")))),
        });
        assert.deepEqual(await violations(sqsTlsOnly, [orders, attached]), [
            `orders: The TLS deny in the queue policy of orders names ${queueArn("invoices")}, not this queue's ARN ${queueArn("orders")}.`,
        ]);
    });

    for (const [what, change] of [
        ["allows instead of denying", { Effect: "Allow" }],
        ["denies only SendMessage", { Action: "sqs:SendMessage" }],
        ["applies to one account instead of everyone", { Principal: { AWS: "arn:aws:iam::123456789012:root" } }],
        ["has no SecureTransport condition", { Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }],
        ["denies TLS requests instead", { Condition: { Bool: { "aws:SecureTransport": "true" } } }],
    ] as const) {
        it(`fails a queue policy whose statement ${what}`, async () => {
            const orders = queue("orders", {
                policy: JSON.stringify(policyDocument({ ...tlsDenyStatement(queueArn("orders")), ...change })),
            });
            const [message] = await violations(sqsTlsOnly, [orders]);
            assert.equal(
                message,
                `orders: The queue policy of orders has no statement denying sqs:* to Principal "*" when aws:SecureTransport is false.`,
            );
        });
    }
});

describe("policy sqs-tls-only in preview", () => {
    it("leaves a queue with a good TLS deny open while a queue policy it cannot place could overwrite it", async () => {
        const orders = queue("orders", {
            policy: JSON.stringify(policyDocument(tlsDenyStatement(queueArn("orders")))),
        });
        const unplaced = resource("aws:sqs/queuePolicy:QueuePolicy", "unplaced", {
            queueUrl: undefined,
            policy: JSON.stringify(policyDocument()),
        });
        assert.deepEqual(await violations(sqsTlsOnly, [orders, unplaced], { preview: true }), []);
        assert.equal((await undecided(sqsTlsOnly, [orders, unplaced])).length, 1);
        assert.deepEqual(await undecided(sqsTlsOnly, [orders]), []);
    });
});

describe("policy sqs-dlq-retention-covers-source", () => {
    it("passes the component's defaults: 4 days on the queue, 14 on the dead-letter queue", async () => {
        assert.deepEqual(await violations(sqsDlqRetentionCoversSource, componentQueues("job-worker")), []);
    });

    it("fails a dead-letter queue that keeps messages for less time than its source", async () => {
        const found = await violations(
            sqsDlqRetentionCoversSource,
            componentQueues("job-worker", { messageRetentionSeconds: 1_209_600 }, { messageRetentionSeconds: 86_400 }),
        );
        assert.deepEqual(found, [
            "job-worker-dlq: Dead-letter queue job-worker-dlq keeps messages 86400 s, less than its source job-worker-queue (1209600 s): a message can expire in the dead-letter queue soon after it arrives.",
        ]);
    });

    it("fails equal retention on a standard queue but passes it on a FIFO queue, which resets the enqueue time", async () => {
        const standardDlq = queue("orders-dlq", { messageRetentionSeconds: 345_600 });
        const standard = queue("orders", {
            messageRetentionSeconds: 345_600,
            redrivePolicy: redriveDocument(standardDlq),
        });
        const fifoDlq = queue("invoices-dlq.fifo", { fifoQueue: true, messageRetentionSeconds: 345_600 });
        const fifo = queue("invoices.fifo", {
            fifoQueue: true,
            messageRetentionSeconds: 345_600,
            redrivePolicy: redriveDocument(fifoDlq),
        });
        const found = await violations(sqsDlqRetentionCoversSource, [standardDlq, standard, fifoDlq, fifo]);
        assert.equal(found.length, 1);
        assert.match(found[0], /^orders-dlq: .*keeps messages 345600 s, no longer than its source orders/);
    });

    it("applies AWS's 4-day default to a queue that sets no retention", async () => {
        const deadLetterQueue = queue("orders-dlq", { messageRetentionSeconds: 86_400 });
        const orders = queue("orders", { redrivePolicy: redriveDocument(deadLetterQueue) });
        const [message] = await violations(sqsDlqRetentionCoversSource, [deadLetterQueue, orders]);
        assert.match(message, /less than its source orders \(345600 s\)/);
    });
});

describe("policy sqs-no-public-access", function () {
    this.timeout(30_000);
    const SNS_TOPIC = "arn:aws:sns:eu-west-1:210987654321:orders";
    const sendFromTopic = (condition: Record<string, unknown> | undefined, principal: unknown = "*") => ({
        Sid: "SendFromTopic",
        Effect: "Allow",
        Principal: principal,
        Action: "sqs:SendMessage",
        Resource: queueArn("orders"),
        ...(condition ? { Condition: condition } : {}),
    });
    const ordersWith = (...statements: Record<string, unknown>[]) =>
        queue("orders", {
            policy: JSON.stringify(policyDocument(tlsDenyStatement(queueArn("orders")), ...statements)),
        });

    it("passes what the component builds, a topic feeding the queue included (service principal scoped by aws:SourceArn)", async () => {
        const resources = await componentStack({ sources: { snsTopicArns: [SNS_TOPIC] } });
        assert.deepEqual(await violations(sqsNoPublicAccess, resources), []);
    });

    it("fails a queue policy added to the component's queue whose condition names an organization but restricts no caller", async () => {
        const built = await componentProgram((worker) => {
            new aws.sqs.QueuePolicy("open", {
                queueUrl: worker.queueUrl,
                policy: worker.queueArn.apply((arn) =>
                    JSON.stringify(
                        policyDocument({
                            Effect: "Allow",
                            Principal: "*",
                            Action: "sqs:SendMessage",
                            Resource: arn,
                            Condition: { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                        }),
                    ),
                ),
            });
        });
        const found = await violations(sqsNoPublicAccess, built);
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(
            found[0],
            /^jobs-queue: The queue policy of jobs-queue-\w+: statement allows Principal "\*" and its condition restricts no caller \(ForAllValues:StringEquals aws:principalorgid is true when the key is absent or empty/,
        );
    });

    it("fails the TLS deny next to Allow Principal * sqs:*, which every other queue policy check passes", async () => {
        const found = await violations(sqsNoPublicAccess, [
            ordersWith({
                Sid: "Everyone",
                Effect: "Allow",
                Principal: "*",
                Action: "sqs:*",
                Resource: queueArn("orders"),
            }),
        ]);
        assert.deepEqual(found, [
            'orders: The queue policy of orders: statement Everyone allows Principal "*" and its condition restricts no caller (no condition on the caller\'s account, ARN, organization, source or network (aws:PrincipalOrgID, aws:SourceAccount, ...)).',
            "orders: The queue policy of orders: statement Everyone allows every SQS action (sqs:*).",
        ]);
        assert.deepEqual(
            await violations(sqsTlsOnly, [
                ordersWith({ Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: queueArn("orders") }),
            ]),
            [],
        );
    });

    const cases: [string, Record<string, unknown>, boolean][] = [
        ["Principal * scoped by aws:SourceArn", sendFromTopic({ ArnEquals: { "aws:SourceArn": SNS_TOPIC } }), false],
        [
            "Principal * scoped by aws:PrincipalOrgID",
            sendFromTopic({ StringEquals: { "aws:PrincipalOrgID": "o-abc123" } }),
            false,
        ],
        [
            "Principal { AWS: * } scoped by aws:SourceAccount",
            sendFromTopic({ StringEquals: { "aws:SourceAccount": ACCOUNT } }, { AWS: "*" }),
            false,
        ],
        [
            "an account principal with one action",
            sendFromTopic(undefined, { AWS: `arn:aws:iam::${ACCOUNT}:root` }),
            false,
        ],
        ["Principal * without a condition", sendFromTopic(undefined), true],
        ["Principal { AWS: [*] } without a condition", sendFromTopic(undefined, { AWS: ["*"] }), true],
        [
            "an account and * among the AWS principals",
            sendFromTopic(undefined, { AWS: [`arn:aws:iam::${ACCOUNT}:root`, "*"] }),
            true,
        ],
        ["Principal { Service: * }", sendFromTopic(undefined, { Service: "*" }), true],
        [
            "Principal * under a wildcard aws:SourceArn",
            sendFromTopic({ ArnLike: { "aws:SourceArn": "arn:aws:sns:eu-west-1:*:orders" } }),
            true,
        ],
        [
            "Principal * under a negated condition",
            sendFromTopic({ StringNotEquals: { "aws:SourceAccount": ACCOUNT } }),
            true,
        ],
        [
            "Principal * under an IfExists condition",
            sendFromTopic({ StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT } }),
            true,
        ],
        [
            "Principal * under a condition that names no caller",
            sendFromTopic({ Bool: { "aws:SecureTransport": "true" } }),
            true,
        ],
        [
            "an account principal with sqs:*",
            {
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                Action: "sqs:*",
                Resource: queueArn("orders"),
            },
            true,
        ],
        [
            "NotPrincipal",
            {
                Effect: "Allow",
                NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                Action: "sqs:SendMessage",
                Resource: queueArn("orders"),
            },
            true,
        ],
        [
            "Principal * under ForAllValues on a key that may be absent",
            sendFromTopic({ "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-abc123" } }),
            true,
        ],
        [
            "Principal * under ForAllValues with a Null check that requires the key",
            sendFromTopic({
                "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-abc123" },
                Null: { "aws:PrincipalOrgID": "false" },
            }),
            false,
        ],
        [
            "Principal * under an account pattern of wildcards only",
            sendFromTopic({ StringLike: { "aws:SourceAccount": "????????????" } }),
            true,
        ],
        [
            "Principal * under aws:SourceAccount like *",
            sendFromTopic({ StringLike: { "aws:SourceAccount": "*" } }),
            true,
        ],
        [
            "Principal * under an ARN pattern of any account",
            sendFromTopic({ ArnLike: { "aws:PrincipalArn": "arn:aws:*" } }),
            true,
        ],
        [
            "Principal * under a policy variable that echoes the request",
            sendFromTopic({ StringEquals: { "aws:SourceAccount": "${aws:SourceAccount}" } }),
            true,
        ],
        [
            "Principal * scoped to the queue owner's own account by variable",
            sendFromTopic({ StringEquals: { "aws:PrincipalAccount": "${aws:ResourceAccount}" } }),
            false,
        ],
        [
            "a service principal without aws:SourceArn or aws:SourceAccount",
            sendFromTopic(undefined, { Service: "sns.amazonaws.com" }),
            true,
        ],
        [
            "a service principal scoped by aws:SourceArn",
            sendFromTopic({ ArnEquals: { "aws:SourceArn": SNS_TOPIC } }, { Service: "sns.amazonaws.com" }),
            false,
        ],
        [
            "a service principal scoped only by aws:PrincipalOrgID, which a service does not carry",
            sendFromTopic({ StringEquals: { "aws:PrincipalOrgID": "o-abc123" } }, { Service: "events.amazonaws.com" }),
            true,
        ],
        [
            "an account principal with s?s:* (every SQS action among others)",
            { Effect: "Allow", Principal: { AWS: ACCOUNT }, Action: "s?s:*", Resource: queueArn("orders") },
            true,
        ],
    ];
    for (const [what, statement, fails] of cases) {
        it(`${fails ? "fails" : "passes"} a hand-built queue policy with ${what}`, async () => {
            const found = await violations(sqsNoPublicAccess, [ordersWith(statement)]);
            assert.equal(found.length, fails ? 1 : 0, found.join("\n"));
        });
    }

    it("fails an allowAll redrive allow policy on a queue no redrive names, and passes it on a real dead-letter queue", async () => {
        const deadLetterQueue = queue("orders-dlq", {
            redriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }),
        });
        const orders = queue("orders", { redrivePolicy: redriveDocument(deadLetterQueue) });
        const lonely = queue("lonely", { redriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }) });
        assert.deepEqual(await violations(sqsNoPublicAccess, [deadLetterQueue, orders, lonely]), [
            "lonely: Queue lonely lets any queue of the account use it as a dead-letter queue (redriveAllowPolicy allowAll), but no redrive policy names it: it is not a dead-letter queue.",
        ]);
    });

    it("judges a QueuePolicy resource the same way, reporting it on the queue it is attached to", async () => {
        const orders = queue("orders");
        const policy = resource("aws:sqs/queuePolicy:QueuePolicy", "orders-policy", {
            queueUrl: urlOf(orders),
            policy: policyDocument({
                Effect: "Allow",
                Principal: "*",
                Action: ["sqs:SendMessage"],
                Resource: arnOf(orders),
            }),
        });
        const [message, ...rest] = await violations(sqsNoPublicAccess, [orders, policy]);
        assert.deepEqual(rest, []);
        assert.match(message, /^orders: The queue policy of orders: statement allows Principal "\*"/);
    });

    it("in preview, decides the policies it can read and leaves open only the ones whose document is unknown", async () => {
        const known = queue("public", {
            policy: policyDocument({ Effect: "Allow", Principal: "*", Action: "sqs:ReceiveMessage" }),
        });
        const queues = planned([...componentQueues("job-worker"), known]);
        assert.deepEqual(
            (await violations(sqsNoPublicAccess, queues, { preview: true })).map((line) => line.split(":")[0]),
            ["public"],
        );
        assert.equal((await undecided(sqsNoPublicAccess, queues)).length, 1);
    });
});
