import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RESERVED_ATTRIBUTES } from "../../handler/contract";
import { ConfigError, type ChangeFeedConfig, type KeyAttribute } from "../config";
import { keySchemaProblems } from "../routes";
import { readExistingSourceTable, type SourceTableShape } from "../source-table";

/** A table's key schema: the partition key, an optional sort key and their attribute definitions. */
export type KeySchema = { hashKey: string; rangeKey?: string; attributes: { name: string; type: string }[] };

/** The table the feed reads. */
export type FeedSource = {
    /** The table when the feed created it; undefined when it attached to an existing one. */
    readonly table: aws.dynamodb.Table | undefined;
    /** Name, ARNs and key schema, checked against the settings. */
    readonly shape: pulumi.Output<SourceTableShape>;
    /** A created table's key schema, known before anything is deployed; undefined for an existing table. */
    readonly createdKeySchema: KeySchema | undefined;
};

/** The tables that hold the latest state of the source's items. */
export type FeedProjections = {
    /** The projection of every item; undefined with routes. */
    readonly table: aws.dynamodb.Table | undefined;
    /** With routes: each route's table, by route name; empty without. */
    readonly routeTables: Readonly<Record<string, aws.dynamodb.Table>>;
    /** With routes: each route's table name, by route name; undefined without. */
    readonly tableNames: pulumi.Output<Record<string, string>> | undefined;
    /** Every projection table, whichever way. */
    readonly all: readonly aws.dynamodb.Table[];
};

/**
 * The source: an existing table, read and checked (never modified), or one of the feed's own that
 * emits every change with both images, which the handler archives.
 */
export function feedSource(
    name: string,
    settings: ChangeFeedConfig,
    opts: pulumi.CustomResourceOptions,
): FeedSource {
    if (settings.sourceTableName !== undefined) {
        const shape = readExistingSourceTable(settings.sourceTableName, settings.region, {
            parent: opts.parent,
        });
        return {
            table: undefined,
            shape: checkedAgainstKeySchema(name, settings, shape),
            createdKeySchema: undefined,
        };
    }
    const partitionKey = settings.partitionKey ?? { name: "id", type: "S" };
    const createdKeySchema = keySchema(partitionKey, settings.sortKey);
    const table = new aws.dynamodb.Table(
        `${name}-source`,
        {
            ...createdKeySchema,
            billingMode: "PAY_PER_REQUEST",
            streamEnabled: true,
            streamViewType: "NEW_AND_OLD_IMAGES",
            ...tableSafety(settings),
        },
        opts,
    );
    const shape = pulumi
        .all([table.name, table.arn, table.streamArn])
        .apply(([tableName, arn, streamArn]) => ({
            name: tableName,
            arn,
            streamArn,
            partitionKey,
            ...(settings.sortKey ? { sortKey: settings.sortKey } : {}),
        }));
    return { table, shape, createdKeySchema };
}

/**
 * The projection holds the latest state of every source item (with routes, each route's holds the
 * items that match it), under the source's key schema; deleted items stay as tombstones (so a late
 * replay cannot resurrect them) until TTL removes them.
 */
export function feedProjections(
    name: string,
    settings: ChangeFeedConfig,
    source: FeedSource,
    opts: pulumi.CustomResourceOptions,
): FeedProjections {
    // A created source's key schema is known now, so a preview shows it rather than unknowns.
    const projectionKeys = source.createdKeySchema ?? {
        hashKey: source.shape.partitionKey.name,
        rangeKey: source.shape.apply((shape) => shape.sortKey?.name) as pulumi.Output<string>,
        attributes: source.shape.apply((shape) => keySchema(shape.partitionKey, shape.sortKey).attributes),
    };
    const projectionArgs: aws.dynamodb.TableArgs = {
        ...projectionKeys,
        billingMode: "PAY_PER_REQUEST",
        ttl: { attributeName: RESERVED_ATTRIBUTES.expiresAt, enabled: true },
        ...tableSafety(settings),
    };
    const { routes } = settings;
    if (!routes) {
        const table = new aws.dynamodb.Table(`${name}-projection`, projectionArgs, opts);
        return { table, routeTables: {}, tableNames: undefined, all: [table] };
    }
    const routeTables = Object.fromEntries(
        routes.map((route) => [
            route.name,
            new aws.dynamodb.Table(`${name}-${route.name}-projection`, projectionArgs, opts),
        ]),
    );
    const tableNames = pulumi.all(
        Object.fromEntries(Object.entries(routeTables).map(([route, table]) => [route, table.name])),
    );
    return { table: undefined, routeTables, tableNames, all: Object.values(routeTables) };
}

/** A table's key schema: the partition key, an optional sort key and their attribute definitions. */
export function keySchema(partitionKey: KeyAttribute, sortKey: KeyAttribute | undefined): KeySchema {
    return {
        hashKey: partitionKey.name,
        ...(sortKey ? { rangeKey: sortKey.name } : {}),
        attributes: [partitionKey, ...(sortKey ? [sortKey] : [])].map(({ name, type }) => ({ name, type })),
    };
}

/**
 * Both tables the feed creates: KMS encryption (the given key, else aws/dynamodb), point-in-time
 * recovery and, where asked, deletion protection.
 */
function tableSafety(settings: ChangeFeedConfig): Partial<aws.dynamodb.TableArgs> {
    const { kmsKeyArn } = settings;
    return {
        serverSideEncryption: { enabled: true, ...(kmsKeyArn ? { kmsKeyArn } : {}) },
        pointInTimeRecovery: { enabled: settings.pointInTimeRecovery },
        deletionProtectionEnabled: settings.deletionProtection,
    };
}

/** Routes and archive exclusions name key attributes; an existing table's are known only once it is read. */
function checkedAgainstKeySchema(
    name: string,
    settings: ChangeFeedConfig,
    shape: pulumi.Output<SourceTableShape>,
): pulumi.Output<SourceTableShape> {
    if (!settings.routes && settings.archiveExcludeAttributes.length === 0) return shape;
    return shape.apply((table) => {
        const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
        const problems = keySchemaProblems(
            settings.routes,
            settings.archiveExcludeAttributes,
            keys,
            (key) => `\`${key}\``,
            `table "${table.name}"`,
        );
        if (problems.length > 0) throw new ConfigError(problems, `ChangeFeed "${name}" config`);
        return table;
    });
}
