/**
 * `npm start` and the CLIs as the e2e tests run them, as a user would: separate processes (the same entries through
 * tsx) against the outputs file; the stack's output is kept for the message of a wait that timed out.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitFor } from './processes';

export const projectRoot = path.resolve(__dirname, '../..');
const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');

/** Runs `tools/<script>` to its end in `env` (of the project at `root`: this one, or a copy). */
export function runCli(script: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000, root = projectRoot) {
  const out = spawnSync(tsx, [path.join(root, 'tools', script), ...args], { env, cwd: root, encoding: 'utf8', timeout: timeoutMs });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

/** Runs `tools/<script>` without blocking, so several can run at once (deliveries sent together). */
export function runCliAsync(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(tsx, [path.join(projectRoot, 'tools', script), ...args], { env, cwd: projectRoot });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface StackProcess {
  readonly child: ChildProcess;
  /** Everything the stack printed so far (stdout and stderr). */
  output(): string;
  /** Polls `check` until true; the timeout's message carries the stack's output. */
  waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs?: number): Promise<void>;
}

/** Starts `local/start.ts` in `env` (of the project at `root`: this one, or a copy). */
export function spawnLocalStack(env: NodeJS.ProcessEnv, defaultTimeoutMs = 45_000, root = projectRoot): StackProcess {
  const child = spawn(tsx, [path.join(root, 'local', 'start.ts')], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  return {
    child,
    output: () => text,
    waitFor: (check, what, timeoutMs = defaultTimeoutMs) => waitFor(check, what, timeoutMs, () => `stack output:\n${text}`),
  };
}
