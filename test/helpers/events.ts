/**
 * NormalisedEvent fixtures for storage tests, built directly (the provider modules are tested on their own).
 * Each builder gives a valid event; a test changes exactly what it is about.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { NormalisedEvent, NormalisedStatus } from '../../lambda/core/model';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const contentorStatuses: Record<string, { status: NormalisedStatus; rank: number }> = {
  downloading: { status: 'in_progress', rank: 1 },
  processing: { status: 'in_progress', rank: 2 },
  uploading: { status: 'in_progress', rank: 3 },
  completed: { status: 'succeeded', rank: 4 },
  failed: { status: 'failed', rank: 4 },
};

const panjayaStatuses: Record<string, NormalisedStatus> = {
  version_generating: 'in_progress',
  version_ready: 'ready',
  version_generated: 'succeeded',
  version_failed: 'failed',
  version_generate_failed: 'failed',
  asset_failed: 'failed',
};

/** A Contentor callback for job `uuid` with `status` at `timestamp` (provider time). */
export function contentorEvent(options: { uuid?: string; status?: string; timestamp?: string; extra?: Record<string, unknown> } = {}): NormalisedEvent {
  const uuid = options.uuid ?? randomUUID();
  const statusName = options.status ?? 'processing';
  const timestamp = options.timestamp ?? '2025-04-09T15:30:45Z';
  const payload = { uuid, status: statusName, timestamp, ...options.extra };
  const mapped = contentorStatuses[statusName] ?? { status: 'unknown' as const, rank: 0 };
  return {
    provider: 'contentor',
    jobId: uuid,
    partitionId: uuid,
    status: mapped.status,
    eventType: statusName,
    occurredAt: timestamp,
    payload,
    contentHash: sha256(`contentor|${JSON.stringify(payload)}`),
    ordering: 'provider-timestamp',
    rank: mapped.rank,
  };
}

/** A Panjaya callback: a version event when `versionId` is given, else an asset-level event. */
export function panjayaEvent(options: { assetId: string; versionId?: string; event: string; extra?: Record<string, unknown> }): NormalisedEvent {
  const { assetId, versionId, event } = options;
  const payload = { event, asset_id: assetId, version_id: versionId ?? null, ...options.extra };
  const body = JSON.stringify(payload);
  return {
    provider: 'panjaya',
    jobId: versionId === undefined ? assetId : `${assetId}/${versionId}`,
    partitionId: assetId,
    status: panjayaStatuses[event] ?? 'unknown',
    eventType: event,
    payload,
    contentHash: sha256(body),
    ordering: 'arrival-sequence',
    rank: 0,
  };
}
