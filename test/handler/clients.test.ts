import { strict as assert } from "node:assert";
import { createChangeFeedClients } from "../../handler/clients";

describe("handler: the change feed's AWS clients", () => {
    it("cache each command's middleware and keep the caller's settings", async () => {
        const clients = createChangeFeedClients({
            dynamodb: { region: "eu-west-1" },
            s3: { region: "eu-west-1", forcePathStyle: true },
        });
        try {
            assert.equal(clients.dynamodb.config.cacheMiddleware, true);
            assert.equal(clients.s3.config.cacheMiddleware, true);
            assert.equal(await clients.dynamodb.config.region(), "eu-west-1");
            assert.equal(clients.s3.config.forcePathStyle, true);
        } finally {
            clients.dynamodb.destroy();
            clients.s3.destroy();
        }
    });
});
