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
const URL_SAFE_RE = /[-_]/;

/** Even-length hex, either case; undefined for anything else (Buffer.from would silently stop at a bad digit). */
export function decodeHex(text: string): Buffer | undefined {
  return HEX_RE.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/**
 * Standard or URL-safe base64, padding optional; undefined for anything else (Buffer.from would skip bad characters).
 */
export function decodeBase64(text: string): Buffer | undefined {
  const padded = text.endsWith('=');
  if (padded && text.length % 4 !== 0) return undefined;
  const unpadded = padded ? text.slice(0, text.endsWith('==') ? -2 : -1) : text;
  // The URL-safe alphabet is rare: only then rewrite the string.
  const standard = URL_SAFE_RE.test(unpadded) ? unpadded.replace(/-/g, '+').replace(/_/g, '/') : unpadded;
  if (!BASE64_RE.test(standard) || standard.length % 4 === 1) return undefined;
  return Buffer.from(standard, 'base64');
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
