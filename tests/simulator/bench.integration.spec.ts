import * as assert from "assert";
import { BENCH_SIZES, BenchEntry, benchEntries, FORESIGHT_RATIO_CEILING } from "../../scripts/bench";
import { defaultWorker } from "../../simulator/experiment";
import { BUILT_IN_TRACES } from "../../simulator/traces";

// The bench itself: five traces x three fleet sizes x ten seeds, tens of seconds to minutes. `npm test` runs it,
// `npm run test:unit` does not.
describe("bench:scaling", () => {
    let entries: BenchEntry[] = [];
    before(async function () {
        this.timeout(900_000);
        entries = await benchEntries(defaultWorker());
    });

    it("covers every built-in trace at maxTasks 10, 25 and 50", () => {
        assert.deepStrictEqual(
            entries.map((entry) => [entry.summary.trace, entry.maxTasks]),
            BENCH_SIZES.flatMap((size) => BUILT_IN_TRACES.map((trace) => [trace, size])),
        );
    });

    // The bar for the component's defaults: on every built-in trace at every size, over the bench's seeds, no
    // alternative both waits less (p95) and costs less than our plan.
    it("finds no trace and size where an alternative beats our default on both p95 wait and cost", () => {
        const beaten = entries.filter((entry) => entry.summary.oursLosesTo.length > 0);
        assert.deepStrictEqual(
            beaten.map((entry) => `${entry.summary.trace}/${entry.maxTasks}: ${entry.summary.oursLosesTo.join(", ")}`),
            [],
        );
    });

    it("keeps our cost within twice the foresight oracle's on every trace and size", () => {
        const above = entries.filter((entry) => !(entry.foresightRatio <= FORESIGHT_RATIO_CEILING));
        assert.deepStrictEqual(
            above.map((entry) => `${entry.summary.trace}/${entry.maxTasks}: ${entry.foresightRatio.toFixed(2)}`),
            [],
        );
    });
});
