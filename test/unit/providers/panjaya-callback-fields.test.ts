/**
 * The fields of a Panjaya callback (asset id, version id, version locale, `event` or its alias `event_type`) as the
 * receiver reads them: a 400 names the field the sender got wrong, by the name the sender used.
 */
import { generateKeyPairSync } from 'node:crypto';
import { panjaya } from '../../../lambda/core/providers/panjaya';
import { signPanjaya } from '../../helpers/signing';
import { keysTrust, request, validationMessage, verifyAndNormalise } from './outcome';

const signer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const trusted = keysTrust(signer.publicKey);
const callback = (payload: Record<string, unknown>) => {
  const text = JSON.stringify(payload);
  return verifyAndNormalise(panjaya, request(text, { 'x-signature': signPanjaya(text, signer.privateKey) }), trusted);
};
const refusal = (payload: Record<string, unknown>) => validationMessage(() => callback(payload));

describe('Panjaya callback fields', () => {
  it('names `event` when the event field cannot be stored', () => {
    expect(refusal({ asset_id: 'a', version_id: 'v', event: 'version\nready' })).toBe('event: contains control characters');
  });
  it('names `event_type` when the sender used the alias', () => {
    expect(refusal({ asset_id: 'a', version_id: 'v', event_type: 'version\u0007ready' })).toBe('event_type: contains control characters');
  });
  it('reads `event` when both spellings are present', () => {
    expect(callback({ asset_id: 'a', version_id: 'v', event: 'version_generated', event_type: 'version_failed' })).toMatchObject({
      eventType: 'version_generated',
      status: 'succeeded',
    });
    expect(refusal({ asset_id: 'a', version_id: 'v', event: 'version\rready', event_type: 'version_failed' })).toBe('event: contains control characters');
  });
  it('names `asset_id` and `version_id` when they cannot be key parts', () => {
    expect(refusal({ asset_id: 'a\u0000b', version_id: 'v', event: 'version_ready' })).toBe('asset_id: contains control characters');
    expect(refusal({ asset_id: 'a', version_id: 'v\u009b1', event: 'version_ready' })).toBe('version_id: contains control characters');
    expect(refusal({ asset_id: 'a'.repeat(257), event: 'asset_failed' })).toBe('asset_id: longer than 256 bytes (UTF-8)');
  });
  it('refuses an empty asset id, naming it', () => {
    expect(refusal({ asset_id: '', version_id: 'v', event: 'version_ready' })).toBe('asset_id: must not be empty');
  });
  it('refuses a version id that is not a string', () => {
    expect(refusal({ asset_id: 'a', version_id: 7, event: 'version_ready' })).toMatch(/^version_id: /);
  });
  it('keeps the version locale for people to read', () => {
    expect(callback({ asset_id: 'a', version_id: 'v', version_locale: 'pt-BR', event: 'version_ready' }).details).toEqual({ locale: 'pt-BR' });
    expect(callback({ asset_id: 'a', version_id: null, version_locale: null, event: 'asset_failed' }).details).toBeUndefined();
  });
});
