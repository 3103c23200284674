import { strict as assert } from "node:assert";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { DeployedRoute } from "../../handler/contract";
import { runLocalLake } from "../../local/lake/run-local-lake";
import { s3ClientConfig, startS3rver, type LocalServer } from "../../local/servers/s3rver";
import { archiveBatch } from "../helpers/archived-batches";
import { dynamodbRecordFactory } from "../helpers/records";

const BUCKET = "lake-archive";
const ROUTES: readonly DeployedRoute[] = [
    {
        name: "open-orders",
        match: { attributeEquals: { attribute: "status", values: [{ S: "open" }] } },
        table: "open",
    },
    { name: "everything", match: "all", table: "all" },
];
const FEED = { routes: ROUTES, ttlExpirations: "delete" as const };
const WINDOW = { from: new Date("2026-11-27T00:00:00Z"), to: new Date("2026-11-28T00:00:00Z") };

describe("the local lake run (s3rver)", function () {
    this.timeout(60_000);
    let s3rver: LocalServer;
    let s3: S3Client;

    before(async () => {
        s3rver = await startS3rver({ buckets: [BUCKET] });
        s3 = new S3Client(s3ClientConfig(s3rver.endpoint));
    });

    after(async () => {
        s3?.destroy();
        await s3rver?.stop();
    });

    it("counts nothing over an empty archive", async () => {
        const run = await runLocalLake({ s3, bucket: BUCKET, prefix: "empty/", feed: FEED, window: WINDOW });

        assert.deepEqual(
            { changes: run.changes, current: run.current, objects: run.objects },
            { changes: 0, current: { "open-orders": 0, everything: 0 }, objects: 0 },
        );
    });

    it("copies the local archive and returns the lake's row counts, each record once", async () => {
        const image = (id: string, status: string) => ({ id: { S: id }, status: { S: status } });
        const history = [
            dynamodbRecordFactory({ keys: { id: { S: "a" } }, newImage: image("a", "open") }),
            dynamodbRecordFactory({ keys: { id: { S: "b" } }, newImage: image("b", "open") }),
            dynamodbRecordFactory({
                eventName: "MODIFY",
                keys: { id: { S: "a" } },
                oldImage: image("a", "open"),
                newImage: image("a", "shipped"),
            }),
        ];
        // The whole batch, and its halves again, as a bisected retry archives them.
        const objects = [
            ...(await archiveBatch(history, { routes: ROUTES })),
            ...(await archiveBatch(history.slice(0, 1), { routes: ROUTES })),
            ...(await archiveBatch(history.slice(1), { routes: ROUTES })),
        ];
        for (const object of objects) {
            await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: object.key, Body: object.body }));
        }

        const run = await runLocalLake({
            s3,
            bucket: BUCKET,
            prefix: "changes/",
            feed: FEED,
            window: WINDOW,
        });

        assert.deepEqual(
            { changes: run.changes, current: run.current, objects: run.objects },
            { changes: 3, current: { "open-orders": 1, everything: 2 }, objects: 3 },
        );
    });
});
