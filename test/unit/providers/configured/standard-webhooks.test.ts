import fc from 'fast-check';
import { SignatureError } from '../../../../lambda/core/errors';
import {
  decodeStandardWebhooksSecret,
  StandardWebhooksSecretError,
  verifyStandardWebhook,
  type StandardWebhooksOptions,
} from '../../../../lambda/core/providers/configured/standard-webhooks';
import { signStandardWebhook } from '../../../helpers/signing';
import { request, verifyOutcome } from '../outcome';
import { pythonHmacBase64, webCryptoHmac } from './independent-hmac';

// The Standard Webhooks reference libraries' published test vector (their "sign function works" tests).
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const vectorHeaders = { 'webhook-id': vector.id, 'webhook-timestamp': String(vector.timestamp), 'webhook-signature': vector.signature };
// Computed in a hook, not while the file loads: a decoder that throws must fail these tests, not stop the file.
let key: Buffer = Buffer.alloc(0);
beforeAll(() => {
  key = decodeStandardWebhooksSecret(vector.secret);
});
const atVectorTime: StandardWebhooksOptions = { toleranceSeconds: 300, nowSeconds: vector.timestamp };

const verify = (headers: Record<string, string>, body: string | Buffer = vector.body, keys = [key], options = atVectorTime) =>
  verifyStandardWebhook(request(body, headers), keys, options);
const outcome = (headers: Record<string, string>, body: string | Buffer = vector.body, keys = [key], options = atVectorTime) =>
  verifyOutcome(() => verify(headers, body, keys, options));
const withHeader = (name: string, value: string | undefined) => {
  const headers: Record<string, string> = { ...vectorHeaders };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return headers;
};

describe('Standard Webhooks: the published test vector', () => {
  it('verifies and returns the webhook id and timestamp', () => {
    expect(verify(vectorHeaders)).toEqual({ webhookId: vector.id, timestamp: vector.timestamp });
  });
  it('is what our signer produces', () => {
    expect(signStandardWebhook(vector.body, vector.secret, { id: vector.id, timestamp: vector.timestamp })).toEqual(vectorHeaders);
  });
  it('decodes the secret to the 24-byte key with or without the whsec_ prefix', () => {
    expect(key).toHaveLength(24);
    expect(decodeStandardWebhooksSecret(vector.secret.slice('whsec_'.length))).toEqual(key);
  });
  it('is what CPython computes over id.timestamp.body', () => {
    const [digest] = pythonHmacBase64([{ key, message: Buffer.from(`${vector.id}.${vector.timestamp}.${vector.body}`) }]);
    expect(`v1,${digest}`).toBe(vector.signature);
  });
  it('verifies among other entries, including another version, as the reference multi-signature test has it', () => {
    const other = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
    expect(outcome(withHeader('webhook-signature', [other, other.replace('v1', 'v2'), vector.signature, other].join(' ')))).toBe('ok');
  });
  it('accepts the svix-* header aliases', () => {
    expect(outcome({ 'svix-id': vector.id, 'svix-timestamp': String(vector.timestamp), 'svix-signature': vector.signature })).toBe('ok');
  });
  it('accepts a repeated signature header joined with ", " as API Gateway joins it', () => {
    expect(outcome(withHeader('webhook-signature', `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=, ${vector.signature}`))).toBe('ok');
  });
});

