/**
 * What the load run sends: jobs for about `size` distinct signed deliveries for both providers (~10% duplicates,
 * Panjaya regeneration cycles) and the shuffled send queue built from them. Deterministic for a seed.
 */
import { randomUUID } from 'node:crypto';
import { readDevSigningMaterial } from '../../../local/dev-credentials';
import { contentor } from '../../../lambda/core/providers/contentor';
import { panjaya } from '../../../lambda/core/providers/panjaya';
import type { ProviderModule } from '../../../lambda/core/providers/provider';
import { contentorEnvelope, signContentorHeader, signPanjaya, type ContentorHeaderStyle, type PanjayaSignatureEncoding } from '../../../tools/lib/signing';

/** A delivery as the provider would send it. */
export interface Delivery {
  readonly provider: 'contentor' | 'panjaya';
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** One job: its events in the order the provider emits them (Panjaya chains must arrive in that order). */
export interface PlannedJob {
  readonly provider: 'contentor' | 'panjaya';
  readonly partitionId: string;
  readonly jobId: string;
  readonly deliveries: Delivery[];
  /** Which deliveries get a duplicate (same event, maybe another signing style). */
  readonly duplicates: Delivery[];
  readonly finalEventType: string;
  readonly terminalEvents: number;
}

/** The local stack's development credentials, to sign as the providers do. */
export interface Signing {
  readonly contentorSecret: string;
  readonly panjayaPrivateKey: string;
}

export function readSigning(stateDir: string): Signing {
  const material = (module: ProviderModule) => {
    const found = readDevSigningMaterial(stateDir, module);
    if (found === undefined) throw new Error(`no development ${module.name} material in ${stateDir}`);
    return found;
  };
  return { contentorSecret: material(contentor), panjayaPrivateKey: material(panjaya) };
}

/** Deterministic PRNG (mulberry32) so a failing run can be repeated with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

const contentorHeaderStyleList: readonly ContentorHeaderStyle[] = ['hex', 'base64', 'sha256=hex'];
const panjayaEncodings: readonly PanjayaSignatureEncoding[] = ['der-hex', 'raw-hex', 'raw-base64'];

function contentorDelivery(data: Record<string, unknown>, signing: Signing, styleIndex: number): Delivery {
  // Style 3 is the body envelope; the others the header form (the same event either way).
  if (styleIndex % 4 === 3) return { provider: 'contentor', body: contentorEnvelope(data, signing.contentorSecret), headers: {} };
  const body = JSON.stringify(data);
  const style = contentorHeaderStyleList[styleIndex % 4] ?? 'hex';
  return { provider: 'contentor', body, headers: { 'X-Webhook-Signature': signContentorHeader(body, signing.contentorSecret, style) } };
}

function panjayaDelivery(payload: Record<string, unknown>, signing: Signing, encodingIndex: number): Delivery {
  const body = JSON.stringify(payload);
  const encoding = panjayaEncodings[encodingIndex % panjayaEncodings.length] ?? 'der-hex';
  return { provider: 'panjaya', body, headers: { 'X-Signature': signPanjaya(body, signing.panjayaPrivateKey, encoding) } };
}

/** Jobs for about `size` distinct deliveries, half per provider. */
export function planJobs(size: number, duplicateRate: number, signing: Signing, random: () => number): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  const base = Date.parse('2026-01-01T00:00:00Z');
  let contentorLeft = Math.ceil(size / 2);
  while (contentorLeft > 0) {
    const uuid = randomUUID();
    const outcome = random() < 0.8 ? 'completed' : 'failed';
    const statuses = ['downloading', 'processing', 'uploading', outcome];
    const start = base + Math.floor(random() * 86_400_000);
    const deliveries = statuses.map((status, i) =>
      contentorDelivery({ uuid, status, timestamp: new Date(start + i * 7_000 + Math.floor(random() * 999)).toISOString() }, signing, Math.floor(random() * 4)),
    );
    const duplicates = statuses.flatMap((_status, i) => {
      if (random() >= duplicateRate) return [];
      // The same event re-signed in another style is still the same event; copying the body keeps its timestamp.
      const original = deliveries[i] as Delivery;
      return [{ ...original }];
    });
    jobs.push({ provider: 'contentor', partitionId: uuid, jobId: uuid, deliveries, duplicates, finalEventType: outcome, terminalEvents: 1 });
    contentorLeft -= statuses.length;
  }
  let panjayaLeft = size - Math.ceil(size / 2);
  for (let _asset = 0; panjayaLeft > 0; _asset += 1) {
    const assetId = `asset-${randomUUID().slice(0, 13)}`;
    const versions = random() < 0.5 ? 1 : 2;
    for (let v = 0; v < versions; v += 1) {
      const versionId = `v${v + 1}`;
      const outcome = random() < 0.85 ? 'version_generated' : 'version_generate_failed';
      // About a third regenerate: generating → generated → generating → generated notifies twice.
      const regenerated = outcome === 'version_generated' && random() < 0.33;
      const events = ['version_ready', 'version_generating', outcome, ...(regenerated ? ['version_generating', 'version_generated'] : [])];
      const deliveries = events.map((event) =>
        panjayaDelivery({ event, asset_id: assetId, version_id: versionId, version_locale: 'es-ES' }, signing, Math.floor(random() * panjayaEncodings.length)),
      );
      jobs.push({
        provider: 'panjaya',
        partitionId: assetId,
        jobId: `${assetId}/${versionId}`,
        deliveries,
        duplicates: [],
        finalEventType: events[events.length - 1] ?? '',
        terminalEvents: regenerated ? 2 : 1,
      });
      panjayaLeft -= events.length;
    }
    if (random() < 0.05) {
      jobs.push({
        provider: 'panjaya',
        partitionId: assetId,
        jobId: assetId,
        deliveries: [panjayaDelivery({ event: 'asset_failed', asset_id: assetId, version_id: null }, signing, 0)],
        duplicates: [],
        finalEventType: 'asset_failed',
        terminalEvents: 1,
      });
      panjayaLeft -= 1;
    }
  }
  return jobs;
}

