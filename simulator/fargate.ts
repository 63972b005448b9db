// Fargate as the simulation needs it: how long a launch takes, how fast tasks can be launched, and which capacity
// provider ECS puts each task on given the strategy's bases and weights.
import { CapacityProvider } from "../components/types";
import { CapacityProviderSettings } from "../components/plan/settings";
import { LAUNCH_BURST_TASKS, LAUNCH_RATE_PER_SECOND } from "./parameters";
import { lognormalByMedian, Random } from "./random";

/** Seconds from a desired-count change to RUNNING (model: lognormal, median 45 s, p95 90 s), never below the floor. */
export function sampleLaunchSeconds(random: Random, median: number, sigma: number, floor: number): number {
    return Math.max(floor, lognormalByMedian(random, median, sigma));
}

/**
 * The provider ECS places the next task on: bases first, in strategy order, then the provider furthest below its
 * weighted share of the tasks beyond the bases (ECS capacity provider strategy: base, then weight).
 */
export function providerForLaunch(
    strategy: readonly CapacityProviderSettings[],
    counts: ReadonlyMap<CapacityProvider, number>,
): CapacityProvider {
    for (const item of strategy) {
        if ((counts.get(item.capacityProvider) ?? 0) < item.base) {
            return item.capacityProvider;
        }
    }
    let best = strategy[0].capacityProvider;
    let bestShare = Infinity;
    for (const item of strategy) {
        if (item.weight <= 0) {
            continue;
        }
        const beyondBase = Math.max(0, (counts.get(item.capacityProvider) ?? 0) - item.base);
        const share = (beyondBase + 1) / item.weight;
        if (share < bestShare) {
            best = item.capacityProvider;
            bestShare = share;
        }
    }
    return best;
}

/** The provider whose tasks scale-in should stop first: the one most above its weighted share, bases last. */
export function providerToStop(
    strategy: readonly CapacityProviderSettings[],
    counts: ReadonlyMap<CapacityProvider, number>,
): CapacityProvider[] {
    const order = strategy
        .filter((item) => (counts.get(item.capacityProvider) ?? 0) > 0)
        .map((item) => {
            const count = counts.get(item.capacityProvider) ?? 0;
            const beyondBase = count - item.base;
            const share = beyondBase <= 0 ? -Infinity : item.weight <= 0 ? Infinity : beyondBase / item.weight;
            return { provider: item.capacityProvider, share };
        })
        .sort((a, b) => b.share - a.share);
    return order.map((entry) => entry.provider);
}

/** How `tasks` tasks split over the providers when they are all placed by the strategy. */
export function splitTasks(
    strategy: readonly CapacityProviderSettings[],
    tasks: number,
): Map<CapacityProvider, number> {
    const counts = new Map<CapacityProvider, number>();
    for (let i = 0; i < tasks; i++) {
        const provider = providerForLaunch(strategy, counts);
        counts.set(provider, (counts.get(provider) ?? 0) + 1);
    }
    return counts;
}

/** The account's launch rate (model: a 100-task burst, then about 20 tasks a second): when the next launch may start. */
export class LaunchThrottle {
    private tokens = LAUNCH_BURST_TASKS;
    private updatedAt = 0;

    take(now: number): number {
        this.tokens = Math.min(LAUNCH_BURST_TASKS, this.tokens + (now - this.updatedAt) * LAUNCH_RATE_PER_SECOND);
        this.updatedAt = now;
        if (this.tokens >= 1) {
            this.tokens -= 1;
            return now;
        }
        const wait = (1 - this.tokens) / LAUNCH_RATE_PER_SECOND;
        this.tokens = 0;
        this.updatedAt = now + wait;
        return now + wait;
    }
}
