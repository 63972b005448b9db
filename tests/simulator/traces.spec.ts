import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { seededRandom } from "../../simulator/random";
import { messagesOf } from "./fixtures";
import {
    BUILT_IN_TRACES,
    builtInTrace,
    meanProcessingSeconds,
    parseTraceFile,
    readTraceFile,
    TraceFileError,
} from "../../simulator/traces";

const scale = { maxTasks: 10, meanProcessingSeconds: 20, processingCv: 1 };

describe("simulator/traces", () => {
    it("draws the same built-in trace for the same seed and a different one for another seed", () => {
        for (const kind of BUILT_IN_TRACES) {
            const a = builtInTrace(kind, scale, seededRandom(5));
            assert.deepStrictEqual(builtInTrace(kind, scale, seededRandom(5)), a);
            assert.notDeepStrictEqual(builtInTrace(kind, scale, seededRandom(6)).arrivals, a.arrivals);
            assert.ok(
                a.arrivals.every((at, i) => i === 0 || at >= a.arrivals[i - 1]),
                `${kind} is sorted`,
            );
        }
    });

    it("sizes a trace's processing time to the requested mean", () => {
        const steady = builtInTrace(BUILT_IN_TRACES[0], scale, seededRandom(1));
        assert.ok(Math.abs(meanProcessingSeconds(steady) - 20) < 2, `mean ${meanProcessingSeconds(steady)}`);
    });

    it("gives sparse a gap longer than the six idle hours after which SQS stops publishing", () => {
        const sparse = builtInTrace(BUILT_IN_TRACES[4], scale, seededRandom(1));
        const gaps = Array.from(sparse.arrivals.slice(1), (at, i) => at - sparse.arrivals[i]);
        assert.ok(Math.max(...gaps) > 6 * 3600);
    });

    it("reads JSON lines and names the line of a bad record", () => {
        const trace = parseTraceFile(
            '{"at": 5, "processingSeconds": 2}\n\n{"at": 1, "processingSeconds": 3}\n',
            "t.jsonl",
        );
        assert.deepStrictEqual(messagesOf(trace), [
            { at: 1, processingSeconds: 3 },
            { at: 5, processingSeconds: 2 },
        ]);
        assert.strictEqual(trace.durationSeconds, 60);
        assert.throws(
            () => parseTraceFile('{"at": 1}\n', "t.jsonl"),
            (error: Error) => error instanceof TraceFileError && /t\.jsonl:1:/.test(error.message),
        );
        assert.throws(() => parseTraceFile("not json\n", "t.jsonl"), /t\.jsonl:1: not JSON/);
    });

    it("streams a trace file line by line, and still names the file and line of a bad record", async () => {
        const directory = fs.mkdtempSync(path.join(os.tmpdir(), "trace-"));
        const good = path.join(directory, "good.jsonl");
        fs.writeFileSync(
            good,
            Array.from({ length: 5000 }, (_, i) => `{"at": ${i / 10}, "processingSeconds": 1}`).join("\r\n"),
        );
        const trace = await readTraceFile(good);
        assert.deepStrictEqual(
            [trace.arrivals.length, trace.arrivals[4999], trace.durationSeconds],
            [5000, 499.9, 540],
        );
        const bad = path.join(directory, "bad.jsonl");
        fs.writeFileSync(bad, '{"at": 1, "processingSeconds": 1}\n\n{"at": -1, "processingSeconds": 1}\n');
        await assert.rejects(
            readTraceFile(bad),
            (error: Error) => error instanceof TraceFileError && error.message.startsWith(`${bad}:3: expected`),
        );
        await assert.rejects(
            readTraceFile(path.join(directory, "missing.jsonl")),
            /does not exist; built-in traces: steady/,
        );
    });
});
