/**
 * Every row of the HTTP contract (docs/ARCHITECTURE.md), through the local API Gateway adapter into the real receiver handler and
 * DynamoDB Local. One signed fixture per provider; each test changes exactly one thing.
 */
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { CachedSecretsManagerSource } from '../../lambda/adapters/secret-source';
import type { EventStore } from '../../lambda/core/ports';
import { makeReceiverHandler } from '../../lambda/handlers/receiver/handler';
import { freePort } from '../../local/emulators';
import { contentorEnvelope, signContentorHeader, signPanjaya } from '../helpers/signing';
import { CONTENTOR_SECRET, panjayaKeyPair, receiverHarness, type ReceiverHarness } from '../helpers/receiver-harness';
import { trustResolver } from '../../lambda/core/trust';
import { storageUnavailable } from '../../lambda/adapters/dynamo-client';

const panjayaBody = (event = 'version_generated', version: string | null = 'v1', asset = `asset-${Math.random().toString(36).slice(2, 8)}`) =>
  JSON.stringify({ asset_id: asset, version_id: version, version_locale: version ? 'es-ES' : null, event });
const contentorBody = (status = 'completed', uuid = `job-${Math.random().toString(36).slice(2, 10)}`) =>
  JSON.stringify({ uuid, status, timestamp: '2025-04-09T15:30:45Z' });

let h: ReceiverHarness;
beforeAll(async () => {
  h = await receiverHarness();
});
afterAll(async () => h.stop());

const sendPanjaya = (body: string, headers: Record<string, string> = { 'X-Signature': signPanjaya(body, h.privateKey) }) =>
  h.post('/webhooks/panjaya', body, headers);
const sendContentor = (body: string, headers: Record<string, string> = { 'X-Webhook-Signature': signContentorHeader(body, CONTENTOR_SECRET) }) =>
  h.post('/webhooks/contentor', body, headers);

