import type { PolicyPackArgs } from "@pulumi/policy";
import { dynamodbEncryptionAtRest } from "./dynamodb";
import { lambdaRoleLeastPrivilege } from "./iam";
import { s3BucketGuardrails, s3EncryptionAtRest, s3NoPublicAccess, s3TlsOnly } from "./s3";
import {
    streamMappingBoundedRetries,
    streamMappingFailureDestination,
    streamMappingIsolatesFailures,
} from "./stream-mapping";

/** The pack's name, as `pulumi preview --policy-pack policy` reports it. */
export const POLICY_PACK_NAME = "ddb-changefeed";

/** Every rule of the pack: the invariants a ddb-changefeed stack keeps. */
export const policies = [
    s3NoPublicAccess,
    s3EncryptionAtRest,
    s3TlsOnly,
    s3BucketGuardrails,
    dynamodbEncryptionAtRest,
    lambdaRoleLeastPrivilege,
    streamMappingBoundedRetries,
    streamMappingIsolatesFailures,
    streamMappingFailureDestination,
];

/** The pack as `new PolicyPack` takes it: every rule mandatory, so a violation fails the preview. */
export const policyPackArgs: PolicyPackArgs = {
    description: "Guardrails for ddb-changefeed stacks.",
    enforcementLevel: "mandatory",
    policies,
};
