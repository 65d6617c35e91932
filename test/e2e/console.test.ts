/**
 * The operations console in a real browser (Debian's chromium driven by playwright-core) against the local stack
 * started in-process, with data that went through the real receiver, stream poller and fan-out. Seeding: deliveries
 * over the last day through the receiver's own ingest (its clock set back, as the replay does), a late event, a
 * delivery refused after the provider rotated its secret (quarantined), an XSS payload in a job id, an event type and
 * a body, two jobs the watchdog's own sweep judges stalled, and one notification parked as the fan-out parks one SNS
 * refuses (the fault the emulators cannot produce, injected through the ledger).
 *
 * Shows: the overview's counts match the table; a failed job opened from the overview shows its timeline and raw
 * body (20-digit integer intact); a quarantined delivery replayed after the secret fix and its job appearing; a
 * parked notification re-driven and published once; provider markup rendered as text with no dialog and no script
 * run; no token → 401; a cross-origin POST and a wrong Host refused; no page breaks its own CSP. Screenshots of each
 * page go to test-results/console/ (CONSOLE_DOCS_SCREENSHOTS=1 also refreshes the two in docs/).
 */
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { launchHeadlessChromium } from '../../bench/headless-chromium';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoNotificationLedger } from '../../lambda/adapters/notification-ledger';
import { clientConfig } from '../../lambda/contracts';
import { ingest } from '../../lambda/core/ingest';
import { EventItemSchema, StateItemSchema, type EventItem, type StateItem } from '../../lambda/core/items';
import { readLocalConfig } from '../../local/config';
import { startLocalStack } from '../../local/start';
import { type RunningConsole, startConsole } from '../../tools/console/server';
import { openSources } from '../../tools/console/sources';
import { openReplayTarget } from '../../tools/lib/replay-target';
import { panjayaKeyPair } from '../helpers/receiver-harness';
import { signContentorHeader, signPanjaya } from '../helpers/signing';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

const root = path.resolve(__dirname, '../..');
const shotsDir = process.env.CONSOLE_SCREENSHOTS_DIR ?? path.join(root, 'test-results', 'console');
const stateDir = mkdtempSync(path.join(tmpdir(), 'console-e2e-'));
const outputsFile = path.join(stateDir, 'outputs.json');

/** The secret the stack was configured with, and the one the provider rotated to (unknown to the stack). */
const OLD_SECRET = `old-${randomUUID()}`;
const NEW_SECRET = `new-${randomUUID()}`;
const key = panjayaKeyPair();
const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** A 20-digit integer: past 2^64, so JSON.parse would print 12345678901234567000. */
const BIG = '12345678901234567890';
const XSS_ID = `<img src=x onerror="window.__xss=1">-${randomUUID().slice(0, 6)}`;
const XSS_TYPE = '<b onmouseover="window.__xss=2">bold</b>';
const XSS_LOCALE = '</pre><script>window.__xss=3</script>';

const ids = {
  failedBig: `render-${randomUUID()}`,
  failedOther: `render-${randomUUID()}`,
  succeeded: [`render-${randomUUID()}`, `render-${randomUUID()}`, `render-${randomUUID()}`],
  stalling: [`render-${randomUUID()}`, `render-${randomUUID()}`],
  rotated: `render-${randomUUID()}`,
  parked: `render-${randomUUID()}`,
  asset: `asset-${randomUUID().slice(0, 8)}`,
  failedAsset: `asset-${randomUUID().slice(0, 8)}`,
};

let stack: Awaited<ReturnType<typeof startLocalStack>>;
let consoleServer: RunningConsole;
let context: BrowserContext;
let page: Page;
const dialogs: string[] = [];
const cspViolations: string[] = [];
let base: string;
const doc = () => makeDocumentClient({ endpoint: stack.outputs.JobWebhookReceiver.DynamoDbEndpoint });
const tableName = () => stack.outputs.JobWebhookReceiver.TableName;

