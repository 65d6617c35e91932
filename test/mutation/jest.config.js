/**
 * Jest as `npm run mutate` runs it (stryker.config.mjs): the unit, property, integration and security tests that
 * exercise lambda/core and lambda/adapters quickly. Left out: tests that read source files (Stryker's instrumented
 * copies would not match them), tests of other layers (CDK, local stack, CLIs, end to end, load) and the slowest
 * properties. The emulators start once per Stryker test-runner process (./global-setup.ts), not once per mutant.
 * @type {import('jest').Config}
 */
const base = require('../../jest.config.js');

module.exports = {
  ...base,
  rootDir: '../..',
  // --findRelatedTests (Stryker runs only the tests that reach the mutated file) follows imports only through files
  // under the roots: every directory between a test and the function code is one.
  roots: ['<rootDir>/test', '<rootDir>/lambda', '<rootDir>/local', '<rootDir>/tools'],
  testMatch: ['<rootDir>/test/{unit,property,integration,security}/**/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    // read source files from disk
    '/test/unit/bundle-hygiene\\.test\\.ts$',
    '/test/unit/readme-examples\\.test\\.ts$',
    '/test/security/constant-time\\.test\\.ts$',
    '/test/unit/core-layering\\.test\\.ts$',
    // other layers: CLIs as processes, the local stream poller, the emulators themselves, latency
    '/test/integration/cli-usage\\.test\\.ts$',
    '/test/integration/stream-poller\\.test\\.ts$',
    '/test/integration/emulators\\.test\\.ts$',
    '/test/integration/fanout-latency\\.test\\.ts$',
    // slowest: a minute or half of one per run (their modules are covered by faster tests too)
    '/test/integration/alerts\\.test\\.ts$',
    '/test/property/payload-fidelity\\.test\\.ts$',
    '/test/property/alert-budget\\.test\\.ts$',
  ],
  setupFilesAfterEnv: ['<rootDir>/test/mutation/record-test-files.ts', '<rootDir>/test/mutation/bail-after-kill.ts'],
  testSequencer: '<rootDir>/test/mutation/covering-files-sequencer.js',
  globalSetup: '<rootDir>/test/mutation/global-setup.ts',
  globalTeardown: undefined,
  maxWorkers: 1,
};
