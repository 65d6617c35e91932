/**
 * Verification cost per request, by path: median wall time of one `verify` call over many iterations on this
 * machine (single-threaded, so close to CPU time). Reported, never asserted. Run: `npx tsx test/unit/providers/measure-verification.ts`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { contentor } from '../../../lambda/core/providers/contentor';
import { panjaya } from '../../../lambda/core/providers/panjaya';
import type { ProviderModule, Trust } from '../../../lambda/core/providers/provider';
import { contentorEnvelope, signContentorHeader, signPanjaya } from '../../helpers/signing';
import { request } from './outcome';

const ITERATIONS = 3000;
const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const secret = 'whsec-measure';
const panjayaBody = '{"asset_id":"asset-1","version_id":"ver-1","version_locale":"fr-FR","event":"version_generated"}';
const data = '{"uuid": "a1b2c3d4-e5f6-7890-abcd-1234567890ab", "status": "processing", "timestamp": "2025-04-09T15:30:45Z"}';
const oneKey: Trust = { publicKeys: [key.publicKey], secrets: [secret] };
const rotation: Trust = { publicKeys: [otherKey.publicKey, key.publicKey], secrets: ['whsec-old', secret] };

function medianMicros(provider: ProviderModule, body: string, headers: Record<string, string>, trust: Trust): number {
  const req = request(body, headers);
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = process.hrtime.bigint();
    try {
      provider.verify(req, trust, new Date());
    } catch {
      // Rejections are measured too.
    }
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

const cases: [string, ProviderModule, string, Record<string, string>, Trust][] = [
  ['panjaya der-hex, 1 key', panjaya, panjayaBody, { 'x-signature': signPanjaya(panjayaBody, key.privateKey) }, oneKey],
  ['panjaya raw-base64, 1 key', panjaya, panjayaBody, { 'x-signature': signPanjaya(panjayaBody, key.privateKey, 'raw-base64') }, oneKey],
  ['panjaya der-hex, 2 keys (2nd matches)', panjaya, panjayaBody, { 'x-signature': signPanjaya(panjayaBody, key.privateKey) }, rotation],
  ['panjaya invalid (other key), 1 key', panjaya, panjayaBody, { 'x-signature': signPanjaya(panjayaBody, otherKey.privateKey).replace(/.$/, '0') }, oneKey],
  ['contentor header hex, 1 secret', contentor, data, { 'x-webhook-signature': signContentorHeader(data, secret) }, oneKey],
  ['contentor header base64, 2 secrets', contentor, data, { 'x-webhook-signature': signContentorHeader(data, secret, 'base64') }, rotation],
  ['contentor envelope python, 1 secret', contentor, contentorEnvelope(data, secret), {}, oneKey],
  ['contentor envelope ruby-sort (6th form)', contentor, contentorEnvelope(data, secret, 'ruby-sort'), {}, oneKey],
  ['contentor envelope invalid, 2 secrets (all 7 forms)', contentor, contentorEnvelope(data, 'wrong'), {}, rotation],
];

for (const [name, provider, body, headers, trust] of cases) {
  medianMicros(provider, body, headers, trust); // warm-up
  console.log(`${name.padEnd(52)} ${medianMicros(provider, body, headers, trust).toFixed(1).padStart(8)} µs`);
}
