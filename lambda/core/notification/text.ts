/**
 * Neutralising provider-controlled text before it reaches a person. Provider payloads, ids and event names are
 * attacker-influenced (anyone holding a valid signing key, or a compromised provider): they must not be able to
 * forge lines in an e-mail, ping a Slack channel, or smuggle a command into the "look it up" line.
 */

// C0/C1 controls, DEL, zero-width and bidirectional overrides (which can visually reorder an id in a mail client).
const INVISIBLE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** ASCII marker for shortened text: SNS subjects must be ASCII, and one marker everywhere reads consistently. */
export const ELLIPSIS = '...';

/** Shortens to at most `max` code points (never splitting a surrogate pair), ending with `...` when cut. */
export function truncate(value: string, max: number): string {
  const points = Array.from(value);
  if (points.length <= max) return value;
  if (max <= ELLIPSIS.length) return ELLIPSIS.slice(0, max);
  return points.slice(0, max - ELLIPSIS.length).join('') + ELLIPSIS;
}

/** One line of plain text: control and invisible characters removed, whitespace runs collapsed, length limited. */
export function plainText(value: string, max: number): string {
  return truncate(value.replace(INVISIBLE_OR_CONTROL, ' ').replace(/\s+/g, ' ').trim(), max);
}

/**
 * Printable ASCII only (0x20-0x7e): accents folded (é -> e), anything else becomes `?`. SNS requires the Subject to
 * be ASCII text without line breaks or control characters.
 */
export function asciiText(value: string, max: number): string {
  const folded = plainText(value, Number.MAX_SAFE_INTEGER)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '?');
  return truncate(folded, max);
}

/**
 * A provider value as Slack inline code (AWS Chatbot `client-markdown` renders Slack mrkdwn). Inside a code span
 * `*`, `_` and `~` are not formatting; a backtick would close the span, so it becomes `'`. `&`, `<` and `>` are
 * Slack's control characters even inside code (`<!channel>`, `<url|text>`): they become entities.
 */
export function slackCode(value: string, max: number): string {
  const escapeMarkup = (text: string) => text.replace(/`/g, "'").replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const room = Math.max(0, max - 2);
  const rendered = (budget: number) => escapeMarkup(plainText(value, budget));
  let escaped = rendered(room);
  if (escaped.length > room) {
    // Entities lengthen the text: keep the longest shortening that still fits. The rendered length only grows with
    // the budget, so a binary search finds it (a budget of 0 renders nothing and always fits).
    let fits = 0;
    let tooLong = room;
    while (tooLong - fits > 1) {
      const middle = (fits + tooLong) >> 1;
      if (rendered(middle).length <= room) fits = middle;
      else tooLong = middle;
    }
    escaped = rendered(fits);
  }
  return escaped === '' ? '`-`' : `\`${escaped}\``;
}

/**
 * A value safe to paste into a POSIX shell as one word. Plain ids pass unchanged; anything else is single-quoted,
 * so an id such as `$(rm -rf ~)` in a notification's "look it up" command cannot run.
 */
export function shellWord(value: string): string {
  if (/^[A-Za-z0-9._:@%+=,/-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
