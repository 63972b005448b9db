// An exact, dependency-free evaluator of the CloudWatch metric-math subset the scaling plan uses.
//
// Why it exists: the plan writes expression strings into alarms and target-tracking policies, and neither a unit test
// nor the simulator can ask CloudWatch what those strings mean. This module answers with CloudWatch's documented
// semantics, so what is tested and simulated is what deploys. Every rule below cites the AWS page it comes from:
//   [MM]  Amazon CloudWatch User Guide, "Using metric math" (sections "Metric math syntax and functions", "Basic
//         arithmetic functions", "Comparison and logical operators", "Functions supported for metric math",
//         "Using IF expressions").
//   [AL]  Amazon CloudWatch User Guide, "Creating a CloudWatch alarm based on a metric math expression".
// Where AWS publishes no rule, the choice made is marked "Not documented" and explained.
//
// Data model: every series lies on one grid of `length` periods; `undefined` is a period with no datapoint.
// Internally a value is either a scalar or a series; an array `[a, b]` exists only as the argument of an aggregate.

/**
 * Datapoints of one metric or expression on the common period grid, oldest first; `undefined` is a period for which
 * nothing was published (CloudWatch's missing data). A plain array so the simulator can build it without wrappers.
 */
export type MetricSeries = readonly (number | undefined)[];

/**
 * The parsed form of an expression. Exported so callers can inspect what an expression does (the plan's tests walk
 * it); `position` is the 0-based character offset in the source, used in error messages.
 * The discriminants are string literals, not enums as STYLE.md asks for choices: this tree is internal plain data,
 * never a component input the schema analyzer sees, and literals keep `switch` narrowing exhaustive and readable.
 */
export type MetricExpressionNode =
    | { readonly kind: "number"; readonly value: number; readonly position: number }
    | { readonly kind: "id"; readonly id: string; readonly position: number }
    | { readonly kind: "fillMode"; readonly mode: "REPEAT" | "LINEAR"; readonly position: number }
    | { readonly kind: "negate"; readonly operand: MetricExpressionNode; readonly position: number }
    | {
          readonly kind: "binary";
          readonly operator: BinaryOperator;
          readonly left: MetricExpressionNode;
          readonly right: MetricExpressionNode;
          readonly position: number;
      }
    | {
          readonly kind: "call";
          readonly name: SupportedFunction;
          readonly args: readonly MetricExpressionNode[];
          readonly position: number;
      }
    | { readonly kind: "array"; readonly items: readonly MetricExpressionNode[]; readonly position: number };

type BinaryOperator = "+" | "-" | "*" | "/" | "^" | "==" | "!=" | "<=" | ">=" | "<" | ">" | "AND" | "OR";
type SupportedFunction = "IF" | "FILL" | "MAX" | "MIN" | "SUM" | "AVG";

// [MM] "All functions must be written in uppercase letters"; anything else CloudWatch offers (RATE, DIFF, METRICS,
// SEARCH, ...) is rejected rather than guessed, so an expression we cannot evaluate faithfully never reaches a test.
const SUPPORTED_FUNCTIONS: readonly SupportedFunction[] = ["AVG", "FILL", "IF", "MAX", "MIN", "SUM"];
const AGGREGATE_FUNCTIONS: ReadonlySet<string> = new Set(["MAX", "MIN", "SUM", "AVG"]);
// [MM] an Id "can include numbers, letters, an underscore, and must start with a lowercase letter".
const ID_PATTERN = /^[a-z][A-Za-z0-9_]*$/;
// The simulator evaluates a handful of distinct expressions thousands of times; parsing once keeps it fast. The cap
// only bounds memory if a caller generates expressions dynamically.
const PARSE_CACHE_LIMIT = 500;

/**
 * Parses a CloudWatch metric-math expression. Why exported: the plan validates its expressions at construction, long
 * before anything is deployed, and a syntax error should name the position and token rather than surface as a failed
 * `pulumi up`. Throws for syntax errors and for functions this evaluator does not support.
 */
export function parseMetricExpression(expression: string): MetricExpressionNode {
    const cached = parseCache.get(expression);
    if (cached !== undefined) {
        return cached;
    }
    const parsed = new Parser(expression).parseWhole();
    if (parseCache.size >= PARSE_CACHE_LIMIT) {
        parseCache.clear();
    }
    parseCache.set(expression, parsed);
    return parsed;
}

