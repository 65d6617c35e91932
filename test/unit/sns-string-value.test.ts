/** snsStringValue: any event type becomes a String attribute value SNS accepts, and valid ones pass unchanged. */
import fc from 'fast-check';
import { snsStringValue } from '../../lambda/adapters/sns-publisher';

// The characters SNS allows in a message and its String attributes (XML 1.0's Char production).
const allowed = (s: string) =>
  [...s].every((ch) => {
    const c = ch.codePointAt(0) ?? 0;
    return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
  });

it('makes any string a non-empty value of allowed characters, one replacement per refused code point', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (value) => {
      const out = snsStringValue(value);
      expect(out.length).toBeGreaterThan(0);
      expect(allowed(out)).toBe(true);
      if (value !== '') expect([...out]).toHaveLength([...value].length);
    }),
  );
});

it('leaves a value SNS accepts unchanged', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', minLength: 1 }).filter(allowed), (value) => expect(snsStringValue(value)).toBe(value)));
});

it('sends an empty value as "-" (SNS refuses empty String attributes)', () => {
  expect(snsStringValue('')).toBe('-');
});
