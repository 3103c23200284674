import { strict as assert } from "node:assert";
import { latencySampler, operationOf } from "../../bench/measure/latency";

describe("bench: the latency model", () => {
    it("draws latencies reproducibly, with the median and 99th percentile it is given", () => {
        const distribution = { medianMs: 30, p99Ms: 200 };
        const draws = Array.from({ length: 20_000 }, latencySampler(distribution, 7)).sort((a, b) => a - b);

        assert.deepEqual(
            Array.from({ length: 5 }, latencySampler(distribution, 7)),
            Array.from({ length: 5 }, latencySampler(distribution, 7)),
        );
        assert.notDeepEqual(
            Array.from({ length: 5 }, latencySampler(distribution, 7)),
            Array.from({ length: 5 }, latencySampler(distribution, 8)),
        );
        assert.ok(Math.abs((draws[10_000] ?? 0) / 30 - 1) < 0.05, `median ${draws[10_000]}`);
        assert.ok(Math.abs((draws[19_800] ?? 0) / 200 - 1) < 0.1, `p99 ${draws[19_800]}`);
        assert.equal(latencySampler({ medianMs: 0, p99Ms: 0 }, 7)(), 0);
    });

    it("tells the modeled operation from the X-Amz-Target header or the S3 method", () => {
        assert.equal(operationOf("dynamodb", "POST", "DynamoDB_20120810.PutItem"), "PutItem");
        assert.equal(operationOf("dynamodb", "POST", "DynamoDB_20120810.DeleteItem"), "DeleteItem");
        assert.equal(operationOf("dynamodb", "POST", "DynamoDB_20120810.DescribeTable"), undefined);
        assert.equal(operationOf("s3", "PUT", undefined), "PutObject");
        assert.equal(operationOf("s3", "GET", undefined), undefined);
    });
});
