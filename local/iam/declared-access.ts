import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stack-access/project";
import type { ProgramRun } from "../program";
import type { PolicyDocument } from "./evaluator";
import { fillPlaceholders, policyBlocks } from "./policy-blocks";
import { principalForRole, type LocalPrincipal } from "./principals";

/** Who may do what on a local stack: the program's roles, the operator, and the bucket policies. */
export type DeclaredAccess = {
    /** One per role the program declares, by the role's physical name. */
    readonly roles: ReadonlyMap<string, LocalPrincipal>;
    /** Whoever runs `npm run backfill`/`redrive`, with docs/bootstrap.md's operator policies. */
    readonly operator: LocalPrincipal;
    /** Bucket policies, by bucket name. */
    readonly bucketPolicies: ReadonlyMap<string, PolicyDocument>;
};

const OPERATOR_SECTION = /^7\. Operators/;
export const OPERATOR_NAME = "operator";

/**
 * What the program declares about access, as AWS would hold it: each role with its inline
 * policies (the `policy` input of each RolePolicy naming it), its session named as its service
 * names it (Lambda: the function's name; Step Functions: the state machine's), the operator with the
 * policies docs/bootstrap.md gives operators (placeholders filled from the run's outputs), and
 * each bucket's policy.
 */
export function declaredAccess(
    run: ProgramRun,
    accountId: string,
    amendPolicies: (roleName: string, policies: readonly PolicyDocument[]) => readonly PolicyDocument[] = (
        _role,
        policies,
    ) => policies,
): DeclaredAccess {
    const region = run.config["aws:region"] ?? "us-east-1";
    const ofType = (type: string) => run.resources.filter((resource) => resource.type === type);
    const users = [...ofType("aws:lambda/function:Function"), ...ofType("aws:sfn/stateMachine:StateMachine")];
    const roles = new Map<string, LocalPrincipal>();
    for (const role of ofType("aws:iam/role:Role")) {
        const name = String(role.state.name);
        const arn = String(role.state.arn);
        const policies = ofType("aws:iam/rolePolicy:RolePolicy")
            .filter((policy) => policy.inputs.role === name || policy.inputs.role === arn)
            .map((policy) => JSON.parse(String(policy.inputs.policy)) as PolicyDocument);
        const user = users.find(
            (resource) => resource.inputs.role === arn || resource.inputs.roleArn === arn,
        );
        roles.set(
            name,
            principalForRole(
                {
                    name,
                    policies: amendPolicies(name, policies),
                    sessionName: String(user?.state.name ?? name),
                },
                accountId,
            ),
        );
    }
    const bucketPolicies = new Map(
        ofType("aws:s3/bucketPolicy:BucketPolicy").map((policy) => [
            String(policy.inputs.bucket),
            JSON.parse(String(policy.inputs.policy)) as PolicyDocument,
        ]),
    );
    return { roles, operator: operatorPrincipal(run, region, accountId), bucketPolicies };
}

/** The operator as docs/bootstrap.md's section 7 grants: its policies with this stack's names. */
function operatorPrincipal(run: ProgramRun, region: string, accountId: string): LocalPrincipal {
    const markdown = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "bootstrap.md"), "utf8");
    const outputs = run.outputs;
    const text = (value: unknown): string => (value === undefined ? "" : String(value));
    const projectionTables = Array.isArray(outputs.projectionTableNames)
        ? outputs.projectionTableNames.map(String)
        : [text(outputs.projectionTableName)];
    const values = {
        region,
        account: accountId,
        function: text(outputs.functionName),
        "source table": text(outputs.sourceTableName),
        "projection table": projectionTables,
        "archive bucket": text(outputs.archiveBucketName),
        "failure bucket": text(outputs.failureBucketName),
        "state machine": text(outputs.backfillStateMachineArn).split(":").at(-1) ?? "",
        "backfill bucket": text(outputs.backfillBucketName),
    };
    const policies = policyBlocks(markdown)
        .filter((block) => OPERATOR_SECTION.test(block.heading))
        .map((block) => ({ Version: "2012-10-17", Statement: fillPlaceholders(block.statements, values) }));
    return principalForRole({ name: OPERATOR_NAME, policies, sessionName: "ops" }, accountId);
}
