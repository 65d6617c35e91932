/**
 * The receiver's quarantine against DynamoDB Local: what a 401/400 keeps (exact bytes, allow-listed headers, reason,
 * status, time, TTL), what is never kept (404, 413, accepted deliveries), the hourly cap and identical junk, that a
 * failing or hanging quarantine never changes the answer, and what the logs say (and never say).
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { metricNames } from '../../lambda/contracts';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { DynamoQuarantineStore } from '../../lambda/adapters/dynamo-quarantine-store';
import { makeTelemetry } from '../../lambda/adapters/telemetry';
import { builtInRegistry } from '../../lambda/core/providers';
import { keptHeaderNames, quarantineBuckets, type QuarantineRecord, type QuarantineSink } from '../../lambda/core/quarantine';
import { keys } from '../../lambda/contracts';
import { makeReceiverHandler, type ReceiverDeps } from '../../lambda/handlers/receiver/handler';
import { createLocalApi, listen } from '../../local/http-server';
import { commandCountingDocClient, createTestTable, dynamoEndpoint } from '../helpers/aws-local';
import { capturing } from '../helpers/capture-output';
import { panjayaKeyPair } from '../helpers/receiver-harness';
import { signContentorHeader, signPanjaya } from '../helpers/signing';
import { trustResolver } from '../../lambda/core/trust';
import { StaticSecretSource } from '../../lambda/adapters/secret-source';
import { emulatorPropertyRuns } from '../helpers/property-runs';

const RIGHT_SECRET = `right-${randomUUID()}`;
const WRONG_SECRET = `wrong-${randomUUID()}`;
const client = makeDocumentClient({ endpoint: dynamoEndpoint() });
const { privateKey, publicKey } = panjayaKeyPair();

let tableName: string;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ tableName, drop } = await createTestTable());
});
afterAll(async () => drop());

/** A receiver on its own HTTP port whose quarantine writes to the test table. */
async function receiver(overrides: Partial<ReceiverDeps> & { hourlyCap?: number; retentionDays?: number } = {}) {
  const { hourlyCap = 100, retentionDays = 14, ...rest } = overrides;
  const quarantine = new DynamoQuarantineStore({ client, tableName, retentionDays, hourlyCap });
  const deps: ReceiverDeps = {
    findProvider: builtInRegistry.get,
    store: new DynamoEventStore({ client, tableName, retentionDays: 30 }),
    trust: trustResolver({ publicKeys: { panjaya: [publicKey] }, secrets: { contentor: new StaticSecretSource([RIGHT_SECRET]) } }),
    maxBodyBytes: 4096,
    now: () => new Date(),
    telemetry: makeTelemetry('receiver-test'),
    quarantine,
    ...rest,
  };
  const server: Server = createLocalApi(makeReceiverHandler(deps));
  const url = `http://127.0.0.1:${await listen(server, 0)}`;
  return {
    quarantine,
    deps,
    async post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
      const response = await fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
      return { status: response.status, json: (await response.json().catch(() => ({}))) as Record<string, unknown> };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Telemetry that logs (the test setup silences Powertools): only for tests that capture the output. */
function loudTelemetry() {
  const telemetry = makeTelemetry('receiver-test');
  telemetry.logger.setLogLevel('DEBUG');
  return telemetry;
}

/** Telemetry that also records the metric names counted. */
function countingTelemetry(base = makeTelemetry('receiver-test')) {
  const counted: string[] = [];
  return {
    counted,
    telemetry: { ...base, count: (metric: string, dimensions?: Record<string, string>) => (counted.push(metric), base.count(metric, dimensions)) },
  };
}

/** Quarantined items of one provider route for today (consistent Query: what the replay would see). */
async function quarantined(provider: string, at = new Date().toISOString()) {
  const out = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.quarantinePartition(provider, quarantineBuckets(at).day), ':prefix': keys.quarantineDeliveryPrefix },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

const contentorBody = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ uuid: randomUUID(), status: 'completed', timestamp: '2025-04-09T15:30:45Z', ...fields });

