/**
 * Pure builders for what the event store writes: event id, ordering key, the event item and the state transition
 * (state-transition.ts). No SDK imports and no DynamoDB syntax: the adapters turn them into requests
 * (adapters/state-update-expressions.ts); tests check them without I/O.
 *
 * Ordering (docs/ARCHITECTURE.md "Ordering and duplicates"): timestamp-ordered events (Contentor) order by
 * `occurredAt#rank#eventId`; arrival-ordered ones (Panjaya, whose events carry neither id nor timestamp, and the
 * configured providers) by the job's arrival sequence (zero-padded `seq`).
 */
import { createHash } from 'node:crypto';
import { ValidationError } from './errors';
import type { EventItem, StateItem } from './items';
import { topicFor, type NormalisedEvent } from './model';
import { normaliseIsoTimestamp } from './providers/timestamps';
import type { StateFields, StateTransition } from './state-transition';
import { itemTypes, keys, PENDING_PARTITION, statusIndexPlacement } from '../contracts';

/** Width of the zero-padded arrival sequence in the sort key: 10 digits sort as strings up to ~10^10 events per job. */
export const SEQ_WIDTH = 10;
/** Width of the rank in a Contentor order key, so ranks >= 10 still sort as strings. */
const RANK_WIDTH = 2;
const EVENT_ID_HEX = 32;

function sha256Hex32(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, EVENT_ID_HEX);
}

/** Event id of a timestamp-ordered event (Contentor): deterministic per content, so a retry maps to the same item. */
export function timestampEventId(provider: string, contentHash: string): string {
  return sha256Hex32(`${provider}|${contentHash}`);
}

/**
 * Event id of an arrival-ordered event (Panjaya, configured providers): the same content at another position in the
 * job's history is another event (a regeneration, as Panjaya's versions have).
 */
export function arrivalEventId(provider: string, jobId: string, seq: number, contentHash: string): string {
  return sha256Hex32(`${provider}|${jobId}|${seq}|${contentHash}`);
}

export function padSeq(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`sequence must be a positive integer, got ${seq}`);
  return String(seq).padStart(SEQ_WIDTH, '0');
}

/**
 * A provider timestamp as `toISOString()` (UTC, milliseconds), so order keys compare correctly as strings; the
 * providers' own rule (providers/timestamps.ts), here refusing what it cannot read.
 */
export function normaliseTimestamp(value: string): string {
  const iso = normaliseIsoTimestamp(value);
  if (iso === undefined) throw new ValidationError(`timestamp is not a valid ISO-8601 time: ${value.slice(0, 40)}`);
  return iso;
}

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
  /** Arrival-ordered events only: the job's arrival sequence this event takes. */
  seq?: number;
}

/** Placement of a timestamp-ordered (Contentor) event. */
export function placeByTimestamp(event: NormalisedEvent, receivedAt: string): EventPlacement {
  const eventId = timestampEventId(event.provider, event.contentHash);
  const occurredAt = event.occurredAt === undefined ? receivedAt : normaliseTimestamp(event.occurredAt);
  return { eventId, occurredAt, orderKey: timestampOrderKey(occurredAt, event.rank, eventId) };
}

/** Placement of an arrival-ordered event at sequence `seq` of its job. */
export function placeBySequence(event: NormalisedEvent, receivedAt: string, seq: number): EventPlacement {
  const occurredAt = event.occurredAt === undefined ? receivedAt : normaliseTimestamp(event.occurredAt);
  return { eventId: arrivalEventId(event.provider, event.jobId, seq, event.contentHash), occurredAt, orderKey: padSeq(seq), seq };
}

const SECONDS_PER_DAY = 86_400;

/** TTL attribute value: epoch seconds `retentionDays` after receipt. */
export function expiresAtFor(receivedAt: string, retentionDays: number): number {
  return Math.floor(Date.parse(receivedAt) / 1000) + Math.round(retentionDays * SECONDS_PER_DAY);
}

