/** The page frame and the small pieces every page uses: links to jobs and lists, times, counts, status badges. */
import { html, query, raw, type HtmlValue, type SafeHtml } from '../html';

/** What every page knows about the request it answers. */
export interface PageContext {
  /** The session's CSRF token, for forms that change state. */
  readonly csrf: string;
  /** The token that lets an execute form run exactly what its dry run showed (`what`: the action and its ids). */
  planToken(what: string): string;
  /** The stack the console reads (table name), for the header. */
  readonly target: string;
  readonly now: Date;
}

/** A page: its title (text) and body (markup). */
export interface Page {
  readonly title: string;
  readonly body: SafeHtml;
  /** The HTTP status (200 unless said otherwise). */
  readonly status?: number;
}

const nav: ReadonlyArray<readonly [string, string]> = [
  ['/', 'Overview'],
  ['/find', 'Find'],
  ['/quarantine', 'Quarantine'],
  ['/notifications', 'Notifications'],
];

/** The whole document around a page: our stylesheet and script only (the CSP allows nothing else). */
export function layout(page: Page, context: Pick<PageContext, 'target'>, path: string): string {
  const links = nav.map(([href, label]) => html`<a href="${href}"${raw(href === path ? ' aria-current="page"' : '')}>${label}</a>`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · jobs console</title>
<link rel="stylesheet" href="/static/console.css">
<script src="/static/console.js" defer></script>
</head>
<body>
<header><span class="brand">Job webhooks</span><nav>${links}</nav><span class="target">table ${context.target}</span></header>
<main>
${page.body}
</main>
</body>
</html>
`.text;
}

/** A job page's address. */
export function jobHref(job: { readonly provider: string; readonly partitionId: string; readonly jobId: string }): string {
  return `/job${query({ provider: job.provider, partition: job.partitionId, job: job.jobId })}`;
}

/** A job list's address. */
export function listHref(params: { status: string; provider?: string; since?: string; until?: string }): string {
  return `/jobs${query(params)}`;
}

/** A link to a job showing its id (provider text: escaped by the tag). */
export function jobLink(job: { readonly provider: string; readonly partitionId: string; readonly jobId: string }): SafeHtml {
  return html`<a class="job" href="${jobHref(job)}">${job.jobId}</a>`;
}

/** A count that links to its list; "N+" when the count stopped at a cap. */
export function countLink(count: number, href: string, capped = false): SafeHtml {
  return html`<a class="count" href="${href}">${count.toLocaleString('en-US')}${capped ? '+' : ''}</a>`;
}

/** A normalised status as a coloured badge. */
export function statusBadge(status: string): SafeHtml {
  return html`<span class="badge s-${status.replace(/[^a-z_]/g, '')}">${status.replace('_', ' ')}</span>`;
}

/** `2026-11-23T08:05:00.000Z` as `2026-11-23 08:05:00 UTC`, with the exact value in the `datetime` attribute. */
export function time(iso: string | undefined): SafeHtml {
  if (iso === undefined) return html`<span class="muted">—</span>`;
  const shown = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : iso;
  return html`<time datetime="${iso}">${shown}</time>`;
}

/** How long ago `iso` was, relative to `now`: "45 s", "12 min", "3 h", "2 d". */
export function ago(iso: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

/** A read that failed, said plainly where its section would be. */
export function failure(what: string, error: string): SafeHtml {
  return html`<p class="error" role="alert">Could not read ${what}: ${error}</p>`;
}

/** A table from a header row and body rows (cells are markup or text). */
export function table(headers: readonly string[], rows: readonly (readonly HtmlValue[])[], empty = 'None.'): SafeHtml {
  if (rows.length === 0) return html`<p class="muted">${empty}</p>`;
  return html`<table><thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map(
    (cells) => html`<tr>${cells.map((cell) => html`<td>${cell}</td>`)}</tr>`,
  )}</tbody></table>`;
}

/** The hidden CSRF field every state-changing form carries. */
export function csrfField(context: Pick<PageContext, 'csrf'>): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${context.csrf}">`;
}

/**
 * The form a dry-run report ends with: the exact ids it showed and their signed plan, so executing runs only what the
 * dry run showed (a changed selection is refused: tools/console/actions.ts).
 */
export function executeForm(
  context: Pick<PageContext, 'csrf' | 'planToken'>,
  form: { action: string; ids: readonly string[]; plan: string; explanation: SafeHtml; button: string; cancelHref: string },
): SafeHtml {
  return html`<form method="post" action="${form.action}" class="report">
${csrfField(context)}
${form.ids.map((id) => html`<input type="hidden" name="id" value="${id}">`)}
<input type="hidden" name="plan" value="${context.planToken(form.plan)}">
<p>${form.explanation}</p>
<button type="submit" class="danger">${form.button}</button> <a href="${form.cancelHref}">Cancel</a>
</form>`;
}
