import { CONFIG_NAMESPACE } from "./settings";

/** Thrown when stack config (or a ChangeFeed's args) is invalid; lists every problem, each naming its key and the fix. */
export class ConfigError extends Error {
    public readonly problems: readonly string[];

    public constructor(problems: readonly string[], subject = `stack config for ${CONFIG_NAMESPACE}`) {
        super(`Invalid ${subject}:\n` + problems.map((problem) => `  - ${problem}`).join("\n"));
        this.name = "ConfigError";
        this.problems = problems;
    }
}
