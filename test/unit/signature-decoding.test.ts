/**
 * The strict decoders every verifier reads signatures with (lambda/core/crypto/signatures.ts): what they accept is
 * exactly what Node's own decoders would read, and everything else is undefined rather than silently truncated.
 */
import fc from 'fast-check';
import { decodeBase64, decodeHex, headerCandidates } from '../../lambda/core/crypto/signatures';

describe('headerCandidates', () => {
  it('reads a single value, trimmed, and nothing from an absent or blank header', () => {
    expect(headerCandidates(' abc ')).toEqual(['abc']);
    expect(headerCandidates(undefined)).toEqual([]);
    expect(headerCandidates('   ')).toEqual([]);
  });
  it('splits comma-joined repeats, dropping empty parts', () => {
    expect(headerCandidates('a, b,,c ,')).toEqual(['a', 'b', 'c']);
  });
  it('gives the same candidates on the single-value path as the general one', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ -+\-~]{0,20}$/), (value) => {
        const general = value
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p.length > 0);
        expect(headerCandidates(value)).toEqual(general);
      }),
    );
  });
});

describe('decodeHex', () => {
  it('reads even-length hex of either case', () => {
    expect(decodeHex('00aAfF')).toEqual(Buffer.from([0x00, 0xaa, 0xff]));
  });
  it.each(['', 'a', 'abc', 'zz', '0g', ' 00', '00 ', '0x00'])('refuses %j', (text) => {
    expect(decodeHex(text)).toBeUndefined();
  });
});

describe('decodeBase64', () => {
  it('reads standard and URL-safe base64, padded or not, to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        const standard = Buffer.from(bytes).toString('base64');
        const urlSafe = Buffer.from(bytes).toString('base64url');
        for (const text of [standard, standard.replace(/=+$/, ''), urlSafe, `${urlSafe}${'='.repeat((4 - (urlSafe.length % 4)) % 4)}`]) {
          expect(decodeBase64(text)).toEqual(Buffer.from(bytes));
        }
      }),
    );
  });
  it('reads a value written only in the URL-safe characters', () => {
    expect(decodeBase64('-_-_')).toEqual(Buffer.from('+/+/', 'base64'));
    expect(decodeBase64('____')).toEqual(Buffer.from([0xff, 0xff, 0xff]));
  });
  it.each(['', '=', 'A', 'A===', 'AB=', 'ABC==', 'AB CD', 'AB*D', 'ABCDE', '+/-_==='])('refuses %j', (text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });
  it('reads "AB==" and "ABC=" (padding of one and two)', () => {
    expect(decodeBase64('AB==')).toEqual(Buffer.from('AB==', 'base64'));
    expect(decodeBase64('ABC=')).toEqual(Buffer.from('ABC=', 'base64'));
  });
});
