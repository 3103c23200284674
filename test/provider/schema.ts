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
