// Runs a Pulumi program offline: the stack's config from Pulumi.<stack>.yaml, Pulumi's runtime mocks instead of the
// engine, and a record of every resource registered. The offline plan, the snapshot and the policy runner use it.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { readStackConfigFile, REPO_ROOT } from "../stack/configFile";
import { recordResources, RegisteredResource } from "./mocks";

export { availableStacks, readStackConfigFile, REPO_ROOT } from "../stack/configFile";

export interface StackRun {
    project: string;
    stack: string;
    preview: boolean;
    resources: RegisteredResource[];
    /** Warnings the program and the components logged (pulumi.log.warn), in the order they were logged. */
    warnings: LoggedWarning[];
}

/** One logged warning, with the resource it was logged against, if any. */
export interface LoggedWarning {
    message: string;
    resourceUrn?: string;
}

/** Thrown for a missing stack or an unusable config; the CLI prints its message and exits non-zero. */
export class HarnessError extends Error {}

function projectName(directory: string): string {
    const project = YAML.parse(fs.readFileSync(path.join(directory, "Pulumi.yaml"), "utf8")) as { name?: string };
    if (!project?.name) {
        throw new HarnessError(`${path.join(directory, "Pulumi.yaml")} has no name`);
    }
    return project.name;
}

export interface RunStackOptions {
    stack: string;
    /** Computed outputs stay unknown, as in `pulumi preview`. */
    preview?: boolean;
    /** The program to run; the repository's index.ts by default. With a program of your own the config is optional. */
    program?: string;
    /** The stack's config, when the caller has read it already; read from Pulumi.<stack>.yaml otherwise. */
    config?: Record<string, string>;
}

/** Runs a program for one stack under mocks, in this process. Call it once per process. */
export async function runStack(options: RunStackOptions): Promise<StackRun> {
    const program = path.resolve(options.program ?? path.join(REPO_ROOT, "index.ts"));
    const directory = options.program ? path.dirname(program) : REPO_ROOT;
    const hasOwnConfig = fs.existsSync(path.join(directory, `Pulumi.${options.stack}.yaml`));
    const config =
        options.config ?? (options.program && !hasOwnConfig ? {} : readStackConfigFile(options.stack, directory));
    const project = fs.existsSync(path.join(directory, "Pulumi.yaml"))
        ? projectName(directory)
        : projectName(REPO_ROOT);

    const warnings: LoggedWarning[] = [];
    const attributed: Promise<void>[] = [];
    // Pulumi prints a warning without its resource when no engine runs; keep the resource, as the engine would.
    const logWarn = pulumi.log.warn;
    (pulumi.log as { warn: typeof logWarn }).warn = (message, resource) => {
        const warning: LoggedWarning = { message };
        warnings.push(warning);
        if (resource) {
            attributed.push(
                new Promise((resolve) =>
                    resource.urn.apply((urn) => {
                        warning.resourceUrn = urn;
                        resolve();
                    }),
                ),
            );
        }
        return Promise.resolve();
    };
    const consoleWarn = console.warn;
    console.warn = (...parts: unknown[]) => {
        warnings.push({
            message: parts
                .map(String)
                .join(" ")
                .replace(/^warning: \[runtime\] /, ""),
        });
    };
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads a program by path, as the Pulumi host does
        const resources = await recordResources(() => require(program), {
            project,
            stack: options.stack,
            preview: options.preview,
            config,
        });
        await Promise.all(attributed);
        return { project, stack: options.stack, preview: options.preview ?? false, resources, warnings };
    } finally {
        (pulumi.log as { warn: typeof logWarn }).warn = logWarn;
        console.warn = consoleWarn;
    }
}
