// The discrete-event simulation: a trace's messages arrive in an SQS queue, Fargate tasks (launched, billed, and
// interrupted as the model says) take them one at a time, the queue and the service publish their metrics with lag,
// and once a minute Application Auto Scaling evaluates the policy's alarms and changes the desired count.
import { CapacityProviderSettings } from "../components/plan/settings";
import { CapacityProvider } from "../components/types";
import { ScalableTarget, ScalingActivity } from "./autoscaling";
import { METRICS, MetricStore } from "./cloudwatch";
import { billedSeconds, TaskSize, taskPricePerHour } from "./cost";
import { LaunchThrottle, providerForLaunch, providerToStop, sampleLaunchSeconds } from "./fargate";
import {
    AwsParameters,
    METRIC_LAG_SWEEP,
    METRIC_PERIOD_SECONDS,
    SPOT_PLACEMENT_RETRY_SECONDS,
    SPOT_WARNING_SECONDS,
    SQS_INACTIVE_AFTER_SECONDS,
    SQS_INACTIVE_WAKE_DELAY_MAX_SECONDS,
} from "./parameters";
import { PolicyDefinition } from "./policies";
import { childRandom, exponential, Random, uniform } from "./random";
import { scheduleFireTimes } from "./schedules";
import { Trace } from "./traces";

/** What the simulation needs to know about the worker besides its scaling. */
export interface SimulatedWorker {
    capacityProviderStrategy: CapacityProviderSettings[];
    taskSize: TaskSize;
    visibilityTimeoutSeconds: number;
    stopTimeoutSeconds: number;
}

/** After the last arrival the queue gets this long to drain; what is left then is reported as unprocessed. */
export const DRAIN_LIMIT_SECONDS = 2 * 3600;

/** What a schedule of the trace's messages achieved: the waits and the bill. A policy's run and the oracle's share it. */
export interface WaitsAndCost {
    messages: number;
    p50WaitSeconds: number;
    p95WaitSeconds: number;
    maxWaitSeconds: number;
    /** Billed task-seconds (per second, one-minute minimum per task). */
    taskSeconds: number;
    dollars: number;
    /** Share of the billed task-seconds that ran on Fargate Spot. */
    spotShare: number;
    launches: number;
}

/** A run minute by minute, for plots: each array has one value per minute, read at the minute's end. */
export interface Timeline {
    /** Messages visible or in flight. */
    backlog: number[];
    /** Tasks running (started, not yet stopped). */
    running: number[];
    /** Dollars billed so far, tasks still running included. */
    dollars: number[];
}

export interface RunResult extends WaitsAndCost {
    policy: string;
    trace: string;
    seed: number;
    unprocessed: number;
    /** Seconds from arrival to the start of the attempt that completed, per processed message, in trace order. */
    waits: Float64Array;
    interruptions: number;
    endSeconds: number;
    activities: ScalingActivity[];
    timeline: Timeline;
}

enum TaskState {
    Placing,
    Launching,
    Idle,
    Busy,
    Stopped,
}

interface Task {
    id: number;
    provider: CapacityProvider;
    state: TaskState;
    billedFrom: number;
    /** Scale-in chose it while it was busy: it stops when its job ends (task protection holds it until then). */
    leaving: boolean;
    /** Received a Spot interruption warning: takes no new job, stops when its job ends or at the deadline. */
    draining: boolean;
    message: number;
    attempt: number;
}

enum EventKind {
    Arrival,
    Placement,
    Running,
    JobDone,
    SpotWarning,
    SpotDeadline,
    Reappear,
    Tick,
}

interface SimEvent {
    at: number;
    seq: number;
    kind: EventKind;
    ref: number;
    attempt: number;
}

