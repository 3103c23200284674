/**
 * The package entry: what a Pulumi program that installs ddb-changefeed imports.
 *
 * @example
 * import { ChangeFeed } from "ddb-changefeed";
 * const orders = new ChangeFeed("orders", { sourceTableName: "orders" });
 * export const ordersProjection = orders.projectionTable.name;
 */
export { CHANGE_FEED_TYPE, ChangeFeed, type ChangeFeedOptions } from "./change-feed";
// The args are plain data, as every language's SDK writes them; for TypeScript programs, the enums'
// values as objects and helpers that build a key attribute and each kind of route match.
export {
    ArchiveScope,
    ConfigError,
    KeyAttributeType,
    StartingPosition,
    TtlExpirationMode,
    keyAttribute,
    readConfig,
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
