/**
 * The emulator's public surface: what the commands, the bench and the tests use of it. Everything
 * else under local/ is its own business and may change without notice to them.
 */

// The local stack: servers, the program deployed to them, its function's processes.
export { startLocalStack, type LocalStack } from "./stack";
export {
    declaredFunctionEnvironment,
    findResource,
    runProgram,
    type DeclaredResource,
    type ProgramRun,
} from "./program";
export { zipCodeArchive } from "./lambda/code-archive";
export type { Invocation, LocalFunction } from "./lambda/local-function";
export { replaySampleEvents } from "./sample-events";
export { createTeamTable } from "./team-table";

// The event source mapping, whole or in the parts the bench replays through.
export { startEventSourceMapping, type RunningMapping } from "./mapping/start-mapping";
export { createChaos, describeChaos, newChaosSeed, parseChaosSeed, type Chaos } from "./mapping/chaos";
export { formatProgress } from "./mapping/progress";
export { readAllStreamRecords } from "./mapping/stream-reader";
export { toLambdaRecord } from "./mapping/stream-records";
export { deliverShard } from "./mapping/delivery";
export { splitIntoConcurrentStreams } from "./mapping/parallelization";
export { localMappingConfig } from "./mapping/settings";

// The backfill from exports, run locally.
export { startExportBackfill, type RunningExportBackfill } from "./export/start-export-backfill";

// The demo's workload and its checks.
export { checkDemo, checkFilter, writeDemoWorkload, type DemoKeyAttribute, type DemoKeySchema } from "./demo";
export { sourceKeySchema } from "./source-key-schema";
export { accessSummary, type AccessLog, type AccessRecord } from "./iam/access-log";
export { credentialsOf } from "./iam/principals";
export type { LocalAccess } from "./iam/local-access";
