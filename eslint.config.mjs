// @ts-check
import eslint from "@eslint/js";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

/** Every folder of the project's code, and the stack entry. */
const PROJECT_PARTS = [
    "./handler",
    "./infra",
    "./local",
    "./ops",
    "./bench",
    "./stack-access",
    "./cli",
    "./policy",
    "./examples",
    "./provider",
    "./index.ts",
];

/** A zone that keeps every other part of the project from importing `folder` (its tests may). */
function importedByNothing(folder, message) {
    return { target: PROJECT_PARTS.filter((part) => part !== folder), from: folder, message };
}

/**
 * Which folder may import which: the Lambda's code and the program stand alone, the emulator and
 * the operations share only stack-access/, the bench sees the emulator and the handler through
 * their entry points, the component package's provider reads the program's entry only, and the
 * command entries are imported by nothing but their tests.
 */
const FOLDER_BOUNDARIES = [
    {
        target: "./handler",
        from: ["./infra", "./local", "./ops", "./bench", "./cli"],
        message: "handler/ is the Lambda's code: it stands alone.",
    },
    {
        target: "./infra",
        from: ["./local", "./ops", "./bench", "./cli", "./stack-access"],
        message: "infra/ declares the program: it reads nothing of the tools around it.",
    },
    {
        target: "./infra",
        from: "./handler",
        except: ["./contract.ts", "./index.ts"],
        message: "infra/ reads the handler's contract (and its entry's types) only.",
    },
    {
        target: "./stack-access",
        from: ["./infra", "./local", "./ops", "./bench", "./cli"],
        message: "stack-access/ is what local/ and ops/ share: it imports neither.",
    },
    {
        target: "./local",
        from: "./ops",
        message: "local/ and ops/ import nothing of each other: share through stack-access/.",
    },
    {
        target: "./ops",
        from: "./local",
        message: "local/ and ops/ import nothing of each other: share through stack-access/.",
    },
    {
        target: "./bench",
        from: "./local",
        except: ["./index.ts"],
        message: "bench/ uses the emulator through its entry point, local/index.ts.",
    },
    {
        target: "./bench",
        from: "./handler",
        except: ["./index.ts", "./contract.ts"],
        message: "bench/ uses the handler through its entry point and its contract.",
    },
    {
        target: "./bench",
        from: ["./ops", "./cli"],
        message: "bench/ measures the emulator and the handler only.",
    },
    {
        target: "./provider",
        from: ["./handler", "./local", "./ops", "./bench", "./stack-access", "./policy", "./examples"],
        message: "provider/ hosts the components for other languages: it reads infra/ only.",
    },
    {
        target: "./provider",
        from: "./infra",
        except: ["./index.ts"],
        message:
            "provider/ hosts what the package exports: it reads infra/ through its entry, infra/index.ts.",
    },
    importedByNothing("./provider", "provider/ is the plugin's entry: nothing imports it but its tests."),
    importedByNothing("./cli", "cli/ holds the command entries: nothing imports them."),
];

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
        // handler/ is the Lambda's code (bundled by esbuild, infra/handler-bundle.ts), and its code archive
        // carries no @pulumi/* package (infra/handler-code-paths.ts).
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
        },
    },
    {
        // Folder boundaries and import cycles, resolved as Node resolves the TypeScript sources.
        files: ["**/*.ts"],
        plugins: { "import-x": importX },
        settings: {
            "import-x/extensions": [".ts", ".js"],
            "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".json", ".node"] })],
        },
        rules: {
            "import-x/no-cycle": ["error", { ignoreExternal: true }],
            "import-x/no-restricted-paths": [
                "error",
                { basePath: import.meta.dirname, zones: FOLDER_BOUNDARIES },
            ],
        },
    },
    {
        files: ["**/*.js", "**/*.mjs"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
