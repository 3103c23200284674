import { strict as assert } from "node:assert";
import AdmZip from "adm-zip";
import { ChangeFeed } from "../../infra/change-feed";
import {
    CODE_ARCHIVE_MAX_UNZIPPED_BYTES,
    CODE_ARCHIVE_MAX_ZIPPED_BYTES,
    ENVIRONMENT_MAX_BYTES,
    environmentSize,
    inlinePoliciesSize,
    ROLE_INLINE_POLICIES_MAX_CHARACTERS,
} from "../../infra/function-limits";
import { NAME_LIMITS, physicalName } from "../../infra/name-limits";
import { zipCodeArchive } from "../../local/lambda/code-archive";
import { installMocks, runProgram, type DeclaredResource } from "../../local/program";
import { existingTables, SINGLE_TABLE_DESIGN } from "../helpers/pulumi-mocks";

const FUNCTION = "aws:lambda/function:Function";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

/** A feed as a new user would name it, on a stack named after its environment and region. */
const LONG_FEED = "customer-orders-projection-feed";
const LONG_STACK = "production-eu-central-1";
const THREE_ROUTES = [
    { name: "orders", match: { keyPrefix: { attribute: "sk", prefix: "order-" } } },
    {
        name: "customers",
        match: { attributeEquals: { attribute: "entityType", values: ["Customer"] } },
        attributes: { exclude: ["email"] },
    },
    { name: "invoices", match: { keyPrefix: { attribute: "sk", prefix: "invoice-" } } },
];

/** Every resource a feed declares, under Pulumi's mocks, as a component of another program. */
async function declareFeed(
    name: string,
    args: Record<string, unknown>,
    stack = LONG_STACK,
): Promise<DeclaredResource[]> {
    const engine = installMocks(stack, { "aws:region": "eu-central-1" });
    let feed: ChangeFeed | undefined;
    await engine.settle({
        arn: (() => {
            feed = new ChangeFeed(name, args as ConstructorParameters<typeof ChangeFeed>[1]);
            return feed.handlerFunction.arn;
        })(),
    });
    return engine.resources;
}

/**
 * AWS's limits on each name, as its documentation states them (independent of the program's own
 * table, which the checks use only to read a resource's name from its inputs).
 */
