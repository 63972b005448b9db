// Physical names that are unique per account, for the resources AWS names account-wide with no autonaming: task
// definition families and CloudWatch dashboards. Both allow at most 255 letters, digits, hyphens and underscores.
import * as crypto from "crypto";

/** The longest task definition family and dashboard name AWS accepts. */
export const MAX_ACCOUNT_WIDE_NAME_LENGTH = 255;
const INVALID_CHARACTER = /[^A-Za-z0-9_-]/g;
const HASH_LENGTH = 8;

/**
 * `<project>-<stack>-<name>`, so dev and prod sharing an account never write to each other's family or dashboard.
 * Characters AWS rejects become "-". A name longer than AWS allows is cut and ends in a hash of the three parts, so two
 * long names that share a prefix stay apart. Pure: the same parts give the same name on every run.
 */
export function accountWideName(project: string, stack: string, name: string): string {
    const joined = `${project}-${stack}-${name}`.replace(INVALID_CHARACTER, "-");
    if (joined.length <= MAX_ACCOUNT_WIDE_NAME_LENGTH) {
        return joined;
    }
    const hash = crypto.createHash("sha256").update(JSON.stringify([project, stack, name])).digest("hex").slice(0, HASH_LENGTH);
    return `${joined.slice(0, MAX_ACCOUNT_WIDE_NAME_LENGTH - HASH_LENGTH - 1)}-${hash}`;
}
