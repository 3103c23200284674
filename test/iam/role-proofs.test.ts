import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { evaluatePolicies, type PolicyDocument } from "../../local/iam/evaluator";
import { fillPlaceholders, policyBlocks, type Statement } from "../../local/iam/policy-blocks";
import { actionReference, documentedContext, evaluatedResource } from "../../local/iam/service-reference";
import { LOCAL_ACCOUNT_ID, PROJECT_ROOT, runProgram, type ProgramRun } from "../../local/program";
import { existingTables, SINGLE_TABLE_DESIGN } from "../helpers/pulumi-mocks";
import { declaredAccess } from "../../local/iam/declared-access";
import { GET_TABLE_CALLS, PROVIDER_CALLS, type ProviderCall } from "./provider-calls";
import { RUNTIME_CALLS, runtimeCalls, type RuntimeActor } from "./runtime-calls";

const BOOTSTRAP = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "bootstrap.md"), "utf8");
const SCOPE = { region: "us-east-1", account: LOCAL_ACCOUNT_ID };
const ADOPTED_TABLE = "orders-single-table";

/** The policies docs/bootstrap.md gives a role, its placeholders filled in for the mock engine's account. */
function documented(
    heading: RegExp,
    include: (statement: Statement) => boolean = () => true,
): PolicyDocument[] {
    return policyBlocks(BOOTSTRAP)
        .filter((block) => heading.test(block.heading))
        .map((block) => ({
            Version: "2012-10-17",
            Statement: fillPlaceholders(block.statements.filter(include), {
                region: SCOPE.region,
                account: SCOPE.account,
            }),
        }));
}

const kmsFree = (statement: Statement) => !String(statement.Resource).includes("kmsKeyArn");
const DEPLOY = documented(
    /^Permissions: deploy roles/,
    (s) => kmsFree(s) && s.Sid !== "EmptyBucketsOnDestroy",
);
const DEV_DEPLOY = documented(/^Permissions: deploy roles/, kmsFree);
const PREVIEW = documented(/^Permissions: preview role/);

type Denied = { readonly call: string; readonly reason: string };

async function denials(
    role: string,
    policies: readonly PolicyDocument[],
    calls: readonly ProviderCall[],
    bucketPolicies: ReadonlyMap<string, PolicyDocument> = new Map(),
): Promise<Denied[]> {
    const denied: Denied[] = [];
    for (const call of calls) {
        const reference = await actionReference(call.action);
        if (!reference) {
            denied.push({
                call: `${call.action} ${call.arn}`,
                reason: "not in the Service Authorization Reference",
            });
            continue;
        }
        const decision = await evaluatePolicies({
            principalArn: `arn:aws:sts::${SCOPE.account}:assumed-role/${role}/session`,
            action: reference.action,
            resource: evaluatedResource(reference, call.arn),
            accountId: SCOPE.account,
            context: { ...documentedContext(reference, call.context ?? {}), "aws:SecureTransport": "true" },
            identityPolicies: policies,
            ...(bucketPolicies.has(bucketOf(call.arn))
                ? { resourcePolicy: bucketPolicies.get(bucketOf(call.arn))! }
                : {}),
        });
        if (!decision.allowed)
            denied.push({ call: `${call.phase} ${call.action} ${call.arn}`, reason: decision.reason });
    }
    return denied;
}

const bucketOf = (arn: string): string => /^arn:aws:s3:::([^/]+)/.exec(arn)?.[1] ?? "";

function providerCalls(run: ProgramRun, phases: readonly string[]): ProviderCall[] {
    return run.resources
        .filter((resource) => resource.type.startsWith("aws:"))
        .flatMap((resource) => PROVIDER_CALLS[resource.type]?.calls(resource, SCOPE) ?? [])
        .filter((call) => phases.includes(call.phase));
}

/** Reading or writing change data: the objects of every bucket and the items of every table. */
function changeDataCalls(run: ProgramRun): ProviderCall[] {
    const buckets = run.resources
        .filter((r) => r.type === "aws:s3/bucket:Bucket")
        .map((r) => String(r.state.bucket));
    const tables = run.resources
        .filter((r) => r.type === "aws:dynamodb/table:Table")
        .map((r) => String(r.state.arn));
    const objectActions = [
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:PutObject",
        "s3:RestoreObject",
        "s3:DeleteObject",
    ];
    const itemActions = [
        "GetItem",
        "BatchGetItem",
        "Query",
        "Scan",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "BatchWriteItem",
        "ExportTableToPointInTime",
        "RestoreTableToPointInTime",
    ];
    return [
        ...buckets.flatMap((bucket) =>
            objectActions.map((action) => ({
                phase: "read" as const,
                action,
                arn: `arn:aws:s3:::${bucket}/changes/2026/object.jsonl.gz`,
            })),
        ),
        ...tables.flatMap((arn) =>
            itemActions.map((name) => ({ phase: "read" as const, action: `dynamodb:${name}`, arn })),
        ),
    ];
}

