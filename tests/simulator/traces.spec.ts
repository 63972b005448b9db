import * as assert from "assert";
import { seededRandom } from "../../simulator/random";
import { BUILT_IN_TRACES, builtInTrace, meanProcessingSeconds, parseTraceFile, TraceFileError } from "../../simulator/traces";

const scale = { maxTasks: 10, meanProcessingSeconds: 20, processingCv: 1 };

describe("simulator/traces", () => {
    it("draws the same built-in trace for the same seed and a different one for another seed", () => {
        for (const kind of BUILT_IN_TRACES) {
            const a = builtInTrace(kind, scale, seededRandom(5));
            assert.deepStrictEqual(builtInTrace(kind, scale, seededRandom(5)), a);
            assert.notDeepStrictEqual(builtInTrace(kind, scale, seededRandom(6)).messages, a.messages);
            assert.ok(a.messages.every((m, i) => i === 0 || m.at >= a.messages[i - 1].at), `${kind} is sorted`);
        }
    });

    it("sizes a trace's processing time to the requested mean", () => {
        const steady = builtInTrace(BUILT_IN_TRACES[0], scale, seededRandom(1));
        assert.ok(Math.abs(meanProcessingSeconds(steady) - 20) < 2, `mean ${meanProcessingSeconds(steady)}`);
    });

    it("gives sparse a gap longer than the six idle hours after which SQS stops publishing", () => {
        const sparse = builtInTrace(BUILT_IN_TRACES[4], scale, seededRandom(1));
        const gaps = sparse.messages.slice(1).map((m, i) => m.at - sparse.messages[i].at);
        assert.ok(Math.max(...gaps) > 6 * 3600);
    });

    it("reads JSON lines and names the line of a bad record", () => {
        const trace = parseTraceFile('{"at": 5, "processingSeconds": 2}\n\n{"at": 1, "processingSeconds": 3}\n', "t.jsonl");
        assert.deepStrictEqual(trace.messages.map((m) => m.at), [1, 5]);
        assert.strictEqual(trace.durationSeconds, 60);
        assert.throws(() => parseTraceFile('{"at": 1}\n', "t.jsonl"), (error: Error) => error instanceof TraceFileError && /t\.jsonl:1:/.test(error.message));
        assert.throws(() => parseTraceFile("not json\n", "t.jsonl"), /t\.jsonl:1: not JSON/);
    });
});
