/**
 * Job: its current state and the timeline of its events — late events and repeated bodies marked, each body exactly
 * as received (re-indented from the raw text: numbers keep their digits), each event's notification (notified when,
 * parked why) and the alert or digest it went into.
 */
import type { AlertDecision } from '../../../lambda/core/alerts';
import type { EventItem, StateItem } from '../../../lambda/core/items';
import { shellWord } from '../../../lambda/core/notification/text';
import type { ProviderModule } from '../../../lambda/core/providers/provider';
import { escapeBlock, html, type SafeHtml } from '../html';
import { bodyView } from '../raw-json';
import type { TimelineEntry } from '../timeline';
import { ago, jobLink, type Page, type PageContext, statusBadge, table, time } from './common';

/** What the alerts path decided for an event (lambda/core/alerts): an individual alert, or its window's digest. */
export type AlertRecord = AlertDecision & { readonly window: string };

/** What the job page shows. */
export interface JobView {
  readonly module: ProviderModule | undefined;
  readonly provider: string;
  readonly partitionId: string;
  readonly jobId: string;
  readonly state: StateItem | undefined;
  readonly timeline: readonly TimelineEntry[];
  /** Other jobs in the same partition (a Panjaya asset and its versions). */
  readonly siblings: readonly StateItem[];
  /** The alerts path's decision per event id, where it made one. */
  readonly alerts: ReadonlyMap<string, AlertRecord>;
}

/** The body's tokens as coloured markup, or the text as received with why it is not shown as JSON. */
export function bodyMarkup(body: Uint8Array | undefined): SafeHtml {
  if (body === undefined || body.length === 0) return html`<p class="muted">No body stored.</p>`;
  const view = bodyView(body);
  if (!view.json) return html`<p class="muted">${view.reason}: shown exactly as received.</p><pre class="body">${escapeBlock(view.text)}</pre>`;
  const tokens = view.tokens.map((token) =>
    token.kind === 'space' || token.kind === 'punct' ? escapeBlock(token.text) : html`<span class="j-${token.kind}">${escapeBlock(token.text)}</span>`,
  );
  return html`<pre class="body json">${tokens}</pre>`;
}

function alertLine(alert: AlertRecord | undefined): SafeHtml | string {
  if (alert === undefined) return '';
  if (alert.kind === 'digest') return html`<li>For people: in the digest of the window starting ${time(alert.window)}.</li>`;
  if (alert.sentAt !== undefined) return html`<li>For people: alerted individually ${time(alert.sentAt)} (window starting ${time(alert.window)}).</li>`;
  if (alert.foldedAt !== undefined) return html`<li>For people: not sent alone; counted into the digest of the window starting ${time(alert.window)}.</li>`;
  return html`<li class="warn">For people: an individual alert was decided ${time(alert.decidedAt)} and is not sent yet.</li>`;
}

function notification(event: EventItem, alert: AlertRecord | undefined): SafeHtml {
  const people = alertLine(alert);
  if (event.notifyTopic === undefined) return html`<ul class="notice"><li class="muted">Does not notify (${event.status}).</li>${people}</ul>`;
  if (event.notifiedAt !== undefined) {
    return html`<ul class="notice"><li class="ok">Notified ${time(event.notifiedAt)} on the ${event.notifyTopic} topic.</li>${people}</ul>`;
  }
  if (event.undeliverable !== undefined) {
    return html`<ul class="notice"><li class="bad">Parked: ${event.undeliverable}. <a href="/notifications#parked">Re-drive…</a></li>${people}</ul>`;
  }
  return html`<ul class="notice"><li class="warn">Pending on the ${event.notifyTopic} topic: not yet published. <a href="/notifications">Notifications…</a></li>${people}</ul>`;
}

function marks(entry: TimelineEntry, byId: ReadonlyMap<string, EventItem>): SafeHtml {
  const out: SafeHtml[] = [];
  if (entry.head) out.push(html`<span class="mark head" title="the job's state reflects this event">current</span>`);
  if (entry.late) out.push(html`<span class="mark late" title="arrived after a newer event: kept in the history, the state did not move back">late</span>`);
  if (entry.stall) out.push(html`<span class="mark stall" title="written by the watchdog: no newer event before the deadline">watchdog</span>`);
  if (entry.repeats !== undefined) {
    const first = byId.get(entry.repeats);
    out.push(
      html`<span class="mark repeat" title="a stored copy of an earlier body: a new cycle, not a duplicate">same body as the event of ${first ? first.receivedAt : entry.repeats}</span>`,
    );
  }
  return html`${out}`;
}

