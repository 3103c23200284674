import { readSettings } from "../../handler/settings";
import type { HandlerSettings } from "../../handler/types";
import type { MappingSettings } from "../../local/mapping/delivery";
import { localMappingConfig } from "../../local/mapping/settings";
import { declaredFunctionEnvironment, findResource, type ProgramRun } from "../../local/program";

/** What a stack's config makes of the function and its mapping, as the program declares them. */
export type StackSettings = {
    readonly stack: string;
    readonly memoryMb: number;
    readonly batchingWindowSeconds: number;
    readonly parallelizationFactor: number;
    readonly mapping: MappingSettings;
    readonly handler: HandlerSettings;
    /** The function's declared environment variables (the handler's settings). */
    readonly environment: Readonly<Record<string, string>>;
};

/**
 * Reads a stack's settings from the program run under the mock engine (index.ts with
 * stacks/Pulumi.<stack>.yaml), so the bench measures what that stack would deploy.
 *
 * @throws {Error} when the program declared no event source mapping
 */
export function stackSettings(run: ProgramRun): StackSettings {
    const fn = findResource(run, "aws:lambda/function:Function", "changefeed-handler");
    const mapping = run.resources.find(
        (resource) => resource.type === "aws:lambda/eventSourceMapping:EventSourceMapping",
    );
    if (!mapping) throw new Error(`The ${run.stack} stack declared no event source mapping.`);
    const config = localMappingConfig(mapping);
    const environment = declaredFunctionEnvironment(run);
    return {
        stack: run.stack,
        memoryMb: Number((fn.inputs as { memorySize: number }).memorySize),
        batchingWindowSeconds: config.batchingWindowSeconds,
        parallelizationFactor: config.parallelizationFactor,
        mapping: config.settings,
        handler: readSettings(environment),
        environment,
    };
}
