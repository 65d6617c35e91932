/**
 * What `npm run send -- panjaya <event>` posts: the callback Panjaya's document describes (asset id always; version id
 * and locale for version events, null for asset events; the `event` field; JSON), signed the documented way (hex of
 * DER in X-Signature), with the options its usage text lists. And the local stack's development key pair, which
 * signs those samples, is one the receiver trusts once configured.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { panjaya } from '../../../lambda/core/providers/panjaya';
import type { SampleSender } from '../../../lambda/core/providers/provider';
import { signerOf } from '../../helpers/signing';
import { keysTrust, request, verifyAndNormalise, verifyOutcome } from './outcome';

const sender = panjaya.sender as SampleSender;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const signer = signerOf(privateKey);
const trusted = keysTrust(publicKey);
const sample = (event: string, values: Record<string, string> = {}, style = sender.styles[0] ?? '') => sender.sample(event, values, signer, style);
const received = (made: ReturnType<typeof sample>) => request(made.body, made.headers);

describe('Panjaya send samples', () => {
  it('writes a version event with its version and locale, as JSON under `event`', () => {
    const made = sample('version_generated', { asset: 'A1', version: 'V1', locale: 'de-DE' });
    expect(JSON.parse(made.body)).toEqual({ asset_id: 'A1', version_id: 'V1', version_locale: 'de-DE', event: 'version_generated' });
    expect(made.headers['content-type']).toBe('application/json');
    expect(made.job).toEqual(['A1', 'V1']);
  });
  it('writes an asset event with version id and locale null, whatever options were given', () => {
    const made = sample('asset_failed', { asset: 'A1', version: 'V1', locale: 'de-DE' });
    expect(JSON.parse(made.body)).toEqual({ asset_id: 'A1', version_id: null, version_locale: null, event: 'asset_failed' });
    expect(made.job).toEqual(['A1']);
  });
  it('names the event in the body field its noun says (the usage and typo messages speak of "events")', () => {
    expect(JSON.parse(sample('version_ready').body)[sender.eventNoun]).toBe('version_ready');
  });
  it('signs by default as the document shows: hex of a DER signature the receiver accepts', () => {
    const made = sample('version_ready');
    const signature = made.headers['x-signature'] ?? '';
    expect(signature).toMatch(/^30[0-9a-f]+$/);
    expect(Buffer.from(signature, 'hex')[1]).toBe(signature.length / 2 - 2);
    expect(verifyOutcome(() => panjaya.verify(received(made), trusted, new Date()))).toBe('ok');
  });
  it('signs in every style it lists, each accepted', () => {
    expect(sender.styles).toEqual(['der-hex', 'raw-hex', 'raw-base64', 'der-base64']);
    for (const style of sender.styles)
      expect(verifyOutcome(() => panjaya.verify(received(sample('version_ready', {}, style)), trusted, new Date()))).toBe('ok');
  });

  describe('options (`--asset`, `--version`, `--locale`)', () => {
    it('are the ones the usage text lists, each explained', () => {
      expect(Object.keys(sender.options)).toEqual(['asset', 'version', 'locale']);
      expect(sender.options.asset?.help).toMatch(/asset/);
      expect(sender.options.version?.help).toMatch(/^version id .*asset_\* events/);
      expect(sender.options.locale?.help).toMatch(/locale/);
    });
    it('default to the values the usage text shows, which make a job the receiver accepts', () => {
      const made = sample('version_generated');
      const event = verifyAndNormalise(panjaya, received(made), trusted);
      const defaults = [sender.options.asset?.default, sender.options.version?.default];
      expect(made.job).toEqual(defaults);
      expect(panjaya.naming.toArgs(event)).toEqual(defaults);
      expect(event.details?.locale).toBe(sender.options.locale?.default);
      for (const value of [...defaults, event.details?.locale]) expect(value).toMatch(/\S/);
    });
  });
});

describe('the development key pair (npm start)', () => {
  it('is a P-256 pair: its public half parses as trust, and its private half signs what the receiver accepts', () => {
    const pair = panjaya.trust.kind === 'public-keys' ? panjaya.trust.generateDevKeyPair() : undefined;
    if (panjaya.trust.kind !== 'public-keys' || !pair) throw new Error('Panjaya trusts public keys');
    const keys = panjaya.trust.parse(pair.publicKeyPem);
    const made = sender.sample('version_generated', {}, signerOf(createPrivateKey(pair.privateKeyPem)), 'der-hex');
    expect(verifyOutcome(() => panjaya.verify(received(made), keysTrust(...keys), new Date()))).toBe('ok');
    expect(verifyOutcome(() => panjaya.verify(received(made), trusted, new Date()))).toBe('invalid_signature');
  });
});
