/**
 * Event items in the table's shape (EventItemSchema), written straight to a test table so the fan-out can be
 * tested without the ingest path. Terminal events carry notifyTopic and the sparse pending-index keys, as the
 * store writes them.
 */
import { randomUUID, createHash } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventItemSchema, type EventItem } from '../../lambda/core/items';
import { topicFor, type NormalisedStatus, type NotificationDocumentFields } from '../../lambda/core/model';
import { detailsOf } from '../../lambda/core/providers/body';
import { keys, PENDING_PARTITION } from '../../lambda/contracts';

let sequence = 0;

interface Common {
  receivedAt?: string;
  occurredAt?: string;
  extraPayload?: Record<string, unknown>;
}

const panjayaStatus: Record<string, NormalisedStatus> = {
  version_generating: 'in_progress',
  version_ready: 'ready',
  version_generated: 'succeeded',
  version_failed: 'failed',
  version_generate_failed: 'failed',
  asset_failed: 'failed',
};
const contentorStatus: Record<string, NormalisedStatus> = {
  downloading: 'in_progress',
  processing: 'in_progress',
  uploading: 'in_progress',
  completed: 'succeeded',
  failed: 'failed',
};

function build(base: Omit<EventItem, 'pk' | 'sk' | 'itemType' | 'eventId' | 'orderKey' | 'contentHash' | 'notifyTopic' | 'gsi2pk' | 'gsi2sk'>): EventItem {
  sequence += 1;
  const orderKey = `${base.occurredAt}#${String(sequence).padStart(10, '0')}`;
  const eventId = createHash('sha256').update(`${base.provider}#${base.jobId}#${orderKey}#${randomUUID()}`).digest('hex').slice(0, 32);
  const topic = topicFor(base.status);
  const item: EventItem = {
    ...base,
    pk: keys.partition(base.provider, base.partitionId),
    sk: keys.event(base.jobId, orderKey),
    itemType: 'event',
    eventId,
    orderKey,
    contentHash: eventId,
    ...(topic ? { notifyTopic: topic, gsi2pk: PENDING_PARTITION, gsi2sk: keys.pendingSort(base.receivedAt, eventId) } : {}),
  };
  return EventItemSchema.parse(item);
}

/** The raw body and the excerpts the receiver stores beside it (providers/body.ts detailsOf, the real one). */
function withBody(payload: Record<string, unknown>): Pick<EventItem, 'body' | 'detailLocale' | 'detailMessage'> {
  const details = detailsOf((key) => payload[key]);
  return {
    body: Buffer.from(JSON.stringify(payload), 'utf8'),
    ...(details?.locale ? { detailLocale: details.locale } : {}),
    ...(details?.message ? { detailMessage: details.message } : {}),
  };
}

/** A Panjaya event; `version` omitted = asset-level event (`asset_failed`). */
export function panjayaItem(event: string, asset: string, version?: string, common: Common = {}): EventItem {
  const receivedAt = common.receivedAt ?? new Date().toISOString();
  return build({
    provider: 'panjaya',
    partitionId: asset,
    jobId: version === undefined ? asset : `${asset}/${version}`,
    status: panjayaStatus[event] ?? 'unknown',
    eventType: event,
    occurredAt: common.occurredAt ?? receivedAt,
    receivedAt,
    ...withBody({ event, asset_id: asset, version_id: version ?? null, ...(version ? { version_locale: 'es-ES' } : {}), ...common.extraPayload }),
  });
}

export function contentorItem(status: string, uuid: string = randomUUID(), common: Common = {}): EventItem {
  const receivedAt = common.receivedAt ?? new Date().toISOString();
  const occurredAt = common.occurredAt ?? receivedAt;
  return build({
    provider: 'contentor',
    partitionId: uuid,
    jobId: uuid,
    status: contentorStatus[status] ?? 'unknown',
    eventType: status,
    occurredAt,
    receivedAt,
    ...withBody({ uuid, status, timestamp: occurredAt, ...common.extraPayload }),
  });
}

/** Writes the item as the store would (one PutItem). */
export async function putItem(doc: DynamoDBDocumentClient, tableName: string, item: Record<string, unknown>): Promise<void> {
  await doc.send(new PutCommand({ TableName: tableName, Item: item }));
}

/** The contract document (docs/ARCHITECTURE.md "Fan-out") subscribers must receive for an item, spelled out field by field. */
export function expectedDocument(item: EventItem): NotificationDocumentFields & { payload: unknown } {
  return {
    provider: item.provider,
    jobId: item.jobId,
    status: item.status,
    eventType: item.eventType,
    eventId: item.eventId,
    occurredAt: item.occurredAt,
    receivedAt: item.receivedAt,
    payload: JSON.parse(Buffer.from(item.body ?? []).toString('utf8')),
  };
}
