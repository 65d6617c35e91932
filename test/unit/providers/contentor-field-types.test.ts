/**
 * Contentor's fields as JSON types: uuid, status and timestamp are strings, and a member of any other type is refused
 * with a 400 naming it, whichever way the body was signed and however deep it nests (a body deeper than our parser
 * goes is read by JSON.parse instead: both readers must agree). A true, false or null is not the text "true",
 * "false" or "null".
 */
import { contentor } from '../../../lambda/core/providers/contentor';
import type { RawRequest } from '../../../lambda/core/providers/provider';
import { contentorEnvelope, signContentorHeader } from '../../helpers/signing';
import { request, secretsTrust, validationMessage, verifyAndNormalise } from './outcome';

const secret = 'whsec-field-types';
const trusted = secretsTrust(secret);
const fields = { uuid: 'u-types', status: 'failed', timestamp: '2026-03-04T05:06:07Z' };
/** A JSON member list with `value` (JSON text) in place of `field`'s string. */
const membersWith = (field: keyof typeof fields, value: string) =>
  Object.entries(fields)
    .map(([key, text]) => `${JSON.stringify(key)}: ${key === field ? value : JSON.stringify(text)}`)
    .join(', ');
/** Deeper than lambda/core/json/parse.ts reads (MAX_JSON_DEPTH 1000): only JSON.parse reads such a body. */
const deepMember = `"trace": ${'['.repeat(1001)}${']'.repeat(1001)}`;

const headerSigned = (text: string | Buffer): RawRequest => request(text, { 'x-webhook-signature': signContentorHeader(text, secret) });
const refusal = (req: RawRequest) => validationMessage(() => verifyAndNormalise(contentor, req, trusted));

describe('Contentor fields of another JSON type than string', () => {
  const wrongTypes = ['true', 'false', 'null', '42', '1.5', '["u-types"]', '{"id": "u-types"}'];

  it.each(['uuid', 'status', 'timestamp'] as const)(
    'refuses %s of every other type with "Expected a string", header-signed, envelope-signed or nested deep',
    (field) => {
      for (const value of wrongTypes) {
        const members = membersWith(field, value);
        const expected = `${field}: Expected a string`;
        expect({ value, header: refusal(headerSigned(`{${members}}`)) }).toEqual({ value, header: expected });
        expect({ value, envelope: refusal(request(contentorEnvelope(`{${members}}`, secret))) }).toEqual({ value, envelope: expected });
        expect({ value, deep: refusal(headerSigned(`{${members}, ${deepMember}}`)) }).toEqual({ value, deep: expected });
      }
    },
  );
  it('refuses NaN and Infinity, which Python writes into JSON, as not strings either', () => {
    expect(refusal(headerSigned(`{${membersWith('uuid', 'NaN')}}`))).toBe('uuid: Expected a string');
    expect(refusal(request(contentorEnvelope(`{${membersWith('status', '-Infinity')}}`, secret)))).toBe('status: Expected a string');
  });
  it('shows no locale or provider message that is not a string', () => {
    for (const value of ['true', 'null', '7', '["fr-FR"]']) {
      const text = `{${membersWith('uuid', '"u-types"')}, "locale": ${value}, "error_message": ${value}}`;
      expect(verifyAndNormalise(contentor, headerSigned(text), trusted).details).toBeUndefined();
    }
  });
  it('reads a member named __proto__ as a member like any other, and a repeated member by its last value', () => {
    const text = `{"__proto__": {"uuid": "from-proto"}, ${membersWith('uuid', '"first"')}, "uuid": "last", "locale": "de-DE", "locale": "en-GB"}`;
    for (const req of [headerSigned(text), request(contentorEnvelope(text, secret))]) {
      expect(verifyAndNormalise(contentor, req, trusted)).toMatchObject({ jobId: 'last', details: { locale: 'en-GB' } });
    }
  });
});

describe('Contentor bodies our parser does not read', () => {
  it('refuses a signed body that is not UTF-8 as not UTF-8, as the other providers do', () => {
    expect(refusal(headerSigned(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])))).toBe('body: not valid UTF-8');
  });
  it('refuses a signed body that is not JSON as not JSON', () => {
    expect(refusal(headerSigned('{"uuid": "u-types",'))).toBe('body: not valid JSON');
  });
  it('reads a signed body nested deeper than the parser goes by its top level', () => {
    expect(verifyAndNormalise(contentor, headerSigned(`{${membersWith('uuid', '"u-deep"')}, ${deepMember}}`), trusted)).toMatchObject({
      jobId: 'u-deep',
      status: 'failed',
    });
  });
});
