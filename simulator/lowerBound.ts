// A sound lower bound on what any schedule of Fargate tasks must be billed to serve a trace within a wait goal. It is
// the yardstick the bench divides our cost by, so it has to be a bound for every schedule the simulator can produce,
// not an estimate: docs/scaling.md ("The sound lower bound") proves each step below, and
// tests/simulator/lowerBound*.spec.ts check it against brute force and against every simulated design.
//
// What it assumes about a schedule is only what the simulator enforces for all of them: a task is billed per second
// from its launch for at least BILLING_MINIMUM_SECONDS; it cannot take a job during the first LAUNCH_MIN_SECONDS of
// its launch (the launch floor); it runs one job at a time; the tasks running at time 0 were not launched; and at least
// minTasks tasks are billed until the trace ends. It does not cap the fleet at maxTasks: a Spot task finishing its job
// after an interruption warning runs beside its replacement, so a real fleet can exceed maxTasks for two minutes.
//
// How: time is cut into one-minute slots and a task's work into what it can do per slot (the fluid relaxation), with
// the task counts kept integral (HiGHS solves it as a MIP; its proven dual bound is used when the time limit stops it).
import highsLoader, { Highs, ModelData } from "highs";
import { BILLING_MINIMUM_SECONDS, LAUNCH_MIN_SECONDS } from "./parameters";
import { messageCount, Trace } from "./traces";

/** The slot: one minute, the period every AWS metric and alarm here works on. */
const SLOT_SECONDS = 60;
/** At most this many slots (two days of minutes); a longer trace gets longer slots. */
const MAX_SLOTS = 2880;
/**
 * Windows longer than this many slots are left out (fewer constraints only lower the bound), except those that end
 * with the horizon; a goal longer than the cap lengthens it (see windowCap).
 */
const WINDOW_SLOTS = 15;
const WINDOW_SLOTS_CEILING = 40;
/** Seconds HiGHS may spend on the integer search before the proven bound so far is taken. */
export const DEFAULT_TIME_LIMIT_SECONDS = 20;
/** The LP is given a day: an LP stopped early proves nothing, so a stop there is an error, not a weaker bound. */
const LP_TIME_LIMIT_SECONDS = 86_400;
/**
 * HiGHS stops at a relative gap of 1e-4 by default and reports a proven bound; its tolerances are about 1e-7 relative.
 * The bound given out is lowered by this share so a rounding inside the solver never lifts it above a real schedule.
 */
const SAFETY_SHARE = 1e-6;

export interface LowerBoundInput {
    trace: Trace;
    /** Every message (or every one but `lateMessages`) starts within this many seconds of its arrival. */
    waitSeconds: number;
    /**
     * How many messages may miss the wait goal (and are then not served at all: the bound drops them). A p95 goal of
     * N messages allows N - ceil(0.95 N). 0 when omitted.
     */
    lateMessages?: number;
    /** At least this many tasks are billed from 0 until the trace's end (the worker's minTasks). */
    minTasks: number;
    /**
     * The schedule ended here (a run that left messages unprocessed ends at its time limit): nothing is billed after
     * it, and a message whose wait could reach it is not required. Omitted: the schedule runs until all is done.
     */
    endSeconds?: number;
    /**
     * Keep task counts integral (a MIP, whose proven dual bound is taken); otherwise the LP relaxation, which is a bound
     * too (dropping integrality only widens the feasible set) and solves in seconds. Defaults to false.
     */
    integer?: boolean;
    timeLimitSeconds?: number;
    /** For tests: the slot length and the window cap. */
    slotSeconds?: number;
    maxWindowSlots?: number;
}

export interface LowerBound {
    /** No schedule meeting the goal is billed fewer task-seconds. */
    taskSeconds: number;
    /** How the figure was proven: the MIP's optimum, its dual bound at the time limit, or the LP relaxation. */
    proof: "optimal" | "dual bound" | "relaxation";
    slotSeconds: number;
    slots: number;
    windows: number;
}

let solver: Promise<Highs> | undefined;

/** HiGHS, compiled to WebAssembly: loaded once, on first use. */
function highs(): Promise<Highs> {
    solver ??= highsLoader();
    return solver;
}

/** One window constraint: slots s..e must hold `work` seconds of processing. */
interface Window {
    first: number;
    last: number;
    work: number;
}

