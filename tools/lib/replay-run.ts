/**
 * `npm run replay` logic, apart from argument parsing so tests drive it in-process: list the quarantine, and
 * re-submit deliveries through the receiver's own `ingest` (same verification, normalisation and store) with the
 * trust in force now and `now` = the original receive time (ordering and Panjaya's retry window use it).
 * Accepted or duplicate → removed from the quarantine; refused again → stays. Without `execute` nothing is written.
 */
import type { DynamoQuarantineStore } from '../../lambda/adapters/dynamo-quarantine-store';
import { ingest, type IngestDeps } from '../../lambda/core/ingest';
import type { EventStore } from '../../lambda/core/ports';
import type { QuarantineItem } from '../../lambda/core/quarantine';

/** Which quarantined deliveries a command applies to. */
export interface ReplayFilters {
  readonly providers: readonly string[];
  readonly sinceIso: string;
  readonly reason?: string;
  /** Only these deliveries (the console's selection); absent = every delivery the other filters match. */
  readonly deliveryIds?: readonly string[];
}

/** One row of `list` (contract: deliveryId, provider, reason, httpStatus, receivedAt). */
export interface QuarantineView {
  deliveryId: string;
  provider: string;
  reason: string;
  httpStatus: number;
  receivedAt: string;
  /** The text the provider got back, e.g. the failing field. */
  detail?: string;
  bodyBytes: number;
  /** Names only: the values are signatures. */
  headers: string[];
}

export type ReplayOutcome = 'accepted' | 'duplicate' | 'rejected' | 'failed';

/** `run` result (contract: matched, accepted, duplicate, rejected). */
export interface ReplayReport {
  executed: boolean;
  matched: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  /** Storage or secret source failed (5xx): left in the quarantine, try again. */
  failed: number;
  deliveries: Array<
    QuarantineView & {
      outcome: ReplayOutcome;
      eventId?: string;
      /** The job an accepted or duplicate delivery belongs to (its keys: how to look it up). */
      job?: { partitionId: string; jobId: string };
      now?: { httpStatus: number; reason: string; detail: string };
    }
  >;
  unreadable: Array<{ pk: string; sk: string; reason: string }>;
}

/** A quarantine item as listed: the contract fields, the detail, the body's size and the header names. */
export function quarantineView(item: QuarantineItem): QuarantineView {
  return {
    deliveryId: item.deliveryId,
    provider: item.provider,
    reason: item.reason,
    httpStatus: item.httpStatus,
    receivedAt: item.receivedAt,
    detail: item.detail,
    bodyBytes: item.bodyBytes,
    headers: Object.keys(item.headers).sort(),
  };
}

async function matching(store: DynamoQuarantineStore, filters: ReplayFilters, now: Date, withBody: boolean) {
  const { items, unreadable } = await store.list({ providers: filters.providers, sinceIso: filters.sinceIso, nowIso: now.toISOString(), withBody });
  const ids = filters.deliveryIds === undefined ? undefined : new Set(filters.deliveryIds);
  const wanted = (item: QuarantineItem) => (filters.reason === undefined || item.reason === filters.reason) && (ids === undefined || ids.has(item.deliveryId));
  return { items: items.filter(wanted), unreadable };
}

/** Quarantined deliveries matching `filters`, newest first, as stored (without their bodies). */
export function listQuarantinedItems(store: DynamoQuarantineStore, filters: ReplayFilters, now = new Date()) {
  return matching(store, filters, now, false);
}

/** Quarantined deliveries matching `filters`, newest first. */
export async function listQuarantined(store: DynamoQuarantineStore, filters: ReplayFilters, now = new Date()) {
  const { items, unreadable } = await listQuarantinedItems(store, filters, now);
  return { deliveries: items.map(quarantineView), unreadable };
}

/**
 * What a replay needs: the quarantine, the receiver's ingest dependencies, and the store a dry run uses instead (the
 * receiver's own store behind its read-only guard, adapters/dynamo-event-store.ts `readOnly`).
 */
export interface ReplayDeps {
  readonly quarantine: DynamoQuarantineStore;
  readonly ingestDeps: IngestDeps;
  readonly dryRunStore: EventStore;
  readonly now?: () => Date;
}

/** Re-submits the matching deliveries, oldest first (so a job's events are stored in the order they came). */
export async function runReplay(filters: ReplayFilters, execute: boolean, deps: ReplayDeps): Promise<ReplayReport> {
  const { items, unreadable } = await matching(deps.quarantine, filters, deps.now?.() ?? new Date(), true);
  const report: ReplayReport = { executed: execute, matched: items.length, accepted: 0, duplicate: 0, rejected: 0, failed: 0, deliveries: [], unreadable };
  for (const item of [...items].reverse()) {
    const result = await ingest(
      { providerName: item.provider, body: Buffer.from(item.body ?? new Uint8Array()).toString('base64'), isBase64Encoded: true, headers: item.headers },
      { ...deps.ingestDeps, store: execute ? deps.ingestDeps.store : deps.dryRunStore, now: () => new Date(item.receivedAt) },
    );
    if (result.kind === 'stored') {
      report[result.stored.outcome]++;
      if (execute) await deps.quarantine.remove(item);
      const job = { partitionId: result.event.partitionId, jobId: result.event.jobId };
      report.deliveries.push({ ...quarantineView(item), outcome: result.stored.outcome, eventId: result.stored.eventId, job });
      continue;
    }
    const outcome: ReplayOutcome = result.error.httpStatus >= 500 ? 'failed' : 'rejected';
    report[outcome]++;
    report.deliveries.push({
      ...quarantineView(item),
      outcome,
      now: { httpStatus: result.error.httpStatus, reason: result.error.reason, detail: result.error.message },
    });
  }
  // Newest first, like the listing.
  report.deliveries.reverse();
  return report;
}
