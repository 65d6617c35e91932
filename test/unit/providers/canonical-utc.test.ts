/**
 * The timestamp fast path (lambda/core/providers/timestamps.ts isCanonicalUtc) against its contract: it says yes
 * exactly for a text that a Date gives back unchanged (`toISOString()`, years 100 to 9999), whatever the digits and
 * separators. A fast path that says no too often only costs time, one that says yes wrongly lets an impossible date
 * through: both are caught here, field by field, since normaliseIsoTimestamp's answer alone cannot tell them apart.
 */
import fc from 'fast-check';
import { isCanonicalUtc } from '../../../lambda/core/providers/timestamps';

/** The oracle: a Date round trip, years below 100 excluded (Date reads them as 19xx). */
function roundTrips(text: string): boolean {
  const date = new Date(text);
  return !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 100 && date.toISOString() === text;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const near = (values: readonly number[], width: number) =>
  fc.oneof(fc.constantFrom(...values), fc.integer({ min: 0, max: 10 ** width - 1 })).map((n) => pad(n, width));

/** Canonical-shaped texts, each field at and around its bounds (and anywhere in its digits). */
const canonicalShaped = fc
  .tuple(
    near([0, 1, 99, 100, 1900, 1999, 2000, 2023, 2024, 2100, 2400, 9999], 4),
    near([0, 1, 2, 4, 6, 9, 11, 12, 13, 99], 2),
    near([0, 1, 28, 29, 30, 31, 32, 99], 2),
    near([0, 9, 10, 19, 20, 23, 24, 99], 2),
    near([0, 9, 10, 59, 60, 99], 2),
    near([0, 9, 10, 59, 60, 99], 2),
    near([0, 999], 3),
  )
  .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);

/** The same texts with one character replaced, inserted or removed: the shape itself probed. */
const nearShaped = fc
  .tuple(
    canonicalShaped,
    fc.nat(25),
    fc.constantFrom('0', '9', '-', ':', '.', 'T', 't', 'Z', 'z', ' ', 'x', '٣'),
    fc.constantFrom('replace', 'insert', 'remove'),
  )
  .map(([text, at, char, how]) => {
    const i = at % text.length;
    if (how === 'replace') return text.slice(0, i) + char + text.slice(i + 1);
    if (how === 'insert') return text.slice(0, i) + char + text.slice(i);
    return text.slice(0, i) + text.slice(i + 1);
  });

describe('the canonical UTC fast path', () => {
  it('says yes exactly when a Date gives the text back', () => {
    fc.assert(
      fc.property(fc.oneof(canonicalShaped, nearShaped), (text) => {
        expect({ text, canonical: isCanonicalUtc(text) }).toEqual({ text, canonical: roundTrips(text) });
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['2024-02-29T23:59:59.999Z', true],
    ['2023-02-29T00:00:00.000Z', false],
    ['2100-02-29T00:00:00.000Z', false],
    ['2000-02-29T00:00:00.000Z', true],
    ['2024-04-31T00:00:00.000Z', false],
    ['2024-06-30T00:00:00.000Z', true],
    ['2024-09-31T00:00:00.000Z', false],
    ['2024-11-31T00:00:00.000Z', false],
    ['2024-12-31T00:00:00.000Z', true],
    ['2024-13-01T00:00:00.000Z', false],
    ['2024-00-10T00:00:00.000Z', false],
    ['2024-01-00T00:00:00.000Z', false],
    ['2024-01-01T24:00:00.000Z', false],
    ['2024-01-01T00:60:00.000Z', false],
    ['2024-01-01T00:00:60.000Z', false],
    ['0099-01-01T00:00:00.000Z', false],
    ['0100-01-01T00:00:00.000Z', true],
    [' 2024-01-01T00:00:00.000Z', false],
    ['2024-01-01T00:00:00.000Z ', false],
    ['2024-01-01T00:00:00.000z', false],
    ['2024-01-01t00:00:00.000Z', false],
    ['2024-01-01T00:00:00.00Z', false],
  ])('%s: %s', (text, expected) => {
    expect(isCanonicalUtc(text)).toBe(expected);
    expect(roundTrips(text)).toBe(expected);
  });
});