const DOCUMENTED_NAME_LIMITS: readonly {
    readonly type: string;
    readonly what: string;
    readonly min?: number;
    readonly max: number;
    readonly pattern?: RegExp;
    readonly page: string;
}[] = [
    {
        type: FUNCTION,
        what: "a Lambda function's name",
        max: 64,
        pattern: /^[A-Za-z0-9_-]+$/,
        page: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
    },
    {
        type: ROLE,
        what: "an IAM role's name",
        max: 64,
        pattern: /^[\w+=,.@-]+$/,
        page: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
    },
    {
        type: ROLE_POLICY,
        what: "an inline policy's name",
        max: 128,
        pattern: /^[\w+=,.@-]+$/,
        page: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
    },
    {
        type: "aws:s3/bucket:Bucket",
        what: "an S3 bucket's name (lowercase, DNS-compatible)",
        min: 3,
        max: 63,
        pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
        page: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    },
    {
        type: "aws:dynamodb/table:Table",
        what: "a DynamoDB table's name",
        min: 3,
        max: 255,
        pattern: /^[A-Za-z0-9_.-]+$/,
        page: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html",
    },
    {
        type: "aws:sfn/stateMachine:StateMachine",
        what: "a state machine's name",
        max: 80,
        page: "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html",
    },
    {
        type: "aws:cloudwatch/logGroup:LogGroup",
        what: "a log group's name",
        max: 512,
        pattern: /^[\w\-/.#]+$/,
        page: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
    },
    {
        type: "aws:sns/topic:Topic",
        what: "an SNS topic's name",
        max: 256,
        pattern: /^[A-Za-z0-9_-]+$/,
        page: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
    },
    {
        type: "aws:cloudwatch/metricAlarm:MetricAlarm",
        what: "an alarm's name",
        max: 255,
        page: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
    },
    {
        type: "aws:cloudwatch/dashboard:Dashboard",
        what: "a dashboard's name",
        max: 255,
        pattern: /^[A-Za-z0-9_-]+$/,
        page: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html",
    },
];

describe("AWS's limits, checked before AWS would (Pulumi mocks)", function () {
    this.timeout(300_000);
    const configurations: Record<string, readonly DeclaredResource[]> = {};

    before(async () => {
        configurations.dev = (await runProgram("dev")).resources;
        configurations.prod = (await runProgram("prod")).resources;
        configurations.adopt = (
            await runProgram(
                "adopt",
                {},
                { invoke: existingTables({ "orders-single-table": SINGLE_TABLE_DESIGN }) },
            )
        ).resources;
        configurations[`${LONG_FEED} on ${LONG_STACK}`] = await declareFeed(LONG_FEED, {
            partitionKey: "pk:S",
            sortKey: "sk:S",
            pointInTimeRecovery: true,
            routes: THREE_ROUTES,
        });
    });

    const everywhere = (type: string) =>
        Object.entries(configurations).flatMap(([configuration, resources]) =>
            resources
                .filter((resource) => resource.type === type)
                .map((resource) => ({ configuration, resource })),
        );

    for (const limit of DOCUMENTED_NAME_LIMITS) {
        it(`keeps ${limit.what} within ${limit.min ?? 1}-${limit.max} characters${limit.pattern ? ` of ${String(limit.pattern)}` : ""} (${limit.page})`, () => {
            const named = everywhere(limit.type);
            assert.ok(named.length > 0, `the program declares a ${limit.type}`);
            for (const { configuration, resource } of named) {
                // Pulumi's auto-name is the logical name, "-" and 7 random characters; a prefix
                // gets 26 from the provider. A random suffix is lowercase letters and digits.
                const name = physicalName(NAME_LIMITS[limit.type]!, resource.name, resource.inputs);
                assert.ok(name, `${configuration}: ${resource.name}'s name is known`);
                const length = name.text.length + name.suffixLength;
                const where = `${configuration}: ${resource.name} is named "${name.text}" + ${name.suffixLength} characters`;
                assert.ok(length <= limit.max, `${where}: ${length} > ${limit.max}`);
                assert.ok(length >= (limit.min ?? 1), `${where}: ${length} < ${limit.min ?? 1}`);
                if (limit.pattern)
                    assert.match(name.text + "0".repeat(name.suffixLength), limit.pattern, where);
            }
        });
    }

    it("names the long feed's backfill state machine role by a deterministic prefix, not a 67-character auto-name", async () => {
        const role = (resources: readonly DeclaredResource[]) =>
            resources.find(
                (resource) =>
                    resource.type === ROLE && resource.name === `${LONG_FEED}-backfill-state-machine-role`,
            );
        const first = role(configurations[`${LONG_FEED} on ${LONG_STACK}`]!)!;
        const again = role(
            await declareFeed(LONG_FEED, {
                partitionKey: "pk:S",
                sortKey: "sk:S",
                pointInTimeRecovery: true,
            }),
        )!;

        assert.equal(`${LONG_FEED}-backfill-state-machine-role`.length + 8, 67, "what Pulumi would refuse");
        assert.equal(first.inputs.namePrefix, "customer-orders-b3686e-e-machine-role-");
        assert.equal(again.inputs.namePrefix, first.inputs.namePrefix, "the same on every run");
        assert.ok(String(first.inputs.namePrefix).length <= 38, "IAM's name prefix: 64 - 26");
    });

    it("keeps the physical names of the dev, prod and adopt stacks as they were: nothing there is shortened", () => {
        // Only the log groups are named by the program (a /aws/lambda/ prefix); everything else
        // keeps Pulumi's auto-name.
        for (const configuration of ["dev", "prod", "adopt"]) {
            const named = configurations[configuration]!.filter((resource) => {
                const limit = NAME_LIMITS[resource.type];
                return (
                    limit !== undefined &&
                    resource.type !== "aws:cloudwatch/logGroup:LogGroup" &&
                    resource.type !== "aws:cloudwatch/dashboard:Dashboard" &&
                    [limit.property, limit.prefixProperty].some(
                        (key) => key !== undefined && resource.inputs[key] !== undefined,
                    )
                );
            });
            assert.deepEqual(
                named.map((resource) => resource.name),
                [],
                configuration,
            );
        }
    });

    it("refuses at preview a feed whose function name AWS would refuse, naming the feed and the fix", async () => {
        const name = "customer-orders-projection-feed-for-the-eu-central-region";

        await assert.rejects(declareFeed(name, {}), (error: Error) => {
            assert.match(
                error.message,
                new RegExp(
                    `^ChangeFeed "${name}" on stack "${LONG_STACK}": the aws:lambda/function:Function "${name}-handler"`,
                ),
            );
            assert.match(
                error.message,
                /is 73 characters; AWS allows 64 \(https:\/\/docs\.aws\.amazon\.com\/lambda\/latest\/api\/API_CreateFunction\.html\)/,
            );
            assert.match(error.message, /Give the feed a shorter name/);
            return true;
        });
    });

    it(`keeps every function's environment variables within ${ENVIRONMENT_MAX_BYTES} bytes in all, the routes included (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)`, () => {
        for (const { configuration, resource } of everywhere(FUNCTION)) {
            const variables = (resource.inputs.environment as { variables: Record<string, string> })
                .variables;
            assert.ok(
                environmentSize(variables) <= ENVIRONMENT_MAX_BYTES,
                `${configuration}: ${resource.name}`,
            );
        }
    });

    it("refuses at preview routes whose variable would pass Lambda's 4 KB, naming the variable", async () => {
        const attribute = "a".repeat(255);
        const routes = Array.from({ length: 12 }, (_, index) => ({
            name: `route-${index}`,
            match: { attributeEquals: { attribute, values: [`value-${index}`] } },
        }));

        await assert.rejects(
            declareFeed("orders", { partitionKey: "pk:S", routes }),
            /environment variables measure \d+ bytes; Lambda allows 4096 in all .*The largest is ROUTES/s,
        );
    });

    it(`keeps every role's inline policies within ${ROLE_INLINE_POLICIES_MAX_CHARACTERS} characters in all, white space not counted (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)`, () => {
        for (const [configuration, resources] of Object.entries(configurations)) {
            const byRole = new Map<string, string[]>();
            for (const policy of resources.filter((resource) => resource.type === ROLE_POLICY)) {
                const role = String(policy.inputs.role);
                byRole.set(role, [...(byRole.get(role) ?? []), String(policy.inputs.policy)]);
            }
            assert.ok(byRole.size >= 2, configuration);
            for (const [role, policies] of byRole)
                assert.ok(
                    inlinePoliciesSize(policies) <= ROLE_INLINE_POLICIES_MAX_CHARACTERS,
                    `${configuration}: ${role}`,
                );
        }
    });

    it("keeps every function's code archive within 50 MB zipped and 250 MB unzipped (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)", async () => {
        for (const resource of configurations.dev!.filter((candidate) => candidate.type === FUNCTION)) {
            const { zip } = await zipCodeArchive(resource.inputs.code);
            const unzipped = new AdmZip(zip)
                .getEntries()
                .reduce((total, entry) => total + entry.header.size, 0);

            assert.ok(
                zip.length <= CODE_ARCHIVE_MAX_ZIPPED_BYTES,
                `${resource.name}: ${zip.length} bytes zipped`,
            );
            assert.ok(
                unzipped <= CODE_ARCHIVE_MAX_UNZIPPED_BYTES,
                `${resource.name}: ${unzipped} bytes unzipped`,
            );
        }
    });
});
