/**
 * What a provider's text must satisfy before it is written anywhere: ids become DynamoDB key parts (2,048-byte
 * limit for a sort key, valid UTF-8 only), event types become attributes and SNS message attributes. Checking here
 * makes a DynamoDB ValidationException caused by input impossible by construction: input that can never be stored
 * gets a 400 naming the field, never a 503 the provider would retry forever.
 */
import { ValidationError } from '../errors';

/** Longest id (job, asset, version) in UTF-8 bytes: far below the key limit even with prefixes and both ids. */
export const MAX_ID_BYTES = 256;
/** Longest provider event/status name in UTF-8 bytes (it is an SNS message attribute too). */
export const MAX_EVENT_TYPE_BYTES = 256;
/** Longest excerpt kept for people (locale, provider message), in characters. */
export const MAX_DETAIL_CHARS = 500;

// With the `u` flag a surrogate range only matches unpaired halves: paired ones read as one astral code point.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
// C0 controls, DEL and C1 controls: they break log lines, shell commands and SNS attributes.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

function checkText(field: string, value: string, maxBytes: number): void {
  if (LONE_SURROGATE.test(value)) throw new ValidationError(`${field}: contains an unpaired surrogate (not valid Unicode)`);
  if (CONTROL.test(value)) throw new ValidationError(`${field}: contains control characters`);
  if (Buffer.byteLength(value, 'utf8') > maxBytes) throw new ValidationError(`${field}: longer than ${maxBytes} bytes (UTF-8)`);
}

/** A non-empty id that can be a key part; ValidationError naming `field` otherwise. */
export function checkId(field: string, value: string): string {
  if (value.length === 0) throw new ValidationError(`${field}: must not be empty`);
  checkText(field, value, MAX_ID_BYTES);
  return value;
}

/** A provider event/status name that can be stored and sent as an SNS attribute (may be empty). */
export function checkEventType(field: string, value: string): string {
  checkText(field, value, MAX_EVENT_TYPE_BYTES);
  return value;
}

/**
 * A readable, storable excerpt of provider text, or undefined for nothing worth showing: unpaired surrogates become
 * U+FFFD, line breaks and other controls spaces, and it is cut to `max` characters without splitting a pair.
 */
export function excerpt(value: unknown, max = MAX_DETAIL_CHARS): string | undefined {
  if (typeof value !== 'string') return undefined;
  const cleaned = value
    .replace(/[\uD800-\uDFFF]/gu, '\uFFFD')
    .replace(/[\u0000-\u001F\u007F-\u009F]+/g, ' ')
    .trim();
  if (cleaned === '') return undefined;
  const chars = Array.from(cleaned);
  return chars.length <= max ? cleaned : `${chars.slice(0, max - 1).join('')}…`;
}
