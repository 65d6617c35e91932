/**
 * The non-Python serialisations a Contentor sender may have signed (lambda/core/json/canonical-forms.ts), at the
 * edges their own languages define: where Ruby and PHP switch floats to exponent form and how they spell it, PHP's
 * int64 integers, numeric keys and lists, JavaScript's numbers, literals and unpaired surrogates, and duplicate keys
 * kept where they first appeared in the forms that leave nested objects unsorted. (The Python forms are checked
 * against CPython itself: test/unit/canonical-json.test.ts, test/property/canonical-cpython.test.ts.)
 */
import fc from 'fast-check';
import { type CanonicalForm, serialiseAs } from '../../lambda/core/json/canonical-forms';
import { parseJson } from '../../lambda/core/json/parse';

const as = (form: CanonicalForm, text: string) => serialiseAs(parseJson(text), form);
/** Each number of `numbers` alone, in `form`. */
const eachNumber = (form: CanonicalForm, numbers: readonly string[]) => numbers.map((n) => as(form, n));

describe('Ruby floats (Float#to_s)', () => {
  it('are positional from 1e-4 up to below 1e16, with a .0 on whole numbers', () => {
    expect(eachNumber('ruby-sort', ['0.0001', '2.5', '123.0', '1e15', '999999999999999.9', '0.0', '-0.0'])).toEqual([
      '0.0001',
      '2.5',
      '123.0',
      '1000000000000000.0',
      '999999999999999.9',
      '0.0',
      '-0.0',
    ]);
  });
  it('switch to exponent form outside that, with a mantissa fraction and two exponent digits at least', () => {
    expect(eachNumber('ruby-sort', ['1e16', '0.00001', '-1.5e300', '1.25e-7'])).toEqual(['1.0e+16', '1.0e-05', '-1.5e+300', '1.25e-07']);
  });
  it('keep integers exact and write what no double holds as infinities', () => {
    expect(eachNumber('ruby-sort', ['12345678901234567890123', '-0', '1e400', '-1e400'])).toEqual(['12345678901234567890123', '0', 'Infinity', '-Infinity']);
  });
});

describe('PHP numbers (json_decode then json_encode, serialize_precision -1)', () => {
  it('write floats positionally from 1e-4 up to below 1e17, whole ones without a fraction', () => {
    expect(eachNumber('php-ksort', ['0.0001', '2.5', '1.0', '1e16', '0.0', '-0.0'])).toEqual(['0.0001', '2.5', '1', '10000000000000000', '0', '-0']);
  });
  it('switch to exponent form outside that, with one exponent digit at least', () => {
    expect(eachNumber('php-ksort', ['1e17', '0.00001', '-1.5e300'])).toEqual(['1.0e+17', '1.0e-5', '-1.5e+300']);
  });
  it('keep integers that fit int64, and turn larger ones (and what no double holds) into floats', () => {
    expect(eachNumber('php-ksort', ['9223372036854775807', '-9223372036854775808', '9223372036854775808', '-9223372036854775809', '-0', '1e400'])).toEqual([
      '9223372036854775807',
      '-9223372036854775808',
      '9.223372036854776e+18',
      '-9.223372036854776e+18',
      '0',
      '0',
    ]);
  });
});

describe('PHP arrays', () => {
  it('sort top-level integer keys numerically and other keys as strings', () => {
    // Only a whole decimal integer is a PHP integer key: "9a" and "a1" stay strings (after every digit-led key here).
    expect(as('php-ksort', '{"b": 0, "9a": 1, "a1": 2, "10": 3, "9": 4, "-1": 5, "0": 6}')).toBe('{"-1":5,"0":6,"9":4,"10":3,"9a":1,"a1":2,"b":0}');
  });
  it('write an object keyed 0..n in order as a list, and an empty one as []', () => {
    expect(as('php-ksort', '{"1": "y", "0": "x"}')).toBe('["x","y"]');
    expect(as('php-ksort', '{"n": {"1": "y", "0": "x"}, "l": {"0": "x", "1": "y"}, "e": {}, "g": {"0": "x", "2": "y"}}')).toBe(
      '{"e":[],"g":{"0":"x","2":"y"},"l":["x","y"],"n":{"1":"y","0":"x"}}',
    );
  });
  it('escape slashes and every non-ASCII unit, but not DEL', () => {
    expect(as('php-ksort', '"a/b\u007f\u00e9\u{1F600}"')).toBe('"a\\/b\u007f\\u00e9\\ud83d\\ude00"');
  });
});

