/**
 * How each engine the lake runs on spells what its statements need: the one place the lake's SQL
 * differs between Athena (engine 3, Trino SQL over Iceberg tables catalogued in Glue) and DuckDB
 * (which proves the same statements offline, over plain tables standing in for Iceberg). Every
 * statement in `statements.ts` is written once against this interface.
 */

/** A column's type as the lake means it; each dialect names it. */
export type LakeColumnType = "text" | "textList" | "timestamp" | "boolean";

export type LakeColumn = { readonly name: string; readonly type: LakeColumnType };

export type LakeTableSpec = {
    readonly name: string;
    readonly columns: readonly LakeColumn[];
    /** The timestamp column whose day partitions the table, where the engine partitions. */
    readonly partitionByDayOf?: string;
};

export type LakeDialect = {
    readonly name: "athena" | "duckdb";
    /** A lake table as statements name it. */
    table(name: string): string;
    createTable(spec: LakeTableSpec): string;
    /**
     * The raw archive as a relation: one row per archive line, its fields as lowercase columns
     * (`eventid`, …, `keys`, `oldimage`, `newimage` and `routes` as JSON text), and the object's
     * partition as the text columns `dt` and `hour`.
     */
    archiveRelation(): string;
    /** A timestamp from the ISO 8601 text in UTC the archive writes (`2026-11-27T13:45:00.000Z`). */
    parseTimestamp(text: string): string;
    /** The array of strings at a JSON path of JSON text, as a list of text. */
    textListAt(json: string, path: string): string;
    textList(values: readonly string[]): string;
    listContains(list: string, value: string): string;
    /** The member names of a JSON object, as a list of text. */
    jsonMemberNames(json: string): string;
    /**
     * The JSON text of an object with only the members for which `keep(name)` holds, where
     * `keep` is given the SQL expression of a member's name.
     */
    filterJsonMembers(json: string, keep: (name: string) => string): string;
    /** What compacts a table's files and expires its old snapshots (nothing where there are none). */
    maintenance(table: string): readonly string[];
};

/** Where the Athena rendering finds and keeps its tables. */
export type AthenaLakeLocation = {
    /** The Glue database of the lake's tables and of the raw archive table. */
    readonly database: string;
    /** The partition-projected table over the archive (`archiveTableDdl`). */
    readonly archiveTable: string;
    /** The S3 folder under which each Iceberg table keeps its data (`s3://bucket/prefix/`). */
    readonly tablesLocation: string;
};

const ATHENA_TYPES: Readonly<Record<LakeColumnType, string>> = {
    text: "string",
    textList: "array<string>",
    timestamp: "timestamp",
    boolean: "boolean",
};

/**
 * Athena engine 3. DDL takes Hive type names, DML Trino's.
 * - Iceberg tables: https://docs.aws.amazon.com/athena/latest/ug/querying-iceberg-creating-tables.html
 *   (`CREATE TABLE … PARTITIONED BY (day(col)) LOCATION … TBLPROPERTIES ('table_type' = 'ICEBERG')`;
 *   `timestamp` is the type Iceberg tables take, kept in microseconds).
 * - MERGE INTO: https://docs.aws.amazon.com/athena/latest/ug/merge-into-statement.html
 * - OPTIMIZE: https://docs.aws.amazon.com/athena/latest/ug/optimize-statement.html
 * - VACUUM: https://docs.aws.amazon.com/athena/latest/ug/vacuum-statement.html
 * - JSON functions and lambdas (`json_parse`, `json_extract`, `map_filter`, `contains`):
 *   https://docs.aws.amazon.com/athena/latest/ug/functions-env3.html (Trino's functions).
 */
