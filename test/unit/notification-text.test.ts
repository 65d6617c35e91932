/**
 * Neutralising provider-controlled text (lambda/core/notification/text.ts) before it reaches a person: no control,
 * line-breaking, zero-width or bidirectional character survives into an e-mail line, an SNS subject or a Slack code
 * span, whatever surrounds it. The character classes are spelled out here, independently of the module's own list.
 */
import fc from 'fast-check';
import { asciiText, plainText, shellWord, slackCode, truncate } from '../../lambda/core/notification/text';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));

/** Characters that must never reach a reader, by class. */
const hidden: Record<string, string[]> = {
  'C0 controls and DEL': [...range(0x00, 0x1f), '\u007f'],
  'C1 controls': range(0x80, 0x9f),
  'zero-width characters': ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'],
  'line and paragraph separators': ['\u2028', '\u2029'],
  'bidirectional marks, embeddings and overrides': ['\u200e', '\u200f', ...range(0x202a, 0x202e)],
  'bidirectional isolates': range(0x2066, 0x2069),
};
const allHidden = Object.values(hidden).flat();
const hasHidden = (text: string) => [...text].some((c) => allHidden.includes(c));
const codes = (text: string) => [...text].filter((c) => allHidden.includes(c)).map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);

/** Provider text with hidden characters anywhere in it, next to ordinary text of any script. */
const hostileText = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constantFrom(...allHidden), fc.constantFrom('<!channel>', '`', '&', '*', '\r\n')), {
    maxLength: 30,
  })
  .map((parts) => parts.join(''));

describe.each(Object.entries(hidden))('%s', (_name, characters) => {
  it('are removed from plain text, and the words around them stay apart', () => {
    for (const c of characters) expect({ c: codes(c), out: plainText(`id${c}42`, 100) }).toEqual({ c: codes(c), out: 'id 42' });
  });
  it('never reach an SNS subject or a Slack code span', () => {
    for (const c of characters) {
      expect(asciiText(`id${c}42`, 100)).toBe('id 42');
      expect(slackCode(`id${c}42`, 100)).toBe('`id 42`');
    }
  });
});

describe('shortening', () => {
  it('keeps a value of exactly the limit whole, and cuts a longer one to the limit with an ASCII ellipsis', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdefg', 6)).toBe('abc...');
  });
  it('never exceeds a limit shorter than the ellipsis itself', () => {
    expect(truncate('abcdef', 2)).toBe('..');
    expect(truncate('abcdef', 0)).toBe('');
  });
});

describe('a shell word in the "look it up" command', () => {
  it('passes a plain id unchanged', () => {
    expect(shellWord('3f2a9c1e-5b6d/v1.2')).toBe('3f2a9c1e-5b6d/v1.2');
  });
  it('quotes an id that is plain only at its start or only at its end', () => {
    expect(shellWord('u-1; rm -rf ~')).toBe("'u-1; rm -rf ~'");
    expect(shellWord('$(reboot)u-1')).toBe("'$(reboot)u-1'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
  });
});

describe('a Slack code span', () => {
  it('keeps a value that exactly fills the span', () => {
    expect(slackCode('abcdef', 8)).toBe('`abcdef`');
  });
  it('fits its limit even when a short value is lengthened past it by entities', () => {
    // Three characters that escape to seven: shortening must go on below the ellipsis' own length.
    const out = slackCode('`&*', 8);
    expect(out.length).toBeLessThanOrEqual(8);
    expect(out).toMatch(/^`[^`]+`$/);
  });
});

describe('any provider text', () => {
  it('becomes one plain line: no hidden character, no line break, no tab, trimmed, within the limit', () => {
    fc.assert(
      fc.property(hostileText, fc.integer({ min: 4, max: 120 }), (text, max) => {
        const out = plainText(text, max);
        expect(codes(out)).toEqual([]);
        expect(out).not.toMatch(/\s\s|^\s|\s$|[^\S ]/);
        expect([...out].length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 1000 },
    );
  });

  it('becomes printable ASCII in a subject', () => {
    fc.assert(
      fc.property(hostileText, fc.integer({ min: 4, max: 100 }), (text, max) => {
        const out = asciiText(text, max);
        expect(out).toMatch(/^[\x20-\x7e]*$/);
        expect(out.length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 1000 },
    );
  });

  it('stays inside one Slack code span: no backtick, no < or >, & only in entities, nothing hidden, within the limit', () => {
    fc.assert(
      fc.property(hostileText, fc.integer({ min: 8, max: 120 }), (text, max) => {
        const out = slackCode(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).toMatch(/^`[^`]+`$/);
        expect(out).not.toMatch(/[<>]|&(?!amp;|lt;|gt;)/);
        expect(hasHidden(out)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
