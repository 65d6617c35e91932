import fc from 'fast-check';
import { verifyHmacHeader, type HmacHeaderScheme } from '../../../../lambda/core/providers/configured/hmac-header';
import { signHmacHeader } from '../../../helpers/signing';
import { request, verifyOutcome } from '../outcome';
import { pythonHmacBase64, webCryptoHmac } from './independent-hmac';

// The example provider: `X-Acme-Signature: sha256=<hex>`.
const acme: HmacHeaderScheme = { header: 'X-Acme-Signature', encoding: 'hex', prefix: 'sha256=' };
const secret = 'acme-current-secret';
const body = '{"job": {"id": "j-1", "state": "done"}}';
const signed = (value: string) => ({ 'x-acme-signature': value });
const outcome = (headers: Record<string, string>, payload: string | Buffer = body, secrets = [secret], scheme = acme) =>
  verifyOutcome(() => verifyHmacHeader(request(payload, headers), secrets, scheme));
// Signed in a hook, not while the file loads: an HMAC that throws must fail these tests, not stop the file.
let good = '';
beforeAll(() => {
  good = signHmacHeader(body, secret, acme);
});

describe('configured hmac-sha256 header', () => {
  it('accepts the signature in the configured header, looked up whatever its case', () => {
    expect(good).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(outcome(signed(good))).toBe('ok');
  });
  it('accepts upper-case hex and an upper-case prefix', () => {
    expect(outcome(signed(good.toUpperCase()))).toBe('ok');
  });
  it('accepts base64 when configured, with no prefix', () => {
    const scheme: HmacHeaderScheme = { header: 'Signature', encoding: 'base64' };
    expect(outcome({ signature: signHmacHeader(body, secret, scheme) }, body, [secret], scheme)).toBe('ok');
  });
  it('accepts URL-safe unpadded base64 too (same digest, other alphabet)', () => {
    const scheme: HmacHeaderScheme = { header: 'Signature', encoding: 'base64' };
    const urlSafe = Buffer.from(signHmacHeader(body, secret, scheme), 'base64').toString('base64url');
    expect(outcome({ signature: urlSafe }, body, [secret], scheme)).toBe('ok');
  });
  it('accepts either of two secrets (rotation), and a comma-joined header with one good value', () => {
    expect(outcome(signed(signHmacHeader(body, 'acme-old-secret', acme)), body, ['acme-old-secret', secret])).toBe('ok');
    expect(outcome(signed(`${signHmacHeader(body, 'acme-old-secret', acme)}, ${good}`))).toBe('ok');
  });
  it('rejects a body with one character changed', () => {
    expect(outcome(signed(good), body.replace('done', 'Done'))).toBe('invalid_signature');
  });
  it('rejects a signature made with another secret', () => {
    expect(outcome(signed(signHmacHeader(body, 'not-the-secret', acme)))).toBe('invalid_signature');
  });
  it('never trusts an empty secret', () => {
    expect(outcome(signed(signHmacHeader(body, '', acme)), body, [''])).toBe('invalid_signature');
  });
  it('rejects the signature in another header as missing', () => {
    expect(outcome({ 'x-signature': good })).toBe('missing_signature');
    expect(outcome(signed(' '))).toBe('missing_signature');
  });
  it('rejects a signature without the configured prefix as malformed', () => {
    expect(outcome(signed(good.slice('sha256='.length)))).toBe('malformed_signature');
  });
  it('rejects another prefix of the same length as malformed', () => {
    expect(outcome(signed(`sha512=${good.slice('sha256='.length)}`))).toBe('malformed_signature');
  });
  it('rejects base64 where hex is configured as malformed', () => {
    expect(outcome(signed(`sha256=${Buffer.from(good.slice(7), 'hex').toString('base64')}`))).toBe('malformed_signature');
  });
  it('rejects hex where base64 is configured: 64 hex digits decode to 48 bytes, not a digest', () => {
    const scheme: HmacHeaderScheme = { header: 'Signature', encoding: 'base64' };
    expect(outcome({ signature: good.slice(7) }, body, [secret], scheme)).toBe('malformed_signature');
  });
  it('rejects a truncated digest as malformed', () => {
    expect(outcome(signed(good.slice(0, -2)))).toBe('malformed_signature');
  });
  it('says what form it expected, never the expected signature', () => {
    try {
      verifyHmacHeader(request(body, signed('sha256=zz')), [secret], acme);
      throw new Error('expected a SignatureError');
    } catch (error) {
      expect((error as Error).message).toBe('Malformed X-Acme-Signature: expected sha256=<HMAC-SHA256 as hex>');
    }
  });
});

describe('configured hmac-sha256 header against independent implementations (properties)', () => {
  const scheme = fc.record({
    header: fc.constantFrom('X-Acme-Signature', 'x-hub-signature-256', 'Signature'),
    encoding: fc.constantFrom('hex' as const, 'base64' as const),
    prefix: fc.option(fc.constantFrom('sha256=', 'v1=', 'HMAC '), { nil: undefined }),
  });
  const secretText = fc.string({ minLength: 1, maxLength: 40 });
  const payload = fc.uint8Array({ maxLength: 512 });
  const headerFor = (s: HmacHeaderScheme, digest: Buffer) => ({ [s.header.toLowerCase()]: (s.prefix ?? '') + digest.toString(s.encoding) });

  it('accepts what WebCrypto signs with one of the secrets, and refuses another body', async () => {
    await fc.assert(
      fc.asyncProperty(scheme, fc.array(secretText, { minLength: 1, maxLength: 3 }), fc.nat(), payload, async (s, secrets, pick, bytes) => {
        const signer = secrets[pick % secrets.length] as string;
        const headers = headerFor(s, await webCryptoHmac(Buffer.from(signer, 'utf8'), bytes));
        expect(verifyOutcome(() => verifyHmacHeader(request(Buffer.from(bytes), headers), secrets, s))).toBe('ok');
        const other = Buffer.concat([Buffer.from(bytes), Buffer.from([0])]);
        expect(verifyOutcome(() => verifyHmacHeader(request(other, headers), secrets, s))).toBe('invalid_signature');
      }),
      { numRuns: 100 },
    );
  });

  it('signs as CPython does (one python3 process)', () => {
    const samples = fc.sample(fc.record({ s: scheme, secret: secretText, bytes: payload }), 200);
    const python = pythonHmacBase64(samples.map(({ secret: text, bytes }) => ({ key: Buffer.from(text, 'utf8'), message: bytes })));
    samples.forEach(({ s, secret: text, bytes }, i) => {
      const expected = headerFor(s, Buffer.from(python[i] as string, 'base64'))[s.header.toLowerCase()];
      expect(signHmacHeader(bytes, text, s)).toBe(expected);
    });
  });
});
