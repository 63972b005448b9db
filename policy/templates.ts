// The resources a CloudFormation template body declares, read as CloudFormation would deploy them with the stack's
// parameters: JSON or YAML (the short forms `!Ref`, `!If` read as their long forms), with `Ref` to a parameter,
// `Fn::FindInMap` and conditions resolved where their inputs are known. Where a condition cannot be decided (it tests
// a pseudo parameter, or a parameter without a value), each resource is read once per choice of the conditions it
// uses, so a finding behind either branch of an `Fn::If` is seen.
import { CollectionTag, parseDocument, ScalarTag, YAMLMap, YAMLSeq } from "yaml";
import { isRecord, Props } from "./aws";

/** The intrinsic functions CloudFormation's YAML writes in short form (`!Ref Queue`, `!GetAtt Queue.Arn`). */
const SHORT_FORMS = [
    "Ref",
    "Condition",
    ...["And", "Base64", "Cidr", "Equals", "FindInMap", "GetAtt", "GetAZs", "If", "ImportValue", "Join", "Length"],
    ...["Not", "Or", "Select", "Split", "Sub", "ToJsonString", "Transform"],
].map((name) => ({ name, longForm: name === "Ref" || name === "Condition" ? name : `Fn::${name}` }));

/** `!GetAtt Stack.Outputs.Url` names the attribute `Outputs.Url` of `Stack`. */
function splitAtFirstDot(value: string): string[] {
    const dot = value.indexOf(".");
    return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

/**
 * Each short form read as its long form, the shape a JSON template has (`!GetAtt Queue.Arn` is
 * `{ "Fn::GetAtt": ["Queue", "Arn"] }`), whether it tags a scalar, a sequence or a mapping.
 */
const SHORT_FORM_TAGS: (ScalarTag | CollectionTag)[] = SHORT_FORMS.flatMap(({ name, longForm }) => [
    {
        tag: `!${name}`,
        resolve: (value: string) => ({ [longForm]: name === "GetAtt" ? splitAtFirstDot(value) : value }),
    },
    {
        tag: `!${name}`,
        collection: "seq" as const,
        resolve: (value: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [longForm]: value.toJSON() as unknown }),
    },
    {
        tag: `!${name}`,
        collection: "map" as const,
        resolve: (value: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [longForm]: value.toJSON() as unknown }),
    },
]);

/**
 * A template body's document: JSON, or YAML with CloudFormation's short forms; undefined when it is neither, or when a
 * mapping repeats a key (which of the two CloudFormation would take is not the pack's to guess). Aliases and merge
 * keys, which CloudFormation refuses, are expanded, so nothing they hold is missed.
 */
function parseTemplate(body: string): unknown {
    // JSON is YAML too: one parse finds a repeated key in either.
    const document = parseDocument(body, { customTags: SHORT_FORM_TAGS, merge: true, uniqueKeys: true });
    if (document.errors.some((error) => error.code === "DUPLICATE_KEY")) {
        return undefined;
    }
    try {
        return JSON.parse(body) as unknown;
    } catch {
        // Not JSON: YAML, as CloudFormation reads it.
    }
    if (document.errors.length > 0) {
        return undefined;
    }
    try {
        return document.toJS() as unknown;
    } catch {
        // More aliases than the parser expands (a document built to exhaust memory).
        return undefined;
    }
}

/** One reading of a resource of a template. */
export interface TemplateResource {
    logicalId: string;
    /** The CloudFormation type, `AWS::SQS::Queue`. */
    type: string;
    /** Its properties, with what could be resolved resolved. */
    properties: unknown;
    /** The choice of undecided conditions this reading assumes (`IsProd false`); absent when none was needed. */
    assumes?: string;
    /**
     * The undecided conditions of a resource that has more than MAX_ENUMERATED_CONDITIONS of them: too many
     * combinations to judge each, so the resource cannot be judged. Its one reading then resolves none of them.
     */
    tooManyConditions?: string[];
}

/**
 * The most undecided conditions of one resource whose every combination is judged (64 readings); a resource with more
 * cannot be judged, since a finding may hold in one combination only.
 */
