import { readSettings } from "../../handler";
import { declaredFunctionEnvironment, findResource, localMappingConfig, type ProgramRun } from "../../local";

/** What a stack's config makes of the function and its mapping; `environment` is the function's declared one. */
export type StackSettings = ReturnType<typeof stackSettings>;

/**
 * Reads a stack's settings from the program run under the mock engine (index.ts with
 * stacks/Pulumi.<stack>.yaml), so the bench measures what that stack would deploy.
 *
 * @throws {Error} when the program declared no event source mapping, or a source key the bench cannot write
 */
export function stackSettings(run: ProgramRun) {
    const fn = findResource(run, "aws:lambda/function:Function", "changefeed-handler");
    const mapping = run.resources.find(
        (resource) => resource.type === "aws:lambda/eventSourceMapping:EventSourceMapping",
    );
    if (!mapping) throw new Error(`The ${run.stack} stack declared no event source mapping.`);
    const config = localMappingConfig(mapping);
    const environment: Readonly<Record<string, string>> = declaredFunctionEnvironment(run);
    return {
        stack: run.stack,
        keyAttribute: sourcePartitionKey(run),
        memoryMb: Number((fn.inputs as { memorySize: number }).memorySize),
        batchingWindowSeconds: config.batchingWindowSeconds,
        parallelizationFactor: config.parallelizationFactor,
        mapping: config.settings,
        handler: readSettings(environment),
        environment,
    } as const;
}

/** The source table's partition key: the workload writes string keys, and splits a shard's streams by them. */
function sourcePartitionKey(run: ProgramRun): string {
    const { hashKey, rangeKey, attributes } = findResource(
        run,
        "aws:dynamodb/table:Table",
        "changefeed-source",
    ).inputs as { hashKey: string; rangeKey?: string; attributes: { name: string; type: string }[] };
    const type = attributes.find((attribute) => attribute.name === hashKey)?.type;
    if (type !== "S" || rangeKey)
        throw new Error(
            `The bench writes string partition keys only; the source's key is ${hashKey} (${type}).`,
        );
    return hashKey;
}
