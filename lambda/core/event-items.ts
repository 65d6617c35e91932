/**
 * Pure builders for what the event store writes: event id, ordering key, the event item and the conditional state
 * update. No SDK imports: the DynamoDB adapter adds the table name and sends them; tests check them without I/O.
 *
 * Ordering (DESIGN.md): Contentor events carry a timestamp, so they order by `occurredAt#rank#eventId`; Panjaya
 * events carry neither id nor timestamp, so they order by the job's arrival sequence (zero-padded `seq`).
 */
import { createHash } from 'node:crypto';
import { ValidationError } from './errors';
import type { EventItem } from './items';
import { topicFor, type NormalisedEvent } from './model';
import { itemTypes, keys, PENDING_PARTITION } from './table-schema';

/** Width of the zero-padded Panjaya sequence in the sort key: 10 digits sort as strings up to ~10^10 events per job. */
export const SEQ_WIDTH = 10;
/** Width of the rank in a Contentor order key, so ranks >= 10 still sort as strings. */
const RANK_WIDTH = 2;
const EVENT_ID_HEX = 32;

function sha256Hex32(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, EVENT_ID_HEX);
}

/** Contentor event id: deterministic per content, so a provider retry maps to the same item. */
export function contentorEventId(contentHash: string): string {
  return sha256Hex32(`contentor|${contentHash}`);
}

/** Panjaya event id: the same body at another position in the job's history is another event (regeneration). */
export function panjayaEventId(jobId: string, seq: number, contentHash: string): string {
  return sha256Hex32(`panjaya|${jobId}|${seq}|${contentHash}`);
}

export function padSeq(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`sequence must be a positive integer, got ${seq}`);
  return String(seq).padStart(SEQ_WIDTH, '0');
}

/** Inverse of padSeq, for items read back from the table. */
export function seqFromOrderKey(orderKey: string): number {
  const seq = Number(orderKey);
  if (!/^\d+$/.test(orderKey) || !Number.isSafeInteger(seq)) throw new RangeError(`not a sequence order key: ${orderKey}`);
  return seq;
}

const ZONELESS_TIME = /T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/**
 * A provider timestamp as `toISOString()` (UTC, milliseconds), so order keys compare correctly as strings.
 * A time without a zone is read as UTC (DESIGN.md: provider timestamps are UTC), not as the host's local time.
 */
export function normaliseTimestamp(value: string): string {
  const date = new Date(ZONELESS_TIME.test(value) ? `${value}Z` : value);
  const iso = Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  // Years outside 0000-9999 come out as "+010000-…", which would not sort with the others.
  if (iso === undefined || !/^\d{4}-/.test(iso)) {
    throw new ValidationError(`timestamp is not a valid ISO-8601 time: ${value.slice(0, 40)}`);
  }
  return iso;
}

/** Contentor order key: time first, then lifecycle rank (a same-millisecond `completed` beats `processing`), then id. */
export function timestampOrderKey(occurredAt: string, rank: number, eventId: string): string {
  const boundedRank = Math.min(Math.max(Math.trunc(rank), 0), 10 ** RANK_WIDTH - 1);
  return `${occurredAt}#${String(boundedRank).padStart(RANK_WIDTH, '0')}#${eventId}`;
}

/** Where and as what one event is stored: its id, order key and the times on the item. */
export interface EventPlacement {
  eventId: string;
  orderKey: string;
  /** event.occurredAt normalised, else receivedAt. */
  occurredAt: string;
  /** Panjaya only: the job's arrival sequence this event takes. */
  seq?: number;
}

/** Placement of a timestamp-ordered (Contentor) event. */
export function placeByTimestamp(event: NormalisedEvent, receivedAt: string): EventPlacement {
  const eventId = contentorEventId(event.contentHash);
  const occurredAt = event.occurredAt === undefined ? receivedAt : normaliseTimestamp(event.occurredAt);
  return { eventId, occurredAt, orderKey: timestampOrderKey(occurredAt, event.rank, eventId) };
}

/** Placement of an arrival-ordered (Panjaya) event at sequence `seq` of its job. */
export function placeBySequence(event: NormalisedEvent, receivedAt: string, seq: number): EventPlacement {
  const occurredAt = event.occurredAt === undefined ? receivedAt : normaliseTimestamp(event.occurredAt);
  return { eventId: panjayaEventId(event.jobId, seq, event.contentHash), occurredAt, orderKey: padSeq(seq), seq };
}

const SECONDS_PER_DAY = 86_400;