/** The environment `npm start` and the console share: the state dir, the Panjaya key, the Contentor secret(s). */
const consoleEnv = (contentorSecrets: string): NodeJS.ProcessEnv => ({
  LOCAL_STATE_DIR: stateDir,
  PANJAYA_PUBLIC_KEYS: pem,
  CONTENTOR_WEBHOOK_SECRETS: contentorSecrets,
  LOCAL_OUTPUTS_FILE: outputsFile,
});

function contentorBody(uuid: string, status: string, timestamp: string, extra: Record<string, string> = {}): string {
  const fields = Object.entries({ uuid, status, timestamp, ...extra }).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{${fields.join(', ')}}`;
}

/** POSTs a delivery to the running stack's receiver. */
async function post(provider: string, body: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${stack.apiUrl}/webhooks/${provider}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  await res.text();
  return res.status;
}

/** A signed delivery: its exact body and the headers carrying its signature. */
interface Signed {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** A delivery ingested through the receiver's own wiring with its clock at `at` (the replay's way of keeping time). */
async function ingestAt(provider: string, delivery: Signed, at: Date): Promise<void> {
  const target = openReplayTarget(outputsFile, consoleEnv(OLD_SECRET));
  const result = await ingest(
    {
      providerName: provider,
      body: Buffer.from(delivery.body).toString('base64'),
      isBase64Encoded: true,
      headers: { 'content-type': 'application/json', ...delivery.headers },
    },
    { ...target.ingestDeps, now: () => at },
  );
  if (result.kind !== 'stored') throw new Error(`seeding ${provider} failed: ${result.error.message}`);
}

const contentor = (uuid: string, status: string, timestamp: string, secret = OLD_SECRET, extra: Record<string, string> = {}): Signed => {
  const body = contentorBody(uuid, status, timestamp, extra);
  return { body, headers: { 'x-webhook-signature': signContentorHeader(body, secret) } };
};

function panjaya(asset: string, version: string | null, event: string, locale = 'fr-FR'): Signed {
  const body = JSON.stringify({ asset_id: asset, version_id: version, version_locale: version === null ? null : locale, event });
  return { body, headers: { 'x-signature': signPanjaya(body, key.privateKey) } };
}

async function scanAll(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc().send(new ScanCommand({ TableName: tableName(), ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

async function states(): Promise<StateItem[]> {
  return (await scanAll()).filter((i) => i.itemType === 'state').map((i) => StateItemSchema.parse(i));
}
async function events(): Promise<EventItem[]> {
  return (await scanAll()).filter((i) => i.itemType === 'event').map((i) => EventItemSchema.parse(i));
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The rendered text of an element (Playwright's innerText: what a person sees, hidden parts left out). */
// biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, not the DOM property
const shown = (locator: Locator): Promise<string> => locator.innerText();

async function shot(name: string): Promise<string> {
  const file = path.join(shotsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** A raw HTTP request to the console, with headers a browser would not let a page set (Host). */
function raw(method: string, pathName: string, headers: Record<string, string>, body = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: consoleServer.port, method, path: pathName, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const HOUR = 3_600_000;

beforeAll(async () => {
  mkdirSync(shotsDir, { recursive: true });
  stack = await startLocalStack(
    readLocalConfig({
      ...consoleEnv(OLD_SECRET),
      PORT: '0',
      LOCAL_CONSOLE_SUBSCRIBER: 'off',
      LOCAL_STREAM_POLL_MS: '100',
    }),
  );
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();

  // Over the last day, through the receiver's ingest with its clock set back.
  for (const [i, uuid] of ids.succeeded.entries()) {
    const t = now - (20 - i * 6) * HOUR;
    await ingestAt('contentor', contentor(uuid, 'processing', iso(t)), new Date(t));
    await ingestAt('contentor', contentor(uuid, 'completed', iso(t + 600_000)), new Date(t + 600_000));
  }
  await ingestAt('contentor', contentor(ids.failedOther, 'failed', iso(now - 7 * HOUR)), new Date(now - 7 * HOUR));
  await ingestAt('panjaya', panjaya(ids.failedAsset, 'v1', 'version_generating'), new Date(now - 9 * HOUR));
  await ingestAt('panjaya', panjaya(ids.failedAsset, 'v1', 'version_failed'), new Date(now - 8 * HOUR));
  // Processing for 3 hours, past Contentor's 2-hour deadline: the stack's own watchdog marks them stalled.
  for (const uuid of ids.stalling) await ingestAt('contentor', contentor(uuid, 'processing', iso(now - 3 * HOUR)), new Date(now - 3 * HOUR));

  // Live, through HTTP: a failed job whose body carries a 20-digit integer, then a late "processing" for it.
  const big = contentorBody(ids.failedBig, 'failed', iso(now - 60_000)).replace(/}$/, `, "renderedBytes": ${BIG}, "ratio": 1.0}`);
  expect(await post('contentor', big, { 'x-webhook-signature': signContentorHeader(big, OLD_SECRET) })).toBe(200);
  const late = contentor(ids.failedBig, 'processing', iso(now - 120_000));
  expect(await post('contentor', late.body, late.headers)).toBe(200);
  // A Panjaya version generated.
  for (const event of ['version_generating', 'version_generated']) {
    const p = panjaya(ids.asset, 'v1', event);
    expect(await post('panjaya', p.body, p.headers)).toBe(200);
  }
  // Provider markup in a job id, an event type and a body.
  const xss = contentor(XSS_ID, 'failed', iso(now - 30_000), OLD_SECRET, { note: '</pre><script>window.__xss=4</script>' });
  expect(await post('contentor', xss.body, xss.headers)).toBe(200);
  const xssType = contentor(XSS_ID, XSS_TYPE, iso(now - 20_000));
  expect(await post('contentor', xssType.body, xssType.headers)).toBe(200);
  const xssLocale = panjaya(`${ids.asset}-x`, 'v1', 'version_failed', XSS_LOCALE);
  expect(await post('panjaya', xssLocale.body, xssLocale.headers)).toBe(200);
  // The provider rotated its secret before we did: refused (401) and quarantined.
  const rotated = contentor(ids.rotated, 'failed', iso(now - 10_000), NEW_SECRET);
  expect(await post('contentor', rotated.body, rotated.headers)).toBe(401);

  // The watchdog's sweep (every 10 s in the local stack) and the fan-out's notifications, before the console looks.
  await waitFor(async () => (await states()).filter((s) => s.status === 'stalled').length === ids.stalling.length, 'the two stalls', 60_000);
  await waitFor(async () => (await events()).every((e) => e.notifyTopic === undefined || e.notifiedAt !== undefined), 'the fan-out', 60_000);

  // The console, opened on the same outputs file with the secret fixed (both secrets trusted, as during a rotation).
  consoleServer = await startConsole({ sources: openSources(outputsFile, consoleEnv(`${OLD_SECRET},${NEW_SECRET}`)), port: 0 });
  base = `http://127.0.0.1:${consoleServer.port}`;
  // A fresh profile for every run (Playwright takes the user-data-dir as the persistent context's directory).
  context = await launchHeadlessChromium(mkdtempSync(path.join(tmpdir(), 'console-chromium-')), { width: 1280, height: 900 });
  page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(consoleServer.url);
}, 240_000);

