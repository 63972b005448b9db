// Workloads the scaling design is checked on but not tuned on, drawn for a worker of the prod stack's size (maxTasks
// 50). Four were used while changing the design (the two ticket storms, the nightly dump, the long jobs); the last two
// were written before any change and run only once the design was final, so they say how it does on shapes nobody
// tuned it for. Deterministic for a seed.
import { exponential, lognormalByMedian, Random, sigmaForCoefficientOfVariation, uniform } from "./random";
import { Trace, traceOf, TraceMessage } from "./traces";

export enum HeldOutTrace {
    TicketStorm = "ticket-storm",
    TicketStorms = "ticket-storms",
    NightlyDump = "nightly-dump",
    LongJobs = "long-jobs",
    /** Not looked at while tuning. */
    SharpStorms = "sharp-storms",
    /** Not looked at while tuning. */
    HeavyTail = "heavy-tail",
}

export const HELD_OUT_TRACES: readonly HeldOutTrace[] = Object.values(HeldOutTrace);
/** The two traces kept out of the tuning. */
export const UNSEEN_TRACES: readonly HeldOutTrace[] = [HeldOutTrace.SharpStorms, HeldOutTrace.HeavyTail];

/** Lognormal processing times with the given mean and coefficient of variation. */
function jobs(random: Random, mean: number, cv: number): () => number {
    const sigma = sigmaForCoefficientOfVariation(cv);
    const median = mean / Math.exp((sigma * sigma) / 2);
    return () => Math.max(0.1, lognormalByMedian(random, median, sigma));
}

/** Poisson arrivals at `rate(t)` per second (at most `peak`) over [0, duration), by thinning. */
function arrivals(
    random: Random,
    duration: number,
    peak: number,
    rate: (t: number) => number,
    work: () => number,
): TraceMessage[] {
    const messages: TraceMessage[] = [];
    for (let t = exponential(random, 1 / peak); t < duration; t += exponential(random, 1 / peak)) {
        if (random.next() * peak < rate(t)) {
            messages.push({ at: t, processingSeconds: work() });
        }
    }
    return messages;
}

/** A storm: ramps to `height` per second over `ramp` s, holds for `hold` s, decays with time constant `decay` s. */
function storm(start: number, ramp: number, hold: number, decay: number, height: number): (t: number) => number {
    return (t) => {
        if (t < start) {
            return 0;
        }
        if (t < start + ramp) {
            return (height * (t - start)) / ramp;
        }
        if (t < start + ramp + hold) {
            return height;
        }
        return height * Math.exp(-(t - start - ramp - hold) / decay);
    };
}

