/**
 * Lambda's limit on a function's environment variables, in all: 4 KB, measured on their JSON (the
 * string Lambda's refusal quotes as "String measured"). Lambda quotas,
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const ENVIRONMENT_MAX_BYTES = 4_096;

/**
 * IAM's limit on a role's inline policies, in all: 10,240 characters, white space not counted.
 * IAM and AWS STS quotas, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const ROLE_INLINE_POLICIES_MAX_CHARACTERS = 10_240;

/**
 * A function's code archive, uploaded directly: 50 MB zipped, 250 MB unzipped. Lambda quotas,
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const CODE_ARCHIVE_MAX_ZIPPED_BYTES = 50 * 1024 * 1024;
export const CODE_ARCHIVE_MAX_UNZIPPED_BYTES = 250 * 1024 * 1024;

/** The size Lambda measures a function's environment variables at. */
export function environmentSize(variables: Readonly<Record<string, string>>): number {
    return Buffer.byteLength(JSON.stringify(variables), "utf8");
}

/** The size IAM counts a role's inline policies at. */
export function inlinePoliciesSize(policies: readonly string[]): number {
    return policies.reduce((total, policy) => total + policy.replace(/\s/g, "").length, 0);
}

/**
 * Returns a function's environment variables once they fit Lambda's limit.
 *
 * @throws {Error} naming the function, the size, the limit and the largest variable
 */
export function withinEnvironmentLimit(
    functionName: string,
    variables: Readonly<Record<string, string>>,
): Record<string, string> {
    const size = environmentSize(variables);
    if (size <= ENVIRONMENT_MAX_BYTES) return { ...variables };
    const [largest] = Object.entries(variables).sort(([, a], [, b]) => b.length - a.length);
    throw new Error(
        `The function "${functionName}"'s environment variables measure ${size} bytes; Lambda allows ` +
            `${ENVIRONMENT_MAX_BYTES} in all (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). ` +
            `The largest is ${largest?.[0]} (${largest?.[1].length} characters): with routes, fewer or shorter ` +
            `routes (and \`archiveExcludeAttributes\`) make it smaller.`,
    );
}

/**
 * Returns a role's inline policy once it fits IAM's limit (each role here has one).
 *
 * @throws {Error} naming the role, the size and the limit
 */
export function withinInlinePolicyLimit(roleName: string, policy: string): string {
    const size = inlinePoliciesSize([policy]);
    if (size <= ROLE_INLINE_POLICIES_MAX_CHARACTERS) return policy;
    throw new Error(
        `The role "${roleName}"'s inline policy is ${size} characters without white space; IAM allows ` +
            `${ROLE_INLINE_POLICIES_MAX_CHARACTERS} per role (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). ` +
            `With routes, fewer routes name fewer tables.`,
    );
}
