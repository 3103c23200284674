/**
 * Whether a resource input is set, read so that an unknown value does not end the rule.
 *
 * In a preview, an input computed from a resource that does not exist yet (an ARN, a name) is
 * unknown, and the policy SDK ends a rule that reads one with "can't run during preview" (an
 * advisory, so nothing is enforced). An unknown input is set, to whatever the other resource will
 * be given, and being set is all this answers. The SDK's proxy intercepts property reads only, so
 * the value is taken through its property descriptor, which the proxy does not intercept.
 */
export function isSet(props: object | undefined, key: string): boolean {
    if (props === undefined || props === null) return false;
    const value = Object.getOwnPropertyDescriptor(props, key)?.value as unknown;
    if (Array.isArray(value)) return value.length > 0;
    return typeof value === "string" ? value !== "" : value !== undefined && value !== null;
}
