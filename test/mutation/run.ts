/**
 * `npm run mutate [-- <stryker options, e.g. --mutate 'lambda/core/ingest.ts'>]`: Stryker over lambda/core and
 * lambda/adapters (stryker.config.mjs), then the results beside the bench's: bench/mutation-results.json holds, per
 * mutated file, its score and every mutant that survived (or that no test reaches), each with the one-line reason
 * from test/mutation/accepted-survivors.json when it is accepted. A file mutated in this run replaces its earlier
 * entry; files outside this run's scope keep theirs (with the date of the run that produced them).
 * The fast-check seed is fixed (FC_SEED) so the same mutant meets the same inputs on every run, and the property
 * suites run with PROPERTY_RUNS=30 (npm test: 150) because every mutant runs every test that covers it. StrykerJS 10 needs
 * Node 22 or later: on an older Node (this machine's is 20) it runs on the Lambda runtime's Node, which the bench
 * already fetches once from the npm registry (bench/node-runtime.ts; BENCH_NODE24 names a binary you have).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lambdaNode } from '../../bench/node-runtime';
import { accepted, type AcceptedSurvivor, mutantKey, promiseModules, scoreOf, type FileResult, type MutationResults, type StrykerReport } from './results';

const root = path.resolve(__dirname, '../..');
const resultsFile = path.join(root, 'bench/mutation-results.json');
const reportFile = path.join(root, 'reports/mutation/mutation.json');
const acceptedFile = path.join(root, 'test/mutation/accepted-survivors.json');

/** A Node that StrykerJS 10 runs on: this one when it is 22 or later, else the Lambda runtime's (Node 24). */
function strykerNode(): string {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  const node = lambdaNode((line) => process.stderr.write(`[mutate] ${line}\n`));
  process.stderr.write(`[mutate] Stryker runs on Node ${node.version} (${node.path}); this Node is ${process.version}\n`);
  return node.path;
}

