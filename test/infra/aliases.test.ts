import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { installMocks, PROJECT_NAME, PROJECT_ROOT, readStackConfig } from "../../local/program";
import { aliasUrns, recordRegistrations, type Registration } from "../helpers/pulumi-mocks";

/**
 * Every URN the program declared before its resources moved into the ChangeFeed component
 * (recorded from that version of index.ts under the same mocks). A stack deployed then must keep
 * each of these resources: the engine matches them through aliases instead of replacing them.
 */
const BUCKET_GUARDRAIL_TYPES: Record<string, string> = {
    "public-access": "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "tls-only": "aws:s3/bucketPolicy:BucketPolicy",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
};

const URNS_BEFORE_COMPONENT = JSON.parse(
    fs.readFileSync(path.join(__dirname, "fixtures", "urns-before-component.json"), "utf8"),
) as Record<string, string[]>;

/** Resources added since, none of which replaces an existing one: the backfill from point-in-time exports. */
const ADDED_SINCE = [
    "ddb-changefeed:backfill:ExportBackfill changefeed-backfill",
    "ddb-changefeed:storage:SecureBucket changefeed-backfill-exports",
    "aws:s3/bucket:Bucket changefeed-backfill-exports",
    ...["public-access", "ownership", "encryption", "tls-only", "versioning", "lifecycle"].map(
        (guardrail) => `${BUCKET_GUARDRAIL_TYPES[guardrail]} changefeed-backfill-exports-${guardrail}`,
    ),
    "aws:cloudwatch/logGroup:LogGroup changefeed-backfill-logs",
    "aws:iam/role:Role changefeed-backfill-function-role",
    "aws:iam/rolePolicy:RolePolicy changefeed-backfill-function-policy",
    "aws:lambda/function:Function changefeed-backfill-function",
    "aws:iam/role:Role changefeed-backfill-state-machine-role",
    "aws:sfn/stateMachine:StateMachine changefeed-backfill-state-machine",
    "aws:iam/rolePolicy:RolePolicy changefeed-backfill-state-machine-policy",
];

for (const stack of ["dev", "prod"]) {
    describe(`the ${stack} stack deployed before the ChangeFeed component (Pulumi mocks)`, () => {
        let registrations: Registration[];

        before(async () => {
            const engine = installMocks(stack, readStackConfig(stack));
            registrations = recordRegistrations(stack, PROJECT_NAME);
            for (const file of Object.keys(require.cache))
                if (!file.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[file];
            await engine.settle(require(path.join(PROJECT_ROOT, "index")) as Record<string, unknown>);
        });

        it("keeps every resource: today's URN is the new one or among its aliases", () => {
            const before = URNS_BEFORE_COMPONENT[stack];
            assert.ok(before && before.length > 20, `no recorded URNs for ${stack}`);
            const lost = before.filter((oldUrn) => {
                const [type, name] = [oldUrn.split("::")[2]?.split("$").pop(), oldUrn.split("::")[3]];
                const successor = registrations.find(
                    (registration) => registration.type === type && registration.name === name,
                );
                if (!successor) return true;
                return (
                    successor.urn !== oldUrn &&
                    !aliasUrns(successor, registrations, stack, PROJECT_NAME).includes(oldUrn)
                );
            });
            assert.deepEqual(lost, [], `resources that would be replaced:\n${lost.join("\n")}`);
        });

        it("declares no resource that did not exist before, but the component and the backfill from exports", () => {
            const before = new Set(
                URNS_BEFORE_COMPONENT[stack]?.map(
                    (urn) => `${urn.split("::")[2]?.split("$").pop()} ${urn.split("::")[3]}`,
                ),
            );
            const added = registrations
                .map((registration) => `${registration.type} ${registration.name}`)
                .filter((entry) => !before.has(entry));
            assert.deepEqual(
                added.sort(),
                [...ADDED_SINCE, "ddb-changefeed:index:ChangeFeed changefeed"].sort(),
            );
        });
    });
}
