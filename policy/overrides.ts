// The ECS task overrides that something which starts tasks sends with them: an EventBridge rule target with an
// `ecsTarget` (its constant `input`, or its input transformer's template, is the RunTask override), an EventBridge
// Scheduler schedule with `ecsParameters` (its `input`) or calling RunTask as a universal target
// (`arn:aws:scheduler:::aws-sdk:ecs:runTask`, whose `input` is the whole request), and an EventBridge pipe with
// `ecsTaskParameters.overrides`. An override can swap the task role and the execution role, and inject environment
// variables and a command, so the pack judges them like the task definition's own.
import { PolicyResource } from "@pulumi/policy";
import { isRecord, listOf, readDocument, ResourceType } from "./aws";
import { EnvironmentVariable, goStruct, GoStruct, readEnvironment } from "./containers";
import { attempt, need, Unknown } from "./preview";

/** One container's override. */
export interface ContainerOverride {
    name: string;
    environment: EnvironmentVariable[];
    command: string[];
}

/** What a resource overrides in the tasks it starts; `property` is where the overrides are, for links and messages. */
export interface TaskOverrides {
    property: string;
    taskRoleArn: unknown;
    executionRoleArn: unknown;
    containers: ContainerOverride[];
}

/** A value an event fills in at run time, in an input template: `<detail>`, or `<aws.events.event.json>`. */
const EVENT_PLACEHOLDER = /<[A-Za-z0-9_.$-]+>/g;
/** What a placeholder reads as while the pack parses a template: the event decides it, so nothing literal is there. */
export const EVENT_VALUE = "<value from the event>";

/** The `overrides` of an ECS RunTask request, as a JSON text (a target's input) or an object (a pipe's). */
function readOverrides(value: unknown, property: string): TaskOverrides | undefined {
    const document =
        typeof value === "string"
            ? readDocument(value.replace(EVENT_PLACEHOLDER, JSON.stringify(EVENT_VALUE)))
            : undefined;
    const overrides = goStruct(document ? (document.kind === "present" ? document.value : undefined) : value);
    if (!overrides) {
        return undefined;
    }
    const containers = listOf(overrides.get("containerOverrides"))
        .map(goStruct)
        .filter((container): container is GoStruct => container !== undefined)
        .map((container) => ({
            name: String(container.get("name") ?? "(unnamed)"),
            // Pipes spell them `environments` and `commands`; RunTask's JSON `environment` and `command`.
            environment: readEnvironment(container.get("environment") ?? container.get("environments")),
            command: listOf(container.get("command") ?? container.get("commands")).map(String),
        }));
    return {
        property,
        taskRoleArn: overrides.get("taskRoleArn"),
        executionRoleArn: overrides.get("executionRoleArn"),
        containers,
    };
}

/** Scheduler's universal targets that run a task, whose input is the RunTask (or StartTask) request itself. */
const RUN_TASK_UNIVERSAL_TARGET = /^arn:aws[a-z-]*:scheduler:::aws-sdk:ecs:(runTask|startTask)$/i;

/**
 * Whether a schedule's target is the RunTask (or StartTask) universal target. While its `arn` is unknown (a cluster's
 * ARN in preview), a target with `ecsParameters` is an ECS target; one without stays open: its ARN may be either.
 */
function runsUniversalTask(target: Record<string, unknown>): boolean {
    const arn = attempt(() => target.arn);
    if (arn instanceof Unknown) {
        if (isRecord(attempt(() => target.ecsParameters))) {
            return false;
        }
        throw arn.error;
    }
    return typeof arn === "string" && RUN_TASK_UNIVERSAL_TARGET.test(arn);
}

/**
 * The overrides each ECS launch of `resource` sends, or none when it starts no task. A value unknown in preview
 * comes back as Unknown, leaving the decisions that need it open.
 */
export function taskOverrides(resource: Pick<PolicyResource, "type" | "props">): (TaskOverrides | Unknown)[] {
    const props = resource.props;
    const read = (value: () => unknown, property: string, wrapped = false): (TaskOverrides | Unknown)[] => {
        const overrides = attempt(() => {
            const input = need(attempt(value));
            if (!wrapped) {
                return readOverrides(input, property);
            }
            const request = typeof input === "string" ? readDocument(input) : undefined;
            return readOverrides(
                request?.kind === "present" ? goStruct(request.value)?.get("overrides") : undefined,
                property,
            );
        });
        return overrides === undefined ? [] : [overrides];
    };
    switch (resource.type) {
        case ResourceType.EventTarget: {
            if (!isRecord(attempt(() => props.ecsTarget))) {
                return [];
            }
            return [
                ...read(() => props.input, "input"),
                ...read(
                    () => (isRecord(props.inputTransformer) ? props.inputTransformer.inputTemplate : undefined),
                    "inputTransformer",
                ),
            ];
        }
        case ResourceType.Schedule: {
            const target = attempt(() => props.target);
            if (target instanceof Unknown) {
                return [target];
            }
            if (!isRecord(target)) {
                return [];
            }
            const universal = attempt(() => runsUniversalTask(target));
            if (universal instanceof Unknown) {
                return [universal];
            }
            if (universal) {
                return read(() => target.input, "target", true);
            }
            return isRecord(attempt(() => target.ecsParameters)) ? read(() => target.input, "target") : [];
        }
        case ResourceType.Pipe: {
            const parameters = attempt(() => props.targetParameters);
            if (parameters instanceof Unknown) {
                return [parameters];
            }
            if (!isRecord(parameters) || !isRecord(attempt(() => parameters.ecsTaskParameters))) {
                return [];
            }
            return [
                ...read(() => (parameters.ecsTaskParameters as Record<string, unknown>).overrides, "targetParameters"),
                ...read(() => parameters.inputTemplate, "targetParameters"),
            ];
        }
        default:
            return [];
    }
}

