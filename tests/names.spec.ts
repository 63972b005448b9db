import * as assert from "node:assert/strict";
import { accountWideName, MAX_ACCOUNT_WIDE_NAME_LENGTH } from "../components/names";

// PutDashboard and RegisterTaskDefinition: at most 255 characters of A-Z, a-z, 0-9, "-" and "_".
const VALID = /^[A-Za-z0-9_-]{1,255}$/;

describe("names: account-wide names for dashboards and task families", () => {
    it("joins project, stack and worker readably", () => {
        assert.equal(accountWideName("background-worker", "dev", "job-worker"), "background-worker-dev-job-worker");
    });

    it("keeps dev and prod, and two workers, apart", () => {
        const names = new Set([
            accountWideName("background-worker", "dev", "job-worker"),
            accountWideName("background-worker", "prod", "job-worker"),
            accountWideName("background-worker", "dev", "email-worker"),
            accountWideName("other-project", "dev", "job-worker"),
        ]);
        assert.equal(names.size, 4);
    });

    it("replaces the characters CloudWatch rejects, such as the dots and slashes stack names may hold", () => {
        const name = accountWideName("my.project", "acme/prod.eu", "jobs");
        assert.equal(name, "my-project-acme-prod-eu-jobs");
        assert.match(name, VALID);
    });

    it("cuts a long name to 255 characters and ends it in a hash, so long names sharing a prefix stay distinct", () => {
        const project = "p".repeat(100);
        const stack = "s".repeat(100);
        const first = accountWideName(project, stack, "w".repeat(60) + "-a");
        const second = accountWideName(project, stack, "w".repeat(60) + "-b");
        for (const name of [first, second]) {
            assert.equal(name.length, MAX_ACCOUNT_WIDE_NAME_LENGTH);
            assert.match(name, VALID);
            assert.match(name, /-[0-9a-f]{8}$/);
        }
        assert.notEqual(first, second);
        assert.equal(accountWideName(project, stack, "w".repeat(60) + "-a"), first, "the same parts give the same name");
    });

    it("leaves a name of exactly 255 characters whole", () => {
        const name = accountWideName("p".repeat(100), "s".repeat(100), "w".repeat(53));
        assert.equal(name.length, 255);
        assert.ok(name.endsWith("w".repeat(53)));
    });
});