/**
 * Least processing any schedule must do inside [u, v] for one message that arrives at `a`, takes `s` and starts
 * within [a, a + w]: its job [start, start + s] overlaps [u, v] least at one end of that range.
 */
function leastOverlap(a: number, s: number, w: number, u: number, v: number): number {
    const overlap = (start: number) => Math.max(0, Math.min(start + s, v) - Math.max(start, u));
    return Math.min(overlap(a), overlap(a + w));
}

/** The windows whose demand binds, found in one sweep over the start slot (memory linear in the slots). */
function bindingWindows(
    trace: Trace,
    wait: number,
    slot: number,
    slots: number,
    horizon: number,
    maxWindow: number,
    arrivalsOnly: boolean,
): Window[] {
    const arrivals = trace.arrivals;
    const processing = trace.processingSeconds;
    const count = messageCount(trace);
    // Message j adds to windows starting at slots floor(a / slot) .. ceil((a + s) / slot) - 1: bucket it by the highest.
    const top = (j: number) => Math.min(slots - 1, Math.ceil((arrivals[j] + processing[j]) / slot) - 1);
    const bucketStart = new Int32Array(slots + 1);
    const required = (j: number) => arrivals[j] + wait < horizon;
    for (let j = 0; j < count; j++) {
        if (required(j)) {
            bucketStart[(arrivalsOnly ? Math.floor(arrivals[j] / slot) : top(j)) + 1]++;
        }
    }
    for (let t = 0; t < slots; t++) {
        bucketStart[t + 1] += bucketStart[t];
    }
    const fill = bucketStart.slice();
    const bucket = new Int32Array(bucketStart[slots]);
    for (let j = 0; j < count; j++) {
        if (required(j)) {
            bucket[fill[arrivalsOnly ? Math.floor(arrivals[j] / slot) : top(j)]++] = j;
        }
    }
    const end = (e: number) => Math.min((e + 1) * slot, horizon);
    let below = new Float64Array(slots);
    let row = new Float64Array(slots);
    const due = new Float64Array(slots + 1);
    const extra = new Float64Array(slots);
    const active: number[] = [];
    const windows: Window[] = [];
    for (let s = slots - 1; s >= 0; s--) {
        for (let k = bucketStart[s]; k < bucketStart[s + 1]; k++) {
            active.push(bucket[k]);
        }
        due.fill(0);
        extra.fill(0);
        const u = s * slot;
        let keep = 0;
        for (const j of active) {
            const a = arrivals[j];
            const p = processing[j];
            // How much more the window holds of j when it starts at u instead of u + slot.
            const increase = (v: number) =>
                arrivalsOnly
                    ? leastOverlap(a, p, wait, u, v)
                    : leastOverlap(a, p, wait, u, v) - leastOverlap(a, p, wait, u + slot, v);
            const firstEnd = Math.max(s, Math.floor((a + wait) / slot));
            const saturated = Math.ceil((a + wait + p) / slot) - 1;
            for (let e = firstEnd; e < Math.min(saturated, slots); e++) {
                extra[e] += increase(end(e));
            }
            if (saturated < slots) {
                due[Math.max(s, saturated)] += increase(end(Math.max(s, saturated)));
            }
            // Still adds to windows starting one slot earlier unless it arrived in this slot.
            if (!arrivalsOnly && Math.floor(a / slot) < s) {
                active[keep++] = j;
            }
        }
        active.length = keep;
        let constant = 0;
        for (let e = s; e < slots; e++) {
            constant += due[e];
            row[e] = below[e] + constant + extra[e];
            const work = row[e];
            const longest = e - s + 1 <= maxWindow || e === slots - 1;
            if (longest && work > 1e-9 && work > below[e] + 1e-9 && (e === s || work > row[e - 1] + 1e-9)) {
                windows.push({ first: s, last: e, work });
            }
        }
        [below, row] = [row, below];
    }
    return windows;
}

/** A goal longer than the default window cap needs longer windows to contain a job's whole span. */
function windowCap(wait: number, slot: number): number {
    return Math.min(WINDOW_SLOTS_CEILING, Math.max(WINDOW_SLOTS, Math.ceil(wait / slot) + 5));
}

