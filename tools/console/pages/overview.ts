/**
 * Overview: what failed, stalled, is overdue or succeeded in the chosen period, per provider, as a chart and as
 * lists; notifications still pending or parked; refused deliveries by reason; the dead-letter queue. Every number
 * links to the list it counts.
 */
import { html, query, type SafeHtml } from '../html';
import type { Overview, PeriodStatus, Section, StatusSummary } from '../overview-reads';
import { periods } from '../periods';
import { failureChart } from './chart';
import { ago, countLink, failure, jobLink, listHref, type Page, type PageContext, table, time } from './common';

const statusWords: Readonly<Record<PeriodStatus, string>> = {
  failed: 'Failed',
  stalled: 'Stalled',
  succeeded: 'Succeeded',
};

function periodPicker(overview: Overview): SafeHtml {
  return html`<nav class="periods" aria-label="period">${periods.map((p) =>
    p.id === overview.period.id ? html`<strong aria-current="true">${p.label}</strong>` : html`<a href="/${query({ period: p.id })}">${p.label}</a>`,
  )}</nav>`;
}

function card(label: string, value: SafeHtml, note: string): SafeHtml {
  return html`<div class="card"><div class="card-label">${label}</div><div class="card-value">${value}</div><div class="card-note">${note}</div></div>`;
}

function sectionCount<T>(s: Section<T>, pick: (value: T) => SafeHtml): SafeHtml {
  return s.ok ? pick(s.value) : html`<span class="error" title="${s.error}">?</span>`;
}

function cards(overview: Overview): SafeHtml {
  const since = overview.period.id;
  const statusCard = (status: PeriodStatus) =>
    card(
      statusWords[status],
      sectionCount(overview.statuses[status], (v) => countLink(v.total, listHref({ status, since }), v.capped)),
      `entered ${status} in the last ${overview.period.label}`,
    );
  const dlq = overview.deadLetters;
  return html`<section class="cards">
${statusCard('failed')}
${statusCard('stalled')}
${card(
  'Overdue',
  sectionCount(overview.overdue, (v) => countLink(v.jobs.length, listHref({ status: 'overdue' }), v.capped)),
  'waiting longer than their deadline now',
)}
${statusCard('succeeded')}
${card(
  'Notifications pending',
  sectionCount(overview.notifications, (v) => countLink(v.pending, '/notifications', v.capped)),
  'not yet published',
)}
${card(
  'Parked',
  sectionCount(overview.notifications, (v) => countLink(v.parked, '/notifications#parked', v.capped)),
  'the fan-out gave up; re-drive',
)}
${card(
  'Quarantined',
  sectionCount(overview.quarantine, (v) => countLink(v.total, '/quarantine')),
  'refused deliveries kept',
)}
${card(
  'Dead letters',
  dlq.depth === undefined ? html`<span class="muted" title="${dlq.error ?? ''}">n/a</span>` : countLink(dlq.depth, '/notifications#dead-letters'),
  'fan-out batches out of retries',
)}
</section>`;
}

function byProvider(overview: Overview, providerNames: readonly string[]): SafeHtml {
  const since = overview.period.id;
  const seen = new Set(providerNames);
  const counted = (s: Section<{ byProvider: Readonly<Record<string, number>> }>) => (s.ok ? Object.keys(s.value.byProvider) : []);
  for (const s of [overview.statuses.failed, overview.statuses.stalled, overview.statuses.succeeded, overview.overdue]) for (const p of counted(s)) seen.add(p);
  const cell = (s: Section<{ byProvider: Readonly<Record<string, number>> }>, href: string, provider: string) =>
    s.ok ? countLink(s.value.byProvider[provider] ?? 0, href) : html`<span class="error">?</span>`;
  const rows = [...seen].map((provider) => [
    provider,
    cell(overview.statuses.failed, listHref({ status: 'failed', provider, since }), provider),
    cell(overview.statuses.stalled, listHref({ status: 'stalled', provider, since }), provider),
    cell(overview.overdue, listHref({ status: 'overdue', provider }), provider),
    cell(overview.statuses.succeeded, listHref({ status: 'succeeded', provider, since }), provider),
  ]);
  return table(['provider', 'failed', 'stalled', 'overdue', 'succeeded'], rows);
}

function recentList(status: PeriodStatus, s: Section<StatusSummary>, overview: Overview, context: PageContext): SafeHtml {
  if (!s.ok) return failure(`${status} jobs`, s.error);
  const rows = s.value.recent.map((state) => [
    jobLink(state),
    state.provider,
    state.eventType,
    html`${time(state.statusSince ?? state.updatedAt)} <span class="muted">(${ago(state.statusSince ?? state.updatedAt, context.now)} ago)</span>`,
  ]);
  const more =
    s.value.total > s.value.recent.length ? html`<p><a href="${listHref({ status, since: overview.period.id })}">all ${s.value.total} →</a></p>` : '';
  return html`${table(['job', 'provider', 'provider status', 'since'], rows, `No job ${status} in the last ${overview.period.label}.`)}${more}`;
}

function overdueList(overview: Overview, context: PageContext): SafeHtml {
  const s = overview.overdue;
  if (!s.ok) return failure('overdue jobs', s.error);
  const rows = s.value.jobs
    .slice(0, 8)
    .map((job) => [
      jobLink(job.state),
      job.state.provider,
      job.state.eventType,
      html`${time(job.dueAt)} <span class="muted">(${ago(job.dueAt, context.now)} ago)</span>`,
    ]);
  return table(['job', 'provider', 'waiting in', 'deadline passed'], rows, 'No job is past its deadline.');
}

function quarantineByReason(overview: Overview): SafeHtml {
  const s = overview.quarantine;
  if (!s.ok) return failure('the quarantine', s.error);
  const rows = Object.entries(s.value.byReason)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, count]) => [reason, countLink(count, `/quarantine${query({ reason })}`)]);
  return table(['reason', 'deliveries'], rows, 'Nothing in the quarantine.');
}

export function overviewPage(overview: Overview, providerNames: readonly string[], context: PageContext): Page {
  const chartSeries = (['failed', 'stalled'] as const).flatMap((status) => {
    const s = overview.statuses[status];
    return s.ok ? [{ status, perHour: s.value.perHour }] : [];
  });
  return {
    title: 'Overview',
    body: html`<h1>Overview</h1>
${periodPicker(overview)}
<p class="muted">From ${time(overview.sinceIso)} to ${time(overview.nowIso)}.</p>
${cards(overview)}
<section><h2>Failures per hour</h2>${failureChart(overview.hours, chartSeries)}
<p class="legend"><span class="key s-failed"></span> failed <span class="key s-stalled"></span> stalled (click a bar for its jobs)</p></section>
<section><h2>By provider</h2>${byProvider(overview, providerNames)}</section>
<div class="columns">
<section><h2>Recently failed</h2>${recentList('failed', overview.statuses.failed, overview, context)}</section>
<section><h2>Recently stalled</h2>${recentList('stalled', overview.statuses.stalled, overview, context)}</section>
<section><h2>Overdue</h2>${overdueList(overview, context)}</section>
<section><h2>Quarantine by reason</h2>${quarantineByReason(overview)}</section>
</div>`,
  };
}
