/**
 * The facts every part of the product shares, in one module: table attribute names and keys, environment variable
 * names with their defaults, metric names, the stack id and output names, the webhook route, topic kinds, the
 * schema-issue formatter and the emulator client options. `lib/`, `lambda/`, `local/`, `tools/` and the tests import
 * them from here; nothing is spelled twice. Pure data and tiny pure functions: safe in function bundles.
 */
export * from './env';
export * from './local-clients';
export * from './stack';
export * from './table';
export * from './zod-issues';
