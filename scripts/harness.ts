// Runs a Pulumi program offline: the stack's config from Pulumi.<stack>.yaml, Pulumi's runtime mocks instead of the
// engine, and a record of every resource registered. The offline plan, the snapshot and the policy runner use it.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { recordResources, RegisteredResource } from "./mocks";

export const REPO_ROOT = path.resolve(__dirname, "..");

export interface StackRun {
    project: string;
    stack: string;
    preview: boolean;
    resources: RegisteredResource[];
    /** Warnings the program and the components logged (pulumi.log.warn). */
    warnings: string[];
}

/** Thrown for a missing stack or an unusable config; the CLI prints its message and exits non-zero. */
export class HarnessError extends Error {}

export function availableStacks(directory = REPO_ROOT): string[] {
    return fs.readdirSync(directory)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

function projectName(directory: string): string {
    const project = YAML.parse(fs.readFileSync(path.join(directory, "Pulumi.yaml"), "utf8")) as { name?: string };
    if (!project?.name) {
        throw new HarnessError(`${path.join(directory, "Pulumi.yaml")} has no name`);
    }
    return project.name;
}

/** Reads Pulumi.<stack>.yaml into the flat "namespace:key" -> string form the Pulumi runtime keeps config in. */
export function readStackConfigFile(stack: string, directory = REPO_ROOT): Record<string, string> {
    const file = path.join(directory, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const stacks = availableStacks(directory);
        throw new HarnessError(
            `no stack named ${JSON.stringify(stack)}: ${path.basename(file)} does not exist (stacks here: ${stacks.join(", ") || "none"})`,
        );
    }
    const parsed = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed?.config ?? {})) {
        if (value && typeof value === "object" && "secure" in value) {
            throw new HarnessError(
                `config ${key} in ${path.basename(file)} is a secret (secure:); the offline plan cannot decrypt it. ` +
                    "Keep example stacks free of secrets, or pass secrets by ARN (container.secrets)",
            );
        }
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return config;
}

export interface RunStackOptions {
    stack: string;
    /** Computed outputs stay unknown, as in `pulumi preview`. */
    preview?: boolean;
    /** The program to run; the repository's index.ts by default. With a program of your own the config is optional. */
    program?: string;
}

/** Runs a program for one stack under mocks, in this process. Call it once per process. */
export async function runStack(options: RunStackOptions): Promise<StackRun> {
    const program = path.resolve(options.program ?? path.join(REPO_ROOT, "index.ts"));
    const directory = options.program ? path.dirname(program) : REPO_ROOT;
    const hasOwnConfig = fs.existsSync(path.join(directory, `Pulumi.${options.stack}.yaml`));
    const config = options.program && !hasOwnConfig ? {} : readStackConfigFile(options.stack, directory);
    const project = fs.existsSync(path.join(directory, "Pulumi.yaml")) ? projectName(directory) : projectName(REPO_ROOT);

    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...parts: unknown[]) => {
        warnings.push(parts.map(String).join(" ").replace(/^warning: \[runtime\] /, ""));
    };
    try {
        const resources = await recordResources(() => require(program), {
            project,
            stack: options.stack,
            preview: options.preview,
            config,
        });
        return { project, stack: options.stack, preview: options.preview ?? false, resources, warnings };
    } finally {
        console.warn = warn;
    }
}
