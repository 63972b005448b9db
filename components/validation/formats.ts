// The formats validation recognises besides AWS's ARNs and names (contract/arns.ts): image references and JSON
// documents, and the checks built on them that several rule files share.
import { describe, isObject, isOutput, Problems } from "./problems";

/** Names that key child resources (schedules, event rules): 1 to 64 letters, digits, - or _. */
const CHILD_KEY_NAME = /^[A-Za-z0-9_-]{1,64}$/;

// A container image reference as Docker and ECS parse it: [registry[:port]/]path[:tag][@digest], with lowercase
// path components. Anything else (a space, an uppercase repository) fails only when a task tries to pull it.
const DOMAIN_PART = "(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])";
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9A-Fa-f:]+\\])(?::[0-9]+)?`;
const PATH_PART = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const TAG = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}";
export const IMAGE_REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_PART}(?:/${PATH_PART})*(?::${TAG})?(?:@${DIGEST})?$`);

/** The tag and the digest of an image reference (`[registry/]path[:tag][@digest]`), each when present. */
export function imageVersion(image: string): { tag?: string; digest?: string } {
    const at = image.indexOf("@");
    const name = at === -1 ? image : image.slice(0, at);
    // A registry's port also follows a colon, but before the last slash.
    const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
    return {
        tag: colon === -1 ? undefined : name.slice(colon + 1),
        digest: at === -1 ? undefined : image.slice(at + 1),
    };
}

/** A plain value that must match `pattern`; an Output is left to AWS, which checks it at deployment. */
export function arnOf(problems: Problems, path: string, value: unknown, pattern: RegExp, example: string): boolean {
    if (!isOutput(value) && (typeof value !== "string" || !pattern.test(value))) {
        problems.add(path, `must be an ARN such as ${example}; got ${describe(value)}`);
        return false;
    }
    return true;
}

/** A JSON string holding a non-empty object (event patterns, filter policies). */
export function jsonObject(problems: Problems, path: string, value: unknown, what: string): void {
    let parsed: unknown;
    try {
        parsed = typeof value === "string" ? JSON.parse(value) : undefined;
    } catch (error) {
        problems.add(path, `must be ${what} as valid JSON (${(error as Error).message}); got ${describe(value)}`);
        return;
    }
    if (!isObject(parsed) || Object.keys(parsed).length === 0) {
        problems.add(
            path,
            `must be ${what}: a JSON string holding an object with at least one key; got ${describe(value)}`,
        );
    }
}

/** A name that keys child resources (schedules, event rules): well-formed, and unique among `names`, which it joins. */
export function uniqueName(problems: Problems, path: string, name: unknown, names: Set<string>): void {
    if (typeof name !== "string" || !CHILD_KEY_NAME.test(name)) {
        problems.add(
            path,
            `is required: 1 to 64 letters, digits, - or _, unique within the worker; got ${describe(name)}`,
        );
    } else if (names.has(name)) {
        problems.add(path, `must be unique within the worker; ${JSON.stringify(name)} is used twice`);
    } else {
        names.add(name);
    }
}
