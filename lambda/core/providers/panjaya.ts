/**
 * Panjaya dubbing callbacks: ES256 (ECDSA P-256 / SHA-256) over the exact body bytes in `X-Signature`.
 * The provider's document shows hex of DER (Python `cryptography`); hex or base64 of raw r‖s and base64 of DER are
 * accepted too. Bodies carry no event id and no timestamp, so ordering is by arrival.
 */
import { createPublicKey, generateKeyPairSync, hash, verify as verifySignature, type KeyObject } from 'node:crypto';
import * as z from 'zod/mini';
import { SignatureError } from '../errors';
import type { EventItem } from '../items';
import type { NormalisedEvent, NormalisedStatus } from '../model';
import { decodeBase64, decodeHex, headerCandidates } from '../crypto/signatures';
import { detailsOf, parseJsonObjectBody, parsePayload, requiredString, wholeBodySpan } from './body';
import { checkEventType, checkId } from './ids';
import {
  describeFrom,
  type JobNaming,
  lookupStatus,
  type OutcomeWords,
  type ProviderModule,
  type RawRequest,
  type SampleSender,
  type Signer,
  tableLifecycle,
  type Trust,
} from './provider';

/** Panjaya `event` → normalised status. Any other event is `unknown` (stored and counted, never rejected). */
export const panjayaEventStatuses: Readonly<Record<string, NormalisedStatus>> = {
  version_generating: 'in_progress',
  version_ready: 'ready',
  version_generated: 'succeeded',
  asset_failed: 'failed',
  version_failed: 'failed',
  version_generate_failed: 'failed',
};

/** Order within one cycle (QC-ready, then generation, then its outcome); unknown events rank lowest. */
const stageRanks: Readonly<Record<string, number>> = {
  version_ready: 1,
  version_generating: 2,
  version_generated: 3,
  version_failed: 3,
  version_generate_failed: 3,
  asset_failed: 3,
};

/** Generation is machine work: 3 h without news means something was lost; `version_ready` waits on a person. */
const defaultStallDeadlines = { version_generating: 180, version_ready: 48 * 60 };

/** Version id from `<asset_id>/<version_id>`; undefined for asset-level jobs. */
export function panjayaVersionId(job: Pick<EventItem, 'jobId' | 'partitionId'>): string | undefined {
  const prefix = `${job.partitionId}/`;
  return job.jobId.startsWith(prefix) ? job.jobId.slice(prefix.length) : undefined;
}

const naming: JobNaming = {
  usage: 'panjaya <asset_id> [<version_id>]',
  fromArgs: ([asset, version, ...rest]) => (asset && rest.length === 0 ? { partitionId: asset, jobId: version ? `${asset}/${version}` : asset } : undefined),
  toArgs: (job) => {
    const version = panjayaVersionId(job);
    return version === undefined ? [job.partitionId] : [job.partitionId, version];
  },
  kindOf: (job) => (panjayaVersionId(job) === undefined ? 'asset' : 'version'),
};

const eventWords: OutcomeWords = {
  version_generated: {
    outcome: 'generated',
    explanation: 'Panjaya finished generating the dubbed version; its final video can be downloaded (result_url of Get Version).',
  },
  version_failed: { outcome: 'failed (dubbing)', explanation: 'Panjaya reported an error while dubbing this version.' },
  version_generate_failed: { outcome: 'failed (video generation)', explanation: 'Panjaya reported an error while generating the final video of this version.' },
  asset_failed: { outcome: 'failed', explanation: 'Panjaya reported an error while processing the asset; its versions will not be produced.' },
};

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
      throw new Error(
        `Panjaya public key #${index + 1}: expected an EC P-256 key for ES256, got ${key.asymmetricKeyType ?? 'unknown'} ${key.asymmetricKeyDetails?.namedCurve ?? ''}`.trim(),
      );
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

/** Verifies ES256 over the exact bytes, then parses them: normalise takes the object that was checked. */
function verify(request: RawRequest, trust: Trust): Record<string, unknown> {
  checkAlgorithm(request.headers['x-signature-algorithm']);
  const header = request.headers['x-signature'];
  if (header === undefined || header.trim() === '') throw new SignatureError('missing_signature', 'Missing X-Signature header');
  const candidates = decodeCandidates(header);
  if (candidates.length === 0) throw new SignatureError('malformed_signature', 'Malformed X-Signature: expected hex of DER, or hex/base64 of raw r||s');
  for (const key of trust.publicKeys) {
    for (const signature of candidates) {
      // JSON.parse only reads the fields normalise needs (it copes with any depth); the payload is the body itself.
      if (verifiesWith(request.body, key, signature)) return parseJsonObjectBody(request.body);
    }
  }
  throw new SignatureError('invalid_signature', 'Invalid signature', { keys: trust.publicKeys.length, candidates: candidates.length });
}