class Heap<T> {
    private readonly items: T[] = [];
    constructor(private readonly less: (a: T, b: T) => boolean) {}
    get size(): number {
        return this.items.length;
    }
    peek(): T | undefined {
        return this.items[0];
    }
    push(item: T): void {
        const items = this.items;
        items.push(item);
        let i = items.length - 1;
        while (i > 0) {
            const parent = (i - 1) >> 1;
            if (!this.less(items[i], items[parent])) {
                break;
            }
            [items[i], items[parent]] = [items[parent], items[i]];
            i = parent;
        }
    }
    pop(): T | undefined {
        const items = this.items;
        const top = items[0];
        const last = items.pop();
        if (items.length > 0 && last !== undefined) {
            items[0] = last;
            let i = 0;
            for (;;) {
                const left = 2 * i + 1;
                const right = left + 1;
                let smallest = i;
                if (left < items.length && this.less(items[left], items[smallest])) {
                    smallest = left;
                }
                if (right < items.length && this.less(items[right], items[smallest])) {
                    smallest = right;
                }
                if (smallest === i) {
                    break;
                }
                [items[i], items[smallest]] = [items[smallest], items[i]];
                i = smallest;
            }
        }
        return top;
    }
}

function percentile(sorted: ArrayLike<number>, p: number): number {
    if (sorted.length === 0) {
        return 0;
    }
    const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
    return sorted[index];
}

/** p50, p95 (nearest rank) and max of the waits; 0 when there are none. */
export function waitStatistics(
    waits: ArrayLike<number>,
): Pick<WaitsAndCost, "p50WaitSeconds" | "p95WaitSeconds" | "maxWaitSeconds"> {
    // A typed array sorts numerically without a comparator call per pair: a million waits in a fraction of a second.
    const sorted = Float64Array.from(waits).sort();
    return {
        p50WaitSeconds: percentile(sorted, 0.5),
        p95WaitSeconds: percentile(sorted, 0.95),
        maxWaitSeconds: sorted.length === 0 ? 0 : sorted[sorted.length - 1],
    };
}

export interface SimulationInput {
    trace: Trace;
    policy: PolicyDefinition;
    worker: SimulatedWorker;
    parameters: AwsParameters;
    seed: number;
}

/** Runs one policy on one trace. Deterministic for (trace, policy, worker, parameters, seed). */
export function simulate(input: SimulationInput): RunResult {
    return new Simulation(input).run();
}

class Simulation {
    private readonly trace: Trace;
    private readonly policy: PolicyDefinition;
    private readonly worker: SimulatedWorker;
    private readonly parameters: AwsParameters;
    private readonly events = new Heap<SimEvent>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
    private seq = 0;
    private nextArrival = 0;
    private readonly visible: Heap<number>;
    private inFlight = 0;
    private readonly startedAt: Float64Array;
    private readonly doneAt: Float64Array;
    private processed = 0;
    private readonly tasks: Task[] = [];
    /** Tasks not stopped yet (placing, launching or running). */
    private readonly alive = new Set<Task>();
    private readonly idle = new Set<Task>();
    private readonly store = new MetricStore();
    private readonly target: ScalableTarget;
    private readonly throttle = new LaunchThrottle();
    private readonly launchRandom: Random;
    private readonly lagRandom: Random;
    private readonly spotRandom: Random;
    private readonly seed: number;
    // Time-integrals over the current minute, for RunningTaskCount and CPUUtilization.
    private runningCount = 0;
    private busyCount = 0;
    private integratedTo = 0;
    private minuteRunningSeconds = 0;
    private minuteBusySeconds = 0;
    private minuteHadRunning = false;
    // SQS activity: it stops publishing after six idle hours; the first datapoints after that are late.
    private lastQueueActivity = 0;
    private sqsPublishing = true;
    private sqsLateUntil = -Infinity;
    private billedSeconds = 0;
    private spotSeconds = 0;
    private dollars = 0;
    private launches = 0;
    private interruptions = 0;
    private readonly schedules: { at: number; name: string; minTasks?: number; maxTasks?: number }[];
    private readonly timeline: Timeline = { backlog: [], running: [], dollars: [] };