export function heldOutTrace(kind: HeldOutTrace, random: Random): Trace {
    switch (kind) {
        case HeldOutTrace.TicketStorm: {
            // A support system: 30 s jobs at a light background, then an outage's storm of tickets that needs about
            // 60 tasks at its height for 25 minutes and dies down over the next half hour.
            const duration = 4 * 3600;
            const work = jobs(random, 30, 1);
            const peak = storm(uniform(random, 3600, 5400), 300, 25 * 60, 900, 2);
            return traceOf(
                kind,
                duration,
                arrivals(random, duration, 2.2, (t) => 0.15 + peak(t), work),
            );
        }
        case HeldOutTrace.TicketStorms: {
            // Three storms of different sizes in six hours, 45 s jobs.
            const duration = 6 * 3600;
            const work = jobs(random, 45, 1.5);
            const storms = [
                storm(uniform(random, 1800, 3600), 120, 600, 300, 1.2),
                storm(uniform(random, 8000, 10000), 600, 1200, 1200, 0.6),
                storm(uniform(random, 15000, 17000), 60, 300, 120, 1.8),
            ];
            return traceOf(
                kind,
                duration,
                arrivals(random, duration, 2, (t) => 0.05 + storms.reduce((sum, rate) => sum + rate(t), 0), work),
            );
        }
        case HeldOutTrace.NightlyDump: {
            // 20,000 two-second jobs in one minute at 02:00, a light trickle of the same jobs all day.
            const duration = 24 * 3600;
            const work = jobs(random, 2, 0.5);
            const messages = arrivals(random, duration, 0.05, () => 0.05, work);
            for (let i = 0; i < 20_000; i++) {
                messages.push({ at: 2 * 3600 + uniform(random, 0, 60), processingSeconds: work() });
            }
            return traceOf(kind, duration, messages);
        }
        case HeldOutTrace.LongJobs: {
            // Eight hours of four-minute jobs, a load that rises to about 30 tasks and falls back twice.
            const duration = 8 * 3600;
            const work = jobs(random, 240, 0.8);
            const rate = (t: number) => (30 / 240) * (0.5 - 0.5 * Math.cos((4 * Math.PI * t) / duration));
            return traceOf(kind, duration, arrivals(random, duration, 30 / 240, rate, work));
        }
        case HeldOutTrace.SharpStorms: {
            // Storms that start at full height with no ramp, twice, 60 s jobs asking for 80 tasks for 12 minutes.
            const duration = 5 * 3600;
            const work = jobs(random, 60, 1);
            const first = uniform(random, 2400, 4000);
            const second = first + uniform(random, 5400, 9000);
            const rate = (t: number) =>
                0.1 + ((t >= first && t < first + 720) || (t >= second && t < second + 720) ? 80 / 60 : 0);
            return traceOf(kind, duration, arrivals(random, duration, 0.1 + 80 / 60, rate, work));
        }
        case HeldOutTrace.HeavyTail: {
            // Twelve hours of jobs with a heavy tail (mean 20 s, coefficient of variation 3), bursts of random size
            // and length every 20 to 80 minutes.
            const duration = 12 * 3600;
            const work = jobs(random, 20, 3);
            const bursts: [number, number, number][] = [];
            for (let t = uniform(random, 600, 2400); t < duration; t += uniform(random, 1200, 4800)) {
                bursts.push([t, t + uniform(random, 120, 1500), uniform(random, 0.5, 3)]);
            }
            const rate = (t: number) =>
                0.2 + bursts.reduce((sum, [from, to, height]) => sum + (t >= from && t < to ? height : 0), 0);
            return traceOf(kind, duration, arrivals(random, duration, 0.2 + 3 * bursts.length, rate, work));
        }
    }
}

/**
 * A day of `count` jobs of about two seconds (coefficient of variation 0.5) on a diurnal curve, quiet at midnight and
 * busiest at noon: the bench's scale check (`--day N`). Built straight into typed arrays, sixteen bytes a message.
 */
export function diurnalDay(count: number, random: Random): Trace {
    const duration = 24 * 3600;
    const work = jobs(random, 2, 0.5);
    const arrivals = new Float64Array(count);
    const processingSeconds = new Float64Array(count);
    // Arrival times by inverting the cumulative rate 1 - 0.9 cos(2 pi t / day) at evenly spaced quantiles with jitter,
    // already sorted, so no array of objects is ever built.
    const cumulative = (t: number) => t - (0.9 * duration * Math.sin((2 * Math.PI * t) / duration)) / (2 * Math.PI);
    let t = 0;
    for (let i = 0; i < count; i++) {
        const target = ((i + random.next()) / count) * duration;
        // Newton steps from the previous arrival: the cumulative rate is increasing, so this stays sorted.
        for (let step = 0; step < 4; step++) {
            const rate = 1 - 0.9 * Math.cos((2 * Math.PI * t) / duration);
            t = Math.min(duration - 1e-6, Math.max(0, t - (cumulative(t) - target) / Math.max(rate, 0.05)));
        }
        arrivals[i] = i > 0 ? Math.max(arrivals[i - 1], t) : t;
        processingSeconds[i] = work();
    }
    return { name: `day of ${count} jobs`, durationSeconds: duration, arrivals, processingSeconds };
}
