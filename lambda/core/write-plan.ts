/**
 * The storage rules in one pure function: from a verified event and the job's current state (as just read) to what
 * must be written (an event item and a state transition, state-transition.ts). The DynamoDB adapter
 * (adapters/dynamo-event-store.ts) reads, asks {@link planWrite} (and {@link planSlotRecord} for an arrival slot it
 * stored), carries out the plan and, when a compare-and-set loses a race, reads again and asks again. No I/O here,
 * and no DynamoDB syntax: adapters/state-update-expressions.ts spells the transitions as update expressions.
 *
 * Rules:
 * - Timestamp-ordered providers (Contentor): the event id follows from the content, so a retry maps to the same item.
 *   The state moves only to a newer event (order key `occurredAt#rank#eventId`): a late `processing` never
 *   overwrites `completed`.
 * - Arrival-ordered providers (Panjaya: no event id, no timestamp). Each distinct event takes the job's next arrival
 *   slot. An identical body is a duplicate (a provider retry) while the job has not moved on since (it is the last
 *   slot's body), and also within the retry window of its previous stored copy even if the job moved on; past the
 *   window the same body after another event is a regeneration: a new event, stored and notified.
 *   The state's head moves to the new slot's event unless it is older by receive time (a replayed delivery keeps
 *   its original receive time) and not a later stage within the retry window, or it is an earlier lifecycle stage
 *   than the head arriving within the retry window of it (`generating` overtaken by its own `generated`: concurrent
 *   retries must not roll the state back, nor leave it behind a `generated` stored out of receive order).
 */
import { InternalError } from './errors';
import type { EventItem, StateItem } from './items';
import type { NormalisedEvent } from './model';
import { buildEventItem, placeBySequence, placeByTimestamp, stateTransitionFor } from './event-items';
import type { StateTransition } from './state-transition';

/** Settings the rules need. */
export interface WritePlanConfig {
  /** Days an event item is kept before TTL removes it. */
  readonly retentionDays: number;
  /** Panjaya: an identical body within this many seconds of its previous stored copy is a retry. */
  readonly retryWindowSeconds: number;
}

/** Default Panjaya retry window (docs/ARCHITECTURE.md "Ordering and duplicates"): ten minutes. */
export const DEFAULT_RETRY_WINDOW_SECONDS = 600;

/** What to write for one event, or that it is a duplicate and nothing is. */
export type WritePlan =
  | { readonly kind: 'duplicate'; readonly eventId: string }
  | {
      readonly kind: 'write';
      /** Put only if absent: a present item with this key is the same event (timestamp order) or another one's slot. */
      readonly event: EventItem;
      /** Compare-and-set on the state as read; absent when the state already is newer (Contentor late event). */
      readonly state?: StateTransition;
    };

/** At most this many recent bodies are remembered per job; more distinct bodies within one window is not plausible. */
export const RECENT_MAX = 32;
const HASH_PREFIX = 16;

/** One remembered stored body: its content hash prefix, its arrival slot and when it was received. */
export interface RecentCopy {
  readonly hash: string;
  readonly seq: number;
  readonly at: number;
}

const epochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

export function parseRecent(text: string | undefined): RecentCopy[] {
  if (!text) return [];
  const out: RecentCopy[] = [];
  for (const entry of text.split(' ')) {
    const [hash, seq, at] = entry.split(':');
    if (hash && seq && at) out.push({ hash, seq: Number(seq), at: Number(at) });
  }
  return out;
}

export function formatRecent(copies: readonly RecentCopy[]): string {
  return copies.map((c) => `${c.hash}:${c.seq}:${c.at}`).join(' ');
}

/** The recent list after storing `added`: copies older than the window before it dropped, newest kept. */
export function withRecent(copies: readonly RecentCopy[], added: RecentCopy, windowSeconds: number): RecentCopy[] {
  const kept = copies.filter((c) => added.at - c.at <= windowSeconds && c.hash !== added.hash);
  return [...kept, added].slice(-RECENT_MAX);
}

/** A stored copy of this body within the window of `receivedAt`, if any (either side: a replay may be older). */
export function copyWithinWindow(state: Pick<StateItem, 'recent'>, contentHash: string, receivedAt: string, windowSeconds: number): RecentCopy | undefined {
  // An event id names one event for good: every remembered copy counts (windowSeconds = Infinity). 0 = no window.
  if (windowSeconds <= 0) return undefined;
  const hash = contentHash.slice(0, HASH_PREFIX);
  const at = epochSeconds(receivedAt);
  return parseRecent(state.recent).find((c) => c.hash === hash && Math.abs(at - c.at) <= windowSeconds);
}

/**
 * Whether an arrival-ordered event moves the state's head: not when it is an earlier lifecycle stage than the head
 * within the retry window of it, nor when it is older by receive time unless it is a later stage within the window
 * (concurrent copies stored out of their receive order).
 */
