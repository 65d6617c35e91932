/**
 * Quarantine: refused deliveries with their reason and the headers kept; replay one or a selection — a dry run first
 * (what would happen, nothing written), then, on explicit confirmation, the replay itself — and its result.
 */
import type { QuarantineView, ReplayReport } from '../../lib/replay-run';
import { html, query, raw, type SafeHtml } from '../html';
import { ago, csrfField, executeForm, jobLink, type Page, type PageContext, table, time } from './common';

/** One listed delivery, with the header values the page shows beside their names. */
export interface QuarantineRow extends QuarantineView {
  readonly headerValues: Readonly<Record<string, string>>;
}

export interface QuarantineListView {
  readonly providers: readonly string[];
  readonly provider?: string;
  readonly reason?: string;
  readonly since?: string;
  readonly sinceIso: string;
  readonly rows: readonly QuarantineRow[];
  readonly offset: number;
  readonly pageSize: number;
  readonly total: number;
  readonly unreadable: number;
  /** Why replay is not possible now (the trust could not be loaded), if so. */
  readonly replayProblem?: string;
}

/** The action a plan token covers: which ids a replay runs. */
export const replayPlan = (ids: readonly string[]) => `replay\n${[...ids].sort().join('\n')}`;

function headersCell(row: QuarantineRow): SafeHtml {
  if (row.headers.length === 0) return html`<span class="muted">none</span>`;
  return html`<details><summary>${row.headers.join(', ')}</summary><dl class="facts">${row.headers.map(
    (name) => html`<dt>${name}</dt><dd><code>${row.headerValues[name] ?? ''}</code></dd>`,
  )}</dl></details>`;
}

export function quarantinePage(view: QuarantineListView, context: PageContext): Page {
  const selected = (on: boolean) => raw(on ? ' selected' : '');
  const filters = html`<form method="get" action="/quarantine" class="inline">
<label>Provider <select name="provider"><option value="">all</option>${view.providers.map(
    (p) => html`<option value="${p}"${selected(p === view.provider)}>${p}</option>`,
  )}</select></label>
<label>Reason <input name="reason" value="${view.reason ?? ''}" placeholder="e.g. invalid_signature"></label>
<label>Since <input name="since" value="${view.since ?? ''}" placeholder="all kept; or 2h, 7d, ISO"></label>
<button type="submit" class="secondary">Filter</button></form>`;
  const rows = view.rows.map((row) => [
    html`<input type="checkbox" name="id" value="${row.deliveryId}" aria-label="select delivery ${row.deliveryId}">`,
    html`${time(row.receivedAt)}<br><span class="muted">${ago(row.receivedAt, context.now)} ago</span>`,
    row.provider,
    html`${row.httpStatus} <strong>${row.reason}</strong>${row.detail ? html`<br><span class="muted">${row.detail}</span>` : ''}`,
    `${row.bodyBytes} B`,
    headersCell(row),
    html`<code>${row.deliveryId}</code>`,
    html`<button type="submit" name="only" value="${row.deliveryId}" class="secondary">Dry run</button>`,
  ]);
  const more = view.offset + view.pageSize < view.total;
  const pager = html`<p class="pager">${
    view.offset > 0 ? html`<a href="/quarantine${query({ provider: view.provider, reason: view.reason, since: view.since })}">← First page</a>` : ''
  }${
    more
      ? html`<a rel="next" href="/quarantine${query({ provider: view.provider, reason: view.reason, since: view.since, offset: view.offset + view.pageSize })}">Next page →</a>`
      : ''
  }</p>`;
  return {
    title: 'Quarantine',
    body: html`<h1>Quarantine</h1>
<p class="muted">Deliveries the receiver refused with 401 (signature) or 400 (payload), kept with their exact bytes and the headers needed to verify
them again. A replay verifies each with the keys and secrets in force now and stores it through the receiver's own code, with its original receive
time; accepted ones and duplicates leave the quarantine, refused ones stay. ${view.total} kept, received since ${time(view.sinceIso)}.${
      view.unreadable > 0 ? ` ${view.unreadable} item(s) are not quarantine items and are left alone.` : ''
    }</p>
${view.replayProblem ? html`<p class="error" role="alert">Replay is not possible: ${view.replayProblem}</p>` : ''}
${filters}
<form method="post" action="/quarantine/dry-run">
${csrfField(context)}
<p><label><input type="checkbox" data-select-all> select all on this page</label> <button type="submit">Dry run the selected</button></p>
${table(['', 'received', 'provider', 'refused', 'body', 'headers kept', 'delivery', ''], rows, 'Nothing in the quarantine.')}
</form>
${pager}`,
  };
}

function outcomeText(outcome: string, executed: boolean): string {
  if (outcome === 'failed') return 'failed (storage or secret source unavailable: try again)';
  if (outcome === 'rejected') return executed ? 'refused again: stays in the quarantine' : 'would be refused again';
  return executed ? outcome : `would be ${outcome}`;
}

/** The dry run's or the replay's report; a dry run ends with the confirmation form. */
export function replayReportPage(report: ReplayReport, context: PageContext): Page {
  const rows = report.deliveries.map((d) => [
    time(d.receivedAt),
    d.provider,
    html`<code>${d.deliveryId}</code>`,
    html`<strong>${outcomeText(d.outcome, report.executed)}</strong>${
      d.now ? html`<br><span class="muted">${d.now.httpStatus} ${d.now.reason}: ${d.now.detail}</span>` : ''
    }`,
    d.job ? jobLink({ provider: d.provider, ...d.job }) : '',
  ]);
  const ids = report.deliveries.map((d) => d.deliveryId);
  const willStore = report.accepted + report.duplicate;
  const confirm =
    !report.executed && ids.length > 0
      ? executeForm(context, {
          action: '/quarantine/replay',
          ids,
          plan: replayPlan(ids),
          explanation: html`Nothing was written. Replaying stores ${willStore} deliver${willStore === 1 ? 'y' : 'ies'} (accepted ones are notified as if they had just arrived) and
clears ${willStore === 1 ? 'it' : 'them'} from the quarantine; refused ones stay. Running it again changes nothing.`,
          button: `Replay these ${ids.length} deliver${ids.length === 1 ? 'y' : 'ies'} now`,
          cancelHref: '/quarantine',
        })
      : '';
  const verb = report.executed ? '' : 'would be ';
  return {
    title: report.executed ? 'Replay result' : 'Replay dry run',
    body: html`<h1>${report.executed ? 'Replay result' : 'Replay: dry run'}</h1>
<p class="report" role="status">${report.executed ? 'Replayed' : 'Dry run over'} ${report.matched} deliver${report.matched === 1 ? 'y' : 'ies'}: ${verb}accepted
<strong>${report.accepted}</strong>, duplicate <strong>${report.duplicate}</strong>, refused again <strong>${report.rejected}</strong>, failed
<strong>${report.failed}</strong>.</p>
${table(['received', 'provider', 'delivery', 'outcome', 'job'], rows, 'None of the selected deliveries is in the quarantine any more.')}
${confirm}
<p><a href="/quarantine">Back to the quarantine</a></p>`,
  };
}
