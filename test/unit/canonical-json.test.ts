import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { compareCodePoints, serialiseAs } from '../../lambda/core/json/canonical-forms';
import { CanonicalJsonError, decodeJsonText, MAX_JSON_DEPTH, memberOf, parseJson } from '../../lambda/core/json/parse';
import { compactSortedJson, pythonJsonDumps } from '../helpers/canonical';
import { runPython } from '../helpers/python';

const parseJsonBytes = (body: Uint8Array) => parseJson(decodeJsonText(body));
/** The raw text of an envelope's `data`, as the Contentor module slices it (member offsets). */
const canonicalDataOf = (rawBody: string): string | undefined => {
  const member = memberOf(parseJson(rawBody), 'data');
  return member ? rawBody.slice(member.start, member.end) : undefined;
};

interface Vector {
  input: string;
  expected: string;
}

const root = path.join(__dirname, '../..');
const script = path.join(root, 'scripts/golden-vectors.py');
const committed = JSON.parse(readFileSync(path.join(root, 'test/fixtures/canonical-golden.json'), 'utf8')) as Vector[];
/** The golden-vector generator run by CPython now (fails, never skips, without python3: test/helpers/python.ts). */
function runGenerator(...args: string[]): Vector[] {
  return JSON.parse(runPython([script, ...args])) as Vector[];
}

/** Mismatches only, so a failure shows exactly which inputs differ. */
const mismatches = (vectors: Vector[]) => vectors.map((v) => ({ ...v, actual: pythonJsonDumps(v.input) })).filter((v) => v.actual !== v.expected);

describe('pythonJsonDumps: CPython json.dumps(json.loads(text), sort_keys=True)', () => {
  it('matches every committed golden vector', () => {
    expect(committed.length).toBeGreaterThan(30);
    expect(mismatches(committed)).toEqual([]);
  });
  it('matches the vectors CPython produces now (the committed file is current)', () => {
    expect(runGenerator()).toEqual(committed);
  });
  it('matches CPython on seeded random floats, strings and keys', () => {
    const vectors = runGenerator('--random', '3000');
    expect(vectors).toHaveLength(3000);
    expect(mismatches(vectors)).toEqual([]);
  });
  it('keeps integers exact beyond double precision', () => {
    expect(pythonJsonDumps('[12345678901234567890123, -0, 9007199254740993]')).toBe('[12345678901234567890123, 0, 9007199254740993]');
  });
  it('formats floats like repr(float)', () => {
    expect(pythonJsonDumps('[1.0, 1e16, 1e15, 0.0001, 0.00001, 1.5e300, -0.0, 1e400]')).toBe(
      '[1.0, 1e+16, 1000000000000000.0, 0.0001, 1e-05, 1.5e+300, -0.0, Infinity]',
    );
  });
  it('sorts keys by code point, not UTF-16 unit', () => {
    expect(pythonJsonDumps('{"\\ud83d\\ude00": 1, "\\uffff": 2}')).toBe('{"\\uffff": 2, "\\ud83d\\ude00": 1}');
  });
  it('keeps the last of duplicate keys', () => {
    expect(pythonJsonDumps('{"a": 1, "a": 2}')).toBe('{"a": 2}');
  });
  it.each(['', '{"a":1,}', '[1,]', '01', '1.', '.5', '+1', '"\u0001"', '"\\x"', '"\\u12"', 'nan', '{"a" 1}', '{a: 1}', "'a'", '[1] x', '"open'])(
    'refuses %j as CPython does',
    (text) => {
      expect(() => pythonJsonDumps(text)).toThrow(CanonicalJsonError);
    },
  );
  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(pythonJsonDumps(deep(MAX_JSON_DEPTH))).toBe(deep(MAX_JSON_DEPTH));
    expect(() => pythonJsonDumps(deep(100_000))).toThrow(CanonicalJsonError);
  });
  it('reads bodies as strict UTF-8, dropping a BOM as json.loads(bytes) does', () => {
    expect(parseJsonBytes(Buffer.from('\ufeff{"a": 1}', 'utf8'))).toEqual(parseJson('{"a": 1}'));
    expect(() => parseJsonBytes(Buffer.from([0x22, 0xff, 0x22]))).toThrow(CanonicalJsonError);
  });
});

