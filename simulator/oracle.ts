// What perfect scaling would cost (model, "The oracle"): a lower bound no policy can beat at a given latency goal,
// and an achievable schedule with perfect foresight. Both see the whole trace in advance; neither is a policy.
import highsLoader, { Highs } from "highs";
import { CapacityProviderSettings } from "../components/plan/settings";
import { CapacityProvider } from "../components/types";
import { billedSeconds, TaskSize, taskPricePerHour } from "./cost";
import { providerForLaunch } from "./fargate";
import { Timeline, waitStatistics, WaitsAndCost } from "./simulation";
import { Trace } from "./traces";

/** The lower bound's slot: one minute, the period every AWS metric and alarm here works on. */
const LOWER_BOUND_SLOT_SECONDS = 60;
/**
 * At most this many slots (two days of minutes); a longer trace gets longer slots. Each slot is a handful of LP
 * columns and rows, so the bound stays a few seconds of HiGHS at any trace length.
 */
const LOWER_BOUND_MAX_SLOTS = 2880;
/**
 * Windows longer than this many slots are left out, except those that end with the trace (fewer constraints only lower
 * the bound, so it stays valid). On the built-in traces, 60 instead of 15 raises the bound by 0.01 % or less and
 * multiplies the LP's rows by four (docs/scaling.md, "The oracle's lower bound").
 */
const LOWER_BOUND_MAX_WINDOW_SLOTS = 15;

export interface LowerBoundInput {
    trace: Trace;
    /** Every message starts within this many seconds of its arrival. */
    latencyGoalSeconds: number;
    /** Billed startup per launch, in seconds (the launch floor: no launch is billed less). */
    startupSeconds: number;
    /** Tasks that run throughout (the worker's minTasks, which every policy keeps too); 0 when omitted. */
    minTasks?: number;
    /** Slot length; derived from the trace when omitted. */
    slotSeconds?: number;
    /** Longest window, in slots; LOWER_BOUND_MAX_WINDOW_SLOTS when omitted. */
    maxWindowSlots?: number;
}

export interface LowerBound {
    /** The least task-seconds (running plus billed startups) any schedule meeting the goal is billed. */
    taskSeconds: number;
    slotSeconds: number;
    /** The relaxed optimum's capacity per slot (fractional tasks). */
    capacity: number[];
}

/** The slot length the lower bound uses for a horizon: one minute, or whole minutes so there are at most LOWER_BOUND_MAX_SLOTS. */
function lowerBoundSlotSeconds(horizonSeconds: number): number {
    const minutes = Math.ceil(horizonSeconds / LOWER_BOUND_MAX_SLOTS / 60);
    return Math.max(LOWER_BOUND_SLOT_SECONDS, minutes * 60);
}

let solver: Promise<Highs> | undefined;

/** HiGHS, compiled to WebAssembly: loaded once, on first use. */
function highs(): Promise<Highs> {
    solver ??= highsLoader();
    return solver;
}

/**
 * The windows whose demand binds: [s, e, work] for the work of the messages arriving in slots s..e that must finish by
 * the end of slot e (arrival + goal + processing). A window adds nothing when a shorter one needs as much, so only
 * those whose demand grows at both ends are kept. Sweeps s downwards with two rows of demand, so memory is linear in
 * the slots and time linear in messages plus slots x window length.
 */
