import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { PROJECT_ROOT, runProgram, type DeclaredResource } from "../../local/program";
import { POLICY_PACK_NAME, policies, policyPackArgs } from "../../policy/policies";
import { stackSettings } from "../helpers/stack-settings";
import { runPolicies, withAdded, withChanged, without, type PolicyRun } from "./run-policies";

const BUCKET = "aws:s3/bucket:Bucket";
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
const ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const TABLE = "aws:dynamodb/table:Table";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";

const EXAMPLE_KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

type Statement = Record<string, unknown>;
/** Edits the statements of a `policy` input given as JSON text. */
const editStatements =
    (edit: (statements: Statement[]) => Statement[]) =>
    (props: Record<string, unknown>): void => {
        const document = JSON.parse(String(props.policy)) as { Statement: Statement[] };
        props.policy = JSON.stringify({ ...document, Statement: edit(document.Statement) });
    };

function violatedPolicies(run: PolicyRun): string[] {
    return [...new Set(run.violations.map((violation) => violation.policy))].sort();
}

describe("the policy pack", () => {
    it("declares its name, a mandatory enforcement level and a described, uniquely named rule per invariant", () => {
        const names = policies.map((policy) => policy.name);

        assert.equal(POLICY_PACK_NAME, "ddb-changefeed");
        assert.equal(policyPackArgs.enforcementLevel, "mandatory");
        assert.equal(new Set(names).size, names.length, "policy names are unique");
        assert.deepEqual(names, [
            "s3-no-public-access",
            "s3-encryption-at-rest",
            "s3-tls-only",
            "s3-bucket-guardrails",
            "dynamodb-encryption-at-rest",
            "lambda-role-least-privilege",
            "stream-mapping-bounded-retries",
            "stream-mapping-isolates-failures",
            "stream-mapping-failure-destination",
        ]);
        for (const policy of policies) {
            assert.ok(policy.description.length > 20, `${policy.name} has no description`);
            assert.equal(policy.enforcementLevel, "mandatory", policy.name);
        }
    });

    it("is a Pulumi policy pack folder: PulumiPolicy.yaml for Node.js and a package.json with a version", () => {
        const folder = path.join(PROJECT_ROOT, "policy");
        const manifest = parseYaml(fs.readFileSync(path.join(folder, "PulumiPolicy.yaml"), "utf8")) as {
            runtime: string;
        };
        const pkg = JSON.parse(fs.readFileSync(path.join(folder, "package.json"), "utf8")) as {
            version?: string;
            main?: string;
        };

        assert.equal(manifest.runtime, "nodejs");
        assert.match(pkg.version ?? "", /^\d+\.\d+\.\d+$/, "PolicyPack reads its version from package.json");
        assert.ok(fs.existsSync(path.join(folder, pkg.main ?? "index.js")), "the pack's entry point exists");
    });
});

const stackRuns: [string, Record<string, string>][] = [
    ["dev", {}],
    ["prod", {}],
    [
        "prod",
        { "ddb-changefeed:kmsKeyArn": EXAMPLE_KEY_ARN, "ddb-changefeed:alarmEmail": "oncall@example.com" },
    ],
];

for (const [stack, overrides] of stackRuns) {
    const variant = Object.keys(overrides).length > 0 ? ` with ${Object.keys(overrides).join(", ")}` : "";
    describe(`the policy pack on the ${stack} stack${variant} (Pulumi mocks)`, () => {
        let run: PolicyRun;

        before(async () => {
            run = await runPolicies(policies, (await runProgram(stack, overrides)).resources);
        });

        it("finds no violation, and every rule reads only values it knows", () => {
            assert.deepEqual(run.violations, []);
            assert.deepEqual(run.skipped, []);
        });

        for (const policy of policies) {
            it(`applies ${policy.name} to the program's resources`, () => {
                assert.ok((run.applied.get(policy.name) ?? 0) > 0, `${policy.name} checked nothing`);
            });
        }
    });
}

/** A deliberately broken variant of one resource, and the rule that must catch it. */
type Breakage = {
    readonly policy: string;
    readonly what: string;
    /**
     * On a new stack's first preview: the rule catches the variant, or it cannot read the value
     * yet (it is computed from a resource not yet created) and is skipped for that resource.
     */
    readonly newStackPreview: "caught" | { readonly skippedOn: string };
    readonly breaks: (resources: readonly DeclaredResource[]) => DeclaredResource[];
};

