// The worker image's entry point as a plain-JavaScript user writes it: require the runtime, no TypeScript, no build.
// It consumes QUEUE_URL until it has handled EXPECTED_MESSAGES messages, then stops and prints what it saw.
const { runWorker } = require("@background-worker/runtime");

const expected = Number(process.env.EXPECTED_MESSAGES);
const seen = new Set();
const worker = runWorker({
    concurrency: 5,
    taskProtection: false,
    handler: async (message) => {
        seen.add(message.body);
        if (seen.size === expected) {
            setImmediate(() => worker.stop().then(() => console.log(JSON.stringify([...seen].sort()))));
        }
    },
});
