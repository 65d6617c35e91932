/**
 * Canonical JSON serialisations computed from the raw JSON text, never from `JSON.parse` numbers.
 *
 * The main one is CPython's `json.dumps(json.loads(text), sort_keys=True)`, which Contentor's envelope signature is
 * computed over. The others reproduce what the re-serialising samples in Contentor's document produce (compact, JS
 * replacer-array, PHP `ksort` + `json_encode`, Ruby `JSON.generate(h.sort.to_h)`), so a receiver can accept a sender
 * built from any of them. Golden vectors from CPython check the Python form (test/fixtures/canonical-golden.json).
 */
import type { JsonMember, JsonNode } from './parse';

/** Object members with duplicates resolved: last value wins, kept at the first occurrence's position. */
function dedupe(members: readonly JsonMember[]): JsonMember[] {
  if (members.length <= 16 && !hasDuplicateKey(members)) return members.slice();
  const index = new Map<string, number>();
  const out: JsonMember[] = [];
  for (const m of members) {
    const at = index.get(m.key);
    if (at === undefined) {
      index.set(m.key, out.length);
      out.push(m);
    } else {
      out[at] = m;
    }
  }
  return out;
}

/** Pairwise check: for the few members webhook objects have, cheaper than building a Map. */
function hasDuplicateKey(members: readonly JsonMember[]): boolean {
  for (let i = 1; i < members.length; i++) {
    const key = (members[i] as JsonMember).key;
    for (let j = 0; j < i; j++) if ((members[j] as JsonMember).key === key) return true;
  }
  return false;
}

const isSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdfff;

/** Orders strings by Unicode code point, as Python compares `str` (JS `<` compares UTF-16 units, which differs for astral characters). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  // Up to the first differing unit the strings agree; if neither unit there is a surrogate, the units are the code
  // points (a pair straddling that index would put a low surrogate in one of them) and decide the order.
  let first = 0;
  while (first < n && a.charCodeAt(first) === b.charCodeAt(first)) first++;
  if (first === n) return a.length - b.length;
  const ua = a.charCodeAt(first);
  const ub = b.charCodeAt(first);
  if (!isSurrogate(ua) && !isSurrogate(ub)) return ua - ub;
  let i = 0;
  while (i < n) {
    const ca = a.codePointAt(i) ?? 0;
    const cb = b.codePointAt(i) ?? 0;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

const byCodePoint = (x: JsonMember, y: JsonMember): number => compareCodePoints(x.key, y.key);
const byUtf16 = (x: JsonMember, y: JsonMember): number => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);

// ---------------------------------------------------------------------------------------------------------------
// Strings

const hex4 = (code: number): string => `\\u${code.toString(16).padStart(4, '0')}`;
const COMMON_ESCAPES: Readonly<Record<number, string>> = { 34: '\\"', 92: '\\\\', 10: '\\n', 13: '\\r', 9: '\\t', 8: '\\b', 12: '\\f' };

/**
 * Escapes one string. `asciiOnly`: every unit outside printable ASCII as `\uXXXX` (Python also escapes DEL);
 * `escapeSlash`: PHP's `\/`; `loneSurrogates`: JS's well-formed stringify escapes unpaired surrogates.
 */
function quote(s: string, opts: { asciiOnly: boolean; escapeDel: boolean; escapeSlash: boolean }): string {
  let out = '"';
  let chunk = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c) rep = COMMON_ESCAPES[c] ?? hex4(c);
    else if (c === 0x2f) rep = opts.escapeSlash ? '\\/' : undefined;
    else if (c === 0x7f) rep = opts.escapeDel ? hex4(c) : undefined;
    else if (c > 0x7f) {
      if (opts.asciiOnly) rep = hex4(c);
      else if (c >= 0xd800 && c <= 0xdfff && !isPairedSurrogate(s, i)) rep = hex4(c);
    }
    if (rep !== undefined) {
      out += s.slice(chunk, i) + rep;
      chunk = i + 1;
    }
  }
  return `${out + s.slice(chunk)}"`;
}

function isPairedSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff;
  }
  const prev = s.charCodeAt(i - 1);
  return prev >= 0xd800 && prev <= 0xdbff;
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers

/** Shortest round-trip digits and decimal-point position (value = 0.d1d2… × 10^decpt), as dtoa mode 0 gives them. */
function shortestDigits(x: number): { digits: string; decpt: number } {
  const [mantissa = '0', exponent = '0'] = Math.abs(x).toExponential().split('e');
  return { digits: mantissa.replace('.', ''), decpt: Number(exponent) + 1 };
}