/**
 * The event item: the normalised scalars beside the body exactly as received (one Binary attribute). Terminal
 * events get `notifyTopic` and the sparse pending-index keys, which the fan-out removes once published; everything
 * else stays out of that index. At the 256 KiB body limit the item stays far below DynamoDB's 400 KB (ids are
 * bounded by providers/ids.ts), so the body is stored uncompressed: readers need no codec and bench sizes stay honest.
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
    rank: event.rank,
    ...(event.identity === 'event-id' ? { identity: event.identity } : {}),
    ...(event.occurredAt === undefined ? {} : { providerTime: 1 }),
    body: event.body,
    expiresAt: expiresAtFor(receivedAt, retentionDays),
  };
  const span = event.payloadSpan;
  // The whole body is the default: offsets only when the payload is a part of it (an envelope's `data`).
  if (span !== undefined && (span.start !== 0 || span.end !== event.body.length)) {
    item.payloadStart = span.start;
    item.payloadEnd = span.end;
  }
  if (event.details?.locale !== undefined) item.detailLocale = event.details.locale;
  if (event.details?.message !== undefined) item.detailMessage = event.details.message;
  if (notifyTopic !== undefined) {
    item.notifyTopic = notifyTopic;
    item.gsi2pk = PENDING_PARTITION;
    item.gsi2sk = keys.pendingSort(receivedAt, placement.eventId);
  }
  return item;
}

/**
 * How a state write changes the item: `create` a new state, `change` the head and status, `keep` the status while
 * moving the head, `slot` (arrival order) only record a stored event that does not move the head.
 */
export type StateWriteKind = 'create' | 'change' | 'keep' | 'slot';

/** The arrival slot's bookkeeping for a state write (write-plan.ts decides it). */
export interface SlotValues {
  readonly seq: number;
  readonly lastContentHash: string;
  readonly recent: string;
}

/** The fields the state takes from the event it moves to (its "head"), plus `own`. */
function headOf(item: EventItem, own: Partial<StateFields>): Partial<StateFields> {
  return Object.assign(
    {
      itemType: itemTypes.state,
      provider: item.provider,
      jobId: item.jobId,
      partitionId: item.partitionId,
      status: item.status,
      eventType: item.eventType,
      eventId: item.eventId,
      occurredAt: item.occurredAt,
      receivedAt: item.receivedAt,
      updatedAt: item.receivedAt,
      orderKey: item.orderKey,
      headRank: item.rank ?? 0,
      headTimed: item.providerTime ?? 0,
    },
    own,
  );
}

const COUNT_MOVES = ['seq'] as const;

/**
 * The compare-and-set transition that moves a job's state from `current` (as just read; undefined = none yet) to the
 * event `item` (kind create/change/keep), or only records the arrival slot (kind slot). It applies only while the state
 * is still `current`, so the caller re-reads and decides again on a lost race. Derived from the stored event item, so
 * a retry, or another writer helping, can re-apply it. Unchanged status: the status index entry is left alone (no
 * index write units).
 */
export function stateTransitionFor(
  item: EventItem,
  ordering: NormalisedEvent['ordering'],
  current: Pick<StateItem, 'orderKey' | 'status' | 'seq'> | undefined,
  options: { moveHead: boolean; slot?: SlotValues },
): StateTransition {
  const kind: StateWriteKind = current === undefined ? 'create' : !options.moveHead ? 'slot' : current.status === item.status ? 'keep' : 'change';
  const sequence = ordering === 'arrival-sequence';
  const { slot } = options;
  if (sequence && slot === undefined) throw new Error('an arrival-ordered state write needs its slot values');
  // A timestamp-ordered state's seq counts its moves; an arrival-ordered one's is the slot, set like the other slot fields.
  const own: Partial<StateFields> =
    sequence && slot !== undefined ? { seq: slot.seq, lastContentHash: slot.lastContentHash, recent: slot.recent } : { lastContentHash: item.contentHash };
  return {
    key: { pk: item.pk, sk: keys.state(item.jobId) },
    set: kind === 'slot' ? own : headOf(item, own),
    index: kind === 'create' || kind === 'change' ? statusIndexPlacement(item.status, item.receivedAt, item.provider, item.jobId) : undefined,
    increments: sequence ? undefined : COUNT_MOVES,
    // Compare-and-set on what was read: any other write in between (another event, a stall) fails it.
    requires:
      current === undefined
        ? { kind: 'absent' }
        : { kind: 'unchanged', fields: sequence ? { seq: current.seq, status: current.status } : { orderKey: current.orderKey, status: current.status } },
  };
}
