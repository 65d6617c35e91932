/**
 * Panjaya callbacks as Panjaya sees the receiver: the real handler on DynamoDB Local answering each refusal with
 * the text that says what was wrong, a retried callback stored once, the key configured by PANJAYA_PUBLIC_KEYS (else
 * the key in Panjaya's document), and a refused callback quarantined with the signature headers it came with, so a
 * replay judges exactly what was received.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { DynamoQuarantineStore } from '../../lambda/adapters/dynamo-quarantine-store';
import { makeTelemetry } from '../../lambda/adapters/telemetry';
import { readReceiverEnv } from '../../lambda/config/receiver-env';
import { builtInRegistry } from '../../lambda/core/providers';
import { PANJAYA_DEFAULT_PUBLIC_KEY_PEM, panjaya } from '../../lambda/core/providers/panjaya';
import { trustResolver } from '../../lambda/core/trust';
import { providersOf, trustOf } from '../../lambda/handlers/provider-wiring';
import { makeReceiverHandler, type ReceiverDeps } from '../../lambda/handlers/receiver/handler';
import { createLocalApi, listen } from '../../local/http-server';
import { listQuarantined, runReplay } from '../../tools/lib/replay-run';
import { createTestTable, dynamoEndpoint } from '../helpers/aws-local';
import { panjayaKeyPair, receiverHarness, type ReceiverHarness } from '../helpers/receiver-harness';
import { signPanjaya } from '../helpers/signing';

const callbackBody = (asset: string, event = 'version_generated') => JSON.stringify({ asset_id: asset, version_id: 'v1', version_locale: 'es-ES', event });

describe('Panjaya callbacks at the receiver', () => {
  let h: ReceiverHarness;
  beforeAll(async () => {
    h = await receiverHarness();
  });
  afterAll(async () => h.stop());

  it.each([
    ['no X-Signature', {}, 'Missing X-Signature header'],
    ['an X-Signature that is no signature', { 'X-Signature': 'not-hex' }, 'Malformed X-Signature: expected hex of DER, or hex/base64 of raw r||s'],
    ['a signature by another key', { 'X-Signature': signPanjaya(callbackBody('a-1'), panjayaKeyPair().privateKey) }, 'Invalid signature'],
  ])('answers 401 to %s, saying so', async (_what, headers, error) => {
    expect(await h.post('/webhooks/panjaya', callbackBody('a-1'), headers)).toEqual({ status: 401, json: { error } });
  });
  it('answers 401 to an algorithm other than ES256, naming the one it accepts', async () => {
    const body = callbackBody('a-1');
    const res = await h.post('/webhooks/panjaya', body, { 'X-Signature': signPanjaya(body, h.privateKey), 'X-Signature-Algorithm': 'HS256' });
    expect(res).toEqual({ status: 401, json: { error: 'Unsupported signature algorithm: only ES256 is accepted' } });
  });
  it('answers 400 to a signed callback with an empty asset id, naming the field', async () => {
    const body = JSON.stringify({ asset_id: '', version_id: 'v1', event: 'version_ready' });
    expect(await h.post('/webhooks/panjaya', body, { 'X-Signature': signPanjaya(body, h.privateKey) })).toEqual({
      status: 400,
      json: { error: 'asset_id: must not be empty' },
    });
  });
  it('stores a callback once when Panjaya retries it', async () => {
    const asset = `asset-${randomUUID()}`;
    const body = callbackBody(asset);
    const headers = { 'X-Signature': signPanjaya(body, h.privateKey), 'X-Signature-Algorithm': 'ES256' };
    const first = await h.post('/webhooks/panjaya', body, headers);
    const retry = await h.post('/webhooks/panjaya', body, headers);
    expect(first).toEqual({ status: 200, json: { status: 'accepted', eventId: expect.any(String) } });
    expect(retry).toEqual({ status: 200, json: { status: 'duplicate', eventId: first.json.eventId } });
    expect(await h.queries.history('panjaya', asset, `${asset}/v1`)).toHaveLength(1);
    expect(await h.queries.getJob('panjaya', asset, `${asset}/v1`)).toMatchObject({ status: 'succeeded', eventType: 'version_generated' });
  });
});

describe('the Panjaya key the receiver trusts', () => {
  const mine = panjayaKeyPair();
  const minePem = mine.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const body = callbackBody('a-1');
  const verdict = async (env: Record<string, string>) => {
    const trust = await trustOf(readReceiverEnv({ TABLE_NAME: 't', CONTENTOR_WEBHOOK_SECRETS: 's', ...env }), providersOf({}), 0)(panjaya);
    try {
      panjaya.verify({ body: Buffer.from(body), headers: { 'x-signature': signPanjaya(body, mine.privateKey) } }, trust, new Date());
      return { keys: trust.publicKeys.length, outcome: 'ok' };
    } catch (error) {
      return { keys: trust.publicKeys.length, outcome: (error as { reason?: string }).reason };
    }
  };

  it('is the one in PANJAYA_PUBLIC_KEYS when set', async () => {
    expect(await verdict({ PANJAYA_PUBLIC_KEYS: minePem })).toEqual({ keys: 1, outcome: 'ok' });
    expect(await verdict({ PANJAYA_PUBLIC_KEYS: PANJAYA_DEFAULT_PUBLIC_KEY_PEM + minePem })).toEqual({ keys: 2, outcome: 'ok' });
  });
  it("is the key in Panjaya's document otherwise", async () => {
    expect(await verdict({})).toEqual({ keys: 1, outcome: 'invalid_signature' });
  });
});

describe('a refused Panjaya callback in the quarantine', () => {
  const client = makeDocumentClient({ endpoint: dynamoEndpoint() });
  const current = panjayaKeyPair();
  const rotated = panjayaKeyPair();
  let tableName: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ tableName, drop } = await createTestTable());
  });
  afterAll(async () => drop());

  it('keeps X-Signature and X-Signature-Algorithm, so a replay with the key now trusted judges what was sent', async () => {
    const quarantine = new DynamoQuarantineStore({ client, tableName, retentionDays: 14, hourlyCap: 100 });
    const store = new DynamoEventStore({ client, tableName, retentionDays: 30 });
    const deps = (keys: ReturnType<typeof panjayaKeyPair>['publicKey'][]): ReceiverDeps => ({
      findProvider: builtInRegistry.get,
      store,
      trust: trustResolver({ publicKeys: { panjaya: keys } }),
      maxBodyBytes: 4096,
      now: () => new Date(),
      telemetry: makeTelemetry('receiver-test'),
      quarantine,
    });
    const server: Server = createLocalApi(makeReceiverHandler(deps([current.publicKey])));
    const url = `http://127.0.0.1:${await listen(server, 0)}`;
    const post = async (body: string, headers: Record<string, string>) =>
      (await fetch(`${url}/webhooks/panjaya`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })).status;
    // Signed with a key the receiver does not trust yet (Panjaya rotated first), and one naming another algorithm.
    const early = callbackBody(`asset-${randomUUID()}`);
    const otherAlgorithm = callbackBody(`asset-${randomUUID()}`);
    try {
      expect(await post(early, { 'X-Signature': signPanjaya(early, rotated.privateKey), 'X-Signature-Algorithm': 'ES256' })).toBe(401);
      expect(await post(otherAlgorithm, { 'X-Signature': signPanjaya(otherAlgorithm, rotated.privateKey), 'X-Signature-Algorithm': 'RS256' })).toBe(401);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    const filters = { providers: ['panjaya'], sinceIso: new Date(Date.now() - 3_600_000).toISOString() };
    const listed = await listQuarantined(quarantine, filters);
    expect(listed.deliveries.map((d) => [d.reason, d.headers])).toEqual(
      expect.arrayContaining([
        ['invalid_signature', ['content-type', 'x-signature', 'x-signature-algorithm']],
        ['unsupported_algorithm', ['content-type', 'x-signature', 'x-signature-algorithm']],
      ]),
    );
    const report = await runReplay(filters, true, { quarantine, ingestDeps: deps([current.publicKey, rotated.publicKey]), dryRunStore: store });
    expect(report).toMatchObject({ matched: 2, accepted: 1, rejected: 1 });
    expect(report.deliveries.find((d) => d.outcome === 'rejected')?.now).toEqual({
      httpStatus: 401,
      reason: 'unsupported_algorithm',
      detail: 'Unsupported signature algorithm: only ES256 is accepted',
    });
  });
});
