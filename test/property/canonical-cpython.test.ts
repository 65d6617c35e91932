/**
 * Our Python-style serialisation (`pythonJsonDumps`, what Contentor envelope signatures are computed over) against
 * CPython itself: for generated JSON texts — nesting, unicode including astral characters and lone surrogate
 * escapes, floats in every notation, integers beyond double precision, duplicate keys, odd whitespace — our output
 * must equal `json.dumps(json.loads(text), sort_keys=True)` byte for byte. One python3 process checks a whole batch.
 * Without python3 it fails (test/helpers/python.ts). New texts on every local run, one fixed seed in CI
 * (test/helpers/setup-env.ts); the seed is printed, and `FC_SEED=<seed>` replays a run.
 */
import fc from 'fast-check';
import { pythonJsonDumps } from '../helpers/canonical';
import { pythonJson } from '../helpers/python';

const SAMPLES = Number(process.env.PROPERTY_RUNS ?? 150) * 4;
/** The run's seed: the global one when setup-env.ts fixed it (CI, FC_SEED), else a fresh one. */
const SEED = fc.readConfigureGlobal().seed ?? (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;

const ws = fc.constantFrom('', ' ', '\n', '\t', '\r\n  ');
/** A JSON string literal: raw unicode (astral included), or \u escapes including lone surrogates. */
const stringLiteral = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 4 }).map((units) => `"${units.map((u) => `\\u${u.toString(16).padStart(4, '0')}`).join('')}"`),
  fc.constantFrom('"\\/"', '"\\b\\f\\n\\r\\t\\"\\\\"', '"\\uD83D\\uDE00"', '"é"'),
);
const numberLiteral = fc.oneof(
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? '-0.0' : String(x))),
  fc
    .tuple(fc.integer({ min: -999, max: 999 }), fc.nat(99999), fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.nat(330))
    .map(([i, f, e, sign, exp]) => `${i}.${f}${e}${sign}${exp}`),
  fc.constantFrom('0', '-0', '1.0', '1e16', '1e15', '0.0001', '1e-05', '1E400', '-1e400', '5e-324', '123456789012345678901234567890.5', '0.1', '2.5e-7'),
);
const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringLiteral,
    numberLiteral,
    fc.constantFrom('true', 'false', 'null'),
    fc.tuple(ws, fc.array(tie('value'), { maxLength: 4 })).map(([w, items]) => `[${w}${items.join(`,${w}`)}]`),
    fc
      .tuple(ws, fc.array(fc.tuple(fc.oneof(stringLiteral, fc.constantFrom('"a"', '"b"')), tie('value')), { maxLength: 5 }))
      .map(([w, members]) => `{${w}${members.map(([k, v]) => `${k}${w}:${w}${v}`).join(`,${w}`)}}`),
  ),
})).value;

/** CPython's answer for each text, or null when it refuses the text. */
function cpython(texts: string[]): Array<string | null> {
  const script = [
    'import json, sys',
    'out = []',
    'for t in json.load(sys.stdin):',
    '    try: out.append(json.dumps(json.loads(t), sort_keys=True))',
    '    except Exception: out.append(None)',
    'sys.stdout.write(json.dumps(out))',
  ].join('\n');
  return pythonJson<Array<string | null>>(script, JSON.stringify(texts));
}

const ours = (text: string): string | null => {
  try {
    return pythonJsonDumps(text);
  } catch {
    return null;
  }
};

describe('pythonJsonDumps equals CPython json.dumps(json.loads(t), sort_keys=True)', () => {
  it(`agrees on ${SAMPLES} generated JSON texts (nesting, astral unicode, floats, big ints, duplicate keys)`, () => {
    const texts = fc.sample(jsonText, { numRuns: SAMPLES, seed: SEED });
    const expected = cpython(texts);
    const mismatches = texts.map((text, i) => ({ text, python: expected[i], ours: ours(text) })).filter((m) => m.python !== m.ours);
    const refused = expected.filter((e) => e === null).length;
    process.stdout.write(
      `[property] canonicalisation: ${texts.length} JSON texts (seed ${SEED}; replay: FC_SEED=${SEED}) compared with CPython, ${refused} refused by both, ${mismatches.length} mismatches\n`,
    );
    expect({ seed: SEED, mismatches: mismatches.slice(0, 5) }).toEqual({ seed: SEED, mismatches: [] });
    // The generator must produce texts CPython accepts, or the comparison proves little.
    expect(refused).toBeLessThan(texts.length / 10);
  });
});
