import type { AttributeValue } from "aws-lambda";
import type { StreamImage } from "./types";

const NUMBER_PATTERN = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Reads one line of a DynamoDB JSON export data file (`{"Item":{...}}`) into the item, in the
 * form a stream record carries it (binary as base64). Every value must carry exactly one DynamoDB
 * type descriptor of the right shape, nested lists and maps included. Pure.
 *
 * @param where - names the line in error messages (e.g. `data/abc.json.gz line 12`)
 * @throws {Error} naming the line and the attribute path when the line is not an exported item
 */
export function parseExportLine(line: string, where: string): StreamImage {
    let parsed: unknown;
    try {
        parsed = JSON.parse(line);
    } catch (error) {
        throw new Error(`${where} is not JSON: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
        });
    }
    const item = (parsed as { Item?: unknown } | null)?.Item;
    if (!isObject(item)) throw new Error(`${where} has no "Item" object`);
    const image: StreamImage = {};
    for (const [name, value] of Object.entries(item)) image[name] = attributeValue(value, name, where);
    return image;
}

function attributeValue(value: unknown, path: string, where: string): AttributeValue {
    const fail = (what: string): never => {
        throw new Error(`${where}: attribute ${path} ${what}`);
    };
    if (!isObject(value)) return fail("is not a DynamoDB JSON value");
    const types = Object.keys(value);
    if (types.length !== 1) return fail(`has ${types.length} type descriptors; allowed: exactly one`);
    const [type] = types as [string];
    const content = value[type];
    const strings = (check: (text: string) => boolean): string[] => {
        if (!Array.isArray(content) || !content.every((entry) => typeof entry === "string" && check(entry))) {
            return fail(
                `is not a valid ${type} (a list of ${type === "NS" ? "numbers" : type === "BS" ? "base64 strings" : "strings"} as text)`,
            );
        }
        return content as string[];
    };
    switch (type) {
        case "S":
            return typeof content === "string" ? { S: content } : fail("is not a valid S (text)");
        case "N":
            return typeof content === "string" && NUMBER_PATTERN.test(content)
                ? { N: content }
                : fail(`is not a valid N (a number as text): ${JSON.stringify(content)}`);
        case "B":
            return typeof content === "string" && BASE64_PATTERN.test(content)
                ? { B: content }
                : fail("is not a valid B (base64 text)");
        case "BOOL":
            return typeof content === "boolean"
                ? { BOOL: content }
                : fail("is not a valid BOOL (true or false)");
        case "NULL":
            return content === true ? { NULL: true } : fail("is not a valid NULL (true)");
        case "SS":
            return { SS: strings(() => true) };
        case "NS":
            return { NS: strings((text) => NUMBER_PATTERN.test(text)) };
        case "BS":
            return { BS: strings((text) => BASE64_PATTERN.test(text)) };
        case "L":
            return Array.isArray(content)
                ? { L: content.map((entry, index) => attributeValue(entry, `${path}[${index}]`, where)) }
                : fail("is not a valid L (a list)");
        case "M": {
            if (!isObject(content)) return fail("is not a valid M (an object)");
            const map: Record<string, AttributeValue> = {};
            for (const [name, entry] of Object.entries(content)) {
                map[name] = attributeValue(entry, `${path}.${name}`, where);
            }
            return { M: map };
        }
        default:
            return fail(
                `has the unknown type ${JSON.stringify(type)}; allowed: S, N, B, BOOL, NULL, SS, NS, BS, L, M`,
            );
    }
}

/** `…/AWSDynamoDB/01234567890123-a1b2c3d4/data/xyz.json.gz` → the export id `01234567890123-a1b2c3d4`. */
export function exportIdOf(dataFileS3Key: string): string {
    return /AWSDynamoDB\/([^/]+)\/data\//.exec(dataFileS3Key)?.[1] ?? "unknown";
}

/** `…/data/xyz.json.gz` → `xyz`. */
export function dataFileLabel(dataFileS3Key: string): string {
    const name = dataFileS3Key.slice(dataFileS3Key.lastIndexOf("/") + 1);
    return name.replace(/\.json(\.gz)?$/, "").replace(/[^A-Za-z0-9._-]/g, "-");
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
