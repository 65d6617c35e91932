/**
 * The README's "Recovering refused deliveries" story, run as it really runs: `npm start` (the same entry through tsx)
 * with a wrong Contentor secret and a Panjaya key set that lacks the provider's new key; deliveries get 401 and are
 * quarantined (a signed one failing the schema gets 400). The stack is restarted with the right secret and both keys,
 * keeping the state dir; `replay run --execute` accepts them, each terminal event is notified once, the 400 stays,
 * and a second run changes nothing. The CLIs run as separate processes against the outputs file.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli, spawnLocalStack, type StackProcess } from '../helpers/local-stack-process';
import { panjayaKeyPair } from '../helpers/receiver-harness';
import { signPanjaya } from '../helpers/signing';

const stateDir = mkdtempSync(path.join(tmpdir(), 'replay-'));
const outputsFile = path.join(stateDir, 'outputs.json');

const RIGHT_SECRET = `right-${randomUUID()}`;
const oldKey = panjayaKeyPair();
const newKey = panjayaKeyPair(); // the provider rotated to this one before we configured it
const pem = (key: typeof oldKey) => key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const newKeyFile = path.join(stateDir, 'panjaya-new-private.pem');
writeFileSync(newKeyFile, newKey.privateKey.export({ type: 'pkcs8', format: 'pem' }));

function stackEnv(contentorSecrets: string, panjayaKeys: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOCAL_STATE_DIR: stateDir,
    PORT: '0',
    LOCAL_STREAM_POLL_MS: '100',
    CONTENTOR_WEBHOOK_SECRETS: contentorSecrets,
    PANJAYA_PUBLIC_KEYS: panjayaKeys,
  };
  delete env.LOCAL_OUTPUTS_FILE;
  return env;
}
const misconfigured = stackEnv('placeholder-secret', pem(oldKey));
const fixed = stackEnv(RIGHT_SECRET, `${pem(oldKey)}${pem(newKey)}`);

let stack: StackProcess | undefined;

const cli = (script: string, args: string[], env: NodeJS.ProcessEnv) => runCli(script, args, env, 60_000);
const replay = (args: string[], env: NodeJS.ProcessEnv) => {
  const out = cli('replay.ts', [...args, '--json'], env);
  if (out.code !== 0) throw new Error(`replay ${args.join(' ')} exited ${out.code}: ${out.stderr}`);
  return JSON.parse(out.stdout) as unknown;
};

const waitFor = (check: () => boolean, what: string, timeoutMs = 60_000) => {
  if (!stack) throw new Error('the stack is not running');
  return stack.waitFor(check, what, timeoutMs);
};

async function start(env: NodeJS.ProcessEnv): Promise<void> {
  stack = spawnLocalStack(env);
  await waitFor(() => existsSync(outputsFile), 'the outputs file');
}

async function stop(): Promise<void> {
  const running = stack?.child;
  if (!running || running.exitCode !== null) return;
  running.kill('SIGTERM');
  await waitFor(() => running.exitCode !== null, 'the stack to stop', 20_000);
}

/** Notifications the console subscriber printed that name `id` (one `Subject:` block each). */
const notificationsFor = (id: string) =>
  (stack?.output() ?? '')
    .split('Subject: ')
    .slice(1)
    .filter((block) => block.includes(id)).length;

afterAll(async () => {
  if (stack && stack.child.exitCode === null) stack.child.kill('SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
});

const failedJob = randomUUID();
const completedJob = randomUUID();
const asset = `asset-${randomUUID().slice(0, 8)}`;

it('quarantines refused deliveries and replays them after the configuration is fixed, once', async () => {
  await start(misconfigured);
  // The provider signs with the real secret and its new key; the stack does not know them yet.
  const sent = [
    cli('send.ts', ['contentor', 'failed', '--uuid', failedJob, '--secret', RIGHT_SECRET], misconfigured),
    cli('send.ts', ['contentor', 'completed', '--uuid', completedJob, '--secret', RIGHT_SECRET, '--style', 'envelope'], misconfigured),
    cli('send.ts', ['panjaya', 'version_generated', '--asset', asset, '--version', 'v1', '--key', newKeyFile], misconfigured),
  ];
  for (const s of sent) expect(s.stdout).toMatch(/→ 401/);
  // Signed with a trusted key but not the schema: 400, and it stays refused whatever the keys.
  const { ApiUrl } = (JSON.parse(readFileSync(outputsFile, 'utf8')) as { JobWebhookReceiver: { ApiUrl: string } }).JobWebhookReceiver;
  const badSchema = JSON.stringify({ asset_id: asset, version_id: 42, event: 'version_generated' });
  const res = await fetch(`${ApiUrl}/webhooks/panjaya`, {
    method: 'POST',
    body: badSchema,
    headers: { 'content-type': 'application/json', 'x-signature': signPanjaya(badSchema, oldKey.privateKey) },
  });
  expect(res.status).toBe(400);

  const listed = replay(['list'], misconfigured) as Array<Record<string, unknown>>;
  expect(listed).toHaveLength(4);
  for (const row of listed)
    expect(row).toEqual(
      expect.objectContaining({
        deliveryId: expect.any(String),
        provider: expect.any(String),
        reason: expect.any(String),
        httpStatus: expect.any(Number),
        receivedAt: expect.any(String),
      }),
    );
  expect([...listed].map((r) => r.receivedAt)).toEqual(
    [...listed]
      .map((r) => r.receivedAt)
      .sort()
      .reverse(),
  );
  expect(listed.map((r) => `${r.httpStatus} ${r.reason}`).sort()).toEqual([
    '400 invalid_payload',
    '401 invalid_signature',
    '401 invalid_signature',
    '401 invalid_signature',
  ]);
  expect(replay(['list', '--provider', 'panjaya', '--reason', 'invalid_payload'], misconfigured)).toHaveLength(1);
  await stop();

  await start(fixed); // same state dir: the table and its quarantine are kept
  const dryRun = replay(['run'], fixed);
  expect(dryRun).toMatchObject({ executed: false, matched: 4, accepted: 3, duplicate: 0, rejected: 1 });
  expect(cli('jobs.ts', ['get', 'contentor', failedJob, '--json'], fixed).code).toBe(3); // the dry run wrote nothing
  expect(replay(['list'], fixed)).toHaveLength(4);

  expect(replay(['run', '--execute'], fixed)).toMatchObject({ executed: true, matched: 4, accepted: 3, duplicate: 0, rejected: 1 });
  const got = cli('jobs.ts', ['get', 'contentor', failedJob, '--json'], fixed);
  expect(JSON.parse(got.stdout)).toMatchObject({ provider: 'contentor', jobId: failedJob, status: 'failed' });
  expect(JSON.parse(cli('jobs.ts', ['get', 'panjaya', asset, 'v1', '--json'], fixed).stdout)).toMatchObject({ status: 'succeeded' });
  await waitFor(() => [failedJob, completedJob, `${asset}`].every((id) => notificationsFor(id) >= 1), 'the three notifications', 30_000);

  const left = replay(['list'], fixed) as Array<Record<string, unknown>>;
  expect(left.map((r) => r.reason)).toEqual(['invalid_payload']);
  // A second run: the 400 is refused again and stays, nothing else happens.
  expect(replay(['run', '--execute'], fixed)).toMatchObject({ matched: 1, accepted: 0, duplicate: 0, rejected: 1 });
  // Let the stream poller run a few more rounds: no second notification appears.
  await new Promise((r) => setTimeout(r, 1500));
  for (const id of [failedJob, completedJob, asset]) expect(notificationsFor(id)).toBe(1);
  await stop();
}, 240_000);
