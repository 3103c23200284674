import * as aws from "@pulumi/aws";
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { describeStatement, listOf, statementsOf, type Statement } from "./documents";

/**
 * The role of every Lambda function in the stack has only inline statements that name their
 * actions and resources: no wildcard in an action, no NotAction, no Resource "*", and no attached
 * managed policy (whose statements the stack cannot see or pin down).
 */
export const lambdaRoleLeastPrivilege: StackValidationPolicy = {
    name: "lambda-role-least-privilege",
    description:
        'Lambda functions\' roles grant no wildcard actions, no NotAction, no Resource "*", and carry no managed policies.',
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const functionRoles = functionRolesOf(args);
        if (functionRoles.length === 0)
            args.notApplicable("The stack has no Lambda function with a role of its own.");
        for (const role of functionRoles) {
            for (const policyArn of managedPoliciesOf(args, role)) {
                reportViolation(`Role ${role.name} has the managed policy ${policyArn} attached.`, role.urn);
            }
            for (const document of inlinePoliciesOf(args, role)) {
                statementsOf(document).forEach((statement, index) => {
                    for (const problem of statementProblems(statement)) {
                        reportViolation(
                            `Role ${role.name}: ${describeStatement(statement, index)} ${problem}.`,
                            role.urn,
                        );
                    }
                });
            }
        }
    },
};

/** A role's managed policies: its own `managedPolicyArns` and any attachment naming it. */
function managedPoliciesOf(args: StackValidationArgs, role: PolicyResource): string[] {
    const roleName = role.props.name ?? role.props.id;
    const attachments = args.resources.filter(
        (resource) =>
            (resource.isType(aws.iam.RolePolicyAttachment) && resource.props.role === roleName) ||
            (resource.isType(aws.iam.PolicyAttachment) &&
                listOf(resource.props.roles as string[] | undefined).includes(roleName)),
    );
    return [
        ...listOf(role.props.managedPolicyArns as string[] | undefined),
        ...attachments.map((attachment) => String(attachment.props.policyArn)),
    ];
}

/** A role's inline policy documents: its own `inlinePolicies` and every RolePolicy naming it. */
function inlinePoliciesOf(args: StackValidationArgs, role: PolicyResource): unknown[] {
    const roleName = role.props.name ?? role.props.id;
    return [
        ...((role.props.inlinePolicies as { policy?: string }[] | undefined) ?? []).map(
            (policy) => policy.policy,
        ),
        ...args.resources
            .filter((resource) => resource.isType(aws.iam.RolePolicy) && resource.props.role === roleName)
            .map((policy) => policy.props.policy as unknown),
    ];
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

/** The roles that Lambda functions of the stack run as (matched by ARN). */
function functionRolesOf(args: StackValidationArgs): PolicyResource[] {
    const roleArns = new Set(
        args.resources
            .filter((resource) => resource.isType(aws.lambda.Function))
            .map((fn) => fn.props.role as string | undefined),
    );
    return args.resources.filter(
        (resource) => resource.isType(aws.iam.Role) && roleArns.has(resource.props.arn),
    );
}