/** Positional notation of the digits; `zeroFraction` appends `.0` to whole numbers (Python, Ruby). */
function fixedNotation(digits: string, decpt: number, zeroFraction: boolean): string {
  if (decpt <= 0) return `0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return digits + '0'.repeat(decpt - digits.length) + (zeroFraction ? '.0' : '');
  return `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/**
 * Formats a finite non-zero double in one language's style. Python `repr` and Ruby `Float#to_s` switch to exponent
 * form outside 1e-4 ≤ |x| < 1e16; PHP's `json_encode` (serialize_precision -1) outside 1e-4 ≤ |x| < 1e17.
 */
function formatDouble(x: number, style: 'python' | 'ruby' | 'php'): string {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return sign + (style === 'php' ? '0' : '0.0');
  const { digits, decpt } = shortestDigits(x);
  const fixed = style === 'php' ? decpt >= -3 && decpt <= 17 : decpt > -4 && decpt <= 16;
  if (fixed) return sign + fixedNotation(digits, decpt, style !== 'php');
  const rest = digits.slice(1);
  const mantissa = digits[0] + (rest ? `.${rest}` : style === 'python' ? '' : '.0');
  const e = decpt - 1;
  const magnitude = String(Math.abs(e)).padStart(style === 'php' ? 1 : 2, '0');
  return `${sign}${mantissa}e${e < 0 ? '-' : '+'}${magnitude}`;
}

function nonFinite(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** Integers are exact in Python and Ruby; `-0` is the integer 0. */
const exactInteger = (lexeme: string): string => (lexeme === '-0' ? '0' : lexeme);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function pythonNumber(lexeme: string, isInteger: boolean): string {
  if (isInteger) return exactInteger(lexeme);
  const x = Number(lexeme);
  return Number.isFinite(x) ? formatDouble(x, 'python') : nonFinite(x);
}

function rubyNumber(lexeme: string, isInteger: boolean): string {
  if (isInteger) return exactInteger(lexeme);
  const x = Number(lexeme);
  return Number.isFinite(x) ? formatDouble(x, 'ruby') : nonFinite(x);
}

/** PHP `json_decode`: integers that fit int64 stay integers, others become floats; floats lose a `.0` fraction. */
function phpNumber(lexeme: string, isInteger: boolean): string {
  if (isInteger) {
    const big = BigInt(lexeme);
    if (big >= INT64_MIN && big <= INT64_MAX) return big.toString();
  }
  const x = Number(lexeme);
  return Number.isFinite(x) ? formatDouble(x, 'php') : '0';
}

/** JS: `JSON.parse` then `JSON.stringify` of the double (non-finite becomes null). */
function jsNumber(lexeme: string): string {
  const x = Number(lexeme);
  return Number.isFinite(x) ? String(x) : 'null';
}

// ---------------------------------------------------------------------------------------------------------------
// Serialisers

/** The serialisations a Contentor envelope signature is checked against, most likely first. */
export const canonicalForms = ['python', 'python-compact', 'js-sorted', 'js-top-level-replacer', 'php-ksort', 'ruby-sort'] as const;
/** One way a sender may have re-serialised the signed object. */
export type CanonicalForm = (typeof canonicalForms)[number];

interface Dialect {
  readonly itemSep: string;
  readonly keySep: string;
  /** Which nesting depths get their keys sorted, and how. */
  readonly sortDepth: 'all' | 'top';
  readonly compare: (a: JsonMember, b: JsonMember) => number;
  readonly str: (s: string) => string;
  readonly num: (lexeme: string, isInteger: boolean) => string;
  /** PHP decodes objects to arrays: `{}` and `{"0":…,"1":…}` come back out as lists. */
  readonly phpArrays: boolean;
}

const PYTHON_STRING = { asciiOnly: true, escapeDel: true, escapeSlash: false };
const JS_STRING = { asciiOnly: false, escapeDel: false, escapeSlash: false };
const PHP_STRING = { asciiOnly: true, escapeDel: false, escapeSlash: true };

const python: Dialect = {
  itemSep: ', ',
  keySep: ': ',
  sortDepth: 'all',
  compare: byCodePoint,
  str: (s) => quote(s, PYTHON_STRING),
  num: pythonNumber,
  phpArrays: false,
};

const dialects: Readonly<Record<Exclude<CanonicalForm, 'js-top-level-replacer'>, Dialect>> = {
  python,
  /** `json.dumps(data, sort_keys=True, separators=(',', ':'))`. */
  'python-compact': { ...python, itemSep: ',', keySep: ':' },
  /** Deep-sorted `JSON.stringify` (json-stable-stringify and friends). */
  'js-sorted': { itemSep: ',', keySep: ':', sortDepth: 'all', compare: byUtf16, str: (s) => quote(s, JS_STRING), num: jsNumber, phpArrays: false },
  /** `ksort($payload); json_encode($payload)`: top level only, `\/`, `\uXXXX`. */
  'php-ksort': { itemSep: ',', keySep: ':', sortDepth: 'top', compare: comparePhpKeys, str: (s) => quote(s, PHP_STRING), num: phpNumber, phpArrays: true },
  /** `JSON.generate(payload.sort.to_h)`: top level only, raw UTF-8. */
  'ruby-sort': { itemSep: ',', keySep: ':', sortDepth: 'top', compare: byCodePoint, str: (s) => quote(s, JS_STRING), num: rubyNumber, phpArrays: false },
};

const CANONICAL_INT_RE = /^(?:0|-?[1-9]\d*)$/;

/** PHP turns decimal-integer keys into ints; `ksort` compares two ints numerically, anything else as strings. */
function comparePhpKeys(a: JsonMember, b: JsonMember): number {
  if (CANONICAL_INT_RE.test(a.key) && CANONICAL_INT_RE.test(b.key)) {
    const d = BigInt(a.key) - BigInt(b.key);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }
  return compareCodePoints(a.key, b.key);
}

function isPhpList(members: readonly JsonMember[]): boolean {
  return members.every((m, i) => m.key === String(i));
}

function serialise(node: JsonNode, d: Dialect, depth: number): string {
  switch (node.kind) {
    case 'string':
      return d.str(node.value);
    case 'number':
      return d.num(node.lexeme, node.isInteger);
    case 'literal':
      return node.value;
    case 'array': {
      let out = '[';
      for (let i = 0; i < node.items.length; i++) out += (i > 0 ? d.itemSep : '') + serialise(node.items[i] as JsonNode, d, depth + 1);
      return `${out}]`;
    }
    case 'object': {
      let members = dedupe(node.members);
      if (d.sortDepth === 'all' || depth === 0) members = members.sort(d.compare);
      const asList = d.phpArrays && isPhpList(members);
      // Concatenation rather than map/join: no intermediate arrays (this runs for every Contentor event's hash).
      let out = asList ? '[' : '{';
      for (let i = 0; i < members.length; i++) {
        const m = members[i] as JsonMember;
        out += (i > 0 ? d.itemSep : '') + (asList ? '' : d.str(m.key) + d.keySep) + serialise(m.value, d, depth + 1);
      }
      return out + (asList ? ']' : '}');
    }
  }
}

/**
 * `JSON.stringify(payload, Object.keys(payload).sort())`: the sorted top-level keys act as an allow-list for objects
 * at every depth, so nested keys not among them are dropped, and every object lists its keys in that order.
 */
function serialiseWithReplacerList(node: JsonNode, allowed: readonly string[]): string {
  switch (node.kind) {
    case 'string':
      return quote(node.value, JS_STRING);
    case 'number':
      return jsNumber(node.lexeme);
    case 'literal':
      return node.value === 'true' || node.value === 'false' ? node.value : 'null';
    case 'array':
      return `[${node.items.map((item) => serialiseWithReplacerList(item, allowed)).join(',')}]`;
    case 'object': {
      const byKey = new Map(dedupe(node.members).map((m) => [m.key, m.value] as const));
      const parts: string[] = [];
      for (const key of allowed) {
        const value = byKey.get(key);
        if (value !== undefined) parts.push(`${quote(key, JS_STRING)}:${serialiseWithReplacerList(value, allowed)}`);
      }
      return `{${parts.join(',')}}`;
    }
  }
}

/** Serialises a parsed node in one canonical form. */
export function serialiseAs(node: JsonNode, form: CanonicalForm): string {
  if (form !== 'js-top-level-replacer') return serialise(node, dialects[form], 0);
  const allowed =
    node.kind === 'object'
      ? dedupe(node.members)
          .map((m) => m.key)
          .sort()
      : [];
  return serialiseWithReplacerList(node, allowed);
}