afterAll(async () => {
  await context?.close();
  await consoleServer?.stop();
  await stack?.stop();
  rmSync(stateDir, { recursive: true, force: true });
}, 60_000);

afterEach(() => {
  expect(dialogs).toEqual([]);
  expect(cspViolations).toEqual([]);
});

describe('the console in a browser', () => {
  it('trades the token for a session cookie and drops it from the address bar', async () => {
    expect(new URL(page.url()).search).toBe('');
    const cookies = await context.cookies(base);
    expect(cookies).toEqual([expect.objectContaining({ name: 'console_session', httpOnly: true, sameSite: 'Strict' })]);
    expect(await page.title()).toMatch(/^Overview/);
  });

  it("shows the overview's counts exactly as the table has them", async () => {
    const since = await page.locator('main p.muted time').first().getAttribute('datetime');
    expect(since).toEqual(expect.any(String));
    const entered = (await states()).filter((s) => (s.statusSince ?? s.updatedAt) >= (since ?? ''));
    const count = (status: string, provider?: string) =>
      entered.filter((s) => s.status === status && (provider === undefined || s.provider === provider)).length;
    const cardOf = (label: string) => page.locator('.card').filter({ has: page.locator('.card-label', { hasText: new RegExp(`^${label}$`) }) });
    const card = async (label: string) => Number(await shown(cardOf(label).locator('.card-value')));
    expect(await card('Failed')).toBe(count('failed'));
    expect(await card('Stalled')).toBe(count('stalled'));
    expect(await card('Succeeded')).toBe(count('succeeded'));
    expect(count('failed')).toBe(4);
    expect(count('stalled')).toBe(2);
    expect(count('succeeded')).toBe(4);
    const quarantined = (await scanAll()).filter((i) => i.itemType === 'quarantine').length;
    expect(await card('Quarantined')).toBe(quarantined);
    expect(quarantined).toBe(1);
    expect(await card('Notifications pending')).toBe(0);
    for (const provider of ['contentor', 'panjaya']) {
      const row = page
        .locator('section', { has: page.getByRole('heading', { name: 'By provider' }) })
        .locator('tr', { has: page.locator('td', { hasText: new RegExp(`^${provider}$`) }) });
      const cells = await row.locator('td').allInnerTexts();
      expect(cells.slice(1).map(Number)).toEqual([count('failed', provider), count('stalled', provider), 0, count('succeeded', provider)]);
    }
    // The chart counts the same failures, hour by hour.
    const bars = await page.locator('svg.chart rect.bar title').allTextContents();
    const charted = bars.reduce((sum, title) => sum + Number(title.split(' ')[0]), 0);
    expect(charted).toBe(count('failed') + count('stalled'));
    // Each number links to its list, and the list holds what it counted.
    await cardOf('Failed').locator('a').click();
    expect(await page.locator('main tbody tr').count()).toBe(count('failed'));
    await page.goBack();
    await shot('overview');
  });

  it('opens a failed job from the overview: its timeline, the late event, the body with its 20-digit integer intact', async () => {
    await page.goto(`${base}/`);
    await page.locator('section', { hasText: 'Recently failed' }).getByRole('link', { name: ids.failedBig }).click();
    await page.waitForURL(/\/job\?/);
    expect(await shown(page.locator('h1'))).toContain(ids.failedBig);
    const timeline = page.locator('ol.timeline > li');
    expect(await timeline.count()).toBe(2);
    expect(await timeline.nth(0).locator('.mark.late').count()).toBe(1);
    expect(await timeline.nth(1).locator('.mark.head').count()).toBe(1);
    const body = await shown(timeline.nth(1).locator('pre.body'));
    expect(body).toContain(`"renderedBytes": ${BIG}`);
    expect(body).toContain('"ratio": 1.0');
    expect(await shown(timeline.nth(1).locator('.notice'))).toMatch(/Notified .* on the failed topic/);
    await shot('job');
    if (process.env.CONSOLE_DOCS_SCREENSHOTS === '1') {
      copyFileSync(path.join(shotsDir, 'job.png'), path.join(root, 'docs', 'console-job.png'));
      copyFileSync(path.join(shotsDir, 'overview.png'), path.join(root, 'docs', 'console-overview.png'));
    }
  });

  it('renders markup in a job id, an event type and a body as text: no element made, no script run', async () => {
    await page.goto(`${base}/find?id=${encodeURIComponent(XSS_ID)}`);
    await page.waitForURL(/\/job\?/);
    expect(await shown(page.locator('h1 .job-id'))).toBe(XSS_ID);
    expect(await page.locator('.event-type').allInnerTexts()).toContain(XSS_TYPE);
    expect(await shown(page.locator('pre.body').first())).toContain('</pre><script>window.__xss=4</script>');
    expect(await page.locator('main img, main script, main b[onmouseover]').count()).toBe(0);
    await page.goto(`${base}/find?id=${encodeURIComponent(`${ids.asset}-x/v1`)}`);
    await page.waitForURL(/\/job\?/);
    expect(await shown(page.locator('pre.body'))).toContain(XSS_LOCALE);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    await shot('job-xss');
  });

  it('finds a Panjaya version by the id as shown and by the CLI words, and lists by provider and status', async () => {
    for (const id of [`${ids.asset}/v1`, `${ids.asset} v1`, ids.asset]) {
      await page.goto(`${base}/find?id=${encodeURIComponent(id)}`);
      await page.waitForURL(/\/job\?/);
      expect(await shown(page.locator('h1 .job-id'))).toBe(`${ids.asset}/v1`);
    }
    await page.goto(`${base}/find`);
    await shot('find');
    await page.locator('form[action="/jobs"] select[name=provider]').selectOption('panjaya');
    await page.locator('form[action="/jobs"] button').click();
    const listed = await page.locator('main tbody tr td:first-child').allInnerTexts();
    expect(listed.sort()).toEqual([`${ids.asset}-x/v1`, `${ids.failedAsset}/v1`].sort());
    await shot('list-failed-panjaya');
  });

  it('replays a quarantined delivery after the secret fix: dry run, confirmation, and the job appears', async () => {
    expect((await states()).some((s) => s.jobId === ids.rotated)).toBe(false);
    await page.goto(`${base}/quarantine`);
    const row = page.locator('tr', { hasText: 'invalid_signature' });
    expect(await row.count()).toBe(1);
    await shot('quarantine');
    await row.getByRole('button', { name: 'Dry run' }).click();
    expect(await shown(page.locator('[role=status]'))).toMatch(/Dry run over 1 delivery: would be accepted\s+1/);
    expect((await states()).some((s) => s.jobId === ids.rotated)).toBe(false); // the dry run wrote nothing
    await shot('quarantine-dry-run');
    await page.getByRole('button', { name: /Replay these 1 delivery now/ }).click();
    expect(await shown(page.locator('[role=status]'))).toMatch(/Replayed 1 delivery: accepted\s+1/);
    await shot('quarantine-replayed');
    await page.getByRole('link', { name: ids.rotated }).click();
    await page.waitForURL(/\/job\?/);
    expect(await shown(page.locator('h1'))).toContain(ids.rotated);
    expect(await shown(page.locator('h1 .badge'))).toBe('failed');
    await page.goto(`${base}/quarantine`);
    expect(await page.locator('tr', { hasText: 'invalid_signature' }).count()).toBe(0);
  });

  it('re-drives a parked notification: dry run, confirmation, published once', async () => {
    const { SnsEndpoint, FailedTopicArn } = stack.outputs.JobWebhookReceiver;
    const sqs = new SQSClient(clientConfig(SnsEndpoint));
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: `console-${randomUUID().slice(0, 8)}` }));
    const queueUrl = queue.QueueUrl ?? '';
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    await new SNSClient(clientConfig(SnsEndpoint)).send(
      new SubscribeCommand({
        TopicArn: FailedTopicArn,
        Protocol: 'sqs',
        Endpoint: attributes.Attributes?.QueueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    // The fan-out is held while the event arrives, and the event is parked as the fan-out parks one SNS refuses.
    await stack.poller.stop();
    const parked = contentor(ids.parked, 'failed', new Date().toISOString());
    expect(await post('contentor', parked.body, parked.headers)).toBe(200);
    const item = (await events()).find((e) => e.jobId === ids.parked);
    if (!item) throw new Error('the parked event was not stored');
    await new DynamoNotificationLedger(doc(), tableName()).markUndeliverable(
      item,
      'SNS refused the notification (InvalidParameter): Invalid parameter: Message',
      new Date().toISOString(),
    );

    await page.goto(`${base}/notifications`);
    const row = page.locator('#parked tr', { hasText: ids.parked });
    expect(await shown(row)).toContain('SNS refused the notification');
    await shot('notifications');
    await row.getByRole('button', { name: 'Re-drive…' }).click();
    expect(await shown(page.locator('[role=status]'))).toMatch(/^1 notification would be published/);
    await shot('notifications-dry-run');
    await page.getByRole('button', { name: 'Re-drive 1 notification now' }).click();
    // Published to the systems topic once, and alerted to people as the fan-out would have.
    expect(await shown(page.locator('[role=status]'))).toBe(
      'Published 1, already notified meanwhile 0, failed 0. People: alerted 1, left for a digest 0, alert failed 0.',
    );
    const after = (await events()).find((e) => e.eventId === item.eventId);
    expect(after).toMatchObject({ notifiedAt: expect.any(String) });
    expect(after?.gsi2pk).toBeUndefined();

    // The fan-out resumes and sees the stream record: already notified, so nothing goes out twice.
    stack.poller.start();
    await new Promise((r) => setTimeout(r, 1500));
    const bodies: string[] = [];
    for (let round = 0; round < 5; round++) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      bodies.push(...(out.Messages ?? []).map((m) => m.Body ?? ''));
    }
    expect(bodies.filter((b) => b.includes(item.eventId))).toHaveLength(1);
  });

  it('answers 401 to a request without the token, in the browser and outside it', async () => {
    await context.clearCookies();
    const response = await page.goto(`${base}/`);
    expect(response?.status()).toBe(401);
    expect(await shown(page.locator('body'))).not.toContain('Overview');
    expect((await raw('GET', '/static/console.css', { host: `127.0.0.1:${consoleServer.port}` })).status).toBe(401);
    // The printed URL opens the session again.
    await page.goto(consoleServer.url);
    expect(await page.title()).toMatch(/^Overview/);
  });

  it('refuses a wrong Host (DNS rebinding), even with the token and the cookie', async () => {
    const cookie = `console_session=${consoleServer.token}`;
    expect((await raw('GET', '/', { host: `127.0.0.1:${consoleServer.port}`, cookie })).status).toBe(200);
    for (const host of [`evil.example:${consoleServer.port}`, `127.0.0.1.nip.io:${consoleServer.port}`, '127.0.0.1:1']) {
      expect((await raw('GET', `/?token=${consoleServer.token}`, { host, cookie })).status).toBe(403);
    }
  });

  it('refuses a cross-origin POST, and a same-origin POST without the CSRF token', async () => {
    const cookie = `console_session=${consoleServer.token}`;
    const form = { host: `127.0.0.1:${consoleServer.port}`, cookie, 'content-type': 'application/x-www-form-urlencoded' };
    const csrf = await page.goto(`${base}/notifications`).then(() => page.locator('input[name=csrf]').first().getAttribute('value'));
    const body = `csrf=${encodeURIComponent(csrf ?? '')}`;
    expect((await raw('POST', '/notifications/dry-run', { ...form, origin: 'http://evil.example' }, body)).status).toBe(403);
    expect((await raw('POST', '/notifications/dry-run', form, body)).status).toBe(403);
    expect((await raw('POST', '/notifications/dry-run', { ...form, origin: base }, 'csrf=wrong')).status).toBe(403);
    expect((await raw('POST', '/notifications/dry-run', { ...form, origin: base }, body)).status).toBe(200);
    // A page on another origin submitting a form to the console: the browser sends no cookie (SameSite=Strict), 401.
    const evil = await context.newPage();
    await evil.setContent(`<form method="post" action="${base}/notifications/dry-run"><input name="csrf" value="${csrf}"></form>`);
    const [response] = await Promise.all([
      evil.waitForResponse(`${base}/notifications/dry-run`),
      evil.locator('form').evaluate((f) => (f as unknown as { submit(): void }).submit()),
    ]);
    expect([401, 403]).toContain(response.status());
    await evil.close();
  });

  it('an execute form runs only what a dry run showed: a changed selection is refused', async () => {
    await page.goto(`${base}/notifications`);
    const csrf = await page.locator('input[name=csrf]').first().getAttribute('value');
    const cookie = `console_session=${consoleServer.token}`;
    const headers = { host: `127.0.0.1:${consoleServer.port}`, cookie, origin: base, 'content-type': 'application/x-www-form-urlencoded' };
    const forged = `csrf=${encodeURIComponent(csrf ?? '')}&id=${createHash('sha256').update('x').digest('hex').slice(0, 32)}&plan=guess`;
    const answer = await raw('POST', '/notifications/redrive', headers, forged);
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('does not match a dry run');
  });
});
