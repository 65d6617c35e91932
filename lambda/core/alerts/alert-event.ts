/**
 * One alert-worthy event → an individual alert on the job-alerts topic, or a place in its window's digest. Runs in
 * the fan-out after the event's systems message went out, so the systems path never waits for it. The decision is
 * one conditional transaction (alerts/store.ts), so a retried record, a re-drive and concurrent invocations decide
 * each event once and never spend more than the window's budget.
 */
import type { EventItem } from '../items';
import { buildAlertNotification } from '../notification';
import type { FlushDeps } from './flush';
import { waitForSlot } from './pace';
import { ALERT_ITEM_RETENTION_DAYS, STALE_CLAIM_MS } from './settings';
import type { AlertFacts, AlertKind } from './store';
import { nextWindow, windowAt, type AlertWindow } from './windows';

/** What a flush needs (alerts/flush.ts), and how long the pacing may wait for a slot. */
export interface AlertDeps extends FlushDeps {
  /** See PaceDeps.waitUntilMs (alerts/pace.ts). */
  readonly waitUntilMs?: number;
}

/**
 * `alerted`: published on its own. `digested`: left for its window's digest (budget spent). `unpaced`: decided as an
 * alert but no rate slot came free in time, so the flush counts it into the digest. `already`: decided and handled
 * (sent, being sent, or folded into the digest) by another attempt. `not-alert-worthy`: its status does not alert.
 */
export type AlertOutcome = 'alerted' | 'digested' | 'unpaced' | 'already' | 'not-alert-worthy';

/** A window can be closing while we decide; a few windows ahead is always open. */
const MAX_WINDOW_ATTEMPTS = 4;

export function factsOf(item: EventItem): AlertFacts {
  return { provider: item.provider, jobId: item.jobId, status: item.status, eventType: item.eventType, eventId: item.eventId };
}

export function expiresAtFor(window: AlertWindow): number {
  return Math.floor(Date.parse(window.end) / 1000) + ALERT_ITEM_RETENTION_DAYS * 86_400;
}

/** Decides the event's kind within the current window (or the next open one) and sends it if it is an alert. */
export async function alertEvent(item: EventItem, deps: AlertDeps): Promise<AlertOutcome> {
  if (!deps.settings.statuses.has(item.status)) return 'not-alert-worthy';
  let window = windowAt(deps.now().getTime(), deps.settings.windowSeconds);
  for (let attempt = 0; attempt < MAX_WINDOW_ATTEMPTS; attempt++) {
    const decide = (kind: AlertKind) =>
      deps.store.decide({
        window,
        facts: factsOf(item),
        kind,
        perWindow: deps.settings.perWindow,
        at: deps.now().toISOString(),
        expiresAt: expiresAtFor(window),
      });
    let kind: AlertKind = deps.settings.perWindow > 0 ? 'alert' : 'digest';
    let outcome = await decide(kind);
    if (outcome === 'budget-spent') {
      kind = 'digest';
      outcome = await decide(kind);
    }
    if (outcome === 'window-closed') {
      window = nextWindow(window, deps.settings.windowSeconds);
      continue;
    }
    if (outcome === 'already-decided') return resumeEarlierDecision(item, deps);
    return kind === 'alert' ? publishAlert(item, window.start, deps) : 'digested';
  }
  throw new Error(`no open alert window for event ${item.eventId} after ${MAX_WINDOW_ATTEMPTS} attempts`);
}

/** A retry or re-drive: an alert an earlier attempt decided but never sent is sent now (unless already folded). */
async function resumeEarlierDecision(item: EventItem, deps: AlertDeps): Promise<AlertOutcome> {
  const earlier = await deps.store.decisionOf(item.eventId);
  if (!earlier || earlier.kind === 'digest' || earlier.sentAt || earlier.foldedAt) return 'already';
  return publishAlert(item, earlier.window, deps);
}

async function publishAlert(item: EventItem, windowStart: string, deps: AlertDeps): Promise<AlertOutcome> {
  // Built before taking a slot: an event that cannot become a message must not hold one.
  const notification = buildAlertNotification(item, { jobsCommandHint: deps.jobsCommandHint, providers: deps.providers });
  if (!(await waitForSlot(deps))) return 'unpaced';
  const staleBefore = new Date(deps.now().getTime() - STALE_CLAIM_MS).toISOString();
  if (!(await deps.store.startPublishing(windowStart, item.eventId, deps.now().toISOString(), staleBefore))) return 'already';
  await deps.publisher.publish(notification);
  await deps.store.markSent(windowStart, item.eventId, deps.now().toISOString());
  return 'alerted';
}
