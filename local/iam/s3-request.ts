import type { RequiredAuthorization, ServiceRequest } from "./mapped-request";

/**
 * The IAM authorizations a path-style S3 request needs, as the S3 User Guide's "Amazon S3
 * actions" and the API reference's "Permissions" sections document them: the method, path and
 * query name the operation (GET on an object → `s3:GetObject`, HEAD too; PUT → `s3:PutObject`, also
 * for each part of a multipart upload; GET on a bucket → `s3:ListBucket`, ...), the resource is
 * `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key`. A copy also needs `s3:GetObject` on its
 * source; a multi-object delete needs `s3:DeleteObject` on each key. Condition keys from the query
 * (`s3:prefix`, `s3:delimiter`, `s3:max-keys`) and headers (`s3:x-amz-*`).
 */
export function s3Authorizations(request: ServiceRequest): RequiredAuthorization[] {
    const url = new URL(request.url, "http://s3.local");
    const [bucket = "", ...keyParts] = url.pathname.slice(1).split("/");
    const key = decodeURIComponent(keyParts.join("/"));
    const query = url.searchParams;
    const method = request.method.toUpperCase();
    const context = headerContext(request.headers);
    if (!bucket) return [{ action: "s3:ListAllMyBuckets", arn: "*", context: {} }];
    const bucketArn = `arn:aws:s3:::${decodeURIComponent(bucket)}`;
    if (keyParts.length === 0 || key === "") {
        if (method === "POST" && query.has("delete")) {
            return deletedKeys(request.body).map((deleted) => ({
                action: "s3:DeleteObject",
                arn: `${bucketArn}/${deleted}`,
                context: {},
            }));
        }
        const action = bucketAction(method, query);
        return [{ action, arn: bucketArn, context: action === "s3:ListBucket" ? listContext(query) : {} }];
    }
    const objectArn = `${bucketArn}/${key}`;
    const copySource = request.headers["x-amz-copy-source"];
    const copied =
        method === "PUT" && typeof copySource === "string"
            ? [
                  {
                      action: "s3:GetObject",
                      arn: `arn:aws:s3:::${decodeURIComponent(copySource.replace(/^\//, "").split("?")[0]!)}`,
                      context: {},
                  },
              ]
            : [];
    return [{ action: objectAction(method, query), arn: objectArn, context }, ...copied];
}

/** Bucket operations by method and the subresource in the query. */
function bucketAction(method: string, query: URLSearchParams): string {
    const subresources: Readonly<Record<string, Readonly<Record<string, string>>>> = {
        GET: {
            location: "s3:GetBucketLocation",
            versioning: "s3:GetBucketVersioning",
            versions: "s3:ListBucketVersions",
            uploads: "s3:ListBucketMultipartUploads",
            policy: "s3:GetBucketPolicy",
            lifecycle: "s3:GetLifecycleConfiguration",
            encryption: "s3:GetEncryptionConfiguration",
            tagging: "s3:GetBucketTagging",
        },
        PUT: {
            versioning: "s3:PutBucketVersioning",
            policy: "s3:PutBucketPolicy",
            lifecycle: "s3:PutLifecycleConfiguration",
            encryption: "s3:PutEncryptionConfiguration",
            tagging: "s3:PutBucketTagging",
        },
        DELETE: { policy: "s3:DeleteBucketPolicy", tagging: "s3:PutBucketTagging" },
    };
    for (const [subresource, action] of Object.entries(subresources[method] ?? {})) {
        if (query.has(subresource)) return action;
    }
    if (method === "PUT") return "s3:CreateBucket";
    if (method === "DELETE") return "s3:DeleteBucket";
    // GET lists objects (V1 or V2); HEAD (HeadBucket) is authorized as ListBucket.
    return "s3:ListBucket";
}

/** Object operations by method and the subresource in the query. */
function objectAction(method: string, query: URLSearchParams): string {
    if (query.has("tagging")) return method === "GET" ? "s3:GetObjectTagging" : "s3:PutObjectTagging";
    if (query.has("uploadId")) {
        if (method === "DELETE") return "s3:AbortMultipartUpload";
        if (method === "GET") return "s3:ListMultipartUploadParts";
        return "s3:PutObject";
    }
    if (method === "GET" || method === "HEAD")
        return query.has("versionId") ? "s3:GetObjectVersion" : "s3:GetObject";
    if (method === "DELETE") return query.has("versionId") ? "s3:DeleteObjectVersion" : "s3:DeleteObject";
    // PUT, and POST ?uploads (CreateMultipartUpload) and POST ?uploadId (Complete...).
    return "s3:PutObject";
}

function listContext(query: URLSearchParams): Record<string, string> {
    const context: Record<string, string> = {};
    for (const name of ["prefix", "delimiter", "max-keys"]) {
        const value = query.get(name);
        if (value !== null) context[`s3:${name}`] = value;
    }
    return context;
}

function headerContext(headers: ServiceRequest["headers"]): Record<string, string> {
    const context: Record<string, string> = {};
    for (const name of [
        "x-amz-acl",
        "x-amz-server-side-encryption",
        "x-amz-server-side-encryption-aws-kms-key-id",
        "x-amz-storage-class",
        "x-amz-copy-source",
        "x-amz-metadata-directive",
    ]) {
        const value = headers[name];
        if (typeof value === "string") context[`s3:${name}`] = value;
    }
    return context;
}

function deletedKeys(body: Buffer): string[] {
    return [...body.toString("utf8").matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) =>
        match[1]!
            .replace(/&lt;/g, "<")
            .replace(/&gt;/g, ">")
            .replace(/&quot;/g, '"')
            .replace(/&apos;/g, "'")
            .replace(/&amp;/g, "&"),
    );
}
