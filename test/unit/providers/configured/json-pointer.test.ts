import fc from 'fast-check';
import { parseJson } from '../../../../lambda/core/json/parse';
import { ValidationError } from '../../../../lambda/core/errors';
import { compilePointer, fieldText, JsonPointerSyntaxError, resolvePointer, scalarAt } from '../../../../lambda/core/providers/configured/json-pointer';

const at = (body: string, pointer: string) => scalarAt(parseJson(body), compilePointer(pointer));
const text = (value: string) => ({ kind: 'text', text: value });
const absent = { kind: 'absent' };

// The example document of RFC 6901 section 5, with its pointers and what each refers to.
const rfcDocument = String.raw`{"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5, "k\"l": 6, " ": 7, "m~n": 8}`;

describe('JSON Pointer syntax', () => {
  it('splits a pointer into unescaped tokens', () => {
    expect(compilePointer('/job/id').tokens).toEqual(['job', 'id']);
    expect(compilePointer('').tokens).toEqual([]);
    expect(compilePointer('/').tokens).toEqual(['']);
    expect(compilePointer('/a~1b/m~0n').tokens).toEqual(['a/b', 'm~n']);
  });
  it('unescapes ~1 before ~0, so ~01 is a literal ~1', () => {
    expect(compilePointer('/~01').tokens).toEqual(['~1']);
  });
  it.each(['id', 'job/id', '#/id'])('refuses %j, which does not start with "/"', (pointer) => {
    expect(() => compilePointer(pointer)).toThrow(JsonPointerSyntaxError);
    expect(() => compilePointer(pointer)).toThrow(/must start with "\/"/);
  });
  it.each(['/a~', '/a~2', '/~x/b'])('refuses %j, a ~ that is not ~0 or ~1', (pointer) => {
    expect(() => compilePointer(pointer)).toThrow(/"~" must be written "~0"/);
  });
});

describe('JSON Pointer evaluation', () => {
  it.each([
    ['/foo/0', 'bar'],
    ['/foo/1', 'baz'],
    ['/', '0'],
    ['/a~1b', '1'],
    ['/c%d', '2'],
    ['/e^f', '3'],
    ['/g|h', '4'],
    ['/i\\j', '5'],
    ['/k"l', '6'],
    ['/ ', '7'],
    ['/m~0n', '8'],
  ])('finds RFC 6901 example %j', (pointer, expected) => {
    expect(at(rfcDocument, pointer)).toEqual(text(expected));
  });
  it('resolves "" to the whole document and /foo to the array', () => {
    const root = parseJson(rfcDocument);
    expect(resolvePointer(root, compilePointer(''))).toBe(root);
    expect(resolvePointer(root, compilePointer('/foo'))?.kind).toBe('array');
  });
  it('reads a number as the lexeme the provider wrote, beyond double precision and with its fraction', () => {
    expect(at('{"id": 12345678901234567890123}', '/id')).toEqual(text('12345678901234567890123'));
    expect(at('{"id": 1.0}', '/id')).toEqual(text('1.0'));
    expect(at('{"id": -0}', '/id')).toEqual(text('-0'));
    expect(at('{"id": 1E+2}', '/id')).toEqual(text('1E+2'));
  });
  it('takes the last of duplicate keys, as the parser resolves them everywhere', () => {
    expect(at('{"status": "running", "status": "done"}', '/status')).toEqual(text('done'));
  });
  it('treats null as absent', () => {
    expect(at('{"completed_at": null}', '/completed_at')).toEqual(absent);
  });
  it.each([
    ['a missing member', '{"a": 1}', '/b'],
    ['an index past the end', '{"a": [1]}', '/a/1'],
    ['the "-" index (past the last element)', '{"a": [1]}', '/a/-'],
    ['an index with a leading zero', '{"a": [1, 2]}', '/a/01'],
    ['a non-numeric index', '{"a": [1]}', '/a/x'],
    ['a negative index', '{"a": [1]}', '/a/-1'],
    ['a step into a string', '{"a": "text"}', '/a/0'],
    ['a step into a number', '{"a": 5}', '/a/b'],
    ['a step through null', '{"a": null}', '/a/b'],
  ])('treats %s as absent', (_what, body, pointer) => {
    expect(at(body, pointer)).toEqual(absent);
  });
  it('does not look up inherited object properties', () => {
    expect(at('{"a": {}}', '/a/constructor')).toEqual(absent);
    expect(at('{"a": {}}', '/a/__proto__')).toEqual(absent);
    expect(at('{"__proto__": "x"}', '/__proto__')).toEqual(text('x'));
  });
  it.each([
    ['{"a": true}', 'boolean'],
    ['{"a": false}', 'boolean'],
    ['{"a": {}}', 'object'],
    ['{"a": []}', 'array'],
    ['{"a": NaN}', 'non-finite number'],
    ['{"a": -Infinity}', 'non-finite number'],
  ])('reports %s as a wrong type for a scalar field', (body, found) => {
    expect(at(body, '/a')).toEqual({ kind: 'wrong-type', found });
  });

  const key = fc.string({ unit: 'grapheme', maxLength: 6 });
  const escapeToken = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');
  it('finds a string at any path of keys and indices, whatever the keys contain (property)', () => {
    const step = fc.oneof(key, fc.nat(3));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 5 }), fc.string({ maxLength: 8 }), (path, leaf) => {
        // Build the document inside out: an index becomes an array with the value at that index.
        let value: unknown = leaf;
        for (const token of [...path].reverse()) value = typeof token === 'number' ? [...Array<null>(token).fill(null), value] : { other: 1, [token]: value };
        const pointer = path.map((token) => `/${escapeToken(String(token))}`).join('');
        expect(at(JSON.stringify(value), pointer)).toEqual(text(leaf));
      }),
    );
  });
  it('agrees with a JSON.parse walk for safe integers at generated keys (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(key, fc.maxSafeInteger(), { minKeys: 1 }), (object) => {
        for (const [k, v] of Object.entries(object)) expect(at(JSON.stringify(object), `/${escapeToken(k)}`)).toEqual(text(String(v)));
      }),
    );
  });
});

describe('configured field text', () => {
  const root = parseJson('{"job": {"id": 42, "tags": ["a"]}, "completed_at": null}');
  it('returns the text of a present field', () => {
    expect(fieldText(root, compilePointer('/job/id'), 'jobId', true)).toBe('42');
  });
  it('returns undefined for an absent optional field', () => {
    expect(fieldText(root, compilePointer('/completed_at'), 'occurredAt', false)).toBeUndefined();
  });
  it('names the field and pointer when a required field is absent', () => {
    expect(() => fieldText(root, compilePointer('/job/state'), 'status', true)).toThrow(new ValidationError('status ("/job/state"): Required'));
  });
  it('names the field, pointer and found type when a field is not a string or number, even if optional', () => {
    expect(() => fieldText(root, compilePointer('/job/tags'), 'eventId', false)).toThrow(
      new ValidationError('eventId ("/job/tags"): expected a string or a number, found an array'),
    );
    expect(() => fieldText(root, compilePointer('/job'), 'jobId', true)).toThrow(/found an object$/);
  });
});
