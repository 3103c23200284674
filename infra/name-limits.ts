import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

/** Pulumi's auto-name: the logical name, `-` and 7 random characters. */
export const AUTO_NAME_SUFFIX_LENGTH = 8;
/** What the provider appends to a name prefix: a 26-character unique suffix. */
export const NAME_PREFIX_SUFFIX_LENGTH = 26;

/** How AWS limits the physical name of one resource type, and where it says so. */
export type NameLimit = {
    readonly maxLength: number;
    readonly minLength?: number;
    /** The characters (and shape) AWS accepts, when narrower than any printable character. */
    readonly pattern?: RegExp;
    /** The input that holds the physical name. */
    readonly property: string;
    /** The input of a prefix the provider completes with {@link NAME_PREFIX_SUFFIX_LENGTH} characters. */
    readonly prefixProperty?: string;
    readonly documentation: string;
};

/** The physical-name limits of every resource type the program declares that has a name. */
export const NAME_LIMITS: Readonly<Record<string, NameLimit>> = {
    "aws:lambda/function:Function": {
        maxLength: 64,
        pattern: /^[A-Za-z0-9_-]+$/,
        property: "name",
        documentation: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
    },
    "aws:iam/role:Role": {
        maxLength: 64,
        pattern: /^[\w+=,.@-]+$/,
        property: "name",
        prefixProperty: "namePrefix",
        documentation: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
    },
    "aws:iam/rolePolicy:RolePolicy": {
        maxLength: 128,
        pattern: /^[\w+=,.@-]+$/,
        property: "name",
        prefixProperty: "namePrefix",
        documentation: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
    },
    "aws:s3/bucket:Bucket": {
        minLength: 3,
        maxLength: 63,
        pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
        property: "bucket",
        prefixProperty: "bucketPrefix",
        documentation: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    },
    "aws:dynamodb/table:Table": {
        minLength: 3,
        maxLength: 255,
        pattern: /^[A-Za-z0-9_.-]+$/,
        property: "name",
        documentation:
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html",
    },
    "aws:sfn/stateMachine:StateMachine": {
        maxLength: 80,
        property: "name",
        prefixProperty: "namePrefix",
        documentation:
            "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html",
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        maxLength: 512,
        pattern: /^[\w\-/.#]+$/,
        property: "name",
        prefixProperty: "namePrefix",
        documentation:
            "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
    },
    "aws:sns/topic:Topic": {
        maxLength: 256,
        pattern: /^[A-Za-z0-9_-]+$/,
        property: "name",
        prefixProperty: "namePrefix",
        documentation: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        maxLength: 255,
        property: "name",
        documentation:
            "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
    },
    "aws:cloudwatch/dashboard:Dashboard": {
        maxLength: 255,
        pattern: /^[A-Za-z0-9_-]+$/,
        property: "dashboardName",
        documentation:
            "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html",
    },
};

/** A physical name as AWS will see it: known, or known up to a random suffix of known length. */
export type PhysicalName = {
    /** The name, or the part of it the program decides. */
    readonly text: string;
    /** Characters the provider or Pulumi appends. */
    readonly suffixLength: number;
};

/** The physical name a resource gets from its inputs, or undefined when an input is not yet known. */
export function physicalName(
    limit: NameLimit,
    logicalName: string,
    props: Readonly<Record<string, unknown>>,
): PhysicalName | undefined {
    const explicit = props[limit.property];
    if (explicit !== undefined)
        return typeof explicit === "string" ? { text: explicit, suffixLength: 0 } : undefined;
    const prefix = limit.prefixProperty ? props[limit.prefixProperty] : undefined;
    if (prefix !== undefined)
        return typeof prefix === "string"
            ? { text: prefix, suffixLength: NAME_PREFIX_SUFFIX_LENGTH }
            : undefined;
    return { text: `${logicalName}-`, suffixLength: AUTO_NAME_SUFFIX_LENGTH - 1 };
}

/** What is wrong with a physical name under its type's limit; empty when nothing is. */
export function nameProblems(limit: NameLimit, name: PhysicalName): string[] {
    const length = name.text.length + name.suffixLength;
    // A random suffix is lowercase letters and digits: check the shape on a stand-in.
    const sample = name.text + "0".repeat(name.suffixLength);
    return [
        ...(length > limit.maxLength ? [`is ${length} characters; AWS allows ${limit.maxLength}`] : []),
        ...(limit.minLength !== undefined && length < limit.minLength
            ? [`is ${length} characters; AWS needs at least ${limit.minLength}`]
            : []),
        ...(limit.pattern && !limit.pattern.test(sample) ? [`does not match ${String(limit.pattern)}`] : []),
    ];
}

/**
 * A name prefix of at most `maxLength` characters that stands for `logicalName`: its start (the
 * feed) and its end (what the resource is), around a hash of the whole, so that two long names
 * stay apart. Deterministic: the same name always gets the same prefix.
 */
export function shortenedPrefix(logicalName: string, maxLength: number): string {
    const hash = createHash("sha256").update(logicalName).digest("hex").slice(0, 6);
    const room = maxLength - hash.length - 3;
    const head = logicalName.slice(0, Math.ceil(room / 2)).replace(/-+$/, "");
    const tail = logicalName.slice(logicalName.length - Math.floor(room / 2)).replace(/^-+/, "");
    return `${head}-${hash}-${tail}-`;
}

/**
 * A transformation that keeps every physical name a component's children get within AWS's limits,
 * before AWS (or Pulumi's auto-namer) would refuse it: an auto-name that would be too long becomes
 * a shortened prefix (see {@link shortenedPrefix}) where the type takes one, and is refused
 * otherwise, as is any other name AWS would refuse. Names that fit are left as they are, so
 * existing stacks keep theirs.
 *
 * @param subject - what to name in a refusal (e.g. `ChangeFeed "orders"`), and the fix to offer
 * @throws {Error} naming the resource, its name, the limit and its documentation page
 */
export function withinNameLimits(subject: {
    readonly what: string;
    readonly fix: string;
}): pulumi.ResourceTransformation {
    return ({ type, name, props, opts }) => {
        const limit = NAME_LIMITS[type];
        if (!limit) return undefined;
        const physical = physicalName(limit, name, props);
        if (!physical) return undefined;
        const problems = nameProblems(limit, physical);
        if (problems.length === 0) return undefined;
        const autoNamed =
            props[limit.property] === undefined &&
            !(limit.prefixProperty && props[limit.prefixProperty] !== undefined);
        if (autoNamed && limit.prefixProperty) {
            const shortened = {
                ...props,
                [limit.prefixProperty]: shortenedPrefix(name, limit.maxLength - NAME_PREFIX_SUFFIX_LENGTH),
            };
            if (nameProblems(limit, physicalName(limit, name, shortened)!).length === 0)
                return { props: shortened, opts };
        }
        throw new Error(
            `${subject.what}: the ${type} "${name}" would be named "${physical.text}${"x".repeat(physical.suffixLength)}", which ` +
                `${problems.join(" and ")} (${limit.documentation}). ${subject.fix}`,
        );
    };
}
