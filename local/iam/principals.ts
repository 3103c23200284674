import { createHash } from "node:crypto";
import type { PolicyDocument } from "./evaluator";

/** A caller the local stack knows by its access key, as STS would hand a role's session one. */
export type LocalPrincipal = {
    /** The role's name (or the operator's), as the summary reports it. */
    readonly name: string;
    /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`, as AWS names the caller in a denial. */
    readonly arn: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly identityPolicies: readonly PolicyDocument[];
};

/** A role the program declares, with its inline policies' documents. */
export type DeclaredRole = {
    readonly name: string;
    readonly policies: readonly PolicyDocument[];
    /** The name of the session its service opens (Lambda: the function's name). */
    readonly sessionName: string;
};

/**
 * A principal for a role: a session of it with its own access key, derived from the role's name
 * so that a restarted local stack hands out the same keys (an `ASIA…` key id, as STS issues).
 */
export function principalForRole(role: DeclaredRole, accountId: string): LocalPrincipal {
    const digest = createHash("sha256").update(role.name).digest("hex").toUpperCase();
    return {
        name: role.name,
        arn: `arn:aws:sts::${accountId}:assumed-role/${role.name}/${role.sessionName}`,
        accessKeyId: `ASIA${digest.slice(0, 16)}`,
        secretAccessKey: digest.slice(16, 56),
        identityPolicies: role.policies,
    };
}

/** Credentials for an SDK client signing as a principal. */
export function credentialsOf(principal: LocalPrincipal): { accessKeyId: string; secretAccessKey: string } {
    return { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey };
}
