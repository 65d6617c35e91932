/**
 * The README's "see it locally in a minute": `npm start` with a small alert budget and a short window, a few
 * failures sent with the `send` CLI, and the first terminal shows the individual alerts and then one digest for the
 * rest, as the e-mail reads (LOCAL_ALERTS_PER_WINDOW, LOCAL_ALERT_WINDOW_SECONDS).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCliAsync, spawnLocalStack, type StackProcess } from '../helpers/local-stack-process';

const stateDir = mkdtempSync(path.join(tmpdir(), 'alerts-digest-'));
const outputsFile = path.join(stateDir, 'outputs.json');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  LOCAL_STATE_DIR: stateDir,
  PORT: '0',
  LOCAL_STREAM_POLL_MS: '100',
  LOCAL_ALERTS_PER_WINDOW: '1',
  LOCAL_ALERT_WINDOW_SECONDS: '10',
};
for (const name of ['CONTENTOR_WEBHOOK_SECRETS', 'PANJAYA_PUBLIC_KEYS', 'LOCAL_OUTPUTS_FILE', 'LOCAL_PROVIDERS', 'LOCAL_PROVIDER_SECRETS']) delete env[name];

let running: StackProcess;
const output = () => running.output();
const waitFor = (check: () => boolean, what: string, timeoutMs: number) => running.waitFor(check, what, timeoutMs);
const send = async (uuid: string): Promise<string> => (await runCliAsync('send.ts', ['contentor', 'failed', '--uuid', uuid], env)).stdout;

beforeAll(async () => {
  running = spawnLocalStack(env);
  await waitFor(() => existsSync(outputsFile), 'the outputs file', 90_000);
}, 120_000);

afterAll(async () => {
  const stack = running.child;
  if (stack.exitCode === null) {
    stack.kill('SIGTERM');
    await new Promise((r) => stack.once('exit', r));
  }
  rmSync(stateDir, { recursive: true, force: true });
});

it('writes JobAlertsTopicArn to the outputs file', () => {
  const outputs = JSON.parse(readFileSync(outputsFile, 'utf8')).JobWebhookReceiver as Record<string, string>;
  expect(outputs.JobAlertsTopicArn).toMatch(/JobAlerts/);
});

it('prints the individual alerts, then one digest for the rest of the window, every failure once', async () => {
  // Sent together, so they land in at most two 10 s windows of one alert each: at least one digest.
  const uuids = [1, 2, 3].map((n) => `3f2a9c1e-0000-4000-8000-00000000000${n}`);
  const answers = await Promise.all(uuids.map(send));
  for (const answer of answers) expect(answer).toMatch(/→ 200/);
  await waitFor(() => output().includes('Subject: [DIGEST]'), 'the digest', 60_000);
  // Let any second window close too before counting.
  await new Promise((r) => setTimeout(r, 3000));
  const alerted = uuids.filter((uuid) => output().includes(`Subject: [FAILED] Contentor job ${uuid} failed`));
  const digests = [...output().matchAll(/Subject: \[DIGEST\] (\d+) jobs? failed/g)].map((m) => Number(m[1]));
  expect(alerted.length).toBeGreaterThanOrEqual(1);
  expect(alerted.length).toBeLessThanOrEqual(2);
  expect(alerted.length + digests.reduce((a, b) => a + b, 0)).toBe(3);
  // The digest reads as the e-mail does, with the command that lists them all.
  expect(output()).toMatch(/List them all:\n {2}npm run --silent jobs -- list --status failed --since \S+ --limit 100/);
  for (const uuid of uuids.filter((u) => !alerted.includes(u))) expect(output()).toContain(`contentor   ${uuid}  failed  failed`);
}, 120_000);