function bindingWindows(
    trace: Trace,
    goalSeconds: number,
    slot: number,
    slots: number,
    maxWindow: number,
): [number, number, number][] {
    // byArrival[a]: [deadline slot, work] of the messages arriving in slot a.
    const byArrival: [number, number][][] = Array.from({ length: slots }, () => []);
    for (const message of trace.messages) {
        const arrival = Math.min(slots - 1, Math.floor(message.at / slot));
        const deadline = Math.min(
            slots - 1,
            Math.max(arrival, Math.ceil((message.at + goalSeconds + message.processingSeconds) / slot) - 1),
        );
        byArrival[arrival].push([deadline, message.processingSeconds]);
    }
    // below[e] = demand(s + 1, e); row[e] = demand(s, e) = below[e] + work arriving in s due by e.
    let below = new Float64Array(slots);
    let row = new Float64Array(slots);
    const due = new Float64Array(slots);
    const windows: [number, number, number][] = [];
    for (let s = slots - 1; s >= 0; s--) {
        due.fill(0);
        for (const [deadline, work] of byArrival[s]) {
            due[deadline] += work;
        }
        let arrivingBy = 0;
        for (let e = s; e < slots; e++) {
            arrivingBy += due[e];
            row[e] = below[e] + arrivingBy;
            if (e - s + 1 > maxWindow && e !== slots - 1) {
                continue;
            }
            const required = row[e];
            if (required > 0 && required > below[e] && (e === s || required > row[e - 1])) {
                windows.push([s, e, required]);
            }
        }
        [below, row] = [row, below];
    }
    return windows;
}

/**
 * The lower bound (model): capacity x_t per slot (fractional tasks, at least minTasks), minimise the task-seconds
 * sum_t x_t dt plus the startup D of every launch sum_t max(0, x_t - x_(t-1)), such that in every window [s, e] of
 * slots the task-seconds cover the work of the messages that arrive in it and must finish in it. This is the dynamic
 * right-sizing problem with a switching cost; relaxing integrality keeps it a lower bound, and so does leaving windows
 * out. The initial capacity is free (a policy's first tasks are not launched either). HiGHS solves the LP.
 */
export async function lowerBound(input: LowerBoundInput): Promise<LowerBound> {
    const { trace, latencyGoalSeconds, startupSeconds } = input;
    const minTasks = input.minTasks ?? 0;
    const messages = trace.messages;
    if (messages.length === 0) {
        return { taskSeconds: 0, slotSeconds: input.slotSeconds ?? LOWER_BOUND_SLOT_SECONDS, capacity: [] };
    }
    // A loop, not Math.max(...spread): a spread of a million arguments overflows the call stack.
    let horizon = trace.durationSeconds;
    for (const message of messages) {
        horizon = Math.max(horizon, message.at + latencyGoalSeconds + message.processingSeconds);
    }
    const slot = input.slotSeconds ?? lowerBoundSlotSeconds(horizon);
    const slots = Math.max(1, Math.ceil(horizon / slot));
    const windows = bindingWindows(
        trace,
        latencyGoalSeconds,
        slot,
        slots,
        input.maxWindowSlots ?? LOWER_BOUND_MAX_WINDOW_SLOTS,
    );
    if (windows.length === 0) {
        return {
            taskSeconds: minTasks * slots * slot,
            slotSeconds: slot,
            capacity: new Array<number>(slots).fill(minTasks),
        };
    }
    const solution = (await highs()).solve(lowerBoundLp(slots, slot, startupSeconds, minTasks, windows));
    if (solution.Status !== "Optimal") {
        throw new Error(
            `the oracle's lower-bound LP ended ${solution.Status} (${slots} slots, ${windows.length} windows)`,
        );
    }
    return {
        taskSeconds: solution.ObjectiveValue,
        slotSeconds: slot,
        capacity: Array.from({ length: slots }, (_, t) => solution.Columns[`x${t}`]?.Primal ?? 0),
    };
}

/**
 * The LP in CPLEX LP format, one term per line (the format limits line length): x_t capacity, u_t launches into slot
 * t. A window's constraint sums its slots' capacity directly: HiGHS solved a running-sum form (two terms a window)
 * about four times slower here.
 */
