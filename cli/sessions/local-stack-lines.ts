import { readSettings } from "../../handler";
import {
    declaredFunctionEnvironment,
    describeChaos,
    type Chaos,
    type DemoKeyAttribute,
    type DemoKeySchema,
    type LocalStack,
    type RunningMapping,
} from "../../local";

export function printDeployment(stack: LocalStack, stateDirectory: string | undefined): void {
    const [deployed] = stack.deployment.functions;
    console.log(`  DynamoDB Local   ${stack.dynamodbServer.endpoint} (pid ${stack.dynamodbServer.pid})`);
    console.log(`  s3rver           ${stack.s3Server.endpoint} (pid ${stack.s3Server.pid})`);
    console.log(`  tables           ${stack.deployment.tables.join(", ")}`);
    console.log(`  buckets          ${stack.deployment.buckets.join(", ")}`);
    console.log(
        `  function         ${String(deployed?.resource.state.name)} (code archive ${((deployed?.zipBytes ?? 0) / 1024).toFixed(0)} KB zipped, run as on Lambda in its own process)`,
    );
    console.log(
        stack.access
            ? `  IAM              enforced: every role's requests pass a gate (DynamoDB ${stack.access.endpoints.dynamodb}, S3 ${stack.access.endpoints.s3}); --no-iam turns it off`
            : "  IAM              not enforced (--no-iam)",
    );
    for (const line of groupNotEmulated(stack.deployment.notEmulated))
        console.log(`  not emulated     ${line}`);
    console.log(
        `  state            ${stateDirectory ? `${stateDirectory} (kept across restarts; --fresh discards it)` : "temporary"}`,
    );
}

export function printMapping(feed: RunningMapping): void {
    const { settings, startingPosition, batchingWindowSeconds, parallelizationFactor } = feed.mapping;
    console.log(
        `  mapping          batch ${settings.batchSize}, window ${batchingWindowSeconds} s, start ${startingPosition}, ` +
            `retries ${settings.maximumRetryAttempts}, record age ${settings.maximumRecordAgeInSeconds} s, ` +
            `bisect ${settings.bisectBatchOnFunctionError ? "on" : "off"}, ` +
            `${parallelizationFactor} batch${parallelizationFactor > 1 ? "es" : ""} per shard at once, ` +
            `failures → s3://${feed.failureBucket}`,
    );
    if (feed.mapping.filterPatterns) {
        console.log(
            `  filter           ${feed.mapping.filterPatterns.length} patterns: records no route needs are dropped before ` +
                `batching, as Lambda does (never delivered, never retried): ${feed.mapping.filterPatterns.map((pattern) => JSON.stringify(pattern)).join(" | ")}`,
        );
    }
}

export function printChaos(chaos: Chaos): void {
    console.log(
        `  chaos            seed ${chaos.seed} (replay with --chaos-seed ${chaos.seed}): ${describeChaos(chaos)}`,
    );
}

export function printHowToWrite(stack: LocalStack, keys: DemoKeySchema): void {
    const sample = ({ name, type }: DemoKeyAttribute): string => {
        const value = type === "N" ? "1" : type === "B" ? "aGVsbG8=" : "hello-1";
        return `"${name}":{"${type}":"${value}"}`;
    };
    const item = `{${[keys.partitionKey, ...(keys.sortKey ? [keys.sortKey] : [])].map(sample).join(",")},"greeting":{"S":"hi"}}`;
    const credentials = "AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1";
    console.log(`
Write to the source table (any AWS CLI v2):
  ${credentials} aws dynamodb put-item --endpoint-url ${stack.dynamodbServer.endpoint} --table-name ${stack.names.sourceTable} --item '${item}'
Read the projection and the archive:
${projectionTables(stack)
    .map(
        (table) =>
            `  ${credentials} aws dynamodb scan --endpoint-url ${stack.dynamodbServer.endpoint} --table-name ${table}`,
    )
    .join("\n")}
  ${credentials} aws s3 ls --endpoint-url ${stack.s3Server.endpoint} --recursive s3://${stack.names.archiveBucket}/
Ctrl-C stops everything.
`);
}

/** The projection tables: one, or one per route. */
function projectionTables(stack: LocalStack): string[] {
    const routes = readSettings(declaredFunctionEnvironment(stack.run)).routes;
    return routes ? routes.map((route) => route.table) : [stack.names.projectionTable];
}

/** `aws:s3/bucketPolicy:BucketPolicy ×2 (why)`: one line per kind of resource not emulated. */
function groupNotEmulated(entries: readonly string[]): string[] {
    const groups = new Map<string, number>();
    for (const entry of entries) {
        const [, type, why] = /^(\S+) \S+ \((.*)\)$/.exec(entry) ?? [];
        const key = `${type ?? entry} (${why ?? ""})`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    return [...groups].map(([key, count]) => key.replace(/ \(/, count > 1 ? ` ×${count} (` : " ("));
}