    constructor(input: SimulationInput) {
        this.trace = input.trace;
        this.policy = input.policy;
        this.worker = input.worker;
        this.parameters = input.parameters;
        const arrivals = this.trace.messages;
        this.visible = new Heap<number>(
            (a, b) => arrivals[a].at < arrivals[b].at || (arrivals[a].at === arrivals[b].at && a < b),
        );
        this.startedAt = new Float64Array(arrivals.length).fill(NaN);
        this.doneAt = new Float64Array(arrivals.length).fill(NaN);
        this.target = new ScalableTarget(this.policy.scaling, this.policy.initialTasks);
        this.seed = input.seed;
        this.launchRandom = childRandom(input.seed, "launch");
        this.lagRandom = childRandom(input.seed, "lag");
        this.spotRandom = childRandom(input.seed, "spot");
        const horizon = this.trace.durationSeconds + DRAIN_LIMIT_SECONDS;
        this.schedules = this.policy.scaling.schedules
            .flatMap((schedule) =>
                scheduleFireTimes(schedule, horizon).map((at) => ({
                    at,
                    name: schedule.name,
                    minTasks: schedule.minTasks,
                    maxTasks: schedule.maxTasks,
                })),
            )
            .sort((a, b) => a.at - b.at);
    }

    private schedule(at: number, kind: EventKind, ref = -1, attempt = 0): void {
        this.events.push({ at, seq: this.seq++, kind, ref, attempt });
    }

    run(): RunResult {
        const messages = this.trace.messages;
        // Tasks already running when the trace starts: billed from 0, no launch.
        for (let i = 0; i < this.target.desired; i++) {
            const task = this.newTask(0);
            task.state = TaskState.Idle;
            this.runningCount++;
            this.idle.add(task);
            this.armSpot(task, 0);
        }
        this.schedule(METRIC_PERIOD_SECONDS, EventKind.Tick);
        const limit = this.trace.durationSeconds + DRAIN_LIMIT_SECONDS;
        let end = limit;
        for (let event = this.nextEvent(); event !== undefined; event = this.nextEvent()) {
            this.integrate(event.at);
            if (event.kind === EventKind.Tick) {
                if (event.at >= this.trace.durationSeconds && this.processed === messages.length) {
                    end = event.at;
                    break;
                }
                if (event.at >= limit) {
                    break;
                }
                this.tick(event.at);
                this.schedule(event.at + METRIC_PERIOD_SECONDS, EventKind.Tick);
                continue;
            }
            this.handle(event);
        }
        this.integrate(end);
        for (const task of [...this.alive]) {
            this.stop(task, end);
        }
        const waits = new Float64Array(this.processed);
        for (let i = 0, w = 0; i < messages.length; i++) {
            if (!Number.isNaN(this.doneAt[i])) {
                waits[w++] = this.startedAt[i] - messages[i].at;
            }
        }
        return {
            policy: this.policy.name,
            trace: this.trace.name,
            seed: this.seed,
            messages: messages.length,
            unprocessed: messages.length - this.processed,
            waits,
            ...waitStatistics(waits),
            taskSeconds: this.billedSeconds,
            dollars: this.dollars,
            spotShare: this.billedSeconds === 0 ? 0 : this.spotSeconds / this.billedSeconds,
            launches: this.launches,
            interruptions: this.interruptions,
            endSeconds: end,
            activities: this.target.activities,
            timeline: this.timeline,
        };
    }

    /**
     * The next event: the trace's next arrival or the heap's first event, the arrival first on a tie. Arrivals are read
     * from the sorted trace as they come instead of being queued up front, so the heap holds only the few events in
     * flight and a million-message trace costs no million-entry heap.
     */
    private nextEvent(): SimEvent | undefined {
        const messages = this.trace.messages;
        const top = this.events.peek();
        if (this.nextArrival < messages.length && (top === undefined || messages[this.nextArrival].at <= top.at)) {
            const index = this.nextArrival++;
            return { at: messages[index].at, seq: -1, kind: EventKind.Arrival, ref: index, attempt: 0 };
        }
        return this.events.pop();
    }