describe('Standard Webhooks: one change per test', () => {
  it('rejects a body with one character changed', () => {
    expect(outcome(vectorHeaders, vector.body.replace('2432232314', '2432232315'))).toBe('invalid_signature');
  });
  it('rejects a body with a byte appended', () => {
    expect(outcome(vectorHeaders, `${vector.body}\n`)).toBe('invalid_signature');
  });
  it('rejects another webhook-id', () => {
    expect(outcome(withHeader('webhook-id', `${vector.id}x`))).toBe('invalid_signature');
  });
  it('rejects another timestamp inside the tolerance', () => {
    expect(outcome(withHeader('webhook-timestamp', String(vector.timestamp + 1)))).toBe('invalid_signature');
  });
  it('rejects the timestamp written with a leading zero (the signed text differs)', () => {
    expect(outcome(withHeader('webhook-timestamp', `0${vector.timestamp}`))).toBe('invalid_signature');
  });
  it('rejects a signature made with another secret', () => {
    const otherKey = decodeStandardWebhooksSecret(`whsec_${Buffer.alloc(24, 7).toString('base64')}`);
    expect(outcome(vectorHeaders, vector.body, [otherKey])).toBe('invalid_signature');
  });
  it('rejects when no key is configured', () => {
    expect(outcome(vectorHeaders, vector.body, [])).toBe('invalid_signature');
  });
  it('rejects a signature with its last digest byte changed', () => {
    const digest = Buffer.from(vector.signature.slice(3), 'base64');
    digest[31] = (digest[31] ?? 0) ^ 1;
    expect(outcome(withHeader('webhook-signature', `v1,${digest.toString('base64')}`))).toBe('invalid_signature');
  });
  it('does not accept the v1 digest under another version label', () => {
    expect(outcome(withHeader('webhook-signature', vector.signature.replace('v1,', 'v1a,')))).toBe('unsupported_algorithm');
  });
  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('rejects a delivery without %s as missing', (name) => {
    expect(outcome(withHeader(name, undefined))).toBe('missing_signature');
    expect(outcome(withHeader(name, '  '))).toBe('missing_signature');
  });
  it('does not mix header families: webhook-* present means svix-* is not read', () => {
    expect(outcome({ 'webhook-id': vector.id, 'webhook-timestamp': String(vector.timestamp), 'svix-signature': vector.signature })).toBe('missing_signature');
  });
  it.each(['hello', '1614265330.5', '-1614265330', '1e9', '1234567890123456'])('rejects timestamp %j as malformed', (timestamp) => {
    expect(outcome(withHeader('webhook-timestamp', timestamp))).toBe('malformed_signature');
  });
  it.each([
    ['truncated', vector.signature.slice(0, 8)],
    ['empty after the version', 'v1,'],
    ['not base64', 'v1,dawfeoifkpqwoekfpqoekf!'],
    ['the wrong length', 'v1,dawfeoifkpqwoekfpqoekf'],
  ])('rejects a v1 signature that is %s as malformed', (_what, signature) => {
    expect(outcome(withHeader('webhook-signature', signature))).toBe('malformed_signature');
  });
  it('rejects a header without any v1 entry as unsupported', () => {
    expect(outcome(withHeader('webhook-signature', 'v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg=='))).toBe(
      'unsupported_algorithm',
    );
    expect(outcome(withHeader('webhook-signature', 'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='))).toBe('unsupported_algorithm');
  });
});

