/**
 * The parser every signature over JSON reads with (lambda/core/json/parse.ts), at the edges of CPython's grammar:
 * where and why it refuses a text (CPython 3.11's `json.JSONDecodeError` msg and pos, recorded here), each kind of
 * whitespace and escape, literals that only start right, the depth limit, number lexemes, and members as written.
 */
import { CanonicalJsonError, decodeJsonText, JsonTooDeepError, MAX_JSON_DEPTH, memberOf, parseJson } from '../../lambda/core/json/parse';

/** The refusal of `text`: its class name, message and offset. */
function refusal(text: string): { name: string; message: string; position: number } {
  try {
    parseJson(text);
  } catch (error) {
    if (error instanceof CanonicalJsonError) return { name: error.name, message: error.message, position: error.position };
    throw error;
  }
  throw new Error(`parsed ${JSON.stringify(text)}`);
}

describe('a refused text', () => {
  // [text, CPython's msg, CPython's pos]: json.loads(text) raises JSONDecodeError(msg, ..., pos) on CPython 3.11.
  it.each([
    ['', 'Expecting value', 0],
    ['[1,]', 'Expecting value', 3],
    ['[', 'Expecting value', 1],
    ['nan', 'Expecting value', 0],
    ['01', 'Extra data', 1],
    ['[1] x', 'Extra data', 4],
    ['{"a":1,}', 'Expecting property name enclosed in double quotes', 7],
    ['{a: 1}', 'Expecting property name enclosed in double quotes', 1],
    ['{', 'Expecting property name enclosed in double quotes', 1],
    ['{"a" 1}', "Expecting ':' delimiter", 5],
    ['{"a"', "Expecting ':' delimiter", 4],
    ['[1 2]', "Expecting ',' delimiter", 3],
    ['[1', "Expecting ',' delimiter", 2],
    ['{"a":1 "b":2}', "Expecting ',' delimiter", 7],
    ['{"a":1', "Expecting ',' delimiter", 6],
    ['"\\x"', 'Invalid \\escape', 1],
  ] as const)('%j is refused as CPython refuses it: %s at %d', (text, message, position) => {
    expect(refusal(text)).toEqual({ name: 'CanonicalJsonError', message: `${message} at offset ${position}`, position });
  });

  it('names an unterminated string, a control character and a bad \\u escape where CPython does', () => {
    // CPython says "Unterminated string starting at" and "Invalid control character at"; the offsets agree.
    expect(refusal('["open')).toMatchObject({ message: 'Unterminated string at offset 1', position: 1 });
    expect(refusal('"a\u0001"')).toMatchObject({ message: 'Invalid control character at offset 2', position: 2 });
    // Here the offset is the backslash's (CPython's is the `u`'s).
    expect(refusal('"a\\u12"')).toMatchObject({ message: 'Invalid \\uXXXX escape at offset 2', position: 2 });
  });

  it.each(['nulx', 'tru', 'fals', 'Infinit', '-Inf', 'NaNa', 'undefined', '[nul]'])('refuses %j: a literal only counts when spelled whole', (text) => {
    expect(refusal(text).name).toBe('CanonicalJsonError');
  });

  it('refuses a body that is not UTF-8, at offset 0', () => {
    expect(() => decodeJsonText(Buffer.from([0x22, 0xc3, 0x22]))).toThrow(new CanonicalJsonError('Body is not valid UTF-8', 0));
    expect(decodeJsonText(Buffer.from('"é"', 'utf8'))).toBe('"é"');
  });
});

describe('whitespace', () => {
  /** The tree without member offsets (which whitespace moves). */
  const withoutOffsets = (node: unknown) => JSON.stringify(node, (key, value) => (key === 'start' || key === 'end' ? undefined : value));
  it.each([
    ['space', ' '],
    ['tab', '\t'],
    ['line feed', '\n'],
    ['carriage return', '\r'],
  ])('%s may stand around every token', (_name, ws) => {
    const text = ['', '{', '"a"', ':', '[', '1', ',', 'true', ']', ',', '"b"', ':', '{', '}', '}', ''].join(ws);
    expect(withoutOffsets(parseJson(text))).toEqual(withoutOffsets(parseJson('{"a":[1,true],"b":{}}')));
  });
  it.each([
    ['form feed', '\f'],
    ['vertical tab', '\v'],
    ['no-break space', '\u00a0'],
  ])('%s is not JSON whitespace', (_name, ws) => {
    expect(refusal(`${ws}1`).message).toBe('Expecting value at offset 0');
    expect(refusal(`[1${ws}]`).message).toBe("Expecting ',' delimiter at offset 2");
  });
});

describe('a string', () => {
  it('reads every escape JSON has', () => {
    expect(parseJson('"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"')).toEqual({ kind: 'string', value: '"\\/\b\f\n\r\t\u00e9\u{1F600}' });
  });
  it('keeps a space and DEL as they are (only characters below U+0020 are refused)', () => {
    expect(parseJson('" \u007f"')).toEqual({ kind: 'string', value: ' \u007f' });
  });
});

describe('literals and numbers', () => {
  it('reads every literal CPython accepts', () => {
    const node = parseJson('[true, false, null, NaN, Infinity, -Infinity]');
    expect(node.kind === 'array' && node.items).toEqual(['true', 'false', 'null', 'NaN', 'Infinity', '-Infinity'].map((value) => ({ kind: 'literal', value })));
  });
  it('keeps each number lexeme as written, an integer only without fraction or exponent', () => {
    const node = parseJson('[0, -0, 12345678901234567890, 1.0, 1e2, -1.5E-3]');
    expect(node.kind === 'array' && node.items).toEqual([
      { kind: 'number', lexeme: '0', isInteger: true },
      { kind: 'number', lexeme: '-0', isInteger: true },
      { kind: 'number', lexeme: '12345678901234567890', isInteger: true },
      { kind: 'number', lexeme: '1.0', isInteger: false },
      { kind: 'number', lexeme: '1e2', isInteger: false },
      { kind: 'number', lexeme: '-1.5E-3', isInteger: false },
    ]);
  });
});

describe('nesting', () => {
  const nested = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;
  it(`reads a value ${MAX_JSON_DEPTH} levels down, and refuses one level more as too deep`, () => {
    expect(() => parseJson(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => parseJson(nested(MAX_JSON_DEPTH + 1))).toThrow(JsonTooDeepError);
    expect(refusal(`{"a":${nested(MAX_JSON_DEPTH)}}`).message).toBe(`Nesting too deep at offset ${MAX_JSON_DEPTH + 5}`);
  });
});

describe('object members', () => {
  it('keep duplicates in order, each with the offsets of its value as written', () => {
    const text = '{ "a" : 1 , "b":[ 2 ],"a":{"x": 2.50} }';
    const node = parseJson(text);
    const members = node.kind === 'object' ? node.members : [];
    expect(members.map((m) => [m.key, text.slice(m.start, m.end)])).toEqual([
      ['a', '1'],
      ['b', '[ 2 ]'],
      ['a', '{"x": 2.50}'],
    ]);
  });
  it('of a key: the last one, and none for a missing key or a value that is not an object', () => {
    const text = '{"a": 1, "b": 2, "a": 3}';
    const a = memberOf(parseJson(text), 'a');
    expect(a && text.slice(a.start, a.end)).toBe('3');
    expect(memberOf(parseJson(text), 'c')).toBeUndefined();
    expect(memberOf(parseJson('[{"a": 1}]'), 'a')).toBeUndefined();
    expect(memberOf(parseJson('"a"'), 'a')).toBeUndefined();
  });
});
