// What every `npm run` script does the same way: read its flags strictly (an unknown or malformed flag stops it with
// exit code 2, naming the flag and listing the valid ones), and end by setting process.exitCode rather than calling
// process.exit(), which would cut off output still queued for a pipe (`npm run plan -- --json | jq` past 64 KiB).
import { parseArgs } from "node:util";

/** One flag: a string value or a switch, and what the usage line says about it. */
export interface FlagSpec {
    type: "string" | "boolean";
    /** For a string flag, what its value is ("name", "file.json"); shown in the usage line. */
    value?: string;
    multiple?: boolean;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The flags several scripts share, so each means the same everywhere. */
export const STACK_FLAG = { stack: { type: "string", value: "name" } } as const satisfies FlagSpecs;
export const JSON_FLAG = { json: { type: "boolean" } } as const satisfies FlagSpecs;

type FlagValue<S extends FlagSpec> = S["type"] extends "string"
    ? S["multiple"] extends true
        ? string[]
        : string
    : S["multiple"] extends true
      ? boolean[]
      : boolean;

export type Flags<S extends FlagSpecs> = { [K in keyof S]?: FlagValue<S[K]> };

/** A command line the script cannot run with: printed with the usage line, exit code 2. */
export class UsageError extends Error {}

/** `valid flags: --stack <name>, --json`, or `it takes no flags`: what an error says the command accepts. */
function usage(specs: FlagSpecs): string {
    const flags = Object.entries(specs).map(([name, spec]) =>
        spec.type === "string" ? `--${name} <${spec.value ?? "value"}>` : `--${name}`,
    );
    return flags.length > 0 ? `valid flags: ${flags.join(", ")}` : "it takes no flags";
}

/**
 * Reads `argv` with util.parseArgs in strict mode. Throws UsageError for an unknown flag, a missing value or a stray
 * argument, naming it and the valid flags; `positionals` allows that many plain arguments.
 */
export function parseFlags<S extends FlagSpecs>(
    command: string,
    argv: readonly string[],
    specs: S,
    positionals = 0,
): { flags: Flags<S>; positionals: string[] } {
    const options = Object.fromEntries(
        Object.entries(specs).map(([name, spec]) => [name, { type: spec.type, multiple: spec.multiple ?? false }]),
    );
    let parsed: ReturnType<typeof parseArgs>;
    try {
        parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: positionals > 0 });
    } catch (error) {
        // parseArgs words some refusals over several sentences and lines: one line, without the closing period.
        const reason = (error as Error).message.replace(/\s*\n\s*/g, " ").replace(/\.$/, "");
        throw new UsageError(`${command}: ${reason}; ${usage(specs)}`);
    }
    if (parsed.positionals.length > positionals) {
        throw new UsageError(
            `${command}: unexpected argument ${JSON.stringify(parsed.positionals[positionals])}; ${usage(specs)}`,
        );
    }
    return { flags: parsed.values as Flags<S>, positionals: parsed.positionals };
}

/** A required string flag: its value, or a UsageError saying what to give. */
export function required(command: string, flag: string, value: string | undefined, example: string): string {
    if (value === undefined || value === "") {
        throw new UsageError(`${command}: --${flag} is required, for example --${flag} ${example}`);
    }
    return value;
}

/**
 * Runs a script's main when the file is run directly. The exit code is main's, 2 for a UsageError and 1 for any
 * other error (its message on stderr); the process ends once its output has drained, never before.
 */
export function runMain(module: NodeModule, main: (argv: string[]) => Promise<number> | number): void {
    if (require.main !== module) {
        return;
    }
    Promise.resolve()
        .then(() => main(process.argv.slice(2)))
        .then(
            (code) => {
                process.exitCode = code;
            },
            (error: unknown) => {
                process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
                process.exitCode = error instanceof UsageError ? 2 : 1;
            },
        );
}