/** TTL attribute value: epoch seconds `retentionDays` after receipt. */
export function expiresAtFor(receivedAt: string, retentionDays: number): number {
  return Math.floor(Date.parse(receivedAt) / 1000) + Math.round(retentionDays * SECONDS_PER_DAY);
}

/**
 * The event item. Terminal events get `notifyTopic` and the sparse pending-index keys, which the fan-out removes
 * once published; everything else stays out of that index.
 */
export function buildEventItem(event: NormalisedEvent, placement: EventPlacement, receivedAt: string, retentionDays: number): EventItem {
  const notifyTopic = topicFor(event.status);
  const item: EventItem = {
    pk: keys.partition(event.provider, event.partitionId),
    sk: keys.event(event.jobId, placement.orderKey),
    itemType: itemTypes.event,
    provider: event.provider,
    jobId: event.jobId,
    partitionId: event.partitionId,
    eventId: placement.eventId,
    status: event.status,
    eventType: event.eventType,
    occurredAt: placement.occurredAt,
    receivedAt,
    orderKey: placement.orderKey,
    contentHash: event.contentHash,
    payload: event.payload,
    expiresAt: expiresAtFor(receivedAt, retentionDays),
  };
  if (notifyTopic !== undefined) {
    item.notifyTopic = notifyTopic;
    item.gsi2pk = PENDING_PARTITION;
    item.gsi2sk = keys.pendingSort(receivedAt, placement.eventId);
  }
  return item;
}

/** An UpdateItem request without the table name, in the DynamoDB document-client shape. */
export interface StateUpdate {
  Key: { pk: string; sk: string };
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, string | number>;
}

/** State attributes set from the event item; names and the SET clause are fixed, so they are built once. */
const STATE_FIELDS = [
  'itemType', 'provider', 'jobId', 'partitionId', 'status', 'eventType', 'eventId', 'occurredAt', 'receivedAt',
  'updatedAt', 'orderKey', 'lastContentHash', 'gsi1pk', 'gsi1sk',
] as const;
const STATE_NAMES: Readonly<Record<string, string>> = Object.fromEntries([
  ['#pk', 'pk'],
  ['#seq', 'seq'],
  ...STATE_FIELDS.map((name) => [`#${name}`, name]),
]);
const STATE_SETS = STATE_FIELDS.map((name) => `#${name} = :${name}`).join(', ');
// Per ordering: the SET clause (with how `seq` moves) and the newer-than condition. Built per call before, it was
// the largest single CPU cost of item building (npm run bench, cpu).
const STATE_EXPRESSIONS = {
  'arrival-sequence': { update: `SET ${STATE_SETS}, #seq = :seq`, condition: 'attribute_not_exists(#pk) OR #seq < :seq' },
  'provider-timestamp': {
    update: `SET ${STATE_SETS}, #seq = if_not_exists(#seq, :zero) + :one`,
    condition: 'attribute_not_exists(#pk) OR #orderKey < :orderKey',
  },
} as const;

/**
 * The conditional update that moves a job's state item to `item`, derived from the stored event item alone so that
 * a retry, or another writer helping, can re-apply it. It only applies when the event is newer than the state:
 * - provider-timestamp: `orderKey` greater (a late `processing` never overwrites `completed`; equal = same event);
 *   `seq` then counts the state's moves.
 * - arrival-sequence: `seq` greater; `seq` is the event's position in the job's history.
 */
export function stateUpdateFor(item: EventItem, ordering: NormalisedEvent['ordering']): StateUpdate {
  const values: Record<string, string | number> = {
    ':itemType': itemTypes.state,
    ':provider': item.provider,
    ':jobId': item.jobId,
    ':partitionId': item.partitionId,
    ':status': item.status,
    ':eventType': item.eventType,
    ':eventId': item.eventId,
    ':occurredAt': item.occurredAt,
    ':receivedAt': item.receivedAt,
    ':updatedAt': item.receivedAt,
    ':orderKey': item.orderKey,
    ':lastContentHash': item.contentHash,
    ':gsi1pk': keys.status(item.status),
    ':gsi1sk': keys.statusSort(item.receivedAt, item.provider, item.jobId),
  };
  if (ordering === 'arrival-sequence') {
    values[':seq'] = seqFromOrderKey(item.orderKey);
  } else {
    values[':zero'] = 0;
    values[':one'] = 1;
  }
  const expressions = STATE_EXPRESSIONS[ordering];
  return {
    Key: { pk: item.pk, sk: keys.state(item.jobId) },
    UpdateExpression: expressions.update,
    ConditionExpression: expressions.condition,
    ExpressionAttributeNames: { ...STATE_NAMES },
    ExpressionAttributeValues: values,
  };
}
