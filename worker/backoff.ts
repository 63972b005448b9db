// How long to wait before trying again, for a failed message (its next receive) and for a failed receive call.

/**
 * Doubling, capped: `baseSeconds` after the first attempt, twice that after the second, and so on, never more than
 * `maxSeconds`. `attempt` counts from 1 (a message's receive count); values below 1 count as 1.
 */
export function backoffSeconds(attempt: number, baseSeconds: number, maxSeconds: number): number {
    // Every delay the worker uses is at most 12 hours (43,200 s < 2^16), so doubling more than 16 times can only hit
    // the cap; stopping there keeps the product finite (0 * 2^1024 would be NaN).
    const doublings = Math.min(Math.max(1, Math.floor(attempt)) - 1, 16);
    return Math.min(maxSeconds, baseSeconds * 2 ** doublings);
}
