/**
 * A program of its own that attaches change feeds to two tables it does not manage: `orders`, a
 * single-table design keyed `pk`/`sk`, and `customers`. Each table's stream must carry
 * NEW_AND_OLD_IMAGES; each feed reads its table's key schema and never modifies the table.
 *
 * ChangeFeed comes from the package, as in any program that installed it (package.json installs it
 * from this checkout; a program elsewhere names the repository's git URL instead).
 */
import { ChangeFeed } from "ddb-changefeed";

// Orders change often: larger batches, a short window to fill them, more memory.
const orders = new ChangeFeed("orders", {
    sourceTableName: "orders",
    batchSize: 500,
    batchingWindowSeconds: 5,
    memoryMb: 1024,
});

// Customers change rarely: the defaults, with archived changes moved to Glacier after 30 days.
const customers = new ChangeFeed("customers", {
    sourceTableName: "customers",
    archiveTransitionDays: 30,
});

export const ordersProjectionTable = orders.projectionTable?.name;
export const ordersArchiveBucket = orders.archiveBucket.name;
export const ordersFunction = orders.handlerFunction.name;
export const customersProjectionTable = customers.projectionTable?.name;
export const customersArchiveBucket = customers.archiveBucket.name;
export const customersFunction = customers.handlerFunction.name;
