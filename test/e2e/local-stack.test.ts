/**
 * The README walk-through, run as a newcomer would: `npm start` (here: the same entry through tsx), then the `send`
 * and `jobs` CLIs as separate processes against the outputs file. Checks the contracts tools rely on: the outputs
 * file shape, `jobs get … --json` fields, exit code 3 for an unknown job, and that SIGTERM stops every child.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, spawnLocalStack, type StackProcess } from '../helpers/local-stack-process';

const stateDir = mkdtempSync(path.join(tmpdir(), 'local-stack-'));
const outputsFile = path.join(stateDir, 'outputs.json');
const env: NodeJS.ProcessEnv = { ...process.env, LOCAL_STATE_DIR: stateDir, PORT: '0', LOCAL_STREAM_POLL_MS: '100' };
delete env.CONTENTOR_WEBHOOK_SECRETS;
delete env.PANJAYA_PUBLIC_KEYS;
delete env.LOCAL_OUTPUTS_FILE;

let running: StackProcess;
const cli = (script: string, args: string[]) => runCli(script, args, env);
const waitFor = (check: () => boolean, what: string, timeoutMs?: number) => running.waitFor(check, what, timeoutMs);

beforeAll(async () => {
  running = spawnLocalStack(env);
  await waitFor(() => existsSync(outputsFile), 'the outputs file');
}, 60_000);

afterAll(async () => {
  if (running.child.exitCode === null) {
    running.child.kill('SIGKILL');
  }
  rmSync(stateDir, { recursive: true, force: true });
});

describe('local stack walk-through', () => {
  it('writes the outputs file in the cdk deploy --outputs-file shape', () => {
    const outputs = JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.keys(outputs)).toEqual(['JobWebhookReceiver']);
    const stackOutputs = outputs.JobWebhookReceiver ?? {};
    for (const key of ['ApiUrl', 'TableName', 'SucceededTopicArn', 'FailedTopicArn', 'DynamoDbEndpoint', 'SnsEndpoint']) {
      expect(stackOutputs[key]).toEqual(expect.any(String));
    }
    expect(stackOutputs.ApiUrl).not.toMatch(/\/$/);
  });

  it('accepts a signed Contentor callback, shows the notification in the stackOutput, and answers jobs get --json', async () => {
    const uuid = '3f2a9c1e-0000-4000-8000-000000000001';
    const sent = cli('send.ts', ['contentor', 'failed', '--uuid', uuid]);
    expect(sent.stdout).toMatch(/→ 200/);
    await waitFor(() => running.output().includes('[FAILED] Contentor job'), 'the stackOutput notification', 15_000);
    const got = cli('jobs.ts', ['get', 'contentor', uuid, '--json']);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ provider: 'contentor', jobId: uuid, status: 'failed', eventType: 'failed', updatedAt: expect.any(String) });
  });

  it('answers jobs get for a Panjaya version signed with the development key', () => {
    expect(cli('send.ts', ['panjaya', 'version_generated', '--asset', 'A1', '--version', 'v1', '--style', 'raw-base64']).stdout).toMatch(/→ 200/);
    const got = cli('jobs.ts', ['get', 'panjaya', 'A1', 'v1', '--json']);
    expect(JSON.parse(got.stdout)).toMatchObject({ provider: 'panjaya', jobId: 'A1/v1', status: 'succeeded', eventType: 'version_generated' });
  });

  it('exits 3 for an unknown job', () => {
    expect(cli('jobs.ts', ['get', 'contentor', 'no-such-job', '--json']).code).toBe(3);
  });

  it('stops every child process on SIGTERM', async () => {
    const outputs = JSON.parse(readFileSync(outputsFile, 'utf8')) as { JobWebhookReceiver: { DynamoDbEndpoint: string; SnsEndpoint: string } };
    running.child.kill('SIGTERM');
    await waitFor(() => running.child.exitCode !== null, 'the stack to exit', 15_000);
    for (const endpoint of [outputs.JobWebhookReceiver.DynamoDbEndpoint, outputs.JobWebhookReceiver.SnsEndpoint]) {
      await expect(fetch(endpoint)).rejects.toThrow();
    }
    expect(existsSync(outputsFile)).toBe(false);
  });
});
