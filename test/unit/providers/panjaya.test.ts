import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { SignatureError, ValidationError } from '../../../lambda/core/errors';
import { PANJAYA_DEFAULT_PUBLIC_KEY_PEM, panjaya, parsePanjayaPublicKeys } from '../../../lambda/core/providers/panjaya';
import type { RawRequest, Trust } from '../../../lambda/core/providers/provider';
import { signPanjaya } from '../../helpers/signing';
import { payloadTextOfEvent } from '../../helpers/events';
import { keysTrust, request, validationMessage, verifyAndNormalise, verifyOutcome } from './outcome';
import { pythonJson } from '../../helpers/python';

const ecKeys = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const signer = ecKeys();
const other = ecKeys();
const body = '{"asset_id":"asset-1","version_id":"ver-1","version_locale":"fr-FR","event":"version_generated","extra":{"n":1}}';
const trust = (...keys: KeyObject[]): Trust => keysTrust(...keys);
const trusted = trust(signer.publicKey);
/** normalise runs only after verify: sign the body so each normalise test goes through the real verifier. */
const normaliseSigned = (req: RawRequest) =>
  verifyAndNormalise(panjaya, { ...req, headers: { ...req.headers, 'x-signature': signPanjaya(req.body.toString('utf8'), signer.privateKey) } }, trusted);
const signed = (headers: Record<string, string> = {}, text = body) => request(text, { 'x-signature': signPanjaya(text, signer.privateKey), ...headers });
const outcome = (headers: Record<string, string>, text = body, material = trusted) =>
  verifyOutcome(() => panjaya.verify(request(text, headers), material, new Date()));

describe('Panjaya signature verification', () => {
  it('accepts hex of DER, the documented form', () => {
    expect(verifyOutcome(() => panjaya.verify(signed(), trusted, new Date()))).toBe('ok');
  });
  it.each(['raw-hex', 'raw-base64', 'der-base64'] as const)('accepts %s', (encoding) => {
    expect(outcome({ 'x-signature': signPanjaya(body, signer.privateKey, encoding) })).toBe('ok');
  });
  it('accepts upper-case hex', () => {
    expect(outcome({ 'x-signature': signPanjaya(body, signer.privateKey).toUpperCase() })).toBe('ok');
  });
  it('rejects a body with one byte changed', () => {
    const tampered = body.replace('ver-1', 'ver-2');
    expect(outcome({ 'x-signature': signPanjaya(body, signer.privateKey) }, tampered)).toBe('invalid_signature');
  });
  it('rejects a signature from a key it does not trust', () => {
    expect(outcome({ 'x-signature': signPanjaya(body, other.privateKey) })).toBe('invalid_signature');
  });
  it('rejects a truncated DER signature as malformed (its length byte no longer matches)', () => {
    expect(outcome({ 'x-signature': signPanjaya(body, signer.privateKey).slice(0, -2) })).toBe('malformed_signature');
  });
  it('rejects a raw signature of the wrong length as malformed', () => {
    // ECDSA signatures are random: take one whose first two bytes cannot pass for a DER header after the length
    // change (0x30 then the remaining length), which would make it "invalid" rather than "malformed".
    let raw = signPanjaya(body, signer.privateKey, 'raw-hex');
    while (raw.startsWith('30')) raw = signPanjaya(body, signer.privateKey, 'raw-hex');
    expect(outcome({ 'x-signature': raw.slice(0, -2) })).toBe('malformed_signature');
    expect(outcome({ 'x-signature': `${raw}00` })).toBe('malformed_signature');
  });
  it('rejects bad hex', () => {
    expect(outcome({ 'x-signature': `g${signPanjaya(body, signer.privateKey).slice(1)}` })).toBe('malformed_signature');
  });
  it('rejects bad base64', () => {
    expect(outcome({ 'x-signature': `!${signPanjaya(body, signer.privateKey, 'raw-base64').slice(1)}` })).toBe('malformed_signature');
  });
  it('rejects a missing or empty header', () => {
    expect(outcome({})).toBe('missing_signature');
    expect(outcome({ 'x-signature': '  ' })).toBe('missing_signature');
  });
  it('accepts X-Signature-Algorithm ES256 and rejects any other algorithm', () => {
    expect(verifyOutcome(() => panjaya.verify(signed({ 'x-signature-algorithm': 'ES256' }), trusted, new Date()))).toBe('ok');
    expect(verifyOutcome(() => panjaya.verify(signed({ 'x-signature-algorithm': 'RS256' }), trusted, new Date()))).toBe('unsupported_algorithm');
    expect(verifyOutcome(() => panjaya.verify(signed({ 'x-signature-algorithm': 'ES256, HS256' }), trusted, new Date()))).toBe('unsupported_algorithm');
  });
  it('accepts a comma-joined header when one candidate is good', () => {
    const good = signPanjaya(body, signer.privateKey);
    expect(outcome({ 'x-signature': `${signPanjaya(body, other.privateKey)}, ${good}` })).toBe('ok');
    expect(outcome({ 'x-signature': `not-a-signature, ${good}` })).toBe('ok');
  });
  it('accepts a signature from the second trusted key (rotation)', () => {
    expect(verifyOutcome(() => panjaya.verify(signed(), trust(other.publicKey, signer.publicKey), new Date()))).toBe('ok');
  });
  it('rejects everything when no key is trusted', () => {
    expect(verifyOutcome(() => panjaya.verify(signed(), trust(), new Date()))).toBe('invalid_signature');
  });
  it('never throws anything but SignatureError on arbitrary headers and bodies', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string(), fc.option(fc.string()), (bytes, signature, algorithm) => {
        const headers: Record<string, string> = { 'x-signature': signature };
        if (algorithm !== null) headers['x-signature-algorithm'] = algorithm;
        expect(() => panjaya.verify(request(Buffer.from(bytes), headers), trusted, new Date())).toThrow(SignatureError);
      }),
    );
  });
});

