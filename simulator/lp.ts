// A small dense simplex for packing LPs (maximise c.v subject to A v <= b, v >= 0, b > 0), enough for the oracle's
// lower bound. The origin is feasible for such an LP, so no phase one is needed. The oracle's LPs are highly
// degenerate (many windows share a slot's bound); each bound is lowered by a distinct, tiny fraction so no two ties,
// which lets Dantzig's rule run without stalling. Lowering bounds only shrinks the feasible set, so the value found
// is never above the true optimum: a lower bound stays a lower bound. Bland's rule remains as the fallback.

export interface PackingProblem {
    /** Constraint rows, each a sparse list of [column, coefficient]. */
    rows: [number, number][][];
    /** Right-hand sides, all >= 0. */
    bounds: number[];
    /** Objective coefficients, one per column. */
    objective: number[];
}

export interface PackingSolution {
    value: number;
    /** The optimal duals of the rows: the covering LP's solution (here, capacity per slot). */
    rowDuals: number[];
}

const EPSILON = 1e-9;
const DEGENERATE_PIVOTS_BEFORE_BLAND = 50;
/** The largest share by which a bound is lowered to break ties. */
const PERTURBATION = 1e-7;

export function solvePacking(problem: PackingProblem, maxPivots = 200_000): PackingSolution {
    const m = problem.rows.length;
    const n = problem.objective.length;
    const width = n + m + 1;
    const table = new Float64Array((m + 1) * width);
    const basis = new Int32Array(m);
    for (let i = 0; i < m; i++) {
        if (!(problem.bounds[i] > 0)) {
            throw new Error(`packing LP row ${i} needs a positive bound, got ${problem.bounds[i]}`);
        }
        for (const [column, coefficient] of problem.rows[i]) {
            table[i * width + column] += coefficient;
        }
        table[i * width + n + i] = 1;
        // Distinct per row (golden-ratio sequence), between PERTURBATION / 2 and PERTURBATION.
        const share = PERTURBATION * (0.5 + 0.5 * ((i * 0.6180339887) % 1));
        table[i * width + width - 1] = problem.bounds[i] * (1 - share);
        basis[i] = n + i;
    }
    // Objective row holds reduced costs as -c (a negative entry can still improve the objective).
    const objectiveRow = m * width;
    for (let j = 0; j < n; j++) {
        table[objectiveRow + j] = -problem.objective[j];
    }
    let degenerate = 0;
    for (let pivot = 0; pivot < maxPivots; pivot++) {
        const bland = degenerate >= DEGENERATE_PIVOTS_BEFORE_BLAND;
        let entering = -1;
        let best = -EPSILON;
        for (let j = 0; j < width - 1; j++) {
            const reduced = table[objectiveRow + j];
            if (reduced < best) {
                entering = j;
                if (bland) {
                    break;
                }
                best = reduced;
            }
        }
        if (entering < 0) {
            const rowDuals = new Array<number>(m);
            for (let i = 0; i < m; i++) {
                rowDuals[i] = table[objectiveRow + n + i];
            }
            return { value: table[objectiveRow + width - 1], rowDuals };
        }
        let leaving = -1;
        let ratio = Infinity;
        for (let i = 0; i < m; i++) {
            const a = table[i * width + entering];
            if (a > EPSILON) {
                const r = table[i * width + width - 1] / a;
                if (r < ratio - EPSILON || (Math.abs(r - ratio) <= EPSILON && leaving >= 0 && basis[i] < basis[leaving])) {
                    ratio = r;
                    leaving = i;
                }
            }
        }
        if (leaving < 0) {
            throw new Error("packing LP is unbounded: a column has no positive coefficient in any row");
        }
        degenerate = ratio <= EPSILON ? degenerate + 1 : 0;
        const pivotRow = leaving * width;
        const pivotValue = table[pivotRow + entering];
        for (let j = 0; j < width; j++) {
            table[pivotRow + j] /= pivotValue;
        }
        for (let i = 0; i <= m; i++) {
            if (i === leaving) {
                continue;
            }
            const row = i * width;
            const factor = table[row + entering];
            if (Math.abs(factor) > 0) {
                for (let j = 0; j < width; j++) {
                    const v = table[pivotRow + j];
                    if (v !== 0) {
                        table[row + j] -= factor * v;
                    }
                }
            }
        }
        basis[leaving] = entering;
    }
    throw new Error(`packing LP did not converge in ${maxPivots} pivots`);
}