describe('a refused delivery is kept for replay', () => {
  it('keeps a wrong-secret Contentor delivery: exact bytes, only the signature headers, reason, status and time', async () => {
    // A separate route day is not needed: each test's bodies are unique, so items are told apart by body.
    const r = await receiver();
    const body = contentorBody({ note: 'café ✓' });
    const signature = signContentorHeader(body, WRONG_SECRET);
    const res = await r.post('/webhooks/contentor', body, { 'X-Webhook-Signature': signature, Cookie: 'session=1', 'X-Forwarded-For': '203.0.113.9' });
    await r.stop();
    expect(res.status).toBe(401);
    const item = (await quarantined('contentor')).find((i) => Buffer.from(i.body as Uint8Array).toString('utf8') === body);
    expect(item).toMatchObject({ itemType: 'quarantine', provider: 'contentor', reason: 'invalid_signature', httpStatus: 401, detail: 'Invalid signature' });
    expect(Object.keys(item?.headers ?? {}).sort()).toEqual(['content-type', 'x-webhook-signature']);
    expect(item?.headers['x-webhook-signature']).toBe(signature);
    const receivedAt = Date.parse(String(item?.receivedAt));
    expect(item?.expiresAt).toBe(Math.floor(receivedAt / 1000) + 14 * 86_400);
    // What a replay reads back: the same bytes through the store's own listing, nothing unreadable.
    const now = new Date().toISOString();
    const read = await r.quarantine.list({ providers: ['contentor'], sinceIso: String(item?.receivedAt), nowIso: now, withBody: true });
    expect(read.unreadable).toEqual([]);
    const listed = read.items.find((i) => i.deliveryId === item?.deliveryId);
    expect(Buffer.from(listed?.body ?? new Uint8Array()).toString('utf8')).toBe(body);
  });

  it('keeps the decoded bytes of a base64-encoded (API Gateway) body, whatever they are', async () => {
    const r = await receiver();
    const handler = makeReceiverHandler(r.deps);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        const body = Buffer.concat([Buffer.from(randomUUID()), Buffer.from(bytes)]);
        const res = await handler({
          body: body.toString('base64'),
          isBase64Encoded: true,
          headers: { 'x-signature': 'zz' },
          pathParameters: { provider: 'panjaya' },
          requestContext: { requestId: randomUUID() },
        } as never);
        expect(res.statusCode).toBe(401);
        const kept = (await quarantined('panjaya')).find((i) => Buffer.from(i.body as Uint8Array).equals(body));
        expect(kept).toMatchObject({ reason: 'malformed_signature', headers: { 'x-signature': 'zz' } });
      }),
      { numRuns: emulatorPropertyRuns(0.25, 15) },
    );
    await r.stop();
  });

  it('keeps a signed delivery whose payload fails the schema (400) with the failing field', async () => {
    const r = await receiver();
    const body = JSON.stringify({ asset_id: `a-${randomUUID()}`, event: 'version_generated', version_id: 7 });
    const res = await r.post('/webhooks/panjaya', body, { 'X-Signature': signPanjaya(body, privateKey) });
    await r.stop();
    expect(res.status).toBe(400);
    const item = (await quarantined('panjaya')).find((i) => Buffer.from(i.body as Uint8Array).toString('utf8') === body);
    expect(item).toMatchObject({ reason: 'invalid_payload', httpStatus: 400 });
    expect(String(item?.detail)).toMatch(/version_id/);
  });

  it('keeps only allow-listed headers for any header set a client sends', async () => {
    const r = await receiver();
    const handler = makeReceiverHandler(r.deps);
    // Contentor's verifier reads x-webhook-signature: that, the content type, and nothing else is kept.
    const contentorKept: readonly string[] = [...keptHeaderNames, ...(builtInRegistry.get('contentor')?.signatureHeaders ?? [])];
    const name = fc.oneof(fc.constantFrom(...contentorKept, 'x-signature', 'webhook-id'), fc.stringMatching(/^x-[a-z]{1,12}$/));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(name, fc.stringMatching(/^[ -~]{0,40}$/), { maxKeys: 10 }), async (headers) => {
        const body = contentorBody();
        await handler({ body, isBase64Encoded: false, headers, pathParameters: { provider: 'contentor' }, requestContext: { requestId: 'p' } } as never);
        const item = (await quarantined('contentor')).find((i) => Buffer.from(i.body as Uint8Array).toString('utf8') === body);
        const expected = Object.fromEntries(Object.entries(headers).filter(([n]) => contentorKept.includes(n)));
        expect(item?.headers).toEqual(expected);
      }),
      { numRuns: emulatorPropertyRuns(0.25, 15) },
    );
    await r.stop();
  });
});

