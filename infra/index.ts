/**
 * The package entry: what a Pulumi program that installs ddb-changefeed imports.
 *
 * @example
 * import { ChangeFeed } from "ddb-changefeed";
 * const orders = new ChangeFeed("orders", { sourceTableName: "orders" });
 * export const ordersProjection = orders.projectionTable.name;
 */
export { CHANGE_FEED_TYPE, ChangeFeed, type ChangeFeedOptions } from "./change-feed";
export {
    ConfigError,
    readConfig,
    type ChangeFeedArgs,
    type ChangeFeedConfig,
    type KeyAttribute,
    type KeyAttributeType,
    type StartingPosition,
} from "./config";
