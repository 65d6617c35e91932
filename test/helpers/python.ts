/**
 * CPython for the cross-checks (canonical JSON as Contentor's samples sign it, HMACs, Panjaya's ES256 as its
 * document signs with the `cryptography` package). A test that needs it calls `runPython`: when python3 or a module
 * is missing, that test FAILS with a message naming what to install. It never skips: CI would count a skip as a
 * pass. .ci/run installs both (Debian `python3`, `python3-cryptography`).
 */
import { spawnSync } from 'node:child_process';

/** Debian packages of the modules the cross-checks import beyond the standard library. */
const debianPackageOf: Readonly<Record<string, string>> = { cryptography: 'python3-cryptography' };

export class PythonUnavailableError extends Error {
  override readonly name = 'PythonUnavailableError';
}

/**
 * Runs `python3 <args>` (a script file, or `-c <source>`) with `input` on stdin and returns stdout. Throws
 * PythonUnavailableError when python3 or an imported module is missing, and an Error with stderr when it fails.
 */
export function runPython(args: readonly string[], input = ''): string {
  const run = spawnSync('python3', args, { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error) {
    throw new PythonUnavailableError(
      `python3 is required by this test and could not be run (${run.error.message}). Install it (Debian/Ubuntu: apt-get install python3 python3-cryptography); .ci/run does this in CI.`,
    );
  }
  const missing = /ModuleNotFoundError: No module named '([\w.]+)'/.exec(run.stderr);
  if (missing) {
    const module = missing[1] ?? '';
    const root = module.split('.')[0] ?? module;
    throw new PythonUnavailableError(
      `python3 has no module "${module}", which this test needs. Install it (Debian/Ubuntu: apt-get install ${debianPackageOf[root] ?? `python3-${root}`}); .ci/run does this in CI.`,
    );
  }
  if (run.status !== 0) throw new Error(`python3 ${args[0] === '-c' ? '-c <script>' : args.join(' ')} failed (exit ${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** `python3 -c <source>` with `input` on stdin, its stdout parsed as JSON. */
export function pythonJson<T>(source: string, input = ''): T {
  return JSON.parse(runPython(['-c', source], input)) as T;
}
