import { checkAttributeList } from "../../routes";
import { checkText, type Check } from "./check";

/** The archive's key prefix and the attributes it leaves out (its scope is a scalar choice). */
export type ArchiveSettings = {
    readonly archivePrefix: string;
    readonly archiveExcludeAttributes: readonly string[];
};

export function checkArchive(check: Check): ArchiveSettings {
    const archivePrefix = checkText(check, "archivePrefix");
    const excluded = checkAttributeList(
        check.values.archiveExcludeAttributes,
        check.name("archiveExcludeAttributes"),
    );
    check.problems.push(...excluded.problems);
    return { archivePrefix, archiveExcludeAttributes: excluded.names };
}
