// Container definitions read the way ECS will get them. The AWS provider decodes `containerDefinitions` with Go's
// encoding/json into the ECS SDK's structs, and Go matches a JSON key to a struct field case-insensitively, under
// Unicode simple case folding, the last matching key winning: `"Privileged": true`, `"PRIVILEGED": true` and
// `"prıvıleged": true` (dotless i) all set the same field as `"privileged"`, and `"uſer"` (long s) sets `user`. The
// pack reads every struct field through the same folding, so a spelling the provider accepts cannot hide a setting.
// Map-typed fields (`logConfiguration.options`, `dockerLabels`) keep their keys as written, as Go does.
import { isRecord, isTrue, listOf, numberOf, readDocument, stringOf } from "./aws";
import { attempt, need, Unknown } from "./preview";

/** Fargate's stop timeout when a container sets none (ECS container definition `stopTimeout`). */
const FARGATE_DEFAULT_STOP_TIMEOUT_SECONDS = 30;

/**
 * Non-ASCII letters whose Unicode simple case folding reaches an ASCII letter: Go's encoding/json folds them onto
 * field names (`foldName` keeps the smallest rune of each fold orbit). Every other non-ASCII character matches no
 * ASCII field name.
 */
const NON_ASCII_FOLDS: Record<string, string> = {
    "\u017f": "S", // ſ LATIN SMALL LETTER LONG S, in the orbit S s ſ
    "\u212a": "K", // K KELVIN SIGN, in the orbit K k K
    "\u0131": "I", // ı LATIN SMALL LETTER DOTLESS I, whose upper case is I
};

/** A JSON object key as Go's encoding/json compares it with a struct field name. */
export function goFoldKey(key: string): string {
    let folded = "";
    for (const character of key) {
        folded += NON_ASCII_FOLDS[character] ?? (character < "\u0080" ? character.toUpperCase() : character);
    }
    return folded;
}

/**
 * A JSON object read as Go reads it into a struct: `get("privileged")` finds the value whatever the key's case, the
 * last matching key winning. Values are read only when asked for, so an unknown one in preview leaves only its field
 * open.
 */
export class GoStruct {
    private readonly keys = new Map<string, string>();

    constructor(private readonly record: Record<string, unknown>) {
        for (const key of Object.keys(record)) {
            this.keys.set(goFoldKey(key), key);
        }
    }

    /** The value of `field`, or undefined when no key matches it. Throws the engine's error on an unknown value. */
    get(field: string): unknown {
        const key = this.keys.get(goFoldKey(field));
        return key === undefined ? undefined : this.record[key];
    }

    /** Whether any key matches `field`. */
    has(field: string): boolean {
        return this.keys.has(goFoldKey(field));
    }
}

/** A struct-typed value, or undefined when it is not a JSON object. */
export function goStruct(value: unknown): GoStruct | undefined {
    return isRecord(value) ? new GoStruct(value) : undefined;
}

/** A list of strings (`command`, `entryPoint`, `capabilities.add`); non-strings are kept as their JSON text. */
function stringList(value: unknown): string[] {
    return listOf(value).map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
}

/** A `{ name, value }` pair of a container's environment, or of an override's. */
export interface EnvironmentVariable {
    name: string;
    value: string | undefined | Unknown;
}

/** The `environment` list of a container definition or a container override, keys folded as Go folds them. */
export function readEnvironment(value: unknown): EnvironmentVariable[] {
    return listOf(value)
        .map(goStruct)
        .filter((variable): variable is GoStruct => variable !== undefined)
        .map((variable) => {
            const name = attempt(() => variable.get("name"));
            return {
                name: typeof name === "string" ? name : "",
                value: attempt(() => {
                    const text = variable.get("value");
                    return typeof text === "string" ? text : undefined;
                }),
            };
        });
}

/** A map-typed field's entries (log driver options, Docker labels): keys as written, as Go keeps them. */
export type MapEntries = { name: string; value: string | undefined | Unknown }[];

function mapEntries(value: unknown): MapEntries {
    return isRecord(value)
        ? Object.keys(value).map((key) => ({
              name: key,
              value: attempt(() => (typeof value[key] === "string" ? (value[key] as string) : undefined)),
          }))
        : [];
}

