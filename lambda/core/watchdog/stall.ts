/**
 * Deciding that a job stalled, and what the watchdog writes when it did: a `stalled` event item in the job's
 * history (which the fan-out notifies like any terminal event) and a conditional update of the state item.
 * Pure: the clock comes in as an argument, the adapter sends what these build.
 *
 * Why it is safe against races:
 * - the stall event id is a hash of the job and the state event it stalls, and the item is put only if absent, so
 *   two sweeps judging the same state write (and notify) once; new activity means a new state event, a new stall id;
 * - the state transition leaves `orderKey`/`seq` alone, so any later real event still wins (`stateTransitionFor`),
 *   and it requires the state to be still the one judged (same event id and status), so a real event that landed
 *   meanwhile is never overwritten. The adapter writes both in one transaction: neither happens without the other.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { buildEventItem } from '../event-items';
import type { EventItem, StateItem } from '../items';
import type { StateTransition } from '../state-transition';
import { NormalisedStatusSchema, type NormalisedEvent } from '../model';
import { keys, statusIndexPlacement } from '../../contracts';
import { eventTypeKey, formatMinutes, sweepableStatuses, type DeadlineRule, type StallDeadlines, type SweepableStatus } from './deadlines';

const MINUTE_MS = 60_000;

/** The payload of a stall event: our own words about the state that stalled (not a provider payload). */
export const StallPayloadSchema = z.object({
  /** Marks the payload as the watchdog's. */
  watchdog: z.literal('stalled'),
  /** Normalised status the job sat in. */
  stalledStatus: NormalisedStatusSchema,
  /** The provider's status/event name the job sat in. */
  stalledEventType: z.string(),
  /** Event id of the last real event (the state the watchdog judged). */
  stalledEventId: z.string(),
  /** When that event happened (provider time, else receipt). */
  lastEventOccurredAt: z.string(),
  /** When the state last changed: the clock the deadline runs from. */
  waitingSince: z.string(),
  deadlineMinutes: z.number(),
  /** The deadline in words, e.g. "2 h". */
  deadline: z.string(),
  /** waitingSince + deadline. */
  dueAt: z.string(),
  /** When the sweep noticed. */
  detectedAt: z.string(),
});
export type StallPayload = z.infer<typeof StallPayloadSchema>;

/** The deadline that applies to a job's current state, if any (provider, provider status and normalised status). */
export function deadlineFor(state: Pick<StateItem, 'provider' | 'eventType' | 'status'>, rules: StallDeadlines): DeadlineRule | undefined {
  const eventType = eventTypeKey(state.eventType);
  return rules.find((rule) => rule.provider === state.provider && rule.eventType === eventType && rule.status === state.status);
}

/** A state past its deadline: which rule, and the instant it became due. */
export interface StallJudgement {
  readonly rule: DeadlineRule;
  readonly dueAt: string;
}

/**
 * Whether `state` is stalled at `now`: a deadline applies and at least that long passed since the state last
 * changed (due exactly at the deadline). Undefined for states with no deadline or not yet due.
 */
export function judgeStall(state: StateItem, rules: StallDeadlines, now: Date): StallJudgement | undefined {
  const rule = deadlineFor(state, rules);
  if (rule === undefined) return undefined;
  const since = Date.parse(state.updatedAt);
  if (Number.isNaN(since)) return undefined;
  const due = since + rule.minutes * MINUTE_MS;
  return now.getTime() >= due ? { rule, dueAt: new Date(due).toISOString() } : undefined;
}

/**
 * One Query of the byStatus index: states that entered `status` at or before `cutoff`. That is every state whose
 * last change is that old (a state enters its status no later than it last changes), plus some that are still
 * active; {@link judgeStall} tells them apart by `updatedAt`.
 */
export interface SweepQuery {
  readonly status: SweepableStatus;
  /** ISO instant: now minus the shortest deadline of the status. */
  readonly cutoff: string;
  /** Exclusive upper bound for `gsi1sk` (`<statusSince>#<provider>#<jobId>`) that includes `statusSince == cutoff`. */
  readonly sortKeyBefore: string;
}

