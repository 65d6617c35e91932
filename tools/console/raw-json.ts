/**
 * A stored body for people: JSON re-indented from its raw text, token by token, never through `JSON.parse`, so every
 * number keeps its digits (a 20-digit integer stays itself, `1.0` stays `1.0`) and every string its escapes. Only
 * the whitespace between tokens changes. Text that is not JSON (or not UTF-8) is shown exactly as received.
 */
import { parseJson } from '../../lambda/core/json/parse';

/** A piece of the shown body: its token kind (for colour) and its text, exactly as in the body. */
export interface BodyToken {
  readonly kind: 'key' | 'string' | 'number' | 'literal' | 'punct' | 'space' | 'raw';
  readonly text: string;
}

/** How a body is shown: re-indented JSON, or the text as received with the reason it is not shown as JSON. */
export type BodyView = { readonly json: true; readonly tokens: BodyToken[] } | { readonly json: false; readonly text: string; readonly reason: string };

const LENIENT_UTF8 = new TextDecoder('utf-8', { fatal: false });
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The indentation step of the re-indented JSON. */
const INDENT = '  ';

/** The body's text, re-indented when it is JSON (by CPython's rules, as the receiver reads it). */
export function bodyView(body: Uint8Array): BodyView {
  let text: string;
  try {
    text = STRICT_UTF8.decode(body);
  } catch {
    return { json: false, text: LENIENT_UTF8.decode(body), reason: 'not valid UTF-8 (shown with U+FFFD for the bad bytes)' };
  }
  try {
    parseJson(text);
  } catch (error) {
    return { json: false, text, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { json: true, tokens: reindent(text) };
}

/** The end of the string token starting at `start` (a `"`): the index just past its closing quote. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The end of a number or literal token starting at `start`: the next structural character or whitespace. */
function scalarEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length && !/[\s,:{}[\]"]/.test(text[i] ?? '')) i++;
  return i;
}

/** The index of the next character that is not JSON whitespace. */
function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /[ \t\n\r]/.test(text[i] ?? '')) i++;
  return i;
}

/**
 * Re-indents JSON text that parsed: tokens are copied from the text, whitespace between them replaced by one line
 * per member or element. Empty objects and arrays stay on one line.
 */
export function reindent(text: string): BodyToken[] {
  const out: BodyToken[] = [];
  let depth = 0;
  const newline = () => out.push({ kind: 'space', text: `\n${INDENT.repeat(depth)}` });
  // Whether the string about to be read is an object key: after `{` or `,` inside an object.
  const containers: Array<'{' | '['> = [];
  let expectKey = false;
  let i = skipSpace(text, 0);
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '{' || c === '[') {
      const next = skipSpace(text, i + 1);
      if (text[next] === (c === '{' ? '}' : ']')) {
        out.push({ kind: 'punct', text: c === '{' ? '{}' : '[]' });
        i = skipSpace(text, next + 1);
      } else {
        out.push({ kind: 'punct', text: c });
        containers.push(c);
        depth++;
        newline();
        expectKey = c === '{';
        i = next;
      }
      continue;
    }
    if (c === '}' || c === ']') {
      containers.pop();
      depth--;
      newline();
      out.push({ kind: 'punct', text: c });
      i = skipSpace(text, i + 1);
      continue;
    }
    if (c === ',') {
      out.push({ kind: 'punct', text: ',' });
      newline();
      expectKey = containers[containers.length - 1] === '{';
      i = skipSpace(text, i + 1);
      continue;
    }
    if (c === ':') {
      out.push({ kind: 'punct', text: ': ' });
      i = skipSpace(text, i + 1);
      continue;
    }
    if (c === '"') {
      const end = stringEnd(text, i);
      out.push({ kind: expectKey ? 'key' : 'string', text: text.slice(i, end) });
      expectKey = false;
      i = skipSpace(text, end);
      continue;
    }
    const end = scalarEnd(text, i);
    out.push({ kind: /^-?\d/.test(c + (text[i + 1] ?? '')) ? 'number' : 'literal', text: text.slice(i, end) });
    i = skipSpace(text, end);
  }
  return out;
}
