// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

/** Names test runners define as globals: Pulumi's closure serializer would not capture a
 * module-level function of that name, so the packaged handler would fail with a ReferenceError. */
const RUNNER_GLOBALS =
    "^(describe|it|context|specify|before|after|beforeEach|afterEach|suite|test|setup|teardown|run|xit|xdescribe)$";

export default tseslint.config(
    { ignores: ["node_modules/", "bin/", ".local/", ".scratch/"] },
    eslint.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: {
            globals: {
                console: "readonly",
                process: "readonly",
                Buffer: "readonly",
                __dirname: "readonly",
                require: "readonly",
                module: "readonly",
                setTimeout: "readonly",
                clearTimeout: "readonly",
                URL: "readonly",
            },
        },
        rules: {
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
            ],
            "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
            "@typescript-eslint/no-require-imports": "off",
        },
    },
    {
        // handler/ is serialized into the Lambda's code by Pulumi; keep to what serializes faithfully.
        files: ["handler/**/*.ts"],
        rules: {
            "no-restricted-imports": [
                "error",
                {
                    patterns: [
                        { group: ["@pulumi/*"], message: "handler/ runs in Lambda: no Pulumi imports." },
                    ],
                },
            ],
            "no-restricted-syntax": [
                "error",
                {
                    selector: "ClassDeclaration, ClassExpression",
                    message:
                        "No classes in handler/: Pulumi's serialization of class constructors breaks Error subclasses. Use functions (see handler/errors.ts).",
                },
                {
                    selector: `Program > FunctionDeclaration[id.name=/${RUNNER_GLOBALS}/], Program > ExportNamedDeclaration > FunctionDeclaration[id.name=/${RUNNER_GLOBALS}/], Program > VariableDeclaration > VariableDeclarator[id.name=/${RUNNER_GLOBALS}/], Program > ExportNamedDeclaration > VariableDeclaration > VariableDeclarator[id.name=/${RUNNER_GLOBALS}/]`,
                    message:
                        "A test runner defines this name as a global, so Pulumi would not serialize it into the handler's code. Rename it.",
                },
            ],
        },
    },
    {
        files: ["**/*.js", "**/*.mjs"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
