import * as assert from "assert";
import { benchSummaries } from "../../scripts/bench";
import { defaultWorker } from "../../simulator/experiment";
import { PolicyName } from "../../simulator/policies";
import { ComparisonSummary } from "../../simulator/report";
import { BUILT_IN_TRACES } from "../../simulator/traces";

describe("bench:scaling", () => {
    let summaries: ComparisonSummary[] = [];
    before(function () {
        this.timeout(60_000);
        summaries = benchSummaries(defaultWorker());
    });

    // The bar for the component's defaults: on every built-in trace, over the bench's seeds, no alternative
    // both waits less (p95) and costs less than our plan.
    it("finds no built-in trace where an alternative beats our default on both p95 wait and cost", () => {
        assert.deepStrictEqual(summaries.map((summary) => [summary.trace, summary.oursLosesTo]), BUILT_IN_TRACES.map((trace) => [trace, []]));
    });

    it("has the burst policy reach a dropped batch sooner than Copilot's Lambda-fed metric does", () => {
        const batch = summaries.find((summary) => summary.trace === "batch");
        const p95 = (policy: string) => batch?.rows.find((row) => row.policy === policy)?.p95WaitSeconds ?? NaN;
        assert.ok(p95(PolicyName.Ours) < p95(PolicyName.Copilot), `ours ${p95(PolicyName.Ours)} s, Copilot ${p95(PolicyName.Copilot)} s`);
    });
});
