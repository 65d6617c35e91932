import fc from 'fast-check';
import { decodeBody, ingest, type IngestDeps, normaliseHeaders } from '../../lambda/core/ingest';
import { DependencyError, PayloadTooLargeError, UnknownProviderError } from '../../lambda/core/errors';
import { contentor } from '../../lambda/core/providers/contentor';
import { signContentorHeader } from '../helpers/signing';
import { readReceiverEnv, retryWindowSecondsOf } from '../../lambda/config/receiver-env';
import { PANJAYA_DEFAULT_PUBLIC_KEY_PEM } from '../../lambda/core/providers/panjaya';

describe('normaliseHeaders', () => {
  it('lower-cases names and joins names that differ only in case', () => {
    expect(normaliseHeaders({ 'X-Signature': 'a', 'x-signature': 'b', Other: undefined })).toEqual({ 'x-signature': 'a, b' });
  });
});

describe('decodeBody', () => {
  const delivery = (body: string, isBase64Encoded: boolean) => ({ providerName: 'p', body, isBase64Encoded, headers: {} });

  it('returns the exact bytes of a plain body, multi-byte characters included', () => {
    expect(decodeBody(delivery('{"a":"é"}', false), 100)).toEqual(Buffer.from('{"a":"é"}', 'utf8'));
  });
  it('decodes a base64 body to the bytes that were signed', () => {
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]);
    expect(decodeBody(delivery(bytes.toString('base64'), true), 100)).toEqual(bytes);
  });
  it('counts the limit in bytes, not characters', () => {
    expect(() => decodeBody(delivery('é'.repeat(60), false), 100)).toThrow(PayloadTooLargeError);
    expect(decodeBody(delivery('é'.repeat(50), false), 100)).toHaveLength(100);
  });
  it('accepts a plain body exactly at the limit and refuses one byte more, saying what the limit is', () => {
    expect(decodeBody(delivery('x'.repeat(100), false), 100)).toHaveLength(100);
    expect(() => decodeBody(delivery('x'.repeat(101), false), 100)).toThrow(new PayloadTooLargeError('body exceeds the 100-byte limit'));
  });
  it('accepts a base64 body exactly at the limit and refuses one byte more', () => {
    expect(decodeBody(delivery(Buffer.alloc(99).toString('base64'), true), 99)).toHaveLength(99);
    expect(() => decodeBody(delivery(Buffer.alloc(100).toString('base64'), true), 99)).toThrow(PayloadTooLargeError);
  });
  it('accepts every base64 body up to the limit and refuses every longer one, whatever the limit modulo 3', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 403 }), (limit, size) => {
        const encoded = delivery(Buffer.alloc(size, 0x7b).toString('base64'), true);
        if (size <= limit) expect(decodeBody(encoded, limit)).toHaveLength(size);
        else expect(() => decodeBody(encoded, limit)).toThrow(PayloadTooLargeError);
      }),
      { numRuns: 500 },
    );
  });
  it('refuses a base64 body on its encoded length, before decoding, even when the decoded bytes would fit', () => {
    // The base64 decoder skips line breaks: a small body's base64 padded with them decodes small. Only the check on
    // the encoded length refuses it, so a huge body is never decoded.
    const small = Buffer.from('{"uuid":"u-1"}');
    const padded = `${small.toString('base64')}${'\n'.repeat(200)}`;
    expect(Buffer.from(padded, 'base64')).toEqual(small);
    expect(() => decodeBody(delivery(padded, true), 100)).toThrow(PayloadTooLargeError);
    expect(decodeBody(delivery(small.toString('base64'), true), 100)).toEqual(small);
  });
});

describe('ingest refusals as the caller and the operator see them', () => {
  const body = '{"uuid":"u-1","status":"completed","timestamp":"2025-04-09T15:30:45Z"}';
  const deps = (overrides: Partial<IngestDeps> = {}): IngestDeps => ({
    findProvider: (name) => (name === 'contentor' ? contentor : undefined),
    store: { store: async () => ({ outcome: 'accepted', eventId: 'e-1', writeUnits: 1 }) },
    trust: async () => ({ publicKeys: [], secrets: ['s-1'] }),
    maxBodyBytes: 1000,
    now: () => new Date('2025-04-09T15:31:00Z'),
    ...overrides,
  });
  const delivery = (providerName: string) => ({
    providerName,
    body,
    isBase64Encoded: false,
    headers: { 'X-Webhook-Signature': signContentorHeader(body, 's-1') },
  });

  it('names the provider it has no route for (404)', async () => {
    const result = await ingest(delivery('acme'), deps());
    expect(result).toMatchObject({ kind: 'rejected', error: new UnknownProviderError('no webhook route for provider "acme"') });
  });
  it('turns an unexpected failure into a 503 the provider retries, keeping its cause for the log only', async () => {
    // A fault no emulator produces on demand: the store throwing something that is not a named error.
    const result = await ingest(delivery('contentor'), deps({ store: { store: async () => Promise.reject(new TypeError('socket hang up')) } }));
    if (result.kind !== 'rejected') throw new Error('expected a refusal');
    expect(result.error).toBeInstanceOf(DependencyError);
    expect(result.error).toMatchObject({
      httpStatus: 503,
      reason: 'dependency_unavailable',
      message: 'temporarily unable to process the delivery',
      logDetail: { cause: 'TypeError: socket hang up' },
    });
  });
});