/**
 * Which index partitions to read and how far: one query per swept status, bounded by its shortest deadline, so a
 * sweep reads only states that may be due (the rest of the rules are applied per item by {@link judgeStall}).
 */
export function sweepQueries(rules: StallDeadlines, now: Date): SweepQuery[] {
  const queries: SweepQuery[] = [];
  for (const status of sweepableStatuses) {
    const minutes = rules.filter((rule) => rule.status === status).map((rule) => rule.minutes);
    if (minutes.length === 0) continue;
    const cutoff = new Date(now.getTime() - Math.min(...minutes) * MINUTE_MS).toISOString();
    // '\uffff' sorts after any provider name, so every item updated exactly at the cutoff is included.
    queries.push({ status, cutoff, sortKeyBefore: `${cutoff}#\uffff` });
  }
  return queries;
}

const STALL_ID_HEX = 32;

/** Deterministic per job and judged state: a second sweep of the same state finds the same id. */
export function stallEventId(state: Pick<StateItem, 'provider' | 'jobId' | 'eventId'>): string {
  return createHash('sha256').update(`stall|${state.provider}|${state.jobId}|${state.eventId}`, 'utf8').digest('hex').slice(0, STALL_ID_HEX);
}

/** Sort-key suffix of a stall event: right after the event it stalls in the job's history, before any later one. */
export const STALL_ORDER_SUFFIX = '#stall';

/** What the watchdog writes for one stalled job. */
export interface StallWrite {
  /** The `stalled` event item (notifies through the fan-out: failed topic, pending-index keys). */
  readonly event: EventItem;
  /** The state's move to `stalled`, while it is still the state judged. */
  readonly state: StateTransition;
}

/** Builds the stall event and the state transition for `state`, judged stalled at `now`. */
export function buildStall(state: StateItem, judgement: StallJudgement, now: Date, retentionDays: number): StallWrite {
  const detectedAt = now.toISOString();
  const eventId = stallEventId(state);
  const orderKey = `${state.orderKey}${STALL_ORDER_SUFFIX}`;
  const payload: StallPayload = {
    watchdog: 'stalled',
    stalledStatus: state.status,
    stalledEventType: state.eventType,
    stalledEventId: state.eventId,
    lastEventOccurredAt: state.occurredAt,
    waitingSince: state.updatedAt,
    deadlineMinutes: judgement.rule.minutes,
    deadline: formatMinutes(judgement.rule.minutes),
    dueAt: judgement.dueAt,
    detectedAt,
  };
  const event: NormalisedEvent = {
    provider: state.provider,
    jobId: state.jobId,
    partitionId: state.partitionId,
    status: 'stalled',
    // The provider status it stalled in: subscribers can filter stalls by stage (`eventType` attribute).
    eventType: state.eventType,
    occurredAt: judgement.dueAt,
    // Our own JSON, stored and sent like a provider's body (the notification's payload).
    body: Buffer.from(JSON.stringify(payload), 'utf8'),
    contentHash: eventId,
    // Not used for a stall (ordering is by placement below); kept per provider for readers of the type.
    ordering: 'provider-timestamp',
    rank: 0,
  };
  const item = buildEventItem(event, { eventId, orderKey, occurredAt: judgement.dueAt }, detectedAt, retentionDays);
  return { event: item, state: stallTransition(state, detectedAt) };
}

/**
 * Moves the state to `stalled` only while it is still the state judged. `orderKey`, `seq`, `eventId` and
 * `lastContentHash` stay: later real events still compare against the last real event, and a provider retry of
 * that event is still a duplicate. `updatedAt` and the status index placement (with `statusSince`) move: the job
 * entered `stalled` now, so `jobs stalled --since` lists it.
 */
export function stallTransition(state: StateItem, detectedAt: string): StateTransition {
  return {
    key: { pk: state.pk, sk: keys.state(state.jobId) },
    set: { status: 'stalled', updatedAt: detectedAt },
    index: statusIndexPlacement('stalled', detectedAt, state.provider, state.jobId),
    requires: { kind: 'unchanged', fields: { eventId: state.eventId, status: state.status } },
  };
}
