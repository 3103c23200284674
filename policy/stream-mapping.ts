import * as aws from "@pulumi/aws";
import {
    validateResourceOfType,
    type ResourceValidationArgs,
    type ResourceValidationPolicy,
} from "@pulumi/policy";
import { isSet } from "./inputs";

type MappingProps = aws.lambda.EventSourceMappingArgs;

/** AWS's bounds, without -1 ("infinite"): one poison record would then block its shard for the stream's retention. */
const RETRY_ATTEMPTS = { min: 0, max: 10_000 };
const RECORD_AGE_SECONDS = { min: 60, max: 604_800 };

/**
 * Only stream sources (DynamoDB Streams, Kinesis) retry a batch in order; queues do not. A stream
 * source needs a starting position, which is known in every preview; the source's ARN (a table's
 * stream ARN) is unknown until the table exists, so it is read only when there is none.
 */
function requireStreamSource(
    mapping: { eventSourceArn?: unknown; startingPosition?: unknown },
    args: ResourceValidationArgs,
): void {
    if (mapping.startingPosition !== undefined) return;
    if (!/:(dynamodb|kinesis):/.test(String(mapping.eventSourceArn ?? ""))) {
        args.notApplicable("Not a stream event source mapping.");
    }
}

/** A failing batch is retried a bounded number of times and for a bounded time, never forever. */
export const streamMappingBoundedRetries: ResourceValidationPolicy = {
    name: "stream-mapping-bounded-retries",
    description:
        `Stream event source mappings set maximumRetryAttempts (${RETRY_ATTEMPTS.min}-${RETRY_ATTEMPTS.max}) and ` +
        `maximumRecordAgeInSeconds (${RECORD_AGE_SECONDS.min}-${RECORD_AGE_SECONDS.max}); the default, -1, retries forever.`,
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(
        aws.lambda.EventSourceMapping,
        (mapping, args, reportViolation) => {
            requireStreamSource(mapping, args);
            const check = (
                field: keyof MappingProps,
                value: unknown,
                range: { min: number; max: number },
            ) => {
                if (
                    typeof value !== "number" ||
                    !Number.isInteger(value) ||
                    value < range.min ||
                    value > range.max
                ) {
                    reportViolation(
                        `${field} is ${String(value)}; allowed: an integer from ${range.min} to ${range.max} (unset or -1 retries forever).`,
                    );
                }
            };
            check("maximumRetryAttempts", mapping.maximumRetryAttempts, RETRY_ATTEMPTS);
            check("maximumRecordAgeInSeconds", mapping.maximumRecordAgeInSeconds, RECORD_AGE_SECONDS);
        },
    ),
};

/** One bad record fails only itself: partial batch responses, and bisecting when the whole batch fails. */
export const streamMappingIsolatesFailures: ResourceValidationPolicy = {
    name: "stream-mapping-isolates-failures",
    description: "Stream event source mappings bisect a failing batch and accept ReportBatchItemFailures.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(
        aws.lambda.EventSourceMapping,
        (mapping, args, reportViolation) => {
            requireStreamSource(mapping, args);
            if (mapping.bisectBatchOnFunctionError !== true) {
                reportViolation(
                    `bisectBatchOnFunctionError is ${String(mapping.bisectBatchOnFunctionError)}; it must be true.`,
                );
            }
            if (!(mapping.functionResponseTypes ?? []).includes("ReportBatchItemFailures")) {
                reportViolation("functionResponseTypes does not include ReportBatchItemFailures.");
            }
        },
    ),
};

/** Records that run out of retries or age are kept somewhere, not dropped. */
export const streamMappingFailureDestination: ResourceValidationPolicy = {
    name: "stream-mapping-failure-destination",
    description: "Stream event source mappings send discarded batches to an on-failure destination.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(
        aws.lambda.EventSourceMapping,
        (mapping, args, reportViolation) => {
            requireStreamSource(mapping, args);
            // The destination's ARN is the failure bucket's, unknown until the bucket exists.
            if (!isSet(mapping.destinationConfig?.onFailure, "destinationArn")) {
                reportViolation(
                    "destinationConfig.onFailure.destinationArn is not set: discarded records would be lost.",
                );
            }
        },
    ),
};