    private handle(event: SimEvent): void {
        const now = event.at;
        switch (event.kind) {
            case EventKind.Arrival:
                this.touchQueue(now);
                this.enqueue(event.ref, now);
                return;
            case EventKind.Reappear:
                this.inFlight--;
                this.enqueue(event.ref, now);
                return;
            case EventKind.Placement:
                this.place(this.tasks[event.ref], now);
                return;
            case EventKind.Running: {
                const task = this.tasks[event.ref];
                if (task.state !== TaskState.Launching) {
                    return;
                }
                task.state = TaskState.Idle;
                this.runningCount++;
                this.minuteHadRunning = true;
                this.armSpot(task, now);
                this.becomeIdle(task, now);
                return;
            }
            case EventKind.JobDone: {
                const task = this.tasks[event.ref];
                if (task.state !== TaskState.Busy || task.attempt !== event.attempt) {
                    return;
                }
                this.doneAt[task.message] = now;
                this.processed++;
                this.inFlight--;
                this.busyCount--;
                task.state = TaskState.Idle;
                this.touchQueue(now);
                this.becomeIdle(task, now);
                return;
            }
            case EventKind.SpotWarning:
                this.spotWarning(this.tasks[event.ref], now);
                return;
            case EventKind.SpotDeadline: {
                // The worker runtime releases what it could not finish in the warning (ChangeMessageVisibility 0).
                const task = this.tasks[event.ref];
                if (task.state === TaskState.Stopped) {
                    return;
                }
                if (task.state === TaskState.Busy) {
                    this.busyCount--;
                    this.inFlight--;
                    this.enqueueLater(task.message, now);
                }
                this.stop(task, now);
                return;
            }
            case EventKind.Tick:
                return;
        }
    }

    private touchQueue(now: number): void {
        if (!this.sqsPublishing) {
            // Model: after an inactive spell "the first datapoints ... can take up to 15 min".
            this.sqsLateUntil = now + uniform(this.lagRandom, 0, SQS_INACTIVE_WAKE_DELAY_MAX_SECONDS);
            this.sqsPublishing = true;
        }
        this.lastQueueActivity = now;
    }

    private enqueue(message: number, now: number): void {
        const task = this.idle.values().next().value;
        if (task !== undefined) {
            this.start(task, message, now);
        } else {
            this.visible.push(message);
        }
    }

    /** A released message: visible again at once, and an idle task may take it in the same instant. */
    private enqueueLater(message: number, now: number): void {
        this.inFlight++;
        this.schedule(now, EventKind.Reappear, message);
    }

    private start(task: Task, message: number, now: number): void {
        this.idle.delete(task);
        task.state = TaskState.Busy;
        task.message = message;
        task.attempt++;
        this.busyCount++;
        this.inFlight++;
        this.startedAt[message] = now;
        this.schedule(now + this.trace.messages[message].processingSeconds, EventKind.JobDone, task.id, task.attempt);
    }

    private becomeIdle(task: Task, now: number): void {
        if (task.leaving || task.draining) {
            this.stop(task, now);
            return;
        }
        const next = this.visible.pop();
        if (next !== undefined) {
            this.start(task, next, now);
        } else {
            this.idle.add(task);
        }
    }

    private newTask(now: number): Task {
        const counts = this.providerCounts();
        const task: Task = {
            id: this.tasks.length,
            provider: providerForLaunch(this.worker.capacityProviderStrategy, counts),
            state: TaskState.Placing,
            billedFrom: now,
            leaving: false,
            draining: false,
            message: -1,
            attempt: 0,
        };
        this.tasks.push(task);
        this.alive.add(task);
        return task;
    }

    private place(task: Task, now: number): void {
        if (task.state !== TaskState.Placing) {
            return;
        }
        if (
            task.provider === CapacityProvider.FargateSpot &&
            this.spotRandom.next() < this.parameters.spotUnavailableProbability
        ) {
            // No Spot capacity: nothing is billed, and the service scheduler tries again later.
            this.schedule(now + SPOT_PLACEMENT_RETRY_SECONDS, EventKind.Placement, task.id);
            return;
        }
        const launchAt = this.throttle.take(now);
        task.state = TaskState.Launching;
        task.billedFrom = launchAt;
        this.launches++;
        const { launchMedianSeconds, launchSigma, launchMinSeconds } = this.parameters;
        this.schedule(
            launchAt + sampleLaunchSeconds(this.launchRandom, launchMedianSeconds, launchSigma, launchMinSeconds),
            EventKind.Running,
            task.id,
        );
    }