export function movesArrivalHead(
  item: Pick<EventItem, 'receivedAt' | 'occurredAt' | 'rank' | 'providerTime'>,
  state: Pick<StateItem, 'receivedAt' | 'occurredAt' | 'headRank' | 'headTimed'>,
  windowSeconds: number,
  identity: NormalisedEvent['identity'] = 'body',
): boolean {
  if (identity === 'event-id') {
    const rank = item.rank ?? 0;
    const headRank = state.headRank ?? 0;
    // Both carry the provider's time: that orders them, a later stage winning a tie.
    if (item.providerTime === 1 && state.headTimed === 1)
      return item.occurredAt > state.occurredAt || (item.occurredAt === state.occurredAt && rank >= headRank);
    // Otherwise only receive times compare (Replicate's completed_at is set on the last event alone: a provider
    // clock against ours would misorder a fast job). Across the two kinds an earlier stage never overtakes a later one.
    const mixed = (item.providerTime === 1) !== (state.headTimed === 1);
    if (mixed && rank < headRank) return false;
    return item.receivedAt > state.receivedAt || (item.receivedAt === state.receivedAt && rank >= headRank);
  }
  const withinWindow = windowSeconds > 0 && Math.abs(epochSeconds(item.receivedAt) - epochSeconds(state.receivedAt)) <= windowSeconds;
  // Concurrent copies: a later stage received moments before the head's event, but stored after it, still overtakes it.
  if (item.receivedAt < state.receivedAt) return withinWindow && (item.rank ?? 0) > (state.headRank ?? 0);
  return !(withinWindow && (item.rank ?? 0) < (state.headRank ?? 0));
}

/**
 * The state write that records the arrival-ordered `item` (taking slot `item`'s sequence) on top of `state`:
 * slot bookkeeping always, the head only when {@link movesArrivalHead}. `state` must be the slot before.
 */
function arrivalTransition(item: EventItem, state: StateItem | undefined, config: WritePlanConfig): StateTransition {
  const seq = (state?.seq ?? 0) + 1;
  const window = windowFor(item.identity, config);
  const added: RecentCopy = { hash: item.contentHash.slice(0, HASH_PREFIX), seq, at: epochSeconds(item.receivedAt) };
  const slot = { seq, lastContentHash: item.contentHash, recent: formatRecent(withRecent(parseRecent(state?.recent), added, window)) };
  const moveHead = state === undefined || movesArrivalHead(item, state, window, item.identity);
  return stateTransitionFor(item, 'arrival-sequence', state, { moveHead, slot });
}

/** How long a stored copy identifies a repeat: the retry window for bodies, for good for event ids. */
function windowFor(identity: NormalisedEvent['identity'], config: WritePlanConfig): number {
  return identity === 'event-id' ? Number.POSITIVE_INFINITY : config.retryWindowSeconds;
}

/** Arrival slot of an arrival-ordered event item (its order key is the zero-padded slot). */
function slotOf(item: Pick<EventItem, 'orderKey'>): number {
  return Number(item.orderKey);
}

/**
 * What recording the stored arrival-ordered `item` (its own, or another writer's that took the slot) needs on top of
 * `state` as just read: nothing when the state already passed its slot, else the transition onto it. A slot is only
 * taken after the state saw the one before, so an item past the next slot is a bug, not an outage.
 */
export function planSlotRecord(item: EventItem, state: StateItem | undefined, config: WritePlanConfig): StateTransition | undefined {
  const next = (state?.seq ?? 0) + 1;
  const slot = slotOf(item);
  if (slot < next) return undefined;
  if (slot > next) {
    throw new InternalError('internal error: the request could not be stored', { bug: true, jobId: item.jobId, stateSlot: next - 1, eventSlot: slot });
  }
  return arrivalTransition(item, state, config);
}

/** Decides what storing `event`, received at `receivedAt`, writes given the job's `state` as just read. */
export function planWrite(event: NormalisedEvent, receivedAt: string, state: StateItem | undefined, config: WritePlanConfig): WritePlan {
  if (event.ordering === 'provider-timestamp') {
    const item = buildEventItem(event, placeByTimestamp(event, receivedAt), receivedAt, config.retentionDays);
    // The state only ever points at a stored event, so the item is there: a duplicate, decided from the read alone.
    if (state?.orderKey === item.orderKey) return { kind: 'duplicate', eventId: item.eventId };
    const newer = state === undefined || item.orderKey > state.orderKey;
    return { kind: 'write', event: item, ...(newer ? { state: stateTransitionFor(item, event.ordering, state, { moveHead: true }) } : {}) };
  }
  if (state !== undefined) {
    const last = placeBySequence(event, receivedAt, state.seq);
    if (state.lastContentHash === event.contentHash) return { kind: 'duplicate', eventId: last.eventId };
    const copy = copyWithinWindow(state, event.contentHash, receivedAt, windowFor(event.identity, config));
    if (copy !== undefined) return { kind: 'duplicate', eventId: placeBySequence(event, receivedAt, copy.seq).eventId };
  }
  const item = buildEventItem(event, placeBySequence(event, receivedAt, (state?.seq ?? 0) + 1), receivedAt, config.retentionDays);
  return { kind: 'write', event: item, state: arrivalTransition(item, state, config) };
}
