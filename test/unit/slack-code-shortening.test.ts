/**
 * How a Slack code span (lambda/core/notification/text.ts slackCode) shortens a provider value: markup that lies
 * past the cut costs the kept text nothing, and the shortening ends for every limit, however small.
 */
import { slackCode } from '../../lambda/core/notification/text';

describe('a shortened Slack code span', () => {
  it('is cut where plain text would be when the only markup lies past the cut', () => {
    // 12 = two backticks + 10 characters: `abcdefg...`; the `&` (an entity of 5) is among the dropped characters.
    expect(slackCode(`abcdefg&${'x'.repeat(20)}`, 12)).toBe('`abcdefg...`');
    expect(slackCode(`abcdefg<${'x'.repeat(20)}`, 12)).toBe('`abcdefg...`');
  });

  it('comes back for every limit down to 0, still one code span', () => {
    for (let max = 0; max <= 10; max++) {
      for (const value of ['x', '&&&&', 'a<b>c', 'plain text that is far too long']) {
        expect({ max, value, out: slackCode(value, max) }).toEqual({ max, value, out: expect.stringMatching(/^`[^`]*`$/) });
      }
    }
  });
});
