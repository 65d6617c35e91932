/**
 * JSON Pointer edges a configured declaration may reach: several escapes in one key, array indices of more than one
 * digit, and the longest index the pointer reads exactly.
 */
import { parseJson } from '../../../../lambda/core/json/parse';
import { compilePointer, JsonPointerSyntaxError, scalarAt } from '../../../../lambda/core/providers/configured/json-pointer';

const at = (body: string, pointer: string) => scalarAt(parseJson(body), compilePointer(pointer));

describe('JSON Pointer edges', () => {
  it('unescapes every ~1 and ~0 in a key, not only the first', () => {
    expect(compilePointer('/a~1b~1c/~0~0').tokens).toEqual(['a/b/c', '~~']);
    expect(at('{"a/b/c": {"~~": "deep"}}', '/a~1b~1c/~0~0')).toEqual({ kind: 'text', text: 'deep' });
  });
  it('reads an index of several digits', () => {
    const items = Array.from({ length: 12 }, (_, i) => `"item-${i}"`).join(', ');
    expect(at(`{"list": [${items}]}`, '/list/10')).toEqual({ kind: 'text', text: 'item-10' });
    expect(at(`{"list": [${items}]}`, '/list/11')).toEqual({ kind: 'text', text: 'item-11' });
  });
  it('names its syntax error so a start-up failure says what it is', () => {
    expect(() => compilePointer('id')).toThrow(JsonPointerSyntaxError);
    expect(() => compilePointer('id')).toThrow(expect.objectContaining({ name: 'JsonPointerSyntaxError' }));
  });
  it('reads a member whose key looks like an index in an object', () => {
    expect(at('{"jobs": {"01": "j-01", "0": "j-0"}}', '/jobs/01')).toEqual({ kind: 'text', text: 'j-01' });
  });
  it('says which kind of value it found where a scalar was expected, step by step', () => {
    expect(at('{"a": {"b": [true]}}', '/a/b/0')).toEqual({ kind: 'wrong-type', found: 'boolean' });
    expect(at('{"a": {"b": [null]}}', '/a/b/0')).toEqual({ kind: 'absent' });
    expect(at('{"a": {"b": [Infinity]}}', '/a/b/0')).toEqual({ kind: 'wrong-type', found: 'non-finite number' });
  });
});
