/**
 * scripts/first-run.cjs, the step before `npm start` and `npm test` (package.json prestart/pretest), in a temp
 * project: a lock file, a fake `npm` on PATH that records its arguments and installs the lock file as npm ci does,
 * and a fake `java` printing a chosen version. Real processes, nothing mocked in the script itself.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const script = path.resolve(__dirname, '../../scripts/first-run.cjs');
let dir: string;
let bin: string;

const lock = (versions: Record<string, string>, extra: Record<string, object> = {}) =>
  JSON.stringify({
    name: 'p',
    lockfileVersion: 3,
    packages: { '': { name: 'p' }, ...Object.fromEntries(Object.entries(versions).map(([n, v]) => [`node_modules/${n}`, { version: v }])), ...extra },
  });

function writeExecutable(name: string, body: string): void {
  const file = path.join(bin, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

/** A fake npm: records its arguments; `ci` copies the lock file into node_modules/.package-lock.json (exit $NPM_EXIT). */
function fakeNpm(exit = 0): void {
  writeExecutable(
    'npm',
    `echo "$@" >> "${dir}/npm-calls"\n[ "$1" = ci ] && [ ${exit} = 0 ] && /bin/mkdir -p "${dir}/node_modules" && /bin/cp "${dir}/package-lock.json" "${dir}/node_modules/.package-lock.json"\nexit ${exit}`,
  );
}

function fakeJava(versionLine: string | undefined): void {
  rmSync(path.join(bin, 'java'), { force: true });
  if (versionLine !== undefined) writeExecutable('java', `echo '${versionLine}' >&2`);
}

function run(env: NodeJS.ProcessEnv = {}) {
  const clean: NodeJS.ProcessEnv = { PATH: bin, FIRST_RUN_ROOT: dir, ...env };
  const out = spawnSync(process.execPath, [script], { env: clean, encoding: 'utf8' });
  const calls = existsSync(path.join(dir, 'npm-calls')) ? readFileSync(path.join(dir, 'npm-calls'), 'utf8').trim().split('\n') : [];
  return { code: out.status, stderr: out.stderr, calls };
}

/** Sets the lock file's mtime `seconds` after the installed record's. */
function lockNewerBy(seconds: number): void {
  const installed = path.join(dir, 'node_modules', '.package-lock.json');
  const t = Date.now() / 1000 - 100;
  utimesSync(installed, t, t);
  utimesSync(path.join(dir, 'package-lock.json'), t + seconds, t + seconds);
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'first-run-'));
  bin = path.join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(dir, 'package-lock.json'), lock({ a: '1.0.0', b: '2.0.0' }));
  fakeNpm();
  fakeJava('openjdk version "17.0.15" 2025-04-15');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('first run: dependencies', () => {
  it('installs the locked dependencies with npm ci when node_modules is missing, with a one-line notice', () => {
    const result = run();
    expect(result.code).toBe(0);
    expect(result.calls).toEqual(['ci --no-audit --no-fund']);
    expect(result.stderr.trim().split('\n')).toEqual(['[setup] node_modules is missing: installing the locked dependencies (npm ci)…']);
    expect(existsSync(path.join(dir, 'node_modules', '.package-lock.json'))).toBe(true);
  });

  it('does nothing when node_modules is as new as the lock file', () => {
    run();
    rmSync(path.join(dir, 'npm-calls'));
    expect(run()).toEqual({ code: 0, stderr: '', calls: [] });
  });

  it('does not reinstall when the lock file is newer on disk but locks the same versions (a fresh checkout)', () => {
    run();
    rmSync(path.join(dir, 'npm-calls'));
    lockNewerBy(60);
    expect(run().calls).toEqual([]);
  });

  it('reinstalls when the lock file locks another version than the one installed, naming it', () => {
    run();
    rmSync(path.join(dir, 'npm-calls'));
    writeFileSync(path.join(dir, 'package-lock.json'), lock({ a: '1.1.0', b: '2.0.0' }));
    lockNewerBy(60);
    const result = run();
    expect(result.calls).toEqual(['ci --no-audit --no-fund']);
    expect(result.stderr).toContain('node_modules is older than package-lock.json (a 1.0.0 installed, 1.1.0 locked)');
  });

  it('reinstalls when a locked package is missing, but not for an optional one of another platform', () => {
    run();
    rmSync(path.join(dir, 'npm-calls'));
    writeFileSync(
      path.join(dir, 'package-lock.json'),
      lock({ a: '1.0.0', b: '2.0.0' }, { 'node_modules/@esbuild/darwin-arm64': { version: '0.1.0', optional: true } }),
    );
    lockNewerBy(60);
    expect(run().calls).toEqual([]);
    writeFileSync(path.join(dir, 'package-lock.json'), lock({ a: '1.0.0', b: '2.0.0', c: '3.0.0' }));
    lockNewerBy(60);
    const result = run();
    expect(result.calls).toEqual(['ci --no-audit --no-fund']);
    expect(result.stderr).toContain('(c is not installed)');
  });

  it('exits 1 and says so when npm ci fails', () => {
    fakeNpm(7);
    const result = run();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/npm ci failed \(exit 7\)/);
  });
});

describe('first run: Java', () => {
  it.each([
    ['missing', undefined, /`java` is not on PATH/],
    ['too old (11)', 'openjdk version "11.0.2" 2019-01-15', /found Java 11/],
    ['too old (1.8)', 'java version "1.8.0_402"', /found Java 8/],
  ])('exits 3 when Java is %s, saying what to install', (_name, versionLine, found) => {
    fakeJava(versionLine);
    const result = run({ FIRST_RUN_SKIP_INSTALL: '1' });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(found);
    expect(result.stderr).toContain('needs Java 17 or newer');
    expect(result.stderr).toContain('apt-get install openjdk-17-jre-headless');
  });

  it('accepts Java 17 and newer', () => {
    for (const line of ['openjdk version "17.0.15" 2025-04-15', 'openjdk version "21" 2023-09-19']) {
      fakeJava(line);
      expect(run({ FIRST_RUN_SKIP_INSTALL: '1' })).toMatchObject({ code: 0, stderr: '' });
    }
  });
});
