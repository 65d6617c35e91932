/** Find: a job by its id (any provider), or a list of jobs by provider, status and time. */
import type { StateItem } from '../../../lambda/core/items';
import { normalisedStatuses } from '../../../lambda/core/model';
import { html, raw } from '../html';
import { jobLink, type Page, statusBadge, table, time } from './common';

/** What the find page was asked and found. */
export interface FindView {
  readonly providers: readonly string[];
  /** The id searched for, when one was. */
  readonly id?: string;
  readonly provider?: string;
  readonly found?: readonly StateItem[];
  /** A problem with the request, said in words. */
  readonly problem?: string;
}

const selected = (on: boolean) => raw(on ? ' selected' : '');

export function findPage(view: FindView): Page {
  const providerOptions = (chosen: string | undefined, anyLabel: string) =>
    html`<option value="">${anyLabel}</option>${view.providers.map((p) => html`<option value="${p}"${selected(p === chosen)}>${p}</option>`)}`;
  const results =
    view.found === undefined
      ? ''
      : html`<section><h2>Jobs named ${view.id ?? ''}</h2>${table(
          ['job', 'provider', 'status', 'provider status', 'updated'],
          view.found.map((s) => [jobLink(s), s.provider, statusBadge(s.status), s.eventType, time(s.updatedAt)]),
          'No job by that id. Try the CLI words (asset id and version id), or the id exactly as the provider sends it.',
        )}</section>`;
  return {
    title: 'Find',
    status: view.problem ? 400 : 200,
    body: html`<h1>Find</h1>
${view.problem ? html`<p class="error" role="alert">${view.problem}</p>` : ''}
<section><h2>A job by its id</h2>
<form method="get" action="/find" class="inline">
<label>Id <input name="id" value="${view.id ?? ''}" size="48" required placeholder="a uuid, an asset id, asset/version, or asset version"></label>
<label>Provider <select name="provider">${providerOptions(view.provider, 'any')}</select></label>
<button type="submit">Find</button>
</form></section>
${results}
<section><h2>Jobs by provider, status and time</h2>
<form method="get" action="/jobs" class="inline">
<label>Provider <select name="provider">${providerOptions(undefined, 'all')}</select></label>
<label>Status <select name="status">${[...normalisedStatuses, 'overdue'].map((s) => html`<option value="${s}"${selected(s === 'failed')}>${s}</option>`)}</select></label>
<label>Entered since <input name="since" value="24h" size="24" placeholder="30m, 24h, 7d or an ISO time"></label>
<button type="submit">List</button>
</form></section>`,
  };
}