describe('receiver environment', () => {
  const base = { TABLE_NAME: 't', PANJAYA_PUBLIC_KEYS: PANJAYA_DEFAULT_PUBLIC_KEY_PEM };
  it('needs a secret source for every built-in that signs with secrets: its ARN, its own variable, or a PROVIDER_SECRETS entry', () => {
    expect(() => readReceiverEnv(base)).toThrow(
      /no secret for Contentor: set PROVIDER_SECRET_ARNS\.contentor \(AWS\) or CONTENTOR_WEBHOOK_SECRETS or PROVIDER_SECRETS\.contentor \(local stack\)/,
    );
    expect(() => readReceiverEnv({ ...base, PROVIDER_SECRET_ARNS: '{"acme":"arn:acme"}' })).toThrow(/no secret for Contentor/);
    expect(readReceiverEnv({ ...base, PROVIDER_SECRET_ARNS: '{"contentor":"arn"}' }).MAX_BODY_BYTES).toBe(262144);
    expect(readReceiverEnv({ ...base, CONTENTOR_WEBHOOK_SECRETS: 's' }).MAX_BODY_BYTES).toBe(262144);
    expect(readReceiverEnv({ ...base, PROVIDER_SECRETS: '{"contentor":["s"]}' }).MAX_BODY_BYTES).toBe(262144);
  });
  it('names a missing variable', () => {
    expect(() => readReceiverEnv({ PANJAYA_PUBLIC_KEYS: PANJAYA_DEFAULT_PUBLIC_KEY_PEM, PROVIDER_SECRET_ARNS: '{"contentor":"arn"}' })).toThrow(/TABLE_NAME/);
  });
  it('takes the retry window from RETRY_WINDOW_SECONDS, else from its first name PANJAYA_RETRY_WINDOW_SECONDS, else 600', () => {
    const aws = { ...base, PROVIDER_SECRET_ARNS: '{"contentor":"arn"}' };
    expect(retryWindowSecondsOf(readReceiverEnv(aws))).toBe(600);
    expect(retryWindowSecondsOf(readReceiverEnv({ ...aws, PANJAYA_RETRY_WINDOW_SECONDS: '30' }))).toBe(30);
    expect(retryWindowSecondsOf(readReceiverEnv({ ...aws, RETRY_WINDOW_SECONDS: '0', PANJAYA_RETRY_WINDOW_SECONDS: '30' }))).toBe(0);
    expect(() => readReceiverEnv({ ...aws, PANJAYA_RETRY_WINDOW_SECONDS: '-1' })).toThrow(/PANJAYA_RETRY_WINDOW_SECONDS/);
  });
  it("reads the configured providers' secret ARNs as a JSON object of names to ARNs, naming the variable when it is not", () => {
    const aws = { ...base, PROVIDER_SECRET_ARNS: '{"contentor":"arn"}' };
    expect(readReceiverEnv({ ...aws, PROVIDER_SECRET_ARNS: '{"contentor":"arn","acme":"arn:acme"}' }).PROVIDER_SECRET_ARNS).toEqual({
      contentor: 'arn',
      acme: 'arn:acme',
    });
    expect(() => readReceiverEnv({ ...aws, PROVIDER_SECRET_ARNS: '{"acme":' })).toThrow(/PROVIDER_SECRET_ARNS.*must be JSON/);
    expect(() => readReceiverEnv({ ...aws, PROVIDER_SECRET_ARNS: '["arn:acme"]' })).toThrow(/PROVIDER_SECRET_ARNS/);
    expect(() => readReceiverEnv({ ...aws, PROVIDER_SECRET_ARNS: '{"acme":""}' })).toThrow(/PROVIDER_SECRET_ARNS\.acme/);
  });
});
