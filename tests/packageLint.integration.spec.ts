// The published packages pass the packaging linters (slow: each publint and attw run packs its package).
import * as assert from "node:assert/strict";
import { PACKAGE_CHECKS, runCheck } from "../scripts/lintPackages";

describe("packaging: the packages pass depcheck, publint and arethetypeswrong", function () {
    this.timeout(120_000);
    for (const check of PACKAGE_CHECKS) {
        it(`${check.name} reports no problem`, () => {
            const result = runCheck(check);
            assert.ok(result.ok, `${check.name} failed:\n${result.output}`);
        });
    }
});
