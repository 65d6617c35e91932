import fc from 'fast-check';
import { DependencyError, PayloadTooLargeError, SignatureError, UnknownProviderError, ValidationError } from '../../lambda/core/errors';
import {
  deliveryIdOf,
  expiresAtFor,
  isOverCap,
  isQuarantinable,
  keptHeaderNames,
  keptHeaders,
  MAX_KEPT_HEADER_CHARS,
  quarantineBuckets,
  quarantineDays,
  quarantineItemFor,
  quarantineRecordFor,
} from '../../lambda/core/quarantine';
import { builtInRegistry } from '../../lambda/core/providers';

const allowed = new Set<string>(keptHeaderNames);
const headerName = fc.oneof(fc.constantFrom(...keptHeaderNames), fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/));
const headerMap = fc.dictionary(headerName, fc.string({ maxLength: 60 }), { maxKeys: 12 });

describe('what the quarantine keeps', () => {
  it('keeps exactly the allow-listed headers that are present, with their values unchanged', () => {
    fc.assert(
      fc.property(headerMap, (headers) => {
        const kept = keptHeaders(headers);
        for (const [name, value] of Object.entries(kept)) {
          expect(allowed.has(name)).toBe(true);
          expect(value).toBe(headers[name]);
        }
        for (const name of Object.keys(headers)) if (allowed.has(name)) expect(kept[name]).toBe(headers[name]);
      }),
    );
  });

  it('never keeps cookies, client addresses or authorisation headers', () => {
    const kept = keptHeaders({ cookie: 'a=b', authorization: 'Bearer x', 'x-forwarded-for': '1.2.3.4', 'x-signature': 'ab' }, ['x-signature']);
    expect(kept).toEqual({ 'x-signature': 'ab' });
  });

  it('drops a header value longer than any signature (bounds the item)', () => {
    expect(keptHeaders({ 'x-signature': 'a'.repeat(MAX_KEPT_HEADER_CHARS + 1) }, ['x-signature'])).toEqual({});
    const longest = 'a'.repeat(MAX_KEPT_HEADER_CHARS);
    expect(keptHeaders({ 'x-signature': longest }, ['x-signature'])).toEqual({ 'x-signature': longest });
  });

  it('keeps the signature headers that the delivery provider reads, and no other provider headers', () => {
    expect(keptHeaders({ 'x-signature': 'p', 'x-webhook-signature': 'c' }, builtInRegistry.get('contentor')?.signatureHeaders)).toEqual({
      'x-webhook-signature': 'c',
    });
  });

  it('lets a configured provider add its own signature header', () => {
    expect(keptHeaders({ 'x-acme-sig': 's', other: 'o' }, ['x-acme-sig'])).toEqual({ 'x-acme-sig': 's' });
  });

  it('does not read inherited names such as constructor', () => {
    expect(keptHeaders({}, ['constructor'])).toEqual({});
  });
});

