/**
 * Which X-Signature values a Panjaya callback is judged by: a value shaped like a DER ECDSA-P256 signature (or 64
 * raw bytes) is a signature that is checked and refused as invalid when wrong; anything else is malformed. The two
 * refusals read differently to the sender (the 401's message), so the line between them is part of the contract.
 * Also: the X-Signature-Algorithm values accepted, and a trusted key that cannot check ES256 never lets a forgery in.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignatureError } from '../../../lambda/core/errors';
import { panjaya, parsePanjayaPublicKeys } from '../../../lambda/core/providers/panjaya';
import { signPanjaya } from '../../helpers/signing';
import { keysTrust, request, verifyOutcome } from './outcome';

const signer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const trusted = keysTrust(signer.publicKey);
const body = '{"asset_id":"asset-1","version_id":"ver-1","version_locale":"fr-FR","event":"version_generated"}';
const outcome = (signature: string, headers: Record<string, string> = {}, trust = trusted) =>
  verifyOutcome(() => panjaya.verify(request(body, { 'x-signature': signature, ...headers }), trust, new Date()));

/** A DER SEQUENCE header (0x30, length of the rest) over `rest`, as hex. */
const derShaped = (rest: Buffer, tag = 0x30) => Buffer.concat([Buffer.from([tag, rest.length]), rest]).toString('hex');
/** Two DER INTEGERs of `rLength` and `sLength` bytes (value 1, zero-padded): the inside of a DER signature. */
const integers = (rLength: number, sLength: number) =>
  Buffer.concat([Buffer.from([0x02, rLength]), Buffer.alloc(rLength - 1), Buffer.from([1, 0x02, sLength]), Buffer.alloc(sLength - 1), Buffer.from([1])]);

describe('Panjaya X-Signature: a signature or malformed', () => {
  it('checks the smallest DER signature (8 bytes, r = s = 1) and refuses it as invalid', () => {
    expect(outcome(derShaped(integers(1, 1)))).toBe('invalid_signature');
  });
  it('calls a DER-shaped value shorter than 8 bytes malformed', () => {
    expect(outcome(derShaped(Buffer.from([0x02, 0x01, 0x01, 0x02])))).toBe('malformed_signature');
  });
  it('checks the longest DER signature (72 bytes: two 33-byte integers) and refuses it as invalid', () => {
    const longest = derShaped(integers(33, 33));
    expect(longest).toHaveLength(144);
    expect(outcome(longest)).toBe('invalid_signature');
  });
  it('calls a DER-shaped value longer than 72 bytes malformed', () => {
    expect(outcome(derShaped(integers(34, 34)))).toBe('malformed_signature');
  });
  it('calls a value whose first byte is not a SEQUENCE malformed, even with the right length byte', () => {
    expect(outcome(derShaped(integers(32, 32), 0x31))).toBe('malformed_signature');
  });
  it('checks any 64 bytes as raw r||s and refuses wrong ones as invalid', () => {
    expect(outcome('ab'.repeat(64))).toBe('invalid_signature');
  });
  it('tells the sender which refusal it is', () => {
    const message = (signature: string | undefined) => {
      try {
        panjaya.verify(request(body, signature === undefined ? {} : { 'x-signature': signature }), trusted, new Date());
      } catch (error) {
        if (error instanceof SignatureError) return error.message;
      }
      return 'accepted';
    };
    expect(message(undefined)).toBe('Missing X-Signature header');
    expect(message('zz')).toBe('Malformed X-Signature: expected hex of DER, or hex/base64 of raw r||s');
    expect(message(derShaped(integers(1, 1)))).toBe('Invalid signature');
    expect(message(signPanjaya(body, signer.privateKey))).toBe('accepted');
  });
});

describe('Panjaya X-Signature-Algorithm', () => {
  const good = signPanjaya(body, signer.privateKey);
  it('accepts ES256 in any case and with stray spaces, as repeated headers join', () => {
    for (const algorithm of ['es256', ' ES256 ', 'ES256, es256']) expect(outcome(good, { 'x-signature-algorithm': algorithm })).toBe('ok');
  });
  it('refuses an empty or blank algorithm header, and names what it accepts', () => {
    for (const algorithm of ['', ' ', ',']) expect(outcome(good, { 'x-signature-algorithm': algorithm })).toBe('unsupported_algorithm');
    expect(() => panjaya.verify(request(body, { 'x-signature': good, 'x-signature-algorithm': 'HS256' }), trusted, new Date())).toThrow(
      new SignatureError('unsupported_algorithm', 'Unsupported signature algorithm: only ES256 is accepted'),
    );
  });
});

describe('a trusted key that cannot check ES256', () => {
  // The keys normally come through parsePanjayaPublicKeys, which refuses such keys; the verifier must not rely on it.
  const ed25519: KeyObject = generateKeyPairSync('ed25519').publicKey;
  const x25519: KeyObject = generateKeyPairSync('x25519').publicKey;

  it('refuses a forgery as invalid rather than failing or accepting it', () => {
    for (const key of [ed25519, x25519]) {
      expect(outcome(derShaped(integers(32, 32)), {}, keysTrust(key))).toBe('invalid_signature');
      expect(outcome('cd'.repeat(64), {}, keysTrust(key))).toBe('invalid_signature');
    }
  });
  it('still lets the genuine key beside it verify', () => {
    expect(outcome(signPanjaya(body, signer.privateKey), {}, keysTrust(ed25519, signer.publicKey))).toBe('ok');
  });
  it('is refused by the key parser, which names its position and type', () => {
    const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
    expect(() => parsePanjayaPublicKeys(pem(signer.publicKey) + pem(p384))).toThrow(
      new Error('Panjaya public key #2: expected an EC P-256 key for ES256, got ec secp384r1'),
    );
    expect(() => parsePanjayaPublicKeys(pem(ed25519))).toThrow(new Error('Panjaya public key #1: expected an EC P-256 key for ES256, got ed25519'));
  });
});
