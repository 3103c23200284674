import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ReportViolation, type ResourceValidationPolicy } from "@pulumi/policy";
import { describeStatement, listOf, statementsOf, type Statement } from "./documents";
import { isSet } from "./inputs";

/**
 * Every IAM role in the stack (each is a Lambda function's: the program declares no other) has only
 * inline statements that name their actions and resources: no wildcard in an action, no NotAction
 * or NotResource, no Resource "*", and no managed policy (whose statements the stack cannot see or
 * pin down). A resource rule, so that `pulumi up` checks each role and role policy just before it
 * creates or updates it, and refuses a broad one before it exists.
 */
export const lambdaRoleLeastPrivilege: ResourceValidationPolicy = {
    name: "lambda-role-least-privilege",
    description:
        "IAM roles (in a ddb-changefeed stack, the function's) and their inline policies grant no wildcard " +
        'actions, no NotAction or NotResource, no Resource "*", and no managed policy is attached to them.',
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(aws.iam.RolePolicy, (rolePolicy, _args, reportViolation) => {
            reportStatementProblems(rolePolicy.policy, reportViolation);
        }),
        validateResourceOfType(aws.iam.Role, (role, _args, reportViolation) => {
            for (const policyArn of listOf(role.managedPolicyArns as string[] | undefined)) {
                reportViolation(`It has the managed policy ${policyArn} attached.`);
            }
            for (const inline of role.inlinePolicies ?? []) {
                reportStatementProblems(
                    inline.policy,
                    reportViolation,
                    `Inline policy ${inline.name ?? ""}: `,
                );
            }
        }),
        // Attachments name a managed policy: attaching any to a role is the violation, whatever
        // its ARN (which may be unknown in a preview, so it is not read).
        validateResourceOfType(aws.iam.RolePolicyAttachment, (_attachment, _args, reportViolation) => {
            reportViolation("It attaches a managed policy to a role.");
        }),
        validateResourceOfType(aws.iam.PolicyAttachment, (attachment, args, reportViolation) => {
            if (!isSet(attachment, "roles")) args.notApplicable("It attaches no policy to a role.");
            reportViolation("It attaches a managed policy to roles.");
        }),
    ],
};

/** Reports what is too broad about each Allow statement of a policy document. */
function reportStatementProblems(policy: unknown, reportViolation: ReportViolation, prefix = ""): void {
    statementsOf(policy).forEach((statement, index) => {
        for (const problem of statementProblems(statement)) {
            reportViolation(`${prefix}${capitalized(describeStatement(statement, index))} ${problem}.`);
        }
    });
}

/** What is too broad about an Allow statement. */
function statementProblems(statement: Statement): string[] {
    if (statement.Effect !== "Allow") return [];
    const problems: string[] = [];
    for (const action of listOf(statement.Action)) {
        if (action.includes("*")) problems.push(`grants the wildcard action ${action}`);
    }
    if (statement.NotAction !== undefined) problems.push("grants everything but its NotAction");
    if (statement.NotResource !== undefined) problems.push("applies to everything but its NotResource");
    if (listOf(statement.Resource).includes("*")) problems.push('applies to Resource "*"');
    if (statement.Resource === undefined && statement.NotResource === undefined)
        problems.push("names no Resource");
    return problems;
}

function capitalized(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
