/**
 * Writes the package schema, as the analyzer infers it from the TypeScript sources (what
 * `pulumi package get-schema` prints), to provider/schema.json: `npm run schema`. A test fails
 * when the committed copy is stale.
 */
import * as fs from "node:fs";
import { componentProvider, SCHEMA_FILE } from "./components";

async function main(): Promise<void> {
    const schema: unknown = JSON.parse(await componentProvider().getSchema());
    fs.writeFileSync(SCHEMA_FILE, `${JSON.stringify(schema, null, 4)}\n`);
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
});
