/**
 * How a Slack code span (lambda/core/notification/text.ts slackCode) shortens a provider value: markup that lies
 * past the cut costs the kept text nothing, and the shortening ends for every limit, however small.
 */
import fc from 'fast-check';
import { plainText, slackCode } from '../../lambda/core/notification/text';

describe('a shortened Slack code span', () => {
  it('is cut where plain text would be when the only markup lies past the cut', () => {
    // 12 = two backticks + 10 characters: `abcdefg...`; the `&` (an entity of 5) is among the dropped characters.
    expect(slackCode(`abcdefg&${'x'.repeat(20)}`, 12)).toBe('`abcdefg...`');
    expect(slackCode(`abcdefg<${'x'.repeat(20)}`, 12)).toBe('`abcdefg...`');
  });

  it('keeps the longest prefix that fits when entities lie inside the kept text', () => {
    // 12 leaves 10 inside the span: `abcdef...` (9) fits; a greedy step that subtracts the whole overshoot keeps `abc...`.
    expect(slackCode(`abcdef&&&&${'x'.repeat(8)}`, 12)).toBe('`abcdef...`');
  });

  it('is never longer than its limit, and the next longer cut of the same value would not fit', () => {
    const escaped = (text: string) => text.replace(/`/g, "'").replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const unit = fc.constantFrom('a', 'b', '&', '<', '>', '`', ' ', '\u00e9', '\u{1F600}');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), fc.integer({ min: 3, max: 70 }), (value, max) => {
        const out = slackCode(value, max);
        expect(out.length).toBeLessThanOrEqual(max);
        const kept = out === '`-`' ? '' : out.slice(1, -1);
        const whole = plainText(value, Number.MAX_SAFE_INTEGER);
        if (escaped(whole) === kept) return;
        // Cut: the kept text is the plain text at some budget, and one more code point would not have fitted.
        const budget = Array.from(kept.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')).length;
        expect(escaped(plainText(value, budget + 1)).length).toBeGreaterThan(max - 2);
      }),
    );
  });

  it('comes back for every limit down to 0, still one code span', () => {
    for (let max = 0; max <= 10; max++) {
      for (const value of ['x', '&&&&', 'a<b>c', 'plain text that is far too long']) {
        expect({ max, value, out: slackCode(value, max) }).toEqual({ max, value, out: expect.stringMatching(/^`[^`]*`$/) });
      }
    }
  });
});