describe('delivery id (identical junk is stored once)', () => {
  const bytes = fc.uint8Array({ maxLength: 200 });
  it('is the same for the same provider, headers (in any order) and bytes', () => {
    fc.assert(
      fc.property(fc.string(), headerMap, bytes, (provider, headers, body) => {
        const reversed = Object.fromEntries(Object.entries(headers).reverse());
        expect(deliveryIdOf(provider, reversed, body)).toBe(deliveryIdOf(provider, headers, body));
      }),
    );
  });

  it('differs when one byte of the body differs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), (body, at) => {
        const changed = Uint8Array.from(body);
        const i = at % body.length;
        changed[i] = ((changed[i] ?? 0) + 1) % 256;
        expect(deliveryIdOf('contentor', {}, changed)).not.toBe(deliveryIdOf('contentor', {}, body));
      }),
    );
  });

  it('frames its fields, so moving bytes between provider, header and body changes it', () => {
    const body = Buffer.from('c');
    expect(deliveryIdOf('ab', {}, body)).not.toBe(deliveryIdOf('a', {}, Buffer.from('bc')));
    expect(deliveryIdOf('p', { 'x-signature': 'ab' }, body)).not.toBe(deliveryIdOf('p', { 'x-signature': 'a' }, Buffer.from('bc')));
  });
  it('frames by length, not by a separator: fields holding NUL bytes still cannot shift into each other', () => {
    expect(deliveryIdOf('a', {}, Buffer.from('b\0\0\0\0'))).not.toBe(deliveryIdOf('a\0\0\0\0b', {}, Buffer.alloc(0)));
  });
  it('differs when only a kept header differs (another signature over the same body is another delivery)', () => {
    const body = Buffer.from('{"uuid":"u-1"}');
    expect(deliveryIdOf('contentor', { 'x-webhook-signature': 'aa' }, body)).not.toBe(deliveryIdOf('contentor', { 'x-webhook-signature': 'ab' }, body));
    expect(deliveryIdOf('contentor', { 'x-webhook-signature': 'aa' }, body)).not.toBe(deliveryIdOf('contentor', {}, body));
  });
  it('is 128 bits as hex, a short sort key', () => {
    expect(deliveryIdOf('contentor', {}, Buffer.from('x'))).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('which refusals are quarantined', () => {
  it('keeps 401 and 400, never 404, 413 or 5xx', () => {
    expect(isQuarantinable(new SignatureError('invalid_signature', 'Invalid signature'))).toBe(true);
    expect(isQuarantinable(new ValidationError('asset_id: Required'))).toBe(true);
    expect(isQuarantinable(new UnknownProviderError('no route'))).toBe(false);
    expect(isQuarantinable(new PayloadTooLargeError('too large'))).toBe(false);
    expect(isQuarantinable(new DependencyError('storage_unavailable', 'storage is unavailable'))).toBe(false);
  });

  it('builds no record for a 404', () => {
    const request = { body: Buffer.from('{}'), headers: {} };
    expect(quarantineRecordFor({ provider: 'x', error: new UnknownProviderError('no'), request, receivedAt: '2025-01-01T00:00:00.000Z' })).toBeUndefined();
  });

  it('records reason, status, the answer text, time, kept headers and the exact bytes', () => {
    const body = Buffer.from([0x7b, 0xff, 0x7d]);
    const record = quarantineRecordFor({
      provider: 'panjaya',
      error: new SignatureError('invalid_signature', 'Invalid signature'),
      request: { body, headers: { 'x-signature': 'abcd', cookie: 'c' } },
      receivedAt: '2025-03-04T05:06:07.000Z',
      extraHeaderNames: builtInRegistry.get('panjaya')?.signatureHeaders,
    });
    expect(record).toMatchObject({
      provider: 'panjaya',
      reason: 'invalid_signature',
      httpStatus: 401,
      detail: 'Invalid signature',
      headers: { 'x-signature': 'abcd' },
    });
    expect(Buffer.from(record?.body ?? []).equals(body)).toBe(true);
  });
});

describe('buckets, cap and TTL', () => {
  it('partitions by UTC day and counts by UTC hour', () => {
    expect(quarantineBuckets('2025-03-04T23:59:59.999Z')).toEqual({ day: '2025-03-04', hour: '2025-03-04T23' });
    expect(quarantineBuckets('2025-03-05T00:00:00+02:00')).toEqual({ day: '2025-03-04', hour: '2025-03-04T22' });
  });

  it('lists every day between two times, newest first, both ends included', () => {
    expect(quarantineDays('2025-02-27T10:00:00Z', '2025-03-01T01:00:00Z')).toEqual(['2025-03-01', '2025-02-28', '2025-02-27']);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 86_399 }), (days, seconds) => {
        const from = Date.UTC(2024, 11, 20) + seconds * 1000;
        const to = from + days * 86_400_000;
        const list = quarantineDays(new Date(from).toISOString(), new Date(to).toISOString());
        expect(list.length).toBe(days + 1);
        expect([...list].sort().reverse()).toEqual(list);
      }),
    );
  });

  it('stores while the hour is within the cap, only counts past it', () => {
    expect(isOverCap(3, 3)).toBe(false);
    expect(isOverCap(4, 3)).toBe(true);
    expect(isOverCap(1, 0)).toBe(true);
  });

  it('expires an item its retention after it was received', () => {
    const receivedAt = '2025-03-04T05:06:07.000Z';
    expect(expiresAtFor(receivedAt, 14)).toBe(Date.parse(receivedAt) / 1000 + 14 * 86_400);
    const record = quarantineRecordFor({
      provider: 'contentor',
      error: new ValidationError('x'),
      request: { body: Buffer.from('x'), headers: {} },
      receivedAt,
    });
    if (!record) throw new Error('expected a record');
    expect(quarantineItemFor(record, 14)).toMatchObject({
      pk: 'QUARANTINE#contentor#2025-03-04',
      itemType: 'quarantine',
      expiresAt: expiresAtFor(receivedAt, 14),
    });
  });
});
