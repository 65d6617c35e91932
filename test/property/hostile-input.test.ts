/**
 * Hostile HTTP input through the real receiver (local API Gateway adapter → handler → DynamoDB Local), generated
 * with fast-check: random and mutated bodies, headers (missing, repeated, mixed case, 8 KB values), signatures
 * (wrong length, bad hex/base64, truncated, another key) and encodings (BOM, CRLF, trailing newline, non-ASCII,
 * non-UTF-8 bytes, which the adapter passes base64-encoded as API Gateway does). The promises: never a 5xx, always
 * the documented status, and never a write without a valid signature.
 */
import fc from 'fast-check';
import { signContentorHeader, signPanjaya, panjayaSignatureEncodings, contentorHeaderStyles } from '../helpers/signing';
import { CONTENTOR_SECRET, panjayaKeyPair } from '../helpers/receiver-harness';
import { countingHarness, rawPost, type CountingHarness } from './property-harness';

const MAX_BODY = 4096; // the harness's maxBodyBytes
const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
/** Inputs fuzzed per property, for docs/RELIABILITY.md. */
const counted: Record<string, number> = {};
const count = (name: string) => (counted[name] = (counted[name] ?? 0) + 1);

let h: CountingHarness;
beforeAll(async () => {
  h = await countingHarness();
});
afterAll(async () => {
  await h.stop();
  process.stdout.write(`[property] inputs fuzzed: ${JSON.stringify(counted)}\n`);
});

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 120 });
const hexText = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFxyz'.split('')), maxLength: 160 });
const base64Text = fc.string({ unit: fc.constantFrom(...'ABCDEFabcdef0123456789+/=-_'.split('')), maxLength: 120 });
const bigValue = fc.integer({ min: 7000, max: 8192 }).map((n) => 'a'.repeat(n));
const signatureValue = fc.oneof(
  hexText,
  base64Text,
  printable,
  bigValue,
  fc.constant(''),
  hexText.map((x) => `sha256=${x}`),
);
/** A header given once, several times (separate lines), or not at all. */
const headerValue = fc.option(fc.oneof(signatureValue, fc.array(signatureValue, { minLength: 2, maxLength: 3 })), { nil: undefined });
const caseOf = (name: string) => fc.constantFrom(name, name.toLowerCase(), name.toUpperCase());

const signedLikePayload = fc.record({
  asset_id: fc.string(),
  version_id: fc.option(fc.string()),
  event: fc.constantFrom('version_generated', 'asset_failed', 'nope'),
  uuid: fc.uuid(),
  status: fc.constantFrom('completed', 'failed', 'processing'),
  timestamp: fc.constant('2025-04-09T15:30:45Z'),
});
const body = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
  fc.json().map((t) => Buffer.from(t, 'utf8')),
  signedLikePayload.map((p) => Buffer.from(JSON.stringify(p))),
  // An envelope with a made-up signature: the body form of a Contentor signature.
  fc.tuple(signedLikePayload, signatureValue).map(([data, signature]) => Buffer.from(JSON.stringify({ data, signature }))),
  fc.integer({ min: MAX_BODY + 1, max: MAX_BODY * 2 }).map((n) => Buffer.alloc(n, 0x7b)),
);

