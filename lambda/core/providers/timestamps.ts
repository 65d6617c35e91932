/** Provider timestamps as sortable UTC instants (`toISOString()` form), shared by the providers that send one. */

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

const CANONICAL_UTC_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const digitsAt = (text: string, start: number, end: number): number => Number(text.slice(start, end));

/**
 * Whether `text` is already what `toISOString()` would give for it (`YYYY-MM-DDTHH:MM:SS.sssZ`, a real calendar
 * date): the form senders mostly use, checked without building Dates. Years below 100 are left to the general path,
 * which refuses them (Date.UTC reads them as 19xx). Exported for its own contract: true exactly when a Date built
 * from `text` gives `text` back (test/unit/providers/canonical-utc.test.ts), so the fast path never answers
 * differently from the general one.
 */
export function isCanonicalUtc(text: string): boolean {
  if (text.length !== 24 || !CANONICAL_UTC_RE.test(text)) return false;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  if (year < 100 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= daysInMonth && digitsAt(text, 11, 13) <= 23 && digitsAt(text, 14, 16) <= 59 && digitsAt(text, 17, 19) <= 59;
}

/**
 * An ISO-8601 date-time as UTC `toISOString()`, or undefined. Without an offset the time is taken as UTC (Python's
 * `datetime.utcnow().isoformat()` omits it); `Date.parse` would read it as local time. Fractions beyond ms are cut.
 */
export function normaliseIsoTimestamp(text: string): string | undefined {
  if (isCanonicalUtc(text)) return text;
  const m = ISO_RE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone = 'Z'] = m;
  const fields = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = fields;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(utc);
  // Date.UTC rolls 2025-02-30 over to March; a real calendar date survives the round trip.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const digits = zone.replace(':', '');
    const offsetHours = Number(digits.slice(1, 3));
    const offsetMins = Number(digits.slice(3, 5) || '0');
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  return new Date(utc - offsetMinutes * 60_000).toISOString();
}
