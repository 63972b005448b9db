// Deciding what preview can decide. During `pulumi preview` the engine hands policies a proxy that throws its own
// UnknownValueError when a policy reads a value that is only known after `pulumi up`; a policy that lets it escape is
// reported as "can't run during preview" and counts as advisory, so nothing it would have found is enforced. These
// helpers let a policy read an unknown value without losing the rest: each resource is decided on its own, every
// violation already visible is reported, and only the open part is handed back to the engine as unknown.

/** The engine does not export its UnknownValueError class, so it is recognised by name (the offline evaluator's too). */
function isUnknownValueError(error: unknown): error is Error {
    return error instanceof Error && error.constructor.name === "UnknownValueError";
}

/** A value the policy read during preview that is not known yet; it keeps the engine's error to hand back later. */
export class Unknown {
    constructor(readonly error: Error) {}
}

/** Reads a value; an unknown one comes back as Unknown instead of throwing. */
export function attempt<T>(read: () => T): T | Unknown {
    try {
        return read();
    } catch (error) {
        if (isUnknownValueError(error)) {
            return new Unknown(error);
        }
        throw error;
    }
}

/** The value, or the engine's error for it when it is unknown: what is decided from here on stays open. */
export function need<T>(value: T | Unknown): T {
    if (value instanceof Unknown) {
        throw value.error;
    }
    return value;
}

/**
 * Whether a property is set, where being set is all a policy asks (a KMS key, a user): a value that is present but
 * not known yet counts as set, since whatever it resolves to, it will be there.
 */
export function isSet(props: Record<string, unknown>, key: string): boolean {
    if (!(key in props)) {
        return false;
    }
    const value = attempt(() => props[key]);
    return value instanceof Unknown || (value !== undefined && value !== null && value !== "");
}

/**
 * Decides each item on its own: a check that reads an unknown value leaves that item open and the others are still
 * decided. The first unknown is rethrown at the end, after every visible violation has been reported, so the engine
 * still says the policy could not finish in preview.
 */
export function decideEach<T>(items: Iterable<T>, decide: (item: T) => void): void {
    let open: Error | undefined;
    for (const item of items) {
        try {
            decide(item);
        } catch (error) {
            if (!isUnknownValueError(error)) {
                throw error;
            }
            open ??= error;
        }
    }
    if (open) {
        throw open;
    }
}
