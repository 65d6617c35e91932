// Tests run on Node 20 here; the SDK's once-per-process support notice would repeat in every worker's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// EMF metric blobs on stdout are for CloudWatch, not for test output.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

// Property tests explore new inputs on every local run; CI replays one fixed seed (override with FC_SEED) so a red
// build always reproduces. A failure prints its seed and path either way.
if (process.env.CI || process.env.FC_SEED) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fc = require('fast-check') as typeof import('fast-check');
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(process.env.FC_SEED ?? 20261123) });
}
