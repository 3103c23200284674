// Loaded by .mocharc.json before every test file.

// The Lambda runs Node 22+, where the SDK has nothing to warn about; these machines run Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
