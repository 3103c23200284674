import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { installMocks, PROJECT_NAME, PROJECT_ROOT, readStackConfig } from "../../local/program";
import { aliasUrns, recordRegistrations, type Registration } from "../helpers/pulumi-mocks";

/**
 * Every URN the program declared before its resources moved into the ChangeFeed component
 * (recorded from that version of index.ts under the same mocks). A stack deployed then must keep
 * each of these resources: the engine matches them through aliases instead of replacing them.
 */
const URNS_BEFORE_COMPONENT = JSON.parse(
    fs.readFileSync(path.join(__dirname, "fixtures", "urns-before-component.json"), "utf8"),
) as Record<string, string[]>;

for (const stack of ["dev", "prod"]) {
    describe(`the ${stack} stack deployed before the ChangeFeed component (Pulumi mocks)`, () => {
        let registrations: Registration[];

        before(async () => {
            const engine = installMocks(stack, readStackConfig(stack));
            registrations = recordRegistrations(stack, PROJECT_NAME);
            for (const file of Object.keys(require.cache))
                if (!file.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[file];
            await engine.settle(require(path.join(PROJECT_ROOT, "index")) as Record<string, unknown>);
        });

        it("keeps every resource: today's URN is the new one or among its aliases", () => {
            const before = URNS_BEFORE_COMPONENT[stack];
            assert.ok(before && before.length > 20, `no recorded URNs for ${stack}`);
            const lost = before.filter((oldUrn) => {
                const [type, name] = [oldUrn.split("::")[2]?.split("$").pop(), oldUrn.split("::")[3]];
                const successor = registrations.find(
                    (registration) => registration.type === type && registration.name === name,
                );
                if (!successor) return true;
                return (
                    successor.urn !== oldUrn &&
                    !aliasUrns(successor, registrations, stack, PROJECT_NAME).includes(oldUrn)
                );
            });
            assert.deepEqual(lost, [], `resources that would be replaced:\n${lost.join("\n")}`);
        });

        it("declares no resource that did not exist before, but the component itself", () => {
            const before = new Set(
                URNS_BEFORE_COMPONENT[stack]?.map(
                    (urn) => `${urn.split("::")[2]?.split("$").pop()} ${urn.split("::")[3]}`,
                ),
            );
            const added = registrations
                .map((registration) => `${registration.type} ${registration.name}`)
                .filter((entry) => !before.has(entry));
            assert.deepEqual(added, ["ddb-changefeed:index:ChangeFeed changefeed"]);
        });
    });
}