/**
 * Evaluates one expression over `length` periods. Why exported: tests check a plan expression's value in scenarios
 * (zero tasks, RunningTaskCount not yet published) with exactly the string the alarm will hold. An id absent from
 * `series` is a metric with no datapoints, as an unpublished CloudWatch metric is. [MM] the final result must be a
 * time series, so an expression that reduces to a scalar (e.g. `MAX(m1)`) throws.
 */
export function evaluateMetricExpression(
    expression: string,
    series: Readonly<Record<string, MetricSeries>>,
    length: number,
): MetricSeries {
    checkLength(length);
    const root = parseMetricExpression(expression);
    const value = evaluate(root, (id) => series[id], length);
    return requireSeries(value, expression);
}

/**
 * Evaluates a GetMetricData-style list of queries: metric queries (no `expression`) take their datapoints from
 * `series`, expression queries may reference metric ids and other expression ids ([MM] "use both metrics and the
 * results of other math expressions"). Why exported: an alarm's `metricQueries` is such a list, and the simulator
 * evaluates it whole. Throws for duplicate or malformed ids, unknown references and cycles.
 */
export function evaluateMetricQueries(
    queries: readonly { id: string; expression?: string }[],
    series: Readonly<Record<string, MetricSeries>>,
    length: number,
): Record<string, MetricSeries> {
    checkLength(length);
    const byId = new Map<string, { id: string; expression?: string }>();
    for (const query of queries) {
        if (!ID_PATTERN.test(query.id)) {
            throw new Error(
                `Metric query id "${query.id}" is invalid: an id must start with a lowercase letter and contain only letters, digits and underscores.`,
            );
        }
        if (byId.has(query.id)) {
            throw new Error(`Metric query id "${query.id}" is used by more than one query; ids must be unique.`);
        }
        byId.set(query.id, query);
    }
    const results: Record<string, MetricSeries> = {};
    const inProgress: string[] = [];
    const resolve = (id: string): MetricSeries => {
        const done = results[id];
        if (done !== undefined) {
            return done;
        }
        const query = byId.get(id);
        if (query === undefined) {
            throw new Error(
                `Metric query "${inProgress[inProgress.length - 1]}" references unknown id "${id}" (known ids: ${[...byId.keys()].join(", ")}).`,
            );
        }
        if (query.expression === undefined) {
            results[id] = onGrid(series[id], length);
            return results[id];
        }
        if (inProgress.includes(id)) {
            const cycle = [...inProgress.slice(inProgress.indexOf(id)), id];
            throw new Error(`Metric queries form a cycle: ${cycle.join(" -> ")}.`);
        }
        inProgress.push(id);
        const value = evaluate(parseMetricExpression(query.expression), resolve, length);
        inProgress.pop();
        results[id] = requireSeries(value, query.expression, id);
        return results[id];
    };
    for (const query of queries) {
        resolve(query.id);
    }
    return results;
}

/**
 * The distinct ids an expression references, in order of first use. Why exported: the plan and its tests check that
 * an expression only names queries that exist, which CloudWatch would otherwise reject only at deploy time.
 */