function eventBlock(entry: TimelineEntry, byId: ReadonlyMap<string, EventItem>, alert: AlertRecord | undefined, context: PageContext): SafeHtml {
  const event = entry.event;
  const detail = [event.detailLocale, event.detailMessage].filter((part): part is string => part !== undefined);
  return html`<li class="event${entry.late ? ' is-late' : ''}" id="event-${event.eventId}">
<div class="event-head">${statusBadge(event.status)} <strong class="event-type">${event.eventType}</strong> ${marks(entry, byId)}</div>
<dl class="facts">
<dt>${event.providerTime === 1 ? 'occurred (provider time)' : 'occurred (receive time)'}</dt><dd>${time(event.occurredAt)}</dd>
<dt>received</dt><dd>${time(event.receivedAt)} <span class="muted">(${ago(event.receivedAt, context.now)} ago)</span></dd>
<dt>event id</dt><dd><code>${event.eventId}</code></dd>
${detail.length > 0 ? html`<dt>provider says</dt><dd>${detail.join(' · ')}</dd>` : ''}
</dl>
${notification(event, alert)}
<details class="payload" open><summary>Body as received (${event.body?.length ?? 0} bytes)</summary>${bodyMarkup(event.body)}</details>
</li>`;
}

export function jobPage(view: JobView, context: PageContext): Page {
  const label = view.module?.label ?? view.provider;
  const kind = view.module && view.state ? view.module.naming.kindOf(view.state) : 'job';
  if (!view.state && view.timeline.length === 0) {
    return {
      status: 404,
      title: 'Unknown job',
      body: html`<h1>Unknown job</h1><p>No ${label} job <code>${view.jobId}</code> in partition <code>${view.partitionId}</code>.</p><p><a href="/find">Find a job…</a></p>`,
    };
  }
  const state = view.state;
  const words = view.module && state ? view.module.naming.toArgs(state) : [view.jobId];
  const command = `npm run --silent jobs -- get ${[view.provider, ...words].map(shellWord).join(' ')}`;
  const byId = new Map(view.timeline.map((entry) => [entry.event.eventId, entry.event] as const));
  const facts = state
    ? html`<dl class="facts state">
<dt>status</dt><dd>${statusBadge(state.status)} since ${time(state.statusSince ?? state.updatedAt)} <span class="muted">(${ago(state.statusSince ?? state.updatedAt, context.now)} ago)</span></dd>
<dt>provider status</dt><dd>${state.eventType}</dd>
<dt>last event</dt><dd>occurred ${time(state.occurredAt)}, received ${time(state.receivedAt)}</dd>
<dt>updated</dt><dd>${time(state.updatedAt)}</dd>
<dt>events stored</dt><dd>${view.timeline.length}</dd>
<dt>from a terminal</dt><dd><code>${command}</code></dd>
</dl>`
    : html`<p class="warn">No state item: only its events are stored.</p>`;
  const siblings =
    view.siblings.length > 1
      ? html`<section><h2>In the same ${view.module?.naming.kindOf({ jobId: view.partitionId, partitionId: view.partitionId }) ?? 'partition'} ${view.partitionId}</h2>${table(
          ['job', 'status', 'provider status', 'updated'],
          view.siblings.map((s) => [
            s.jobId === view.jobId ? html`<strong>${s.jobId}</strong>` : jobLink(s),
            statusBadge(s.status),
            s.eventType,
            time(s.updatedAt),
          ]),
        )}</section>`
      : '';
  const late = view.timeline.filter((entry) => entry.late).length;
  return {
    title: `${label} ${kind} ${view.jobId}`,
    body: html`<h1>${label} ${kind} <span class="job-id">${view.jobId}</span> ${state ? statusBadge(state.status) : ''}</h1>
${facts}
${siblings}
<section><h2>Timeline</h2>
<p class="muted">Oldest first, in the job's order. ${late > 0 ? `${late} late event${late === 1 ? '' : 's'}. ` : ''}Copies the receiver recognised as duplicates are answered "duplicate" and never stored, so they do not appear here.</p>
<ol class="timeline">${view.timeline.map((entry) => eventBlock(entry, byId, view.alerts.get(entry.event.eventId), context))}</ol>
</section>`,
  };
}
