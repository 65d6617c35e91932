/**
 * Closing alert windows: once a window has ended (plus a short grace), one digest goes out for the events it did not
 * alert on individually — sent once, however many fan-out invocations and watchdog runs race to send it, because
 * the flush first takes the window with a conditional write (which also closes it to new decisions).
 */
import { buildDigestNotification } from '../notification';
import type { NotificationPublisher } from '../ports';
import type { ProviderRegistry } from '../providers';
import { waitForSlot } from './pace';
import { flushGraceMs, STALE_CLAIM_MS, type AlertSettings } from './settings';
import type { AlertDecision, AlertStore } from './store';

export interface FlushDeps {
  readonly store: AlertStore;
  readonly publisher: NotificationPublisher;
  readonly settings: AlertSettings;
  readonly jobsCommandHint: string;
  readonly providers?: ProviderRegistry;
  readonly now: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface FlushedWindow {
  readonly windowStart: string;
  /** Events the digest held (0: the window's alerts all went out on their own, nothing sent). */
  readonly digestTotal: number;
  readonly outcome: 'sent' | 'nothing-to-send' | 'postponed' | 'taken' | 'unpaced';
}

/** How far back a flush looks for windows that still owe a digest (older ones have long been flushed). */
const LOOKBACK_MS = 2 * 86_400_000;

/** Flushes every closed window that still owes its digest; a failure of one window does not stop the others. */
export async function flushClosedWindows(deps: FlushDeps): Promise<{ flushed: FlushedWindow[]; failures: Array<{ windowStart: string; error: unknown }> }> {
  const nowMs = deps.now().getTime();
  const endedBy = new Date(nowMs - flushGraceMs(deps.settings)).toISOString();
  const heads = await deps.store.windowsToFlush(new Date(nowMs - LOOKBACK_MS).toISOString(), endedBy);
  const flushed: FlushedWindow[] = [];
  const failures: Array<{ windowStart: string; error: unknown }> = [];
  for (const head of heads) {
    try {
      flushed.push(await flushWindow(head.window, deps));
    } catch (error) {
      failures.push({ windowStart: head.window.start, error });
    }
  }
  return { flushed, failures };
}

async function flushWindow(window: { start: string; end: string }, deps: FlushDeps): Promise<FlushedWindow> {
  const at = () => deps.now().toISOString();
  const staleBefore = () => new Date(deps.now().getTime() - STALE_CLAIM_MS).toISOString();
  if (!(await deps.store.claimFlush(window.start, at(), staleBefore()))) return { windowStart: window.start, digestTotal: 0, outcome: 'taken' };
  const members: AlertDecision[] = [];
  for (const decision of await deps.store.decisions(window.start)) {
    // Sent on its own: never listed, even when an earlier flush folded it while its publish was presumed dead.
    if (decision.sentAt) continue;
    if (decision.kind === 'digest' || decision.foldedAt) {
      members.push(decision);
      continue;
    }
    const folded = await deps.store.fold(window.start, decision.eventId, at(), staleBefore());
    if (folded === 'folded') members.push(decision);
    if (folded === 'in-flight') {
      // Its publish is under way: let it finish rather than risk it in both the alert and the digest.
      await deps.store.releaseFlush(window.start);
      return { windowStart: window.start, digestTotal: 0, outcome: 'postponed' };
    }
  }
  if (members.length === 0) {
    await deps.store.finishFlush(window.start, at(), 0);
    return { windowStart: window.start, digestTotal: 0, outcome: 'nothing-to-send' };
  }
  members.sort((a, b) => a.decidedAt.localeCompare(b.decidedAt) || a.eventId.localeCompare(b.eventId));
  const { notification } = buildDigestNotification(window, members, { jobsCommandHint: deps.jobsCommandHint, providers: deps.providers });
  if (!(await waitForSlot(deps))) {
    await deps.store.releaseFlush(window.start);
    return { windowStart: window.start, digestTotal: members.length, outcome: 'unpaced' };
  }
  try {
    await deps.publisher.publish(notification);
  } catch (error) {
    // Hand the window back so the next flush (a minute later at most) sends it.
    await deps.store.releaseFlush(window.start).catch(() => undefined);
    throw error;
  }
  await deps.store.finishFlush(window.start, at(), members.length);
  return { windowStart: window.start, digestTotal: members.length, outcome: 'sent' };
}