function normalise(request: RawRequest, root: Record<string, unknown>): NormalisedEvent {
  const payload = parsePayload(PanjayaPayloadSchema, root);
  const eventType = checkEventType(payload.event === undefined ? 'event_type' : 'event', payload.event ?? payload.event_type ?? '');
  const assetId = checkId('asset_id', payload.asset_id);
  const versionId = payload.version_id ? checkId('version_id', payload.version_id) : undefined;
  const details = detailsOf((key) => (Object.hasOwn(root, key) ? root[key] : undefined));
  return {
    provider: 'panjaya',
    jobId: versionId ? `${assetId}/${versionId}` : assetId,
    partitionId: assetId,
    status: lookupStatus(panjayaEventStatuses, eventType, 'unknown'),
    eventType,
    body: request.body,
    payloadSpan: wholeBodySpan(request.body),
    ...(details ? { details } : {}),
    contentHash: hash('sha256', request.body, 'hex'),
    ordering: 'arrival-sequence',
    rank: lookupStatus(stageRanks, eventType, 0),
  };
}

/** How a Panjaya signature is written into `X-Signature`. `der-hex` is what Panjaya documents. */
export type PanjayaSignatureEncoding = 'der-hex' | 'raw-hex' | 'raw-base64' | 'der-base64';
export const panjayaSignatureEncodings: readonly PanjayaSignatureEncoding[] = ['der-hex', 'raw-hex', 'raw-base64', 'der-base64'];

/** `X-Signature`: ES256 over the exact body bytes, written in any form `verify` reads. */
export function panjayaSignature(body: string | Uint8Array, signer: Signer, encoding: PanjayaSignatureEncoding = 'der-hex'): string {
  const [layout, text] = encoding.split('-') as ['der' | 'raw', 'hex' | 'base64'];
  return signer.ecdsa(typeof body === 'string' ? Buffer.from(body, 'utf8') : body, layout === 'der' ? 'der' : 'ieee-p1363').toString(text);
}

/** Panjaya's callback body for an event: version events name the version and its locale, asset events neither. */
const sampleDefaults = { asset: 'asset-demo', version: 'v1', locale: 'es-ES' };
const sender: SampleSender = {
  eventNoun: 'event',
  options: {
    asset: { help: 'asset id', default: sampleDefaults.asset },
    version: { help: 'version id (none for asset_* events)', default: sampleDefaults.version },
    locale: { help: 'version locale', default: sampleDefaults.locale },
  },
  styles: panjayaSignatureEncodings,
  sample(event, values, signer, style) {
    const isAssetEvent = event.startsWith('asset_');
    const version = isAssetEvent ? null : (values.version ?? sampleDefaults.version);
    const asset = values.asset ?? sampleDefaults.asset;
    const locale = isAssetEvent ? null : (values.locale ?? sampleDefaults.locale);
    const body = JSON.stringify({ asset_id: asset, version_id: version, version_locale: locale, event });
    const headers = { 'content-type': 'application/json', 'x-signature': panjayaSignature(body, signer, style as PanjayaSignatureEncoding) };
    return { headers, body, job: version === null ? [asset] : [asset, version] };
  },
};

function generateDevKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The Panjaya provider module. */
export const panjaya: ProviderModule<Record<string, unknown>> = {
  name: 'panjaya',
  label: 'Panjaya',
  trust: { kind: 'public-keys', envName: 'PANJAYA_PUBLIC_KEYS', defaultPem: PANJAYA_DEFAULT_PUBLIC_KEY_PEM, parse: parsePanjayaPublicKeys, generateDevKeyPair },
  signatureHeaders: ['x-signature', 'x-signature-algorithm'],
  verify,
  normalise,
  ...tableLifecycle(panjayaEventStatuses, stageRanks),
  defaultStallDeadlines,
  naming,
  describe: describeFrom('Panjaya', naming, eventWords),
  sender,
};
