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
            if (isRecord(attempt(() => target.ecsParameters))) {
                return read(() => target.input, "target");
            }
            const arn = attempt(() => target.arn);
            return typeof arn === "string" && RUN_TASK_UNIVERSAL_TARGET.test(arn)
                ? read(() => target.input, "target", true)
                : [];
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