describe('unsigned hostile input', () => {
  it('answers exactly 401 (known provider), 413 (too large) or 404 (unknown provider), and never writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('panjaya', 'contentor', 'Panjaya', 'unknown', 'contentor%2F..', '%00'),
        body,
        fc.record({ sig: headerValue, webhookSig: headerValue, alg: fc.option(fc.constantFrom('ES256', 'HS256', 'none', 'es256, HS256'), { nil: undefined }) }),
        fc.tuple(caseOf('X-Signature'), caseOf('X-Webhook-Signature'), caseOf('X-Signature-Algorithm')),
        async (provider, bytes, values, [sigName, webhookName, algName]) => {
          count('unsigned');
          const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
          if (values.sig !== undefined) headers[sigName] = values.sig;
          if (values.webhookSig !== undefined) headers[webhookName] = values.webhookSig;
          if (values.alg !== undefined) headers[algName] = values.alg;
          const before = h.writes();
          const res = await rawPost(h.url, `/webhooks/${provider}`, bytes, headers);
          const known = provider === 'panjaya' || provider === 'contentor';
          // Over Node's 16 KB header limit the HTTP server answers 431 itself, before any handler (API Gateway has
          // its own header limit); a value just under it still reaches the verifier.
          const headerBytes = Object.entries(headers).reduce((n, [k, v]) => n + [v].flat().reduce((m, x) => m + k.length + x.length + 4, 0), 0);
          const expected = headerBytes > 15 * 1024 ? [431, 401, 404, 413] : [!known ? 404 : bytes.length > MAX_BODY ? 413 : 401];
          if (headerBytes > 15 * 1024) count('unsigned-oversize-headers');
          expect(expected).toContain(res.status);
          expect(h.writes() - before).toBe(0);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('never answers 5xx to a signature from another key or secret', async () => {
    const other = panjayaKeyPair().privateKey;
    await fc.assert(
      fc.asyncProperty(
        signedLikePayload,
        fc.constantFrom(...panjayaSignatureEncodings),
        fc.constantFrom(...contentorHeaderStyles),
        async (payload, enc, style) => {
          count('other-key');
          const text = JSON.stringify(payload);
          const before = h.writes();
          const p = await h.post('/webhooks/panjaya', text, { 'X-Signature': signPanjaya(text, other, enc) });
          const c = await h.post('/webhooks/contentor', text, { 'X-Webhook-Signature': signContentorHeader(text, 'some-other-secret', style) });
          expect([p.status, c.status, h.writes() - before]).toEqual([401, 401, 0]);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** A valid payload per provider with unicode (incl. astral) in an extra field. */
const validPayload = fc.record({
  note: fc.string({ unit: 'binary', maxLength: 40 }),
  id: fc.uuid(),
  provider: fc.constantFrom('panjaya' as const, 'contentor' as const),
});
const payloadText = ({ note, id, provider }: { note: string; id: string; provider: 'panjaya' | 'contentor' }) =>
  provider === 'panjaya'
    ? JSON.stringify({ event: 'version_generating', asset_id: `a-${id}`, version_id: 'v1', version_locale: 'es-ES', note })
    : JSON.stringify({ uuid: id, status: 'processing', timestamp: '2025-04-09T15:30:45Z', note });

/** Encodings of the same JSON: each keeps it valid JSON, so a signature over these exact bytes must verify. */
const encodings = {
  plain: (t: string) => Buffer.from(t, 'utf8'),
  crlf: (t: string) => Buffer.from(t.replace(/,"/g, ',\r\n  "').replace(/^\{/, '{\r\n'), 'utf8'),
  trailingNewline: (t: string) => Buffer.from(`${t}\n`, 'utf8'),
  bom: (t: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]),
  escapedNonAscii: (t: string) =>
    Buffer.from(
      t.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      'utf8',
    ),
} as const;

function sign(provider: 'panjaya' | 'contentor', bytes: Buffer, variant: number): Record<string, string | string[]> {
  const value =
    provider === 'panjaya'
      ? signPanjaya(bytes, h.privateKey, panjayaSignatureEncodings[variant % panjayaSignatureEncodings.length])
      : signContentorHeader(bytes, CONTENTOR_SECRET, contentorHeaderStyles[variant % contentorHeaderStyles.length]);
  const name = provider === 'panjaya' ? 'X-Signature' : 'X-Webhook-Signature';
  // Variant ≥ 4: the valid value repeated after a garbage one (each candidate is tried).
  return { 'content-type': 'application/json', [variant >= 4 ? name.toLowerCase() : name]: variant >= 4 ? ['deadbeef', value] : value };
}

describe('signed input in every encoding', () => {
  it('verifies the exact bytes: 200 and one write for every JSON encoding, 400 and no write for non-UTF-8 junk', async () => {
    await fc.assert(
      fc.asyncProperty(
        validPayload,
        fc.constantFrom(...(Object.keys(encodings) as Array<keyof typeof encodings>)),
        fc.nat(7),
        fc.boolean(),
        async (p, encoding, variant, junk) => {
          count('signed-encodings');
          const bytes = junk ? Buffer.concat([encodings[encoding](payloadText(p)), Buffer.from([0xff, 0xfe, 0x00])]) : encodings[encoding](payloadText(p));
          const before = h.writes();
          const res = await rawPost(h.url, `/webhooks/${p.provider}`, bytes, sign(p.provider, bytes, variant));
          expect({ status: res.status, writes: h.writes() - before }).toEqual(junk ? { status: 400, writes: 0 } : { status: 200, writes: 1 });
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('byte flips', () => {
  it('flipping any bit of a signed body gives 401 and no write', async () => {
    await fc.assert(
      fc.asyncProperty(validPayload, fc.nat(), fc.integer({ min: 0, max: 7 }), fc.nat(3), async (p, at, bit, variant) => {
        count('body-bit-flips');
        const bytes = encodings.plain(payloadText(p));
        const headers = sign(p.provider, bytes, variant);
        const flipped = Buffer.from(bytes);
        const index = at % flipped.length;
        flipped[index] = (flipped[index] ?? 0) ^ (1 << bit);
        const before = h.writes();
        const res = await rawPost(h.url, `/webhooks/${p.provider}`, flipped, headers);
        expect({ status: res.status, writes: h.writes() - before }).toEqual({ status: 401, writes: 0 });
      }),
      { numRuns: RUNS },
    );
  });

  it('flipping any bit of the signature, or truncating it, gives 401 and no write', async () => {
    await fc.assert(
      fc.asyncProperty(validPayload, fc.nat(), fc.integer({ min: 0, max: 7 }), fc.boolean(), async (p, at, bit, truncate) => {
        count('signature-bit-flips');
        const bytes = encodings.plain(payloadText(p));
        // Flip the decoded signature, then encode it the documented way (hex): a case change of a hex digit is no flip.
        const signature = Buffer.from(
          p.provider === 'panjaya' ? signPanjaya(bytes, h.privateKey, 'der-hex') : signContentorHeader(bytes, CONTENTOR_SECRET, 'hex'),
          'hex',
        );
        const index = at % signature.length;
        const mutated = truncate ? signature.subarray(0, index) : Buffer.from(signature);
        if (!truncate) mutated[index] = (mutated[index] ?? 0) ^ (1 << bit);
        const name = p.provider === 'panjaya' ? 'X-Signature' : 'X-Webhook-Signature';
        const before = h.writes();
        const res = await rawPost(h.url, `/webhooks/${p.provider}`, bytes, { [name]: mutated.toString('hex') });
        expect({ status: res.status, writes: h.writes() - before }).toEqual({ status: 401, writes: 0 });
      }),
      { numRuns: RUNS },
    );
  });
});
