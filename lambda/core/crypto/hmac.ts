/**
 * HMAC-SHA256 checks shared by every HMAC scheme (Contentor's header, configured hmac-sha256 and Standard Webhooks
 * providers): digests over one or more message parts, and a comparison of every expected digest with every provided
 * one without an early exit, so the timing shows neither which secret nor which candidate matched.
 */
import { createHmac } from 'node:crypto';
import { bytesEqual } from './signatures';

/** Size of an HMAC-SHA256 digest; a provided signature of any other length cannot match. */
export const SHA256_DIGEST_BYTES = 32;

/** HMAC-SHA256 of the concatenated parts (e.g. `id.timestamp.` then the exact body bytes, without copying the body). */
export function hmacSha256(key: string | Uint8Array, ...parts: readonly (string | Uint8Array)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Whether any provided digest equals any expected one, comparing every pair in constant time. */
export function anyDigestMatches(expected: readonly Uint8Array[], provided: readonly Uint8Array[]): boolean {
  let matched = false;
  for (const want of expected) {
    for (const got of provided) {
      if (bytesEqual(want, got)) matched = true;
    }
  }
  return matched;
}

/**
 * Secrets that may be used: an empty one would let anyone sign (providers' samples use "" as a placeholder), so it
 * is never trusted.
 */
export function usableSecrets<T extends string | Uint8Array>(secrets: readonly T[]): T[] {
  return secrets.filter((secret) => secret.length > 0);
}