describe('JavaScript forms', () => {
  it('write numbers as JSON.stringify does after JSON.parse', () => {
    for (const n of ['1.0', '-0', '-0.0', '1e21', '1e-7', '12345678901234567890', '0.1', '1e400']) {
      expect({ n, out: as('js-sorted', n) }).toEqual({ n, out: JSON.stringify(JSON.parse(n.replace('1e400', 'null'))) });
    }
  });
  it('write NaN and the infinities as null, and the other literals as themselves', () => {
    expect(as('js-top-level-replacer', '{"a": [true, false, null, NaN, Infinity, -Infinity, 1e400]}')).toBe('{"a":[true,false,null,null,null,null,null]}');
  });
  it('take the allow-list from an array payload’s indices, as Object.keys does, and none from a scalar', () => {
    expect(as('js-top-level-replacer', '[{"a": 1}, "b"]')).toBe('[{},"b"]');
    // Object.keys of a three-item array is ["0", "1", "2"]: nested keys among them stay, in that (string) order.
    expect(as('js-top-level-replacer', '[{"2": "c", "a": 1, "0": "z", "10": "x"}, 1, 2]')).toBe('[{"0":"z","2":"c"},1,2]');
    expect(['"x"', '1.50', 'null', 'true'].map((text) => as('js-top-level-replacer', text))).toEqual(['"x"', '1.5', 'null', 'true']);
  });
  it('write DEL and slashes raw, as JSON.stringify and Ruby do', () => {
    // The JSON text spells DEL as an escape; these serialisers write the character itself (JSON.stringify('\x7f/')).
    const text = '{"k\\u007f/": "v\\u007f/"}';
    for (const form of ['js-sorted', 'js-top-level-replacer', 'ruby-sort'] as const) {
      expect({ form, out: as(form, text) }).toEqual({ form, out: JSON.stringify({ 'k\u007f/': 'v\u007f/' }) });
    }
  });
  it('escape an unpaired surrogate and keep a pair, as well-formed JSON.stringify does', () => {
    const units = [0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0x61];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...units), { maxLength: 6 }), (codes) => {
        const value = String.fromCharCode(...codes);
        const text = JSON.stringify(value);
        expect(as('js-sorted', text)).toBe(text);
        expect(as('ruby-sort', text)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });
});

describe('duplicate keys in a nested object left unsorted', () => {
  it('keep the last value where the key first appeared, in a small object and in a large one', () => {
    expect(as('ruby-sort', '{"x": {"b": 1, "a": 2, "b": 3}}')).toBe('{"x":{"b":3,"a":2}}');
    const keys = Array.from({ length: 20 }, (_, i) => `k${String(19 - i).padStart(2, '0')}`);
    const large = `{${keys.map((k, i) => `"${k}": ${i}`).join(', ')}, "k19": "last"}`;
    const expected = `{${keys.map((k, i) => `"${k}":${k === 'k19' ? '"last"' : i}`).join(',')}}`;
    expect(as('ruby-sort', `{"x": ${large}}`)).toBe(`{"x":${expected}}`);
    expect(as('php-ksort', `{"x": ${large}}`)).toBe(`{"x":${expected}}`);
  });
});

describe('objects inside a top-level array', () => {
  it('are below the top level: sorted in the deep-sorting forms, left as written in the top-only ones', () => {
    const text = '[{"b": 1, "a": {"d": 2, "c": 3}}]';
    expect(as('python', text)).toBe('[{"a": {"c": 3, "d": 2}, "b": 1}]');
    expect(as('js-sorted', text)).toBe('[{"a":{"c":3,"d":2},"b":1}]');
    expect(as('ruby-sort', text)).toBe('[{"b":1,"a":{"d":2,"c":3}}]');
    expect(as('php-ksort', text)).toBe('[{"b":1,"a":{"d":2,"c":3}}]');
  });
});

describe('Python compact', () => {
  it('is the Python form without spaces after separators', () => {
    expect(as('python-compact', '{"b": [1, 2.0], "a": {"d": "\u00e9", "c": null}}')).toBe('{"a":{"c":null,"d":"\\u00e9"},"b":[1,2.0]}');
    // CPython escapes DEL too (ensure_ascii); PHP does not (above).
    expect(as('python-compact', '"\u007f/"')).toBe('"\\u007f/"');
  });
});

describe('keys ordered by code point at the edges of the surrogate range', () => {
  it('put a lone high surrogate before any pair that starts with it, whatever unit follows', () => {
    // U+103FF is the pair D800 DFFF; the other key is the lone D800 (a code point of its own) then U+E000.
    const text = '{"\\ud800\\udfff": 1, "\\ud800\\ue000": 2}';
    expect(as('python', text)).toBe('{"\\ud800\\ue000": 2, "\\ud800\\udfff": 1}');
    // Ruby writes raw UTF-8: the pair as it is, the lone surrogate escaped (well-formed JSON).
    expect(as('ruby-sort', text)).toBe('{"\\ud800\ue000":2,"\u{103ff}":1}');
  });
});