/**
 * A unit of the send queue: Contentor deliveries (and their duplicates) are independent units in a global shuffle; a
 * Panjaya job is a chain whose next event is sent only after the previous one was answered 2xx, as Panjaya sends them.
 * A Panjaya duplicate is the same body again right after the first answer (a lost response, retried).
 */
export interface Unit {
  readonly job: PlannedJob;
  readonly steps: Delivery[];
  readonly duplicateAfter: ReadonlySet<number>;
  next: number;
}

export function buildUnits(jobs: PlannedJob[], duplicateRate: number, random: () => number): Unit[] {
  const units: Unit[] = [];
  for (const job of jobs) {
    if (job.provider === 'contentor') {
      for (const delivery of [...job.deliveries, ...job.duplicates]) units.push({ job, steps: [delivery], duplicateAfter: new Set(), next: 0 });
    } else {
      const duplicateAfter = new Set<number>();
      job.deliveries.forEach((_, i) => {
        if (random() < duplicateRate) duplicateAfter.add(i);
      });
      units.push({ job, steps: job.deliveries, duplicateAfter, next: 0 });
    }
  }
  return shuffle(units, random);
}

/** Distinct deliveries of a plan, and every send including the duplicates. */
export function planSize(jobs: readonly PlannedJob[], units: readonly Unit[]): { distinct: number; totalPlanned: number } {
  const distinct = jobs.reduce((n, j) => n + j.deliveries.length, 0);
  const totalPlanned = distinct + jobs.reduce((n, j) => n + j.duplicates.length, 0) + units.reduce((n, u) => n + u.duplicateAfter.size, 0);
  return { distinct, totalPlanned };
}
