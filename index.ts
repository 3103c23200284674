/**
 * The stack entry: reads and validates this stack's config (stacks/Pulumi.<stack>.yaml over the
 * defaults in Pulumi.yaml) and declares one change feed with it.
 */
import { ChangeFeed } from "./infra/change-feed";
import { readConfig } from "./infra/config";

// Config is read and validated once, before any resource exists.
const config = readConfig();

// "changefeed" names every resource; stacks deployed before the component keep theirs.
const feed = new ChangeFeed("changefeed", config, { movedFromStackRoot: true });

export const sourceTableName = feed.sourceTableName;
export const sourceTableArn = feed.sourceTableArn;
export const sourceStreamArn = feed.sourceStreamArn;
export const projectionTableName = feed.projectionTable?.name;
export const projectionTableArn = feed.projectionTable?.arn;
// With routes: each route's projection table, by route name.
export const projectionTableNames = feed.projectionTableNames;
export const archiveBucketName = feed.archiveBucket.name;
export const failureBucketName = feed.failureBucket.name;
export const functionName = feed.handlerFunction.name;
export const eventSourceMappingUuid = feed.eventSourceMapping.uuid;
export const alarmTopicArn = feed.alarmTopic.arn;
export const dashboardName = feed.dashboard.dashboardName;
export const archiveAthenaDdl = feed.archiveAthenaDdl;
// Only with pointInTimeRecovery: npm run backfill -- --from-export reads these.
export const backfillBucketName = feed.backfill?.bucket.name;
export const backfillFunctionName = feed.backfill?.function.name;
export const backfillStateMachineArn = feed.backfill?.stateMachine.arn;
