/**
 * The package entry: what a Pulumi program that installs ddb-changefeed imports.
 *
 * @example
 * import { ChangeFeed } from "ddb-changefeed";
 * const orders = new ChangeFeed("orders", { sourceTableName: "orders" });
 * export const ordersProjection = orders.projectionTable.name;
 */
export { CHANGE_FEED_TYPE, ChangeFeed, type ChangeFeedOptions } from "./change-feed";
// Values stay ChangeFeed, readConfig and ConfigError: the args' shapes are types, written as plain
// objects and string literals (the enums' values), as every language's SDK writes them.
export {
    ConfigError,
    readConfig,
    type ArchiveScope,
    type ChangeFeedArgs,
    type ChangeFeedConfig,
    type KeyAttribute,
    type KeyAttributeType,
    type StartingPosition,
    type TtlExpirationMode,
} from "./config";
export type {
    AttributeEqualsMatch,
    AttributeSelection,
    KeyPrefixMatch,
    Route,
    RouteConfig,
    RouteMatch,
} from "./routes";
