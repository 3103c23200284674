/**
 * The part of the Amazon States Language (JSONPath) that the local state machine runner
 * implements: exactly what a Distributed Map over a JSON Lines manifest needs, and nothing more.
 * A definition that uses anything else is refused, naming each state type or field, so the local
 * stack never silently runs something other than what AWS would.
 */
const SUPPORTED = {
    machine: ["Comment", "StartAt", "States"],
    Map: [
        "Type",
        "Comment",
        "Label",
        "ItemReader",
        "ItemSelector",
        "ItemProcessor",
        "MaxConcurrency",
        "ToleratedFailurePercentage",
        "ResultWriter",
        "Next",
        "End",
    ],
    ItemReader: ["Resource", "ReaderConfig", "Parameters"],
    ReaderConfig: ["InputType"],
    ItemProcessor: ["ProcessorConfig", "StartAt", "States"],
    ProcessorConfig: ["Mode", "ExecutionType"],
    ResultWriter: ["Resource", "Parameters"],
    Task: ["Type", "Comment", "Resource", "Parameters", "OutputPath", "Retry", "Next", "End"],
    Retrier: ["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate"],
    Choice: ["Type", "Comment", "Choices", "Default"],
    ChoiceRule: ["Variable", "BooleanEquals", "Next"],
    Succeed: ["Type", "Comment"],
} as const;

/** The values some fields must have. */
export const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
export const S3_GET_OBJECT = "arn:aws:states:::s3:getObject";
export const S3_PUT_OBJECT = "arn:aws:states:::s3:putObject";

type Json = Record<string, unknown>;

/**
 * Everything in a definition the local runner does not implement, one entry per state type,
 * field or value, with where it is. Empty when the runner can run the definition as AWS would. Pure.
 */
export function unsupportedFeatures(definition: Json): string[] {
    const problems: string[] = [];
    const fields = (where: string, object: unknown, allowed: readonly string[]): Json => {
        const value = (object ?? {}) as Json;
        for (const key of Object.keys(value)) {
            if (!allowed.includes(key)) problems.push(`${where}: field ${key}`);
        }
        return value;
    };
    const must = (where: string, actual: unknown, expected: unknown) => {
        if (actual !== expected)
            problems.push(
                `${where} is ${JSON.stringify(actual)}; only ${JSON.stringify(expected)} runs locally`,
            );
    };
    const states = (where: string, machine: Json, allowedTypes: readonly string[]) => {
        for (const [name, raw] of Object.entries((machine.States ?? {}) as Record<string, Json>)) {
            const at = `${where}.${name}`;
            const type = String(raw.Type);
            if (!allowedTypes.includes(type)) {
                problems.push(`${at}: state type ${type}`);
                continue;
            }
            const state = fields(at, raw, SUPPORTED[type as keyof typeof SUPPORTED]);
            if (type === "Map") {
                const reader = fields(`${at}.ItemReader`, state.ItemReader, SUPPORTED.ItemReader);
                must(`${at}.ItemReader.Resource`, reader.Resource, S3_GET_OBJECT);
                must(
                    `${at}.ItemReader.ReaderConfig.InputType`,
                    fields(`${at}.ItemReader.ReaderConfig`, reader.ReaderConfig, SUPPORTED.ReaderConfig)
                        .InputType,
                    "JSONL",
                );
                const processor = fields(`${at}.ItemProcessor`, state.ItemProcessor, SUPPORTED.ItemProcessor);
                const config = fields(
                    `${at}.ItemProcessor.ProcessorConfig`,
                    processor.ProcessorConfig,
                    SUPPORTED.ProcessorConfig,
                );
                must(`${at}.ItemProcessor.ProcessorConfig.Mode`, config.Mode, "DISTRIBUTED");
                must(`${at}.ItemProcessor.ProcessorConfig.ExecutionType`, config.ExecutionType, "STANDARD");
                states(`${at}.ItemProcessor`, processor, ["Task", "Choice", "Succeed"]);
                if (state.ResultWriter !== undefined) {
                    const writer = fields(`${at}.ResultWriter`, state.ResultWriter, SUPPORTED.ResultWriter);
                    must(`${at}.ResultWriter.Resource`, writer.Resource, S3_PUT_OBJECT);
                }
            } else if (type === "Task") {
                must(`${at}.Resource`, state.Resource, LAMBDA_INVOKE);
                ((state.Retry ?? []) as Json[]).forEach((retrier, index) =>
                    fields(`${at}.Retry[${index}]`, retrier, SUPPORTED.Retrier),
                );
                if (
                    state.OutputPath !== undefined &&
                    !/^\$(\.[A-Za-z0-9_]+)*$/.test(String(state.OutputPath))
                ) {
                    problems.push(
                        `${at}.OutputPath ${JSON.stringify(state.OutputPath)}: only $ or $.field paths`,
                    );
                }
            } else if (type === "Choice") {
                ((state.Choices ?? []) as Json[]).forEach((rule, index) =>
                    fields(`${at}.Choices[${index}]`, rule, SUPPORTED.ChoiceRule),
                );
            }
        }
    };
    const machine = fields("definition", definition, SUPPORTED.machine);
    states("States", machine, ["Map", "Succeed"]);
    return problems;
}

/**
 * @throws {Error} listing every state type and field the local runner would have to ignore
 */
export function assertSupported(definition: Json): void {
    const problems = unsupportedFeatures(definition);
    if (problems.length > 0) {
        throw new Error(
            `The local state machine runner does not implement what this definition uses, so it will not run it:\n` +
                problems.map((problem) => `  - ${problem}`).join("\n"),
        );
    }
}

/** The context a payload template's `$$` paths read (a Distributed Map's item). */
export type PathContext = {
    readonly Map?: { readonly Item: { readonly Value: unknown; readonly Index: number } };
};

/** A JSONPath of the forms `$`, `$.a.b` or `$$.Map.Item.Value` against an input and a context. Pure. */
export function readPath(path: string, input: unknown, context: PathContext = {}): unknown {
    const [root, rest] = path.startsWith("$$") ? [context as unknown, path.slice(2)] : [input, path.slice(1)];
    if (rest !== "" && !/^(\.[A-Za-z0-9_]+)+$/.test(rest)) throw new Error(`Unsupported path ${path}`);
    let value = root;
    for (const segment of rest.split(".").slice(1))
        value = (value as Record<string, unknown> | undefined)?.[segment];
    return value;
}

/** A payload template: fields ending in `.$` take the value at their path; the rest are kept as given. Pure. */
export function evaluateTemplate(template: unknown, input: unknown, context: PathContext = {}): unknown {
    if (Array.isArray(template)) return template.map((entry) => evaluateTemplate(entry, input, context));
    if (typeof template !== "object" || template === null) return template;
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template)) {
        if (key.endsWith(".$")) result[key.slice(0, -2)] = readPath(String(value), input, context);
        else result[key] = evaluateTemplate(value, input, context);
    }
    return result;
}