/** The work of the k messages of largest work among `works`, as lines above the concave curve "top k" (any k). */
function dropLines(works: number[]): { intercept: number; slope: number }[] {
    const sorted = [...works].sort((a, b) => b - a);
    const lines: { intercept: number; slope: number }[] = [];
    let prefix = 0;
    let next = 0;
    for (let k = 0; k < sorted.length; k++) {
        if (k === next) {
            // The segment from k to k + 1 of the curve, extended: above the curve everywhere because it is concave.
            lines.push({ intercept: prefix - sorted[k] * k, slope: sorted[k] });
            next = Math.max(k + 1, 2 * k);
        }
        prefix += sorted[k];
    }
    return lines;
}

/** Column and row builder for HiGHS's CSR model. */
class ModelBuilder {
    readonly cost: number[] = [];
    readonly lower: number[] = [];
    readonly upper: number[] = [];
    readonly integral: boolean[] = [];
    private readonly rowLower: number[] = [];
    private readonly rowUpper: number[] = [];
    private readonly starts: number[] = [0];
    private readonly indices: number[] = [];
    private readonly values: number[] = [];

    column(cost: number, lower: number, upper: number, integral: boolean): number {
        this.cost.push(cost);
        this.lower.push(lower);
        this.upper.push(upper);
        this.integral.push(integral);
        return this.cost.length - 1;
    }

    row(terms: [number, number][], lower: number, upper: number): void {
        const merged = new Map<number, number>();
        for (const [column, value] of terms) {
            merged.set(column, (merged.get(column) ?? 0) + value);
        }
        for (const [column, value] of merged) {
            if (value !== 0) {
                this.indices.push(column);
                this.values.push(value);
            }
        }
        this.starts.push(this.indices.length);
        this.rowLower.push(lower);
        this.rowUpper.push(upper);
    }

    model(infinity: number, integer: boolean): ModelData {
        const clip = (values: number[]) =>
            values.map((v) => (v === Infinity ? infinity : v === -Infinity ? -infinity : v));
        return {
            numCols: this.cost.length,
            numRows: this.rowLower.length,
            colCost: this.cost,
            colLower: clip(this.lower),
            colUpper: clip(this.upper),
            rowLower: clip(this.rowLower),
            rowUpper: clip(this.rowUpper),
            matrix: {
                format: "csr",
                numRows: this.rowLower.length,
                numCols: this.cost.length,
                starts: this.starts,
                indices: this.indices,
                values: this.values,
            },
            integrality: integer ? this.integral.map((flag) => (flag ? 1 : 0)) : undefined,
        };
    }
}

/**
 * The bound. Variables per slot t (slot length L): p_t capable tasks (a task counts from LAUNCH_MIN_SECONDS after its
 * launch to the end of its billing), x_t billed tasks (the cost), S_t launches whose capability starts in t, A_t tasks
 * capable at some moment of t, E_t capable tasks that stop in t, and the split of the launches' startup seconds between
 * slots t - 1 and t; I tasks running at time 0. Each constraint is a fact of every schedule (docs/scaling.md).
 */
