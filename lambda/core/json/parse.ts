/**
 * JSON parsing with CPython `json.loads` rules into a tree that keeps what `JSON.parse` loses: number lexemes exactly
 * as written (big integers, `1.0` vs `1`), duplicate members in order, and each member's offsets in the text. The
 * serialisation forms (json/canonical-forms.ts) and the configured providers' JSON Pointers
 * (providers/configured/json-pointer.ts) work on this tree.
 */

/** A parsed JSON value that keeps number lexemes and duplicate members exactly as written. */
export type JsonNode =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly lexeme: string; readonly isInteger: boolean }
  | { readonly kind: 'literal'; readonly value: 'true' | 'false' | 'null' | 'NaN' | 'Infinity' | '-Infinity' }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'object'; readonly members: readonly JsonMember[] };

/** One object member as written; `start`/`end` are the value's offsets in the source text. */
export interface JsonMember {
  readonly key: string;
  readonly value: JsonNode;
  readonly start: number;
  readonly end: number;
}

/** The text is not JSON that CPython's `json.loads` would accept. */
export class CanonicalJsonError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at offset ${position}`);
    this.name = 'CanonicalJsonError';
  }
}

/** Thrown for nesting deeper than {@link MAX_JSON_DEPTH}: the text may still be JSON, just deeper than we parse. */
export class JsonTooDeepError extends CanonicalJsonError {}

/**
 * Deeper nesting is refused: CPython's json raises RecursionError before 1000 levels, so no envelope Contentor signs
 * is deeper, and our recursive parser and serialisers stay far from the stack limit.
 */
export const MAX_JSON_DEPTH = 1000;

const NUMBER_RE = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const HEX4_RE = /^[0-9a-fA-F]{4}$/;
// Each literal has its own first character, so one lookup replaces trying all six (no per-value array either).
const LITERALS_BY_FIRST_CHAR: Readonly<Partial<Record<string, 'true' | 'false' | 'null' | 'NaN' | 'Infinity' | '-Infinity'>>> = {
  t: 'true',
  f: 'false',
  n: 'null',
  N: 'NaN',
  I: 'Infinity',
  '-': '-Infinity',
};
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses JSON text with CPython `json.loads` rules (NaN/Infinity accepted, control characters in strings refused). */
export function parseJson(text: string): JsonNode {
  const parser = new Parser(text);
  parser.skipWhitespace();
  const node = parser.value(0);
  parser.skipWhitespace();
  if (parser.pos !== text.length) throw new CanonicalJsonError('Extra data', parser.pos);
  return node;
}

// One decoder for every call: a non-streaming decode keeps no state between calls, and constructing one costs more
// than decoding a typical webhook body (npm run bench, cpu).
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A body as strict UTF-8 text, a leading BOM dropped as `json.loads(bytes)` does. Throws CanonicalJsonError. */
export function decodeJsonText(body: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(body);
  } catch {
    throw new CanonicalJsonError('Body is not valid UTF-8', 0);
  }
}

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.pos++;
    }
  }

  value(depth: number): JsonNode {
    if (depth > MAX_JSON_DEPTH) throw new JsonTooDeepError('Nesting too deep', this.pos);
    const t = this.text;
    const c = t[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return { kind: 'string', value: this.string() };
    const literal = c === undefined ? undefined : LITERALS_BY_FIRST_CHAR[c];
    if (literal !== undefined && t.startsWith(literal, this.pos)) {
      this.pos += literal.length;
      return { kind: 'literal', value: literal };
    }
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(t);
    if (!m) throw new CanonicalJsonError('Expecting value', this.pos);
    this.pos += m[0].length;
    return { kind: 'number', lexeme: m[0], isInteger: m[1] === undefined && m[2] === undefined };
  }

  private expect(ch: string, what: string): void {
    if (this.text[this.pos] !== ch) throw new CanonicalJsonError(`Expecting ${what}`, this.pos);
    this.pos++;
  }

  private object(depth: number): JsonNode {
    this.pos++;
    const members: JsonMember[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', members };
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') throw new CanonicalJsonError('Expecting property name enclosed in double quotes', this.pos);
      const key = this.string();
      this.skipWhitespace();
      this.expect(':', "':' delimiter");
      this.skipWhitespace();
      const start = this.pos;
      const value = this.value(depth + 1);
      members.push({ key, value, start, end: this.pos });
      this.skipWhitespace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return { kind: 'object', members };
      }
      this.expect(',', "',' delimiter");
    }
  }

  private array(depth: number): JsonNode {
    this.pos++;
    const items: JsonNode[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.value(depth + 1));
      this.skipWhitespace();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return { kind: 'array', items };
      }
      this.expect(',', "',' delimiter");
    }
  }

  /** A JSON string; escaped surrogate pairs combine naturally because JS strings are UTF-16, as CPython combines them. */
  private string(): string {
    const t = this.text;
    const begin = this.pos;
    this.pos++;
    let out = '';
    let chunk = this.pos;
    for (;;) {
      if (this.pos >= t.length) throw new CanonicalJsonError('Unterminated string', begin);
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) throw new CanonicalJsonError('Invalid control character', this.pos);
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += t.slice(chunk, this.pos);
      const e = t[this.pos + 1] ?? '';
      if (e === 'u') {
        const hex = t.slice(this.pos + 2, this.pos + 6);
        if (!HEX4_RE.test(hex)) throw new CanonicalJsonError('Invalid \\uXXXX escape', this.pos);
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 6;
      } else {
        const simple = SIMPLE_ESCAPES[e];
        if (simple === undefined) throw new CanonicalJsonError('Invalid \\escape', this.pos);
        out += simple;
        this.pos += 2;
      }
      chunk = this.pos;
    }
  }
}

/** An object node's member of that key (the last one wins, as in every JSON library the providers use). */
export function memberOf(node: JsonNode, key: string): JsonMember | undefined {
  if (node.kind !== 'object') return undefined;
  let found: JsonMember | undefined;
  for (const m of node.members) if (m.key === key) found = m;
  return found;
}
