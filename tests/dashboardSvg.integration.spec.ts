import * as assert from "node:assert/strict";
import { planAlarms } from "../components/plan/alarmPlan";
import { workerDashboardBody } from "../components/plan/dashboardPlan";
import { planScaling } from "../components/plan/scalingPlan";
import { resolveWorkerSettings } from "../components/plan/settings";
import { renderSvg } from "../scripts/dashboardSvg";
import { describeRun, runScript, SCRIPT_TIMEOUT_MS } from "./support/cli";
import { minimalArgs } from "./support/worker";

function escaped(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

describe("docs:dashboard: the picture of the dashboard in the docs", () => {
    it("draws every widget of the body it is given: titles, series and threshold lines", async () => {
        const settings = resolveWorkerSettings(
            minimalArgs({ scaling: { minTasks: 0 }, alarms: { queueDepthThreshold: 100 } }),
        );
        const body = workerDashboardBody({
            workerName: "jobs",
            region: "eu-west-1",
            names: {
                queueName: "jobs-queue",
                deadLetterQueueName: "jobs-dlq",
                clusterName: "workers",
                serviceName: "jobs-service",
            },
            scaling: planScaling(settings.scaling),
            operationalAlarms: planAlarms(settings.alarms, true),
            createdAlarms: [
                { arn: "arn:aws:cloudwatch:eu-west-1:210987654321:alarm:jobs-wake-alarm-1", purpose: "scaling" },
            ],
        });
        const svg = await renderSvg(body.widgets);
        assert.match(svg, /^<svg [^>]*width="1080"/, "24 columns of 44 px and the padding");
        for (const widget of body.widgets) {
            const title = widget.type === "text" ? "jobs: how it scales" : widget.properties.title;
            assert.ok(svg.includes(`>${escaped(title)}</text>`), `the ${widget.type} widget "${title}" is drawn`);
        }
        assert.ok(svg.includes(">- - queue-depth: alarm &gt; 100 for 2 of 2 min</text>"), "thresholds are drawn");
        assert.ok(svg.includes(">● jobs-wake-alarm-1</text>"), "alarms are listed");
    });

    it("is up to date: docs/images/dashboard.svg is what the dev stack's job-worker body draws now", async function () {
        this.timeout(SCRIPT_TIMEOUT_MS);
        const run = await runScript("scripts/dashboardSvg.ts", ["--check"]);
        assert.equal(run.code, 0, describeRun(run));
    });
});
