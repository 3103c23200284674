import { strict as assert } from "node:assert";
import type { AttributeValue, DynamoDBRecord } from "aws-lambda";
import fc from "fast-check";
import type { DeployedRoute, RouteValue } from "../../handler/contract";
import { toProjectionChange as routeRecord } from "../../handler/projection-change";
import { routeAction } from "../../handler/routing";
import { routeFilterPatterns } from "../../infra/route-filter";
import { matchesFilterCriteria, matchesPattern, type FilterPattern } from "../../local/mapping/filter";
import { localMappingConfig } from "../../local/mapping/settings";
import type { DeclaredResource } from "../../local/program";
import { dynamodbRecordFactory } from "../helpers/records";

/** The DynamoDB stream record of AWS's filtering examples (primary key CustomerName). */
const AWS_EXAMPLE_RECORD = {
    eventID: "1",
    eventVersion: "1.0",
    dynamodb: {
        ApproximateCreationDateTime: "1678831218.0",
        Keys: { CustomerName: { S: "AnyCompany Industries" } },
        NewImage: {
            AccountManager: { S: "Pat Candella" },
            PaymentTerms: { S: "60 days" },
            CustomerName: { S: "AnyCompany Industries" },
        },
        SequenceNumber: "111",
        SizeBytes: 26,
        StreamViewType: "NEW_IMAGE",
    },
};

