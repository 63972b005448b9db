// ESLint for every TypeScript file in the repository: ESLint's and typescript-eslint's recommended rules, plus the
// few this codebase relies on. Formatting is Prettier's job (.prettierrc.json), so no stylistic rules here.
// @ts-check
"use strict";
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");

/**
 * The component decides in plain data, then builds: components/plan/ and components/validation/ are pure, so they may
 * use Pulumi's and the AWS provider's types but never their values (a resource class, pulumi.all, an Output), and never
 * import a module of components/resources/. validation/problems.ts alone uses @pulumi/pulumi's values: the input
 * error types validation throws, and telling an Output from a plain value.
 */
function pureGroups() {
    const PURE = "components/{plan,validation}/**/*.ts";
    const noResources = {
        group: ["**/resources", "**/resources/**"],
        message: "A pure module (plan/, validation/) never imports resource code: move what it needs into plan/.",
    };
    const typesOnly = (packageName) => ({
        group: [packageName, `${packageName}/**`],
        allowTypeImports: true,
        message: `A pure module (plan/, validation/) uses ${packageName}'s types only: \`import type\`, and no value.`,
    });
    const rule = (patterns) => ({ "@typescript-eslint/no-restricted-imports": ["error", { patterns }] });
    return [
        { files: [PURE], rules: rule([noResources, typesOnly("@pulumi/aws"), typesOnly("@pulumi/pulumi")]) },
        { files: ["components/validation/problems.ts"], rules: rule([noResources, typesOnly("@pulumi/aws")]) },
    ];
}

module.exports = tseslint.config(
    { ignores: ["**/node_modules/", "**/dist/", "packs/", "**/*.tmp.ts", "examples/python/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            // Unused code is dead weight; a leading underscore marks a parameter a signature requires.
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "@typescript-eslint/no-explicit-any": "error",
            eqeqeq: ["error", "always"],
            "prefer-const": "error",
        },
    },
    ...pureGroups(),
    {
        // contract/ is compiled into every package, so it imports no package at all, only its own files.
        files: ["contract/**/*.ts"],
        rules: {
            "@typescript-eslint/no-restricted-imports": [
                "error",
                {
                    patterns: [
                        { regex: "^[^.]", message: "contract/ imports no package: it is compiled into each one." },
                    ],
                },
            ],
        },
    },
    {
        // CommonJS files: the mocha reporter and this config.
        files: ["**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: {
                require: "readonly",
                module: "writable",
                process: "readonly",
                console: "readonly",
                __dirname: "readonly",
                setImmediate: "readonly",
            },
        },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