export async function lowerBound(input: LowerBoundInput): Promise<LowerBound> {
    const { trace, waitSeconds: wait, minTasks } = input;
    const late = input.lateMessages ?? 0;
    const count = messageCount(trace);
    let horizon = trace.durationSeconds;
    for (let j = 0; j < count; j++) {
        horizon = Math.max(horizon, trace.arrivals[j] + wait + trace.processingSeconds[j]);
    }
    if (input.endSeconds !== undefined) {
        horizon = Math.max(trace.durationSeconds, Math.min(horizon, input.endSeconds));
    }
    const slot =
        input.slotSeconds ?? Math.max(SLOT_SECONDS, Math.ceil(horizon / MAX_SLOTS / SLOT_SECONDS) * SLOT_SECONDS);
    const slots = Math.max(1, Math.ceil(horizon / slot));
    const windows = bindingWindows(
        trace,
        wait,
        slot,
        slots,
        input.endSeconds === undefined ? Infinity : horizon,
        input.maxWindowSlots ?? windowCap(wait, slot),
        late > 0,
    );
    const floorSlots = trace.durationSeconds / slot;
    const floorShare = (t: number) => Math.max(0, Math.min(1, floorSlots - t));
    const floorOnly =
        slot * Array.from({ length: slots }, (_, t) => minTasks * floorShare(t)).reduce((a, b) => a + b, 0);
    if (windows.length === 0) {
        return { taskSeconds: floorOnly, proof: "optimal", slotSeconds: slot, slots, windows: 0 };
    }

    const b = new ModelBuilder();
    const integer = input.integer ?? false;
    const initial = b.column(0, 0, Infinity, true);
    const p: number[] = [];
    const x: number[] = [];
    const starts: number[] = [];
    const capable: number[] = [];
    const stops: number[] = [];
    const startupBefore: number[] = [];
    const startupIn: number[] = [];
    for (let t = 0; t < slots; t++) {
        p.push(b.column(0, 0, Infinity, false));
        x.push(b.column(slot, minTasks * floorShare(t), Infinity, false));
        starts.push(b.column(0, 0, Infinity, true));
        capable.push(b.column(0, 0, Infinity, true));
        stops.push(b.column(0, 0, Infinity, true));
        // A launch's startup before slot 0 would be a launch before the trace starts.
        startupBefore.push(b.column(0, 0, t === 0 ? 0 : Infinity, false));
        startupIn.push(b.column(0, 0, Infinity, false));
    }
    // p95: per arrival slot, how many messages are dropped and (at most) how much work that removes.
    const dropWork: number[] = [];
    if (late > 0) {
        const works: number[][] = Array.from({ length: slots }, () => []);
        for (let j = 0; j < count; j++) {
            works[Math.min(slots - 1, Math.floor(trace.arrivals[j] / slot))].push(trace.processingSeconds[j]);
        }
        const dropCounts: number[] = [];
        works.forEach((slotWorks, t) => {
            const dropped = b.column(0, 0, slotWorks.length, false);
            const removed = b.column(0, 0, Infinity, false);
            dropCounts.push(dropped);
            dropWork[t] = removed;
            for (const line of dropLines(slotWorks)) {
                b.row(
                    [
                        [removed, 1],
                        [dropped, -line.slope],
                    ],
                    -Infinity,
                    line.intercept,
                );
            }
            if (slotWorks.length === 0) {
                b.row([[removed, 1]], -Infinity, 0);
            }
        });
        b.row(
            dropCounts.map((column) => [column, 1]),
            -Infinity,
            late,
        );
    }
    // Windows read capability through running sums: two terms a window instead of one a slot, which HiGHS solved
    // about four times faster on a day of one-minute slots.
    const sums: number[] = [];
    for (let t = 0; t < slots; t++) {
        sums.push(b.column(0, 0, Infinity, false));
        b.row(
            t === 0
                ? [
                      [sums[0], 1],
                      [p[0], -1],
                  ]
                : [
                      [sums[t], 1],
                      [sums[t - 1], -1],
                      [p[t], -1],
                  ],
            0,
            0,
        );
    }
    for (const window of windows) {
        const terms: [number, number][] = [[sums[window.last], slot]];
        if (window.first > 0) {
            terms.push([sums[window.first - 1], -slot]);
        }
        if (late > 0) {
            for (let t = window.first; t <= window.last; t++) {
                terms.push([dropWork[t], 1]);
            }
        }
        b.row(terms, window.work, Infinity);
    }
    const minimumCapable = BILLING_MINIMUM_SECONDS - LAUNCH_MIN_SECONDS;
    let previousRiseSum = -1;
    let previousStartSum = -1;
    for (let t = 0; t < slots; t++) {
        if (!integer) {
            // Relaxed task counts. Capability rises only through tasks whose capability starts, but a task starting
            // late in slot t - 1 still rises into slot t, so the rises are charged cumulatively: all the capability
            // gained up to slot t never exceeds the tasks running at 0 plus the launches whose capability began by
            // slot t (each task adds at most one to the slot averages in all).
            const rise = b.column(0, 0, Infinity, false);
            const riseSum = b.column(0, 0, Infinity, false);
            const startSum = b.column(0, 0, Infinity, false);
            b.row(
                t === 0
                    ? [
                          [rise, 1],
                          [p[0], -1],
                      ]
                    : [
                          [rise, 1],
                          [p[t], -1],
                          [p[t - 1], 1],
                      ],
                0,
                Infinity,
            );
            b.row([[riseSum, 1], [rise, -1], ...(t > 0 ? [[previousRiseSum, -1] as [number, number]] : [])], 0, 0);
            b.row(
                [[startSum, 1], [starts[t], -1], ...(t > 0 ? [[previousStartSum, -1] as [number, number]] : [])],
                0,
                0,
            );
            b.row(
                [
                    [startSum, 1],
                    [initial, 1],
                    [riseSum, -1],
                ],
                0,
                Infinity,
            );
            previousRiseSum = riseSum;
            previousStartSum = startSum;
        } else {
            // Average capable tasks never exceed the tasks capable at some moment of the slot...
            b.row(
                [
                    [p[t], 1],
                    [capable[t], -1],
                ],
                -Infinity,
                0,
            );
            // ...and are at least those capable throughout it (neither starting nor stopping in it).
            b.row(
                [
                    [p[t], 1],
                    [capable[t], -1],
                    [starts[t], 1],
                    [stops[t], 1],
                ],
                0,
                Infinity,
            );
            // Tasks capable in t: those of t - 1 that did not stop in it, and those starting in t.
            b.row(
                t === 0
                    ? [
                          [capable[0], 1],
                          [initial, -1],
                          [starts[0], -1],
                      ]
                    : [
                          [capable[t], 1],
                          [capable[t - 1], -1],
                          [stops[t - 1], 1],
                          [starts[t], -1],
                      ],
                0,
                0,
            );
            b.row(
                [
                    [capable[t], 1],
                    [stops[t], -1],
                ],
                0,
                Infinity,
            );
        }
        // A launched task is billed at least a minute, of which the launch floor is startup: it is capable for the
        // rest, which falls in its first slot and the next.
        if (t + 1 < slots) {
            b.row(
                [
                    [p[t], slot],
                    [p[t + 1], slot],
                    [starts[t], -minimumCapable],
                ],
                0,
                Infinity,
            );
        }
        // Each launch's startup (the launch floor before its capability starts) is billed in slot t - 1 or t.
        b.row(
            [
                [startupBefore[t], 1],
                [startupIn[t], 1],
                [starts[t], -LAUNCH_MIN_SECONDS],
            ],
            0,
            0,
        );
        // Billed seconds in a slot cover its capable seconds and the startups in it.
        b.row(
            [
                [x[t], slot],
                [p[t], -slot],
                [startupIn[t], -1],
                ...(t + 1 < slots ? [[startupBefore[t + 1], -1] as [number, number]] : []),
            ],
            0,
            Infinity,
        );
    }
    // Tasks running at 0 are billed a minute from 0, capable all of it.
    b.row(
        [
            [p[0], slot],
            [initial, -Math.min(slot, BILLING_MINIMUM_SECONDS)],
        ],
        0,
        Infinity,
    );

    const h = await highs();
    const model = h.createModel(b.model(h.infinity, integer));
    try {
        model.options.set({
            output_flag: false,
            // Only the integer search is cut short: an LP stopped early proves nothing.
            time_limit: integer ? (input.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS) : LP_TIME_LIMIT_SECONDS,
        });
        const { modelStatus } = model.run();
        const status = h.constants.modelStatus;
        let value: number;
        let proof: LowerBound["proof"];
        if (!integer) {
            if (modelStatus !== status.optimal) {
                throw new Error(`the lower-bound LP ended with status ${modelStatus} (${slots} slots)`);
            }
            value = model.getObjectiveValue();
            proof = "relaxation";
        } else if (modelStatus === status.optimal) {
            // Optimal within the MIP gap: the dual bound is what is proven.
            value = Number(model.info.get("mip_dual_bound"));
            proof = "optimal";
        } else if (modelStatus === status.timeLimit) {
            value = Number(model.info.get("mip_dual_bound"));
            proof = "dual bound";
        } else {
            throw new Error(`the lower-bound MIP ended with status ${modelStatus} (${slots} slots)`);
        }
        if (!Number.isFinite(value)) {
            return lowerBound({ ...input, integer: false });
        }
        return {
            taskSeconds: Math.max(floorOnly, value * (1 - SAFETY_SHARE)),
            proof,
            slotSeconds: slot,
            slots,
            windows: windows.length,
        };
    } finally {
        model.dispose();
    }
}