describe('Standard Webhooks: timestamp tolerance', () => {
  const now = (nowSeconds: number, toleranceSeconds = 300) => ({ toleranceSeconds, nowSeconds });
  it('accepts a timestamp exactly at the tolerance, either way', () => {
    expect(outcome(vectorHeaders, vector.body, [key], now(vector.timestamp + 300))).toBe('ok');
    expect(outcome(vectorHeaders, vector.body, [key], now(vector.timestamp - 300))).toBe('ok');
  });
  it('rejects a timestamp one second older than the tolerance as too old', () => {
    expect(outcome(vectorHeaders, vector.body, [key], now(vector.timestamp + 301))).toBe('timestamp_too_old');
  });
  it('rejects a timestamp one second newer than the tolerance as too new', () => {
    expect(outcome(vectorHeaders, vector.body, [key], now(vector.timestamp - 301))).toBe('timestamp_too_new');
  });
  it('uses the configured tolerance', () => {
    expect(outcome(vectorHeaders, vector.body, [key], now(vector.timestamp + 61, 60))).toBe('timestamp_too_old');
    expect(outcome(vectorHeaders, vector.body, [key], now(vector.timestamp + 3600, 3600))).toBe('ok');
  });
  it('checks the time before the signature, so a stale delivery with a bad signature reads as stale', () => {
    expect(outcome(withHeader('webhook-signature', 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc='), vector.body, [key], now(vector.timestamp + 301))).toBe(
      'timestamp_too_old',
    );
  });
  it('says which way and the tolerance, never a signature', () => {
    let error: unknown;
    try {
      verify(vectorHeaders, vector.body, [key], now(vector.timestamp - 301));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SignatureError);
    expect((error as SignatureError).message).toBe('Webhook timestamp too new: outside the 300 s tolerance');
    expect((error as SignatureError).httpStatus).toBe(401);
  });
});

describe('Standard Webhooks: rotation', () => {
  const oldSecret = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
  let oldKey: Buffer = Buffer.alloc(0);
  beforeAll(() => {
    oldKey = decodeStandardWebhooksSecret(oldSecret);
  });
  const signedWith = (...secrets: string[]) => signStandardWebhook(vector.body, secrets, { id: vector.id, timestamp: vector.timestamp });
  it('accepts a delivery signed with either configured secret', () => {
    expect(outcome(signedWith(oldSecret), vector.body, [key, oldKey])).toBe('ok');
    expect(outcome(signedWith(vector.secret), vector.body, [oldKey, key])).toBe('ok');
  });
  it('accepts a delivery signed with both while the sender rotates', () => {
    const headers = signedWith(oldSecret, vector.secret);
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(outcome(headers, vector.body, [key])).toBe('ok');
    expect(outcome(headers, vector.body, [oldKey])).toBe('ok');
  });
  it('rejects the old secret once it is no longer configured', () => {
    expect(outcome(signedWith(oldSecret), vector.body, [key])).toBe('invalid_signature');
  });
});

describe('Standard Webhooks secrets', () => {
  it.each(['whsec_', '', 'whsec_not base64!', 'whsec_abcde'])('refuses %j without echoing it', (secret) => {
    expect(() => decodeStandardWebhooksSecret(secret)).toThrow(StandardWebhooksSecretError);
    try {
      decodeStandardWebhooksSecret(secret);
    } catch (error) {
      if (secret.length > 6) expect((error as Error).message).not.toContain(secret);
    }
  });
});

describe('Standard Webhooks against independent implementations (properties)', () => {
  // Ids as senders write them (msg_…), with dots (the signed content's own delimiter: `id.timestamp.body`), and any
  // other visible ASCII a header value may carry.
  const id = fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
    fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/).filter((s) => s.includes('.')),
    fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.integer({ min: 0, max: 4_102_444_800 })).map(([name, n]) => `${name}.${n}`),
    fc.stringMatching(/^[!-~]{1,40}$/),
  );
  const timestamp = fc.integer({ min: 0, max: 4_102_444_800 });
  const secretBytes = fc.uint8Array({ minLength: 24, maxLength: 64 });
  const body = fc.uint8Array({ maxLength: 512 });
  const delivery = fc.record({ id, timestamp, body, secrets: fc.array(secretBytes, { minLength: 1, maxLength: 3 }), signer: fc.nat() });
  const keysOf = (secrets: readonly Uint8Array[]) => secrets.map((s) => decodeStandardWebhooksSecret(`whsec_${Buffer.from(s).toString('base64')}`));
  const signedContent = (d: { id: string; timestamp: number; body: Uint8Array }) => Buffer.concat([Buffer.from(`${d.id}.${d.timestamp}.`), d.body]);

  it('accepts what WebCrypto signs with any one of the configured secrets, and refuses it with one body byte flipped', async () => {
    await fc.assert(
      fc.asyncProperty(delivery, fc.nat(), async (d, flipAt) => {
        const signer = d.secrets[d.signer % d.secrets.length] as Uint8Array;
        const digest = await webCryptoHmac(signer, signedContent(d));
        const headers = { 'webhook-id': d.id, 'webhook-timestamp': String(d.timestamp), 'webhook-signature': `v1,${digest.toString('base64')}` };
        const options = { toleranceSeconds: 300, nowSeconds: d.timestamp };
        expect(verifyStandardWebhook(request(Buffer.from(d.body), headers), keysOf(d.secrets), options)).toEqual({ webhookId: d.id, timestamp: d.timestamp });
        const tampered = Buffer.from(d.body.length > 0 ? d.body : [0]);
        if (d.body.length > 0) tampered[flipAt % tampered.length] = (tampered[flipAt % tampered.length] ?? 0) ^ 0x01;
        expect(verifyOutcome(() => verifyStandardWebhook(request(tampered, headers), keysOf(d.secrets), options))).toBe('invalid_signature');
      }),
      { numRuns: 100 },
    );
  });

  it('signs as CPython does, one signature per secret, and verifies each (one python3 process)', () => {
    const samples = fc.sample(delivery, 200);
    const jobs = samples.flatMap((d) => d.secrets.map((s) => ({ key: s, message: signedContent(d) })));
    const python = pythonHmacBase64(jobs);
    let next = 0;
    for (const d of samples) {
      const secrets = d.secrets.map((s) => `whsec_${Buffer.from(s).toString('base64')}`);
      const headers = signStandardWebhook(d.body, secrets, { id: d.id, timestamp: d.timestamp, headerPrefix: 'svix' });
      const expected = d.secrets.map(() => `v1,${python[next++]}`).join(' ');
      expect(headers['svix-signature']).toBe(expected);
      const options = { toleranceSeconds: 300, nowSeconds: d.timestamp };
      expect(verifyOutcome(() => verifyStandardWebhook(request(Buffer.from(d.body), headers), keysOf(d.secrets.slice(-1)), options))).toBe('ok');
    }
    expect(next).toBe(python.length);
  });
});
