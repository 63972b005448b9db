// What perfect scaling would cost (model, "The oracle"): a lower bound no policy can beat at a given latency goal,
// and an achievable schedule with perfect foresight. Both see the whole trace in advance; neither is a policy.
import { CapacityProviderSettings } from "../components/settings";
import { CapacityProvider } from "../components/types";
import { billedSeconds, TaskSize, taskPricePerHour } from "./cost";
import { providerForLaunch } from "./fargate";
import { solvePacking } from "./lp";
import { waitStatistics, WaitsAndCost } from "./simulation";
import { Trace } from "./traces";

/** The lower bound's slots: at most this many, so the LP stays small; never shorter than a minute. */
export const LOWER_BOUND_MAX_SLOTS = 120;
export const LOWER_BOUND_MIN_SLOT_SECONDS = 60;
/** Windows longer than this many slots are left out (fewer constraints only lower the bound, so it stays valid). */
export const LOWER_BOUND_MAX_WINDOW_SLOTS = 12;

export interface LowerBoundInput {
    trace: Trace;
    /** Every message starts within this many seconds of its arrival. */
    latencyGoalSeconds: number;
    /** Billed startup per launch, in seconds (the launch floor: no launch is billed less). */
    startupSeconds: number;
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

/** The slot length the lower bound uses for a horizon: whole minutes, at most LOWER_BOUND_MAX_SLOTS slots. */
export function lowerBoundSlotSeconds(horizonSeconds: number): number {
    const minutes = Math.ceil(horizonSeconds / LOWER_BOUND_MAX_SLOTS / 60);
    return Math.max(LOWER_BOUND_MIN_SLOT_SECONDS, minutes * 60);
}

/**
 * The lower bound (model): capacity x_t per slot (fractional tasks), minimise the task-seconds sum_t x_t dt plus the
 * startup D of every launch sum_t max(0, x_t - x_(t-1)), such that in every window [s, e] of slots the task-seconds
 * cover the work of the messages that arrive in it and must finish in it (by arrival + goal + processing). This is the
 * dynamic right-sizing problem with a switching cost; relaxing integrality keeps it a lower bound, and so does leaving
 * windows out. The initial capacity is free (a policy's first tasks are not launched either). Solved through its dual,
 * a packing LP: maximise sum_w R_w y_w subject to, per slot, dt sum_(w contains t) y_w - z_t + z_(t+1) <= dt, and z_t <= D.
 */
export function lowerBound(input: LowerBoundInput): LowerBound {
    const { trace, latencyGoalSeconds, startupSeconds } = input;
    const messages = trace.messages;
    if (messages.length === 0) {
        return { taskSeconds: 0, slotSeconds: input.slotSeconds ?? LOWER_BOUND_MIN_SLOT_SECONDS, capacity: [] };
    }
    const horizon = Math.max(...messages.map((m) => m.at + latencyGoalSeconds + m.processingSeconds));
    const slot = input.slotSeconds ?? lowerBoundSlotSeconds(horizon);
    const slots = Math.max(1, Math.ceil(horizon / slot));
    const maxWindow = input.maxWindowSlots ?? LOWER_BOUND_MAX_WINDOW_SLOTS;

    // work[a][d]: work of messages arriving in slot a that must finish by the end of slot d.
    const work: number[][] = Array.from({ length: slots }, () => new Array<number>(slots).fill(0));
    for (const message of messages) {
        const arrival = Math.min(slots - 1, Math.floor(message.at / slot));
        const deadline = Math.min(slots - 1, Math.max(arrival, Math.ceil((message.at + latencyGoalSeconds + message.processingSeconds) / slot) - 1));
        work[arrival][deadline] += message.processingSeconds;
    }
    // demand(s, e) = sum over a >= s, d <= e of work[a][d], by a 2-D suffix/prefix sum.
    const demand: number[][] = Array.from({ length: slots + 1 }, () => new Array<number>(slots).fill(0));
    for (let s = slots - 1; s >= 0; s--) {
        let rowPrefix = 0;
        for (let e = 0; e < slots; e++) {
            rowPrefix += work[s][e];
            demand[s][e] = demand[s + 1][e] + rowPrefix;
        }
    }
    const windows: [number, number, number][] = [];
    for (let s = 0; s < slots; s++) {
        for (let e = s; e < slots; e++) {
            if (e - s + 1 > maxWindow && e !== slots - 1) {
                continue;
            }
            const required = demand[s][e];
            // A window adds nothing when a shorter one needs as much: keep those whose first slot has an arrival
            // and whose last slot has a deadline that counts.
            if (required <= 0 || required <= demand[s + 1][e] || (e > s && required <= demand[s][e - 1])) {
                continue;
            }
            windows.push([s, e, required]);
        }
    }
    if (windows.length === 0) {
        return { taskSeconds: 0, slotSeconds: slot, capacity: new Array<number>(slots).fill(0) };
    }
    // Columns: y_w for each window, then z_t for t = 1 .. slots-1 (a launch into slot t). Scaled so every number the
    // simplex sees is near 1: each slot row divided by dt (z in slots), the objective divided by the largest demand.
    const zColumn = (t: number) => windows.length + t - 1;
    const rows: [number, number][][] = [];
    const bounds: number[] = [];
    const coverage: [number, number][][] = Array.from({ length: slots }, () => []);
    windows.forEach(([s, e], w) => {
        for (let t = s; t <= e; t++) {
            coverage[t].push([w, 1]);
        }
    });
    for (let t = 0; t < slots; t++) {
        const row = coverage[t];
        if (t >= 1) {
            row.push([zColumn(t), -1]);
        }
        if (t + 1 < slots) {
            row.push([zColumn(t + 1), 1]);
        }
        rows.push(row);
        bounds.push(1);
    }
    for (let t = 1; t < slots; t++) {
        rows.push([[zColumn(t), 1]]);
        bounds.push(startupSeconds / slot);
    }
    const scale = Math.max(...windows.map(([, , required]) => required));
    const objective = [...windows.map(([, , required]) => required / scale), ...new Array<number>(Math.max(0, slots - 1)).fill(0)];
    const solution = solvePacking({ rows, bounds, objective });
    // Undo the scaling: the value in task-seconds, a slot row's dual as tasks (task-seconds / dt).
    return {
        taskSeconds: solution.value * scale,
        slotSeconds: slot,
        capacity: solution.rowDuals.slice(0, slots).map((dual) => (dual * scale) / slot),
    };
}

export interface AchievableOracleInput {
    trace: Trace;
    latencyGoalSeconds: number;
    /** Seconds a launch is billed before its task runs (the expected startup). */
    startupSeconds: number;
    maxTasks: number;
    strategy: readonly CapacityProviderSettings[];
    taskSize: TaskSize;
}

interface OracleTask {
    provider: CapacityProvider;
    billedFrom: number;
    freeAt: number;
}

/**
 * The achievable oracle (model): FIFO with perfect foresight. Each message goes to the task that frees up last before
 * it arrives; an idle task is kept through a gap only when the gap is shorter than the billed startup (ski rental),
 * otherwise it stops when it frees and a task is launched exactly `startupSeconds` before the message needs it. When
 * no task is free, the message waits for the first one to free if that is within the latency goal (or the fleet is at
 * maxTasks), else a new task is launched to start it on arrival.
 */
export function achievableOracle(input: AchievableOracleInput): WaitsAndCost {
    const { trace, latencyGoalSeconds, startupSeconds, maxTasks, strategy, taskSize } = input;
    const pool: OracleTask[] = [];
    const waits: number[] = [];
    let taskSeconds = 0;
    let spotSeconds = 0;
    let dollars = 0;
    let launches = 0;
    const bill = (task: OracleTask, until: number) => {
        const seconds = billedSeconds(until - task.billedFrom);
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
            if (task.freeAt <= message.at && (idle === undefined || task.freeAt > idle.freeAt)) {
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
            if (message.at - idle.freeAt > startupSeconds) {
                // Cheaper to stop when it freed and launch again just in time.
                bill(idle, idle.freeAt);
                idle.billedFrom = message.at - startupSeconds;
                launches++;
            }
        } else if (earliest !== undefined && (earliest.freeAt <= message.at + latencyGoalSeconds || pool.length >= maxTasks)) {
            task = earliest;
            start = earliest.freeAt;
        } else {
            const counts = new Map<CapacityProvider, number>();
            for (const member of pool) {
                counts.set(member.provider, (counts.get(member.provider) ?? 0) + 1);
            }
            task = { provider: providerForLaunch(strategy, counts), billedFrom: message.at - startupSeconds, freeAt: message.at };
            pool.push(task);
            launches++;
            start = message.at;
        }
        waits.push(start - message.at);
        task.freeAt = start + message.processingSeconds;
    }
    for (const task of pool) {
        bill(task, task.freeAt);
    }
    return {
        messages: trace.messages.length,
        ...waitStatistics(waits),
        taskSeconds,
        dollars,
        spotShare: taskSeconds === 0 ? 0 : spotSeconds / taskSeconds,
        launches,
    };
}
