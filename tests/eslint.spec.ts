// The layout rules eslint.config.js enforces, checked on planted imports: the pure groups (components/plan/,
// components/validation/) use Pulumi's and the AWS provider's types only and never resource code, and contract/
// imports no package.
import * as assert from "node:assert/strict";
import * as path from "path";
import { ESLint } from "eslint";

const REPO_ROOT = path.resolve(__dirname, "..");
const RULE = "@typescript-eslint/no-restricted-imports";

let eslint: ESLint;

/** The messages of the layout rule for `code` as if it were the file at `file`. */
async function layoutProblems(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
    return result.messages.filter((message) => message.ruleId === RULE).map((message) => message.message);
}

describe("eslint.config.js: the layout rules", () => {
    before(() => {
        eslint = new ESLint({ cwd: REPO_ROOT });
    });

    const refused: { file: string; code: string; mentions: string }[] = [
        {
            file: "components/plan/planted.ts",
            code: 'import * as aws from "@pulumi/aws";\nexport const queue = new aws.sqs.Queue("q");\n',
            mentions: "@pulumi/aws's types only",
        },
        {
            file: "components/plan/planted.ts",
            code: 'import { Queue } from "@pulumi/aws/sqs";\nexport const queue = new Queue("q");\n',
            mentions: "@pulumi/aws's types only",
        },
        {
            file: "components/validation/planted.ts",
            code: 'import * as pulumi from "@pulumi/pulumi";\nexport const all = pulumi.all([]);\n',
            mentions: "@pulumi/pulumi's types only",
        },
        {
            file: "components/validation/planted.ts",
            code: 'import { createTask } from "../resources/task";\nexport const build = createTask;\n',
            mentions: "never imports resource code",
        },
        {
            file: "components/plan/planted.ts",
            code: 'import type { WorkerTask } from "../resources/task";\nexport type Task = WorkerTask;\n',
            mentions: "never imports resource code",
        },
        {
            file: "contract/planted.ts",
            code: 'import * as fs from "fs";\nexport const exists = fs.existsSync;\n',
            mentions: "contract/ imports no package",
        },
    ];
    for (const { file, code, mentions } of refused) {
        it(`refuses ${code.split("\n")[0]} in ${path.dirname(file)}/`, async () => {
            const problems = await layoutProblems(file, code);
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.ok(problems[0].includes(mentions), problems[0]);
        });
    }

    const allowed: { file: string; code: string }[] = [
        {
            file: "components/plan/planted.ts",
            code: 'import type * as pulumi from "@pulumi/pulumi";\nexport type Name = pulumi.Input<string>;\n',
        },
        {
            file: "components/validation/planted.ts",
            code: 'import type { sqs } from "@pulumi/aws";\nexport type Queue = sqs.Queue;\n',
        },
        {
            file: "components/resources/planted.ts",
            code: 'import * as aws from "@pulumi/aws";\nexport const queue = new aws.sqs.Queue("q");\n',
        },
        {
            file: "components/validation/problems.ts",
            code: 'import * as pulumi from "@pulumi/pulumi";\nexport const error = pulumi.InputPropertyError;\n',
        },
        {
            file: "contract/planted.ts",
            code: 'import { MAX_RECEIVE_COUNT } from "./awsLimits";\nexport const m = MAX_RECEIVE_COUNT;\n',
        },
    ];
    for (const { file, code } of allowed) {
        it(`allows ${code.split("\n")[0]} in ${file}`, async () => {
            assert.deepEqual(await layoutProblems(file, code), []);
        });
    }
});
