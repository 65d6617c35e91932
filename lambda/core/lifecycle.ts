/**
 * The normalised lifecycle (DESIGN.md "Normalised lifecycle") as data: which provider event/status maps to which
 * normalised status, and the rank that breaks ties between events with the same provider timestamp.
 */
import type { NormalisedStatus } from './model';

/** Panjaya `event` → normalised status. Any other event is `unknown` (stored and counted, never rejected). */
export const panjayaEventStatuses: Readonly<Record<string, NormalisedStatus>> = {
  version_generating: 'in_progress',
  version_ready: 'ready',
  version_generated: 'succeeded',
  asset_failed: 'failed',
  version_failed: 'failed',
  version_generate_failed: 'failed',
};

/** Contentor `status` → normalised status. Any other status is `unknown`. */
export const contentorStatuses: Readonly<Record<string, NormalisedStatus>> = {
  downloading: 'in_progress',
  processing: 'in_progress',
  uploading: 'in_progress',
  completed: 'succeeded',
  failed: 'failed',
};

/** Contentor's pipeline order: a later stage wins a timestamp tie; unknown statuses rank lowest. */
const contentorStageRanks: Readonly<Record<string, number>> = { downloading: 1, processing: 2, uploading: 3, completed: 4, failed: 4 };

/** Panjaya's order within one cycle (QC-ready, then generation, then its outcome); unknown events rank lowest. */
const panjayaStageRanks: Readonly<Record<string, number>> = {
  version_ready: 1,
  version_generating: 2,
  version_generated: 3,
  version_failed: 3,
  version_generate_failed: 3,
  asset_failed: 3,
};

// Providers' spelling may drift in case or stray whitespace; the mapping should not depend on it.
const key = (name: string): string => name.trim().toLowerCase();

function lookup<T>(table: Readonly<Record<string, T>>, name: string, fallback: T): T {
  const k = key(name);
  return Object.hasOwn(table, k) ? (table[k] ?? fallback) : fallback;
}

/** Normalised status of a Panjaya event name. */
export function panjayaStatusFor(event: string): NormalisedStatus {
  return lookup(panjayaEventStatuses, event, 'unknown');
}

/** Normalised status of a Contentor status value. */
export function contentorStatusFor(status: string): NormalisedStatus {
  return lookup(contentorStatuses, status, 'unknown');
}

/** Tie-break rank of a Panjaya event (0 for unknown). */
export function panjayaRank(event: string): number {
  return lookup(panjayaStageRanks, event, 0);
}

/** Tie-break rank of a Contentor status: downloading < processing < uploading < completed/failed; 0 for unknown. */
export function contentorRank(status: string): number {
  return lookup(contentorStageRanks, status, 0);
}