    private armSpot(task: Task, now: number): void {
        const hazard = this.parameters.spotInterruptionsPerTaskHour;
        if (task.provider !== CapacityProvider.FargateSpot || hazard <= 0) {
            return;
        }
        this.schedule(now + exponential(this.spotRandom, 3600 / hazard), EventKind.SpotWarning, task.id);
    }

    private spotWarning(task: Task, now: number): void {
        if (task.state === TaskState.Stopped || task.draining) {
            return;
        }
        this.interruptions++;
        if (this.spotRandom.next() < this.parameters.crashShare) {
            // A crash: nothing releases the message; it reappears when its last visibility extension lapses (the
            // runtime extends a third of the timeout before it runs out, so between 2/3 and all of it remains).
            if (task.state === TaskState.Busy) {
                this.busyCount--;
                const hidden = uniform(this.spotRandom, 2 / 3, 1) * this.worker.visibilityTimeoutSeconds;
                this.schedule(now + hidden, EventKind.Reappear, task.message);
            }
            this.stop(task, now);
        } else {
            task.draining = true;
            if (task.state === TaskState.Idle) {
                this.stop(task, now);
            } else {
                const deadline = now + Math.min(SPOT_WARNING_SECONDS, this.worker.stopTimeoutSeconds);
                this.schedule(deadline, EventKind.SpotDeadline, task.id);
            }
        }
        // The service scheduler replaces the interrupted task.
        this.reconcile(now);
    }

    private stop(task: Task, now: number): void {
        if (task.state === TaskState.Stopped) {
            return;
        }
        if (task.state === TaskState.Idle || task.state === TaskState.Busy) {
            this.runningCount--;
        }
        if (task.state === TaskState.Busy) {
            this.busyCount--;
        }
        this.idle.delete(task);
        this.alive.delete(task);
        const placed = task.state !== TaskState.Placing;
        task.state = TaskState.Stopped;
        if (placed) {
            const seconds = billedSeconds(Math.max(0, now - task.billedFrom));
            this.billedSeconds += seconds;
            if (task.provider === CapacityProvider.FargateSpot) {
                this.spotSeconds += seconds;
            }
            this.dollars += (seconds / 3600) * taskPricePerHour(this.worker.taskSize, task.provider);
        }
    }

    private providerCounts(): Map<CapacityProvider, number> {
        const counts = new Map<CapacityProvider, number>();
        for (const task of this.alive) {
            if (this.counts(task)) {
                counts.set(task.provider, (counts.get(task.provider) ?? 0) + 1);
            }
        }
        return counts;
    }

    /** Whether a task counts towards the desired count (not stopped, not leaving, not interrupted). */
    private counts(task: Task): boolean {
        return task.state !== TaskState.Stopped && !task.leaving && !task.draining;
    }

    /** The ECS service scheduler: launch or stop tasks until the service matches the desired count. */
    private reconcile(now: number): void {
        const live = [...this.alive].filter((task) => this.counts(task));
        let missing = this.target.desired - live.length;
        if (missing > 0) {
            // Tasks already chosen for scale-in are kept instead of launching new ones.
            for (const task of this.alive) {
                if (missing > 0 && task.leaving) {
                    task.leaving = false;
                    missing--;
                }
            }
            for (; missing > 0; missing--) {
                const task = this.newTask(now);
                this.place(task, now);
            }
            return;
        }
        let excess = -missing;
        // Scale-in: tasks not yet running first, then idle ones by provider share; busy tasks are protected by the
        // worker runtime (task scale-in protection) and leave when their job ends.
        for (const state of [TaskState.Placing, TaskState.Launching, TaskState.Idle, TaskState.Busy]) {
            while (excess > 0) {
                const candidates = live.filter((task) => task.state === state && !task.leaving);
                if (candidates.length === 0) {
                    break;
                }
                const counts = this.providerCounts();
                const order = providerToStop(this.worker.capacityProviderStrategy, counts);
                const chosen =
                    order
                        .map((provider) => candidates.find((task) => task.provider === provider))
                        .find((task) => task !== undefined) ?? candidates[0];
                if (state === TaskState.Busy) {
                    chosen.leaving = true;
                } else {
                    this.stop(chosen, now);
                }
                excess--;
            }
        }
    }