function lowerBoundLp(
    slots: number,
    slot: number,
    startupSeconds: number,
    minTasks: number,
    windows: readonly [number, number, number][],
): string {
    const lines = ["Minimize", " cost:"];
    for (let t = 0; t < slots; t++) {
        lines.push(` + ${slot} x${t}`);
        if (t >= 1) {
            lines.push(` + ${startupSeconds} u${t}`);
        }
    }
    lines.push("Subject To");
    for (let t = 1; t < slots; t++) {
        lines.push(` l${t}: u${t} - x${t} + x${t - 1} >= 0`);
    }
    windows.forEach(([s, e, required], w) => {
        // Task-seconds over the window, in slots of tasks: x_s + .. + x_e >= work / dt.
        lines.push(` w${w}:`);
        for (let t = s; t <= e; t++) {
            lines.push(` + x${t}`);
        }
        lines.push(` >= ${required / slot}`);
    });
    lines.push("Bounds");
    for (let t = 0; t < slots; t++) {
        lines.push(` x${t} >= ${minTasks}`);
    }
    lines.push("End");
    return lines.join("\n");
}

export interface AchievableOracleInput {
    trace: Trace;
    latencyGoalSeconds: number;
    /** Seconds a launch is billed before its task runs (the expected startup). */
    startupSeconds: number;
    minTasks: number;
    maxTasks: number;
    strategy: readonly CapacityProviderSettings[];
    taskSize: TaskSize;
}

interface OracleTask {
    provider: CapacityProvider;
    billedFrom: number;
    freeAt: number;
    /** One of the worker's minTasks: runs from the start to the end, whatever the gaps. */
    pinned: boolean;
}

/**
 * The achievable oracle (model): FIFO with perfect foresight. Each message goes to the task that frees up last before
 * it arrives; an idle task is kept through a gap only when the gap is shorter than the billed startup (ski rental),
 * otherwise it stops when it frees and a task is launched exactly `startupSeconds` before the message needs it. When
 * no task is free, the message waits for the first one to free if that is within the latency goal (or the fleet is at
 * maxTasks), else a new task is launched to start it on arrival. The worker's minTasks run throughout, like every
 * policy's, and take work first: it costs nothing more to use them.
 */
export function achievableOracle(input: AchievableOracleInput): WaitsAndCost & { timeline: Timeline } {
    const { trace, latencyGoalSeconds, startupSeconds, minTasks, maxTasks, strategy, taskSize } = input;
    const pool: OracleTask[] = [];
    const launch = (billedFrom: number, freeAt: number, pinned: boolean): OracleTask => {
        const counts = new Map<CapacityProvider, number>();
        for (const member of pool) {
            counts.set(member.provider, (counts.get(member.provider) ?? 0) + 1);
        }
        const task = { provider: providerForLaunch(strategy, counts), billedFrom, freeAt, pinned };
        pool.push(task);
        return task;
    };
    for (let i = 0; i < minTasks; i++) {
        launch(0, 0, true);
    }
    const waits: number[] = [];
    let taskSeconds = 0;
    let spotSeconds = 0;
    let dollars = 0;
    let launches = 0;
    const timeline = new TimelineBuilder();
    const bill = (task: OracleTask, until: number) => {
        const seconds = billedSeconds(until - task.billedFrom);
        timeline.task(task.billedFrom, task.billedFrom + seconds, taskPricePerHour(taskSize, task.provider) / 3600);
        taskSeconds += seconds;
        if (task.provider === CapacityProvider.FargateSpot) {
            spotSeconds += seconds;
        }
        dollars += (seconds / 3600) * taskPricePerHour(taskSize, task.provider);
    };
    for (const message of trace.messages) {
        let idle: OracleTask | undefined;
        let earliest: OracleTask | undefined;
        for (const task of pool) {
            const better =
                idle === undefined ||
                (task.pinned && !idle.pinned) ||
                (task.pinned === idle.pinned && task.freeAt > idle.freeAt);
            if (task.freeAt <= message.at && better) {
                idle = task;
            }
            if (earliest === undefined || task.freeAt < earliest.freeAt) {
                earliest = task;
            }
        }
        let task: OracleTask;
        let start: number;
        if (idle !== undefined) {
            task = idle;
            start = message.at;
            if (!idle.pinned && message.at - idle.freeAt > startupSeconds) {
                // Cheaper to stop when it freed and launch again just in time.
                bill(idle, idle.freeAt);
                idle.billedFrom = message.at - startupSeconds;
                launches++;
            }
        } else if (
            earliest !== undefined &&
            (earliest.freeAt <= message.at + latencyGoalSeconds || pool.length >= maxTasks)
        ) {
            task = earliest;
            start = earliest.freeAt;
        } else {
            task = launch(message.at - startupSeconds, message.at, false);
            launches++;
            start = message.at;
        }
        waits.push(start - message.at);
        task.freeAt = start + message.processingSeconds;
        timeline.message(message.at, task.freeAt);
    }
    for (const task of pool) {
        bill(task, task.pinned ? Math.max(task.freeAt, trace.durationSeconds) : task.freeAt);
    }
    return {
        messages: trace.messages.length,
        ...waitStatistics(waits),
        taskSeconds,
        dollars,
        spotShare: taskSeconds === 0 ? 0 : spotSeconds / taskSeconds,
        launches,
        timeline: timeline.build(),
    };
}

