/** Job lists: jobs that entered a status in a period (a page at a time), and jobs overdue now. */
import type { StateItem } from '../../../lambda/core/items';
import { html, query, type SafeHtml } from '../html';
import type { OverdueJob } from '../overview-reads';
import { ago, jobLink, type Page, type PageContext, statusBadge, table, time } from './common';

/** What a status list shows and how it was asked for (to build the next page's link). */
export interface StatusListView {
  readonly status: string;
  readonly provider?: string;
  /** As asked: a duration (`24h`) or an ISO time. */
  readonly since: string;
  readonly sinceIso: string;
  readonly until?: string;
  readonly states: readonly StateItem[];
  readonly moved: number;
  readonly nextCursor?: string;
  /** This page is not the first. */
  readonly paged: boolean;
}

function heading(status: string, provider: string | undefined): string {
  return `${provider ? `${provider} jobs` : 'Jobs'} ${status === 'overdue' ? 'past their deadline' : `that entered ${status.replace('_', ' ')}`}`;
}

export function statusListPage(view: StatusListView, context: PageContext): Page {
  const rows = view.states.map((state) => [
    jobLink(state),
    state.provider,
    statusBadge(state.status),
    state.eventType,
    html`${time(state.statusSince ?? state.updatedAt)} <span class="muted">(${ago(state.statusSince ?? state.updatedAt, context.now)} ago)</span>`,
  ]);
  const base = { status: view.status, provider: view.provider, since: view.since, until: view.until };
  const next: SafeHtml | string = view.nextCursor ? html`<a rel="next" href="/jobs${query({ ...base, after: view.nextCursor })}">Next page →</a>` : '';
  const first: SafeHtml | string = view.paged ? html`<a href="/jobs${query(base)}">← First page</a> ` : '';
  const title = heading(view.status, view.provider);
  return {
    title,
    body: html`<h1>${title}</h1>
<p class="muted">Entered ${view.status} from ${time(view.sinceIso)}${view.until ? html` until ${time(view.until)}` : ''}, newest first.${
      view.moved > 0 ? ` ${view.moved} job(s) on this page left ${view.status} since and are not shown.` : ''
    }</p>
${table(['job', 'provider', 'status', 'provider status', 'entered'], rows, 'No jobs.')}
<p class="pager">${first}${next}</p>`,
  };
}

/** Jobs overdue now, longest overdue first, a page at a time by offset (the read is bounded). */
export function overdueListPage(
  view: { readonly jobs: readonly OverdueJob[]; readonly provider?: string; readonly offset: number; readonly pageSize: number; readonly capped: boolean },
  context: PageContext,
): Page {
  const shown = view.jobs.slice(view.offset, view.offset + view.pageSize);
  const rows = shown.map((job) => [
    jobLink(job.state),
    job.state.provider,
    statusBadge(job.state.status),
    job.state.eventType,
    `${job.deadlineMinutes} min`,
    html`${time(job.dueAt)} <span class="muted">(${ago(job.dueAt, context.now)} ago)</span>`,
  ]);
  const more = view.offset + view.pageSize < view.jobs.length;
  const title = heading('overdue', view.provider);
  return {
    title,
    body: html`<h1>${title}</h1>
<p class="muted">Waiting in a status for longer than its stall deadline, by the watchdog's own rule; the watchdog marks them stalled on its next sweep.${
      view.capped ? ' The read stopped at its bound: there may be more.' : ''
    }</p>
${table(['job', 'provider', 'status', 'waiting in', 'deadline', 'passed'], rows, 'No job is past its deadline.')}
<p class="pager">${
      more ? html`<a rel="next" href="/jobs${query({ status: 'overdue', provider: view.provider, offset: view.offset + view.pageSize })}">Next page →</a>` : ''
    }</p>`,
  };
}