export const MAX_ENUMERATED_CONDITIONS = 6;

/**
 * The resources of a CloudFormation template body in the program (a JSON or YAML string, or an object), read with the
 * stack's `parameters`; undefined when the body cannot be read.
 */
export function templateResources(body: unknown, parameters: unknown = {}): TemplateResource[] | undefined {
    const template = typeof body === "string" ? parseTemplate(body) : body;
    if (!isRecord(template) || !isRecord(template.Resources)) {
        return undefined;
    }
    const scope = new TemplateScope(template, isRecord(parameters) ? parameters : {});
    return Object.entries(template.Resources)
        .filter((entry): entry is [string, Props] => isRecord(entry[1]))
        .flatMap(([logicalId, resource]) => {
            const undecided = [...scope.undecidedConditions(resource.Properties)].sort();
            if (undecided.length > MAX_ENUMERATED_CONDITIONS) {
                return [
                    {
                        logicalId,
                        type: String(resource.Type),
                        properties: scope.resolve(resource.Properties, new Map()),
                        tooManyConditions: undecided,
                    },
                ];
            }
            return choicesOf(undecided).map((choices) => ({
                logicalId,
                type: String(resource.Type),
                properties: scope.resolve(resource.Properties, choices),
                ...(choices.size > 0
                    ? { assumes: [...choices].map(([name, truth]) => `${name} ${truth}`).join(", ") }
                    : {}),
            }));
        });
}

/** Every combination of truths for the conditions named (one empty choice when there are none). */
function choicesOf(names: readonly string[]): Map<string, boolean>[] {
    return Array.from(
        { length: 2 ** names.length },
        (_, bits) => new Map(names.map((name, index) => [name, (bits & (1 << index)) === 0])),
    );
}

/** `{ "Ref": "AWS::NoValue" }`: the property is left out. */
const NO_VALUE = Symbol("AWS::NoValue");

/** The function of a value written as one (`{ "Fn::If": [...] }`), and its argument. */
function intrinsic(value: unknown): { name: string; argument: unknown } | undefined {
    if (!isRecord(value)) {
        return undefined;
    }
    const keys = Object.keys(value);
    return keys.length === 1 && (keys[0] === "Ref" || keys[0] === "Condition" || keys[0].startsWith("Fn::"))
        ? { name: keys[0], argument: value[keys[0]] }
        : undefined;
}

const isScalar = (value: unknown): value is string | number | boolean =>
    typeof value === "string" || typeof value === "number" || typeof value === "boolean";

class TemplateScope {
    constructor(
        private readonly template: Props,
        private readonly given: Props,
    ) {}

    /** A parameter's value: the one the stack passes, else the template's default; undefined when neither. */
    private parameter(name: string): unknown {
        if (Object.hasOwn(this.given, name)) {
            return this.given[name];
        }
        const declared = isRecord(this.template.Parameters) ? this.template.Parameters[name] : undefined;
        return isRecord(declared) ? declared.Default : undefined;
    }

    /** A condition's truth with the choices made; undefined when it cannot be decided. */
    truth(name: string, choices: ReadonlyMap<string, boolean>, seen = new Set<string>()): boolean | undefined {
        if (choices.has(name)) {
            return choices.get(name);
        }
        const conditions = isRecord(this.template.Conditions) ? this.template.Conditions : {};
        if (seen.has(name) || !Object.hasOwn(conditions, name)) {
            return undefined;
        }
        return this.evaluate(conditions[name], choices, new Set([...seen, name]));
    }

    private evaluate(
        expression: unknown,
        choices: ReadonlyMap<string, boolean>,
        seen: Set<string>,
    ): boolean | undefined {
        const call = intrinsic(expression);
        const items = Array.isArray(call?.argument) ? call.argument : [];
        switch (call?.name) {
            case "Condition":
                return typeof call.argument === "string" ? this.truth(call.argument, choices, seen) : undefined;
            case "Fn::Equals": {
                const [left, right] = items.map((item) => this.resolve(item, choices));
                return items.length === 2 && isScalar(left) && isScalar(right)
                    ? String(left) === String(right)
                    : undefined;
            }
            case "Fn::Not": {
                const inner = this.evaluate(items[0], choices, seen);
                return inner === undefined ? undefined : !inner;
            }
            case "Fn::And":
            case "Fn::Or": {
                const truths = items.map((item) => this.evaluate(item, choices, seen));
                const decisive = call.name === "Fn::And" ? false : true;
                if (truths.includes(decisive)) {
                    return decisive;
                }
                return truths.includes(undefined) || truths.length === 0 ? undefined : !decisive;
            }
            default:
                return undefined;
        }
    }

