/**
 * NormalisedEvent fixtures for storage tests, built directly (the provider modules' parsing and signatures are tested
 * on their own); statuses and ranks come from the provider modules.
 * Each builder gives a valid event; a test changes exactly what it is about.
 */
import { createHash, randomUUID } from 'node:crypto';
import { contentor } from '../../lambda/core/providers/contentor';
import { panjaya } from '../../lambda/core/providers/panjaya';
import type { NormalisedEvent } from '../../lambda/core/model';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A Contentor callback for job `uuid` with `status` at `timestamp` (provider time). */
export function contentorEvent(options: { uuid?: string; status?: string; timestamp?: string; extra?: Record<string, unknown> } = {}): NormalisedEvent {
  const uuid = options.uuid ?? randomUUID();
  const statusName = options.status ?? 'processing';
  const timestamp = options.timestamp ?? '2025-04-09T15:30:45Z';
  const payload = { uuid, status: statusName, timestamp, ...options.extra };
  return {
    provider: 'contentor',
    jobId: uuid,
    partitionId: uuid,
    status: contentor.statusOf(statusName),
    eventType: statusName,
    occurredAt: timestamp,
    body: Buffer.from(JSON.stringify(payload), 'utf8'),
    contentHash: sha256(`contentor|${JSON.stringify(payload)}`),
    ordering: 'provider-timestamp',
    rank: contentor.rankOf(statusName),
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
    status: panjaya.statusOf(event),
    eventType: event,
    body: Buffer.from(body, 'utf8'),
    contentHash: sha256(body),
    ordering: 'arrival-sequence',
    rank: panjaya.rankOf(event),
  };
}

/** The payload text a normalised event points at (its span of the raw body), as the fan-out will send it. */
export function payloadTextOfEvent(event: Pick<NormalisedEvent, 'body' | 'payloadSpan'>): string {
  const body = Buffer.from(event.body);
  return body.subarray(event.payloadSpan?.start ?? 0, event.payloadSpan?.end ?? body.length).toString('utf8');
}
