// The simulator's only source of randomness: a seeded PRNG, so a run is a pure function of its seed and a failing
// bench row can be replayed exactly. mulberry32: 32-bit state, fast, and good enough for workload and latency draws
// (it is not cryptographic, and nothing here needs that).

export interface Random {
    /** Uniform in [0, 1). */
    next(): number;
}

export function seededRandom(seed: number): Random {
    let state = seed >>> 0;
    return {
        next(): number {
            state = (state + 0x6d2b79f5) >>> 0;
            let t = state;
            t = Math.imul(t ^ (t >>> 15), t | 1);
            t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
            return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        },
    };
}

/** Derives an independent stream from a seed and a label, so adding draws to one concern leaves the others unchanged. */
export function childRandom(seed: number, label: string): Random {
    let hash = seed >>> 0;
    for (let i = 0; i < label.length; i++) {
        hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193) >>> 0;
    }
    return seededRandom(hash);
}

export function uniform(random: Random, low: number, high: number): number {
    return low + (high - low) * random.next();
}

export function exponential(random: Random, mean: number): number {
    return -Math.log(1 - random.next()) * mean;
}

export function standardNormal(random: Random): number {
    // Box-Muller; 1 - next() keeps the logarithm's argument in (0, 1].
    const u = 1 - random.next();
    const v = random.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A lognormal draw with the given median and coefficient of variation. */
export function lognormalByMedian(random: Random, median: number, sigma: number): number {
    return median * Math.exp(sigma * standardNormal(random));
}

/** The lognormal sigma for a coefficient of variation: cv^2 = exp(sigma^2) - 1. */
export function sigmaForCoefficientOfVariation(cv: number): number {
    return Math.sqrt(Math.log(1 + cv * cv));
}
