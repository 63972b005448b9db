import * as assert from "node:assert/strict";
import { accepted, assertRejected, describeIntegerBounds, IntegerBound, untyped } from "../../support/validation";
import { minimalArgs } from "../../support/worker";

const INTEGER_BOUNDS: IntegerBound[] = [
    {
        path: "queue.visibilityTimeoutSeconds",
        min: 0,
        max: 43_200,
        args: (value) => minimalArgs({ queue: { visibilityTimeoutSeconds: untyped(value) } }),
    },
    {
        path: "queue.messageRetentionSeconds",
        min: 60,
        max: 1_209_600,
        args: (value) => minimalArgs({ queue: { messageRetentionSeconds: untyped(value) } }),
    },
    {
        path: "queue.receiveWaitTimeSeconds",
        min: 0,
        max: 20,
        args: (value) => minimalArgs({ queue: { receiveWaitTimeSeconds: untyped(value) } }),
    },
    {
        path: "queue.delaySeconds",
        min: 0,
        max: 900,
        args: (value) => minimalArgs({ queue: { delaySeconds: untyped(value) } }),
    },
    {
        path: "queue.maxMessageSizeBytes",
        min: 1_024,
        max: 1_048_576,
        args: (value) => minimalArgs({ queue: { maxMessageSizeBytes: untyped(value) } }),
    },
    {
        path: "queue.maxReceiveCount",
        min: 1,
        max: 1_000,
        args: (value) => minimalArgs({ queue: { maxReceiveCount: untyped(value) } }),
    },
    {
        // The source keeps 60 s so that the dead-letter queue's own lower bound is the only rule in play.
        path: "queue.deadLetterRetentionSeconds",
        min: 60,
        max: 1_209_600,
        args: (value) =>
            minimalArgs({ queue: { messageRetentionSeconds: 60, deadLetterRetentionSeconds: untyped(value) } }),
    },
];

describe("validation/queue: the job queue, its dead-letter queue, or an existing queue", () => {
    describe("AWS's numeric limits", () => {
        describeIntegerBounds(INTEGER_BOUNDS);

        it("words the visibility timeout error as the limits document does", () => {
            assert.equal(
                assertRejected(
                    minimalArgs({ queue: { visibilityTimeoutSeconds: 50_000 } }),
                    "queue.visibilityTimeoutSeconds",
                ),
                "queue.visibilityTimeoutSeconds must be between 0 and 43200 seconds (12 hours); got 50000",
            );
        });
    });

    describe("queue retention", () => {
        it("rejects a dead-letter retention shorter than the source's, with both values", () => {
            assertRejected(
                minimalArgs({ queue: { messageRetentionSeconds: 345_600, deadLetterRetentionSeconds: 86_400 } }),
                "queue.deadLetterRetentionSeconds",
                "at least queue.messageRetentionSeconds (345600)",
                "got 86400",
            );
        });

        it("warns when the dead-letter retention equals the source's, since moved messages keep their enqueue time", () => {
            const warnings = accepted(
                minimalArgs({ queue: { messageRetentionSeconds: 345_600, deadLetterRetentionSeconds: 345_600 } }),
            );
            assert.equal(warnings.length, 1, warnings.join("\n"));
            assert.match(
                warnings[0],
                /^queue\.deadLetterRetentionSeconds equals queue\.messageRetentionSeconds \(345600\).*1209600/,
            );
        });

        it("warns at the 14-day maximum too, pointing to a shorter source retention", () => {
            const warnings = accepted(
                minimalArgs({ queue: { messageRetentionSeconds: 1_209_600, deadLetterRetentionSeconds: 1_209_600 } }),
            );
            assert.equal(warnings.length, 1, warnings.join("\n"));
            assert.match(
                warnings[0],
                /^queue\.deadLetterRetentionSeconds equals queue\.messageRetentionSeconds \(1209600\).*shorten queue\.messageRetentionSeconds/,
            );
        });

        it("does not warn for FIFO queues, whose dead-letter queue resets the enqueue time", () => {
            assert.deepEqual(
                accepted(
                    minimalArgs({
                        queue: { fifo: true, messageRetentionSeconds: 345_600, deadLetterRetentionSeconds: 345_600 },
                    }),
                ),
                [],
            );
        });

        it("does not warn when the dead-letter retention is longer", () => {
            assert.deepEqual(
                accepted(
                    minimalArgs({ queue: { messageRetentionSeconds: 345_600, deadLetterRetentionSeconds: 345_601 } }),
                ),
                [],
            );
        });
    });

    describe("visibility timeout and stop timeout", () => {
        it("warns when the visibility timeout is shorter than the default 120 s stop timeout", () => {
            const warnings = accepted(minimalArgs({ queue: { visibilityTimeoutSeconds: 60 } }));
            assert.equal(warnings.length, 1, warnings.join("\n"));
            assert.match(
                warnings[0],
                /^queue\.visibilityTimeoutSeconds \(60\) is shorter than container\.stopTimeoutSeconds \(120\)/,
            );
        });

        it("warns against a stop timeout the user set", () => {
            const warnings = accepted(
                minimalArgs({
                    queue: { visibilityTimeoutSeconds: 20 },
                    container: { image: "worker:1", stopTimeoutSeconds: 30 },
                }),
            );
            assert.match(warnings.join("\n"), /\(20\) is shorter than container\.stopTimeoutSeconds \(30\)/);
        });

        it("does not warn when the visibility timeout covers the stop timeout", () => {
            assert.deepEqual(accepted(minimalArgs({ queue: { visibilityTimeoutSeconds: 120 } })), []);
            assert.deepEqual(
                accepted(
                    minimalArgs({
                        queue: { visibilityTimeoutSeconds: 60 },
                        container: { image: "worker:1", stopTimeoutSeconds: 60 },
                    }),
                ),
                [],
            );
        });
    });

    describe("an existing queue", () => {
        const existing = (name: string) => ({
            arn: `arn:aws:sqs:eu-west-1:210987654321:${name}`,
            url: `https://sqs.eu-west-1.amazonaws.com/210987654321/${name}`,
        });

        it("takes a FIFO queue whose name is 80 characters with .fifo, and refuses 81", () => {
            accepted(minimalArgs({ existingQueue: existing(`${"q".repeat(75)}.fifo`) }));
            assertRejected(
                minimalArgs({ existingQueue: { ...existing(`${"q".repeat(76)}.fifo`), url: existing("orders").url } }),
                "existingQueue.arn",
                "must be an ARN such as",
                `${"q".repeat(76)}.fifo`,
            );
        });
    });
});
