/**
 * Small pieces shared by the verifiers: header splitting, strict signature decoding, comparison that never throws.
 * Pure Node crypto, no AWS SDK.
 */
import { timingSafeEqual } from 'node:crypto';

/**
 * Candidate values of a header. API Gateway joins repeated headers with ", "; base64 and hex never contain a comma,
 * so splitting on it is safe.
 */
export function headerCandidates(value: string | undefined): string[] {
  if (value === undefined) return [];
  if (!value.includes(',')) {
    // The usual single value: no split/map/filter arrays per request.
    const only = value.trim();
    return only.length > 0 ? [only] : [];
  }
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

const HEX_RE = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64_RE = /^[A-Za-z0-9+/]+$/;

/** Even-length hex, either case; undefined for anything else (Buffer.from would silently stop at a bad digit). */
export function decodeHex(text: string): Buffer | undefined {
  return HEX_RE.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/**
 * Standard or URL-safe base64, padding optional; undefined for anything else (Buffer.from would skip bad characters).
 */
export function decodeBase64(text: string): Buffer | undefined {
  const unpadded = text.replace(/={1,2}$/, '').replace(/-/g, '+').replace(/_/g, '/');
  if (!BASE64_RE.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  if (text.endsWith('=') && text.length % 4 !== 0) return undefined;
  return Buffer.from(unpadded, 'base64');
}

/**
 * Constant-time equality of two byte strings that returns false (never throws) on a length mismatch. Lengths are
 * public (the caller sent one, the digest size is fixed), so only the content comparison needs to be constant-time.
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) {
    // Same work as a real comparison, so a mismatch costs what a match costs.
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}