describe('what is never kept', () => {
  it('keeps nothing for an unknown route (404) or an oversize body (413)', async () => {
    const r = await receiver();
    const before = (await quarantined('contentor')).length;
    const unknown = await r.post('/webhooks/nosuch', contentorBody(), { 'X-Webhook-Signature': 'ab' });
    const big = await r.post('/webhooks/contentor', contentorBody({ pad: 'x'.repeat(5000) }), { 'X-Webhook-Signature': 'ab' });
    await r.stop();
    expect([unknown.status, big.status]).toEqual([404, 413]);
    expect(await quarantined('nosuch')).toHaveLength(0);
    expect(await quarantined('contentor')).toHaveLength(before);
  });

  it('does no quarantine I/O for an accepted delivery', async () => {
    const calls: unknown[] = [];
    const sink: QuarantineSink = { keep: async (record) => (calls.push(record), 'stored') };
    const r = await receiver({ quarantine: sink });
    const body = contentorBody();
    const res = await r.post('/webhooks/contentor', body, { 'X-Webhook-Signature': signContentorHeader(body, RIGHT_SECRET) });
    await r.stop();
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(0);
  });
});

describe('bounds on cost', () => {
  it('stores identical junk once', async () => {
    const r = await receiver();
    const body = contentorBody();
    const headers = { 'X-Webhook-Signature': signContentorHeader(body, WRONG_SECRET) };
    const answers = [await r.post('/webhooks/contentor', body, headers), await r.post('/webhooks/contentor', body, headers)];
    await r.stop();
    expect(answers.map((a) => a.status)).toEqual([401, 401]);
    expect((await quarantined('contentor')).filter((i) => Buffer.from(i.body as Uint8Array).toString('utf8') === body)).toHaveLength(1);
  });

  it('keeps at most the hourly cap per route, then only counts, and still answers 401', async () => {
    // A fixed hour of its own, so other tests' deliveries do not share the counter.
    const at = new Date('2031-01-02T03:04:05.000Z');
    const { counted, telemetry } = countingTelemetry();
    const r = await receiver({ hourlyCap: 3, now: () => at, telemetry });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await r.post('/webhooks/contentor', contentorBody(), { 'X-Webhook-Signature': 'ab'.repeat(32) })).status);
    await r.stop();
    expect(answers).toEqual([401, 401, 401, 401, 401, 401]);
    expect(await quarantined('contentor', at.toISOString())).toHaveLength(3);
    expect(counted.filter((m) => m === metricNames.quarantined)).toHaveLength(3);
    expect(counted.filter((m) => m === metricNames.quarantineSkipped)).toHaveLength(3);
  });

  it('sends the table no request at all past the hourly cap: the container remembers the full hour', async () => {
    const { client: counted, commands } = commandCountingDocClient();
    const store = new DynamoQuarantineStore({ client: counted, tableName, retentionDays: 14, hourlyCap: 3 });
    // A fixed hour of its own, so no other test shares the counter.
    const receivedAt = '2033-03-04T05:06:07.000Z';
    const record = (n: number): QuarantineRecord => ({
      provider: 'contentor',
      deliveryId: `cap-${n}-${randomUUID()}`,
      reason: 'invalid_signature',
      httpStatus: 401,
      detail: 'Invalid signature',
      receivedAt,
      headers: {},
      body: Buffer.from(`junk ${n}`),
    });
    const outcomes = [];
    for (let n = 0; n < 10; n++) outcomes.push(await store.keep(record(n)));
    expect(outcomes).toEqual(['stored', 'stored', 'stored', ...Array(7).fill('capped')]);
    // Three counted and stored deliveries, then the one counter write that found the hour full, then nothing.
    expect(commands).toEqual([...Array(3).fill(['UpdateItemCommand', 'PutItemCommand']).flat(), 'UpdateItemCommand']);
  });

  it('leaves items past their TTL out of a listing even before DynamoDB removes them', async () => {
    const at = new Date('2032-05-06T07:08:09.000Z');
    const r = await receiver({ retentionDays: 2, now: () => at });
    await r.post('/webhooks/contentor', contentorBody(), { 'X-Webhook-Signature': 'ab'.repeat(32) });
    await r.stop();
    const list = (nowIso: string) => r.quarantine.list({ providers: ['contentor'], sinceIso: '2032-05-06T00:00:00.000Z', nowIso });
    expect((await list('2032-05-06T12:00:00.000Z')).items).toHaveLength(1);
    expect((await list('2032-05-08T07:08:10.000Z')).items).toHaveLength(0);
  });
});

