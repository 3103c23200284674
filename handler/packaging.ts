/**
 * The handler's dependencies that the Lambda Node.js runtime already provides. The code archive
 * leaves them out (packaging them would take it from ~300 KB to several MB); everything else in
 * package.json `dependencies` is packaged.
 */
export const RUNTIME_PROVIDED_PACKAGES = ["@aws-sdk/client-dynamodb", "@aws-sdk/client-s3"] as const;