describe('200: verified and stored', () => {
  it('accepts a signed Panjaya callback and stores the job state', async () => {
    const body = panjayaBody('version_generating');
    const res = await sendPanjaya(body);
    expect(res).toEqual({ status: 200, json: { status: 'accepted', eventId: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    const asset = (JSON.parse(body) as { asset_id: string }).asset_id;
    expect((await h.queries.getJob('panjaya', asset, `${asset}/v1`))?.status).toBe('in_progress');
  });

  it.each(['hex', 'base64', 'sha256=hex'] as const)('accepts a Contentor header signature in %s form', async (style) => {
    const body = contentorBody();
    const res = await sendContentor(body, { 'X-Webhook-Signature': signContentorHeader(body, CONTENTOR_SECRET, style) });
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('accepted');
  });

  it('accepts a Contentor envelope signed over Python json.dumps(data, sort_keys=True)', async () => {
    const uuid = 'envelope-job';
    const res = await h.post(
      '/webhooks/contentor',
      contentorEnvelope({ uuid, status: 'failed', timestamp: '2025-04-09T15:30:45Z', note: 'café' }, CONTENTOR_SECRET),
    );
    expect(res.status).toBe(200);
    expect((await h.queries.getJob('contentor', uuid, uuid))?.status).toBe('failed');
  });

  it('stores an unknown event type with a valid signature as status unknown', async () => {
    const body = contentorBody('transcoding-queued');
    const res = await sendContentor(body);
    expect(res.status).toBe(200);
    const uuid = (JSON.parse(body) as { uuid: string }).uuid;
    expect((await h.queries.getJob('contentor', uuid, uuid))?.status).toBe('unknown');
  });

  it('reads header names case-insensitively', async () => {
    const body = contentorBody();
    const res = await sendContentor(body, { 'x-WEBHOOK-signature': signContentorHeader(body, CONTENTOR_SECRET) });
    expect(res.status).toBe(200);
  });

  it('accepts a repeated signature header (comma-joined) when one value is valid', async () => {
    const body = panjayaBody();
    const headers = new Headers();
    headers.append('x-signature', 'deadbeef');
    headers.append('x-signature', signPanjaya(body, h.privateKey));
    const res = await fetch(`${h.url}/webhooks/panjaya`, { method: 'POST', body, headers });
    expect(res.status).toBe(200);
  });
});

describe('200: duplicates', () => {
  it('answers duplicate with the same event id and writes nothing twice', async () => {
    const body = contentorBody('completed');
    const first = await sendContentor(body);
    const second = await sendContentor(body);
    expect(second).toEqual({ status: 200, json: { status: 'duplicate', eventId: first.json.eventId } });
    const uuid = (JSON.parse(body) as { uuid: string }).uuid;
    expect(await h.queries.history('contentor', uuid, uuid)).toHaveLength(1);
  });

  it('treats the header and envelope forms of the same Contentor event as one event', async () => {
    const data = { uuid: 'same-event-two-forms', status: 'completed', timestamp: '2025-04-09T15:30:45Z' };
    const first = await sendContentor(JSON.stringify(data));
    const second = await h.post('/webhooks/contentor', contentorEnvelope(data, CONTENTOR_SECRET));
    expect(second.json).toEqual({ status: 'duplicate', eventId: first.json.eventId });
  });
});

describe('401: signature problems never write', () => {
  const expect401 = async (res: { status: number; json: Record<string, unknown> }, body: string, provider: 'panjaya' | 'contentor') => {
    expect(res.status).toBe(401);
    expect(typeof res.json.error).toBe('string');
    const parsed = JSON.parse(body) as { asset_id?: string; uuid?: string; data?: { uuid: string } };
    const partition = parsed.asset_id ?? parsed.uuid ?? parsed.data?.uuid ?? '';
    expect(await h.queries.listPartition(provider, partition)).toEqual([]);
  };

  it('rejects a Panjaya callback without X-Signature', async () => {
    const body = panjayaBody();
    await expect401(await sendPanjaya(body, {}), body, 'panjaya');
  });

  it('rejects a Panjaya callback signed by another key', async () => {
    const body = panjayaBody();
    await expect401(await sendPanjaya(body, { 'X-Signature': signPanjaya(body, panjayaKeyPair().privateKey) }), body, 'panjaya');
  });

  it('rejects a Panjaya body changed after signing', async () => {
    const body = panjayaBody('version_failed');
    const signature = signPanjaya(body, h.privateKey);
    const tampered = body.replace('version_failed', 'version_generated');
    await expect401(await sendPanjaya(tampered, { 'X-Signature': signature }), tampered, 'panjaya');
  });

  it('rejects a malformed signature with a reason and without the expected signature', async () => {
    const body = panjayaBody();
    const res = await sendPanjaya(body, { 'X-Signature': 'not-hex!' });
    await expect401(res, body, 'panjaya');
    expect(JSON.stringify(res.json)).not.toMatch(/[0-9a-f]{64}/);
  });

  it('rejects an X-Signature-Algorithm other than ES256', async () => {
    const body = panjayaBody();
    await expect401(await sendPanjaya(body, { 'X-Signature': signPanjaya(body, h.privateKey), 'X-Signature-Algorithm': 'HS256' }), body, 'panjaya');
  });

  it('rejects a Contentor header signed with another secret', async () => {
    const body = contentorBody();
    await expect401(await sendContentor(body, { 'X-Webhook-Signature': signContentorHeader(body, 'wrong-secret') }), body, 'contentor');
  });

  it('rejects a Contentor body with neither header nor envelope signature', async () => {
    const body = contentorBody();
    await expect401(await sendContentor(body, {}), body, 'contentor');
  });

  it('rejects a Contentor envelope whose data was changed after signing', async () => {
    const envelope = contentorEnvelope({ uuid: 'tampered-envelope', status: 'failed', timestamp: '2025-04-09T15:30:45Z' }, CONTENTOR_SECRET);
    const tampered = envelope.replace('"failed"', '"completed"');
    await expect401(await h.post('/webhooks/contentor', tampered), tampered, 'contentor');
  });
});

describe('400: signed but unusable', () => {
  it('rejects a signed body that is not JSON', async () => {
    const body = 'this is not json';
    const res = await sendPanjaya(body, { 'X-Signature': signPanjaya(body, h.privateKey) });
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual(expect.any(String));
  });

  it('names the failing field when the schema fails', async () => {
    const body = JSON.stringify({ version_id: 'v1', event: 'version_generated' });
    const res = await sendPanjaya(body, { 'X-Signature': signPanjaya(body, h.privateKey) });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/asset_id/);
  });

  it('names timestamp when a signed Contentor timestamp is unreadable', async () => {
    const body = JSON.stringify({ uuid: 'bad-time', status: 'completed', timestamp: 'yesterday' });
    const res = await sendContentor(body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/timestamp/);
  });
});

describe('404, 413', () => {
  it('answers 404 for an unknown provider without touching storage or secrets', async () => {
    const calls: string[] = [];
    const handler = makeReceiverHandler({
      ...h.deps,
      store: { store: async () => (calls.push('store'), { outcome: 'accepted', eventId: 'x', writeUnits: 0 }) },
      trust: async () => (calls.push('secrets'), { publicKeys: [], secrets: [CONTENTOR_SECRET] }),
    });
    const res = await handler({ pathParameters: { provider: 'acme' }, body: '{}', headers: {}, isBase64Encoded: false } as never);
    expect(res.statusCode).toBe(404);
    expect(calls).toEqual([]);
    expect((await h.post('/webhooks/acme', '{}')).status).toBe(404);
  });

  it('answers 404 for a path outside /webhooks/{provider}', async () => {
    expect((await h.post('/other', '{}')).status).toBe(404);
  });

  it('answers 413 for a body over the limit, before verifying', async () => {
    const body = JSON.stringify({ uuid: 'big', status: 'completed', timestamp: '2025-04-09T15:30:45Z', pad: 'x'.repeat(5000) });
    const res = await sendContentor(body);
    expect(res.status).toBe(413);
    expect(await h.queries.listPartition('contentor', 'big')).toEqual([]);
  });
});

describe('API Gateway encodings', () => {
  it('verifies a base64-encoded body on its decoded bytes', async () => {
    const body = panjayaBody('version_ready');
    const handler = makeReceiverHandler(h.deps);
    const res = await handler({
      pathParameters: { provider: 'panjaya' },
      headers: { 'X-Signature': signPanjaya(body, h.privateKey) },
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    } as never);
    expect(res.statusCode).toBe(200);
  });

  it('rejects a base64-encoded body over the limit without decoding it', async () => {
    const handler = makeReceiverHandler(h.deps);
    const res = await handler({ pathParameters: { provider: 'panjaya' }, headers: {}, body: 'A'.repeat(8000), isBase64Encoded: true } as never);
    expect(res.statusCode).toBe(413);
  });
});

describe('503: dependencies down, so the provider retries', () => {
  it('answers 503 when storage is unreachable, after a valid signature', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const store: EventStore = new DynamoEventStore({ client: makeDocumentClient({ endpoint: closed, maxAttempts: 1 }), tableName: 'none', retentionDays: 1 });
    const handler = makeReceiverHandler({ ...h.deps, store });
    const body = contentorBody();
    const res = await handler({
      pathParameters: { provider: 'contentor' },
      headers: { 'x-webhook-signature': signContentorHeader(body, CONTENTOR_SECRET) },
      body,
      isBase64Encoded: false,
    } as never);
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body ?? '{}')).toEqual({ error: expect.any(String) });
  });

  it('answers 500 (a bug, logged as one) when DynamoDB refuses a request we built, never 503 "unavailable"', async () => {
    const handler = makeReceiverHandler({
      ...h.deps,
      store: {
        store: async () => {
          throw storageUnavailable('PutItem', Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' }));
        },
      },
    });
    const body = contentorBody();
    const res = await handler({
      pathParameters: { provider: 'contentor' },
      headers: { 'x-webhook-signature': signContentorHeader(body, CONTENTOR_SECRET) },
      body,
      isBase64Encoded: false,
    } as never);
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body ?? '{}')).toEqual({ error: 'internal error: the request could not be stored' });
  });

  it('answers 503, never 401, when the secret source fails', async () => {
    const secrets = new CachedSecretsManagerSource('arn:aws:secretsmanager:us-east-1:000000000000:secret:x', 60_000, async () => {
      throw new Error('secrets manager unreachable');
    });
    const handler = makeReceiverHandler({ ...h.deps, trust: trustResolver({ secrets: { contentor: secrets } }) });
    const body = contentorBody();
    const res = await handler({
      pathParameters: { provider: 'contentor' },
      headers: { 'x-webhook-signature': signContentorHeader(body, CONTENTOR_SECRET) },
      body,
      isBase64Encoded: false,
    } as never);
    expect(res.statusCode).toBe(503);
  });

  it('completes the delivery on retry once storage is back', async () => {
    const body = contentorBody('failed');
    const closed = `http://127.0.0.1:${await freePort()}`;
    const down = makeReceiverHandler({
      ...h.deps,
      store: new DynamoEventStore({ client: makeDocumentClient({ endpoint: closed, maxAttempts: 1 }), tableName: 'none', retentionDays: 1 }),
    });
    const event = {
      pathParameters: { provider: 'contentor' },
      headers: { 'x-webhook-signature': signContentorHeader(body, CONTENTOR_SECRET) },
      body,
      isBase64Encoded: false,
    } as never;
    expect((await down(event)).statusCode).toBe(503);
    const up = await makeReceiverHandler(h.deps)(event);
    expect(up.statusCode).toBe(200);
    expect(JSON.parse(up.body ?? '{}').status).toBe('accepted');
  });
});