describe("every role, proven against the calls its user makes (the evaluator, docs/bootstrap.md's policies)", function () {
    this.timeout(120_000);
    const runs = new Map<string, ProgramRun>();

    before(async () => {
        for (const stack of ["dev", "prod", "adopt"]) {
            runs.set(
                stack,
                await runProgram(
                    stack,
                    {},
                    { invoke: existingTables({ [ADOPTED_TABLE]: SINGLE_TABLE_DESIGN }) },
                ),
            );
        }
    });

    it("has the provider's calls for every resource type the program declares, each citing the provider's source", () => {
        const declared = new Set(
            [...runs.values()]
                .flatMap((run) => run.resources.map((r) => r.type))
                .filter((t) => t.startsWith("aws:")),
        );

        assert.deepEqual([...declared].filter((type) => !PROVIDER_CALLS[type]).sort(), []);
        for (const [type, entry] of Object.entries(PROVIDER_CALLS)) {
            assert.match(
                entry.source,
                /^https:\/\/github\.com\/hashicorp\/terraform-provider-aws\/blob\/[^/]+\/internal\/service\/[a-z0-9]+\/[a-z_]+\.go$/,
                type,
            );
        }
    });

    for (const stack of ["dev", "prod"]) {
        it(`lets each runtime principal of the ${stack} stack make the calls the local runs recorded, under the policies the program declares (the operator: docs/bootstrap.md's)`, async () => {
            const run = runs.get(stack)!;
            const access = declaredAccess(run, SCOPE.account);
            const roleOf = (logicalName: string) =>
                String(run.resources.find((resource) => resource.name === logicalName)?.state.name);
            const principals: Record<RuntimeActor, string> = {
                handler: roleOf("changefeed-handler-role"),
                backfillFunction: roleOf("changefeed-backfill-function-role"),
                stateMachine: roleOf("changefeed-backfill-state-machine-role"),
                operator: access.operator.name,
                operatorRedrive: access.operator.name,
            };
            const denied: Denied[] = [];
            for (const actor of Object.keys(RUNTIME_CALLS) as RuntimeActor[]) {
                const principal =
                    principals[actor] === access.operator.name
                        ? access.operator
                        : access.roles.get(principals[actor])!;
                const calls = runtimeCalls(actor, stack).map((call) => {
                    const [action = "", arn = ""] = call.replace("…", "example").split(" ");
                    return { phase: "read" as const, action, arn };
                });
                denied.push(
                    ...(await denials(
                        principal.name,
                        principal.identityPolicies,
                        calls,
                        access.bucketPolicies,
                    )),
                );
            }

            assert.deepEqual(denied, []);
        });

        it(`lets the ${stack} deploy role make every create, read, update and delete call of the ${stack} stack`, async () => {
            const policies = stack === "dev" ? DEV_DEPLOY : DEPLOY;

            assert.deepEqual(
                await denials(
                    `ddb-changefeed-deploy-${stack}`,
                    policies,
                    providerCalls(runs.get(stack)!, ["create", "read", "update", "delete"]),
                ),
                [],
            );
        });
    }

    for (const stack of ["dev", "prod", "adopt"]) {
        it(`lets the preview role preview the ${stack} stack with --refresh, a changed state machine definition included`, async () => {
            const run = runs.get(stack)!;
            const validation = providerCalls(run, ["create"]).filter(
                (call) => call.action === "states:ValidateStateMachineDefinition",
            );
            const adopted = run.config["ddb-changefeed:sourceTableName"]
                ? GET_TABLE_CALLS.actions.map((action) => ({
                      phase: "read" as const,
                      action,
                      arn: `arn:aws:dynamodb:${SCOPE.region}:${SCOPE.account}:table/${ADOPTED_TABLE}`,
                  }))
                : [];

            assert.deepEqual(
                await denials("ddb-changefeed-preview", PREVIEW, [
                    ...providerCalls(run, ["read"]),
                    ...validation,
                    ...adopted,
                ]),
                [],
            );
        });
    }

    it("never lets a deploy or preview role read or write change data; dev's deploy role may only delete objects", async () => {
        const reachable: string[] = [];
        for (const [stack, run] of runs) {
            const roles: [string, readonly PolicyDocument[]][] = [
                [`preview`, PREVIEW],
                [`deploy`, stack === "dev" ? DEV_DEPLOY : DEPLOY],
            ];
            for (const [role, policies] of roles) {
                const calls = changeDataCalls(run);
                const denied = new Set(
                    (await denials(role, policies, calls)).map((denial) => denial.call.replace(/^read /, "")),
                );
                for (const call of calls) {
                    const name = `${call.action} ${call.arn}`;
                    const allowedException =
                        stack === "dev" && role === "deploy" && call.action === "s3:DeleteObject";
                    if (!denied.has(name) && !allowedException) reachable.push(`${stack} ${role}: ${name}`);
                }
            }
        }

        assert.deepEqual(reachable, []);
    });
});
