// Policy configuration, checked before it is used. Each configurable policy declares its settings once (a JSON schema
// property with its default); its `configSchema` (what `pulumi preview --policy-pack-config` validates against) and
// the values it reads at run time both come from that declaration. A pack configuration is checked as a whole by
// `packConfigProblems` (the offline runner and the pack factory) and, inside the engine, each policy checks its own
// settings when it reads them: a setting of the wrong type fails the run instead of being used or ignored.
import { EnforcementLevel, Policies, PolicyConfigSchema } from "@pulumi/policy";

type SettingSchema = PolicyConfigSchema["properties"][string];

/** The enforcement levels @pulumi/policy accepts, spelt as it spells them (lower case). */
const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** The key of a pack configuration that sets the level of every policy at once. */
export const ALL_POLICIES = "all";

/** The content of a `--policy-pack-config` file: per policy (or `all`), an enforcement level or an object. */
export type PolicyPackConfig = Record<
    string,
    EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

/** A configuration the pack refuses: every problem, each naming the key it is about. */
export class PolicyConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid policy configuration:\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
    }
}

interface ConfigSource {
    getConfig<T extends object>(): T;
}

/** A policy's settings: their schema for the engine, and a reader that checks what it is given. */
export interface Settings<T extends object> {
    configSchema: PolicyConfigSchema;
    /** The settings with their defaults filled in; throws PolicyConfigError on an unknown key or a wrong value. */
    read(args: ConfigSource): T;
}

/**
 * Declares a policy's settings. The Pulumi CLI fills schema defaults itself, but a pack run by other tools (or an
 * older CLI) may pass only what the user set, so `read` fills them in again and never relies on it.
 */
export function settings<T extends object>(
    policyName: string,
    properties: { [K in keyof T]: SettingSchema },
): Settings<T> {
    const configSchema: PolicyConfigSchema = { properties: properties as PolicyConfigSchema["properties"] };
    return {
        configSchema,
        read(args) {
            const given = args.getConfig<Record<string, unknown>>();
            const problems = settingsProblems(policyName, configSchema, given);
            if (problems.length > 0) {
                throw new PolicyConfigError(problems);
            }
            const result: Record<string, unknown> = {};
            for (const [key, schema] of Object.entries(configSchema.properties)) {
                result[key] = given[key] !== undefined ? given[key] : schemaDefault(schema);
            }
            return result as T;
        },
    };
}

function schemaDefault(schema: SettingSchema): unknown {
    return typeof schema === "object" ? schema.default : undefined;
}

/** A JSON schema property for a number of whole items, at least `minimum`. */
export function integerSetting(description: string, defaultValue: number, minimum: number): SettingSchema {
    return { type: "integer", minimum, default: defaultValue, description };
}

/** A JSON schema property for a list of strings. */
export function stringListSetting(description: string, defaultValue: string[]): SettingSchema {
    return { type: "array", items: { type: "string" }, default: defaultValue, description };
}

/** A JSON schema property for a yes/no setting. */
export function booleanSetting(description: string, defaultValue: boolean): SettingSchema {
    return { type: "boolean", default: defaultValue, description };
}

const describe = (value: unknown) =>
    typeof value === "string" ? JSON.stringify(value) : Array.isArray(value) ? "a list" : String(value);

/** Problems with one value against the subset of JSON schema the pack's settings use (type, minimum, items). */
function valueProblems(schema: SettingSchema, value: unknown, path: string): string[] {
    if (typeof schema !== "object") {
        return [];
    }
    switch (schema.type) {
        case "integer":
        case "number": {
            if (
                typeof value !== "number" ||
                !Number.isFinite(value) ||
                (schema.type === "integer" && !Number.isInteger(value))
            ) {
                return [
                    `${path}: ${describe(value)} is ${typeof value === "string" ? "a string" : "not a number"}; expected ${schema.type === "integer" ? "a whole number" : "a number"}${schema.minimum !== undefined ? ` of at least ${schema.minimum}` : ""}`,
                ];
            }
            if (typeof schema.minimum === "number" && value < schema.minimum) {
                return [`${path}: ${value} is below the minimum of ${schema.minimum}`];
            }
            return [];
        }
        case "boolean":
            return typeof value === "boolean"
                ? []
                : [`${path}: ${describe(value)} is not a boolean; expected true or false`];
        case "string":
            return typeof value === "string" ? [] : [`${path}: ${describe(value)} is not a string`];
        case "array": {
            if (!Array.isArray(value)) {
                return [`${path}: ${describe(value)} is not a list; expected a JSON array`];
            }
            const items = schema.items;
            return items && typeof items === "object" && !Array.isArray(items)
                ? value.flatMap((item, index) => valueProblems(items, item, `${path}[${index}]`))
                : [];
        }
        default:
            return [];
    }
}

/** Problems with the settings given to one policy: keys its schema does not have, and values its schema refuses. */
function settingsProblems(
    policyName: string,
    schema: PolicyConfigSchema | undefined,
    given: Record<string, unknown>,
): string[] {
    const properties = schema?.properties ?? {};
    const known = Object.keys(properties);
    return Object.entries(given).flatMap(([key, value]) => {
        if (key === "enforcementLevel") {
            return levelProblems(value, `${policyName}.enforcementLevel`);
        }
        if (!(key in properties)) {
            return [
                `${policyName}.${key}: no such setting; ${known.length > 0 ? `${policyName} takes ${known.join(", ")}` : `${policyName} takes no settings`}`,
            ];
        }
        return valueProblems(properties[key], value, `${policyName}.${key}`);
    });
}

function levelProblems(value: unknown, path: string): string[] {
    if (typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value)) {
        return [];
    }
    const hint =
        typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value.toLowerCase())
            ? ` (levels are lower case: "${value.toLowerCase()}")`
            : "";
    return [
        `${path}: ${describe(value)} is not an enforcement level; expected one of ${ENFORCEMENT_LEVELS.join(", ")}${hint}`,
    ];
}

/**
 * Every problem with a pack configuration, the same JSON `pulumi preview --policy-pack-config` takes: keys that are no
 * policy of the pack (nor `all`), levels @pulumi/policy does not know, and settings the policy's schema refuses.
 */
export function packConfigProblems(policies: Policies, config: unknown): string[] {
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        return [
            `the configuration must be a JSON object keyed by policy name, not ${Array.isArray(config) ? "a list" : describe(config)}`,
        ];
    }
    const byName = new Map(policies.map((policy) => [policy.name, policy]));
    return Object.entries(config as Record<string, unknown>).flatMap(([key, entry]) => {
        const policy = byName.get(key);
        if (key !== ALL_POLICIES && !policy) {
            const near = [...byName.keys()].filter((name) => editDistance(name, key) <= 3);
            return [
                `${key}: no policy of that name in the pack${near.length > 0 ? `; did you mean ${near.join(" or ")}?` : ""}`,
            ];
        }
        if (typeof entry === "string") {
            return levelProblems(entry, key);
        }
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
            return [`${key}: ${describe(entry)} is neither an enforcement level nor an object of settings`];
        }
        return settingsProblems(key, policy?.configSchema, entry as Record<string, unknown>);
    });
}

/** Levenshtein distance, to suggest the policy a misspelt key meant. */
function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
            );
        }
        previous = current;
    }
    return previous[b.length];
}
