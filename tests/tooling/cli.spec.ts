// tooling/cli.ts: every script's flags, read strictly, with a refusal that names what the command accepts.
import * as assert from "node:assert/strict";
import { parseFlags, UsageError } from "../../tooling/cli";

const FLAGS = { stack: { type: "string", value: "name" }, json: { type: "boolean" } } as const;

describe("tooling/cli: parseFlags", () => {
    it("reads known flags", () => {
        const { flags, positionals } = parseFlags("plan", ["--stack", "dev", "--json"], FLAGS);
        assert.deepEqual({ ...flags }, { stack: "dev", json: true });
        assert.deepEqual(positionals, []);
    });

    it("refuses an unknown flag or a stray argument, naming the valid flags", () => {
        assert.throws(
            () => parseFlags("plan", ["--jsn"], FLAGS),
            (error: Error) =>
                error instanceof UsageError &&
                error.message === "plan: Unknown option '--jsn'; valid flags: --stack <name>, --json",
        );
        assert.throws(
            () => parseFlags("plan", ["dev"], FLAGS),
            (error: Error) =>
                error instanceof UsageError &&
                /^plan: Unexpected argument 'dev'.*; valid flags: --stack <name>, --json$/.test(error.message),
        );
    });

    it("says a command takes no flags, rather than listing none", () => {
        assert.throws(
            () => parseFlags("schema", ["--check"], {}),
            (error: Error) => error.message === "schema: Unknown option '--check'; it takes no flags",
        );
    });
});
