/**
 * During Stryker's initial run (no active mutant), records which file each test lives in, by its full name, so that
 * ./covering-files-sequencer.js can later load only the files that hold the tests covering a mutant.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

// The map's path is spelled once, in the sequencer that reads it.
const { testFilesMap } = require('./covering-files-sequencer.js') as { testFilesMap: string };

const recording = process.env.__STRYKER_ACTIVE_MUTANT__ === undefined;
const seen: Record<string, string> = {};

if (recording) {
  beforeEach(() => {
    const { currentTestName, testPath } = expect.getState();
    if (currentTestName && testPath) seen[currentTestName] = testPath;
  });
  afterAll(() => {
    // One test file at a time (Stryker runs Jest in band): merge this file's names into the map.
    const map = existsSync(testFilesMap) ? (JSON.parse(readFileSync(testFilesMap, 'utf8')) as Record<string, string>) : {};
    writeFileSync(testFilesMap, JSON.stringify({ ...map, ...seen }));
  });
}
