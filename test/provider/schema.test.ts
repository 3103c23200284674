import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ARCHIVE_SCOPES, TTL_EXPIRATION_MODES } from "../../handler/contract";
import { CONFIG_KEYS, KEY_ATTRIBUTE_TYPES, SETTINGS, STARTING_POSITIONS } from "../../infra/config";
import { componentProvider, PACKAGE_NAME, PACKAGE_ROOT, SCHEMA_FILE } from "../../provider/components";
import { CHANGE_FEED, type PackageSchema, type SchemaProperty } from "./schema";

/** Settings whose argument is written otherwise than in stack config: their descriptions say so. */
const REWORDED = ["partitionKey", "sortKey"];

describe("the package schema", function () {
    // The analyzer type-checks the whole project once.
    this.timeout(120_000);
    let schema: PackageSchema;

    before(async () => {
        schema = JSON.parse(await componentProvider().getSchema()) as PackageSchema;
    });

    it("is what provider/schema.json holds (npm run schema writes it)", () => {
        const committed: unknown = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"));

        assert.deepEqual(committed, schema, "provider/schema.json is stale: run npm run schema");
    });

    it("is the package's, at package.json's version", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as {
            version: string;
        };

        assert.deepEqual([schema.name, schema.version], [PACKAGE_NAME, manifest.version]);
        assert.deepEqual(Object.keys(schema.resources), [CHANGE_FEED]);
    });

    it("takes every setting as an input, and the region besides, none of them required", () => {
        const feed = schema.resources[CHANGE_FEED]!;

        assert.deepEqual(Object.keys(feed.inputProperties).sort(), ["region", ...CONFIG_KEYS].sort());
        assert.deepEqual(feed.requiredInputs, []);
    });

    it("describes each input as the settings' description does", () => {
        const inputs = schema.resources[CHANGE_FEED]!.inputProperties;
        for (const key of CONFIG_KEYS.filter((candidate) => !REWORDED.includes(candidate))) {
            assert.equal(inputs[key]?.description, SETTINGS[key].description, key);
        }
    });

    it("gives every property, of the component and of each type, a description and a type", () => {
        const feed = schema.resources[CHANGE_FEED]!;
        const owners: [string, Record<string, SchemaProperty>][] = [
            ["inputs", feed.inputProperties],
            ["outputs", feed.properties],
            ...Object.entries(schema.types)
                .filter(([, type]) => type.type === "object")
                .map(([token, type]): [string, Record<string, SchemaProperty>] => [
                    token,
                    type.properties ?? {},
                ]),
        ];
        for (const [owner, properties] of owners) {
            for (const [name, property] of Object.entries(properties)) {
                assert.ok(property.description, `${owner}.${name} has no description`);
                assert.ok(property.type ?? property.$ref, `${owner}.${name} has no type`);
                if (property.type === "object")
                    assert.ok(property.additionalProperties, `${owner}.${name} is an object of no shape`);
            }
        }
    });

    it("types every object with its properties, and names their required ones", () => {
        const objects = Object.entries(schema.types).filter(([, type]) => type.type === "object");
        const required = Object.fromEntries(
            objects.map(([token, type]) => [token, [...(type.required ?? [])].sort()]),
        );

        for (const [token, type] of objects) assert.ok(Object.keys(type.properties ?? {}).length > 0, token);
        assert.deepEqual(required, {
            [`${PACKAGE_NAME}:index:KeyAttribute`]: ["name", "type"],
            [`${PACKAGE_NAME}:index:Route`]: ["match", "name"],
            [`${PACKAGE_NAME}:index:RouteMatch`]: [],
            [`${PACKAGE_NAME}:index:KeyPrefixMatch`]: ["attribute", "prefix"],
            [`${PACKAGE_NAME}:index:AttributeEqualsMatch`]: ["attribute"],
            [`${PACKAGE_NAME}:index:AttributeSelection`]: [],
        });
    });

    it("offers each choice's allowed values as an enum", () => {
        const values = (name: string) =>
            schema.types[`${PACKAGE_NAME}:index:${name}`]?.enum?.map((member) => member.value);

        assert.deepEqual(
            ["KeyAttributeType", "StartingPosition", "TtlExpirationMode", "ArchiveScope"].map(values),
            [KEY_ATTRIBUTE_TYPES, STARTING_POSITIONS, TTL_EXPIRATION_MODES, ARCHIVE_SCOPES].map((list) => [
                ...list,
            ]),
        );
    });

    it("outputs the stack's exports, those of every feed required", () => {
        const feed = schema.resources[CHANGE_FEED]!;

        assert.deepEqual(Object.keys(feed.properties).sort(), [
            "alarmTopicArn",
            "archiveAthenaDdl",
            "archiveBucketName",
            "backfillBucketName",
            "backfillFunctionName",
            "backfillStateMachineArn",
            "dashboardName",
            "eventSourceMappingUuid",
            "failureBucketName",
            "functionName",
            "projectionTableName",
            "projectionTableNames",
            "sourceStreamArn",
            "sourceTableArn",
            "sourceTableName",
        ]);
        assert.deepEqual(
            [...(feed.required ?? [])].sort(),
            Object.keys(feed.properties)
                .filter((name) => !/^(backfill|projectionTableName)/.test(name))
                .sort(),
        );
    });
});
