/** One IAM authorization a service request needs: its action, the ARN it acts on, its request's condition keys. */
export type RequiredAuthorization = {
    readonly action: string;
    readonly arn: string;
    readonly context: Readonly<Record<string, string | readonly string[]>>;
};

/** An HTTP request as the gate received it. */
export type ServiceRequest = {
    readonly method: string;
    /** Path and query, as sent. */
    readonly url: string;
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    readonly body: Buffer;
};

/** Where the local stack's ARNs live: the stack's region and the local account. */
export type ArnScope = { readonly region: string; readonly accountId: string };

/** A JSON protocol request's body as an object (`{}` when it is empty or not an object). */
export function jsonBody(request: ServiceRequest): Record<string, unknown> {
    try {
        const parsed: unknown = JSON.parse(request.body.toString("utf8") || "{}");
        return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
            ? (parsed as Record<string, unknown>)
            : {};
    } catch {
        return {};
    }
}
