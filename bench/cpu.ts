/**
 * Warm per-event CPU of the receiver's pure work — body decoding, header normalising, signature verification,
 * parsing/normalising, event item and state update building — per provider and Contentor signature style, measured
 * with process.cpuUsage over many iterations (median of several rounds), beside the raw crypto floor: one ECDSA
 * P-256 verify and one HMAC-SHA256 over the same body.
 */
import { createHmac, sign, verify } from 'node:crypto';
import { decodeBody, normaliseHeaders } from '../lambda/core/ingest';
import { buildEventItem, placeBySequence, placeByTimestamp, stateUpdateFor } from '../lambda/core/event-items';
import { getProvider } from '../lambda/core/providers';
import type { TrustMaterial } from '../lambda/core/providers/provider';
import { contentorDelivery, panjayaDelivery, type BenchTrust, type Delivery, type DeliveryStyle } from './fixtures';
import { median, round } from './stats';

/** Per-style result: µs per event, the floor it is held to, and the target from issue 6. */
export interface CpuStyleResult {
  readonly perEventUs: number;
  readonly floorUs: number;
  /** 1.5 × floor + 20 µs. */
  readonly targetUs: number;
  readonly withinTarget: boolean;
}

export interface CpuResult {
  readonly ecdsaVerifyUs: number;
  readonly hmacUs: number;
  readonly styles: Record<DeliveryStyle, CpuStyleResult>;
  readonly iterations: number;
  readonly rounds: number;
}

/** CPU µs per call of `fn`: median over `rounds` of (user+system CPU of `iterations` calls) / iterations. */
export function cpuMicrosPerCall(fn: () => void, iterations: number, rounds: number): number {
  for (let i = 0; i < Math.min(iterations, 500); i++) fn(); // warm-up: JIT, caches
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; i++) fn();
    const used = process.cpuUsage(start);
    perRound.push((used.user + used.system) / iterations);
  }
  return median(perRound);
}

/** The receiver's per-event work without I/O, exactly as ingest and the store do it. */
function pipelineFor(delivery: Delivery, trust: TrustMaterial): () => void {
  const provider = getProvider(delivery.provider);
  if (!provider) throw new Error(`no provider ${delivery.provider}`);
  const incoming = { providerName: delivery.provider, body: delivery.body, isBase64Encoded: false, headers: delivery.headers };
  const receivedAt = new Date().toISOString();
  return () => {
    const request = { body: decodeBody(incoming, 262_144), headers: normaliseHeaders(incoming.headers) };
    provider.verify(request, trust);
    const event = provider.normalise(request);
    const placement = event.ordering === 'provider-timestamp' ? placeByTimestamp(event, receivedAt) : placeBySequence(event, receivedAt, 1);
    stateUpdateFor(buildEventItem(event, placement, receivedAt, 90), event.ordering);
  };
}

export function measureCpu(benchTrust: BenchTrust, iterations = 4000, rounds = 7): CpuResult {
  const trust: TrustMaterial = { panjayaPublicKeys: [benchTrust.panjayaPublicKey], contentorSecrets: [benchTrust.contentorSecret] };
  const at = '2026-11-23T07:31:05.754Z';
  const deliveries: Record<DeliveryStyle, Delivery> = {
    panjaya: panjayaDelivery(benchTrust, 'asset-cpu', 'v1', 'version_generated', true),
    'contentor-header': contentorDelivery(benchTrust, '3f2a9c1e-7d7e-4c55-9a3b-5d0c2f1e9b10', 'completed', at, 'contentor-header', true),
    'contentor-envelope': contentorDelivery(benchTrust, '3f2a9c1e-7d7e-4c55-9a3b-5d0c2f1e9b10', 'completed', at, 'contentor-envelope', true),
  };
  const panjayaBody = Buffer.from(deliveries.panjaya.body);
  const signature = sign('sha256', panjayaBody, benchTrust.panjayaPrivateKey);
  const ecdsaVerifyUs = cpuMicrosPerCall(() => {
    if (!verify('sha256', panjayaBody, benchTrust.panjayaPublicKey, signature)) throw new Error('floor verify failed');
  }, iterations, rounds);
  const contentorBody = Buffer.from(deliveries['contentor-header'].body);
  const hmacUs = cpuMicrosPerCall(() => void createHmac('sha256', benchTrust.contentorSecret).update(contentorBody).digest(), iterations * 5, rounds);
  const styleResult = (style: DeliveryStyle): CpuStyleResult => {
    const floorUs = style === 'panjaya' ? ecdsaVerifyUs : hmacUs;
    const perEventUs = cpuMicrosPerCall(pipelineFor(deliveries[style], trust), iterations, rounds);
    const targetUs = 1.5 * floorUs + 20;
    return { perEventUs: round(perEventUs), floorUs: round(floorUs), targetUs: round(targetUs), withinTarget: perEventUs <= targetUs };
  };
  return {
    ecdsaVerifyUs: round(ecdsaVerifyUs),
    hmacUs: round(hmacUs, 2),
    styles: { panjaya: styleResult('panjaya'), 'contentor-header': styleResult('contentor-header'), 'contentor-envelope': styleResult('contentor-envelope') },
    iterations,
    rounds,
  };
}
