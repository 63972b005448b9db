// The red-team rounds' tables (tests/policy/bypass*.spec.ts): one row per attempt to get something past the pack, with
// the verdict the named policy must give it, and the one runner that turns a table into tests.
import * as assert from "node:assert/strict";
import { Policies } from "@pulumi/policy";
import { EvaluateOptions, StackResource } from "../../scripts/policyEngine";
import { undecided, violations } from "./fixtures";

/** One attempt: what it tries, the policy that must judge it, how it is built, and the verdict it must get. */
export interface Attempt {
    what: string;
    policy: Policies[number];
    build: () => StackResource[] | Promise<StackResource[]>;
    /** "fails": insecure, reported; "open": left undecided in preview, not passed; "passes": what a team writes. */
    verdict: "fails" | "open" | "passes";
    /** For "fails" and "open": a violation (or an open finding) of the policy must match this. */
    reason?: RegExp;
    options?: Partial<EvaluateOptions>;
}

/** A describe block per group of attempts, an `it` per attempt, asserting its verdict. */
export function describeAttempts(title: string, groups: Record<string, Attempt[]>): void {
    describe(title, function () {
        this.timeout(30_000);
        for (const [group, attempts] of Object.entries(groups)) {
            describe(group, () => {
                for (const attempt of attempts) {
                    it(`${attempt.verdict} ${attempt.what}`, async () => {
                        const resources = await attempt.build();
                        const reason = attempt.reason ?? /./;
                        if (attempt.verdict === "open") {
                            const open = await undecided(attempt.policy, resources, attempt.options);
                            assert.ok(
                                open.some((line) => reason.test(line)),
                                `${attempt.policy.name} decided it in preview; it left open:\n${open.join("\n") || "(nothing)"}`,
                            );
                            return;
                        }
                        const found = await violations(attempt.policy, resources, attempt.options);
                        if (attempt.verdict === "passes") {
                            assert.deepEqual(found, []);
                            return;
                        }
                        assert.ok(
                            found.some((line) => reason.test(line)),
                            `${attempt.policy.name} let it through; it reported:\n${found.join("\n") || "(nothing)"}`,
                        );
                    });
                }
            });
        }
    });
}
