/**
 * The component package other languages add with `pulumi package add`: which components it hosts,
 * under which name, and where its package.json (the version) and tsconfig.json (the analyzer's
 * program) are.
 */
import * as path from "node:path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { CHANGE_FEED_TYPE, ChangeFeed } from "../infra";

/** The package's name: the first part of its components' type tokens (`ddb-changefeed:index:ChangeFeed`). */
export const PACKAGE_NAME = CHANGE_FEED_TYPE.split(":")[0] as string;

/** The repository root: package.json gives the version, tsconfig.json the sources the analyzer reads. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..");

/** The committed package schema (`npm run schema` writes it). */
export const SCHEMA_FILE = path.join(PACKAGE_ROOT, "provider", "schema.json");

/**
 * The components the package hosts. SecureBucket stays the feed's own part: its guardrails and
 * lifecycle are the feed's settings, and on its own it would be a second interface to keep stable.
 */
export const COMPONENTS = [ChangeFeed];

/** The options the plugin's entry hosts the components with, and what tests and the schema script build a provider from. */
export const PROVIDER_OPTIONS = { components: COMPONENTS, name: PACKAGE_NAME, dirname: PACKAGE_ROOT };

/** The provider in process: its `getSchema()` is what `pulumi package get-schema` prints, its `construct` what another language's `new ChangeFeed` reaches. */
export function componentProvider(): ComponentProvider {
    return new ComponentProvider(PROVIDER_OPTIONS);
}
