/**
 * The handler's dependencies that the Lambda Node.js runtime already provides. The code archive
 * leaves them out (packaging them would take it from ~470 KB to over 4 MB); everything else in
 * package.json `dependencies` is packaged. The function therefore runs the runtime's version of
 * them, which the local Lambda runner gives it too (see local/runtime-modules.ts).
 */
export const RUNTIME_PROVIDED_PACKAGES = ["@aws-sdk/client-dynamodb", "@aws-sdk/client-s3"] as const;
