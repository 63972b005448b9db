// Policy configuration: each configurable policy declares its defaults once, and both its `configSchema` (what
// `pulumi preview --policy-pack-config` validates against) and its validation read them from there.
import { PolicyConfigSchema } from "@pulumi/policy";

interface ConfigSource {
    getConfig<T extends object>(): T;
}

/**
 * The policy's configuration with its defaults filled in. The Pulumi CLI fills schema defaults itself, but a pack
 * run by other tools (or an older CLI) may pass only what the user set, so the policy never relies on it.
 */
export function readConfig<T extends object>(args: ConfigSource, defaults: T): T {
    const given = args.getConfig<Partial<T>>();
    const result = { ...defaults };
    for (const key of Object.keys(defaults) as (keyof T)[]) {
        if (given[key] !== undefined) {
            result[key] = given[key] as T[keyof T];
        }
    }
    return result;
}

/** A JSON schema property for a number of whole items, at least `minimum`. */
export function integerSetting(description: string, defaultValue: number, minimum: number): PolicyConfigSchema["properties"][string] {
    return { type: "integer", minimum, default: defaultValue, description };
}

/** A JSON schema property for a list of strings. */
export function stringListSetting(description: string, defaultValue: string[]): PolicyConfigSchema["properties"][string] {
    return { type: "array", items: { type: "string" }, default: defaultValue, description };
}
