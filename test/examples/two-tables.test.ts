import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { unpackCodeZip, zipCodeArchive, type CodeZip } from "../../local/lambda/code-archive";
import { LocalFunction } from "../../local/lambda/local-function";
import { prepareRuntimeModules } from "../../local/lambda/runtime-modules";
import {
    findResource,
    installMocks,
    PROJECT_ROOT,
    runProgram,
    type DeclaredResource,
    type ProgramRun,
} from "../../local/program";
import { PACKAGE_NAME } from "../../infra/handler-code-paths";
import { filesUnder, installConsumer, packThisRepository } from "../helpers/consumer";
import { existingTables, SINGLE_TABLE_DESIGN, type ExistingTable } from "../helpers/pulumi-mocks";

const EXAMPLE = path.join(PROJECT_ROOT, "examples", "two-tables");
const EXAMPLE_FILES = ["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts"];
const REGION = "us-east-1";
const TABLE = "aws:dynamodb/table:Table";
const FUNCTION = "aws:lambda/function:Function";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const CHANGE_FEED = "ddb-changefeed:index:ChangeFeed";

/** The two tables the example attaches to, as they already exist in the account. */
const TABLES = {
    orders: SINGLE_TABLE_DESIGN,
    customers: {
        hashKey: "customerId",
        attributes: [{ name: "customerId", type: "S" }],
        streamViewType: "NEW_AND_OLD_IMAGES",
    },
} as const satisfies Record<string, ExistingTable>;

const streamArnOf = (table: string): string =>
    `arn:aws:dynamodb:${REGION}:123456789012:table/${table}/stream/2026-01-01T00:00:00.000`;

/** The packages a code archive holds in its node_modules, sorted. */
function packagesIn(archive: CodeZip): string[] {
    const names = archive.entries
        .map((entry) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(entry)?.[1])
        .filter((name): name is string => name !== undefined);
    return [...new Set(names)].sort();
}

const kilobytes = (archive: CodeZip): string => (archive.zip.length / 1024).toFixed(1);

