import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** S3 Glacier Instant Retrieval: a fraction of Standard's price, still read in milliseconds (Athena, redrives). */
export const ARCHIVE_STORAGE_CLASS = "GLACIER_IR";

/** Lifecycle of a bucket's objects, in days; 0 turns a step off. */
export type BucketLifecycle = {
    /** Days until current objects move to {@link ARCHIVE_STORAGE_CLASS}; 0: never. */
    readonly transitionDays: number;
    /** Days until current objects expire; 0: never. */
    readonly expirationDays: number;
    /** Days an overwritten or deleted version is kept. */
    readonly noncurrentVersionExpirationDays: number;
};

/** The arguments of a {@link SecureBucket}. */
export interface SecureBucketArgs {
    /** A customer-managed KMS key; without one, objects are encrypted with S3-managed keys (SSE-S3). */
    readonly kmsKeyArn?: pulumi.Input<string>;
    readonly lifecycle: BucketLifecycle;
    /**
     * True: `pulumi destroy` (or a change that would replace the bucket) stops before touching it,
     * because the bucket is protected in Pulumi's state, and S3 would refuse to delete it while it
     * holds objects. False: `pulumi destroy` deletes every object version, then the bucket.
     */
    readonly deletionProtection: boolean;
}

/**
 * An S3 bucket with the guardrails a platform team asks for, declared together so that no bucket
 * of this program can exist without them: all four public-access blocks, ACLs disabled
 * (BucketOwnerEnforced), default encryption (SSE-KMS with a bucket key, or SSE-S3), a bucket
 * policy that denies every request not made over TLS, versioning, and lifecycle rules.
 *
 * @example
 * const archive = new SecureBucket("changefeed-archive", {
 *     lifecycle: { transitionDays: 90, expirationDays: 0, noncurrentVersionExpirationDays: 30 },
 *     deletionProtection: true,
 * });
 */
export class SecureBucket extends pulumi.ComponentResource {
    public readonly bucket: aws.s3.Bucket;
    public readonly arn: pulumi.Output<string>;
    /** The bucket's name. */
    public readonly name: pulumi.Output<string>;

    /**
     * @throws {Error} naming the lifecycle argument when a day count is negative or the expiration
     *   does not come after the transition
     */
    public constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        // Before super(), so that invalid arguments register nothing.
        validateLifecycle(name, args.lifecycle);
        super("ddb-changefeed:storage:SecureBucket", name, {}, opts);
        // Under deletion protection Pulumi refuses to delete or replace the bucket and each of its
        // guardrails, so no destroy can leave a kept bucket without them. (retainOnDelete would let
        // destroy report success and leave the bucket and its data unmanaged.)
        const child = { parent: this, ...(args.deletionProtection ? { protect: true } : {}) };

        // Same logical name as before this component existed, so existing buckets are not replaced.
        // Versioning keeps every overwritten object, so a destroy must empty the bucket first.
        this.bucket = new aws.s3.Bucket(
            name,
            { forceDestroy: !args.deletionProtection },
            { ...child, aliases: [{ parent: pulumi.rootStackResource }] },
        );
        const bucketName = this.bucket.id;

        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            {
                bucket: bucketName,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            child,
        );
        new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            { bucket: bucketName, rule: { objectOwnership: "BucketOwnerEnforced" } },
            child,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            { bucket: bucketName, rules: [encryptionRule(args.kmsKeyArn)] },
            child,
        );
        // After the public-access block, so the two never race on a fresh bucket.
        new aws.s3.BucketPolicy(
            `${name}-tls-only`,
            {
                bucket: bucketName,
                policy: this.bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))),
            },
            { ...child, dependsOn: [publicAccessBlock] },
        );
        const versioning = new aws.s3.BucketVersioning(
            `${name}-versioning`,
            { bucket: bucketName, versioningConfiguration: { status: "Enabled" } },
            child,
        );
        // Noncurrent-version rules only apply once versioning is on.
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            { bucket: bucketName, rules: lifecycleRules(args.lifecycle) },
            { ...child, dependsOn: [versioning] },
        );

        this.arn = this.bucket.arn;
        this.name = this.bucket.bucket;
        this.registerOutputs({ arn: this.arn, name: this.name });
    }
}

/** Default encryption: SSE-KMS with an S3 bucket key (one KMS call per bucket and period, not per object), or SSE-S3. */
export function encryptionRule(
    kmsKeyArn: pulumi.Input<string> | undefined,
): aws.types.input.s3.BucketServerSideEncryptionConfigurationRule {
    return kmsKeyArn === undefined
        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
        : {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
              bucketKeyEnabled: true,
          };
}

/** A bucket policy that denies any request made without TLS, by anyone, on the bucket and its objects. */
export function tlsOnlyBucketPolicy(bucketArn: string): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/**
 * One rule over the whole bucket: current objects transition and expire as configured, old
 * versions (left by re-delivered batches overwriting their object) expire, and abandoned multipart
 * uploads are cleaned up.
 */
export function lifecycleRules(
    lifecycle: BucketLifecycle,
): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
    return [
        {
            id: "retention",
            status: "Enabled",
            filter: {},
            ...(lifecycle.transitionDays > 0
                ? { transitions: [{ days: lifecycle.transitionDays, storageClass: ARCHIVE_STORAGE_CLASS }] }
                : {}),
            ...(lifecycle.expirationDays > 0 ? { expiration: { days: lifecycle.expirationDays } } : {}),
            noncurrentVersionExpiration: { noncurrentDays: lifecycle.noncurrentVersionExpirationDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
    ];
}

function validateLifecycle(name: string, lifecycle: BucketLifecycle): void {
    for (const [field, days] of Object.entries(lifecycle)) {
        if (!Number.isInteger(days) || days < 0) {
            throw new Error(
                `SecureBucket ${name}: \`lifecycle.${field}\` is ${days}; allowed: a whole number of days, 0 or more.`,
            );
        }
    }
    if (lifecycle.noncurrentVersionExpirationDays < 1) {
        throw new Error(
            `SecureBucket ${name}: \`lifecycle.noncurrentVersionExpirationDays\` is 0; allowed: 1 or more.`,
        );
    }
    if (
        lifecycle.transitionDays > 0 &&
        lifecycle.expirationDays > 0 &&
        lifecycle.expirationDays <= lifecycle.transitionDays
    ) {
        throw new Error(
            `SecureBucket ${name}: \`lifecycle.expirationDays\` (${lifecycle.expirationDays}) must be more than ` +
                `\`lifecycle.transitionDays\` (${lifecycle.transitionDays}), or 0.`,
        );
    }
}
