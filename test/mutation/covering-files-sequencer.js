/**
 * Jest loads every test file related to a mutated file for each mutant, though only the tests covering the mutant
 * run (Stryker passes them as testNamePattern). Loading is most of a mutant's time here, so for a mutant run this
 * sequencer keeps only the files that hold a covering test, by the map ./record-test-files.ts wrote during the
 * initial run. Without a map, a pattern or a match it changes nothing.
 */
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

/** Where the test-name → test-file map of a run lives (inside Stryker's sandbox). */
const testFilesMap = path.resolve(__dirname, '../../.mutation-test-files.json');

class CoveringFilesSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options?.globalConfig?.testNamePattern;
  }

  sort(tests) {
    if (process.env.__STRYKER_ACTIVE_MUTANT__ === undefined || !this.pattern || !existsSync(testFilesMap)) return super.sort(tests);
    const byName = JSON.parse(readFileSync(testFilesMap, 'utf8'));
    const matcher = new RegExp(this.pattern, 'i');
    const files = new Set(
      Object.entries(byName)
        .filter(([name]) => matcher.test(name))
        .map(([, file]) => file),
    );
    const covering = tests.filter((test) => files.has(test.path));
    return super.sort(covering.length > 0 ? covering : tests);
  }
}

module.exports = CoveringFilesSequencer;
module.exports.testFilesMap = testFilesMap;
