import * as assert from "assert";
import {
    evaluateMetricExpression,
    evaluateMetricQueries,
    MetricSeries,
    parseMetricExpression,
    referencedIds,
} from "../../simulator/metricMath";

// Shorthand for "no datapoint published for this period".
const _ = undefined;

function evaluate(expression: string, series: Record<string, MetricSeries>, length = 4): MetricSeries {
    return evaluateMetricExpression(expression, series, length);
}

describe("metricMath", () => {
    describe("parsing", () => {
        it("binds * tighter than + so m1 + m2 * 2 is m1 + (m2 * 2)", () => {
            assert.deepStrictEqual(evaluate("m1 + m2 * 2", { m1: [1], m2: [10] }, 1), [21]);
            assert.deepStrictEqual(evaluate("(m1 + m2) * 2", { m1: [1], m2: [10] }, 1), [22]);
        });

        it("binds comparisons tighter than AND, and AND tighter than OR", () => {
            const node = parseMetricExpression("a > 1 OR b > 1 AND c > 1");
            assert.ok(node.kind === "binary" && node.operator === "OR", "OR is the root");
            assert.ok(node.right.kind === "binary" && node.right.operator === "AND", "AND groups the right-hand pair");
            // a is true, b and c are false: (a OR (b AND c)) is 1, ((a OR b) AND c) would be 0.
            assert.deepStrictEqual(evaluate("a > 1 OR b > 1 AND c > 1", { a: [5], b: [0], c: [0] }, 1), [1]);
        });

        it("reads -2^2 as -(2^2) and ^ as right-associative", () => {
            assert.deepStrictEqual(evaluate("m1 - 2^2", { m1: [0] }, 1), [-4]);
            assert.deepStrictEqual(evaluate("-m1^2", { m1: [3] }, 1), [-9]);
            assert.deepStrictEqual(evaluate("m1 ^ 3 ^ 2", { m1: [2] }, 1), [512]);
        });

        it("accepts && and || as the documented spellings of AND and OR", () => {
            assert.deepStrictEqual(
                evaluate("m1 > 0 && m2 > 0 || m3 > 0", { m1: [1, 1, 0], m2: [1, 0, 0], m3: [0, 0, 1] }, 3),
                [1, 0, 1],
            );
        });

        it("names the position and the token of a syntax error", () => {
            assert.throws(() => parseMetricExpression("m1 +* m2"), /position 4 near '\*'/);
            assert.throws(
                () => parseMetricExpression("(m1 + m2"),
                /position 8 near 'end of expression': expected '\)'/,
            );
            assert.throws(() => parseMetricExpression("m1 m2"), /position 3 near 'm2'/);
            assert.throws(() => parseMetricExpression("m1 % 2"), /position 3 near '%'/);
        });

        it("rejects an unsupported function and lists the supported ones", () => {
            assert.throws(
                () => parseMetricExpression("RATE(m1)"),
                /unsupported function RATE \(supported: AVG, FILL, IF, MAX, MIN, SUM\)/,
            );
            assert.throws(
                () => parseMetricExpression("fill(m1, 0)"),
                /unsupported function fill \(metric math functions must be written in uppercase\)/,
            );
        });

        it("rejects NOT, which metric math does not document, and suggests == 0", () => {
            assert.throws(
                () => parseMetricExpression("NOT m1"),
                /NOT is not a CloudWatch metric math operator.*x == 0/,
            );
        });

        it("rejects ids that do not start with a lowercase letter, and misplaced arrays and keywords", () => {
            assert.throws(() => parseMetricExpression("M1 + 1"), /'M1' is neither an id/);
            assert.throws(
                () => parseMetricExpression("m1 + [m2, m3]"),
                /position 5: an array \[\.\.\.\] is supported only as the argument of MAX, MIN, SUM or AVG/,
            );
            assert.throws(
                () => parseMetricExpression("m1 + REPEAT"),
                /REPEAT is valid only as the second argument of FILL/,
            );
        });

        it("checks the number of arguments of each function", () => {
            assert.throws(() => parseMetricExpression("IF(m1)"), /IF takes 2 or 3 argument\(s\), got 1/);
            assert.throws(() => parseMetricExpression("FILL(m1)"), /FILL takes 2 argument\(s\), got 1/);
        });

        it("lists each referenced id once, in order of first use", () => {
            assert.deepStrictEqual(referencedIds("IF(FILL(running, 0) == 0 AND visible + running > 0, 1, visible)"), [
                "running",
                "visible",
            ]);
            assert.deepStrictEqual(referencedIds("MAX([m1, m2 * 2]) + FILL(m3, REPEAT)"), ["m1", "m2", "m3"]);
        });
    });

    describe("arithmetic and missing data", () => {
        it("broadcasts a scalar over a series and keeps the series' gaps", () => {
            assert.deepStrictEqual(evaluate("m1 * 2 + 1", { m1: [1, _, 3, _] }), [3, _, 7, _]);
            assert.deepStrictEqual(evaluate("10 - m1", { m1: [1, _, 3, _] }), [9, _, 7, _]);
        });

        it("treats a missing datapoint as 0 when the other series has one, and has none where both are missing", () => {
            // Documented rule ("missing values in a time series are treated as 0"), not dropping the timestamp.
            assert.deepStrictEqual(evaluate("m1 + m2", { m1: [1, _, 3, _], m2: [10, 20, _, _] }), [11, 20, 3, _]);
            assert.deepStrictEqual(evaluate("m1 - m2", { m1: [1, _, 3, _], m2: [10, 20, _, _] }), [-9, -20, 3, _]);
        });

        it("reads an id absent from the inputs as a metric with no datapoints", () => {
            assert.deepStrictEqual(evaluate("absent * 2", {}), [_, _, _, _]);
            assert.deepStrictEqual(evaluate("m1 + absent", { m1: [1, 2, _, 4] }), [1, 2, _, 4]);
        });

        it("drops the datapoint where a division is by zero, including a zero left by a missing divisor", () => {
            assert.deepStrictEqual(evaluate("m1 / m2", { m1: [6, 6, 0, 6], m2: [3, 0, 0, _] }), [2, _, _, _]);
            assert.deepStrictEqual(evaluate("m1 / 0", { m1: [6, 6, 6, 6] }), [_, _, _, _]);
        });

        it("negates series and never yields a negative zero", () => {
            const result = evaluate("-m1", { m1: [0, 2, _, -3] });
            assert.deepStrictEqual(result, [0, -2, _, 3]);
            assert.ok(Object.is(result[0], 0), "-0 would compare unequal to 0 under Object.is");
        });

        it("pads a short series and ignores points beyond the grid", () => {
            assert.deepStrictEqual(evaluate("m1 + 1", { m1: [1] }, 3), [2, _, _]);
            assert.deepStrictEqual(evaluate("m1 + 1", { m1: [1, 2, 3, 4, 5] }, 2), [2, 3]);
        });

        it("rejects an expression whose result is a scalar, as CloudWatch does", () => {
            assert.throws(
                () => evaluate("MAX(m1)", { m1: [1, 2, 3, 4] }),
                /produces a scalar; CloudWatch requires a time series/,
            );
            assert.throws(() => evaluate("2 + 3", {}), /produces a scalar/);
        });
    });

    describe("comparison and logical operators", () => {
        // The documented example: metric1 = [30, 20, 0, 0], metric2 = [20, -, 20, -].
        const series = { metric1: [30, 20, 0, 0], metric2: [20, _, 20, _] };

        it("returns 1 or 0 and treats a missing datapoint in one series as 0", () => {
            assert.deepStrictEqual(evaluate("metric1 < metric2", series), [0, 0, 1, 0]);
            assert.deepStrictEqual(evaluate("metric1 >= 30", series), [1, 0, 0, 0]);
            assert.deepStrictEqual(evaluate("metric1 > 15 AND metric2 > 15", series), [1, 0, 0, 0]);
        });

        it("supports every documented comparison operator", () => {
            const m = { m1: [1, 2, 3] };
            assert.deepStrictEqual(evaluate("m1 == 2", m, 3), [0, 1, 0]);
            assert.deepStrictEqual(evaluate("m1 != 2", m, 3), [1, 0, 1]);
            assert.deepStrictEqual(evaluate("m1 <= 2", m, 3), [1, 1, 0]);
            assert.deepStrictEqual(evaluate("m1 >= 2", m, 3), [0, 1, 1]);
            assert.deepStrictEqual(evaluate("m1 < 2", m, 3), [1, 0, 0]);
            assert.deepStrictEqual(evaluate("m1 > 2", m, 3), [0, 0, 1]);
        });

        it("treats any non-zero operand as true in AND and OR", () => {
            assert.deepStrictEqual(evaluate("m1 AND m2", { m1: [-2, 0, 3, _], m2: [5, 5, 0, _] }), [1, 0, 0, _]);
            assert.deepStrictEqual(evaluate("m1 OR m2", { m1: [-2, 0, 0, _], m2: [0, 5, 0, _] }), [1, 1, 0, _]);
        });
    });

    describe("IF", () => {
        // The documented example series.
        const series = { metric1: [1, 1, 0, 0, _], metric2: [30, _, 0, 0, 30], metric3: [0, 0, 20, _, 20] };

        it("IF(ts, ts, ts) takes 0 for a missing true value and drops a missing false value or condition", () => {
            assert.deepStrictEqual(evaluate("IF(metric1, metric2, metric3)", series, 5), [30, 0, 20, _, _]);
        });

        it("IF(ts, scalar, ts) and IF(ts, ts, scalar) follow the documented tables", () => {
            assert.deepStrictEqual(evaluate("IF(metric1, 5, metric3)", series, 5), [5, 5, 20, _, _]);
            assert.deepStrictEqual(evaluate("IF(metric1, metric2, 5)", series, 5), [30, 0, 5, 5, _]);
        });

        it("two-argument IF has no datapoint where the condition is false", () => {
            assert.deepStrictEqual(evaluate("IF(m1 < 400, m1)", { m1: [100, 500, _, 399] }), [100, _, _, 399]);
        });

        it("a scalar condition selects a whole branch, and an empty series when false without a false branch", () => {
            assert.deepStrictEqual(evaluate("IF(1, m1, m2)", { m1: [1, _, 3, 4], m2: [9, 9, 9, 9] }), [1, _, 3, 4]);
            assert.deepStrictEqual(evaluate("IF(0, m1, m2)", { m1: [1, _, 3, 4], m2: [9, 9, 9, 9] }), [9, 9, 9, 9]);
            assert.deepStrictEqual(evaluate("IF(0, m1)", { m1: [1, 2, 3, 4] }), [_, _, _, _]);
        });
    });

    describe("FILL", () => {
        it("replaces every missing datapoint with a constant", () => {
            assert.deepStrictEqual(evaluate("FILL(m1, 0)", { m1: [_, 2, _, 4] }), [0, 2, 0, 4]);
        });

        it("fills a series with no datapoints at all over the whole grid, so zero running tasks read as 0", () => {
            assert.deepStrictEqual(evaluate("FILL(running, 0)", { running: [_, _, _, _] }), [0, 0, 0, 0]);
            assert.deepStrictEqual(evaluate("FILL(running, 0)", {}), [0, 0, 0, 0]);
        });

        it("fills from another series where it has a datapoint", () => {
            assert.deepStrictEqual(evaluate("FILL(m1, m2)", { m1: [_, 2, _, _], m2: [7, 8, _, 9] }), [7, 2, _, 9]);
        });

        it("REPEAT carries the most recent datapoint forward and leaves periods before the first one missing", () => {
            assert.deepStrictEqual(evaluate("FILL(m1, REPEAT)", { m1: [_, 2, _, _, 5, _] }, 6), [_, 2, 2, 2, 5, 5]);
            assert.deepStrictEqual(evaluate("FILL(m1, REPEAT)", {}), [_, _, _, _]);
        });

        it("LINEAR interpolates across interior gaps and leaves open-ended gaps missing", () => {
            assert.deepStrictEqual(evaluate("FILL(m1, LINEAR)", { m1: [_, 1, _, _, 4, _] }, 6), [_, 1, 2, 3, 4, _]);
        });

        it("rejects a scalar as the series to fill", () => {
            assert.throws(() => evaluate("FILL(5, 0) + m1", { m1: [1, 1, 1, 1] }), /FILL needs a time series/);
        });
    });

    describe("MAX, MIN, SUM and AVG", () => {
        const series = { m1: [1, _, 6, _], m2: [3, 4, 2, _] };

        it("combine an array per timestamp, a missing member counting as 0", () => {
            assert.deepStrictEqual(evaluate("MAX([m1, m2])", series), [3, 4, 6, _]);
            assert.deepStrictEqual(evaluate("MIN([m1, m2])", series), [1, 0, 2, _]);
            assert.deepStrictEqual(evaluate("SUM([m1, m2])", series), [4, 4, 8, _]);
            assert.deepStrictEqual(evaluate("AVG([m1, m2])", series), [2, 2, 4, _]);
        });

        it("reduce a single series to a scalar over its datapoints, usable inside a larger expression", () => {
            assert.deepStrictEqual(evaluate("m2 - AVG(m2)", series), [0, 1, -1, _]);
            assert.deepStrictEqual(evaluate("m1 / MAX(m1)", series), [1 / 6, _, 1, _]);
            assert.deepStrictEqual(evaluate("m2 + SUM(m1) - MIN(m1)", series), [9, 10, 8, _]);
        });

        it("give no datapoints when reducing a series that has none", () => {
            assert.deepStrictEqual(evaluate("m1 + MAX(absent)", series), [_, _, _, _]);
        });

        it("divide by max(running, 1) the way Copilot guards backlog per task", () => {
            assert.deepStrictEqual(
                evaluate("m1 / MAX([FILL(m2, 0), 1])", { m1: [10, 10, 10], m2: [0, _, 5] }, 3),
                [10, 10, 2],
            );
        });
    });

    describe("queries", () => {
        it("evaluates expressions in dependency order, whatever order they are listed in", () => {
            const results = evaluateMetricQueries(
                [{ id: "e2", expression: "e1 * 2" }, { id: "e1", expression: "m1 + m2" }, { id: "m1" }, { id: "m2" }],
                { m1: [1, 2], m2: [3, _] },
                2,
            );
            assert.deepStrictEqual(results, { e2: [8, 4], e1: [4, 2], m1: [1, 2], m2: [3, _] });
        });

        it("reads a metric query absent from the inputs as no datapoints", () => {
            const results = evaluateMetricQueries(
                [{ id: "running" }, { id: "e1", expression: "FILL(running, 0)" }],
                {},
                2,
            );
            assert.deepStrictEqual(results, { running: [_, _], e1: [0, 0] });
        });

        it("rejects a reference to an id that is not a query, naming the query and the id", () => {
            assert.throws(
                () => evaluateMetricQueries([{ id: "m1" }, { id: "e1", expression: "m1 + m9" }], {}, 1),
                /query "e1" references unknown id "m9" \(known ids: m1, e1\)/,
            );
        });

        it("rejects a cycle and shows its path", () => {
            assert.throws(
                () =>
                    evaluateMetricQueries(
                        [
                            { id: "e1", expression: "e2 + 1" },
                            { id: "e2", expression: "e1 + 1" },
                        ],
                        {},
                        1,
                    ),
                /cycle: e1 -> e2 -> e1/,
            );
            assert.throws(() => evaluateMetricQueries([{ id: "e1", expression: "e1 + 1" }], {}, 1), /cycle: e1 -> e1/);
        });

        it("rejects duplicate and malformed ids", () => {
            assert.throws(
                () => evaluateMetricQueries([{ id: "m1" }, { id: "m1" }], {}, 1),
                /"m1" is used by more than one query/,
            );
            assert.throws(
                () => evaluateMetricQueries([{ id: "M1" }], {}, 1),
                /"M1" is invalid: an id must start with a lowercase letter/,
            );
        });
    });

    describe("scaling scenarios", () => {
        // m1 = ApproximateNumberOfMessagesVisible, m2 = ...NotVisible, m3 = ECS RunningTaskCount.
        const backlogPerTask = "(m1 + m2) / m3";
        const wakeUp = "IF(FILL(m3, 0) == 0 AND (m1 + m2) > 0, 1, 0)";

        it("backlog per task divides messages by running tasks and has no datapoint at zero tasks", () => {
            assert.deepStrictEqual(
                evaluate(backlogPerTask, { m1: [10, 10, 10, 10], m2: [2, 2, 2, 2], m3: [3, 3, 0, _] }),
                [4, 4, _, _],
            );
        });

        it("wakes up when no task runs and messages wait", () => {
            assert.deepStrictEqual(
                evaluate(wakeUp, { m1: [5, 5, 5, 5], m2: [0, 0, 0, 0], m3: [0, 0, 0, 0] }),
                [1, 1, 1, 1],
            );
        });

        it("stays asleep when no task runs and the queue is empty", () => {
            assert.deepStrictEqual(
                evaluate(wakeUp, { m1: [0, 0, 0, 0], m2: [0, 0, 0, 0], m3: [0, 0, 0, 0] }),
                [0, 0, 0, 0],
            );
        });

        it("does not wake up while tasks run with messages", () => {
            assert.deepStrictEqual(
                evaluate(wakeUp, { m1: [5, 5, 5, 5], m2: [1, 1, 1, 1], m3: [2, 2, 2, 2] }),
                [0, 0, 0, 0],
            );
        });

        it("wakes up when RunningTaskCount was never published (no task since Container Insights started)", () => {
            assert.deepStrictEqual(evaluate(wakeUp, { m1: [5, 5, 5, 5], m2: [0, 0, 0, 0] }), [1, 1, 1, 1]);
        });

        it("TRAP: FILL(m3, 0) reads a not-yet-published newest RunningTaskCount minute as zero tasks and fires while tasks run", () => {
            const lagging = { m1: [5, 5, 5, 5], m2: [0, 0, 0, 0], m3: [2, 2, 2, _] };
            assert.deepStrictEqual(evaluate(wakeUp, lagging), [0, 0, 0, 1]);
        });

        it("FILL(m3, REPEAT) avoids the trap by carrying the last published task count into the unpublished minute", () => {
            const lagging = { m1: [5, 5, 5, 5], m2: [0, 0, 0, 0], m3: [2, 2, 2, _] };
            assert.deepStrictEqual(
                evaluate("IF(FILL(m3, REPEAT) == 0 AND (m1 + m2) > 0, 1, 0)", lagging),
                [0, 0, 0, 0],
            );
            // REPEAT alone cannot read "never published" as zero tasks: combine it with a constant fill for that case.
            const neverPublished = { m1: [5, 5, 5, 5], m2: [0, 0, 0, 0] };
            assert.deepStrictEqual(
                evaluate("IF(FILL(FILL(m3, REPEAT), 0) == 0 AND (m1 + m2) > 0, 1, 0)", neverPublished),
                [1, 1, 1, 1],
            );
            assert.deepStrictEqual(
                evaluate("IF(FILL(FILL(m3, REPEAT), 0) == 0 AND (m1 + m2) > 0, 1, 0)", lagging),
                [0, 0, 0, 0],
            );
        });
    });

    it("evaluates the wake-up alarm thousands of times per second", () => {
        const series = { m1: new Array(15).fill(5), m2: new Array(15).fill(0), m3: [...new Array(14).fill(2), _] };
        const started = process.hrtime.bigint();
        for (let i = 0; i < 5000; i++) {
            evaluateMetricExpression("IF(FILL(m3, 0) == 0 AND (m1 + m2) > 0, 1, 0)", series, 15);
        }
        const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
        assert.ok(elapsedMs < 1000, `5000 evaluations took ${elapsedMs.toFixed(0)} ms`);
    });
});