const breakages: Breakage[] = [
    {
        policy: "s3-no-public-access",
        what: "a public-access block that lets bucket policies make the bucket public",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, PUBLIC_ACCESS_BLOCK, "changefeed-archive-public-access", (props) => {
                props.blockPublicPolicy = false;
            }),
    },
    {
        policy: "s3-no-public-access",
        what: "a public-access block without restrictPublicBuckets",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, PUBLIC_ACCESS_BLOCK, "changefeed-failures-public-access", (props) => {
                delete props.restrictPublicBuckets;
            }),
    },
    {
        policy: "s3-no-public-access",
        what: "ownership controls that re-enable ACLs",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, OWNERSHIP, "changefeed-archive-ownership", (props) => {
                props.rule = { objectOwnership: "ObjectWriter" };
            }),
    },
    {
        policy: "s3-no-public-access",
        what: "a bucket with a public-read ACL",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, BUCKET, "changefeed-failures", (props) => {
                props.acl = "public-read";
            }),
    },
    {
        policy: "s3-no-public-access",
        what: "a bucket policy that also allows everyone to read objects",
        newStackPreview: { skippedOn: "changefeed-archive-tls-only" },
        breaks: (resources) =>
            withChanged(
                resources,
                BUCKET_POLICY,
                "changefeed-archive-tls-only",
                editStatements((statements) => [
                    ...statements,
                    {
                        Effect: "Allow",
                        Principal: { AWS: "*" },
                        Action: "s3:GetObject",
                        Resource: "arn:aws:s3:::changefeed-archive-dev/*",
                    },
                ]),
            ),
    },
    {
        policy: "s3-encryption-at-rest",
        what: "a default-encryption configuration with no rule",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, ENCRYPTION, "changefeed-archive-encryption", (props) => {
                props.rules = [];
            }),
    },
    {
        policy: "s3-encryption-at-rest",
        what: "a default-encryption rule without an algorithm",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, ENCRYPTION, "changefeed-failures-encryption", (props) => {
                props.rules = [{ bucketKeyEnabled: true }];
            }),
    },
    {
        policy: "s3-tls-only",
        what: "a bucket policy without the deny on insecure transport",
        newStackPreview: { skippedOn: "changefeed-failures-tls-only" },
        breaks: (resources) =>
            withChanged(
                resources,
                BUCKET_POLICY,
                "changefeed-failures-tls-only",
                editStatements(() => []),
            ),
    },
    {
        policy: "s3-tls-only",
        what: "a TLS deny that covers the bucket but not its objects",
        newStackPreview: { skippedOn: "changefeed-archive-tls-only" },
        breaks: (resources) =>
            withChanged(
                resources,
                BUCKET_POLICY,
                "changefeed-archive-tls-only",
                editStatements((statements) =>
                    statements.map((statement) => ({
                        ...statement,
                        Resource: (statement.Resource as string[]).filter((arn) => !arn.endsWith("/*")),
                    })),
                ),
            ),
    },
    {
        policy: "s3-bucket-guardrails",
        what: "a bucket without a public-access block",
        newStackPreview: "caught",
        breaks: (resources) => without(resources, PUBLIC_ACCESS_BLOCK, "changefeed-failures-public-access"),
    },
    {
        policy: "s3-bucket-guardrails",
        what: "a bucket without a bucket policy",
        newStackPreview: "caught",
        breaks: (resources) => without(resources, BUCKET_POLICY, "changefeed-archive-tls-only"),
    },
    {
        policy: "s3-bucket-guardrails",
        what: "a bucket without default encryption",
        newStackPreview: "caught",
        breaks: (resources) => without(resources, ENCRYPTION, "changefeed-archive-encryption"),
    },
    {
        policy: "s3-bucket-guardrails",
        what: "a bucket without ownership controls",
        newStackPreview: "caught",
        breaks: (resources) => without(resources, OWNERSHIP, "changefeed-failures-ownership"),
    },
    {
        policy: "dynamodb-encryption-at-rest",
        what: "a table on the default AWS-owned key",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, TABLE, "changefeed-projection", (props) => {
                delete props.serverSideEncryption;
            }),
    },
    {
        policy: "dynamodb-encryption-at-rest",
        what: "a table with KMS encryption turned off",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, TABLE, "changefeed-source", (props) => {
                props.serverSideEncryption = { enabled: false };
            }),
    },
    {
        policy: "lambda-role-least-privilege",
        what: "a role policy granting dynamodb:* on the projection",
        newStackPreview: { skippedOn: "changefeed-handler-policy" },
        breaks: (resources) =>
            withChanged(
                resources,
                ROLE_POLICY,
                "changefeed-handler-policy",
                editStatements((statements) =>
                    statements.map((statement) =>
                        statement.Sid === "WriteProjection"
                            ? { ...statement, Action: ["dynamodb:*"] }
                            : statement,
                    ),
                ),
            ),
    },
    {
        policy: "lambda-role-least-privilege",
        what: "a role policy granting s3:PutObject on every resource",
        newStackPreview: { skippedOn: "changefeed-handler-policy" },
        breaks: (resources) =>
            withChanged(
                resources,
                ROLE_POLICY,
                "changefeed-handler-policy",
                editStatements((statements) =>
                    statements.map((statement) =>
                        statement.Sid === "ArchiveBatches" ? { ...statement, Resource: "*" } : statement,
                    ),
                ),
            ),
    },
    {
        policy: "lambda-role-least-privilege",
        what: "a role policy with a NotAction statement",
        newStackPreview: { skippedOn: "changefeed-handler-policy" },
        breaks: (resources) =>
            withChanged(
                resources,
                ROLE_POLICY,
                "changefeed-handler-policy",
                editStatements((statements) => [
                    ...statements,
                    { Sid: "Everything", Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::x" },
                ]),
            ),
    },
    {
        policy: "lambda-role-least-privilege",
        what: "a managed policy attached to the function's role",
        newStackPreview: "caught",
        breaks: (resources) => {
            const role = resources.find((resource) => resource.type === ROLE);
            return withAdded(resources, {
                type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                name: "changefeed-handler-full-access",
                inputs: {
                    // A preview does not know the role's name yet, as it would not on a new stack.
                    role: role?.state.id ?? pulumi.unknown,
                    policyArn: "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
                },
            });
        },
    },
    {
        policy: "lambda-role-least-privilege",
        what: "a role with a managed policy ARN of its own",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, ROLE, "changefeed-handler-role", (props) => {
                props.managedPolicyArns = ["arn:aws:iam::aws:policy/AmazonS3FullAccess"];
            }),
    },
    {
        policy: "stream-mapping-bounded-retries",
        what: "a mapping that retries forever",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, MAPPING, "changefeed-mapping", (props) => {
                props.maximumRetryAttempts = -1;
            }),
    },
    {
        policy: "stream-mapping-bounded-retries",
        what: "a mapping with AWS's default (infinite) record age",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, MAPPING, "changefeed-mapping", (props) => {
                delete props.maximumRecordAgeInSeconds;
            }),
    },
    {
        policy: "stream-mapping-isolates-failures",
        what: "a mapping that does not bisect failing batches",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, MAPPING, "changefeed-mapping", (props) => {
                props.bisectBatchOnFunctionError = false;
            }),
    },
    {
        policy: "stream-mapping-isolates-failures",
        what: "a mapping that ignores partial batch responses",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, MAPPING, "changefeed-mapping", (props) => {
                props.functionResponseTypes = [];
            }),
    },
    {
        policy: "stream-mapping-failure-destination",
        what: "a mapping without an on-failure destination",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, MAPPING, "changefeed-mapping", (props) => {
                delete props.destinationConfig;
            }),
    },
    {
        policy: "stream-mapping-failure-destination",
        what: "a mapping whose on-failure destination is empty",
        newStackPreview: "caught",
        breaks: (resources) =>
            withChanged(resources, MAPPING, "changefeed-mapping", (props) => {
                props.destinationConfig = { onFailure: { destinationArn: "" } };
            }),
    },
];

