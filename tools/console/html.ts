/**
 * HTML built only through the `html` tag: every interpolated value is escaped unless it is already `SafeHtml` (made by
 * this tag or by `raw` for our own constant markup). So a provider's job id, event type, header or body can only ever
 * become text: `<script>`, quotes and ampersands are entities, and control and bidirectional-override characters are
 * shown as visible `\uXXXX` marks instead of being passed to the browser (where they are invisible, or reorder text).
 */

/** Markup that is safe to insert as is. Only `html` and `raw` make one. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What may be interpolated: text and numbers (escaped), markup, lists of those, and nothing (empty). */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Characters a person cannot see or that rearrange what they see: C0 and C1 controls and DEL, the bidirectional
 * embeddings, overrides and isolates, line and paragraph separators, and the byte-order mark.
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]/g;
/** The same, but keeping line feeds and tabs: preformatted text (bodies) keeps its layout. */
const INVISIBLE_IN_BLOCK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]/g;

/**
 * The visible mark for an invisible character. No quotes in it: inside a quoted attribute it stays plain text and
 * cannot end the attribute.
 */
const mark = (char: string) => `<span class=ctl>\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}</span>`;

/** Text as HTML: entities for the five special characters, visible marks for invisible characters. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c).replace(INVISIBLE, mark);
}

/** Preformatted text (inside `<pre>`): as {@link escapeHtml}, keeping line feeds and tabs. */
export function escapeBlock(text: string): SafeHtml {
  return new SafeHtml(text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c).replace(INVISIBLE_IN_BLOCK, mark));
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.text;
  if (value === null || value === undefined || value === false || value === true) return '';
  if (typeof value === 'number') return escapeHtml(String(value));
  if (typeof value === 'string') return escapeHtml(value);
  return value.map(render).join('');
}

/** Template tag: the literal parts are our markup, every `${value}` is escaped (see {@link HtmlValue}). */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Our own constant markup (never provider data). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** A query string from parameters (each value URI-encoded); empty values are left out. */
export function query(params: Readonly<Record<string, string | number | undefined>>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}
