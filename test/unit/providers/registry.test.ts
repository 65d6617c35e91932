import { bytesEqual, decodeBase64, decodeHex, headerCandidates } from '../../../lambda/core/crypto/signatures';
import { contentorStatuses, panjayaEventStatuses, panjayaStatusFor } from '../../../lambda/core/lifecycle';
import { normalisedStatuses, providerNames } from '../../../lambda/core/model';
import { getProvider, providerModules } from '../../../lambda/core/providers';

describe('provider registry', () => {
  it('registers one module per provider name, under its own name', () => {
    expect(Object.keys(providerModules).sort()).toEqual([...providerNames].sort());
    for (const name of providerNames) expect(getProvider(name)?.name).toBe(name);
  });
  it('knows nothing of other names, including inherited object properties', () => {
    for (const name of ['github', 'constructor', '__proto__', 'toString', 'Panjaya', '']) expect(getProvider(name)).toBeUndefined();
  });
  it('asks for the trust material each provider needs', () => {
    expect(getProvider('panjaya')?.trust).toBe('panjayaPublicKeys');
    expect(getProvider('contentor')?.trust).toBe('contentorSecrets');
  });
});

describe('lifecycle tables', () => {
  it('map only to normalised statuses, never to the watchdog-only stalled', () => {
    for (const status of [...Object.values(panjayaEventStatuses), ...Object.values(contentorStatuses)]) {
      expect(normalisedStatuses).toContain(status);
      expect(status).not.toBe('stalled');
    }
  });
  it('ignore case and stray whitespace, and never read inherited properties', () => {
    expect(panjayaStatusFor(' Version_Generated ')).toBe('succeeded');
    expect(panjayaStatusFor('constructor')).toBe('unknown');
  });
});

describe('signature helpers', () => {
  it('split comma-joined header values and drop empty parts', () => {
    expect(headerCandidates(' a ,b,, ')).toEqual(['a', 'b']);
    expect(headerCandidates(undefined)).toEqual([]);
  });
  it('decode hex strictly', () => {
    expect(decodeHex('0aFF')?.toString('hex')).toBe('0aff');
    expect(decodeHex('0aF')).toBeUndefined();
    expect(decodeHex('0g')).toBeUndefined();
  });
  it('decode standard and URL-safe base64, padded or not, and nothing else', () => {
    expect(decodeBase64('+/8=')?.toString('hex')).toBe('fbff');
    expect(decodeBase64('-_8')?.toString('hex')).toBe('fbff');
    expect(decodeBase64('+/8')?.toString('hex')).toBe('fbff');
    expect(decodeBase64('+/8*')).toBeUndefined();
    expect(decodeBase64('+/8==')).toBeUndefined();
    expect(decodeBase64('A')).toBeUndefined();
  });
  it('compare bytes without throwing on a length mismatch', () => {
    expect(bytesEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(bytesEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(bytesEqual(Buffer.from('abc'), Buffer.from('ab'))).toBe(false);
  });
});
