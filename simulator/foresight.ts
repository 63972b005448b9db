// A clairvoyant schedule, for comparison: first in, first out with perfect foresight of every arrival. It is a
// heuristic, not an optimum and not a bound (it relaunches a task after any gap longer than the launch, however short
// the billing minimum makes that), and it targets the worker's latency goal rather than the wait any design achieved.
// The bench's yardstick is the sound lower bound (lowerBound.ts); this schedule is drawn in the plots to show what
// knowing the future buys.
import { CapacityProviderSettings } from "../components/plan/settings";
import { CapacityProvider } from "../components/types";
import { billedSeconds, TaskSize, taskPricePerHour } from "./cost";
import { providerForLaunch } from "./fargate";
import { Timeline, WaitsAndCost } from "./simulation";
import { messageCount, Trace } from "./traces";
import { WaitRecorder } from "./waits";

export interface ForesightInput {
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
 * The foresight heuristic: FIFO with perfect foresight. Each message goes to the task that frees up last before
 * it arrives; an idle task is kept through a gap only when the gap is shorter than the billed startup (ski rental),
 * otherwise it stops when it frees and a task is launched exactly `startupSeconds` before the message needs it. When
 * no task is free, the message waits for the first one to free if that is within the latency goal (or the fleet is at
 * maxTasks), else a new task is launched to start it on arrival. The worker's minTasks run throughout, like every
 * policy's, and take work first: it costs nothing more to use them.
 */
export function foresightSchedule(input: ForesightInput): WaitsAndCost & { timeline: Timeline } {
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
    const waits = new WaitRecorder();
    const billedIntervals: number[] = [];
    let taskSeconds = 0;
    let spotSeconds = 0;
    let dollars = 0;
    let launches = 0;
    const timeline = new TimelineBuilder();
    const bill = (task: OracleTask, until: number) => {
        const seconds = billedSeconds(until - task.billedFrom);
        billedIntervals.push(task.billedFrom, task.billedFrom + seconds);
        timeline.task(task.billedFrom, task.billedFrom + seconds, taskPricePerHour(taskSize, task.provider) / 3600);
        taskSeconds += seconds;
        if (task.provider === CapacityProvider.FargateSpot) {
            spotSeconds += seconds;
        }
        dollars += (seconds / 3600) * taskPricePerHour(taskSize, task.provider);
    };
    const count = messageCount(trace);
    for (let index = 0; index < count; index++) {
        const message = { at: trace.arrivals[index], processingSeconds: trace.processingSeconds[index] };
        // No launch before the trace starts: a task needed sooner starts when its launch allows.
        const launchAt = Math.max(0, message.at - startupSeconds);
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
                idle.billedFrom = launchAt;
                launches++;
            }
        } else if (
            earliest !== undefined &&
            (earliest.freeAt <= message.at + latencyGoalSeconds || pool.length >= maxTasks)
        ) {
            task = earliest;
            start = earliest.freeAt;
        } else {
            start = launchAt + startupSeconds;
            task = launch(launchAt, start, false);
            launches++;
        }
        waits.record(start - message.at);
        task.freeAt = start + message.processingSeconds;
        timeline.message(message.at, task.freeAt);
    }
    for (const task of pool) {
        bill(task, task.pinned ? Math.max(task.freeAt, trace.durationSeconds) : task.freeAt);
    }
    return {
        messages: count,
        ...waits.summary(),
        taskSeconds,
        dollars,
        spotShare: taskSeconds === 0 ? 0 : spotSeconds / taskSeconds,
        launches,
        billedIntervals: Float64Array.from(billedIntervals),
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
