/**
 * What a provider and an operator see when a provider's secret cannot be read from Secrets Manager: the 503 body
 * (the DependencyError's message, lambda/core/http-response.ts), the operator's log detail, how often Secrets Manager
 * is asked, and how a pasted secret value is read (docs/SECURITY.md "Dependency down").
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CachedSecretsManagerSource, type FetchSecret, StaticSecretSource } from '../../lambda/adapters/secret-source';
import { parseSecretValue } from '../../lambda/core/secret-values';
import { trustResolver } from '../../lambda/core/trust';
import { capturing } from '../helpers/capture-output';
import { receiverBeforeStorage } from '../helpers/receiver-before-storage';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:contentor';

/** One signed-looking Contentor delivery through the receiver with `fetchSecret` behind the secret cache. */
async function deliverWith(fetchSecret: FetchSecret): Promise<{ status: number; body: unknown; logs: string }> {
  const handler = receiverBeforeStorage({
    trust: trustResolver({ secrets: { contentor: new CachedSecretsManagerSource(ARN, 60_000, fetchSecret) } }),
    maxBodyBytes: 4096,
    why: 'the secret is read before anything is stored',
  });
  let response: { statusCode?: number; body?: string } = {};
  const logs = await capturing(async () => {
    response = await handler({
      pathParameters: { provider: 'contentor' },
      headers: { 'x-webhook-signature': 'ab'.repeat(32) },
      body: JSON.stringify({ uuid: 'job-1', status: 'completed', timestamp: '2025-04-09T15:30:45Z' }),
      isBase64Encoded: false,
    } as never);
  });
  return { status: response.statusCode ?? 0, body: JSON.parse(response.body ?? '{}'), logs };
}

describe('a provider whose secret cannot be read gets a 503 saying why', () => {
  it('when Secrets Manager fails: "temporarily unavailable", and the SDK error for the operator', async () => {
    const r = await deliverWith(async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    });
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ error: 'webhook secret temporarily unavailable' });
    const failed = r.logs
      .split('\n')
      .filter((line) => line.includes('"webhook failed"'))
      .map((line) => JSON.parse(line) as { detail?: { cause?: string } });
    expect(failed).toHaveLength(1);
    expect(failed[0]?.detail?.cause).toBe('ThrottlingException: Rate exceeded');
  });

  it('when the secret holds binary data, not text: "no string value"', async () => {
    const r = await deliverWith(async () => undefined);
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ error: 'webhook secret has no string value' });
  });

  it('when the secret text is not a list of secrets: "not a JSON array of strings"', async () => {
    const r = await deliverWith(async () => '["ok", 7]');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ error: 'webhook secret is not a JSON array of strings' });
  });
});

describe('the secret cache on a real clock', () => {
  it('asks Secrets Manager once per TTL, counted from the fetch, at any time of day', async () => {
    let clock = Date.parse('2026-12-05T00:26:00Z');
    let calls = 0;
    const source = new CachedSecretsManagerSource(
      ARN,
      60_000,
      async () => {
        calls += 1;
        return `["secret-${calls}"]`;
      },
      () => clock,
    );
    expect(await source.secrets()).toEqual(['secret-1']);
    clock += 59_999;
    expect(await source.secrets()).toEqual(['secret-1']);
    expect(calls).toBe(1);
    clock += 1;
    expect(await source.secrets()).toEqual(['secret-2']);
    expect(calls).toBe(2);
  });
});

describe('a Secrets Manager that keeps failing', () => {
  const saved: Record<string, string | undefined> = {};
  const env = {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_SESSION_TOKEN: '',
  };
  let server: Server;
  const requests: string[] = [];

  beforeAll(async () => {
    // Secrets Manager as the function's SDK client meets it during an outage: every call a retryable 500.
    server = createServer((req: IncomingMessage, res) => {
      requests.push(String(req.headers['x-amz-target']));
      req.resume();
      req.on('end', () => {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'InternalServiceError' });
        res.end(JSON.stringify({ __type: 'InternalServiceError', message: 'service unavailable' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const [key, value] of Object.entries(env)) {
      saved[key] = process.env[key];
      if (value) process.env[key] = value;
      else delete process.env[key];
    }
  });

  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('is asked twice, not more, before the delivery waiting on it gets its 503', async () => {
    const source = new CachedSecretsManagerSource(ARN, 60_000);
    await expect(source.secrets()).rejects.toMatchObject({ httpStatus: 503, reason: 'secrets_unavailable' });
    expect(requests).toEqual(['secretsmanager.GetSecretValue', 'secretsmanager.GetSecretValue']);
  });
});

describe('a Secrets Manager that never answers', () => {
  const saved: Record<string, string | undefined> = {};
  let server: Server;
  let asked = 0;

  beforeAll(async () => {
    // Accepts each request and never answers it: a hung endpoint, not a refused one.
    server = createServer(() => {
      asked += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const env: Record<string, string> = {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    };
    for (const [key, value] of Object.entries(env)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
  });

  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('is given up on after its request timeout, twice, and the delivery gets its 503 (not the function timeout)', async () => {
    const source = new CachedSecretsManagerSource(ARN, 60_000);
    await expect(source.secrets()).rejects.toMatchObject({ httpStatus: 503, reason: 'secrets_unavailable' });
    expect(asked).toBe(2);
  }, 30_000);
});

describe('secret values as people store them', () => {
  it('reads a value pasted with surrounding whitespace or a trailing newline', () => {
    expect(parseSecretValue('  ["old","new"]\n')).toEqual(['old', 'new']);
    expect(parseSecretValue('plain-secret\n')).toEqual(['plain-secret']);
  });

  it('refuses, saying so, a local secret list with no secret in it', () => {
    expect(() => new StaticSecretSource(' , ')).toThrow(/at least one secret is required/);
  });
});
