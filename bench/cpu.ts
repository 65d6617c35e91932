/**
 * Warm per-event CPU of the receiver's pure work — body decoding, header normalising, signature verification,
 * parsing/normalising, event item, state transition and its update request building — per provider and Contentor signature style, beside the
 * raw crypto floor: one ECDSA P-256 verify and one HMAC-SHA256 over the same body.
 *
 * Method, for a noisy 2-core machine: CPU time (process.cpuUsage) of batches of calls; every round runs one batch of
 * each floor and each style, taking turns in a rotating order, so a slow stretch of the machine hits floors and
 * subjects alike. Each figure is the median over rounds, and each style also gets the median of its paired
 * per-round excess over its floor, which cancels most of the drift between rounds.
 */
import { createHmac, sign, verify } from 'node:crypto';
import { stateUpdateRequest } from '../lambda/adapters/state-update-expressions';
import { decodeBody, normaliseHeaders } from '../lambda/core/ingest';
import type { StateItem } from '../lambda/core/items';
import { DEFAULT_RETRY_WINDOW_SECONDS, planWrite } from '../lambda/core/write-plan';
import { DEFAULT_EVENT_RETENTION_DAYS } from '../lambda/contracts';
import { builtInRegistry } from '../lambda/core/providers';
import type { Trust } from '../lambda/core/providers/provider';
import { contentorDelivery, panjayaDelivery, type BenchTrust, type Delivery, type DeliveryStyle } from './fixtures';
import { median, quantile, round } from './stats';

/** Per-style result: µs per event, the floor it is held to, and the target it is reported against. */
export interface CpuStyleResult {
  readonly perEventUs: number;
  readonly floorUs: number;
  /** 1.5 × floor + 20 µs. */
  readonly targetUs: number;
  readonly withinTarget: boolean;
  /** Median over rounds of (this round's per-event µs − this round's floor µs): the non-crypto work. */
  readonly overFloorUs: number;
  /** Interquartile range of the per-round per-event µs, to show how noisy the run was. */
  readonly p25Us: number;
  readonly p75Us: number;
  /** Rounds in which the style met 1.5 × that round's floor + 20 µs, out of `rounds`. */
  readonly roundsWithinTarget: number;
}

export interface CpuResult {
  readonly ecdsaVerifyUs: number;
  readonly hmacUs: number;
  readonly styles: Record<DeliveryStyle, CpuStyleResult>;
  /** Calls per batch of a Contentor style (Panjaya and the ECDSA floor: a quarter; the HMAC floor: 4×). */
  readonly iterations: number;
  readonly rounds: number;
  readonly method: string;
}

/** CPU µs per call of `fn`: median over `rounds` of (user+system CPU of `iterations` calls) / iterations. */
export function cpuMicrosPerCall(fn: () => void, iterations: number, rounds: number): number {
  return median(interleavedRounds({ only: { fn, iterations } }, rounds).only);
}

/** The receiver's per-event work without I/O, exactly as ingest and the store do it. */
function pipelineFor(delivery: Delivery, trust: Trust): () => void {
  const provider = builtInRegistry.get(delivery.provider);
  if (!provider) throw new Error(`no provider ${delivery.provider}`);
  const incoming = { providerName: delivery.provider, body: delivery.body, isBase64Encoded: false, headers: delivery.headers };
  const receivedAt = new Date().toISOString();
  // The common case: the job's state exists, in progress (an earlier body in the retry list), and this terminal
  // event changes its status.
  const earlier = new Date(Date.parse(receivedAt) - 60_000).toISOString();
  const current = {
    pk: 'p',
    sk: 's',
    itemType: 'state',
    provider: delivery.provider,
    jobId: 'j',
    partitionId: 'j',
    status: 'in_progress',
    eventType: 'processing',
    eventId: 'e',
    occurredAt: earlier,
    receivedAt: earlier,
    updatedAt: earlier,
    orderKey: '',
    seq: 1,
    lastContentHash: 'h',
    headRank: 2,
    recent: `0123456789abcdef:1:${Math.floor(Date.parse(earlier) / 1000)}`,
    gsi1pk: 'x',
    gsi1sk: 'y',
  } as StateItem;
  const config = { retentionDays: DEFAULT_EVENT_RETENTION_DAYS, retryWindowSeconds: DEFAULT_RETRY_WINDOW_SECONDS };
  return () => {
    const request = { body: decodeBody(incoming, 262_144), headers: normaliseHeaders(incoming.headers) };
    const event = provider.normalise(request, provider.verify(request, trust, new Date()));
    const plan = planWrite(event, receivedAt, current, config);
    if (plan.kind !== 'write' || plan.state === undefined) throw new Error('bench: the state must be older than the event');
    // The store adapter spells the plan's transition as an update request before it sends it.
    stateUpdateRequest(plan.state);
  };
}