/**
 * The ECS parameters a schedule's RunTask (or StartTask) universal target sends, in the spelling of a schedule's
 * `target.ecsParameters`: its request (the target's `input`, keys in any case) starts the task as `ecsParameters` would,
 * so what it says about ECS Exec, public IPs, the platform version and the task definition is judged the same way.
 * Undefined for any other target.
 */
function universalTaskParameters(target: unknown): Record<string, unknown> | undefined {
    if (!isRecord(target) || !runsUniversalTask(target)) {
        return undefined;
    }
    const document = typeof target.input === "string" ? readDocument(target.input) : undefined;
    const request = goStruct(document?.kind === "present" ? document.value : undefined);
    if (!request) {
        return {};
    }
    const network = goStruct(goStruct(request.get("networkConfiguration"))?.get("awsvpcConfiguration"));
    return {
        taskDefinitionArn: request.get("taskDefinition"),
        enableExecuteCommand: request.get("enableExecuteCommand"),
        launchType: request.get("launchType"),
        platformVersion: request.get("platformVersion"),
        capacityProviderStrategies: listOf(request.get("capacityProviderStrategy")).map((item) => ({
            capacityProvider: goStruct(item)?.get("capacityProvider"),
        })),
        networkConfiguration: network ? { assignPublicIp: network.get("assignPublicIp") } : undefined,
    };
}

/** Where a RunTask request keeps what `universalTaskParameters` reads under a schedule's `ecsParameters` names. */
const REQUEST_FIELDS: Record<string, string> = {
    taskDefinitionArn: "taskDefinition",
    capacityProviderStrategies: "capacityProviderStrategy",
    networkConfiguration: "networkConfiguration.awsvpcConfiguration",
};

/**
 * A launch setting of the tasks a resource starts, at `path` in its properties (`["target", "ecsParameters",
 * "enableExecuteCommand"]`), and how to name where the user wrote it. A schedule whose target is the RunTask or
 * StartTask universal target is read from its request, under the same path.
 */
export function launchSetting(
    resource: Pick<PolicyResource, "type" | "props">,
    path: string[],
): { value: unknown; written: string } {
    let value: unknown = resource.props;
    let written = path.join(".");
    if (resource.type === ResourceType.Schedule && path[0] === "target" && path[1] === "ecsParameters") {
        const universal = universalTaskParameters(resource.props.target);
        if (universal) {
            value = { target: { ecsParameters: universal } };
            const field = path[2] === undefined ? "request" : (REQUEST_FIELDS[path[2]] ?? path[2]);
            written = `target.input's ${[field, ...path.slice(3)].join(".")}`;
        }
    }
    for (const key of path) {
        value = isRecord(value) ? value[key] : undefined;
    }
    return { value, written };
}

/** Strings anywhere in a value, for finding the event's placeholders in a pipe's parameters. */
function stringsIn(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap(stringsIn);
    }
    return isRecord(value) ? Object.values(value).flatMap(stringsIn) : [];
}

/**
 * Why the event that starts a task decides its overrides (task role, command, environment), or undefined: an
 * EventBridge target that passes the event (`inputPath`) or fills a template from it, a pipe whose ECS parameters are
 * dynamic paths (`$.body.role`) or whose template has placeholders. Nothing the pack reads says what they will be.
 */
export function eventControlledOverrides(resource: Pick<PolicyResource, "type" | "props">): string | undefined {
    const props = resource.props;
    if (resource.type === ResourceType.EventTarget && isRecord(props.ecsTarget)) {
        if (typeof props.inputPath === "string" && props.inputPath !== "") {
            return `its ECS task overrides are the event itself (inputPath ${props.inputPath})`;
        }
        const template = isRecord(props.inputTransformer) ? props.inputTransformer.inputTemplate : undefined;
        if (typeof template === "string" && new RegExp(EVENT_PLACEHOLDER.source).test(template)) {
            return "its ECS task overrides are filled from the event (input transformer placeholders)";
        }
    }
    if (resource.type === ResourceType.Pipe && isRecord(props.targetParameters)) {
        const parameters = props.targetParameters;
        if (isRecord(parameters.ecsTaskParameters)) {
            const dynamic = stringsIn(parameters.ecsTaskParameters).find((value) => value.startsWith("$."));
            if (dynamic) {
                return `its ECS task parameters take values from the event (dynamic path ${dynamic})`;
            }
            if (typeof parameters.inputTemplate === "string" && /<\$\.[^>]*>/.test(parameters.inputTemplate)) {
                return "its ECS task input is filled from the event (input template placeholders)";
            }
        }
    }
    return undefined;
}