function runStryker(args: readonly string[]): Promise<number> {
  const node = strykerNode();
  return new Promise((resolve, reject) => {
    const child = spawn(node, [path.join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js'), 'run', 'stryker.config.mjs', ...args], {
      cwd: root,
      stdio: 'inherit',
      // Each mutant runs every test that covers it: the property suites run a fifth of their npm test inputs here.
      env: { ...process.env, FC_SEED: process.env.FC_SEED ?? '20261123', PROPERTY_RUNS: process.env.PROPERTY_RUNS ?? '30' },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Whether a file was mutated by this run: its `--mutate` globs (comma-separated), else stryker.config.mjs's. */
function scopeOf(args: readonly string[]): (file: string) => boolean {
  const at = args.findIndex((a) => a === '--mutate' || a === '-m');
  const globs = at >= 0 ? (args[at + 1] ?? '').split(',') : ['lambda/core/**/*.ts', 'lambda/adapters/**/*.ts'];
  const toRegExp = (glob: string) =>
    new RegExp(
      `^${glob
        .replace(/:\d+(-\d+)?$/, '')
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\//g, '\u0000')
        .replace(/\*/g, '[^/]*')
        .replace(/\u0000/g, '(?:.*/)?')}$`,
    );
  const patterns = globs.filter((g) => g.length > 0).map(toRegExp);
  return (file) => patterns.some((re) => re.test(file));
}

/** The results file's summary over `files`, with every open mutant's accepted reason read afresh. */
function summarise(files: Record<string, FileResult>, acceptedList: readonly AcceptedSurvivor[], lastRun: MutationResults['lastRun']): MutationResults {
  const withReasons: Record<string, FileResult> = Object.fromEntries(
    Object.entries(files).map(([file, result]) => [
      file,
      {
        ...result,
        open: result.open.map(({ accepted: _old, ...o }) => {
          const reason = accepted(acceptedList, { file, mutator: o.mutator, replacement: o.replacement, lineText: o.code });
          return reason ? { ...o, accepted: reason } : o;
        }),
      },
    ]),
  );
  const all = Object.values(withReasons);
  const promise = Object.entries(withReasons).filter(([file]) => promiseModules.some((re) => re.test(file)));
  const sum = (list: FileResult[]) =>
    list.reduce(
      (t, f) => ({ killed: t.killed + f.killed, survived: t.survived + f.survived, noCoverage: t.noCoverage + f.noCoverage, timeout: t.timeout + f.timeout }),
      { killed: 0, survived: 0, noCoverage: 0, timeout: 0 },
    );
  const scoreOfTotals = (t: ReturnType<typeof sum>) => {
    const valid = t.killed + t.timeout + t.survived + t.noCoverage;
    return valid === 0 ? null : Math.round(((t.killed + t.timeout) / valid) * 10000) / 100;
  };
  const promiseTotals = sum(promise.map(([, f]) => f));
  return {
    about:
      'npm run mutate (test/mutation/run.ts, stryker.config.mjs). Score = (killed + timed out) / (killed + timed out + survived + no coverage), in %. `open`: survivors and uncovered mutants; `accepted` gives the reason one may stay (test/mutation/accepted-survivors.json).',
    lastRun,
    promiseModules: {
      files: promise.length,
      ...promiseTotals,
      score: scoreOfTotals(promiseTotals),
      unacceptedOpen: promise.flatMap(([, f]) => f.open).filter((o) => !o.accepted).length,
    },
    allFiles: { files: all.length, ...sum(all), score: scoreOfTotals(sum(all)) },
    files: Object.fromEntries(Object.entries(withReasons).sort(([a], [b]) => a.localeCompare(b))),
  };
}

function readResults(file: string): MutationResults | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as MutationResults) : undefined;
}

function writeResults(results: MutationResults, seconds: number | undefined): void {
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  const { promiseModules: p, allFiles } = results;
  process.stdout.write(
    `mutation: promise modules ${p.score ?? '-'}% over ${p.files} file(s) (${p.unacceptedOpen} open without a reason); all ${allFiles.score ?? '-'}%${seconds === undefined ? '' : `; this run ${seconds} s`} -> ${path.relative(root, resultsFile)}\n`,
  );
}

/**
 * `npm run mutate -- --summarise [<other results file>]`: no Stryker run. Re-reads the accepted reasons, and with
 * another results file (e.g. another branch's, when both ran different files) keeps each file's newer entry.
 */
function summariseOnly(other: string | undefined): number {
  const mine = readResults(resultsFile);
  const theirs = other ? readResults(path.resolve(other)) : undefined;
  if (!mine) throw new Error(`${resultsFile} does not exist: run npm run mutate first`);
  if (other && !theirs) throw new Error(`${other} does not exist`);
  const files: Record<string, FileResult> = { ...mine.files };
  for (const [file, result] of Object.entries(theirs?.files ?? {})) {
    const current = files[file];
    if (!current || result.runAt > current.runAt) files[file] = result;
  }
  const lastRun = theirs && theirs.lastRun.at > mine.lastRun.at ? theirs.lastRun : mine.lastRun;
  const acceptedList = JSON.parse(readFileSync(acceptedFile, 'utf8')) as AcceptedSurvivor[];
  writeResults(summarise(files, acceptedList, lastRun), undefined);
  return 0;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args[0] === '--summarise') return summariseOnly(args[1]);
  const started = Date.now();
  const status = await runStryker(args);
  const seconds = Math.round((Date.now() - started) / 1000);
  if (status !== 0 || !existsSync(reportFile)) {
    process.stderr.write(`stryker exited with ${status}; ${resultsFile} left as it was\n`);
    return status === 0 ? 1 : status;
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as StrykerReport;
  const acceptedList = JSON.parse(readFileSync(acceptedFile, 'utf8')) as AcceptedSurvivor[];
  const runAt = new Date(started).toISOString();
  const files: Record<string, FileResult> = { ...(readResults(resultsFile)?.files ?? {}) };
  const inScope = scopeOf(args);
  for (const [file, { mutants, source }] of Object.entries(report.files)) {
    // The report also carries files reused from the incremental record; only this run's own replace entries.
    if (!inScope(file)) continue;
    const lines = source.split('\n');
    const open = mutants
      .filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')
      .map((m) => {
        const line = m.location.start.line;
        const original = (lines[line - 1] ?? '').trim();
        const reason = accepted(acceptedList, mutantKey(file, m, original));
        return {
          line,
          status: m.status,
          mutator: m.mutatorName,
          replacement: m.replacement ?? '',
          code: original.slice(0, 160),
          ...(reason ? { accepted: reason } : {}),
        };
      });
    files[file] = { runAt, ...scoreOf(mutants), open };
  }
  const lastRun = { at: runAt, seconds, args, stryker: report.schemaVersion ? `report schema ${report.schemaVersion}` : 'unknown' };
  writeResults(summarise(files, acceptedList, lastRun), seconds);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
