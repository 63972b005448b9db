// Wait statistics in constant memory: an HDR histogram (hdr-histogram-js) of the waits in milliseconds, so a run of
// five million messages keeps a few kilobytes of counts instead of five million numbers. Its percentiles are the top
// of the value's bucket (three significant digits: within 0.1 % above the exact nearest-rank value), never below it,
// which is the safe side for the lower bound: a goal read a little high only lowers the bound. The maximum is exact.
import { build, Histogram } from "hdr-histogram-js";

/** p50, p95 and max of a set of waits, in seconds. */
export interface WaitSummary {
    p50WaitSeconds: number;
    p95WaitSeconds: number;
    maxWaitSeconds: number;
}

/** Waits are recorded in whole milliseconds, rounded up. */
const MILLISECONDS = 1000;

export class WaitRecorder {
    private readonly histogram: Histogram = build({ numberOfSignificantValueDigits: 3 });
    private max = 0;
    private recorded = 0;

    record(waitSeconds: number): void {
        const wait = Math.max(0, waitSeconds);
        this.histogram.recordValue(Math.ceil(wait * MILLISECONDS));
        this.max = Math.max(this.max, wait);
        this.recorded++;
    }

    get count(): number {
        return this.recorded;
    }

    /** 0 for every figure when nothing was recorded. */
    summary(): WaitSummary {
        if (this.recorded === 0) {
            return { p50WaitSeconds: 0, p95WaitSeconds: 0, maxWaitSeconds: 0 };
        }
        const at = (percentile: number) =>
            Math.min(this.max, this.histogram.getValueAtPercentile(percentile) / MILLISECONDS);
        return { p50WaitSeconds: at(50), p95WaitSeconds: at(95), maxWaitSeconds: this.max };
    }
}