/**
 * The foresight schedule minute by minute, like a simulated run's: tasks billed and messages not yet done at each
 * minute's end, and the bill so far. Difference arrays keep it linear in messages plus minutes.
 */
class TimelineBuilder {
    private readonly runningDelta: number[] = [];
    private readonly backlogDelta: number[] = [];
    /** Dollars per second added from the start of minute m on, and the exact dollars of each edge minute. */
    private readonly rateDelta: number[] = [];
    private readonly edgeDollars: number[] = [];
    private minutes = 0;

    private static add(values: number[], index: number, value: number): void {
        values[index] = (values[index] ?? 0) + value;
    }

    /** A task billed over [from, to) at `perSecond` dollars; counted at minute ends inside it. */
    task(from: number, to: number, perSecond: number): void {
        const start = Math.max(0, from);
        // Minute m ends at 60 (m + 1): the task runs then when from <= 60 (m + 1) < to.
        TimelineBuilder.add(this.runningDelta, Math.max(0, Math.ceil(start / 60) - 1), 1);
        TimelineBuilder.add(this.runningDelta, Math.max(0, Math.ceil(to / 60) - 1), -1);
        const first = Math.floor(start / 60);
        const last = Math.floor(to / 60);
        if (first === last) {
            TimelineBuilder.add(this.edgeDollars, first, (to - start) * perSecond);
        } else {
            TimelineBuilder.add(this.edgeDollars, first, (60 * (first + 1) - start) * perSecond);
            TimelineBuilder.add(this.rateDelta, first + 1, perSecond);
            TimelineBuilder.add(this.rateDelta, last, -perSecond);
            TimelineBuilder.add(this.edgeDollars, last, (to - 60 * last) * perSecond);
        }
        this.minutes = Math.max(this.minutes, last + 1);
    }

    /** A message waiting or in progress over [arrival, done). */
    message(arrival: number, done: number): void {
        TimelineBuilder.add(this.backlogDelta, Math.max(0, Math.ceil(arrival / 60) - 1), 1);
        TimelineBuilder.add(this.backlogDelta, Math.max(0, Math.ceil(done / 60) - 1), -1);
        this.minutes = Math.max(this.minutes, Math.floor(done / 60) + 1);
    }

    build(): Timeline {
        const timeline: Timeline = { backlog: [], running: [], dollars: [] };
        let running = 0;
        let backlog = 0;
        let rate = 0;
        let dollars = 0;
        for (let m = 0; m < this.minutes; m++) {
            running += this.runningDelta[m] ?? 0;
            backlog += this.backlogDelta[m] ?? 0;
            rate += this.rateDelta[m] ?? 0;
            dollars += rate * 60 + (this.edgeDollars[m] ?? 0);
            timeline.running.push(running);
            timeline.backlog.push(backlog);
            timeline.dollars.push(dollars);
        }
        return timeline;
    }
}