/** One thing to time: `fn` is called `iterations` times per batch. */
interface Subject {
  readonly fn: () => void;
  readonly iterations: number;
}

/**
 * Per-call CPU µs of every subject in every round (result[subject][round]). Within a round the subjects take turns,
 * starting one further along each round, so no subject always runs first (after a GC, or right after another).
 */
export function interleavedRounds<K extends string>(subjects: Readonly<Record<K, Subject>>, rounds: number): Record<K, number[]> {
  const names = Object.keys(subjects) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (const name of names) {
    const { fn, iterations } = subjects[name];
    for (let i = 0; i < Math.min(iterations, 500); i++) fn(); // warm-up: JIT, caches
  }
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length] as K;
      const { fn, iterations } = subjects[name];
      const start = process.cpuUsage();
      for (let i = 0; i < iterations; i++) fn();
      const used = process.cpuUsage(start);
      samples[name].push((used.user + used.system) / iterations);
    }
  }
  return samples;
}

export function measureCpu(benchTrust: BenchTrust, iterations = 2000, rounds = 21): CpuResult {
  const trust: Trust = { publicKeys: [benchTrust.panjayaPublicKey], secrets: [benchTrust.contentorSecret] };
  const at = '2026-11-23T07:31:05.754Z';
  const deliveries: Record<DeliveryStyle, Delivery> = {
    panjaya: panjayaDelivery(benchTrust, 'asset-cpu', 'v1', 'version_generated', true),
    'contentor-header': contentorDelivery(benchTrust, '3f2a9c1e-7d7e-4c55-9a3b-5d0c2f1e9b10', 'completed', at, 'contentor-header', true),
    'contentor-envelope': contentorDelivery(benchTrust, '3f2a9c1e-7d7e-4c55-9a3b-5d0c2f1e9b10', 'completed', at, 'contentor-envelope', true),
  };
  const panjayaBody = Buffer.from(deliveries.panjaya.body);
  const signature = sign('sha256', panjayaBody, benchTrust.panjayaPrivateKey);
  const contentorBody = Buffer.from(deliveries['contentor-header'].body);
  // Batches of similar length (~10-60 ms each): ECDSA work is ~30× an HMAC.
  const slow = Math.max(1, Math.round(iterations / 4));
  const samples = interleavedRounds(
    {
      ecdsa: {
        fn: () => {
          if (!verify('sha256', panjayaBody, benchTrust.panjayaPublicKey, signature)) throw new Error('floor verify failed');
        },
        iterations: slow,
      },
      hmac: { fn: () => void createHmac('sha256', benchTrust.contentorSecret).update(contentorBody).digest(), iterations: iterations * 4 },
      panjaya: { fn: pipelineFor(deliveries.panjaya, trust), iterations: slow },
      'contentor-header': { fn: pipelineFor(deliveries['contentor-header'], trust), iterations },
      'contentor-envelope': { fn: pipelineFor(deliveries['contentor-envelope'], trust), iterations },
    },
    rounds,
  );
  const styleResult = (style: DeliveryStyle): CpuStyleResult => {
    const floors = style === 'panjaya' ? samples.ecdsa : samples.hmac;
    const perRound = samples[style];
    const floorUs = median(floors);
    const perEventUs = median(perRound);
    const targetUs = 1.5 * floorUs + 20;
    const excess = perRound.map((us, r) => us - (floors[r] ?? Number.NaN));
    const roundsWithinTarget = perRound.filter((us, r) => us <= 1.5 * (floors[r] ?? Number.NaN) + 20).length;
    return {
      perEventUs: round(perEventUs),
      floorUs: round(floorUs),
      targetUs: round(targetUs),
      withinTarget: perEventUs <= targetUs,
      overFloorUs: round(median(excess)),
      p25Us: round(quantile(perRound, 0.25)),
      p75Us: round(quantile(perRound, 0.75)),
      roundsWithinTarget,
    };
  };
  return {
    ecdsaVerifyUs: round(median(samples.ecdsa)),
    hmacUs: round(median(samples.hmac), 2),
    styles: { panjaya: styleResult('panjaya'), 'contentor-header': styleResult('contentor-header'), 'contentor-envelope': styleResult('contentor-envelope') },
    iterations,
    rounds,
    method:
      'process.cpuUsage of batches; floors and styles interleaved in rotating order each round; medians over rounds, overFloorUs = median of paired per-round differences',
  };
}
