/**
 * The CPU fast paths on the Contentor hot path (npm run bench, cpu) give exactly what the general code gives:
 * canonical UTC timestamps checked without Dates, and key ordering decided at the first differing UTF-16 unit.
 */
import fc from 'fast-check';
import { compareCodePoints } from '../../lambda/core/json/canonical-forms';
import { normaliseIsoTimestamp } from '../../lambda/core/providers/timestamps';

const digits = (min: number, max: number, width: number) => fc.integer({ min, max }).map((n) => String(n).padStart(width, '0'));

/** `YYYY-MM-DDTHH:MM:SS.sssZ` with every field ranging past its valid values (month 13, day 31 in April, hour 24…). */
const canonicalShaped = fc
  .tuple(digits(0, 9999, 4), digits(0, 13, 2), digits(0, 32, 2), digits(0, 25, 2), digits(0, 60, 2), digits(0, 60, 2), digits(0, 999, 3))
  .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);

/** Reference order: arrays of code points, compared element by element, as Python compares `str`. */
function referenceCompare(a: string, b: string): number {
  const ca = Array.from(a, (ch) => ch.codePointAt(0) ?? 0);
  const cb = Array.from(b, (ch) => ch.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = (ca[i] ?? 0) - (cb[i] ?? 0);
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/**
 * Strings built from units that stress the surrogate boundary: ASCII, BMP above the surrogates, lone and paired
 * surrogates; and U+0000, the least code point, which still sorts after the end of a string it extends.
 */
const trickyString = fc
  .array(fc.constantFrom('\u0000', 'a', 'b', '\u00e9', '\ud7ff', '\ud800', '\udbff', '\udc00', '\udfff', '\ue000', '\uffff', '\u{10000}', '\u{1f600}'), {
    maxLength: 6,
  })
  .map((parts) => parts.join(''));

describe('CPU fast paths agree with the general code', () => {
  it('a canonical-shaped timestamp normalises as the general parser reads it', () => {
    fc.assert(
      fc.property(canonicalShaped, (text) => {
        // A leading space skips the fast path (length ≠ 24); the general path trims it.
        expect(normaliseIsoTimestamp(text)).toBe(normaliseIsoTimestamp(` ${text}`));
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts real canonical timestamps unchanged, leap days included, and refuses impossible dates', () => {
    expect(normaliseIsoTimestamp('2024-02-29T23:59:59.999Z')).toBe('2024-02-29T23:59:59.999Z');
    expect(normaliseIsoTimestamp('2000-02-29T00:00:00.000Z')).toBe('2000-02-29T00:00:00.000Z');
    expect(normaliseIsoTimestamp('1900-02-29T00:00:00.000Z')).toBeUndefined();
    expect(normaliseIsoTimestamp('2025-04-31T00:00:00.000Z')).toBeUndefined();
    expect(normaliseIsoTimestamp('0050-01-01T00:00:00.000Z')).toBeUndefined();
  });

  it('orders strings by code point, surrogates included', () => {
    fc.assert(
      fc.property(trickyString, trickyString, (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(referenceCompare(a, b)));
      }),
      { numRuns: 3000 },
    );
  });
});
