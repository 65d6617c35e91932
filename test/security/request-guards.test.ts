/**
 * Guards that must hold before any trust or storage work: unknown routes and providers do no I/O, oversize bodies
 * are refused before any decoding, verification or parsing, a failing secret source is a 503 (retry) and never a
 * 401. Constant-time comparison of secret-derived values: ./constant-time.test.ts.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { EventStore, SecretSource } from '../../lambda/core/ports';
import { builtInRegistry } from '../../lambda/core/providers';
import type { ProviderModule } from '../../lambda/core/providers/provider';
import { makeReceiverHandler } from '../../lambda/handlers/receiver/handler';
import { createLocalApi, listen } from '../../local/http-server';
import { signContentorHeader, signPanjaya } from '../helpers/signing';
import { CONTENTOR_SECRET, receiverHarness, type ReceiverHarness } from '../helpers/receiver-harness';

/** Every dependency call the receiver makes, counted. */
function spies() {
  const calls = { store: 0, secrets: 0, verify: 0, normalise: 0 };
  const store: EventStore = {
    store: async () => {
      calls.store += 1;
      throw new Error('the store must not be reached in these tests');
    },
  };
  const secrets: SecretSource = {
    secrets: async () => {
      calls.secrets += 1;
      return [CONTENTOR_SECRET];
    },
  };
  const findProvider = (name: string): ProviderModule | undefined => {
    const real = builtInRegistry.get(name);
    if (!real) return undefined;
    return {
      ...real,
      verify: (request, trust, now) => {
        calls.verify += 1;
        return real.verify(request, trust, now);
      },
      normalise: (request, verified) => {
        calls.normalise += 1;
        return real.normalise(request, verified);
      },
    };
  };
  return { calls, store, secrets, findProvider };
}

describe('no I/O for what is not a webhook', () => {
  it('answers unknown routes and methods in the API layer without invoking the handler', async () => {
    let invocations = 0;
    const server = createLocalApi(async (_event: APIGatewayProxyEventV2) => {
      invocations += 1;
      return { statusCode: 200, body: '{}' };
    });
    const url = `http://127.0.0.1:${await listen(server, 0)}`;
    try {
      const answers = [];
      for (const [method, route] of [
        ['POST', '/'],
        ['POST', '/webhooks'],
        ['POST', '/webhooks/a/b'],
        ['GET', '/webhooks/contentor'],
        ['PUT', '/webhooks/panjaya'],
        ['POST', '/admin'],
      ]) {
        answers.push((await fetch(`${url}${route}`, { method, body: method === 'GET' ? undefined : '{}' })).status);
      }
      expect(answers).toEqual([404, 404, 404, 404, 404, 404]);
      expect(invocations).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('answers an unknown provider 404 without touching secrets, verifiers or the store', async () => {
    const s = spies();
    const h = await receiverHarness({ store: s.store, contentorSecrets: s.secrets, findProvider: s.findProvider });
    try {
      const res = await h.post('/webhooks/acme', '{"a":1}', { 'X-Webhook-Signature': 'ab'.repeat(32) });
      expect(res.status).toBe(404);
      expect(s.calls).toEqual({ store: 0, secrets: 0, verify: 0, normalise: 0 });
    } finally {
      await h.stop();
    }
  });
});

describe('body size limit before any parsing', () => {
  let h: ReceiverHarness;
  let s: ReturnType<typeof spies>;
  beforeAll(async () => {
    s = spies();
    h = await receiverHarness({ store: s.store, contentorSecrets: s.secrets, findProvider: s.findProvider });
  });
  afterAll(async () => h.stop());

  it.each([
    ['UTF-8 text', Buffer.from(`{"uuid":"${'x'.repeat(5000)}"}`)],
    ['non-UTF-8 bytes (base64-encoded by the API layer)', Buffer.alloc(5000, 0xff)],
  ])('refuses a %s body over maxBodyBytes with 413 before secrets, verification or parsing', async (_name, body) => {
    const before = { ...s.calls };
    const res = await h.post('/webhooks/contentor', body, { 'X-Webhook-Signature': signContentorHeader(body, CONTENTOR_SECRET) });
    expect(res.status).toBe(413);
    expect(s.calls).toEqual(before);
  });

  it('refuses a base64 body whose encoded size is over the limit with 413, before decoding, though its decoded bytes fit and are signed', async () => {
    const body = Buffer.from(JSON.stringify({ uuid: 'u-413', status: 'completed', timestamp: '2025-04-09T15:30:45Z' }));
    const headers = { 'x-webhook-signature': signContentorHeader(body, CONTENTOR_SECRET) };
    const deliver = (encoded: string) =>
      makeReceiverHandler(h.deps)({
        body: encoded,
        isBase64Encoded: true,
        headers,
        pathParameters: { provider: 'contentor' },
        requestContext: { requestId: 'r-413' },
      } as never);
    // Line breaks are skipped by the base64 decoder: this decodes to the signed body, well under the 4096-byte limit.
    const padded = `${body.toString('base64')}${'\r\n'.repeat(3000)}`;
    expect(Buffer.from(padded, 'base64')).toEqual(body);
    const before = { ...s.calls };
    expect((await deliver(padded)).statusCode).toBe(413);
    expect(s.calls).toEqual(before);
    // The same bytes without the padding get through to verification (and on to the store, which is not there).
    await deliver(body.toString('base64'));
    expect(s.calls.verify).toBe(before.verify + 1);
  });
});

describe('secret source unavailable', () => {
  it('answers a correctly signed Contentor delivery 503 (the provider retries), never 401; Panjaya is unaffected', async () => {
    const h = await receiverHarness({
      contentorSecrets: {
        secrets: async () => {
          throw new Error('AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue');
        },
      },
    });
    try {
      const body = JSON.stringify({ uuid: 'u-1', status: 'completed', timestamp: '2025-04-09T15:30:45Z' });
      const res = await h.post('/webhooks/contentor', body, { 'X-Webhook-Signature': signContentorHeader(body, CONTENTOR_SECRET) });
      expect(res.status).toBe(503);
      const unsigned = await h.post('/webhooks/contentor', body, {});
      expect(unsigned.status).toBe(503); // without the secrets nothing can be judged, not even "unsigned"
      const panjaya = JSON.stringify({ event: 'version_generated', asset_id: 'a-1', version_id: 'v1' });
      expect((await h.post('/webhooks/panjaya', panjaya, { 'X-Signature': signPanjaya(panjaya, h.privateKey) })).status).toBe(200);
    } finally {
      await h.stop();
    }
  });
});