    private integrate(now: number): void {
        const elapsed = now - this.integratedTo;
        if (elapsed > 0) {
            this.minuteRunningSeconds += this.runningCount * elapsed;
            this.minuteBusySeconds += this.busyCount * elapsed;
            this.integratedTo = now;
        }
        if (this.runningCount > 0) {
            this.minuteHadRunning = true;
        }
    }

    private lag(): number {
        const { metricLagSeconds, metricLagJitterSeconds } = this.parameters;
        const drawn = metricLagSeconds + uniform(this.lagRandom, -metricLagJitterSeconds, metricLagJitterSeconds);
        return Math.min(METRIC_LAG_SWEEP.high, Math.max(METRIC_LAG_SWEEP.low, drawn));
    }

    /** Dollars billed so far: stopped tasks' bills plus what the tasks still alive have run up. */
    private dollarsSoFar(now: number): number {
        let dollars = this.dollars;
        for (const task of this.alive) {
            if (task.state !== TaskState.Placing) {
                dollars +=
                    (billedSeconds(Math.max(0, now - task.billedFrom)) / 3600) *
                    taskPricePerHour(this.worker.taskSize, task.provider);
            }
        }
        return dollars;
    }

    private tick(now: number): void {
        const minute = now / METRIC_PERIOD_SECONDS - 1;
        this.timeline.backlog.push(this.visible.size + this.inFlight);
        this.timeline.running.push(this.runningCount);
        this.timeline.dollars.push(this.dollarsSoFar(now));
        const queueBusy = this.visible.size + this.inFlight > 0 || this.alive.size > 0;
        if (queueBusy || this.policy.keepQueueActive) {
            // Receives by running workers and the plan's hourly GetQueueAttributes both count as activity.
            this.lastQueueActivity = now;
        }
        if (now - this.lastQueueActivity >= SQS_INACTIVE_AFTER_SECONDS) {
            this.sqsPublishing = false;
        }
        if (this.sqsPublishing) {
            const availableAt = Math.max(now + this.lag(), this.sqsLateUntil);
            this.store.publish(METRICS.visible, minute, this.visible.size, availableAt);
            this.store.publish(METRICS.inFlight, minute, this.inFlight, Math.max(now + this.lag(), this.sqsLateUntil));
        }
        if (this.minuteHadRunning || this.target.desired > 0) {
            // The desired count held through the minute: it changes only at the ticks, after this publication.
            this.store.publish(METRICS.desired, minute, this.target.desired, now + this.lag());
        }
        if (this.minuteHadRunning) {
            // Container Insights publishes nothing for a minute in which the service ran no task.
            this.store.publish(
                METRICS.running,
                minute,
                this.minuteRunningSeconds / METRIC_PERIOD_SECONDS,
                now + this.lag(),
            );
            if (this.minuteRunningSeconds > 0) {
                this.store.publish(
                    METRICS.cpu,
                    minute,
                    (100 * this.minuteBusySeconds) / this.minuteRunningSeconds,
                    now + this.lag(),
                );
            }
        }
        // Copilot's Lambda reads the queue and the service directly, every minute.
        this.store.publish(
            METRICS.copilotBacklog,
            minute,
            this.visible.size / Math.max(this.runningCount, 1),
            now + this.parameters.customMetricLagSeconds,
        );
        this.minuteRunningSeconds = 0;
        this.minuteBusySeconds = 0;
        this.minuteHadRunning = this.runningCount > 0;

        while (this.schedules.length > 0 && this.schedules[0].at <= now) {
            const action = this.schedules.shift();
            if (action !== undefined) {
                this.target.applySchedule(now, action, action.name);
            }
        }
        this.target.evaluate(now, this.store);
        this.reconcile(now);
    }
}
