/**
 * Provider timestamps as the receiver orders events by them (lambda/core/providers/timestamps.ts): every ISO-8601
 * spelling a sender may use becomes one UTC instant in `toISOString()` form, and a time that is no real instant is
 * refused (undefined; the provider module turns that into a 400 naming the field).
 */
import { normaliseIsoTimestamp } from '../../../lambda/core/providers/timestamps';

describe('provider timestamps', () => {
  it('keep the canonical UTC form as it is', () => {
    for (const text of ['2025-04-09T15:30:45.123Z', '2024-02-29T23:59:59.999Z', '2000-02-29T00:00:00.000Z', '0100-01-01T00:00:00.000Z']) {
      expect(normaliseIsoTimestamp(text)).toBe(text);
    }
  });
  it('read a time without an offset as UTC, and fill in missing seconds and milliseconds', () => {
    expect(normaliseIsoTimestamp('2025-04-09T15:30:45')).toBe('2025-04-09T15:30:45.000Z');
    expect(normaliseIsoTimestamp('2025-04-09T15:30')).toBe('2025-04-09T15:30:00.000Z');
    expect(normaliseIsoTimestamp('2025-04-09 15:30:45z')).toBe('2025-04-09T15:30:45.000Z');
    expect(normaliseIsoTimestamp('2025-04-09t15:30:45Z')).toBe('2025-04-09T15:30:45.000Z');
  });
  it('cut fractions to milliseconds without rounding, with a point or a comma', () => {
    expect(normaliseIsoTimestamp('2025-04-09T15:30:45.1Z')).toBe('2025-04-09T15:30:45.100Z');
    expect(normaliseIsoTimestamp('2025-04-09T15:30:45,25Z')).toBe('2025-04-09T15:30:45.250Z');
    expect(normaliseIsoTimestamp('2025-04-09T15:30:45.999999Z')).toBe('2025-04-09T15:30:45.999Z');
  });
  it('apply an offset in each spelling, across a day and a year', () => {
    expect(normaliseIsoTimestamp('2025-04-09T15:30:45+02:00')).toBe('2025-04-09T13:30:45.000Z');
    expect(normaliseIsoTimestamp('2025-04-09T15:30:45+0200')).toBe('2025-04-09T13:30:45.000Z');
    expect(normaliseIsoTimestamp('2025-04-09T15:30:45+02')).toBe('2025-04-09T13:30:45.000Z');
    expect(normaliseIsoTimestamp('2025-04-09T15:30:45-05:30')).toBe('2025-04-09T21:00:45.000Z');
    expect(normaliseIsoTimestamp('2025-01-01T00:30:00.5+01:00')).toBe('2024-12-31T23:30:00.500Z');
    expect(normaliseIsoTimestamp('2025-04-09T15:30:45+23:59')).toBe('2025-04-08T15:31:45.000Z');
    expect(normaliseIsoTimestamp('2025-04-09T23:59:59.5+01:00')).toBe('2025-04-09T22:59:59.500Z');
  });
  it('trim stray whitespace', () => {
    expect(normaliseIsoTimestamp(' 2025-04-09T15:30:45.123Z\n')).toBe('2025-04-09T15:30:45.123Z');
  });
  it.each([
    ['a day past the month', '2025-02-29T00:00:00Z'],
    ['February 29 of a century year that is not a leap year', '1900-02-29T00:00:00.000Z'],
    ['April 31', '2025-04-31T12:00:00.000Z'],
    ['June 31', '2025-06-31T12:00:00.000Z'],
    ['September 31', '2025-09-31T12:00:00.000Z'],
    ['November 31', '2025-11-31T12:00:00.000Z'],
    ['month 13', '2025-13-01T00:00:00.000Z'],
    ['month 0', '2025-00-10T00:00:00.000Z'],
    ['day 0', '2025-01-00T00:00:00.000Z'],
    ['hour 24', '2025-04-09T24:00:00.000Z'],
    ['minute 60', '2025-04-09T15:60:00.000Z'],
    ['second 60', '2025-04-09T15:30:60.000Z'],
    ['a two-digit year (Date.UTC reads it as 19xx)', '0099-12-31T00:00:00.000Z'],
    ['an offset of 24 hours', '2025-04-09T15:30:45+24:00'],
    ['an offset minute of 60', '2025-04-09T15:30:45+01:60'],
    ['a date alone', '2025-04-09'],
    ['Unix seconds', '1744212645'],
    ['words', 'yesterday at noon'],
    ['an empty text', ''],
    ['a month that is not digits, in the canonical shape', '2025-ab-09T15:30:45.123Z'],
    ['milliseconds that are not digits, in the canonical shape', '2025-04-09T15:30:45.abcZ'],
    ['text before the time', 'at 2025-04-09T15:30:45Z'],
    ['text after the time', '2025-04-09T15:30:45Z later'],
    ['an offset with seconds', '2025-04-09T15:30:45+02:00:00'],
  ])('refuse %s', (_what, text) => {
    expect(normaliseIsoTimestamp(text)).toBeUndefined();
  });
  it('accept February 29 of a leap year (every fourth, and every 400th century), and the last day of every month', () => {
    expect(normaliseIsoTimestamp('2024-02-29T08:00:00+00:00')).toBe('2024-02-29T08:00:00.000Z');
    expect(normaliseIsoTimestamp('2000-02-29T08:00:00')).toBe('2000-02-29T08:00:00.000Z');
    expect(normaliseIsoTimestamp('2023-02-28T08:00:00.000Z')).toBe('2023-02-28T08:00:00.000Z');
    expect(normaliseIsoTimestamp('2023-02-29T08:00:00.000Z')).toBeUndefined();
    for (const day of ['2025-01-31', '2025-03-31', '2025-05-31', '2025-07-31', '2025-08-31', '2025-10-31', '2025-12-31', '2025-04-30']) {
      expect(normaliseIsoTimestamp(`${day}T08:00:00.000Z`)).toBe(`${day}T08:00:00.000Z`);
    }
  });
});
