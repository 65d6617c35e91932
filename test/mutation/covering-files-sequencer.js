/**
 * Jest loads every test file related to a mutated file for each mutant, though only the tests covering the mutant
 * run (Stryker passes them as testNamePattern). Loading is most of a mutant's time here, so for a mutant run this
 * sequencer keeps only the files that hold a covering test, by the map ./record-test-files.ts wrote during the
 * initial run, cheapest directories first. Without a map, a pattern or a match it changes nothing.
 */
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

/** Where the test-name → test-file map of a run lives (inside Stryker's sandbox). */
const testFilesMap = path.resolve(__dirname, '../../.mutation-test-files.json');
/** The file a failing test writes for the active mutant (./bail-after-kill.ts). */
const killedMarker = (mutant) => path.resolve(__dirname, `../../.mutation-killed-${mutant}`);
/** Cheaper files first, so a mutant is most often killed before the slow ones load (see ./bail-after-kill.ts). */
const costRank = (file) => ['/test/unit/', '/test/security/', '/test/integration/', '/test/property/'].findIndex((dir) => file.includes(dir));

class CoveringFilesSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options?.globalConfig?.testNamePattern;
  }

  sort(tests) {
    if (process.env.__STRYKER_ACTIVE_MUTANT__ === undefined) return super.sort(tests);
    const cheapestFirst = (list) => [...list].sort((a, b) => costRank(a.path) - costRank(b.path) || a.path.localeCompare(b.path));
    // A static mutant (module-level code) runs every related test: no pattern, only the order changes.
    if (!this.pattern || !existsSync(testFilesMap)) return cheapestFirst(tests);
    const byName = JSON.parse(readFileSync(testFilesMap, 'utf8'));
    const matcher = new RegExp(this.pattern, 'i');
    const files = new Set(
      Object.entries(byName)
        .filter(([name]) => matcher.test(name))
        .map(([, file]) => file),
    );
    const covering = tests.filter((test) => files.has(test.path));
    return cheapestFirst(covering.length > 0 ? covering : tests);
  }
}

module.exports = CoveringFilesSequencer;
module.exports.testFilesMap = testFilesMap;
module.exports.killedMarker = killedMarker;
