import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../scripts/simulate";
import { compare, traceForSeed, WorkerUnderTest } from "../../simulator/experiment";
import { plotSpec, renderPlot } from "../../simulator/plot";
import { FORESIGHT_ROW } from "../../simulator/report";
import { BuiltInTrace } from "../../simulator/traces";
import { workerSettings } from "./fixtures";

describe("simulator/plot", () => {
    const worker: WorkerUnderTest = { name: "small", settings: workerSettings({ minTasks: 0, maxTasks: 3 }) };
    const source = { builtIn: BuiltInTrace.Batch };

    it("draws arrivals, then backlog, running tasks and cumulative cost for every policy and the foresight heuristic, on one time range", async function () {
        this.timeout(60_000);
        const comparison = await compare(worker, source, { seeds: 1, bounds: [] });
        const arrivals = traceForSeed(source, worker.settings, 1, 0, 1).arrivals;
        const spec = plotSpec(comparison, 1, arrivals);
        assert.ok("vconcat" in spec);
        assert.deepStrictEqual(
            spec.vconcat.map((panel) => panel.title),
            ["Arrivals", "Backlog (visible + in flight)", "Running tasks", "Cumulative cost"],
        );
        // Every panel's x scale has the same domain, set from the longest series, not from each panel's own data.
        const domains = spec.vconcat.map((panel) =>
            "encoding" in panel
                ? JSON.stringify(panel.encoding?.x && "scale" in panel.encoding.x ? panel.encoding.x.scale : undefined)
                : "",
        );
        assert.strictEqual(new Set(domains).size, 1, domains.join(" / "));
        assert.doesNotMatch(JSON.stringify(spec.title), /\//, "no path in the title");
        const svg = await renderPlot(comparison, 1, arrivals);
        assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        for (const name of ["ours", "cdk", "seed-alarm", "copilot", "fixed-peak", FORESIGHT_ROW]) {
            assert.ok(svg.includes(`>${name}<`), `the legend names ${name}`);
        }
        // Ours and Copilot in colours far apart (blue and orange), not neighbours of one palette.
        assert.ok(svg.includes('stroke="#1f5fbf"') && svg.includes('stroke="#e8710a"'), "ours blue, Copilot orange");
    });

    // The curves are sampled at minute ends, so the last sample may miss the final minute's seconds: within 2 %.
    it("ends each policy's cost curve at its bill", async function () {
        this.timeout(60_000);
        const comparison = await compare(worker, source, { seeds: 1, bounds: [] });
        for (const run of comparison.runs) {
            const last = run.timeline.dollars[run.timeline.dollars.length - 1];
            assert.ok(
                Math.abs(last - run.dollars) <= 0.02 * run.dollars + 1e-6,
                `${run.policy}: curve ends at ${last}, billed ${run.dollars}`,
            );
        }
        const oracle = comparison.references[0].foresight;
        const last = oracle.timeline.dollars[oracle.timeline.dollars.length - 1];
        assert.ok(
            Math.abs(last - oracle.dollars) <= 0.02 * oracle.dollars,
            `foresight: curve ends at ${last}, billed ${oracle.dollars}`,
        );
    });

    it("writes the SVG file `simulate --plot` names, and rejects a name that is not .svg or a flag it does not know (exit 2)", async function () {
        this.timeout(120_000);
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plot-")), "sparse.svg");
        const write = process.stdout.write;
        process.stdout.write = () => true;
        try {
            assert.strictEqual(
                await main([
                    "--stack",
                    "dev",
                    "--worker",
                    "emailWorker",
                    "--trace",
                    "sparse",
                    "--seeds",
                    "1",
                    "--plot",
                    file,
                    "--no-bound",
                ]),
                0,
            );
        } finally {
            process.stdout.write = write;
        }
        assert.match(fs.readFileSync(file, "utf8"), /^<svg/);
        const stderr = process.stderr.write;
        process.stderr.write = () => true;
        try {
            assert.strictEqual(
                await main(["--stack", "dev", "--worker", "emailWorker", "--trace", "sparse", "--plot", "out.png"]),
                2,
            );
            assert.strictEqual(await main(["--stack", "dev", "--trace", "sparse", "--plto", "x.svg"]), 2);
        } finally {
            process.stderr.write = stderr;
        }
    });
});
