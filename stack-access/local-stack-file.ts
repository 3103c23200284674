import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "./project";

/** What a running `npm start` publishes about itself, for the ops commands (`--local`). */
export type LocalStackFile = {
    readonly stack: string;
    readonly pid: number;
    readonly region: string;
    readonly dynamodbEndpoint: string;
    readonly s3Endpoint: string;
    readonly names: {
        readonly sourceTable: string;
        readonly projectionTable: string;
        readonly archiveBucket: string;
        readonly failureBucket: string;
    };
    /**
     * The operator's access key, when the local stack enforces IAM: the endpoints are then its
     * IAM gates, which authorize the ops commands with docs/bootstrap.md's operator policies.
     */
    readonly credentials?: LocalCredentials;
    /** The function's environment, as the program declared it. */
    readonly functionEnvironment: Readonly<Record<string, string>>;
    /**
     * The backfill from exports, when the program declares it (pointInTimeRecovery on): the
     * endpoint that answers its Step Functions and DynamoDB export calls, the state machine, and
     * the bucket exports land in.
     */
    readonly backfill?: {
        readonly endpoint: string;
        readonly stateMachineArn: string;
        readonly bucket: string;
    };
};

/**
 * The one credential pair for both local servers: s3rver only accepts S3RVER/S3RVER, and
 * DynamoDB Local accepts anything, so sharing it lets one set of env vars work for both.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export type LocalCredentials = { readonly accessKeyId: string; readonly secretAccessKey: string };

export const STACK_FILE_NAME = "stack.json";

/** Where a local stack keeps its state (tables, buckets, checkpoints, its stack file) unless told otherwise. */
export function defaultLocalStateDirectory(stack: string): string {
    return path.join(PROJECT_ROOT, ".local", stack);
}

/**
 * SDK client settings for an endpoint of a running local stack (its servers, or the endpoint of
 * its backfill from exports): the credentials given (by default the one pair the servers accept), and what s3rver needs (paths,
 * not virtual hosts; no default checksums, which it predates). The S3 options are ignored by other
 * clients.
 */
export function localClientConfig(
    endpoint: string,
    region: string,
    credentials: LocalCredentials = LOCAL_CREDENTIALS,
) {
    return {
        endpoint,
        region,
        credentials: { ...credentials },
        forcePathStyle: true,
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
    } as const;
}

export function writeLocalStackFile(stateDirectory: string, file: LocalStackFile): string {
    const target = path.join(stateDirectory, STACK_FILE_NAME);
    fs.mkdirSync(stateDirectory, { recursive: true });
    fs.writeFileSync(target, `${JSON.stringify(file, null, 2)}\n`);
    return target;
}

/**
 * Reads the stack file of a running `npm start`.
 *
 * @throws {Error} saying how to start the local stack when none is running for this state directory
 */
export function readLocalStackFile(stateDirectory: string, stack: string): LocalStackFile {
    const target = path.join(stateDirectory, STACK_FILE_NAME);
    const start = `start it in another terminal with: npm start -- --stack ${stack}`;
    if (!fs.existsSync(target)) {
        throw new Error(`No local stack "${stack}" is running (${target} does not exist); ${start}`);
    }
    const file = JSON.parse(fs.readFileSync(target, "utf8")) as LocalStackFile;
    try {
        process.kill(file.pid, 0);
    } catch {
        throw new Error(
            `The local stack "${stack}" (npm start, pid ${file.pid}) is no longer running; ${start}`,
        );
    }
    return file;
}

export function removeLocalStackFile(stateDirectory: string): void {
    fs.rmSync(path.join(stateDirectory, STACK_FILE_NAME), { force: true });
}
