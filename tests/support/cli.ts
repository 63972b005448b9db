// Runs the repository's TypeScript scripts (plan, snapshot) the way a user does: a separate Node process per run, so
// each gets its own Pulumi runtime; the specs start theirs together and this module runs them a few at a time.
import { execFile } from "child_process";
import * as os from "os";
import { REPO_ROOT } from "../../stack/configFile";

/** Generous: a run takes one to two seconds alone, but the machine may be shared with other test runs. */
export const SCRIPT_TIMEOUT_MS = 60_000;

export interface ScriptRun {
    /** The exit code; null only when the process was killed by a signal. */
    code: number | null;
    stdout: string;
    stderr: string;
}

// One run per CPU at a time: each run is CPU-bound (TypeScript transpiling, the Pulumi runtime), so more at once only
// stretches every run towards its timeout on a busy machine.
const MAX_CONCURRENT_RUNS = Math.max(1, os.cpus().length);

/**
 * How long a hook that starts `runs` scripts at once may take: they run a few at a time, each within its own limit,
 * and one more round of that limit for the hook's own work.
 */
export function timeoutForRuns(runs: number): number {
    return (Math.ceil(runs / MAX_CONCURRENT_RUNS) + 1) * SCRIPT_TIMEOUT_MS;
}
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
    if (running < MAX_CONCURRENT_RUNS) {
        running += 1;
    } else {
        // The finishing run hands its slot straight over, so `running` stays as it is.
        await new Promise<void>((resolve) => waiting.push(resolve));
    }
    try {
        return await work();
    } finally {
        const next = waiting.shift();
        if (next) {
            next();
        } else {
            running -= 1;
        }
    }
}

/** Runs `node -r ts-node/register/transpile-only <script> <args>` from the repository root; never rejects on exit codes. */
export function runScript(script: string, args: string[]): Promise<ScriptRun> {
    return withSlot(() => run(process.execPath, ["-r", "ts-node/register/transpile-only", script, ...args]));
}

function run(command: string, args: string[]): Promise<ScriptRun> {
    return new Promise((resolve) => {
        execFile(
            command,
            args,
            {
                cwd: REPO_ROOT,
                env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
                encoding: "utf8",
                maxBuffer: 64 * 1024 * 1024,
                timeout: SCRIPT_TIMEOUT_MS,
            },
            (error, stdout, stderr) => {
                const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
                resolve({ code, stdout, stderr });
            },
        );
    });
}

/** What a failed run said, for assertion messages. */
export function describeRun(run: ScriptRun): string {
    return `exit code ${run.code}\n--- stdout ---\n${run.stdout.slice(0, 2000)}\n--- stderr ---\n${run.stderr.slice(0, 2000)}`;
}

/**
 * Runs a script the way `npm run plan -- --json | jq` does: its stdout is a pipe whose reader takes the first byte,
 * then reads nothing for a second, so the pipe's 64 KiB buffer fills. A script that calls process.exit() while output
 * is still queued loses the rest; one that sets process.exitCode and returns waits, and all of it arrives.
 */
export function runScriptThroughSlowPipe(script: string, args: string[]): Promise<ScriptRun> {
    const pipeline =
        '"$0" -r ts-node/register/transpile-only "$@" | { IFS= read -r -N 1 first; sleep 1; printf "%s" "$first"; cat; }; ' +
        "exit ${PIPESTATUS[0]}";
    return withSlot(() => run("bash", ["-c", pipeline, process.execPath, script, ...args]));
}
