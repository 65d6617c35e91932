/**
 * What the overview shows, read without a Scan: the byStatus index (keys only) counted per provider and per hour,
 * the watchdog's own index read and stall rule for jobs past their deadline, one page of the pending-notifications
 * index, the quarantine's day partitions, the dead-letter queue's attributes. Each section is read on its own, so one
 * failing read shows its error and leaves the others standing.
 */
import type { StateItem } from '../../lambda/core/items';
import { judgeStall, sweepQueries } from '../../lambda/core/watchdog';
import { listQuarantined } from '../lib/replay-run';
import { countPerHour, hourStarts, periodStart, type Period } from './periods';
import type { ConsoleSources } from './sources';

/** The most index entries counted per status and period; past it the count reads "N+". */
export const COUNT_CAP = 50_000;
/** Jobs listed per status on the overview (the full lists are a click away). */
export const RECENT_JOBS = 8;
/** The most states the overdue read examines per swept status (the watchdog's own default per sweep). */
export const OVERDUE_LIMIT = 500;
/** The most pending notifications counted (the notifications page pages through all of them). */
export const PENDING_CAP = 1000;

/** The statuses the overview counts over its period; the chart shows the first two, the failures. */
export const periodStatuses = ['failed', 'stalled', 'succeeded'] as const;
export type PeriodStatus = (typeof periodStatuses)[number];

/** A read that worked, or why it did not. */
export type Section<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Runs one read, turning a failure into its message. */
export async function section<T>(read: () => Promise<T>): Promise<Section<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Jobs that entered one status during the period. */
export interface StatusSummary {
  readonly total: number;
  /** More than {@link COUNT_CAP}: `total` is a lower bound. */
  readonly capped: boolean;
  readonly byProvider: Readonly<Record<string, number>>;
  /** Entries per hour of the period (see {@link Overview.hours}). */
  readonly perHour: readonly number[];
  /** The newest few, read back. */
  readonly recent: readonly StateItem[];
}

/** A job in a waiting status for longer than its deadline, not (yet) marked stalled by the watchdog. */
export interface OverdueJob {
  readonly state: StateItem;
  readonly deadlineMinutes: number;
  readonly dueAt: string;
}

export interface OverdueSummary {
  readonly jobs: readonly OverdueJob[];
  readonly byProvider: Readonly<Record<string, number>>;
  /** The read stopped at {@link OVERDUE_LIMIT} states of a status: there may be more. */
  readonly capped: boolean;
}

export interface NotificationSummary {
  /** Waiting for the fan-out (or a re-drive), not parked. */
  readonly pending: number;
  /** The fan-out gave up on them (`undeliverable`); a re-drive tries again. */
  readonly parked: number;
  /** More than {@link PENDING_CAP} pending: the numbers are lower bounds. */
  readonly capped: boolean;
  /** Items in the pending index that are not event items. */
  readonly invalid: number;
}

export interface QuarantineSummary {
  readonly total: number;
  readonly byReason: Readonly<Record<string, number>>;
  readonly byProvider: Readonly<Record<string, number>>;
  readonly unreadable: number;
}

export interface Overview {
  readonly period: Period;
  readonly sinceIso: string;
  readonly nowIso: string;
  /** The chart's hours (each one's start, ISO), oldest first. */
  readonly hours: readonly string[];
  readonly statuses: Readonly<Record<PeriodStatus, Section<StatusSummary>>>;
  readonly overdue: Section<OverdueSummary>;
  readonly notifications: Section<NotificationSummary>;
  readonly quarantine: Section<QuarantineSummary>;
  readonly deadLetters: { depth?: number; url?: string; error?: string };
}

/** Counts of `keys` (e.g. providers), in first-seen order. */
export function tally(keys: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

async function statusSummary(sources: ConsoleSources, status: PeriodStatus, sinceIso: string, hours: readonly string[]): Promise<StatusSummary> {
  const page = await sources.queries.statusIndexPage(status, { sinceIso }, { limit: COUNT_CAP });
  const { states } = await sources.queries.statesOf(status, page.items.slice(0, RECENT_JOBS));
  return {
    total: page.items.length,
    capped: page.next !== undefined,
    byProvider: tally(page.items.map((entry) => entry.provider)),
    perHour: countPerHour(
      hours,
      page.items.map((entry) => entry.statusSince),
    ),
    recent: states,
  };
}

/** Jobs past their deadline now, longest overdue first: the watchdog's own index read and rule, nothing written. */
export async function readOverdue(sources: ConsoleSources, now: Date, limit = OVERDUE_LIMIT): Promise<OverdueSummary> {
  const jobs: OverdueJob[] = [];
  let capped = false;
  for (const query of sweepQueries(sources.deadlines, now)) {
    const { states } = await sources.watchdog.statesBefore(query.status, query.sortKeyBefore, limit);
    if (states.length >= limit) capped = true;
    for (const state of states) {
      const judgement = judgeStall(state, sources.deadlines, now);
      if (judgement) jobs.push({ state, deadlineMinutes: judgement.rule.minutes, dueAt: judgement.dueAt });
    }
  }
  jobs.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  return { jobs, byProvider: tally(jobs.map((job) => job.state.provider)), capped };
}

async function notificationSummary(sources: ConsoleSources, now: Date): Promise<NotificationSummary> {
  const page = await sources.queries.pendingPage(now.toISOString(), { limit: PENDING_CAP });
  const parked = page.items.filter((item) => item.undeliverable !== undefined).length;
  return { pending: page.items.length - parked, parked, capped: page.next !== undefined, invalid: page.invalid.length };
}

/** The oldest receive time a listing of the quarantine looks at: everything still kept (TTL removal runs late). */
export function quarantineSince(retentionDays: number, now: Date): string {
  return new Date(now.getTime() - (retentionDays + 1) * 86_400_000).toISOString();
}

async function quarantineSummary(sources: ConsoleSources, now: Date): Promise<QuarantineSummary> {
  const { deliveries, unreadable } = await listQuarantined(
    sources.quarantine.quarantine,
    { providers: sources.providers.names, sinceIso: quarantineSince(sources.quarantine.retentionDays, now) },
    now,
  );
  return {
    total: deliveries.length,
    byReason: tally(deliveries.map((d) => d.reason)),
    byProvider: tally(deliveries.map((d) => d.provider)),
    unreadable: unreadable.length,
  };
}

/** Everything the overview shows for `period` ending `now`, its reads run side by side. */
export async function readOverview(sources: ConsoleSources, period: Period, now: Date): Promise<Overview> {
  const since = periodStart(period, now);
  const sinceIso = since.toISOString();
  const hours = hourStarts(since, now);
  const [failed, stalled, succeeded, overdue, notifications, quarantine, deadLetters] = await Promise.all([
    section(() => statusSummary(sources, 'failed', sinceIso, hours)),
    section(() => statusSummary(sources, 'stalled', sinceIso, hours)),
    section(() => statusSummary(sources, 'succeeded', sinceIso, hours)),
    section(() => readOverdue(sources, now)),
    section(() => notificationSummary(sources, now)),
    section(() => quarantineSummary(sources, now)),
    sources.deadLetterDepth(),
  ]);
  return {
    period,
    sinceIso,
    nowIso: now.toISOString(),
    hours,
    statuses: { failed, stalled, succeeded },
    overdue,
    notifications,
    quarantine,
    deadLetters,
  };
}
