/**
 * The provider's JSON as it is sent on: read from the stored raw body (never from a DynamoDB map or the stream
 * image's numbers), so big integers, `{}`, deep nesting and keys like `""` or `__proto__` arrive exactly as signed.
 */
import type { EventItem } from '../items';

/** An event that can never become a message as stored: parked by the fan-out, never retried as a batch. */
export class UndeliverableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndeliverableError';
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The payload's JSON text: the body, or the span of it that was signed (a Contentor envelope's `data`). */
export function payloadTextOf(item: Pick<EventItem, 'body' | 'payloadStart' | 'payloadEnd'>): string {
  const body = item.body;
  if (body === undefined) throw new UndeliverableError('the event item has no raw body (written by an earlier layout)');
  const start = item.payloadStart ?? 0;
  const end = item.payloadEnd ?? body.length;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > body.length || start > end) {
    throw new UndeliverableError(`the payload span ${start}..${end} lies outside the ${body.length}-byte body`);
  }
  let text: string;
  try {
    text = STRICT_UTF8.decode(body.subarray(start, end));
  } catch {
    throw new UndeliverableError('the stored payload is not valid UTF-8');
  }
  // A leading BOM of the whole body is outside the span (providers/body.ts); one inside would not be JSON.
  const json = withoutNonStandardLiterals(text);
  try {
    JSON.parse(json);
  } catch {
    throw new UndeliverableError('the stored payload is not JSON');
  }
  return json;
}

const NON_STANDARD = /-?Infinity|NaN/;

/**
 * Python's json accepts and emits `NaN`, `Infinity` and `-Infinity`, which are not JSON: subscribers' parsers would
 * refuse the whole document. They become `null` (what Python's own `allow_nan=False` readers expect instead); every
 * other byte, strings included, stays as signed.
 */
export function withoutNonStandardLiterals(text: string): string {
  if (!NON_STANDARD.test(text)) return text;
  let out = '';
  let from = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      // Skip the string: escapes included, so a quote after a backslash does not end it.
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    const literal = text.startsWith('-Infinity', i) ? '-Infinity' : text.startsWith('Infinity', i) ? 'Infinity' : text.startsWith('NaN', i) ? 'NaN' : undefined;
    if (literal === undefined) {
      i++;
      continue;
    }
    out += `${text.slice(from, i)}null`;
    i += literal.length;
    from = i;
  }
  return out + text.slice(from);
}
