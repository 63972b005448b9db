import * as assert from "node:assert/strict";
import * as fs from "fs";
import { PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import { ARGUMENTS_DOC_PATH, renderArgumentsDoc } from "../scripts/argumentsDoc";
import { SCHEMA_PATH } from "../tooling/schema";

const schema = (): PackageSpec => JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8")) as PackageSpec;

describe("docs/arguments.md", () => {
    it("is generated from the committed schema (after changing an argument, run `npm run docs:arguments`)", () => {
        assert.equal(fs.readFileSync(ARGUMENTS_DOC_PATH, "utf8"), renderArgumentsDoc(schema()));
    });

    it("lists every input and output of both components, every type and every enum value, with its documentation", () => {
        const spec = schema();
        const doc = renderArgumentsDoc(spec);
        for (const resource of Object.values(spec.resources)) {
            for (const [name, property] of [
                ...Object.entries(resource.inputProperties ?? {}),
                ...Object.entries(resource.properties ?? {}),
            ]) {
                assert.ok(doc.includes(`| \`${name}\` |`), `${name} is listed`);
                assert.ok(
                    doc.includes((property.description ?? "").split("\n")[0].replace(/\|/g, "\\|")),
                    `${name} is documented`,
                );
            }
        }
        for (const [token, type] of Object.entries(spec.types)) {
            assert.ok(doc.includes(`### ${token.split(":").pop()}`), `${token} has a section`);
            for (const member of type.enum ?? []) {
                assert.ok(doc.includes(`| \`${String(member.value)}\` |`), `${token} value ${String(member.value)}`);
            }
        }
    });

    it("picks up a new argument with no other edit", () => {
        const spec = schema();
        const worker = spec.resources["background-worker:index:BackgroundWorker"];
        worker.inputProperties = {
            ...worker.inputProperties,
            drainBeforeDeploy: { type: "boolean", plain: true, description: "Drain first. Defaults to false." },
        };
        const doc = renderArgumentsDoc(spec);
        assert.match(
            doc,
            /\| `drainBeforeDeploy` \| boolean \| plain, optional \| Drain first\. Defaults to false\. \|/,
        );
    });
});
