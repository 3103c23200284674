import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type * as HandlerModule from "../handler";
import { withinEnvironmentLimit, withinInlinePolicyLimit } from "./function-limits";
import { bundledFactory, handlerBundle } from "./handler-bundle";
import { handlerCodePathOptions } from "./handler-code-paths";
import { FUNCTION_RUNTIME } from "./lambda-runtime";
import { lambdaAssumeRolePolicy } from "./permissions";

/** A factory export of the handler module: what a bundled function runs. */
export type HandlerFactory = {
    [K in keyof typeof HandlerModule]: (typeof HandlerModule)[K] extends () => unknown ? K : never;
}[keyof typeof HandlerModule];

/** What a function of the handler bundle runs, with what, and where it logs. */
export type BundledFunctionArgs = {
    /** The factory export of the handler module that builds the function's handler. */
    readonly factory: HandlerFactory;
    /** The log group's logical name and the prefix of its physical one (`/aws/lambda/...`). */
    readonly logGroup: { readonly name: string; readonly namePrefix: string };
    readonly logRetentionDays: number;
    /** Encrypts the log group; absent: CloudWatch Logs' own encryption. */
    readonly kmsKeyArn?: string;
    /** The role's only policy, as JSON, given the log group's ARN (the policy's logging statement names it). */
    readonly policy: (logGroupArn: pulumi.Output<string>) => pulumi.Input<string>;
    readonly memorySize: number;
    readonly timeout: number;
    readonly reservedConcurrentExecutions?: number;
    readonly variables: pulumi.Input<Record<string, pulumi.Input<string>>>;
};

/** The resources of one bundled function. */
export type BundledFunction = {
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly role: aws.iam.Role;
    readonly policy: aws.iam.RolePolicy;
    readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
};

/**
 * A Node.js function on arm64 whose code is the handler bundle (handler-bundle.ts): an explicit log
 * group, so retention and encryption are ours and the role can be scoped to it; a role of its own
 * with one inline policy (without one, CallbackFunction would attach broad *FullAccess policies);
 * and the function, JSON logs into that group, declared once the policy exists.
 *
 * @param name - the function's logical name; its role and policy are `<name>-role` and `<name>-policy`
 */
export function bundledFunction(
    name: string,
    args: BundledFunctionArgs,
    opts: pulumi.CustomResourceOptions,
): BundledFunction {
    const { kmsKeyArn } = args;
    const logGroup = new aws.cloudwatch.LogGroup(
        args.logGroup.name,
        {
            namePrefix: args.logGroup.namePrefix,
            retentionInDays: args.logRetentionDays,
            ...(kmsKeyArn ? { kmsKeyId: kmsKeyArn } : {}),
        },
        opts,
    );
    const role = new aws.iam.Role(
        `${name}-role`,
        { assumeRolePolicy: JSON.stringify(lambdaAssumeRolePolicy()) },
        opts,
    );
    const policy = new aws.iam.RolePolicy(
        `${name}-policy`,
        {
            role: role.id,
            policy: pulumi
                .output(args.policy(logGroup.arn))
                .apply((policy) => withinInlinePolicyLimit(`${name}-role`, policy)),
        },
        opts,
    );
    const callback = new aws.lambda.CallbackFunction(
        name,
        {
            callbackFactory: bundledFactory<aws.lambda.Callback<unknown, unknown>>(
                handlerBundle(),
                args.factory,
            ),
            role,
            runtime: FUNCTION_RUNTIME.name,
            architectures: ["arm64"],
            memorySize: args.memorySize,
            timeout: args.timeout,
            ...(args.reservedConcurrentExecutions !== undefined
                ? { reservedConcurrentExecutions: args.reservedConcurrentExecutions }
                : {}),
            environment: {
                variables: pulumi
                    .output(args.variables)
                    .apply((variables) => withinEnvironmentLimit(name, variables)),
            },
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
            codePathOptions: handlerCodePathOptions(),
        },
        { ...opts, dependsOn: [policy] },
    );
    return { logGroup, role, policy, function: callback };
}