export function referencedIds(expression: string): string[] {
    const ids: string[] = [];
    const visit = (node: MetricExpressionNode): void => {
        switch (node.kind) {
            case "id":
                if (!ids.includes(node.id)) {
                    ids.push(node.id);
                }
                return;
            case "negate":
                visit(node.operand);
                return;
            case "binary":
                visit(node.left);
                visit(node.right);
                return;
            case "call":
                node.args.forEach(visit);
                return;
            case "array":
                node.items.forEach(visit);
                return;
            case "number":
            case "fillMode":
                return;
        }
    };
    visit(parseMetricExpression(expression));
    return ids;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------------

const parseCache = new Map<string, MetricExpressionNode>();

interface Token {
    readonly type: "number" | "word" | "symbol" | "end";
    readonly text: string;
    readonly position: number;
}

const SYMBOLS = ["==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "^", "<", ">", "(", ")", "[", "]", ","];

function tokenize(source: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    while (i < source.length) {
        const ch = source[i];
        if (/\s/.test(ch)) {
            i++;
            continue;
        }
        const number = /^(\d+(\.\d*)?|\.\d+)/.exec(source.slice(i));
        if (number !== null) {
            tokens.push({ type: "number", text: number[0], position: i });
            i += number[0].length;
            continue;
        }
        const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
        if (word !== null) {
            tokens.push({ type: "word", text: word[0], position: i });
            i += word[0].length;
            continue;
        }
        const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
        if (symbol === undefined) {
            throw syntaxError(source, i, ch, "a number, an id, a function, an operator or a parenthesis");
        }
        tokens.push({ type: "symbol", text: symbol, position: i });
        i += symbol.length;
    }
    tokens.push({ type: "end", text: "end of expression", position: source.length });
    return tokens;
}

function syntaxError(source: string, position: number, found: string, expected: string): Error {
    return new Error(
        `Metric math syntax error at position ${position} near '${found}': expected ${expected}, in "${source}".`,
    );
}

// Precedence, loosest first. Not documented by AWS as a table; these are the conventional levels, and [MM]'s own
// example `metric1 > 15 AND metric2 > 15` (output 1, 0, 0, 0) only reads that way if comparisons bind tighter than
// AND. AND binding tighter than OR is the convention of every language with both; plan expressions should still
// parenthesise mixed AND/OR. `^` binds tighter than unary minus (-2^2 is -4) and is right-associative.
const BINARY_LEVELS: readonly Readonly<Record<string, BinaryOperator>>[] = [
    { OR: "OR", "||": "OR" },
    { AND: "AND", "&&": "AND" },
    { "==": "==", "!=": "!=", "<=": "<=", ">=": ">=", "<": "<", ">": ">" },
    { "+": "+", "-": "-" },
    { "*": "*", "/": "/" },
];

class Parser {
    private readonly tokens: Token[];
    private index = 0;

    constructor(private readonly source: string) {
        this.tokens = tokenize(source);
    }

    parseWhole(): MetricExpressionNode {
        const node = this.parseBinary();
        const next = this.peek();
        if (next.type !== "end") {
            throw this.error(next, "an operator or the end of the expression");
        }
        return node;
    }

    private peek(): Token {
        return this.tokens[this.index];
    }

    private advance(): Token {
        return this.tokens[this.index++];
    }

    private expect(text: string): Token {
        const token = this.peek();
        if (token.text !== text || token.type === "end") {
            throw this.error(token, `'${text}'`);
        }
        return this.advance();
    }

    private error(token: Token, expected: string): Error {
        return syntaxError(this.source, token.position, token.text, expected);
    }

    // One loop for every left-associative level of BINARY_LEVELS, loosest first; below the last comes unary minus.
    private parseBinary(level = 0): MetricExpressionNode {
        if (level === BINARY_LEVELS.length) {
            return this.parseUnary();
        }
        const operators = BINARY_LEVELS[level];
        let left = this.parseBinary(level + 1);
        for (;;) {
            const token = this.peek();
            if (
                token.type === "number" ||
                token.type === "end" ||
                !Object.prototype.hasOwnProperty.call(operators, token.text)
            ) {
                return left;
            }
            this.advance();
            left = binary(operators[token.text], left, this.parseBinary(level + 1), token.position);
        }
    }

    private parseUnary(): MetricExpressionNode {
        const token = this.peek();
        if (token.type === "symbol" && token.text === "-") {
            this.advance();
            return Object.freeze({ kind: "negate", operand: this.parseUnary(), position: token.position });
        }
        return this.parsePower();
    }

    private parsePower(): MetricExpressionNode {
        const base = this.parsePrimary();
        const token = this.peek();
        if (token.type === "symbol" && token.text === "^") {
            this.advance();
            return binary("^", base, this.parseUnary(), token.position);
        }
        return base;
    }

    private parsePrimary(): MetricExpressionNode {
        const token = this.peek();
        if (token.type === "number") {
            this.advance();
            return Object.freeze({ kind: "number", value: Number(token.text), position: token.position });
        }
        if (token.type === "symbol" && token.text === "(") {
            this.advance();
            const inner = this.parseBinary();
            this.expect(")");
            return inner;
        }
        if (token.type === "symbol" && token.text === "[") {
            throw new Error(
                `Metric math error at position ${token.position}: an array [...] is supported only as the argument of MAX, MIN, SUM or AVG, in "${this.source}".`,
            );
        }
        if (token.type === "word") {
            return this.parseWord(token);
        }
        throw this.error(token, "a number, an id, a function call, '(' or '-'");
    }

    private parseWord(token: Token): MetricExpressionNode {
        this.advance();
        const next = this.peek();
        if (next.type === "symbol" && next.text === "(") {
            return this.parseCall(token);
        }
        if (ID_PATTERN.test(token.text)) {
            return Object.freeze({ kind: "id", id: token.text, position: token.position });
        }
        if (token.text === "NOT") {
            // [MM] lists only AND/&& and OR/|| as logical operators; NOT belongs to Logs Insights, not metric math.
            throw new Error(
                `Metric math error at position ${token.position}: NOT is not a CloudWatch metric math operator (logical operators: AND, &&, OR, ||); write "x == 0" instead, in "${this.source}".`,
            );
        }
        if (token.text === "REPEAT" || token.text === "LINEAR") {
            throw new Error(
                `Metric math error at position ${token.position}: ${token.text} is valid only as the second argument of FILL, in "${this.source}".`,
            );
        }
        throw new Error(
            `Metric math error at position ${token.position}: '${token.text}' is neither an id (ids start with a lowercase letter) nor a function call, in "${this.source}".`,
        );
    }

    private parseCall(nameToken: Token): MetricExpressionNode {
        const name = nameToken.text;
        if (!(SUPPORTED_FUNCTIONS as readonly string[]).includes(name)) {
            const hint =
                name.toUpperCase() !== name && (SUPPORTED_FUNCTIONS as readonly string[]).includes(name.toUpperCase())
                    ? " (metric math functions must be written in uppercase)"
                    : "";
            throw new Error(
                `Metric math error at position ${nameToken.position}: unsupported function ${name}${hint} (supported: ${SUPPORTED_FUNCTIONS.join(", ")}), in "${this.source}".`,
            );
        }
        this.expect("(");
        const args: MetricExpressionNode[] = [];
        if (AGGREGATE_FUNCTIONS.has(name)) {
            args.push(this.parseAggregateArgument());
        } else {
            args.push(this.parseBinary());
            while (this.peek().type === "symbol" && this.peek().text === ",") {
                this.advance();
                args.push(name === "FILL" && args.length === 1 ? this.parseFillArgument() : this.parseBinary());
            }
        }
        const close = this.peek();
        if (close.type !== "symbol" || close.text !== ")") {
            throw this.error(close, args.length === 0 ? "an argument" : "',' or ')'");
        }
        this.advance();
        this.checkArity(name as SupportedFunction, args.length, nameToken.position);
        return Object.freeze({
            kind: "call",
            name: name as SupportedFunction,
            args: Object.freeze(args),
            position: nameToken.position,
        });
    }

    // [MM] FILL's second argument is a scalar, a time series, or one of the keywords REPEAT and LINEAR.
    private parseFillArgument(): MetricExpressionNode {
        const token = this.peek();
        const after = this.tokens[this.index + 1];
        if (token.type === "word" && (token.text === "REPEAT" || token.text === "LINEAR") && after.text !== "(") {
            this.advance();
            return Object.freeze({ kind: "fillMode", mode: token.text, position: token.position });
        }
        return this.parseBinary();
    }

    // [MM] MAX, MIN, SUM and AVG take a single time series (reduced to a scalar) or an array of time series.
    private parseAggregateArgument(): MetricExpressionNode {
        const open = this.peek();
        if (open.type !== "symbol" || open.text !== "[") {
            return this.parseBinary();
        }
        this.advance();
        const items: MetricExpressionNode[] = [this.parseBinary()];
        while (this.peek().type === "symbol" && this.peek().text === ",") {
            this.advance();
            items.push(this.parseBinary());
        }
        this.expect("]");
        return Object.freeze({ kind: "array", items: Object.freeze(items), position: open.position });
    }

    private checkArity(name: SupportedFunction, count: number, position: number): void {
        const [min, max] = name === "IF" ? [2, 3] : name === "FILL" ? [2, 2] : [1, 1];
        if (count < min || count > max) {
            const expected = min === max ? `${min}` : `${min} or ${max}`;
            throw new Error(
                `Metric math error at position ${position}: ${name} takes ${expected} argument(s), got ${count}, in "${this.source}".`,
            );
        }
    }
}

function binary(
    operator: BinaryOperator,
    left: MetricExpressionNode,
    right: MetricExpressionNode,
    position: number,
): MetricExpressionNode {
    return Object.freeze({ kind: "binary", operator, left, right, position });
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------------------------

// A scalar may itself have no value (e.g. MAX of a series with no datapoints, or 1/0); it then yields no datapoints.
type Value =
    | { readonly kind: "scalar"; readonly value: number | undefined }
    | { readonly kind: "series"; readonly points: (number | undefined)[] };

type Resolve = (id: string) => MetricSeries | undefined;

function checkLength(length: number): void {
    if (!Number.isInteger(length) || length < 0) {
        throw new Error(`Metric math grid length must be a non-negative integer, got ${length}.`);
    }
}

// Only finite numbers are datapoints: CloudWatch does not accept NaN or Infinity from PutMetricData, so such an
// input can only be a simulator bug standing for "nothing published".
function onGrid(points: MetricSeries | undefined, length: number): (number | undefined)[] {
    const result = new Array<number | undefined>(length);
    for (let i = 0; i < length; i++) {
        const v = points?.[i];
        result[i] = typeof v === "number" && Number.isFinite(v) ? v : undefined;
    }
    return result;
}

function requireSeries(value: Value, expression: string, queryId?: string): MetricSeries {
    if (value.kind === "series") {
        return value.points;
    }
    // [MM] "The final result of any math expression must be a single time series or an array of time series."
    const where = queryId === undefined ? "" : ` (query "${queryId}")`;
    throw new Error(
        `Metric math expression "${expression}"${where} produces a scalar; CloudWatch requires a time series as the result (e.g. use m1 - AVG(m1), not AVG(m1)).`,
    );
}

function evaluate(node: MetricExpressionNode, resolve: Resolve, length: number): Value {
    switch (node.kind) {
        case "number":
            return { kind: "scalar", value: node.value };
        case "id":
            return { kind: "series", points: onGrid(resolve(node.id), length) };
        case "negate":
            return map(evaluate(node.operand, resolve, length), (v) => normalize(0 - v));
        case "binary":
            return combine(
                evaluate(node.left, resolve, length),
                evaluate(node.right, resolve, length),
                OPERATIONS[node.operator],
            );
        case "call":
            return evaluateCall(node.name, node.args, resolve, length, node.position);
        case "fillMode":
        case "array":
            // The parser only places these as FILL's and the aggregates' arguments, where they are handled directly.
            throw new Error(
                `Metric math error at position ${node.position}: ${node.kind === "array" ? "an array" : node.mode} is not valid here.`,
            );
    }
}

// -0 would make assert.deepStrictEqual and Object.is tell 0 apart from -0; CloudWatch has no negative zero.
function normalize(v: number): number | undefined {
    if (!Number.isFinite(v)) {
        // Not documented beyond division by zero ([MM]: "the data point is dropped"); other non-finite results
        // (0^-1, (-8)^0.5) are dropped the same way, since CloudWatch cannot represent them as datapoints.
        return undefined;
    }
    return v === 0 ? 0 : v;
}

// [MM] Basic arithmetic: "Missing values in a time series are treated as 0. If the value of a data point causes a
// function to attempt to divide by zero, the data point is dropped." [MM] Comparison and logical operators: "When
// comparison operators are used between two time series, and only one of the time series has a value for a particular
// time stamp, the function treats the missing value in the other time series as 0", returning 1 (true) or 0 (false).
// So between two series a timestamp has a result when either side has a datapoint; where neither has one there is
// nothing to treat as 0 and the result has no datapoint. A series combined with a scalar has datapoints only where the
// series does. A logical operand is true when non-zero ([MM] "Using IF expressions": false only when the value is 0).
const OPERATIONS: Readonly<Record<BinaryOperator, (a: number, b: number) => number | undefined>> = {
    "+": (a, b) => normalize(a + b),
    "-": (a, b) => normalize(a - b),
    "*": (a, b) => normalize(a * b),
    "/": (a, b) => (b === 0 ? undefined : normalize(a / b)),
    "^": (a, b) => normalize(Math.pow(a, b)),
    "==": (a, b) => (a === b ? 1 : 0),
    "!=": (a, b) => (a !== b ? 1 : 0),
    "<=": (a, b) => (a <= b ? 1 : 0),
    ">=": (a, b) => (a >= b ? 1 : 0),
    "<": (a, b) => (a < b ? 1 : 0),
    ">": (a, b) => (a > b ? 1 : 0),
    AND: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
    OR: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};

function map(value: Value, fn: (v: number) => number | undefined): Value {
    if (value.kind === "scalar") {
        return { kind: "scalar", value: value.value === undefined ? undefined : fn(value.value) };
    }
    return { kind: "series", points: value.points.map((v) => (v === undefined ? undefined : fn(v))) };
}

function combine(left: Value, right: Value, fn: (a: number, b: number) => number | undefined): Value {
    if (left.kind === "scalar") {
        const a = left.value;
        if (right.kind === "scalar") {
            const b = right.value;
            return { kind: "scalar", value: a === undefined || b === undefined ? undefined : fn(a, b) };
        }
        return {
            kind: "series",
            points: right.points.map((b) => (a === undefined || b === undefined ? undefined : fn(a, b))),
        };
    }
    if (right.kind === "scalar") {
        const b = right.value;
        return {
            kind: "series",
            points: left.points.map((a) => (a === undefined || b === undefined ? undefined : fn(a, b))),
        };
    }
    const r = right.points;
    return {
        kind: "series",
        points: left.points.map((a, i) => {
            const b = r[i];
            return a === undefined && b === undefined ? undefined : fn(a ?? 0, b ?? 0);
        }),
    };
}

function evaluateCall(
    name: SupportedFunction,
    args: readonly MetricExpressionNode[],
    resolve: Resolve,
    length: number,
    position: number,
): Value {
    switch (name) {
        case "IF":
            return evaluateIf(args, resolve, length);
        case "FILL":
            return evaluateFill(args, resolve, length, position);
        case "MAX":
        case "MIN":
        case "SUM":
        case "AVG":
            return evaluateAggregate(name, args[0], resolve, length);
    }
}

// [MM] "Using IF expressions", rule by rule:
// - Scalar condition: the true branch as is when non-zero; otherwise the false branch, or "an empty time series" when
//   the false branch is omitted.
// - Series condition, per timestamp: no datapoint in the condition -> no datapoint ("is dropped if the corresponding
//   data point in metric1 does not exist"); true -> the true branch (a scalar, or the series' datapoint, which "has the
//   value of 0" when that series has none there); false -> the false branch (a scalar, or the series' datapoint, and
//   none when that series has none there or when the false branch is omitted: the two-argument IF filters).
function evaluateIf(args: readonly MetricExpressionNode[], resolve: Resolve, length: number): Value {
    const condition = evaluate(args[0], resolve, length);
    const whenTrue = evaluate(args[1], resolve, length);
    const whenFalse = args.length === 3 ? evaluate(args[2], resolve, length) : undefined;
    if (condition.kind === "scalar") {
        if (condition.value === undefined) {
            return emptySeries(length);
        }
        if (condition.value !== 0) {
            return whenTrue;
        }
        return whenFalse ?? emptySeries(length);
    }
    return {
        kind: "series",
        points: condition.points.map((c, i) => {
            if (c === undefined) {
                return undefined;
            }
            if (c !== 0) {
                return whenTrue.kind === "scalar" ? whenTrue.value : (whenTrue.points[i] ?? 0);
            }
            if (whenFalse === undefined) {
                return undefined;
            }
            return whenFalse.kind === "scalar" ? whenFalse.value : whenFalse.points[i];
        }),
    };
}

// [MM] FILL "fills the missing values of a time series" with a scalar, another time series, REPEAT or LINEAR. Its
// alarm note says that when the newest minute is never published in time, FILL replaces that missing datapoint with
// the requested value, so the latest datapoint "always" reads as the fill value and the alarm can stick: FILL works on
// every timestamp of the requested range, not only between published points. A series with no datapoints at all over
// the range is therefore filled entirely (FILL(running, 0) reads 0 running tasks as 0). The page does not spell out
// the all-empty case; AWS's own advice for metrics published only on events is to FILL them with 0 "when there are no
// datapoints" (aws/aws-sdk-js-v3 issue #6873, answer relayed from the CloudWatch team).
// REPEAT: the most recent actual value before the gap. LINEAR: a straight line between the values at the two ends of
// the gap. Not documented: periods before the first datapoint (REPEAT, LINEAR) or after the last (LINEAR) have no end
// to use, so they stay missing here, and an all-empty series stays empty under REPEAT and LINEAR.
function evaluateFill(
    args: readonly MetricExpressionNode[],
    resolve: Resolve,
    length: number,
    position: number,
): Value {
    const target = evaluate(args[0], resolve, length);
    if (target.kind !== "series") {
        throw new Error(
            `Metric math error at position ${position}: FILL needs a time series as its first argument, not a scalar.`,
        );
    }
    const points = target.points;
    const how = args[1];
    if (how.kind === "fillMode") {
        return { kind: "series", points: how.mode === "REPEAT" ? fillRepeat(points) : fillLinear(points) };
    }
    const filler = evaluate(how, resolve, length);
    return {
        kind: "series",
        points: points.map((v, i) => v ?? (filler.kind === "scalar" ? filler.value : filler.points[i])),
    };
}

function fillRepeat(points: readonly (number | undefined)[]): (number | undefined)[] {
    let last: number | undefined;
    return points.map((v) => {
        if (v !== undefined) {
            last = v;
        }
        return last;
    });
}

function fillLinear(points: readonly (number | undefined)[]): (number | undefined)[] {
    const result = points.slice();
    let previous = -1;
    for (let i = 0; i < points.length; i++) {
        const end = points[i];
        if (end === undefined) {
            continue;
        }
        if (previous >= 0 && i - previous > 1) {
            const start = points[previous] as number;
            for (let j = previous + 1; j < i; j++) {
                result[j] = normalize(start + ((end - start) * (j - previous)) / (i - previous));
            }
        }
        previous = i;
    }
    return result;
}

// [MM] MAX/MIN/SUM/AVG of a single time series return a scalar over all its datapoints (AWS advises against using
// them in alarms, because an alarm fetches more periods than it evaluates and the scalar changes with the range); of
// an array of time series they return one series, per timestamp, and for AVG "missing values are treated as 0". The
// same treatment is applied to MAX, MIN and SUM of an array (the page's general arithmetic rule; SUM is unaffected,
// MAX and MIN differ from "ignore missing" only when all present values are negative). A timestamp where no member
// has a datapoint has none. A scalar member counts at every timestamp.
function evaluateAggregate(
    name: "MAX" | "MIN" | "SUM" | "AVG",
    arg: MetricExpressionNode,
    resolve: Resolve,
    length: number,
): Value {
    if (arg.kind !== "array") {
        const value = evaluate(arg, resolve, length);
        if (value.kind === "scalar") {
            return value;
        }
        const present = value.points.filter((v): v is number => v !== undefined);
        return { kind: "scalar", value: present.length === 0 ? undefined : reduce(name, present, present.length) };
    }
    const members = arg.items.map((item) => evaluate(item, resolve, length));
    const points = new Array<number | undefined>(length);
    for (let i = 0; i < length; i++) {
        const values: number[] = [];
        let anyPresent = false;
        for (const member of members) {
            const v = member.kind === "scalar" ? member.value : member.points[i];
            anyPresent = anyPresent || v !== undefined;
            values.push(v ?? 0);
        }
        points[i] = anyPresent ? reduce(name, values, members.length) : undefined;
    }
    return { kind: "series", points };
}

function reduce(name: "MAX" | "MIN" | "SUM" | "AVG", values: readonly number[], count: number): number | undefined {
    switch (name) {
        case "MAX":
            return normalize(Math.max(...values));
        case "MIN":
            return normalize(Math.min(...values));
        case "SUM":
            return normalize(values.reduce((sum, v) => sum + v, 0));
        case "AVG":
            return normalize(values.reduce((sum, v) => sum + v, 0) / count);
    }
}

function emptySeries(length: number): Value {
    return { kind: "series", points: new Array<number | undefined>(length).fill(undefined) };
}
