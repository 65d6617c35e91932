/**
 * Mutation testing of the function code (`npm run mutate`; not part of `npm test`: it takes hours in full).
 * test/mutation/run.ts runs Stryker with this file and writes the score and every surviving mutant, with the reason
 * it may stay, to bench/mutation-results.json. Scope a run with `npm run mutate -- --mutate 'lambda/core/ingest.ts'`.
 * Incremental: reports/stryker-incremental.json remembers each mutant's result and the tests that covered it, so a
 * later run only re-tests mutants in changed code or covered by changed tests.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: 'npm',
  plugins: ['@stryker-mutator/jest-runner', '@stryker-mutator/typescript-checker'],
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'test/mutation/jest.config.js', enableFindRelatedTests: true },
  checkers: ['typescript'],
  // The checker type-checks the function code only: the whole project (CDK types, tools, tests) made it the slow
  // half of every mutant. Tests run without type checks (@swc/jest), so a mutant that breaks only a test's types
  // is judged by what the tests see it do.
  tsconfigFile: 'test/mutation/tsconfig.checker.json',
  mutate: ['lambda/core/**/*.ts', 'lambda/adapters/**/*.ts'],
  coverageAnalysis: 'perTest',
  // Two cores shared with other engineers' test runs: one test runner, and generous timeouts on a busy machine.
  concurrency: 1,
  timeoutMS: 20000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 30,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['json', 'progress', 'clear-text'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  ignorePatterns: ['cdk.out', '.local', 'coverage', 'dist', 'reports', '.scratch', 'bench/results.json'],
  tempDirName: '.stryker-tmp',
};
