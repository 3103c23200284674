import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The flags of a command, parsed (strings, booleans) with their defaults applied. */
export type ParsedFlags<O extends Options> = ReturnType<
    typeof parseArgs<{ options: O; strict: true }>
>["values"];

/** Exit codes every command of this repository uses. */
export const EXIT_CODES = {
    ok: 0,
    /** The command ran and failed (a stack not running, a server that would not start, ...). */
    failed: 1,
    /** The command line itself is wrong: an unknown flag or a value out of range. */
    usage: 2,
    /** Stopped by Ctrl-C or SIGTERM without a handler of its own. */
    interrupted: 130,
} as const;

/** A wrong command line: the runner prints it with the usage text and exits with {@link EXIT_CODES.usage}. */
export class UsageError extends Error {
    public constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** What a command can ask of the runner while it runs. */
export type CommandContext = {
    /**
     * Handles Ctrl-C and SIGTERM from now on instead of the default (exit 130): e.g. stop the
     * servers and exit 0, or finish the pages in flight and save a checkpoint. Called once.
     */
    onInterrupt(handler: () => void): void;
};

/** One command-line entry: its name, flags and usage, and what it does with them. */
export type Command<O extends Options> = {
    /** How a person runs it, e.g. `npm run backfill`; starts the failure line. */
    readonly name: string;
    readonly usage: string;
    /** The flags, in node:util parseArgs form; `--help` is added. */
    readonly options: O;
    /** Does the work; resolves to the exit code. Throw a {@link UsageError} for a bad flag value. */
    run(flags: ParsedFlags<O>, context: CommandContext): Promise<number>;
    /** Turns a failure into the line a person reads (default: the error's message). */
    explainError?(error: unknown): string;
};

/**
 * Runs a command: parses its flags (strictly), answers `--help`, turns a wrong command line into
 * its message and the usage text (exit 2), routes Ctrl-C and SIGTERM, and exits with the code the
 * command returns, or 1 with one line that says what failed.
 */
export function runCommand<O extends Options>(command: Command<O>, argv = process.argv.slice(2)): void {
    // The function runs on Lambda's Node 22+, where the SDK has nothing to warn about.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    let interruptHandler: (() => void) | undefined;
    const onSignal = (): void => {
        if (interruptHandler) interruptHandler();
        else process.exit(EXIT_CODES.interrupted);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);

    const main = async (): Promise<number> => {
        let flags: ParsedFlags<O>;
        try {
            const parsed = parseArgs({
                args: argv,
                options: { ...command.options, help: { type: "boolean", default: false } },
                strict: true,
            });
            if ((parsed.values as { help?: boolean }).help) {
                console.log(command.usage);
                return EXIT_CODES.ok;
            }
            flags = parsed.values as ParsedFlags<O>;
        } catch (error) {
            throw new UsageError(error instanceof Error ? error.message : String(error));
        }
        return command.run(flags, { onInterrupt: (handler) => (interruptHandler = handler) });
    };

    const fail = (error: unknown): never => {
        if (error instanceof UsageError) {
            console.error(`${error.message}\n\n${command.usage}`);
            process.exit(EXIT_CODES.usage);
        }
        const line =
            command.explainError?.(error) ?? (error instanceof Error ? error.message : String(error));
        console.error(`\n${command.name} failed: ${line}`);
        process.exit(EXIT_CODES.failed);
    };
    // A rejection nothing awaited (e.g. a Pulumi input that failed) is this command failing too.
    process.on("unhandledRejection", fail);
    main().then((code) => process.exit(code), fail);
}

/**
 * A whole number within a range, or undefined when the flag is absent.
 *
 * @throws {UsageError} naming the flag, its value and the allowed range
 */
export function integerFlag(
    flag: string,
    text: string | undefined,
    min: number,
    max: number,
): number | undefined {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === "" || !Number.isInteger(value) || value < min || value > max) {
        throw new UsageError(`--${flag} is "${text}"; allowed: a whole number from ${min} to ${max}.`);
    }
    return value;
}
