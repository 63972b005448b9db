// The task sizes Fargate runs: each CPU size allows a fixed set of memory sizes. A pure table, read by validation and
// by anything that prices or lists task sizes.

/** Valid Fargate memory sizes (MiB) for each CPU size (CPU units, 1024 = 1 vCPU). */
export const FARGATE_MEMORY_BY_CPU: ReadonlyMap<number, readonly number[]> = new Map([
    [256, [512, 1024, 2048]],
    [512, steps(1024, 4096, 1024)],
    [1024, steps(2048, 8192, 1024)],
    [2048, steps(4096, 16384, 1024)],
    [4096, steps(8192, 30720, 1024)],
    // 8 and 16 vCPU need platform version 1.4.0 or later, which Fargate uses by default.
    [8192, steps(16384, 61440, 4096)],
    [16384, steps(32768, 122880, 8192)],
]);

function steps(from: number, to: number, step: number): number[] {
    const values: number[] = [];
    for (let value = from; value <= to; value += step) {
        values.push(value);
    }
    return values;
}

/** The memory sizes valid for `cpu`, as a reason can state them: a short list, or a range with its step. */
export function describeMemorySizes(allowed: readonly number[]): string {
    return allowed.length <= 3
        ? allowed.join(", ")
        : `${allowed[0]} to ${allowed[allowed.length - 1]} in steps of ${allowed[1] - allowed[0]}`;
}
