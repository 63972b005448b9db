// The replacement guard: a change that renames or re-parents a resource, or changes an input that forces a
// replacement, replaces it on the next `pulumi up`, and a replaced queue loses its messages. Each committed
// tests/snapshots/<stack>.json records what must stay put; `npm run snapshot` rewrites them when a replacement is meant.
import * as assert from "node:assert/strict";
import { isDeepStrictEqual } from "util";
import * as fs from "fs";
import * as path from "path";
import { SNAPSHOT_DIRECTORY } from "../scripts/snapshot";
import { describeRun, runScript, ScriptRun, timeoutForRuns } from "./support/cli";

type Snapshot = Record<string, Record<string, unknown>>;

const stacks = fs
    .readdirSync(SNAPSHOT_DIRECTORY)
    .map((file) => /^(.+)\.json$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();

/** A reviewer's summary of how `current` differs from the committed snapshot. */
function differences(stack: string, committed: Snapshot, current: Snapshot): string {
    const added = Object.keys(current).filter((urn) => !(urn in committed));
    const removed = Object.keys(committed).filter((urn) => !(urn in current));
    const changed = Object.keys(current)
        .filter((urn) => urn in committed && !isDeepStrictEqual(current[urn], committed[urn]))
        .map((urn) => `${urn}\n      was ${JSON.stringify(committed[urn])}\n      now ${JSON.stringify(current[urn])}`);
    const section = (title: string, urns: string[]) =>
        urns.length ? [`  ${title} (${urns.length}):`, ...urns.map((urn) => `    ${urn}`)] : [];
    return [
        `The ${stack} stack no longer matches tests/snapshots/${stack}.json: on the next \`pulumi up\` these resources would be ` +
            "created, deleted or replaced (a renamed or replaced queue loses its messages).",
        ...section("added", added),
        ...section("removed (deleted, or replaced under a new URN)", removed),
        ...section("changed (an input that forces a replacement)", changed),
        `Run \`npm run snapshot\` and commit tests/snapshots/${stack}.json only if the replacement is intended; otherwise keep ` +
            "the old names and inputs (an `aliases` option keeps a renamed resource's URN).",
    ].join("\n");
}

describe("replacement snapshot", () => {
    const runs = new Map<string, ScriptRun>();

    before(async function () {
        this.timeout(timeoutForRuns(stacks.length));
        // One process per stack: the Pulumi runtime is global to a process.
        const results = await Promise.all(stacks.map((stack) => runScript("scripts/snapshot.ts", ["--print", stack])));
        stacks.forEach((stack, index) => runs.set(stack, results[index]));
    });

    it("has a committed snapshot for the example stacks", () => {
        assert.ok(stacks.includes("dev") && stacks.includes("prod"), `snapshots found: ${stacks.join(", ") || "none"}`);
    });

    for (const stack of stacks) {
        it(`${stack}: nothing is replaced, renamed or removed compared with tests/snapshots/${stack}.json`, () => {
            const run = runs.get(stack);
            assert.ok(run, `no snapshot run for ${stack}`);
            assert.equal(run.code, 0, `snapshot --print ${stack} failed: ${describeRun(run)}`);
            const committed = JSON.parse(
                fs.readFileSync(path.join(SNAPSHOT_DIRECTORY, `${stack}.json`), "utf8"),
            ) as Snapshot;
            const current = JSON.parse(run.stdout) as Snapshot;
            if (!isDeepStrictEqual(current, committed)) {
                assert.fail(differences(stack, committed, current));
            }
        });
    }
});