/** One container of a task definition, with ECS's defaults applied where the pack relies on them. */
export interface ContainerDefinition {
    name: string;
    logDriver: string | undefined | Unknown;
    /** The log driver's options, where a driver's token may hide. */
    logOptions: MapEntries | Unknown;
    /** FireLens's options for its log router, which may carry an output's credentials. */
    firelensOptions: MapEntries | Unknown;
    /** Docker labels: free text anyone who can describe the task definition reads. */
    dockerLabels: MapEntries | Unknown;
    environment: EnvironmentVariable[] | Unknown;
    privileged: boolean | Unknown;
    readonlyRootFilesystem: boolean | Unknown;
    /** The `user` the container runs as; unset means the image's USER, root unless the image says otherwise. */
    user: string | undefined | Unknown;
    stopTimeoutSeconds: number | Unknown;
    /** `command` and `entryPoint`, the arguments the container starts with. */
    command: string[] | Unknown;
    entryPoint: string[] | Unknown;
    /** The health check's command, which runs in the container like its own. */
    healthCheckCommand: string[] | Unknown;
    /** Linux capabilities added beyond Docker's default set (`linuxParameters.capabilities.add`). */
    capabilitiesAdded: string[] | Unknown;
    /** Host devices exposed to the container (`linuxParameters.devices[].hostPath`). */
    devices: string[] | Unknown;
    /** Docker security options (`dockerSecurityOptions`), which may switch off AppArmor, seccomp or SELinux. */
    securityOptions: string[] | Unknown;
    /** The task volumes the container mounts (`mountPoints[].sourceVolume`). */
    mountedVolumes: string[] | Unknown;
}

export type Containers = { ok: true; containers: ContainerDefinition[] } | { ok: false; reason: string };

/** Reads one container definition (an object, with keys in any case the provider accepts). */
export function readContainer(item: unknown, index: number): ContainerDefinition {
    const container = goStruct(item) ?? new GoStruct({});
    const name = attempt(() => stringOf(container.get("name")));
    const logConfiguration = attempt(() => goStruct(container.get("logConfiguration")));
    return {
        name: (typeof name === "string" ? name : undefined) ?? `#${index}`,
        logDriver: attempt(() => stringOf(need(logConfiguration)?.get("logDriver"))),
        logOptions: attempt(() => mapEntries(need(logConfiguration)?.get("options"))),
        firelensOptions: attempt(() => mapEntries(goStruct(container.get("firelensConfiguration"))?.get("options"))),
        dockerLabels: attempt(() => mapEntries(container.get("dockerLabels"))),
        environment: attempt(() => readEnvironment(container.get("environment"))),
        privileged: attempt(() => isTrue(container.get("privileged"))),
        readonlyRootFilesystem: attempt(() => isTrue(container.get("readonlyRootFilesystem"))),
        user: attempt(() => stringOf(container.get("user"))),
        stopTimeoutSeconds: attempt(
            () => numberOf(container.get("stopTimeout")) ?? FARGATE_DEFAULT_STOP_TIMEOUT_SECONDS,
        ),
        command: attempt(() => stringList(container.get("command"))),
        entryPoint: attempt(() => stringList(container.get("entryPoint"))),
        healthCheckCommand: attempt(() => stringList(goStruct(container.get("healthCheck"))?.get("command"))),
        capabilitiesAdded: attempt(() => {
            const capabilities = goStruct(goStruct(container.get("linuxParameters"))?.get("capabilities"));
            return stringList(capabilities?.get("add"));
        }),
        devices: attempt(() =>
            listOf(goStruct(container.get("linuxParameters"))?.get("devices")).map((device) => {
                const hostPath = goStruct(device)?.get("hostPath");
                return typeof hostPath === "string" ? hostPath : JSON.stringify(device);
            }),
        ),
        securityOptions: attempt(() => stringList(container.get("dockerSecurityOptions"))),
        mountedVolumes: attempt(() =>
            listOf(container.get("mountPoints")).flatMap((mount) => {
                const volume = goStruct(mount)?.get("sourceVolume");
                return typeof volume === "string" ? [volume] : [];
            }),
        ),
    };
}

/** Reads `containerDefinitions` (the JSON string the provider takes, or an array of objects). */
export function readContainers(value: unknown): Containers {
    const document = readDocument(value);
    if (document.kind === "invalid") {
        return { ok: false, reason: `containerDefinitions ${document.reason}` };
    }
    if (document.kind === "absent" || !Array.isArray(document.value)) {
        return { ok: false, reason: "containerDefinitions must be a JSON array of container definitions" };
    }
    return { ok: true, containers: document.value.map(readContainer) };
}
