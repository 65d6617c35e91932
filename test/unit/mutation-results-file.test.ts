/**
 * The mutation results beside the bench's (bench/mutation-results.json, written by test/mutation/run.ts) stay
 * readable and true to themselves: a merge that left conflict markers, or a summary that no longer adds up, would
 * report a score nobody measured. And every accepted survivor's reason still points at code that exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type AcceptedSurvivor, type MutationResults, promiseModules } from '../mutation/results';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('the mutation results file', () => {
  it('is JSON whose promise-module summary adds up from its files', () => {
    const results = JSON.parse(read('bench/mutation-results.json')) as MutationResults;
    const promise = Object.entries(results.files).filter(([file]) => promiseModules.some((re) => re.test(file)));
    const total = (key: 'killed' | 'survived' | 'noCoverage' | 'timeout') => promise.reduce((sum, [, f]) => sum + f[key], 0);
    expect(results.promiseModules).toMatchObject({
      files: promise.length,
      killed: total('killed'),
      survived: total('survived'),
      noCoverage: total('noCoverage'),
      timeout: total('timeout'),
      unacceptedOpen: promise.flatMap(([, f]) => f.open).filter((o) => !o.accepted).length,
    });
    for (const [file, result] of Object.entries(results.files)) {
      expect({ file, open: result.open.length }).toEqual({ file, open: result.survived + result.noCoverage });
      expect(existsSync(path.join(root, file))).toBe(true);
    }
  });

  it('accepts survivors only with a reason, on code that is still there', () => {
    const accepted = JSON.parse(read('test/mutation/accepted-survivors.json')) as AcceptedSurvivor[];
    const problems = accepted.flatMap((a) => {
      if (a.reason.trim().length < 20) return [`${a.file}: "${a.code}" has no real reason`];
      if (!existsSync(path.join(root, a.file))) return [`${a.file} does not exist`];
      return read(a.file).includes(a.code) ? [] : [`${a.file}: "${a.code}" is no longer in the file (a stale reason)`];
    });
    expect(problems).toEqual([]);
  });

  it('keeps no reason that no surviving mutant needs (a killed mutant needs none)', () => {
    const results = JSON.parse(read('bench/mutation-results.json')) as MutationResults;
    const accepted = JSON.parse(read('test/mutation/accepted-survivors.json')) as AcceptedSurvivor[];
    const unused = accepted.filter(
      (a) => !(results.files[a.file]?.open ?? []).some((o) => o.mutator === a.mutator && o.replacement === a.replacement && o.code.includes(a.code)),
    );
    expect(unused.map((a) => `${a.file}: ${a.mutator} "${a.replacement}" on "${a.code}"`)).toEqual([]);
  });
});