describe('a quarantine failure never changes the answer', () => {
  it('answers 401 when the quarantine table is missing, and logs and counts the failure', async () => {
    const broken = new DynamoQuarantineStore({ client, tableName: `missing-${randomUUID()}`, retentionDays: 14, hourlyCap: 100 });
    const { counted, telemetry } = countingTelemetry(loudTelemetry());
    const r = await receiver({ quarantine: broken, telemetry });
    let status = 0;
    const logs = await capturing(async () => {
      status = (await r.post('/webhooks/contentor', contentorBody(), { 'X-Webhook-Signature': 'ab'.repeat(32) })).status;
    });
    await r.stop();
    expect(status).toBe(401);
    expect(logs).toMatch(/"message":"quarantine failed"/);
    expect(logs).toMatch(/"error":"ResourceNotFoundException"/);
    expect(counted).toContain(metricNames.quarantineFailed);
  });

  it('answers 401 when the quarantine hangs, once the bounded wait is over', async () => {
    const hanging: QuarantineSink = { keep: () => new Promise(() => undefined) };
    const r = await receiver({ quarantine: hanging, quarantineTimeoutMs: 50, telemetry: loudTelemetry() });
    const logs = await capturing(async () => {
      expect((await r.post('/webhooks/contentor', contentorBody(), { 'X-Webhook-Signature': 'ab'.repeat(32) })).status).toBe(401);
    });
    await r.stop();
    expect(logs).toMatch(/quarantine write timed out/);
  });
});

describe('logs', () => {
  it('carry the rejection text, with no reserved-key warning', async () => {
    const r = await receiver({ telemetry: loudTelemetry() });
    const logs = await capturing(async () => {
      await r.post('/webhooks/contentor', contentorBody(), { 'X-Webhook-Signature': 'ab'.repeat(32) });
    });
    await r.stop();
    expect(logs).toMatch(/"message":"webhook rejected"[^\n]*"rejection":"Invalid signature"/);
    expect(logs).not.toMatch(/reserved key/);
  });

  it('never contain a signature, a secret or a body on the quarantine path', async () => {
    const r = await receiver({ telemetry: loudTelemetry() });
    const canary = `CANARY-${randomUUID()}`;
    const sent: string[] = [];
    const logs = await capturing(async () => {
      const contentor = contentorBody({ note: canary });
      const contentorSig = signContentorHeader(contentor, WRONG_SECRET);
      sent.push(contentorSig);
      await r.post('/webhooks/contentor', contentor, { 'X-Webhook-Signature': contentorSig });
      await r.post('/webhooks/contentor', contentor, { 'X-Webhook-Signature': contentorSig }); // identical junk
      const other = panjayaKeyPair().privateKey;
      const panjaya = JSON.stringify({ asset_id: `a-${randomUUID()}`, version_id: 'v1', event: 'version_generated', note: canary });
      const panjayaSig = signPanjaya(panjaya, other);
      sent.push(panjayaSig);
      await r.post('/webhooks/panjaya', panjaya, { 'X-Signature': panjayaSig });
      const invalid = JSON.stringify({ asset_id: `a-${randomUUID()}`, event: 'version_generated', version_id: 7, note: canary });
      const invalidSig = signPanjaya(invalid, privateKey);
      sent.push(invalidSig);
      await r.post('/webhooks/panjaya', invalid, { 'X-Signature': invalidSig });
    });
    await r.stop();
    expect(logs).toMatch(/refused delivery quarantined/);
    for (const value of [...sent, RIGHT_SECRET, WRONG_SECRET, canary]) expect(logs).not.toContain(value);
  });
});
