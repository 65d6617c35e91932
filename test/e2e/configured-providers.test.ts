/**
 * Providers declared by configuration alone, through the local stack as a user runs it: `npm start` (its entry via
 * tsx) with LOCAL_PROVIDERS and LOCAL_PROVIDER_SECRETS, real HTTP deliveries signed as each scheme does, a queue
 * subscribed to the topics through fauxqs, and the `send` and `jobs` CLIs as separate processes.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { subscribeQueue } from '../../local/console-subscriber';
import { parseProvidersConfig } from '../../lambda/core/providers/configured/config-schema';
import { configuredRequest, type SignedRequest } from '../../tools/lib/configured-request';
import { clientConfig } from '../../lambda/contracts';
import { takeAll } from '../helpers/fanout-harness';
import { runCli, spawnLocalStack, type StackProcess } from '../helpers/local-stack-process';
import { exampleProviders } from '../fixtures/configured-providers';

const stateDir = mkdtempSync(path.join(tmpdir(), 'configured-'));
const outputsFile = path.join(stateDir, 'outputs.json');

const declarations = exampleProviders;
// Two secrets each: the provider may sign with either while rotating.
const secrets = {
  replicate: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', `whsec_${Buffer.from('the-new-replicate-signing-key!!').toString('base64')}`],
  acme: ['acme-old-secret', 'acme-new-secret'],
};
const providers = parseProvidersConfig(declarations);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  LOCAL_STATE_DIR: stateDir,
  PORT: '0',
  LOCAL_STREAM_POLL_MS: '100',
  LOCAL_CONSOLE_SUBSCRIBER: 'off',
  LOCAL_PROVIDERS: JSON.stringify(declarations),
  LOCAL_PROVIDER_SECRETS: JSON.stringify(secrets),
};
delete env.LOCAL_OUTPUTS_FILE;

let stack: StackProcess;
let apiUrl = '';
let sqs: SQSClient;
let queueUrl = '';

const waitFor = (check: () => boolean | Promise<boolean>, what: string, timeoutMs?: number) => stack.waitFor(check, what, timeoutMs);

async function post(request: SignedRequest): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${apiUrl}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const replicate = (status: string, jobId: string, o: Partial<Parameters<typeof configuredRequest>[3]> = {}) =>
  configuredRequest('replicate', providers.replicate!, status, { jobId, secrets: [secrets.replicate[0]!], ...o });
const acme = (status: string, jobId: string, secret = secrets.acme[0]!) => configuredRequest('acme', providers.acme!, status, { jobId, secrets: [secret] });

/** Notifications that reached the subscribed queue so far (waits for the stream poller to deliver `count`). */
async function notifications(count: number) {
  const seen: Awaited<ReturnType<typeof takeAll>> = [];
  await waitFor(async () => {
    seen.push(...(await takeAll(sqs, queueUrl)));
    return seen.length >= count;
  }, `${count} notification(s)`);
  // Nothing more is on the way: one more poll interval and a bit.
  await new Promise((r) => setTimeout(r, 600));
  seen.push(...(await takeAll(sqs, queueUrl)));
  return seen;
}

const cli = (script: string, args: string[]) => runCli(script, args, env);

beforeAll(async () => {
  stack = spawnLocalStack(env);
  await waitFor(() => existsSync(outputsFile), 'the outputs file');
  const outputs = (JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>).JobWebhookReceiver ?? {};
  apiUrl = outputs.ApiUrl ?? '';
  sqs = new SQSClient(clientConfig(outputs.SnsEndpoint));
  const sns = new SNSClient(clientConfig(outputs.SnsEndpoint));
  const subscribed = await subscribeQueue(sqs, sns, `configured-${Date.now()}`, [outputs.SucceededTopicArn ?? '', outputs.FailedTopicArn ?? '']);
  queueUrl = subscribed.queueUrl;
}, 90_000);

