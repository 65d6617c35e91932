/**
 * What provider text must be before it becomes a key part, an attribute or an excerpt people read
 * (lambda/core/providers/ids.ts): the exact bounds of "control character", "unpaired surrogate" and the UTF-8 byte
 * limit, each refused with a 400 naming the field, and the cleaning of excerpts (locale, provider message).
 */
import { generateKeyPairSync } from 'node:crypto';
import { checkEventType, checkId, excerpt, MAX_DETAIL_CHARS, MAX_EVENT_TYPE_BYTES, MAX_ID_BYTES } from '../../../lambda/core/providers/ids';
import { panjaya } from '../../../lambda/core/providers/panjaya';
import { signPanjaya } from '../../helpers/signing';
import { keysTrust, request, validationMessage, verifyAndNormalise } from './outcome';

const signer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const callback = (payload: Record<string, unknown>) => {
  const text = JSON.stringify(payload);
  return verifyAndNormalise(panjaya, request(text, { 'x-signature': signPanjaya(text, signer.privateKey) }), keysTrust(signer.publicKey));
};
const assetRefusal = (assetId: string) => validationMessage(() => callback({ asset_id: assetId, event: 'asset_failed' }));

describe('ids and event names a provider sends', () => {
  it.each([
    ['a NUL', '\u0000'],
    ['the unit separator (last C0)', '\u001f'],
    ['DEL', '\u007f'],
    ['the first C1', '\u0080'],
    ['the last C1', '\u009f'],
  ])('refuse %s, naming the field', (_name, char) => {
    expect(assetRefusal(`a${char}b`)).toBe('asset_id: contains control characters');
  });
  it.each([
    ['a space', ' '],
    ['a tilde (last before DEL)', '~'],
    ['a no-break space (first after C1)', '\u00a0'],
    ['an emoji (a surrogate pair)', '\u{1f3ac}'],
  ])('accept %s', (_name, char) => {
    expect(callback({ asset_id: `a${char}b`, event: 'asset_failed' }).jobId).toBe(`a${char}b`);
  });
  it('refuse an unpaired high or low surrogate', () => {
    for (const lone of ['\ud800', '\udbff', '\udc00', '\udfff']) {
      expect(assetRefusal(`a${lone}b`)).toBe('asset_id: contains an unpaired surrogate (not valid Unicode)');
    }
    expect(assetRefusal('\u{1f3ac}'.slice(0, 1))).toBe('asset_id: contains an unpaired surrogate (not valid Unicode)');
  });
  it('count the limit in UTF-8 bytes, not characters', () => {
    expect(MAX_ID_BYTES).toBe(256);
    expect(callback({ asset_id: 'é'.repeat(128), event: 'asset_failed' }).jobId).toHaveLength(128);
    expect(assetRefusal('é'.repeat(129))).toBe('asset_id: longer than 256 bytes (UTF-8)');
    expect(callback({ asset_id: 'a'.repeat(256), event: 'asset_failed' }).jobId).toHaveLength(256);
  });
  it('hold an event name to its own limit, and allow it empty (stored as unknown)', () => {
    expect(MAX_EVENT_TYPE_BYTES).toBe(256);
    expect(checkEventType('status', 'x'.repeat(256))).toHaveLength(256);
    expect(() => checkEventType('status', 'x'.repeat(257))).toThrow(new Error('status: longer than 256 bytes (UTF-8)'));
    expect(callback({ asset_id: 'a', event: '' })).toMatchObject({ eventType: '', status: 'unknown' });
  });
  it('refuse an empty id, naming the field', () => {
    expect(() => checkId('jobId', '')).toThrow(new Error('jobId: must not be empty'));
    expect(checkId('jobId', 'j')).toBe('j');
  });
});

describe('excerpts people read (locale, provider message)', () => {
  it('are text only', () => {
    expect(excerpt(42)).toBeUndefined();
    expect(excerpt(null)).toBeUndefined();
    expect(excerpt({ text: 'x' })).toBeUndefined();
  });
  it('turn each run of control characters into one space, and trim', () => {
    expect(excerpt('disk\r\n\tfull')).toBe('disk full');
    expect(excerpt('a\u0000b\u001fc\u007fd\u0085e\u009ff')).toBe('a b c d e f');
    expect(excerpt('  \n spaced \u0000 ')).toBe('spaced');
    expect(excerpt('a\u00a0b ~')).toBe('a\u00a0b ~');
  });
  it('are nothing when nothing readable is left', () => {
    for (const empty of ['', '   ', '\r\n\u0000']) expect(excerpt(empty)).toBeUndefined();
  });
  it('replace unpaired surrogates and keep pairs', () => {
    expect(excerpt('a\ud800b\udfffc\u{1f3ac}')).toBe('a\ufffdb\ufffdc\u{1f3ac}');
  });
  it(`are cut to ${MAX_DETAIL_CHARS} characters with an ellipsis, never splitting a pair`, () => {
    expect(MAX_DETAIL_CHARS).toBe(500);
    const exact = 'x'.repeat(500);
    expect(excerpt(exact)).toBe(exact);
    expect(excerpt(`${exact}y`)).toBe(`${'x'.repeat(499)}…`);
    const emojiAtCut = `${'x'.repeat(498)}\u{1f3ac}tail`;
    expect(excerpt(emojiAtCut)).toBe(`${'x'.repeat(498)}\u{1f3ac}…`);
    expect(excerpt('\u{1f3ac}'.repeat(3), 3)).toBe('\u{1f3ac}'.repeat(3));
    expect(excerpt('abcdef', 4)).toBe('abc…');
  });
});
