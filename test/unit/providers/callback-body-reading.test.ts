/**
 * How a verified callback body becomes a payload (lambda/core/providers/body.ts): the 400s a sender reads when its
 * body is not UTF-8, not JSON or not an object, the field named when a schema refuses it, the part of the body that is
 * the payload (a UTF-8 BOM is not), and the excerpts kept beside the event for people (locale, provider message).
 */
import * as z from 'zod/mini';
import { ValidationError } from '../../../lambda/core/errors';
import { bodyText, describeZodError, detailsOf, parseJsonObjectBody, parsePayload, requiredString, wholeBodySpan } from '../../../lambda/core/providers/body';
import { validationMessage } from './outcome';

const bytes = (...values: number[]) => Buffer.from(values);

describe('a callback body', () => {
  it('must be UTF-8', () => {
    expect(validationMessage(() => bodyText(bytes(0x7b, 0xff, 0x7d)))).toBe('body: not valid UTF-8');
    expect(validationMessage(() => parseJsonObjectBody(bytes(0x22, 0xc3, 0x22)))).toBe('body: not valid UTF-8');
    expect(bodyText(Buffer.from('{"é":1}'))).toBe('{"é":1}');
  });
  it('must be JSON', () => {
    for (const text of ['', '{', 'nope', '{"a":1}x']) expect(validationMessage(() => parseJsonObjectBody(Buffer.from(text)))).toBe('body: not valid JSON');
  });
  it('must be a JSON object', () => {
    for (const text of ['null', '[]', '[{"a":1}]', '"text"', '7', 'true']) {
      expect(validationMessage(() => parseJsonObjectBody(Buffer.from(text)))).toBe('body: expected a JSON object');
    }
    expect(parseJsonObjectBody(Buffer.from('{"a":{"b":[1]}}'))).toEqual({ a: { b: [1] } });
  });
  it('is the payload whole, but for a leading UTF-8 byte order mark', () => {
    const json = Buffer.from('{"a":1}');
    expect(wholeBodySpan(json)).toEqual({ start: 0, end: 7 });
    expect(wholeBodySpan(Buffer.concat([bytes(0xef, 0xbb, 0xbf), json]))).toEqual({ start: 3, end: 10 });
    expect(wholeBodySpan(bytes(0xef, 0xbb, 0xbf))).toEqual({ start: 3, end: 3 });
    // Only the whole mark: each of its bytes alone, or the mark cut short, is content.
    for (const notMark of [bytes(0xef, 0xbb, 0x7b), bytes(0xef, 0x7b, 0xbf), bytes(0x7b, 0xbb, 0xbf), bytes(0xef, 0xbb)]) {
      expect(wholeBodySpan(notMark)).toEqual({ start: 0, end: notMark.length });
    }
    expect(parseJsonObjectBody(Buffer.concat([bytes(0xef, 0xbb, 0xbf), json]))).toEqual({ a: 1 });
  });
});

describe('a payload refused by its schema', () => {
  const schema = z.object({ id: requiredString(), job: z.object({ state: requiredString() }) });
  const refusal = (value: unknown) => validationMessage(() => parsePayload(schema, value));

  it('names the missing field "Required" and a wrong type "Expected a string"', () => {
    expect(refusal({ job: { state: 'x' } })).toBe('id: Required');
    expect(refusal({ id: 3, job: { state: 'x' } })).toBe('id: Expected a string');
  });
  it('names a nested field by its dotted path, and the body itself when it is the problem', () => {
    expect(refusal({ id: 'a', job: {} })).toBe('job.state: Required');
    expect(refusal('text')).toMatch(/^body: /);
  });
  it('is a ValidationError (a 400), and a valid payload comes back parsed', () => {
    expect(() => parsePayload(schema, {})).toThrow(ValidationError);
    expect(parsePayload(schema, { id: 'a', job: { state: 's' }, extra: 1 })).toEqual({ id: 'a', job: { state: 's' } });
  });
  it('reads "body: Invalid" if the schema gave no issue to name', () => {
    expect(describeZodError(new z.core.$ZodError([]))).toBe('body: Invalid');
  });
});

describe('the excerpts kept for people', () => {
  const details = (payload: Record<string, unknown>) => detailsOf((key) => payload[key]);

  it('take the version locale, else the locale', () => {
    expect(details({ version_locale: 'es-ES', locale: 'fr-FR' })).toEqual({ locale: 'es-ES' });
    expect(details({ locale: 'fr-FR' })).toEqual({ locale: 'fr-FR' });
    expect(details({ version_locale: '  ', locale: 'fr-FR' })).toEqual({ locale: 'fr-FR' });
  });
  it('take the first provider message of error_message, error, message, reason', () => {
    const all = { error_message: 'a', error: 'b', message: 'c', reason: 'd' };
    expect(details(all)).toEqual({ message: 'a' });
    expect(details({ ...all, error_message: undefined })).toEqual({ message: 'b' });
    expect(details({ ...all, error_message: 7, error: { code: 1 } })).toEqual({ message: 'c' });
    expect(details({ reason: 'quota\nexceeded' })).toEqual({ message: 'quota exceeded' });
  });
  it('keep both when both are there, and are nothing when neither is', () => {
    expect(details({ locale: 'de', reason: 'r' })).toEqual({ locale: 'de', message: 'r' });
    expect(details({ status: 'failed' })).toBeUndefined();
    expect(details({ locale: '', error: '\n' })).toBeUndefined();
  });
});
