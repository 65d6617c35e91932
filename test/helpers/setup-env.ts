// Tests run on Node 20 here; the SDK's once-per-process support notice would repeat in every worker's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// EMF metric blobs on stdout are for CloudWatch, not for test output.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
