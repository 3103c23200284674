/** The ChangeFeed component and what its users import with it. */
export * from "./change-feed";
