/** The parts of a Pulumi package schema these tests read. */
export type SchemaProperty = {
    readonly type?: string;
    readonly $ref?: string;
    readonly description?: string;
    readonly items?: SchemaProperty;
    readonly additionalProperties?: SchemaProperty;
};

export type SchemaType = {
    readonly type: string;
    readonly properties?: Record<string, SchemaProperty>;
    readonly required?: readonly string[];
    readonly enum?: readonly { readonly name: string; readonly value: string | number }[];
    readonly description?: string;
};

export type SchemaResource = {
    readonly isComponent: boolean;
    readonly inputProperties: Record<string, SchemaProperty>;
    readonly requiredInputs: readonly string[];
    readonly properties: Record<string, SchemaProperty>;
    readonly required?: readonly string[];
    readonly description?: string;
};

export type PackageSchema = {
    readonly name: string;
    readonly version: string;
    readonly resources: Record<string, SchemaResource>;
    readonly types: Record<string, SchemaType>;
};

/** The change feed's type token. */
export const CHANGE_FEED = "ddb-changefeed:index:ChangeFeed";

/** The schema's type a `$ref` names (`#/types/<token>`). */
function referencedType(schema: PackageSchema, ref: string): SchemaType | undefined {
    return schema.types[ref.replace(/^#\/types\//, "")];
}

/**
 * What in `value` the schema does not take as `property`: each problem names where (`where`) and
 * what the schema allows there.
 */
export function valueProblems(
    schema: PackageSchema,
    property: SchemaProperty,
    value: unknown,
    where: string,
): string[] {
    if (property.$ref) {
        const type = referencedType(schema, property.$ref);
        if (!type) return [`${where}: ${property.$ref} is not a type of the schema`];
        if (type.enum) {
            const allowed = type.enum.map((member) => member.value);
            return allowed.includes(value as string)
                ? []
                : [`${where} is ${JSON.stringify(value)}; the schema allows ${allowed.join(", ")}`];
        }
        return objectProblems(schema, type, value, where);
    }
    switch (property.type) {
        case "string":
        case "number":
        case "boolean":
            return typeof value === property.type
                ? []
                : [`${where} is ${JSON.stringify(value)}, not a ${property.type}`];
        case "array":
            return Array.isArray(value)
                ? value.flatMap((item, index) =>
                      valueProblems(schema, property.items ?? {}, item, `${where}[${index}]`),
                  )
                : [`${where} is ${JSON.stringify(value)}, not a list`];
        case "object":
            return typeof value === "object" && value !== null && !Array.isArray(value)
                ? Object.entries(value).flatMap(([key, item]) =>
                      valueProblems(schema, property.additionalProperties ?? {}, item, `${where}.${key}`),
                  )
                : [`${where} is ${JSON.stringify(value)}, not a map`];
        default:
            return [`${where}: the schema gives no type`];
    }
}

/** What in `value` an object type of the schema does not take: unknown, missing or mistyped properties. */
export function objectProblems(
    schema: PackageSchema,
    type: Pick<SchemaType, "properties" | "required">,
    value: unknown,
    where: string,
): string[] {
    if (typeof value !== "object" || value === null || Array.isArray(value))
        return [`${where} is ${JSON.stringify(value)}, not an object`];
    const properties = type.properties ?? {};
    const entries = Object.entries(value as Record<string, unknown>);
    return [
        ...entries.flatMap(([key, item]) => {
            const property = properties[key];
            return property
                ? valueProblems(schema, property, item, `${where}.${key}`)
                : [
                      `${where}.${key} is not a property of the schema (it has ${Object.keys(properties).join(", ")})`,
                  ];
        }),
        ...(type.required ?? [])
            .filter((key) => !(key in (value as object)))
            .map((key) => `${where}.${key} is required by the schema`),
    ];
}
