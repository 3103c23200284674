import * as aws from "@pulumi/aws";
import {
    validateResourceOfType,
    type PolicyResource,
    type ResourceValidationPolicy,
    type StackValidationPolicy,
} from "@pulumi/policy";
import { describeStatement, isEveryone, listOf, statementsOf } from "./documents";

const PUBLIC_ACCESS_BLOCKS = [
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
] as const;
const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];
/** SSE-S3, SSE-KMS and dual-layer SSE-KMS; anything else (or nothing) leaves objects unencrypted by default. */
const ENCRYPTION_ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];

/** No bucket can be made public: by ACL, by bucket policy, or by lifting a public-access block. */
export const s3NoPublicAccess: ResourceValidationPolicy = {
    name: "s3-no-public-access",
    description:
        "S3 buckets block all public access: all four public-access blocks on, ACLs disabled " +
        "(BucketOwnerEnforced), no public ACL and no bucket policy statement that allows everyone.",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(aws.s3.BucketPublicAccessBlock, (block, _args, reportViolation) => {
            for (const setting of PUBLIC_ACCESS_BLOCKS) {
                if (block[setting] !== true) {
                    reportViolation(
                        `${setting} is ${String(block[setting])}; all four public-access blocks must be true.`,
                    );
                }
            }
        }),
        validateResourceOfType(aws.s3.BucketOwnershipControls, (controls, _args, reportViolation) => {
            const ownership = controls.rule?.objectOwnership;
            if (ownership !== "BucketOwnerEnforced") {
                reportViolation(
                    `objectOwnership is ${String(ownership)}; it must be BucketOwnerEnforced (ACLs disabled).`,
                );
            }
        }),
        validateResourceOfType(aws.s3.Bucket, (bucket, _args, reportViolation) => {
            if (bucket.acl !== undefined && PUBLIC_ACLS.includes(bucket.acl)) {
                reportViolation(`acl is ${bucket.acl}; a bucket must not grant access by ACL.`);
            }
        }),
        validateResourceOfType(aws.s3.BucketAcl, (acl, _args, reportViolation) => {
            if (acl.acl !== undefined && PUBLIC_ACLS.includes(acl.acl)) {
                reportViolation(`acl is ${acl.acl}; a bucket must not grant access by ACL.`);
            }
        }),
        validateResourceOfType(aws.s3.BucketPolicy, (policy, _args, reportViolation) => {
            statementsOf(policy.policy).forEach((statement, index) => {
                if (statement.Effect === "Allow" && isEveryone(statement.Principal)) {
                    reportViolation(
                        `${describeStatement(statement, index)} allows everyone (Principal "*").`,
                    );
                }
            });
        }),
    ],
};

/** Every bucket encrypts new objects by default. */
export const s3EncryptionAtRest: ResourceValidationPolicy = {
    name: "s3-encryption-at-rest",
    description: `S3 default encryption is one of ${ENCRYPTION_ALGORITHMS.join(", ")} in every rule.`,
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(
        aws.s3.BucketServerSideEncryptionConfiguration,
        (configuration, _args, reportViolation) => {
            const rules = configuration.rules ?? [];
            if (rules.length === 0) reportViolation("it has no rules, so objects get no default encryption.");
            rules.forEach((rule, index) => {
                const algorithm = rule.applyServerSideEncryptionByDefault?.sseAlgorithm;
                if (algorithm === undefined || !ENCRYPTION_ALGORITHMS.includes(algorithm)) {
                    reportViolation(
                        `rule ${index + 1} has sseAlgorithm ${String(algorithm)}; allowed: ${ENCRYPTION_ALGORITHMS.join(", ")}.`,
                    );
                }
            });
        },
    ),
};

/** Every bucket policy refuses requests that do not use TLS. */
export const s3TlsOnly: ResourceValidationPolicy = {
    name: "s3-tls-only",
    description:
        'Bucket policies deny every request without TLS: Effect Deny, Principal "*", Action s3:*, the bucket ' +
        'and its objects, when aws:SecureTransport is "false".',
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.s3.BucketPolicy, (policy, _args, reportViolation) => {
        const deniesInsecureTransport = statementsOf(policy.policy).some((statement) => {
            const resources = listOf(statement.Resource);
            return (
                statement.Effect === "Deny" &&
                isEveryone(statement.Principal) &&
                listOf(statement.Action).includes("s3:*") &&
                resources.some((resource) => !resource.includes("/")) &&
                resources.some((resource) => resource.endsWith("/*")) &&
                String(statement.Condition?.Bool?.["aws:SecureTransport"]) === "false"
            );
        });
        if (!deniesInsecureTransport) {
            reportViolation(
                'no statement denies s3:* to everyone on the bucket and its objects when aws:SecureTransport is "false".',
            );
        }
    }),
};

/**
 * The companions the rules above check exist for every bucket; a bucket declared without them
 * escapes them. Whether a companion exists for a bucket spans two resources, so this stays a stack
 * rule: Pulumi runs it at the end of a preview, and of an update only once every change is made.
 */
export const s3BucketGuardrails: StackValidationPolicy = {
    name: "s3-bucket-guardrails",
    description:
        "Every S3 bucket has a public-access block, ownership controls, a default-encryption configuration " +
        "and a bucket policy (which the other S3 rules check).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const buckets = args.resources.filter((resource) => resource.isType(aws.s3.Bucket));
        if (buckets.length === 0) args.notApplicable("The stack has no S3 buckets.");
        const companions: [string, (resource: PolicyResource) => boolean][] = [
            ["public-access block", (resource) => resource.isType(aws.s3.BucketPublicAccessBlock)],
            ["ownership controls", (resource) => resource.isType(aws.s3.BucketOwnershipControls)],
            [
                "default-encryption configuration",
                (resource) => resource.isType(aws.s3.BucketServerSideEncryptionConfiguration),
            ],
            ["bucket policy", (resource) => resource.isType(aws.s3.BucketPolicy)],
        ];
        for (const bucket of buckets) {
            for (const [what, isCompanion] of companions) {
                const found = args.resources.some(
                    (resource) => isCompanion(resource) && refersTo(resource, bucket),
                );
                if (!found) reportViolation(`Bucket ${bucket.name} has no ${what}.`, bucket.urn);
            }
        }
    },
};

/**
 * A companion names its bucket by the bucket's name (which is also its ID). When that input comes
 * from a bucket of the stack, the companion's property dependencies say which, and are known in
 * every preview; the name itself is unknown until a new bucket exists, so it is compared only for a
 * companion given a literal name.
 */
function refersTo(companion: PolicyResource, bucket: PolicyResource): boolean {
    const sources = companion.propertyDependencies.bucket ?? [];
    if (sources.length > 0) return sources.some((source) => source.urn === bucket.urn);
    const target = companion.props.bucket;
    return target !== undefined && (target === bucket.props.id || target === bucket.props.bucket);
}
