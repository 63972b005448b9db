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
    let parsed: { config?: Record<string, unknown> } | null;
    try {
        parsed = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    } catch (error) {
        throw new StackConfigError(`${path.basename(file)} is not valid YAML: ${(error as Error).message}`);
    }
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed?.config ?? {})) {
        if (value && typeof value === "object" && "secure" in value) {
            throw new StackConfigError(
                `config ${key} in ${path.basename(file)} is a secret (secure:); the offline plan cannot decrypt it. ` +
                    "Keep example stacks free of secrets, or pass secrets by ARN (container.secrets)",
            );
        }
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return config;
}