afterAll(async () => {
  if (stack?.child.exitCode === null) stack.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  if (stack?.child.exitCode === null) stack.child.kill('SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
});

describe('a Standard Webhooks provider declared by configuration', () => {
  it('accepts a delivery, answers a retry of the same message as duplicate, and notifies a terminal status once on the right topic', async () => {
    const started = replicate('starting', 'pred-1', { messageId: 'msg_1' });
    expect((await post(started)).json.status).toBe('accepted');
    const done = replicate('succeeded', 'pred-1', { messageId: 'msg_2', occurredAt: '2026-12-01T10:00:00Z' });
    const first = await post(done);
    expect(first).toMatchObject({ status: 200, json: { status: 'accepted' } });
    // A retry is re-signed with a new timestamp but keeps webhook-id and body: one event.
    const retry = replicate('succeeded', 'pred-1', { messageId: 'msg_2', occurredAt: '2026-12-01T10:00:00Z', timestamp: Math.floor(Date.now() / 1000) + 2 });
    expect((await post(retry)).json).toEqual({ status: 'duplicate', eventId: first.json.eventId });

    const received = await notifications(1);
    expect(received).toHaveLength(1);
    expect(received[0]?.document).toMatchObject({
      provider: 'replicate',
      jobId: 'pred-1',
      status: 'succeeded',
      eventType: 'succeeded',
      occurredAt: '2026-12-01T10:00:00.000Z',
    });
    expect(received[0]?.envelope.TopicArn).toMatch(/succeeded/i);
    expect(JSON.stringify(received[0]?.document.payload)).toBe(done.body);
  });

  it('refuses a tampered body, a wrong secret and a stale timestamp with 401', async () => {
    const good = replicate('processing', 'pred-2');
    expect((await post({ ...good, body: good.body.replace('pred-2', 'pred-3') })).status).toBe(401);
    const wrong = configuredRequest('replicate', providers.replicate!, 'processing', {
      jobId: 'pred-2',
      secrets: [`whsec_${Buffer.from('not-the-secret').toString('base64')}`],
    });
    expect((await post(wrong)).status).toBe(401);
    const stale = replicate('processing', 'pred-2', { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    const answer = await post(stale);
    expect(answer.status).toBe(401);
    expect(String(answer.json.error)).toMatch(/too old/i);
  });

  it('accepts a delivery signed with the second secret (rotation)', async () => {
    const rotated = configuredRequest('replicate', providers.replicate!, 'failed', {
      jobId: 'pred-4',
      secrets: [secrets.replicate[1]!],
      occurredAt: '2026-12-01T11:00:00Z',
    });
    expect((await post(rotated)).json.status).toBe('accepted');
    const received = await notifications(1);
    expect(received.map((r) => r.document)).toEqual([expect.objectContaining({ provider: 'replicate', jobId: 'pred-4', status: 'failed' })]);
    expect(received[0]?.envelope.TopicArn).toMatch(/failed/i);
  });

  it('is looked up with jobs get <name> <jobId> --json', () => {
    const out = cli('jobs.ts', ['get', 'replicate', 'pred-1', '--json']);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ provider: 'replicate', jobId: 'pred-1', status: 'succeeded', eventType: 'succeeded' });
    expect(cli('jobs.ts', ['get', 'replicate', 'no-such-prediction', '--json']).code).toBe(3);
  });
});

describe('an HMAC-header provider declared by configuration', () => {
  it('accepts, deduplicates, refuses a wrong secret, accepts the rotated one and notifies once', async () => {
    const running = acme('running', 'job-7');
    expect((await post(running)).json.status).toBe('accepted');
    expect((await post(running)).json.status).toBe('duplicate');
    expect((await post(acme('done', 'job-7', 'not-the-secret'))).status).toBe(401);
    const tampered = acme('done', 'job-7');
    expect((await post({ ...tampered, body: tampered.body.replace('done', 'error') })).status).toBe(401);
    expect((await post(acme('done', 'job-7', secrets.acme[1]))).json.status).toBe('accepted');
    const received = await notifications(1);
    expect(received.map((r) => r.document)).toEqual([expect.objectContaining({ provider: 'acme', jobId: 'job-7', status: 'succeeded', eventType: 'done' })]);
    const out = cli('jobs.ts', ['get', 'acme', 'job-7', '--json']);
    expect(JSON.parse(out.stdout)).toMatchObject({ provider: 'acme', jobId: 'job-7', status: 'succeeded' });
  });

  it('answers 400 naming the pointer when the job id is missing, and keeps an unlisted status as unknown', async () => {
    const missing = configuredRequest('acme', providers.acme!, 'done', { jobId: 'x', secrets: [secrets.acme[0]!] });
    const body = JSON.stringify({ job: { state: 'done' } });
    const headers = {
      ...missing.headers,
      'X-Acme-Signature': (await import('../../tools/lib/signing')).signHmacHeader(body, secrets.acme[0]!, providers.acme!.signature as never),
    };
    const answer = await post({ ...missing, body, headers });
    expect(answer.status).toBe(400);
    expect(String(answer.json.error)).toMatch(/jobId \("\/job\/id"\)/);
    expect((await post(acme('paused', 'job-8'))).json.status).toBe('accepted');
    expect(JSON.parse(cli('jobs.ts', ['get', 'acme', 'job-8', '--json']).stdout)).toMatchObject({ status: 'unknown', eventType: 'paused' });
  });
});

describe('npm run send for a configured provider', () => {
  it('signs as the scheme does and the stack accepts it', () => {
    const out = cli('send.ts', ['replicate', 'succeeded', '--job-id', 'pred-cli']);
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/→ 200/);
    expect(out.stdout).toContain('"status":"accepted"');
    expect(cli('send.ts', ['acme', 'done', '--job-id', 'job-cli']).stdout).toMatch(/→ 200/);
  });
});
