import { strict as assert } from "node:assert";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { listKeys } from "../../stack-access/s3-keys";
import { s3ClientConfig, startS3rver } from "../../local/servers/s3rver";
import type { LocalServer } from "../../local/servers/supervision";
import { REDRIVEN_PREFIX, runRedrive } from "../../ops/redrive";
import { dynamodbRecordFactory } from "../helpers/records";

const BUCKET = "failures-payload-forms";

describe("redrive reads a failure record's payload as a JSON string or as an object", function () {
    this.timeout(30_000);
    let server: LocalServer;
    let s3: S3Client;

    before(async () => {
        server = await startS3rver({ buckets: [BUCKET] });
        s3 = new S3Client(s3ClientConfig(server.endpoint));
    });

    after(async () => {
        s3?.destroy();
        await server?.stop();
    });

    it("re-runs the records of both forms and moves both objects under redriven/", async () => {
        const asString = [dynamodbRecordFactory(), dynamodbRecordFactory()];
        const asObject = [dynamodbRecordFactory()];
        const key = (name: string) =>
            `aws/lambda/mapping-uuid/shard-1/2026/11/28/2026-11-28T06.00.00-${name}`;
        const put = (name: string, payload: unknown) =>
            s3.send(
                new PutObjectCommand({
                    Bucket: BUCKET,
                    Key: key(name),
                    Body: JSON.stringify({ version: "1.0", DDBStreamBatchInfo: {}, payload }),
                }),
            );
        await put("string", JSON.stringify({ Records: asString })); // as the local mapping writes it
        await put("object", { Records: asObject });
        const ran: DynamoDBStreamEvent[] = [];

        const result = await runRedrive({
            s3,
            failureBucket: BUCKET,
            dryRun: false,
            log: () => undefined,
            runBatch: async (event) => {
                ran.push(event);
                return { failures: [] };
            },
        });

        assert.deepEqual(
            result.objects.map((object) => [object.key, object.records, object.outcome]),
            [
                [key("object"), 1, "redriven"],
                [key("string"), 2, "redriven"],
            ],
        );
        assert.deepEqual(ran, [{ Records: asObject }, { Records: asString }]);
        assert.deepEqual((await listKeys(s3, BUCKET)).sort(), [
            `${REDRIVEN_PREFIX}${key("object")}`,
            `${REDRIVEN_PREFIX}${key("string")}`,
        ]);
    });
});