describe("the policy pack on deliberately broken variants of the dev stack (Pulumi mocks)", () => {
    let resources: readonly DeclaredResource[];

    before(async () => {
        resources = (await runProgram("dev")).resources;
    });

    for (const breakage of breakages) {
        it(`${breakage.policy} catches ${breakage.what}, and no other rule fires`, async () => {
            const run = await runPolicies(policies, breakage.breaks(resources));

            assert.deepEqual(
                violatedPolicies(run),
                [breakage.policy],
                JSON.stringify(run.violations, null, 2),
            );
        });
    }

    it("has at least one broken variant for every rule", () => {
        assert.deepEqual(
            [...new Set(breakages.map((breakage) => breakage.policy))].sort(),
            policies.map((policy) => policy.name).sort(),
        );
    });
});

/** A rule's row of the policy table in docs/policy.md, by column. */
type TableRow = {
    readonly kind: string;
    readonly newStackPreview: string;
    readonly existingStackPreview: string;
    readonly update: string;
};

function documentedPolicyTable(): Map<string, TableRow> {
    const section = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "policy.md"), "utf8");
    const rows = new Map<string, TableRow>();
    for (const line of section.split("\n").filter((candidate) => candidate.startsWith("| `"))) {
        const [rule = "", kind = "", , newStackPreview = "", existingStackPreview = "", update = ""] = line
            .split("|")
            .slice(1, -1)
            .map((cell) => cell.trim());
        rows.set(rule.replace(/`/g, ""), { kind, newStackPreview, existingStackPreview, update });
    }
    return rows;
}

/** How a run treated a rule: ran on every resource it applies to, on some (skipped on others), or on none. */
function gating(run: PolicyRun, policy: string): "gates" | "partly" | "advisory" {
    const applied = run.applied.get(policy) ?? 0;
    const skipped = run.skipped.filter((entry) => entry.policy === policy).length;
    if (skipped === 0) return "gates";
    return applied > 0 ? "partly" : "advisory";
}

for (const [stack, overrides] of stackRuns) {
    const variant = Object.keys(overrides).length > 0 ? ` with ${Object.keys(overrides).join(", ")}` : "";
    describe(`the policy pack on the ${stack} stack's first preview${variant} (Pulumi mocks: computed values unknown)`, () => {
        let run: PolicyRun;

        before(async () => {
            run = await runPolicies(
                policies,
                (await runProgram(stack, overrides, { mode: "new-stack-preview" })).resources,
            );
        });

        it("finds no violation", () => {
            assert.deepEqual(run.violations, []);
        });

        it("skips, as advisory, only the checks that need a value computed from a resource not yet created", () => {
            assert.deepEqual(
                [...new Set(run.skipped.map((entry) => `${entry.policy} on ${entry.resource}`))].sort(),
                [
                    "lambda-role-least-privilege on changefeed-handler-policy",
                    "s3-no-public-access on changefeed-archive-tls-only",
                    "s3-no-public-access on changefeed-failures-tls-only",
                    "s3-tls-only on changefeed-archive-tls-only",
                    "s3-tls-only on changefeed-failures-tls-only",
                    // The backfill from exports comes with point-in-time recovery.
                    ...(stackSettings(stack)("pointInTimeRecovery") === true
                        ? [
                              "lambda-role-least-privilege on changefeed-backfill-function-policy",
                              "lambda-role-least-privilege on changefeed-backfill-state-machine-policy",
                              "s3-no-public-access on changefeed-backfill-exports-tls-only",
                              "s3-tls-only on changefeed-backfill-exports-tls-only",
                          ]
                        : []),
                ].sort(),
            );
            for (const entry of run.skipped) assert.match(entry.message, /can't be known during preview/);
        });

        it("gates the preview exactly as the policy table in docs/policy.md says", () => {
            const table = documentedPolicyTable();

            for (const policy of policies) {
                const row = table.get(policy.name);
                assert.ok(row, `docs/policy.md's policy table has no row for ${policy.name}`);
                assert.equal(row.newStackPreview.split(/[:( ]/)[0], gating(run, policy.name), policy.name);
            }
        });
    });
}

describe("the policy table in docs/policy.md", () => {
    it("lists every rule once, in the pack's order, with its kind and when it can stop a change", () => {
        const table = documentedPolicyTable();

        assert.deepEqual(
            [...table.keys()],
            policies.map((policy) => policy.name),
        );
        for (const policy of policies) {
            const row = table.get(policy.name)!;
            const kind = "validateStack" in policy ? "stack" : "resource";
            assert.equal(row.kind, kind, policy.name);
            // An existing stack's resources are known, as in the update runs above (nothing skipped).
            assert.equal(row.existingStackPreview, "gates", policy.name);
            // Pulumi runs stack rules after every change of an update, resource rules before each.
            assert.match(
                row.update,
                kind === "stack" ? /^after every change/ : /^gates, before/,
                policy.name,
            );
        }
    });
});

describe("the policy pack on deliberately broken variants of the dev stack's first preview (Pulumi mocks)", () => {
    let resources: readonly DeclaredResource[];

    before(async () => {
        resources = (await runProgram("dev", {}, { mode: "new-stack-preview" })).resources;
    });

    for (const breakage of breakages) {
        const expected = breakage.newStackPreview;
        if (expected === "caught") {
            it(`${breakage.policy} already catches ${breakage.what}, and no other rule fires`, async () => {
                const run = await runPolicies(policies, breakage.breaks(resources));

                assert.deepEqual(
                    violatedPolicies(run),
                    [breakage.policy],
                    JSON.stringify(run.violations, null, 2),
                );
            });
        } else {
            it(`${breakage.policy} cannot see ${breakage.what} yet: ${expected.skippedOn} is skipped as advisory`, async () => {
                // The value the variant would change is unknown here, so the variant cannot even be
                // written: the rule reads the unknown value and is skipped (the update checks it).
                const run = await runPolicies(policies, resources);

                assert.ok(
                    run.skipped.some(
                        (entry) => entry.policy === breakage.policy && entry.resource === expected.skippedOn,
                    ),
                    JSON.stringify(run.skipped, null, 2),
                );
            });
        }
    }
});
