/** The ChangeFeed component, and the builders its tests call directly. */
export { athenaTableName, CHANGE_FEED_TYPE, ChangeFeed, type ChangeFeedOptions } from "./component";
export { keySchema } from "./tables";
export type { ChangeFeedArgs } from "../config";