describe("examples/two-tables: two ChangeFeeds in a program that installed this package (npm pack, Pulumi mocks)", function () {
    let directory: string;
    let consumer: string;
    let run: ProgramRun;
    const archives = new Map<string, CodeZip>();
    let programArchive: CodeZip;

    const declared = (type: string, name: string): DeclaredResource => findResource(run, type, name);

    before(async function () {
        // npm pack runs the build (tsc and esbuild) on a machine shared with other work.
        this.timeout(600_000);
        const programRun = await runProgram("dev");
        programArchive = await zipCodeArchive(
            findResource(programRun, FUNCTION, "changefeed-handler").inputs.code,
        );

        directory = fs.mkdtempSync(path.join(os.tmpdir(), "changefeed-consumer-"));
        consumer = path.join(directory, "two-tables");
        fs.mkdirSync(consumer);
        const tarball = packThisRepository(directory);
        installConsumer(
            consumer,
            EXAMPLE_FILES.map((file) => path.join(EXAMPLE, file)),
            tarball,
        );

        // Pulumi runs a program in its own directory, and packages its functions from there: from
        // its package.json `dependencies` and its node_modules.
        process.chdir(consumer);
        try {
            const config = { "aws:region": REGION };
            const engine = installMocks("dev", config, { invoke: existingTables(TABLES, REGION) });
            const program = require(path.join(consumer, "index.ts")) as Record<string, unknown>;
            run = {
                stack: "dev",
                config,
                resources: engine.resources,
                outputs: await engine.settle(program),
            };
            for (const feed of ["orders", "customers"]) {
                const code = declared(FUNCTION, `${feed}-handler`).inputs.code;
                archives.set(feed, await zipCodeArchive(code));
            }
        } finally {
            process.chdir(PROJECT_ROOT);
        }
    });

    after(() => {
        if (directory) fs.rmSync(directory, { recursive: true, force: true });
    });

    it("installs the built package only: its entry, declarations and the bundled handler", () => {
        const files = filesUnder(path.join(consumer, "node_modules", PACKAGE_NAME));
        const outside = files.filter(
            (file) =>
                !["package.json", "README.md"].includes(file) &&
                // The entry's compiled modules (infra/ has a folder per component part) and the one bundle.
                !/^bin\/(infra\/([a-z-]+\/)?[^/]+|handler\/[^/]+)\.(js|d\.ts)$/.test(file),
        );
        assert.deepEqual(outside, []);
        for (const file of ["bin/infra/index.js", "bin/infra/index.d.ts", "bin/handler/index.js"]) {
            assert.ok(files.includes(file), `${file} is missing from the package`);
        }
    });

    it("exports ChangeFeed, readConfig, ConfigError and the args' enums and helpers from its entry, and nothing deeper", () => {
        const entry = require(require.resolve(PACKAGE_NAME, { paths: [consumer] })) as Record<
            string,
            unknown
        >;
        assert.deepEqual(Object.keys(entry).sort(), [
            "ArchiveScope",
            "CHANGE_FEED_TYPE",
            "ChangeFeed",
            "ConfigError",
            "KeyAttributeType",
            "StartingPosition",
            "TtlExpirationMode",
            "attributeEquals",
            "keyAttribute",
            "keyPrefix",
            "matchAll",
            "readConfig",
        ]);
        assert.equal(entry.CHANGE_FEED_TYPE, CHANGE_FEED);
        assert.throws(() => require.resolve(`${PACKAGE_NAME}/bin/infra/config.js`, { paths: [consumer] }), {
            code: "ERR_PACKAGE_PATH_NOT_EXPORTED",
        });
    });

    it("type-checks the example and a misuse of the args against the packed declarations", function () {
        this.timeout(300_000);
        // The example's own tsconfig (as ts-node applies it at `pulumi up`), plus a file whose
        // errors must be found: with missing or `any` declarations, @ts-expect-error itself fails.
        fs.writeFileSync(
            path.join(consumer, "misuse.ts"),
            [
                `import { ChangeFeed, readConfig, type ChangeFeedArgs } from "${PACKAGE_NAME}";`,
                `// @ts-expect-error batchSize is a number`,
                `new ChangeFeed("typed", { batchSize: "500" });`,
                `// @ts-expect-error no such argument`,
                `export const args: ChangeFeedArgs = { batchSizes: 500 };`,
                `export const batchSize: number = readConfig().batchSize;`,
                ``,
            ].join("\n"),
        );
        fs.writeFileSync(
            path.join(consumer, "tsconfig.check.json"),
            JSON.stringify({ extends: "./tsconfig.json", files: ["index.ts", "misuse.ts"] }),
        );
        const tsc = path.join(consumer, "node_modules", "typescript", "bin", "tsc");
        try {
            execFileSync(process.execPath, [tsc, "--noEmit", "-p", "tsconfig.check.json"], {
                cwd: consumer,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
            });
        } catch (error) {
            assert.fail(`tsc found errors:\n${String((error as { stdout?: string }).stdout ?? error)}`);
        }
    });

    it("declares one ChangeFeed per table, no two resources sharing a logical or physical name", () => {
        const feeds = run.resources
            .filter((resource) => resource.type === CHANGE_FEED)
            .map((feed) => feed.name);
        assert.deepEqual(feeds.sort(), ["customers", "orders"]);
        const names = run.resources.map((resource) => `${resource.type} ${resource.name}`);
        assert.deepEqual(
            names.filter((name, index) => names.indexOf(name) !== index),
            [],
        );
        const physical = run.resources
            .filter((resource) => resource.type.startsWith("aws:"))
            .map((resource) => resource.state.name ?? resource.state.bucket)
            .filter((name) => name !== undefined);
        assert.deepEqual(
            physical.filter((name, index) => physical.indexOf(name) !== index),
            [],
        );
    });

    it("attaches each feed to its own table's stream, with that table's key schema and its own args", () => {
        const attachment = (feed: string) => {
            const mapping = declared(MAPPING, `${feed}-mapping`).inputs;
            const projection = declared(TABLE, `${feed}-projection`).inputs;
            const policy = JSON.parse(
                String(declared(ROLE_POLICY, `${feed}-handler-policy`).inputs.policy),
            ) as {
                Statement: { Sid: string; Resource: string }[];
            };
            return {
                stream: mapping.eventSourceArn,
                roleReadsStream: policy.Statement.find((statement) => statement.Sid === "ReadSourceStream")
                    ?.Resource,
                batchSize: mapping.batchSize,
                batchingWindowSeconds: mapping.maximumBatchingWindowInSeconds,
                memoryMb: declared(FUNCTION, `${feed}-handler`).inputs.memorySize,
                projectionKeys: {
                    hashKey: projection.hashKey,
                    rangeKey: projection.rangeKey,
                    attributes: projection.attributes,
                },
            };
        };

        assert.deepEqual(attachment("orders"), {
            stream: streamArnOf("orders"),
            roleReadsStream: streamArnOf("orders"),
            batchSize: 500,
            batchingWindowSeconds: 5,
            memoryMb: 1024,
            projectionKeys: { hashKey: "pk", rangeKey: "sk", attributes: TABLES.orders.attributes },
        });
        assert.deepEqual(attachment("customers"), {
            stream: streamArnOf("customers"),
            roleReadsStream: streamArnOf("customers"),
            batchSize: 100,
            batchingWindowSeconds: 0,
            memoryMb: 512,
            projectionKeys: {
                hashKey: "customerId",
                rangeKey: undefined,
                attributes: TABLES.customers.attributes,
            },
        });
        // The existing tables are read, never declared: the only tables are the two projections.
        assert.deepEqual(
            run.resources
                .filter((resource) => resource.type === TABLE)
                .map((table) => table.name)
                .sort(),
            ["customers-projection", "orders-projection"],
        );
    });

    it("exports each feed's projection table, archive bucket and function", () => {
        assert.deepEqual(run.outputs, {
            ordersProjectionTable: "orders-projection-dev",
            ordersArchiveBucket: "orders-archive-dev",
            ordersFunction: "orders-handler-dev",
            customersProjectionTable: "customers-projection-dev",
            customersArchiveBucket: "customers-archive-dev",
            customersFunction: "customers-handler-dev",
        });
    });

    it("packages each function like this program's own, without Pulumi, the SDK or this package", function () {
        const orders = archives.get("orders")!;
        const customers = archives.get("customers")!;
        this.test!.title += ` (${kilobytes(orders)} KB; this program's own: ${kilobytes(programArchive)} KB)`;

        assert.deepEqual(customers.entries, orders.entries);
        assert.deepEqual(packagesIn(orders), packagesIn(programArchive));
        for (const name of packagesIn(orders)) {
            assert.doesNotMatch(
                name,
                /^(@pulumi\/|@aws-sdk\/client-|ddb-changefeed$)/,
                `${name} is in the archive`,
            );
        }
        assert.ok(
            orders.zip.length <= programArchive.zip.length,
            `the example's code archive is ${orders.zip.length} bytes zipped, this program's ${programArchive.zip.length}`,
        );
    });

    it("starts the packaged function on bare Node with only the Lambda runtime's modules", async function () {
        this.timeout(120_000);
        const fn = declared(FUNCTION, "orders-handler").inputs as {
            handler: string;
            environment: { variables: Record<string, string> };
        };
        const codeDirectory = path.join(directory, "orders-handler");
        unpackCodeZip(archives.get("orders")!.zip, codeDirectory);
        const handler = new LocalFunction({
            functionName: "orders-handler-dev",
            functionArn: `arn:aws:lambda:${REGION}:000000000000:function:orders-handler-dev`,
            codeDirectory,
            handler: fn.handler,
            timeoutSeconds: 30,
            memoryMb: 1024,
            environment: fn.environment.variables,
            awsEnvironment: {
                AWS_REGION: REGION,
                AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
                AWS_SECRET_ACCESS_KEY: "example",
            },
            runtimeModules: prepareRuntimeModules(path.join(directory, "runtime")),
        });
        try {
            const invocation = await handler.invoke({ Records: [] });
            assert.deepEqual(invocation, {
                ok: true,
                value: { batchItemFailures: [] },
                durationMs: invocation.durationMs,
            });
        } finally {
            await handler.stop();
        }
    });
});
