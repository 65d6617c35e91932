/**
 * Panjaya dubbing callbacks: ES256 (ECDSA P-256 / SHA-256) over the exact body bytes in `X-Signature`.
 * The provider's document shows hex of DER (Python `cryptography`); hex or base64 of raw r‖s and base64 of DER are
 * accepted too. Bodies carry no event id and no timestamp, so ordering is by arrival.
 */
import { createPublicKey, hash, verify as verifySignature, type KeyObject } from 'node:crypto';
import * as z from 'zod/mini';
import { SignatureError } from '../errors';
import { panjayaRank, panjayaStatusFor } from '../lifecycle';
import type { NormalisedEvent } from '../model';
import { decodeBase64, decodeHex, headerCandidates } from '../crypto/signatures';
import { detailsOf, parseJsonObjectBody, parsePayload, requiredString, wholeBodySpan } from './body';
import { checkEventType, checkId } from './ids';
import type { ProviderModule, RawRequest, TrustMaterial } from './provider';

/** The public key published in Panjaya's callback document: the default trust when none is configured. */
export const PANJAYA_DEFAULT_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZbUzbbuVyzSv7zVmH6rKypr6ojSS
/86W9dU6mwbdfAtUAx+QI7GNxl/4H1QV2BuBrysabh56O/YXhnFJMh7Lng==
-----END PUBLIC KEY-----
`;

const PEM_BLOCK_RE = /-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g;

/**
 * Parses one or more concatenated PEM public keys (call once per cold start). Literal `\n` sequences, as environment
 * variables often carry them, count as newlines. Throws an Error naming the key for a malformed PEM, a stray
 * non-PEM text, an empty bundle or a key that is not EC P-256.
 */
export function parsePanjayaPublicKeys(pemBundle: string): KeyObject[] {
  const text = pemBundle.replace(/\\n/g, '\n');
  const blocks = text.match(PEM_BLOCK_RE) ?? [];
  const leftover = text.replace(PEM_BLOCK_RE, '').trim();
  if (leftover.length > 0) throw new Error('Panjaya public keys: text outside "-----BEGIN PUBLIC KEY-----" blocks; expected concatenated PEM public keys');
  if (blocks.length === 0) throw new Error('Panjaya public keys: no "-----BEGIN PUBLIC KEY-----" block found');
  return blocks.map((pem, index) => {
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch (error) {
      throw new Error(`Panjaya public key #${index + 1}: malformed PEM (${error instanceof Error ? error.message : String(error)})`);
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error(`Panjaya public key #${index + 1}: expected an EC P-256 key for ES256, got ${key.asymmetricKeyType ?? 'unknown'} ${key.asymmetricKeyDetails?.namedCurve ?? ''}`.trim());
    }
    return key;
  });
}

/** One way to read a signature candidate; Node's `dsaEncoding` names them. */
interface DecodedSignature {
  readonly bytes: Buffer;
  readonly dsaEncoding: 'der' | 'ieee-p1363';
}

/**
 * A DER ECDSA-P256 signature is a SEQUENCE (0x30, short-form length = the rest) of at most 72 bytes; raw r‖s is
 * exactly 64. The length byte keeps a mangled raw signature that happens to start with 0x30 from passing as DER.
 */
function classify(bytes: Buffer | undefined): DecodedSignature | undefined {
  if (!bytes) return undefined;
  if (bytes.length === 64) return { bytes, dsaEncoding: 'ieee-p1363' };
  if (bytes.length >= 8 && bytes.length <= 72 && bytes[0] === 0x30 && bytes[1] === bytes.length - 2) return { bytes, dsaEncoding: 'der' };
  return undefined;
}

/** Every plausible reading of the header's candidates (a string can be valid hex and valid base64 at once). */
function decodeCandidates(header: string | undefined): DecodedSignature[] {
  const decoded: DecodedSignature[] = [];
  for (const candidate of headerCandidates(header)) {
    for (const bytes of [decodeHex(candidate), decodeBase64(candidate)]) {
      const signature = classify(bytes);
      if (signature) decoded.push(signature);
    }
  }
  return decoded;
}

function verifiesWith(body: Buffer, key: KeyObject, signature: DecodedSignature): boolean {
  try {
    return verifySignature('sha256', body, { key, dsaEncoding: signature.dsaEncoding }, signature.bytes);
  } catch {
    // OpenSSL rejects some malformed DER by throwing; for us that is simply "does not verify".
    return false;
  }
}

function checkAlgorithm(header: string | undefined): void {
  if (header === undefined) return;
  const values = headerCandidates(header);
  if (values.length === 0 || values.some((value) => value.toUpperCase() !== 'ES256')) {
    throw new SignatureError('unsupported_algorithm', 'Unsupported signature algorithm: only ES256 is accepted');
  }
}

const PanjayaPayloadSchema = z
  .looseObject({
    asset_id: requiredString().check(z.minLength(1, 'must not be empty')),
    version_id: z.nullish(z.string()),
    version_locale: z.nullish(z.string()),
    event: z.optional(z.string()),
    event_type: z.optional(z.string()),
  })
  .check(
    z.superRefine((payload, ctx) => {
      if (payload.event === undefined && payload.event_type === undefined) ctx.addIssue({ code: 'custom', path: ['event'], message: 'Required' });
    }),
  );

function verify(request: RawRequest, trust: TrustMaterial): void {
  checkAlgorithm(request.headers['x-signature-algorithm']);
  const header = request.headers['x-signature'];
  if (header === undefined || header.trim() === '') throw new SignatureError('missing_signature', 'Missing X-Signature header');
  const candidates = decodeCandidates(header);
  if (candidates.length === 0) throw new SignatureError('malformed_signature', 'Malformed X-Signature: expected hex of DER, or hex/base64 of raw r||s');
  for (const key of trust.panjayaPublicKeys) {
    for (const signature of candidates) {
      if (verifiesWith(request.body, key, signature)) return;
    }
  }
  throw new SignatureError('invalid_signature', 'Invalid signature', { keys: trust.panjayaPublicKeys.length, candidates: candidates.length });
}

function normalise(request: RawRequest): NormalisedEvent {
  // JSON.parse only reads the fields we need here (it copes with any depth); the payload is the body itself.
  const root = parseJsonObjectBody(request.body);
  const payload = parsePayload(PanjayaPayloadSchema, root);
  const eventType = checkEventType(payload.event === undefined ? 'event_type' : 'event', payload.event ?? payload.event_type ?? '');
  const assetId = checkId('asset_id', payload.asset_id);
  const versionId = payload.version_id ? checkId('version_id', payload.version_id) : undefined;
  const details = detailsOf((key) => (Object.hasOwn(root, key) ? root[key] : undefined));
  return {
    provider: 'panjaya',
    jobId: versionId ? `${assetId}/${versionId}` : assetId,
    partitionId: assetId,
    status: panjayaStatusFor(eventType),
    eventType,
    body: request.body,
    payloadSpan: wholeBodySpan(request.body),
    ...(details ? { details } : {}),
    contentHash: hash('sha256', request.body, 'hex'),
    ordering: 'arrival-sequence',
    rank: panjayaRank(eventType),
  };
}

/** The Panjaya provider module. */
export const panjaya: ProviderModule = { name: 'panjaya', trust: 'panjayaPublicKeys', verify, normalise };
