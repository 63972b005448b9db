// Mocha's spec reporter plus the one summary line CI reads: `tests: N passed, N failed`.
// Pending (skipped) tests are reported apart and never counted as passed. Under the test runner (scripts/test.ts),
// which runs several mocha processes and prints one summary line for all of them, the counts go to the file named by
// TEST_SUMMARY_FILE instead.
"use strict";
const fs = require("fs");
const Mocha = require("mocha");
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
    constructor(runner, options) {
        super(runner, options);
        runner.once(EVENT_RUN_END, () => {
            const { passes, failures, pending } = runner.stats;
            if (process.env.TEST_SUMMARY_FILE) {
                fs.writeFileSync(process.env.TEST_SUMMARY_FILE, JSON.stringify({ passes, failures, pending }));
                return;
            }
            const skipped = pending > 0 ? `, ${pending} skipped` : "";
            process.stdout.write(`\ntests: ${passes} passed, ${failures} failed${skipped}\n`);
        });
    }
}

module.exports = SummaryReporter;
