/** An IAM or resource policy statement, as far as the rules read it. */
export type Statement = {
    readonly Sid?: string;
    readonly Effect?: string;
    readonly Principal?: unknown;
    readonly Action?: string | readonly string[];
    readonly NotAction?: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly NotResource?: string | readonly string[];
    readonly Condition?: Record<string, Record<string, unknown>>;
};

/**
 * The statements of a policy document given as JSON text (how Pulumi passes `policy` inputs) or
 * as an object; an unreadable document has none, which the rules report as missing statements.
 */
export function statementsOf(policy: unknown): Statement[] {
    let document: unknown = policy;
    if (typeof policy === "string") {
        try {
            document = JSON.parse(policy);
        } catch {
            return [];
        }
    }
    const statement = (document as { Statement?: unknown } | undefined)?.Statement;
    if (Array.isArray(statement)) return statement as Statement[];
    return statement && typeof statement === "object" ? [statement as Statement] : [];
}

/** A policy field that may be one string or a list, as a list. */
export function listOf(value: string | readonly string[] | undefined): readonly string[] {
    if (value === undefined) return [];
    return typeof value === "string" ? [value] : value;
}

/** True for a principal that means anyone: `"*"` or `{"AWS": "*"}` (alone or in a list). */
export function isEveryone(principal: unknown): boolean {
    if (principal === "*") return true;
    const aws = (principal as { AWS?: unknown } | undefined)?.AWS;
    return aws === "*" || (Array.isArray(aws) && aws.includes("*"));
}

/** A statement's label in a violation message. */
export function describeStatement(statement: Statement, index: number): string {
    return statement.Sid ? `statement ${statement.Sid}` : `statement ${index + 1}`;
}
