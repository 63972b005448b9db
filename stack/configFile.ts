// Reads a stack's Pulumi.<stack>.yaml into the flat form Pulumi's runtime keeps config in, for everything that runs a
// stack's config without the Pulumi CLI: the offline plan, the snapshot, the simulator and the tests.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { StackConfigError } from "./config";

/** The repository root, where the example's Pulumi.<stack>.yaml files live. */
export const REPO_ROOT = path.resolve(__dirname, "..");

export function availableStacks(directory = REPO_ROOT): string[] {
    return fs
        .readdirSync(directory)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

/** Reads Pulumi.<stack>.yaml into the flat "namespace:key" -> string form the Pulumi runtime keeps config in. */
export function readStackConfigFile(stack: string, directory = REPO_ROOT): Record<string, string> {
    const file = path.join(directory, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const stacks = availableStacks(directory);
        throw new StackConfigError(
            `no stack named ${JSON.stringify(stack)}: ${path.basename(file)} does not exist (stacks here: ${stacks.join(", ") || "none"})`,
        );
    }
    const text = fs.readFileSync(file, "utf8");
    let parsed: StackFile | null;
    let legacy: StackFile | null;
    try {
        parsed = YAML.parse(text) as StackFile | null;
        legacy = YAML.parse(text, { version: "1.1" }) as StackFile | null;
    } catch (error) {
        throw new StackConfigError(`${path.basename(file)} is not valid YAML: ${(error as Error).message}`);
    }
    const config: Record<string, string> = {};
    const problems: string[] = [];
    for (const [key, value] of Object.entries(parsed?.config ?? {})) {
        const secret = securePath(value);
        if (secret !== undefined) {
            problems.push(
                `config ${key}${secret} in ${path.basename(file)} is a secret (secure:); the offline plan cannot decrypt it. ` +
                    "Keep example stacks free of secrets, or pass secrets by ARN (container.secrets)",
            );
        }
        for (const ambiguous of differences(value, legacy?.config?.[key])) {
            problems.push(
                `config ${key}${ambiguous.path} in ${path.basename(file)} reads as ${ambiguous.modern} in YAML 1.2 ` +
                    `but as ${ambiguous.legacy} in YAML 1.1, and Pulumi's reader follows 1.1 in some of these (it reads ` +
                    "0755 as octal), so the plan and the deployment could differ. Write it so every reader agrees" +
                    ': quote a string ("on", "0755", "2024-01-01"), write a number in plain decimal ' +
                    "without leading zeros or underscores, and a boolean as true or false",
            );
        }
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    if (problems.length > 0) {
        throw new StackConfigError(problems.join("\n"));
    }
    return config;
}

type StackFile = { config?: Record<string, unknown> };

/**
 * The path (`.a.b[0]`, or "" for the value itself) of the first Pulumi secret in `value`: a map whose one key is
 * `secure` with a string, as Pulumi writes an encrypted value at any depth.
 */
function securePath(value: unknown): string | undefined {
    if (Array.isArray(value)) {
        for (const [index, item] of value.entries()) {
            const inner = securePath(item);
            if (inner !== undefined) {
                return `[${index}]${inner}`;
            }
        }
    } else if (value !== null && typeof value === "object") {
        const entries = Object.entries(value);
        if (entries.length === 1 && entries[0][0] === "secure" && typeof entries[0][1] === "string") {
            return "";
        }
        for (const [key, item] of entries) {
            const inner = securePath(item);
            if (inner !== undefined) {
                return `.${key}${inner}`;
            }
        }
    }
    return undefined;
}

/** Where YAML 1.2 and YAML 1.1 read a stack file differently, and what each reads there. */
interface YamlDifference {
    path: string;
    modern: string;
    legacy: string;
}

/**
 * Every place where YAML 1.2 (what this reader follows) and YAML 1.1 read the same text differently: `on`, `yes` and
 * `no` are booleans, `0755` is octal, `1_000` is a number and `2024-01-01` is a date in YAML 1.1 only.
 */
function differences(modern: unknown, legacy: unknown, at = ""): YamlDifference[] {
    if (Array.isArray(modern) && Array.isArray(legacy) && modern.length === legacy.length) {
        return modern.flatMap((item, index) => differences(item, legacy[index], `${at}[${index}]`));
    }
    if (isMap(modern) && isMap(legacy)) {
        // A key such as `on:` or `yes:` is a boolean in YAML 1.1, so the two readings have different keys.
        const legacyOnly = Object.keys(legacy).filter((key) => !(key in modern));
        return Object.keys(modern).flatMap((key) =>
            key in legacy
                ? differences(modern[key], legacy[key], `${at}.${key}`)
                : [{ path: `${at}.${key}`, modern: `the key ${key}`, legacy: `the key ${legacyOnly.shift() ?? ""}` }],
        );
    }
    return Object.is(modern, legacy) || modern === legacy
        ? []
        : [{ path: at, modern: describeYaml(modern), legacy: describeYaml(legacy) }];
}

function isMap(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
}

function describeYaml(value: unknown): string {
    if (value instanceof Date) {
        return `the date ${value.toISOString()}`;
    }
    if (typeof value === "string") {
        return `the string ${JSON.stringify(value)}`;
    }
    return value !== null && typeof value === "object" ? JSON.stringify(value) : `the ${typeof value} ${String(value)}`;
}
