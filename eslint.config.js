// ESLint for every TypeScript file in the repository: ESLint's and typescript-eslint's recommended rules, plus the
// few this codebase relies on. Formatting is Prettier's job (.prettierrc.json), so no stylistic rules here.
// @ts-check
"use strict";
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");

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