describe('compareCodePoints', () => {
  it('orders astral characters after the rest of the BMP', () => {
    expect(['\u{1F600}', '\uffff', 'a', '', '\ud800'].sort(compareCodePoints)).toEqual(['', 'a', '\ud800', '\uffff', '\u{1F600}']);
  });
});

describe('canonicalDataOf', () => {
  it('returns the data value exactly as written', () => {
    const data = '{ "b" : 1.50, "a": "\\u00e9" }';
    expect(canonicalDataOf(`{"signature": "x", "data": ${data}}`)).toBe(data);
  });
  it('is undefined when there is no data member', () => {
    expect(canonicalDataOf('{"signature": "x"}')).toBeUndefined();
    expect(canonicalDataOf('[{"data": 1}]')).toBeUndefined();
  });
});

describe('alternate canonical forms', () => {
  const sample = '{"b": "a/b é", "a": {"z": 1, "y": [1.0, 1e20, 0.00001]}, "d": {}, "h": {"0": "x", "1": "y"}, "10": 1, "9": 2}';
  const as = (form: Parameters<typeof serialiseAs>[1]) => serialiseAs(parseJson(sample), form);

  it('python-compact is json.dumps with separators=(",", ":")', () => {
    expect(compactSortedJson(sample)).toBe('{"10":1,"9":2,"a":{"y":[1.0,1e+20,1e-05],"z":1},"b":"a/b \\u00e9","d":{},"h":{"0":"x","1":"y"}}');
  });
  it('js-sorted sorts every level and writes JS numbers and raw unicode', () => {
    expect(as('js-sorted')).toBe('{"10":1,"9":2,"a":{"y":[1,100000000000000000000,0.00001],"z":1},"b":"a/b é","d":{},"h":{"0":"x","1":"y"}}');
  });
  it('php-ksort sorts the top level only, escapes slashes and non-ASCII, and turns {} and 0..n keys into lists', () => {
    expect(as('php-ksort')).toBe('{"9":2,"10":1,"a":{"z":1,"y":[1,1.0e+20,1.0e-5]},"b":"a\\/b \\u00e9","d":[],"h":["x","y"]}');
  });
  it('ruby-sort sorts the top level only and writes Ruby floats', () => {
    expect(as('ruby-sort')).toBe('{"10":1,"9":2,"a":{"z":1,"y":[1.0,1.0e+20,1.0e-05]},"b":"a/b é","d":{},"h":{"0":"x","1":"y"}}');
  });
  it('js-top-level-replacer equals JSON.stringify(payload, Object.keys(payload).sort()) on any JSON value', () => {
    // A top-level key `__proto__` is left out: JSON.stringify's allow-list then reads the *inherited*
    // Object.prototype from every nested object, which no sender's payload relies on and no text form carries.
    const keyedObject = fc.dictionary(
      fc.string({ unit: 'binary' }).filter((k) => k !== '__proto__'),
      fc.jsonValue(),
    );
    // Arrays whose objects are keyed by small indices: Object.keys of an array lists those, so they survive the list.
    const indexKeyedArray = fc.array(fc.dictionary(fc.constantFrom('0', '1', '2', '10', 'a'), fc.jsonValue({ maxDepth: 1 })), { maxLength: 12 });
    fc.assert(
      fc.property(fc.oneof(keyedObject, indexKeyedArray, fc.jsonValue({ maxDepth: 0 })), (payload) => {
        const text = JSON.stringify(payload);
        const parsed: unknown = JSON.parse(text);
        expect(serialiseAs(parseJson(text), 'js-top-level-replacer')).toBe(JSON.stringify(parsed, Object.keys(Object(parsed)).sort()));
      }),
      { numRuns: 500 },
    );
  });
  it('js-top-level-replacer drops nested keys missing from the top-level list', () => {
    expect(serialiseAs(parseJson('{"b": {"a": 1, "x": 2}, "a": [{"b": 1, "z": 0}]}'), 'js-top-level-replacer')).toBe('{"a":[{"b":1}],"b":{"a":1}}');
  });
});
