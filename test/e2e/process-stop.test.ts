/**
 * `npm start` as a process manager, a CI job or a person in a terminal runs it: the real npm, the real script line.
 * Each test starts the stack with a temp LOCAL_STATE_DIR and PORT=0, waits for the outputs file, stops it one way,
 * and checks that no process of it remains (by PID, from /proc) and that none of its ports answers.
 */
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commandOf, descendantsOf, portAnswers, runInTerminal, stillRunning, waitFor, type TerminalRun } from '../helpers/processes';

const root = path.resolve(__dirname, '../..');
const STACK_KEYS = ['ApiUrl', 'DynamoDbEndpoint', 'SnsEndpoint'] as const;
// What a quiet stop must not print (docs/ARCHITECTURE.md "Local stack", Stopping): a restart of a dying child, a dead peer, a failing sweep, any error.
const NOISE = /restarting|ECONNREFUSED|sweep failed|error|exited \(/i;

interface Started {
  readonly run: TerminalRun;
  readonly stateDir: string;
  readonly outputsFile: string;
  /** Every process of the stack while it runs (npm's descendants). */
  readonly pids: number[];
  readonly ports: number[];
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function environment(stateDir: string, port: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOCAL_STATE_DIR: stateDir, PORT: port, LOCAL_STREAM_POLL_MS: '100' };
  delete env.LOCAL_OUTPUTS_FILE;
  delete env.CONTENTOR_WEBHOOK_SECRETS;
  delete env.PANJAYA_PUBLIC_KEYS;
  return env;
}

function track(run: TerminalRun, stateDir: string, pids: () => number[]): void {
  cleanups.push(() => {
    for (const pid of stillRunning([...pids(), run.child.pid ?? 0].filter((p) => p > 0))) process.kill(pid, 'SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  });
}

async function startStack(): Promise<Started> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'stop-'));
  const outputsFile = path.join(stateDir, 'outputs.json');
  const run = runInTerminal('npm', ['start'], { cwd: root, env: environment(stateDir, '0') });
  let pids: number[] = [];
  track(run, stateDir, () => pids);
  await waitFor(() => existsSync(outputsFile) || run.child.exitCode !== null, 'the outputs file', 90_000, run.output);
  pids = descendantsOf(run.child.pid ?? 0);
  // The stack's own processes: node running local/start.ts, java (DynamoDB Local), fauxqs.
  const commands = pids.map(commandOf);
  for (const part of ['local/start.ts', 'DynamoDBLocal.jar', 'fauxqs']) expect(commands.some((c) => c?.includes(part))).toBe(true);
  const outputs = (JSON.parse(readFileSync(outputsFile, 'utf8')) as { JobWebhookReceiver: Record<string, string> }).JobWebhookReceiver;
  const ports = STACK_KEYS.map((key) => Number(new URL(outputs[key] ?? '').port));
  return { run, stateDir, outputsFile, pids, ports };
}

async function expectNothingLeft(stack: Started): Promise<void> {
  const { pids } = stack;
  await waitFor(
    () => stillRunning(pids).length === 0,
    'every process of the stack to end',
    30_000,
    () =>
      stillRunning(pids)
        .map((p) => `${p} ${commandOf(p)}`)
        .join('\n'),
  );
  expect(stillRunning(pids)).toEqual([]);
  for (const port of stack.ports) expect(await portAnswers(port)).toBe(false);
}

describe('npm start stops every process it started', () => {
  it.each([
    ['SIGTERM to the npm PID (a process manager or CI job)', 'SIGTERM', (pid: number): void => void process.kill(pid, 'SIGTERM')],
    ['Ctrl-C (SIGINT to the whole foreground process group)', 'SIGINT', (pid: number): void => void process.kill(-pid, 'SIGINT')],
  ] as const)(
    'on %s, quietly and with exit 0',
    async (_how, signal, send) => {
      const stack = await startStack();
      send(stack.run.child.pid ?? 0);
      expect(await stack.run.exited).toBe(0);
      await expectNothingLeft(stack);
      expect(existsSync(stack.outputsFile)).toBe(false);
      const shutdown = stack.run.output().slice(stack.run.output().indexOf('stopping'));
      expect(shutdown).toContain(`stopped (${signal})`);
      expect(shutdown).not.toMatch(NOISE);
    },
    150_000,
  );

  it('when the stack process is killed hard (SIGKILL): the emulators notice and end', async () => {
    const stack = await startStack();
    const node = stack.pids.find((pid) => commandOf(pid)?.includes('local/start.ts'));
    expect(node).toEqual(expect.any(Number));
    process.kill(node ?? 0, 'SIGKILL');
    await expectNothingLeft(stack);
  }, 150_000);
});

describe('npm start on a port that is taken', () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const address = blocker.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('exits non-zero naming the port and PORT=, leaves nothing running, and keeps the running stack outputs file', async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'port-'));
    // The stack already on that port (here: the blocker) wrote its outputs file in the same state dir; the CLIs use it.
    const running = `${JSON.stringify({ JobWebhookReceiver: { ApiUrl: `http://127.0.0.1:${port}`, TableName: 't' } })}\n`;
    writeFileSync(path.join(stateDir, 'outputs.json'), running);
    const run = runInTerminal('npm', ['start'], { cwd: root, env: environment(stateDir, String(port)) });
    const seen = new Set<number>();
    track(run, stateDir, () => [...seen]);
    // Collect every process it ever had, while it runs.
    const sampler = setInterval(() => {
      for (const p of descendantsOf(run.child.pid ?? 0)) seen.add(p);
    }, 50);
    const code = await run.exited;
    clearInterval(sampler);
    expect(code).not.toBe(0);
    expect(run.output()).toContain(`port ${port}`);
    expect(run.output()).toMatch(/PORT=\d+ npm start/);
    expect(run.output()).not.toMatch(/EADDRINUSE|at .*\.ts:\d+/);
    expect([...seen].map(commandOf).filter((c) => c?.includes('DynamoDBLocal.jar') || c?.includes('fauxqs'))).toEqual([]);
    await waitFor(() => stillRunning([...seen]).length === 0, 'every process to end', 15_000);
    expect(readFileSync(path.join(stateDir, 'outputs.json'), 'utf8')).toBe(running);
  }, 60_000);
});
