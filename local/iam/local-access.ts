import { LOCAL_CREDENTIALS } from "../../stack-access/local-stack-file";
import type { ProgramRun } from "../program";
import { createAccessLog, type AccessLog } from "./access-log";
import {
    authorizeCall,
    requestAuthorizer,
    startAccessGate,
    type AccessGate,
    type RequestAuthorizer,
} from "./access-gate";
import { declaredAccess, type DeclaredAccess } from "./declared-access";
import type { RequiredAuthorization } from "./mapped-request";
import type { LocalPrincipal } from "./principals";
import { evaluatePolicies, type PolicyDocument, type PolicyEvaluator } from "./evaluator";

/** IAM, enforced on a local stack: a gate in front of each server, and who may pass. */
export type LocalAccess = DeclaredAccess & {
    /** Where the program's principals reach DynamoDB Local and s3rver. */
    readonly endpoints: { readonly dynamodb: string; readonly s3: string };
    readonly log: AccessLog;
    /** Authorizes a request the local stack answers itself (Step Functions, DynamoDB exports). */
    readonly authorize: RequestAuthorizer;
    /**
     * Authorizes a call a declared role makes inside the local stack (the state machine invoking a
     * function).
     *
     * @returns AWS's denial message, or undefined when the call is allowed
     */
    authorizeAs(roleName: string, authorization: RequiredAuthorization): Promise<string | undefined>;
    stop(): Promise<void>;
};

export type LocalAccessOptions = {
    readonly run: ProgramRun;
    readonly accountId: string;
    readonly servers: { readonly dynamodb: string; readonly s3: string };
    /** Stream ARNs as DynamoDB Local named them → as the program declared them. */
    readonly declaredStreamArns: ReadonlyMap<string, string>;
    readonly evaluate?: PolicyEvaluator;
    /** Changes a role's policies before they are enforced (e.g. a statement removed, to see what fails). */
    readonly amendPolicies?: AmendPolicies;
};

export type AmendPolicies = (
    roleName: string,
    policies: readonly PolicyDocument[],
) => readonly PolicyDocument[];

/**
 * Whoever holds the servers' own key (the commands `npm start` prints, the tests' setup): an
 * administrator of the account, allowed everything its policies allow, as an `AdministratorAccess`
 * user is; bucket policies still apply.
 */
function administrator(accountId: string): LocalPrincipal {
    return {
        name: "administrator",
        arn: `arn:aws:iam::${accountId}:user/administrator`,
        ...LOCAL_CREDENTIALS,
        identityPolicies: [
            { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
        ],
    };
}

/**
 * Starts a gate in front of DynamoDB Local and one in front of s3rver that authorize each request
 * of the program's roles and the operator against the policies the program declares (and the
 * operator's in docs/bootstrap.md), and of the account's administrator (the servers' own key).
 * Other keys are refused, as AWS refuses an unknown key. The same decisions, recorded in the same
 * log, serve the calls the local stack answers itself (`authorize`: Step Functions, DynamoDB
 * exports) and those a role makes inside it (`authorizeAs`: the state machine invoking a function).
 */
export async function startLocalAccess(options: LocalAccessOptions): Promise<LocalAccess> {
    const access = declaredAccess(options.run, options.accountId, options.amendPolicies);
    const log = createAccessLog();
    const region = options.run.config["aws:region"] ?? "us-east-1";
    const common = {
        scope: { region, accountId: options.accountId },
        principals: [...access.roles.values(), access.operator, administrator(options.accountId)],
        resourcePolicies: access.bucketPolicies,
        evaluate: options.evaluate ?? evaluatePolicies,
        log,
        // An adopted table's stream is not declared: the program read its ARN from DynamoDB Local.
        streamArnOf: (arn: string) => options.declaredStreamArns.get(arn) ?? arn,
    };
    const gates: AccessGate[] = [];
    try {
        gates.push(
            await startAccessGate({
                ...common,
                target: options.servers.dynamodb,
                service: "dynamodb",
            }),
        );
        gates.push(
            await startAccessGate({
                ...common,
                target: options.servers.s3,
                service: "s3",
                serverAccessKeyId: LOCAL_CREDENTIALS.accessKeyId,
            }),
        );
    } catch (error) {
        await Promise.all(gates.map((gate) => gate.stop()));
        throw error;
    }
    const [dynamodb, s3] = gates as [AccessGate, AccessGate];
    return {
        ...access,
        endpoints: { dynamodb: dynamodb.endpoint, s3: s3.endpoint },
        log,
        authorize: requestAuthorizer(common),
        authorizeAs: (roleName, authorization) => {
            const principal = access.roles.get(roleName);
            if (!principal) throw new Error(`The program declares no role named ${roleName}.`);
            return authorizeCall(principal, authorization, common);
        },
        stop: async () => {
            await Promise.all(gates.map((gate) => gate.stop()));
        },
    };
}
