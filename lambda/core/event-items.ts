/**
 * Pure builders for what the event store writes: event id, ordering key, the event item and the conditional state
 * update. No SDK imports: the DynamoDB adapter adds the table name and sends them; tests check them without I/O.
 *
 * Ordering (DESIGN.md): Contentor events carry a timestamp, so they order by `occurredAt#rank#eventId`; Panjaya
 * events carry neither id nor timestamp, so they order by the job's arrival sequence (zero-padded `seq`).
 */
import { createHash } from 'node:crypto';
import { ValidationError } from './errors';
import type { EventItem, StateItem } from './items';
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

/** What the state writer knows of the state item it is about to replace (read just before). */
export type StateSnapshot = Pick<StateItem, 'orderKey' | 'status' | 'seq'>;

/**
 * Whether `item` is newer than the state: Contentor by order key (timestamp#rank#id, so equal = the same event),
 * Panjaya by arrival sequence. Both only ever grow on a state item, so an older read that already says "not newer"
 * stays true.
 */
export function isNewerThanState(item: Pick<EventItem, 'orderKey'>, state: StateSnapshot, ordering: NormalisedEvent['ordering']): boolean {
  return ordering === 'arrival-sequence' ? seqFromOrderKey(item.orderKey) > state.seq : item.orderKey > state.orderKey;
}

/** State attributes every state write sets from the event item. */
const STATE_FIELDS = [
  'itemType', 'provider', 'jobId', 'partitionId', 'status', 'eventType', 'eventId', 'occurredAt', 'receivedAt',
  'updatedAt', 'orderKey', 'lastContentHash',
] as const;
/** Set only when the status changes (or the state is new): writing them moves the status index entry (2 units). */
const STATUS_INDEX_FIELDS = ['statusSince', 'gsi1pk', 'gsi1sk'] as const;

type StateWriteKind = 'create' | 'change' | 'keep';
interface StateExpressions {
  readonly update: string;
  readonly condition: string;
  readonly names: Readonly<Record<string, string>>;
}

function buildExpressions(ordering: NormalisedEvent['ordering'], kind: StateWriteKind): StateExpressions {
  const fields = kind === 'keep' ? STATE_FIELDS : [...STATE_FIELDS, ...STATUS_INDEX_FIELDS];
  const seqSet = ordering === 'arrival-sequence' ? '#seq = :seq' : '#seq = if_not_exists(#seq, :zero) + :one';
  const names = Object.fromEntries([...fields.map((name) => [`#${name}`, name]), ['#seq', 'seq'], ...(kind === 'create' ? [['#pk', 'pk']] : [])]);
  return {
    update: `SET ${fields.map((name) => `#${name} = :${name}`).join(', ')}, ${seqSet}`,
    // Compare-and-set on what was read: any other write in between (a newer event, a stall) fails it.
    condition: kind === 'create' ? 'attribute_not_exists(#pk)' : '#orderKey = :readOrderKey AND #status = :readStatus',
    names,
  };
}

// Fixed per ordering and kind, so built once: building them per call was the largest CPU cost of item building.
const STATE_EXPRESSIONS = Object.fromEntries(
  (['arrival-sequence', 'provider-timestamp'] as const).map((ordering) => [
    ordering,
    { create: buildExpressions(ordering, 'create'), change: buildExpressions(ordering, 'change'), keep: buildExpressions(ordering, 'keep') },
  ]),
) as Record<NormalisedEvent['ordering'], Record<StateWriteKind, StateExpressions>>;

/**
 * The update that moves a job's state item from `current` (as just read; undefined = no state yet) to `item`,
 * derived from the stored event item so that a retry, or another writer helping, can re-apply it. It is a
 * compare-and-set: it applies only while the state is still `current` (same order key and status; absent for a
 * new job), so the caller decides "is it newer?" ({@link isNewerThanState}) from its read and re-reads on a lost
 * race. When the status stays the same, `statusSince` and the status index keys are left alone (no index write).
 * Contentor: `seq` counts the state's moves; Panjaya: `seq` is the event's position in the job's history.
 */
export function stateUpdateFor(item: EventItem, ordering: NormalisedEvent['ordering'], current?: StateSnapshot): StateUpdate {
  const kind: StateWriteKind = current === undefined ? 'create' : current.status === item.status ? 'keep' : 'change';
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
  };
  if (kind !== 'keep') {
    values[':statusSince'] = item.receivedAt;
    values[':gsi1pk'] = keys.status(item.status);
    values[':gsi1sk'] = keys.statusSort(item.receivedAt, item.provider, item.jobId);
  }
  if (current !== undefined) {
    values[':readOrderKey'] = current.orderKey;
    values[':readStatus'] = current.status;
  }
  if (ordering === 'arrival-sequence') {
    values[':seq'] = seqFromOrderKey(item.orderKey);
  } else {
    values[':zero'] = 0;
    values[':one'] = 1;
  }
  const expressions = STATE_EXPRESSIONS[ordering][kind];
  return {
    Key: { pk: item.pk, sk: keys.state(item.jobId) },
    UpdateExpression: expressions.update,
    ConditionExpression: expressions.condition,
    ExpressionAttributeNames: { ...expressions.names },
    ExpressionAttributeValues: values,
  };
}
