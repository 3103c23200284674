/**
 * Three routes over the bench's orders, as a team would declare them: open and shipped orders by
 * status (an order moves between them as its status changes, so its old route gets a tombstone),
 * and every order without its free-text note. The config form, as in a stack file.
 */
export const BENCH_ROUTES = [
    {
        name: "open",
        match: { attributeEquals: { attribute: "status", values: ["pending", "paid", "packed"] } },
        attributes: { exclude: ["customer"] },
    },
    {
        name: "shipped",
        match: { attributeEquals: { attribute: "status", values: ["shipped", "delivered", "returned"] } },
        attributes: { include: ["status", "total", "shipping", "updatedAt"] },
    },
    { name: "everything", match: "all", attributes: { exclude: ["note"] } },
] as const;