export function athenaDialect(location: AthenaLakeLocation): LakeDialect {
    const qualified = (name: string) => `${safeName(location.database)}.${safeName(name)}`;
    return {
        name: "athena",
        table: qualified,
        createTable: (spec) =>
            [
                `CREATE TABLE IF NOT EXISTS ${qualified(spec.name)} (`,
                columnList(spec.columns, ATHENA_TYPES),
                ")",
                ...(spec.partitionByDayOf ? [`PARTITIONED BY (day(${spec.partitionByDayOf}))`] : []),
                `LOCATION '${location.tablesLocation}${spec.name}/'`,
                "TBLPROPERTIES ('table_type' = 'ICEBERG', 'format' = 'parquet', 'write_compression' = 'zstd')",
            ].join("\n"),
        archiveRelation: () => qualified(location.archiveTable),
        // from_iso8601_timestamp gives a timestamp with time zone (UTC here); the cast keeps its
        // clock time, which is the UTC time Iceberg's `timestamp` holds.
        parseTimestamp: (text) => `CAST(from_iso8601_timestamp(${text}) AS timestamp(6))`,
        textListAt: (json, path) => `CAST(json_extract(${json}, '${path}') AS array(varchar))`,
        textList: (values) => `ARRAY[${values.map(quote).join(", ")}]`,
        listContains: (list, value) => `contains(${list}, ${value})`,
        jsonMemberNames: (json) => `map_keys(CAST(json_parse(${json}) AS map(varchar, json)))`,
        filterJsonMembers: (json, keep) =>
            `json_format(CAST(map_filter(CAST(json_parse(${json}) AS map(varchar, json)), ` +
            `(name, value) -> ${keep("name")}) AS json))`,
        maintenance: (table) => [
            `OPTIMIZE ${qualified(table)} REWRITE DATA USING BIN_PACK`,
            `VACUUM ${qualified(table)}`,
        ],
    };
}

const DUCKDB_TYPES: Readonly<Record<LakeColumnType, string>> = {
    text: "VARCHAR",
    textList: "VARCHAR[]",
    timestamp: "TIMESTAMP",
    boolean: "BOOLEAN",
};

/** The archive's line fields and the types DuckDB reads them as (JSON keeps a value's JSON text). */
const ARCHIVE_LINE_COLUMNS = {
    eventID: "VARCHAR",
    eventName: "VARCHAR",
    sequenceNumber: "VARCHAR",
    approximateCreationDateTime: "VARCHAR",
    ttlExpired: "BOOLEAN",
    keys: "JSON",
    oldImage: "JSON",
    newImage: "JSON",
    routes: "JSON",
} as const;

/**
 * DuckDB (1.4 or later, for MERGE INTO), in process: plain tables stand in for Iceberg (its
 * iceberg extension is downloaded at run time), so there is no partitioning, no table location and
 * nothing to compact. The archive is read where it lies: its gzipped NDJSON objects under their
 * `dt=…/hour=…` folders.
 */
export function duckdbDialect(archive: { readonly archiveFolder: string }): LakeDialect {
    const folder = archive.archiveFolder.endsWith("/") ? archive.archiveFolder : `${archive.archiveFolder}/`;
    const columns = Object.entries(ARCHIVE_LINE_COLUMNS)
        .map(([name, type]) => `${name}: '${type}'`)
        .join(", ");
    return {
        name: "duckdb",
        table: safeName,
        createTable: (spec) =>
            [
                `CREATE TABLE IF NOT EXISTS ${safeName(spec.name)} (`,
                columnList(spec.columns, DUCKDB_TYPES),
                ")",
            ].join("\n"),
        // Column names are matched without regard to case, so `eventid` reads `eventID`. A line
        // without `routes` (archived before it was written) reads it as NULL.
        archiveRelation: () =>
            `read_json(${quote(`${folder}**/*.ndjson.gz`)}, format = 'newline_delimited', compression = 'gzip', ` +
            `hive_partitioning = true, hive_types = {'dt': 'VARCHAR', 'hour': 'VARCHAR'}, columns = {${columns}})`,
        parseTimestamp: (text) => `CAST(${text} AS TIMESTAMP)`,
        textListAt: (json, path) => `CAST(json_extract(${json}, '${path}') AS VARCHAR[])`,
        textList: (values) => `[${values.map(quote).join(", ")}]`,
        listContains: (list, value) => `list_contains(${list}, ${value})`,
        jsonMemberNames: (json) => `json_keys(${json})`,
        filterJsonMembers: (json, keep) =>
            `CAST(to_json(map_from_entries(list_filter(map_entries(CAST(CAST(${json} AS JSON) AS MAP(VARCHAR, JSON))), ` +
            `lambda member: ${keep("member.key")}))) AS VARCHAR)`,
        maintenance: () => [],
    };
}

/** A SQL string literal. */
export function quote(text: string): string {
    return `'${text.replaceAll("'", "''")}'`;
}

/** Names the lake writes unquoted: both engines take them as they are, in any position. */
function safeName(name: string): string {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a lake table or database name`);
    return name;
}

function columnList(columns: readonly LakeColumn[], types: Readonly<Record<LakeColumnType, string>>): string {
    return columns.map((column) => `  ${column.name} ${types[column.type]}`).join(",\n");
}
