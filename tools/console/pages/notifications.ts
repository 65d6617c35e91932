/**
 * Notifications: terminal events not yet published (pending) and those the fan-out gave up on (parked, with why);
 * re-drive one or all — a dry run first, then the re-drive on explicit confirmation — and the fan-out's dead-letter
 * queue.
 */
import type { EventItem } from '../../../lambda/core/items';
import type { RedriveReport } from '../../lib/redrive-run';
import { html, type SafeHtml } from '../html';
import { ago, countLink, csrfField, executeForm, jobLink, type Page, type PageContext, statusBadge, table, time } from './common';

export interface NotificationsView {
  readonly items: readonly EventItem[];
  readonly invalid: number;
  readonly nextCursor?: string;
  readonly paged: boolean;
  readonly deadLetters: { depth?: number; url?: string; error?: string };
  /** Minutes a pending (not parked) event waits before a re-drive takes it: the live fan-out is not raced. */
  readonly waitMinutes: number;
}

/** The action a plan token covers: which events a re-drive publishes. */
export const redrivePlan = (ids: readonly string[]) => `redrive\n${[...ids].sort().join('\n')}`;

function rows(items: readonly EventItem[], context: PageContext, parked: boolean): SafeHtml[][] {
  return items.map((item) => [
    html`<input type="checkbox" name="id" value="${item.eventId}" aria-label="select event ${item.eventId}">`,
    html`${time(item.receivedAt)}<br><span class="muted">${ago(item.receivedAt, context.now)} ago</span>`,
    html`${item.provider}`,
    jobLink(item),
    html`${statusBadge(item.status)} ${item.eventType}`,
    parked ? html`<span class="bad">${item.undeliverable ?? ''}</span>` : html`<span class="muted">${item.notifyTopic ?? ''} topic</span>`,
    html`<button type="submit" name="only" value="${item.eventId}" class="secondary">Re-drive…</button>`,
  ]);
}

export function notificationsPage(view: NotificationsView, context: PageContext): Page {
  const parked = view.items.filter((item) => item.undeliverable !== undefined);
  const pending = view.items.filter((item) => item.undeliverable === undefined);
  const headers = ['', 'received', 'provider', 'job', 'event', 'why', ''];
  const dlq = view.deadLetters;
  return {
    title: 'Notifications',
    body: html`<h1>Notifications</h1>
<p class="muted">Terminal and stalled events whose notification is not published yet, from the pending index (no Scan). A re-drive publishes each
through the fan-out's own code and marks it notified, so nothing is notified twice; a pending event waits ${view.waitMinutes} minutes first, so the
live fan-out is not raced. Parked events (the fan-out gave up on them) can be re-driven at once.${
      view.invalid > 0 ? ` ${view.invalid} pending item(s) are not event items and are left alone.` : ''
    }</p>
<form method="post" action="/notifications/dry-run">
${csrfField(context)}
<p><button type="submit">Re-drive all… (dry run)</button> <button type="submit" name="selected" value="1" class="secondary">Re-drive the selected… (dry run)</button></p>
<section id="parked"><h2>Parked (${parked.length})</h2>
${table(headers, rows(parked, context, true), 'Nothing parked.')}</section>
<section id="pending"><h2>Pending (${pending.length})</h2>
${table(headers, rows(pending, context, false), 'Nothing pending.')}</section>
</form>
<p class="pager">${view.paged ? html`<a href="/notifications">← First page</a>` : ''}${
      view.nextCursor ? html`<a rel="next" href="/notifications?after=${view.nextCursor}">Next page →</a>` : ''
    }</p>
<section id="dead-letters"><h2>Dead-letter queue</h2>
<p>${
      dlq.depth === undefined
        ? html`<span class="muted">Not known: ${dlq.error ?? 'no queue'}.</span>`
        : html`${countLink(dlq.depth, '#dead-letters')} failure record(s): fan-out batches that ran out of retries. Their events stay pending in the
table until notified, so the lists above cover them; a dry run shows where each record points (without consuming it).`
    }</p></section>`,
  };
}

/** The dry run's or the re-drive's report; a dry run ends with the confirmation form. */
export function redriveReportPage(report: RedriveReport, context: PageContext, waitMinutes: number): Page {
  const ids = report.pending.map((p) => p.eventId);
  const outcome = (eventId: string): string => {
    if (!report.executed) return 'would be published';
    if (report.published.includes(eventId)) return 'published';
    if (report.skipped.includes(eventId)) return 'already notified meanwhile';
    const failed = report.failed.find((f) => f.eventId === eventId);
    return failed ? `failed: ${failed.reason}` : 'not attempted';
  };
  const pendingRows = report.pending.map((p) => [
    time(p.receivedAt),
    p.provider,
    html`<code>${p.jobId}</code>`,
    html`${statusBadge(p.status)} ${p.eventType}`,
    p.undeliverable ? html`<span class="bad">parked: ${p.undeliverable}</span>` : 'pending',
    html`<strong>${outcome(p.eventId)}</strong>`,
  ]);
  const dlqRows = report.deadLetters.map((d) => [
    d.timestamp ?? '',
    d.condition ?? '',
    d.unreadable
      ? `not a stream failure record: ${d.unreadable}`
      : `shard ${d.shardId ?? '?'}, sequence ${d.startSequenceNumber ?? '?'}..${d.endSequenceNumber ?? '?'}`,
    d.batchSize === undefined ? '' : String(d.batchSize),
  ]);
  const confirm =
    !report.executed && ids.length > 0
      ? executeForm(context, {
          action: '/notifications/redrive',
          ids,
          plan: redrivePlan(ids),
          explanation: html`Nothing was published. Re-driving publishes ${ids.length} notification${ids.length === 1 ? '' : 's'}, one SNS message each, and marks
${ids.length === 1 ? 'it' : 'them'} notified; one notified meanwhile is skipped.`,
          button: `Re-drive ${ids.length} notification${ids.length === 1 ? '' : 's'} now`,
          cancelHref: '/notifications',
        })
      : '';
  const people =
    report.alerted.length + report.digested.length + report.alertFailed.length > 0
      ? ` People: alerted ${report.alerted.length}, left for a digest ${report.digested.length}, alert failed ${report.alertFailed.length}.`
      : '';
  const summary = report.executed
    ? `Published ${report.published.length}, already notified meanwhile ${report.skipped.length}, failed ${report.failed.length}.${people}`
    : html`${ids.length} notification${ids.length === 1 ? '' : 's'} would be published (pending ones received before ${time(report.beforeIso)}, parked ones of any age).`;
  return {
    title: report.executed ? 'Re-drive result' : 'Re-drive dry run',
    body: html`<h1>${report.executed ? 'Re-drive result' : 'Re-drive: dry run'}</h1>
<p class="report" role="status">${summary}</p>
${table(['received', 'provider', 'job', 'event', 'state', 'outcome'], pendingRows, `Nothing to re-drive: pending events younger than ${waitMinutes} minutes are left to the live fan-out.`)}
${confirm}
${report.executed ? '' : html`<h2>Dead-letter queue records</h2>${table(['when', 'condition', 'points at', 'records'], dlqRows, 'None.')}`}
<p><a href="/notifications">Back to notifications</a></p>`,
  };
}
