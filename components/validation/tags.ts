// Rules for the tags given to every child resource: AWS refuses a reserved `aws:` key, a key or value over its length,
// or more tags than a resource may carry, and it refuses them only when it creates the first child.
import {
    MAX_TAG_KEY_LENGTH,
    MAX_TAG_VALUE_LENGTH,
    MAX_TAGS_PER_RESOURCE,
    RESERVED_TAG_KEY_PREFIX,
} from "../../contract/awsLimits";
import { describe, isObject, isOutput, Problems } from "./problems";

/**
 * Checks a tag map at `path`. `added` is how many tags the component adds to some children itself, which count
 * towards AWS's limit per resource. Values that are Outputs are left to AWS.
 */
export function validateTags(path: string, tags: unknown, problems: Problems, added = 0): void {
    if (tags === undefined) {
        return;
    }
    if (!isObject(tags)) {
        problems.add(path, `must be a map of tag names to values; got ${describe(tags)}`);
        return;
    }
    const keys = Object.keys(tags);
    if (keys.length + added > MAX_TAGS_PER_RESOURCE) {
        problems.add(
            path,
            `must hold at most ${MAX_TAGS_PER_RESOURCE - added} tags (AWS allows ${MAX_TAGS_PER_RESOURCE} per resource` +
                `${added > 0 ? `, and the component adds ${added}` : ""}); got ${keys.length}`,
        );
    }
    for (const key of keys) {
        if (key.toLowerCase().startsWith(RESERVED_TAG_KEY_PREFIX)) {
            problems.add(
                `${path}.${key}`,
                `uses the prefix ${RESERVED_TAG_KEY_PREFIX}, which AWS reserves for its own tags`,
            );
        } else if (key.length > MAX_TAG_KEY_LENGTH) {
            problems.add(
                `${path}.${key}`,
                `must be a key of at most ${MAX_TAG_KEY_LENGTH} characters; got ${key.length}`,
            );
        }
        const value = tags[key];
        if (typeof value === "string" && value.length > MAX_TAG_VALUE_LENGTH) {
            problems.add(
                `${path}.${key}`,
                `must be a value of at most ${MAX_TAG_VALUE_LENGTH} characters; got ${value.length}`,
            );
        }
    }
}

/**
 * Checks that each value of a component's tag map is a string or an Output: a program in another language can send a
 * number or a null, which AWS refuses only when it tags the first child.
 */
export function validateTagValues(path: string, tags: unknown, problems: Problems): void {
    if (!isObject(tags)) {
        return;
    }
    for (const [key, value] of Object.entries(tags)) {
        if (!isOutput(value) && typeof value !== "string") {
            problems.add(`${path}.${key}`, `must be a string, as AWS tag values are; got ${describe(value)}`);
        }
    }
}
