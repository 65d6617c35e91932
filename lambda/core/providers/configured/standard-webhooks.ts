/**
 * Standard Webhooks signature verification (the scheme Replicate and many AI/video APIs use):
 * - headers `webhook-id`, `webhook-timestamp` (Unix seconds), `webhook-signature`, or the same three as `svix-*`;
 * - signed content `${id}.${timestamp}.${body}` over the exact body bytes, HMAC-SHA256;
 * - `webhook-signature` is a space-separated list of `<version>,<base64>`; only `v1` (HMAC-SHA256) is checked;
 * - a secret is `whsec_` + base64 of the key; several secrets at once for rotation;
 * - the timestamp must be within the tolerance of the receive time, either way.
 * The timestamp is the attempt's (a retry gets a fresh one), not the event's: it protects against replays and is not
 * an ordering time. The id stays the same across retries: it is the delivery's idempotency key.
 */
import { SignatureError } from '../../errors';
import { anyDigestMatches, hmacSha256, SHA256_DIGEST_BYTES } from '../../crypto/hmac';
import { decodeBase64 } from '../../crypto/signatures';
import type { RawRequest } from '../provider';

/** Every header the scheme reads, so a refused delivery can be kept with what it needs to be verified again. */
export const standardWebhooksHeaderNames = ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'svix-id', 'svix-timestamp', 'svix-signature'] as const;

/** The receive-side settings of one configured provider. */
export interface StandardWebhooksOptions {
  /** How many seconds the webhook timestamp may be before or after `nowSeconds` (configuration `toleranceSeconds`). */
  readonly toleranceSeconds: number;
  /** When the delivery was received, in Unix seconds. A replay of a stored delivery passes its original receive time. */
  readonly nowSeconds: number;
}

/** What a verified delivery carries besides its body. */
export interface VerifiedStandardWebhook {
  /** `webhook-id`: the same for every retry of one message, so the event id for duplicates unless configured otherwise. */
  readonly webhookId: string;
  /** `webhook-timestamp` in Unix seconds: when this attempt was signed. */
  readonly timestamp: number;
}

/** A configured secret is not `whsec_` + base64 (or bare base64). The message never contains the secret. */
export class StandardWebhooksSecretError extends Error {
  override readonly name = 'StandardWebhooksSecretError';
}

const SECRET_PREFIX = 'whsec_';

/** The HMAC key of a secret: the `whsec_` prefix stripped (it is optional, as in the reference libraries), then base64. */
export function decodeStandardWebhooksSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = decodeBase64(encoded);
  if (key === undefined || key.length === 0) {
    throw new StandardWebhooksSecretError('not a Standard Webhooks secret: expected "whsec_" followed by base64, as the provider shows it');
  }
  return key;
}

// Whole seconds; the bound keeps Number() exact and refuses absurd values as malformed rather than as "too new".
const TIMESTAMP_RE = /^\d{1,15}$/;

/** The header trio to read: `webhook-*` when any of them is present, else the `svix-*` aliases. */
function headerFamily(headers: RawRequest['headers']): 'webhook' | 'svix' {
  return headers['webhook-id'] !== undefined || headers['webhook-timestamp'] !== undefined || headers['webhook-signature'] !== undefined ? 'webhook' : 'svix';
}

/** v1 signatures that decode to a digest, and whether the header held any v1 entry at all. */
function v1Signatures(header: string): { digests: Buffer[]; sawV1: boolean } {
  const digests: Buffer[] = [];
  let sawV1 = false;
  for (const entry of header.split(/\s+/)) {
    // API Gateway joins a repeated header with ", "; base64 never contains a comma, so a second one ending an entry is
    // that join (a bare "v1," keeps its comma and reads as an empty, malformed v1 signature).
    const token = entry.endsWith(',') && entry.indexOf(',') < entry.length - 1 ? entry.slice(0, -1) : entry;
    const comma = token.indexOf(',');
    if (comma < 0 || token.slice(0, comma) !== 'v1') continue;
    sawV1 = true;
    const digest = decodeBase64(token.slice(comma + 1));
    if (digest?.length === SHA256_DIGEST_BYTES) digests.push(digest);
  }
  return { digests, sawV1 };
}

/**
 * Verifies a delivery against the keys (from `decodeStandardWebhooksSecret`). Returns the verified id and timestamp;
 * throws SignatureError: `missing_signature`, `malformed_signature`, `timestamp_too_old` / `timestamp_too_new`,
 * `unsupported_algorithm` (no v1 entry), `invalid_signature`. The timestamp is checked before any HMAC is computed.
 */
export function verifyStandardWebhook(request: RawRequest, keys: readonly Uint8Array[], options: StandardWebhooksOptions): VerifiedStandardWebhook {
  const family = headerFamily(request.headers);
  const read = (name: string): string => {
    const value = request.headers[`${family}-${name}`]?.trim();
    if (!value) throw new SignatureError('missing_signature', `Missing ${family}-${name} header`);
    return value;
  };
  const id = read('id');
  const timestampText = read('timestamp');
  const signatureHeader = read('signature');

  if (!TIMESTAMP_RE.test(timestampText))
    throw new SignatureError('malformed_signature', `Malformed ${family}-timestamp: expected whole seconds since the epoch`);
  const timestamp = Number(timestampText);
  const tolerance = `the ${options.toleranceSeconds} s tolerance`;
  if (options.nowSeconds - timestamp > options.toleranceSeconds)
    throw new SignatureError('timestamp_too_old', `Webhook timestamp too old: outside ${tolerance}`);
  if (timestamp - options.nowSeconds > options.toleranceSeconds)
    throw new SignatureError('timestamp_too_new', `Webhook timestamp too new: outside ${tolerance}`);

  const { digests, sawV1 } = v1Signatures(signatureHeader);
  if (!sawV1) throw new SignatureError('unsupported_algorithm', `No v1 (HMAC-SHA256) entry in ${family}-signature`);
  if (digests.length === 0) throw new SignatureError('malformed_signature', `Malformed ${family}-signature: expected v1,<base64 HMAC-SHA256>`);

  // The header text as received (trimmed), exactly what the sender put in front of the body.
  const expected = keys.map((key) => hmacSha256(key, `${id}.${timestampText}.`, request.body));
  if (!anyDigestMatches(expected, digests)) {
    throw new SignatureError('invalid_signature', 'Invalid signature', { secrets: keys.length, candidates: digests.length });
  }
  return { webhookId: id, timestamp };
}
