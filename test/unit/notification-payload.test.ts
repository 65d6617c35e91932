/**
 * The payload a notification carries (lambda/core/notification/payload.ts): the signed span of the stored body,
 * exactly, or a named reason the event is parked instead; and Python's non-JSON number literals made `null` while
 * every other byte, strings included, stays as signed.
 */
import { payloadTextOf, UndeliverableError, withoutNonStandardLiterals } from '../../lambda/core/notification/payload';

const item = (text: string | Buffer, span: { payloadStart?: number; payloadEnd?: number } = {}) => ({
  body: typeof text === 'string' ? Buffer.from(text, 'utf8') : text,
  ...span,
});

/** The message of the UndeliverableError a call ends in. */
function parkedBecause(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    // The name is what a log line shows beside the message (fanout.ts describeError).
    if (error instanceof UndeliverableError && error.name === 'UndeliverableError') return error.message;
    throw error;
  }
  throw new Error('expected an UndeliverableError');
}

describe('the payload of a stored event', () => {
  it('is the whole body, or exactly the signed span of it', () => {
    const body = '{"data": {"uuid": "é"}, "signature": "x"}';
    expect(payloadTextOf(item(body))).toBe(body);
    const start = Buffer.byteLength('{"data": ');
    const end = start + Buffer.byteLength('{"uuid": "é"}');
    expect(payloadTextOf(item(body, { payloadStart: start, payloadEnd: end }))).toBe('{"uuid": "é"}');
    // A span ending exactly at the body's end is inside it.
    expect(payloadTextOf(item(`   ${'{}'}`, { payloadStart: 3, payloadEnd: 5 }))).toBe('{}');
  });

  it('parks an item without a raw body, saying so', () => {
    expect(parkedBecause(() => payloadTextOf({ body: undefined }))).toBe('the event item has no raw body (written by an earlier layout)');
  });

  it.each([
    ['past the end', { payloadStart: 0, payloadEnd: 3 }],
    ['starting before the body', { payloadStart: -1, payloadEnd: 2 }],
    ['backwards', { payloadStart: 2, payloadEnd: 1 }],
    ['not whole bytes', { payloadStart: 0.5, payloadEnd: 2 }],
    ['ending at a fraction', { payloadStart: 0, payloadEnd: 1.5 }],
  ])('parks a span %s, naming it and the body length', (_case, span) => {
    expect(parkedBecause(() => payloadTextOf(item('{}', span)))).toBe(`the payload span ${span.payloadStart}..${span.payloadEnd} lies outside the 2-byte body`);
  });

  it('parks a payload that is not UTF-8, or not JSON (a byte-order mark inside the span included)', () => {
    expect(parkedBecause(() => payloadTextOf(item(Buffer.from([0x7b, 0xff, 0x7d]))))).toBe('the stored payload is not valid UTF-8');
    expect(parkedBecause(() => payloadTextOf(item('{"a":')))).toBe('the stored payload is not JSON');
    expect(parkedBecause(() => payloadTextOf(item('\ufeff{}')))).toBe('the stored payload is not JSON');
    expect(parkedBecause(() => payloadTextOf(item('{}', { payloadStart: 1, payloadEnd: 1 })))).toBe('the stored payload is not JSON');
    // A string left open after a literal: the scan for literals must stop at the end, not run on.
    expect(parkedBecause(() => payloadTextOf(item('{"a": NaN, "b": "open')))).toBe('the stored payload is not JSON');
  });

  it("sends Python's NaN and infinities as null", () => {
    expect(payloadTextOf(item('{"a": NaN, "b": [Infinity, -Infinity]}'))).toBe('{"a": null, "b": [null, null]}');
    expect(payloadTextOf(item('{"a": Infinity}'))).toBe('{"a": null}');
  });
});

describe("Python's non-JSON number literals", () => {
  it('become null outside strings only, escaped quotes included', () => {
    expect(withoutNonStandardLiterals('{"NaN": "-Infinity \\" NaN", "x": -Infinity}')).toBe('{"NaN": "-Infinity \\" NaN", "x": null}');
    expect(withoutNonStandardLiterals('[NaN,Infinity,-Infinity,1]')).toBe('[null,null,null,1]');
  });
  it('leave text without them exactly as it was', () => {
    const text = '{"big": 12345678901234567890, "nested": {"": [1.0, -0, 1e400]}}';
    expect(withoutNonStandardLiterals(text)).toBe(text);
  });
  it('leave a string that only mentions them alone', () => {
    expect(withoutNonStandardLiterals('{"note": "NaN"}')).toBe('{"note": "NaN"}');
  });
});