    /** The conditions that `Fn::If`s in the value test and that cannot be decided without a choice. */
    undecidedConditions(value: unknown, found = new Set<string>()): Set<string> {
        const call = intrinsic(value);
        if (call?.name === "Fn::If" && Array.isArray(call.argument) && typeof call.argument[0] === "string") {
            if (this.truth(call.argument[0], new Map()) === undefined) {
                found.add(call.argument[0]);
            }
        }
        const children = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : [];
        for (const child of children) {
            this.undecidedConditions(child, found);
        }
        return found;
    }

    /**
     * `Fn::Sub`'s string with every `${Name}` replaced by its variable or parameter (`${!Name}` is the literal
     * `${Name}`); undefined when one of them has no known value (a pseudo parameter, a resource or its attribute).
     */
    private substitute(argument: unknown, choices: ReadonlyMap<string, boolean>): string | undefined {
        const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
        if (typeof text !== "string" || !isRecord(variables)) {
            return undefined;
        }
        let unknown = false;
        const result = text.replace(/\$\{(!?)([^}]*)\}/g, (whole, literal: string, name: string) => {
            if (literal) {
                return `\${${name}}`;
            }
            const found = this.resolve(Object.hasOwn(variables, name) ? variables[name] : { Ref: name }, choices);
            if (!isScalar(found)) {
                unknown = true;
                return whole;
            }
            return String(found);
        });
        return unknown ? undefined : result;
    }

    /** The value with `Ref` to parameters, `Fn::FindInMap`, `Fn::If` and `Fn::Sub` resolved where they can be. */
    resolve(value: unknown, choices: ReadonlyMap<string, boolean>): unknown {
        const resolved = this.resolveOrOmit(value, choices);
        return resolved === NO_VALUE ? undefined : resolved;
    }

    private resolveOrOmit(value: unknown, choices: ReadonlyMap<string, boolean>): unknown {
        const call = intrinsic(value);
        if (call?.name === "Ref" && typeof call.argument === "string") {
            if (call.argument === "AWS::NoValue") {
                return NO_VALUE;
            }
            const parameter = this.parameter(call.argument);
            return parameter === undefined ? value : parameter;
        }
        if (call?.name === "Fn::If" && Array.isArray(call.argument) && call.argument.length === 3) {
            const truth = typeof call.argument[0] === "string" ? this.truth(call.argument[0], choices) : undefined;
            return truth === undefined ? value : this.resolveOrOmit(call.argument[truth ? 1 : 2], choices);
        }
        if (call?.name === "Fn::FindInMap" && Array.isArray(call.argument) && call.argument.length >= 3) {
            const [map, top, second] = call.argument.slice(0, 3).map((item) => this.resolve(item, choices));
            const mappings = isRecord(this.template.Mappings) ? this.template.Mappings : {};
            const table = typeof map === "string" && isRecord(mappings[map]) ? mappings[map] : undefined;
            const row = table && typeof top === "string" && isRecord(table[top]) ? table[top] : undefined;
            return row && typeof second === "string" && Object.hasOwn(row, second) ? row[second] : value;
        }
        if (call?.name === "Fn::Sub") {
            return this.substitute(call.argument, choices) ?? value;
        }
        if (Array.isArray(value)) {
            return value.map((item) => this.resolveOrOmit(item, choices)).filter((item) => item !== NO_VALUE);
        }
        if (isRecord(value)) {
            return Object.fromEntries(
                Object.entries(value)
                    .map(([key, item]) => [key, this.resolveOrOmit(item, choices)] as const)
                    .filter(([, item]) => item !== NO_VALUE),
            );
        }
        return value;
    }
}