describe('parsePanjayaPublicKeys', () => {
  const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

  it('parses the key published in Panjaya’s document', () => {
    const [key, ...rest] = parsePanjayaPublicKeys(PANJAYA_DEFAULT_PUBLIC_KEY_PEM);
    expect(rest).toHaveLength(0);
    expect(key?.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });
  it('splits concatenated PEMs, in order', () => {
    const keys = parsePanjayaPublicKeys(pem(signer.publicKey) + pem(other.publicKey));
    expect(keys.map((k) => k.export({ type: 'spki', format: 'der' }).toString('hex'))).toEqual(
      [signer.publicKey, other.publicKey].map((k) => k.export({ type: 'spki', format: 'der' }).toString('hex')),
    );
  });
  it('reads literal \\n sequences as newlines (environment variables)', () => {
    expect(parsePanjayaPublicKeys(pem(signer.publicKey).replace(/\n/g, '\\n'))).toHaveLength(1);
  });
  it('names the malformed key', () => {
    const broken = pem(other.publicKey).replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!');
    expect(() => parsePanjayaPublicKeys(pem(signer.publicKey) + broken)).toThrow(/key #2: malformed PEM/);
  });
  it('refuses keys that are not P-256', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
    const ed = generateKeyPairSync('ed25519').publicKey;
    expect(() => parsePanjayaPublicKeys(pem(p384))).toThrow(/expected an EC P-256 key/);
    expect(() => parsePanjayaPublicKeys(pem(ed))).toThrow(/expected an EC P-256 key/);
  });
  it('refuses an empty bundle and text outside PEM blocks', () => {
    expect(() => parsePanjayaPublicKeys('')).toThrow(/no "-----BEGIN PUBLIC KEY-----" block/);
    expect(() => parsePanjayaPublicKeys(`${pem(signer.publicKey)}junk`)).toThrow(/text outside/);
  });
});

describe('Panjaya normalisation', () => {
  const normalise = (payload: Record<string, unknown>) => normaliseSigned(request(JSON.stringify(payload)));

  it('makes a version event into job <asset_id>/<version_id> in the asset partition', () => {
    const event = normaliseSigned(request(body));
    expect(event).toMatchObject({
      provider: 'panjaya',
      jobId: 'asset-1/ver-1',
      partitionId: 'asset-1',
      status: 'succeeded',
      eventType: 'version_generated',
      ordering: 'arrival-sequence',
    });
    expect(event.occurredAt).toBeUndefined();
  });
  it('makes an asset event (version_id null) into job <asset_id>', () => {
    expect(normalise({ asset_id: 'asset-1', version_id: null, event: 'asset_failed' })).toMatchObject({
      jobId: 'asset-1',
      partitionId: 'asset-1',
      status: 'failed',
    });
  });
  it('hashes the raw body bytes', () => {
    expect(normaliseSigned(request(body)).contentHash).toBe(createHash('sha256').update(body).digest('hex'));
  });
  it('keeps unknown extra fields in the payload', () => {
    const event = normaliseSigned(request(body));
    expect(payloadTextOfEvent(event)).toBe(body);
    expect(event.details).toEqual({ locale: 'fr-FR' });
  });
  it('accepts event_type as an alias of event', () => {
    expect(normalise({ asset_id: 'a', version_id: 'v', event_type: 'version_ready' })).toMatchObject({ status: 'ready', eventType: 'version_ready' });
  });
  it.each([
    ['version_generating', 'in_progress'],
    ['version_ready', 'ready'],
    ['version_generated', 'succeeded'],
    ['asset_failed', 'failed'],
    ['version_failed', 'failed'],
    ['version_generate_failed', 'failed'],
    ['version_archived', 'unknown'],
  ])('maps %s to %s', (name, status) => {
    expect(normalise({ asset_id: 'a', version_id: 'v', event: name }).status).toBe(status);
  });
  it('ranks a later stage of a cycle higher, unknown events lowest', () => {
    const rank = (name: string) => normalise({ asset_id: 'a', version_id: 'v', event: name }).rank;
    expect(rank('other')).toBeLessThan(rank('version_ready'));
    expect(rank('version_ready')).toBeLessThan(rank('version_generating'));
    expect(rank('version_generating')).toBeLessThan(rank('version_generated'));
  });
  it('names the missing field', () => {
    expect(validationMessage(() => normalise({ version_id: 'v', event: 'version_ready' }))).toBe('asset_id: Required');
    expect(validationMessage(() => normalise({ asset_id: 'a', version_id: 'v' }))).toBe('event: Required');
    expect(validationMessage(() => normalise({ asset_id: 7, event: 'version_ready' }))).toBe('asset_id: Expected a string');
  });
  it('rejects a body that is not a JSON object', () => {
    expect(() => normaliseSigned(request('not json'))).toThrow(ValidationError);
    expect(validationMessage(() => normaliseSigned(request('[1]')))).toBe('body: expected a JSON object');
  });
});

describe("Panjaya signatures against Python's cryptography package (how the provider's document signs)", () => {
  // One python3 process: sign each body with ECDSA P-256/SHA-256 (DER, written as hex), and verify our signatures.
  const PYTHON_ES256 = `
import json, sys
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
job = json.load(sys.stdin)
key = serialization.load_pem_private_key(job["key"].encode(), password=None)
signed = [key.sign(bytes.fromhex(body), ec.ECDSA(hashes.SHA256())).hex() for body in job["bodies"]]
verified = []
for body, signature in job["ours"]:
    try:
        key.public_key().verify(bytes.fromhex(signature), bytes.fromhex(body), ec.ECDSA(hashes.SHA256()))
        verified.append(True)
    except InvalidSignature:
        verified.append(False)
print(json.dumps({"signed": signed, "verified": verified}))
`;
  const bodies = fc
    .sample(fc.record({ asset: fc.string({ minLength: 1, maxLength: 20 }), note: fc.string({ unit: 'binary', maxLength: 200 }) }), 40)
    .map(({ asset, note }) => Buffer.from(JSON.stringify({ event: 'version_generated', asset_id: asset, version_id: 'v1', note }), 'utf8'));

  it('accepts what cryptography signs, refuses it over another body, and cryptography verifies what our signer writes', () => {
    const pem = signer.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const ours = bodies.map((b) => [b.toString('hex'), signPanjaya(b, signer.privateKey)]);
    const { signed, verified } = pythonJson<{ signed: string[]; verified: boolean[] }>(
      PYTHON_ES256,
      JSON.stringify({ key: pem, bodies: bodies.map((b) => b.toString('hex')), ours }),
    );
    expect(signed).toHaveLength(bodies.length);
    bodies.forEach((b, i) => {
      const signature = signed[i] ?? '';
      expect(verifyOutcome(() => panjaya.verify(request(b, { 'x-signature': signature }), trusted, new Date()))).toBe('ok');
      const next = bodies[(i + 1) % bodies.length] ?? b;
      if (!next.equals(b))
        expect(verifyOutcome(() => panjaya.verify(request(next, { 'x-signature': signature }), trusted, new Date()))).toBe('invalid_signature');
    });
    expect(verified).toEqual(bodies.map(() => true));
  });
});
