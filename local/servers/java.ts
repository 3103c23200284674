import { spawnSync } from "node:child_process";

/** Minimum Java major version: DynamoDB Local 2.3.0+ is built for Java 17. */
export const MIN_JAVA_MAJOR = 17;

const INSTALL_HINT =
    "Install Java 17 or newer: on Debian/Ubuntu `apt-get install -y openjdk-17-jdk-headless`; " +
    "on macOS `brew install openjdk@17` (then put it on PATH).";

/**
 * Extracts the major version from `java -version` output.
 *
 * Handles the modern scheme (`"17.0.15"`, `"21"`, `"21-ea"`) and the legacy `1.x` scheme
 * (`"1.8.0_392"` is Java 8), given either the full output or just the version string.
 * Returns `undefined` when no version can be found.
 */
export function parseJavaMajorVersion(output: string): number | undefined {
    // Also accept a bare version ("17.0.15") so callers holding just the string can reuse this.
    const bare = output.trim();
    const version = versionString(output) ?? (/^\d[\w.+-]*$/.test(bare) ? bare : undefined);
    if (version === undefined) return undefined;
    const parts = /^(\d+)(?:\.(\d+))?/.exec(version);
    if (parts === null) return undefined;
    const first = Number(parts[1]);
    if (first === 1 && parts[2] !== undefined) return Number(parts[2]);
    return first;
}

/**
 * Checks that `java` on PATH is version 17 or newer and returns its version string
 * (e.g. `"17.0.15"`).
 *
 * @throws Error with installation instructions when Java is missing, unusable or too old.
 */
export function requireJava17(): string {
    const result = spawnSync("java", ["-version"], { encoding: "utf8", timeout: 15_000 });
    if (result.error !== undefined) {
        const code = (result.error as NodeJS.ErrnoException).code;
        const why =
            code === "ENOENT"
                ? "`java` was not found on PATH"
                : `running \`java -version\` failed: ${result.error.message}`;
        throw new Error(`DynamoDB Local needs Java ${MIN_JAVA_MAJOR}+, but ${why}. ${INSTALL_HINT}`);
    }
    // `java -version` writes to stderr; some wrappers use stdout.
    const output = `${result.stderr}\n${result.stdout}`;
    const major = parseJavaMajorVersion(output);
    if (major === undefined) {
        throw new Error(
            `DynamoDB Local needs Java ${MIN_JAVA_MAJOR}+, but the output of \`java -version\` could not be parsed:\n${output.trim()}\n${INSTALL_HINT}`,
        );
    }
    if (major < MIN_JAVA_MAJOR) {
        throw new Error(
            `DynamoDB Local needs Java ${MIN_JAVA_MAJOR}+, but \`java\` on PATH is Java ${major}. ${INSTALL_HINT}`,
        );
    }
    return versionString(output) ?? String(major);
}

function versionString(output: string): string | undefined {
    // Vendors vary the prefix ("openjdk version", "java version"), but all quote the version, and
    // JAVA_TOOL_OPTIONS notices may precede it.
    return /version\s+"([^"]+)"/.exec(output)?.[1];
}