describe("Lambda event filtering, as the local mapping applies it", () => {
    describe("AWS's documented examples", () => {
        it("filters on a table key", () => {
            const pattern = { dynamodb: { Keys: { CustomerName: { S: ["AnyCompany Industries"] } } } };

            assert.equal(matchesPattern(AWS_EXAMPLE_RECORD, pattern), true);
            assert.equal(
                matchesPattern(AWS_EXAMPLE_RECORD, {
                    dynamodb: { Keys: { CustomerName: { S: ["Other"] } } },
                }),
                false,
            );
        });

        it("filters on a new image's attribute, and on several (AND) with alternatives (OR)", () => {
            const terms = { dynamodb: { NewImage: { PaymentTerms: { S: ["60 days", "90 days"] } } } };
            const both = {
                dynamodb: {
                    NewImage: { AccountManager: { S: ["Pat Candella"] }, PaymentTerms: { S: ["30 days"] } },
                },
            };

            assert.equal(matchesPattern(AWS_EXAMPLE_RECORD, terms), true);
            assert.equal(matchesPattern(AWS_EXAMPLE_RECORD, both), false);
        });

        it("applies `exists` to leaf nodes only, not to an attribute's type map", () => {
            const leaf = { dynamodb: { NewImage: { AccountManager: { S: [{ exists: true }] } } } };
            const intermediate = { dynamodb: { NewImage: { AccountManager: [{ exists: true }] } } };
            const absent = { dynamodb: { NewImage: { Region: { S: [{ exists: false }] } } } };

            assert.equal(matchesPattern(AWS_EXAMPLE_RECORD, leaf), true);
            assert.equal(matchesPattern(AWS_EXAMPLE_RECORD, intermediate), false);
            assert.equal(matchesPattern(AWS_EXAMPLE_RECORD, absent), true);
        });

        it("matches a key's number by the stream's text, nested in the `dynamodb` field", () => {
            const record = { dynamodb: { Keys: { Id: { N: "101" } }, NewImage: { Id: { N: "101" } } } };

            assert.equal(matchesPattern(record, { dynamodb: { Keys: { Id: { N: ["101"] } } } }), true);
            assert.equal(matchesPattern(record, { dynamodb: { Keys: { Id: { N: ["101.0"] } } } }), false);
        });

        it("matches metadata and data together, and a numeric range on a JSON number", () => {
            const kinesis = {
                partitionKey: "1",
                data: { City: "Seattle", Location: "Los Angeles", Temperature: 55 },
            };

            assert.equal(
                matchesPattern(kinesis, { partitionKey: ["1"], data: { Location: ["Los Angeles"] } }),
                true,
            );
            assert.equal(
                matchesPattern(kinesis, { data: { Temperature: [{ numeric: [">", 50, "<=", 60] }] } }),
                true,
            );
            assert.equal(matchesPattern(kinesis, { data: { Temperature: [{ numeric: [">", 60] }] } }), false);
            assert.equal(matchesPattern({ a: 2 }, { a: [1, 2] }), true, "the console example { a: [1, 2] }");
        });

        const table: [string, FilterPattern, Record<string, unknown>, Record<string, unknown>][] = [
            ["Null", { UserID: [null] }, { UserID: null }, { UserID: "u" }],
            ["Empty", { LastName: [""] }, { LastName: "" }, { LastName: "Doe" }],
            ["Equals", { Name: ["Alice"] }, { Name: "Alice" }, { Name: "alice" }],
            [
                "And",
                { Location: ["New York"], Day: ["Monday"] },
                { Location: "New York", Day: "Monday" },
                { Location: "New York", Day: "Tuesday" },
            ],
            ["Or", { PaymentType: ["Credit", "Debit"] }, { PaymentType: "Debit" }, { PaymentType: "Cash" }],
            [
                "Not",
                { Weather: [{ "anything-but": ["Raining"] }] },
                { Weather: "Sunny" },
                { Weather: "Raining" },
            ],
            ["Numeric (equals)", { Price: [{ numeric: ["=", 100] }] }, { Price: 100 }, { Price: "100" }],
            ["Numeric (range)", { Price: [{ numeric: [">", 10, "<=", 20] }] }, { Price: 20 }, { Price: 10 }],
            ["Exists", { ProductName: [{ exists: true }] }, { ProductName: "p" }, {}],
            ["Does not exist", { ProductName: [{ exists: false }] }, {}, { ProductName: "p" }],
            [
                "Begins with",
                { Region: [{ prefix: "us-" }] },
                { Region: "us-east-1" },
                { Region: "eu-west-1" },
            ],
            ["Ends with", { FileName: [{ suffix: ".png" }] }, { FileName: "a.png" }, { FileName: "a.jpg" }],
            [
                "Equals (ignore case)",
                { Name: [{ "equals-ignore-case": "alice" }] },
                { Name: "ALICE" },
                { Name: "Bob" },
            ],
            [
                "Anything but a prefix",
                { Region: [{ "anything-but": { prefix: "us-" } }] },
                { Region: "eu-west-1" },
                { Region: "us-east-1" },
            ],
        ];
        for (const [operator, pattern, matching, other] of table) {
            it(`implements the "${operator}" operator of the filter rule syntax`, () => {
                assert.equal(matchesPattern(matching, pattern), true, JSON.stringify(matching));
                assert.equal(matchesPattern(other, pattern), false, JSON.stringify(other));
            });
        }

        it("ORs a mapping's patterns, and delivers everything without any", () => {
            const patterns = [{ a: ["x"] }, { b: ["y"] }];

            assert.equal(matchesFilterCriteria({ b: "y" }, patterns), true);
            assert.equal(matchesFilterCriteria({ a: "y" }, patterns), false);
            assert.equal(matchesFilterCriteria({ a: "y" }, undefined), true);
        });
    });

    it("reads the declared mapping's filter patterns", () => {
        const mapping = {
            type: "aws:lambda/eventSourceMapping:EventSourceMapping",
            name: "m",
            urn: "urn:pulumi:dev::ddb-changefeed::aws:lambda/eventSourceMapping:EventSourceMapping::m",
            options: { protect: false, retainOnDelete: false },
            propertyDependencies: {},
            state: {},
            inputs: {
                filterCriteria: {
                    filters: [{ pattern: '{"dynamodb":{"Keys":{"sk":{"S":[{"prefix":"o"}]}}}}' }],
                },
            },
        } satisfies DeclaredResource;

        assert.deepEqual(localMappingConfig(mapping).filterPatterns, [
            { dynamodb: { Keys: { sk: { S: [{ prefix: "o" }] } } } },
        ]);
        assert.equal(localMappingConfig({ ...mapping, inputs: {} }).filterPatterns, undefined);
    });

    describe("the program's patterns for routes", () => {
        const attribute = fc.constantFrom("entityType", "tier");
        const routeValue: fc.Arbitrary<RouteValue> = fc.oneof(
            fc.constantFrom("Customer", "Order", "").map((S) => ({ S })),
            fc.constantFrom("1", "2").map((N) => ({ N })),
            fc.boolean().map((BOOL) => ({ BOOL })),
        );
        const route: fc.Arbitrary<DeployedRoute> = fc.oneof(
            fc.record({
                name: fc.constant("r"),
                table: fc.constant("t"),
                match: fc.record({
                    keyPrefix: fc.record({
                        attribute: fc.constantFrom("pk", "sk"),
                        prefix: fc.constantFrom("a", "ab", "b"),
                    }),
                }),
            }),
            fc.record({
                name: fc.constant("r"),
                table: fc.constant("t"),
                match: fc.record({
                    attributeEquals: fc.record({
                        attribute,
                        values: fc.array(routeValue, { minLength: 1, maxLength: 3 }),
                    }),
                }),
            }),
        );
        const value: fc.Arbitrary<AttributeValue> = fc.oneof(
            routeValue as fc.Arbitrary<AttributeValue>,
            fc.constant({ NULL: true }),
            fc.constant({ SS: ["Customer"] as string[] }),
        );
        const image = fc.dictionary(attribute, value, { maxKeys: 2 });
        const record = fc
            .record({
                eventName: fc.constantFrom("INSERT", "MODIFY", "REMOVE"),
                pk: fc.constantFrom("a1", "b1", "ab"),
                sk: fc.constantFrom("a", "b", "abc"),
                oldImage: image,
                newImage: image,
            })
            .map(({ eventName, pk, sk, oldImage, newImage }): DynamoDBRecord => {
                const keys = { pk: { S: pk }, sk: { S: sk } };
                return dynamodbRecordFactory({
                    eventName,
                    keys,
                    ...(eventName === "REMOVE" ? {} : { newImage: { ...newImage, ...keys } }),
                    ...(eventName === "INSERT" ? {} : { oldImage: { ...oldImage, ...keys } }),
                });
            });

        it("let through exactly the records whose key, new image or old image some route matches", () => {
            fc.assert(
                fc.property(
                    fc.array(route, { minLength: 1, maxLength: 4 }),
                    record,
                    (routes, streamRecord) => {
                        const patterns = routeFilterPatterns(routes) ?? [];
                        const change = routeRecord(streamRecord);
                        const stream = streamRecord.dynamodb!;
                        const needed = routes.some(
                            (candidate) =>
                                routeAction(
                                    candidate,
                                    {
                                        eventName: streamRecord.eventName,
                                        keys: stream.Keys!,
                                        newImage: stream.NewImage,
                                        oldImage: stream.OldImage,
                                    },
                                    change,
                                ) !== undefined,
                        );
                        assert.equal(
                            matchesFilterCriteria(JSON.parse(JSON.stringify(streamRecord)), patterns),
                            needed,
                            JSON.stringify({ patterns, record: stream }),
                        );
                    },
                ),
                { numRuns: Number(process.env.FC_NUM_RUNS ?? 500) },
            );
        });
    });
});
