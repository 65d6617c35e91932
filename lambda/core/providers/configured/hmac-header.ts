/**
 * The configured `hmac-sha256` scheme: HMAC-SHA256(secret, exact body bytes) in a named header, hex or base64,
 * behind an optional prefix such as `sha256=`. Several secrets at once for rotation. Unlike Contentor's header
 * (lambda/core/providers/contentor.ts), the encoding and the prefix are configured, not guessed: a configured
 * prefix must be present (any letter case), and only the configured encoding is read.
 */
import { SignatureError } from '../../errors';
import { anyDigestMatches, hmacSha256, SHA256_DIGEST_BYTES, usableSecrets } from '../../crypto/hmac';
import { decodeBase64, decodeHex, headerCandidates } from '../../crypto/signatures';
import type { RawRequest } from '../provider';

/** How a provider writes its signature (the `signature` object of an hmac-sha256 configured provider). */
export interface HmacHeaderScheme {
  /** Header name as configured, any case, e.g. `X-Acme-Signature`. */
  readonly header: string;
  readonly encoding: 'hex' | 'base64';
  /** Text before the digest, e.g. `sha256=`; compared without regard to letter case. */
  readonly prefix?: string;
}

/** The digest inside one header value, or undefined when the value is not `prefix` + a digest in the encoding. */
function digestOf(candidate: string, scheme: HmacHeaderScheme): Buffer | undefined {
  let value = candidate;
  if (scheme.prefix !== undefined) {
    if (value.slice(0, scheme.prefix.length).toLowerCase() !== scheme.prefix.toLowerCase()) return undefined;
    value = value.slice(scheme.prefix.length);
  }
  const digest = scheme.encoding === 'hex' ? decodeHex(value) : decodeBase64(value);
  return digest?.length === SHA256_DIGEST_BYTES ? digest : undefined;
}

/**
 * Verifies the header against the secrets. Throws SignatureError: `missing_signature` (no header),
 * `malformed_signature` (no value of the configured form), `invalid_signature` (no secret signed this body).
 */
export function verifyHmacHeader(request: RawRequest, secrets: readonly string[], scheme: HmacHeaderScheme): void {
  const value = request.headers[scheme.header.toLowerCase()];
  const candidates = headerCandidates(value);
  if (candidates.length === 0) throw new SignatureError('missing_signature', `Missing ${scheme.header} header`);
  const digests: Buffer[] = [];
  for (const candidate of candidates) {
    const digest = digestOf(candidate, scheme);
    if (digest !== undefined) digests.push(digest);
  }
  if (digests.length === 0) {
    throw new SignatureError('malformed_signature', `Malformed ${scheme.header}: expected ${scheme.prefix ?? ''}<HMAC-SHA256 as ${scheme.encoding}>`);
  }
  const keys = usableSecrets(secrets);
  const expected = keys.map((secret) => hmacSha256(secret, request.body));
  if (!anyDigestMatches(expected, digests)) {
    throw new SignatureError('invalid_signature', 'Invalid signature', { secrets: keys.length, candidates: digests.length });
  }
}
