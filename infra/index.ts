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
    ArchiveScope,
    ConfigError,
    keyAttribute,
    KeyAttributeType,
    readConfig,
    StartingPosition,
    TtlExpirationMode,
    type ChangeFeedArgs,
    type ChangeFeedConfig,
    type KeyAttribute,
} from "./config";
export {
    attributeEquals,
    keyPrefix,
    matchAll,
    type AttributeEqualsMatch,
    type AttributeSelection,
    type KeyPrefixMatch,
    type Route,
    type RouteConfig,
    type RouteMatch,
} from "./routes";
