import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { canonicalForms } from '../../../lambda/core/json/canonical-forms';
import { SignatureError, ValidationError } from '../../../lambda/core/errors';
import { contentor } from '../../../lambda/core/providers/contentor';
import { normaliseIsoTimestamp } from '../../../lambda/core/providers/timestamps';
import type { RawRequest, Trust } from '../../../lambda/core/providers/provider';
import { readReceiverEnv } from '../../../lambda/config/receiver-env';
import { providersOf, trustOf } from '../../../lambda/handlers/provider-wiring';
import { PANJAYA_DEFAULT_PUBLIC_KEY_PEM } from '../../../lambda/core/providers/panjaya';
import { contentorItem } from '../../helpers/event-item-fixtures';
import { contentorEnvelope, signContentorHeader, signerOf } from '../../helpers/signing';
import { payloadTextOfEvent } from '../../helpers/events';
import { request, secretsTrust, validationMessage, verifyAndNormalise, verifyOutcome } from './outcome';

const secret = 'whsec-test-current';
const oldSecret = 'whsec-test-previous';
const data = '{"uuid": "a1b2c3d4-e5f6-7890-abcd-1234567890ab", "status": "processing", "timestamp": "2025-04-09T15:30:45Z"}';
const trust = (...secrets: string[]): Trust => secretsTrust(...secrets);
const trusted = trust(secret);
/** normalise runs only after verify: an envelope is verified as it is, anything else header-signed first. */
const normaliseSigned = (req: RawRequest) => {
  const text = req.body.toString('utf8');
  const signed = /"signature"/.test(text) ? req : { ...req, headers: { ...req.headers, 'x-webhook-signature': signContentorHeader(text, secret) } };
  return verifyAndNormalise(contentor, signed, trusted);
};
const outcome = (body: string, headers: Record<string, string> = {}, material = trusted) =>
  verifyOutcome(() => contentor.verify(request(body, headers), material, new Date()));
const header = (value: string) => ({ 'x-webhook-signature': value });

const golden = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/canonical-golden.json'), 'utf8')) as { input: string; expected: string }[];

describe('Contentor header signature', () => {
  it.each(['hex', 'base64', 'sha256=hex'] as const)('accepts %s', (style) => {
    expect(outcome(data, header(signContentorHeader(data, secret, style)))).toBe('ok');
  });
  it('accepts upper-case hex and an upper-case SHA256= prefix', () => {
    expect(outcome(data, header(signContentorHeader(data, secret).toUpperCase()))).toBe('ok');
    expect(outcome(data, header(`SHA256=${signContentorHeader(data, secret)}`))).toBe('ok');
  });
  it('rejects a body with one byte changed', () => {
    expect(outcome(data.replace('processing', 'processinG'), header(signContentorHeader(data, secret)))).toBe('invalid_signature');
  });
  it('rejects a signature made with another secret', () => {
    expect(outcome(data, header(signContentorHeader(data, 'not-the-secret')))).toBe('invalid_signature');
  });
  it('rejects a truncated signature as malformed', () => {
    expect(outcome(data, header(signContentorHeader(data, secret).slice(0, -2)))).toBe('malformed_signature');
  });
  it('rejects a signature of the wrong length as malformed', () => {
    expect(outcome(data, header(`${signContentorHeader(data, secret)}ab`))).toBe('malformed_signature');
  });
  it('rejects bad hex', () => {
    expect(outcome(data, header(`g${signContentorHeader(data, secret).slice(1)}`))).toBe('malformed_signature');
  });
  it('rejects bad base64', () => {
    expect(outcome(data, header(`!${signContentorHeader(data, secret, 'base64').slice(1)}`))).toBe('malformed_signature');
  });
  it('rejects a request with no signature anywhere', () => {
    expect(outcome(data)).toBe('missing_signature');
    expect(outcome(data, header(' '))).toBe('missing_signature');
  });
  it('accepts a comma-joined header when one candidate is good', () => {
    expect(outcome(data, header(`${signContentorHeader(data, oldSecret)}, ${signContentorHeader(data, secret)}`))).toBe('ok');
  });
  it('accepts either secret while both are configured (rotation)', () => {
    expect(outcome(data, header(signContentorHeader(data, oldSecret)), trust(secret, oldSecret))).toBe('ok');
    expect(outcome(data, header(signContentorHeader(data, secret)), trust(oldSecret, secret))).toBe('ok');
  });
  it('never trusts an empty secret', () => {
    expect(outcome(data, header(signContentorHeader(data, '')), trust(''))).toBe('invalid_signature');
  });
});

describe('Contentor envelope signature', () => {
  it('accepts a signature over Python json.dumps(data, sort_keys=True), computed by CPython', () => {
    // Signature from the CPython-produced canonical text, not from our serialiser.
    const vector = golden[0];
    if (!vector) throw new Error('golden vectors missing');
    const signature = createHmac('sha256', secret).update(vector.expected).digest('base64');
    expect(outcome(`{"data": ${vector.input}, "signature": "${signature}"}`)).toBe('ok');
  });
  it('accepts CPython-canonical signatures over nested, unicode and float-laden data', () => {
    const objects = golden.filter((v) => v.input.trimStart().startsWith('{'));
    expect(objects.length).toBeGreaterThan(10);
    for (const vector of objects) {
      const signature = createHmac('sha256', secret).update(vector.expected).digest('base64');
      expect([vector.input, outcome(`{"data": ${vector.input}, "signature": "${signature}"}`)]).toEqual([vector.input, 'ok']);
    }
  });
  it.each([...canonicalForms, 'as-sent'] as const)('accepts the %s form', (form) => {
    const nested = '{"uuid": "u-1", "status": "completed", "timestamp": "2025-04-09T15:30:45Z", "meta": {"z": "é/ü", "a": [1.0, 1e16]}}';
    expect(outcome(contentorEnvelope(nested, secret, form))).toBe('ok');
  });
  it('rejects data changed after signing', () => {
    const body = contentorEnvelope(data, secret).replace('processing', 'completed');
    expect(outcome(body)).toBe('invalid_signature');
  });
  it('rejects an envelope signed with another secret', () => {
    expect(outcome(contentorEnvelope(data, 'not-the-secret'))).toBe('invalid_signature');
  });
  it('accepts the previous secret during rotation', () => {
    expect(outcome(contentorEnvelope(data, oldSecret), {}, trust(secret, oldSecret))).toBe('ok');
  });
  it('rejects a malformed envelope signature', () => {
    expect(outcome(`{"data": ${data}, "signature": "!!!"}`)).toBe('malformed_signature');
    expect(outcome(`{"data": ${data}, "signature": "c2hvcnQ="}`)).toBe('malformed_signature');
  });
  it('treats a body without data or signature as unsigned', () => {
    expect(outcome(`{"data": ${data}}`)).toBe('missing_signature');
    expect(outcome('{"signature": "x"}')).toBe('missing_signature');
    expect(outcome('not json')).toBe('missing_signature');
  });
  it('never throws anything but SignatureError on arbitrary headers and bodies', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json().map((j) => `{"data": ${j}, "signature": "AAAA"}`),
        ),
        fc.option(fc.string()),
        (body, signature) => {
          const headers: Record<string, string> = signature === null ? {} : header(signature);
          expect(() => contentor.verify(request(body, headers), trusted, new Date())).toThrow(SignatureError);
        },
      ),
    );
  });
});

describe('Contentor normalisation', () => {
  const payload = (fields: Record<string, unknown>) => JSON.stringify({ uuid: 'u-1', status: 'processing', timestamp: '2025-04-09T15:30:45Z', ...fields });
  const normalise = (fields: Record<string, unknown> = {}) => normaliseSigned(request(payload(fields)));

  it('uses the uuid as job and partition, the provider timestamp as occurredAt', () => {
    expect(normalise()).toMatchObject({
      provider: 'contentor',
      jobId: 'u-1',
      partitionId: 'u-1',
      status: 'in_progress',
      eventType: 'processing',
      occurredAt: '2025-04-09T15:30:45.000Z',
      ordering: 'provider-timestamp',
    });
  });
  it('gives the header form and the envelope form of one event the same hash and payload', () => {
    const viaHeader = normaliseSigned(request(data));
    const viaEnvelope = normaliseSigned(request(contentorEnvelope(data, secret)));
    expect(viaEnvelope.contentHash).toBe(viaHeader.contentHash);
    // The envelope's payload is its `data` text: the same JSON the header form signs as the whole body.
    expect(JSON.parse(payloadTextOfEvent(viaEnvelope))).toEqual(JSON.parse(payloadTextOfEvent(viaHeader)));
  });
  it('reads a header-signed body as the whole signed object even when it has data and signature members', () => {
    // The header signature covers the whole body: its own uuid counts, not a `data` member inside it.
    const text =
      '{"uuid":"hd-1","status":"completed","timestamp":"2026-01-01T00:00:00Z","data":{"uuid":"other","status":"failed","timestamp":"2026-01-01T00:00:00Z"},"signature":"abc"}';
    const req = request(text, { 'x-webhook-signature': signContentorHeader(text, secret) });
    const event = verifyAndNormalise(contentor, req, trusted);
    expect(event).toMatchObject({ jobId: 'hd-1', status: 'succeeded' });
    expect(payloadTextOfEvent(event)).toBe(text);
  });
  it('hashes differently when the content differs', () => {
    expect(normalise({ status: 'uploading' }).contentHash).not.toBe(normalise().contentHash);
  });
  it('keeps unknown extra fields', () => {
    expect(JSON.parse(payloadTextOfEvent(normalise({ progress: 42, meta: { a: [1] } })))).toMatchObject({ progress: 42, meta: { a: [1] } });
  });
  it.each([
    ['downloading', 'in_progress'],
    ['processing', 'in_progress'],
    ['uploading', 'in_progress'],
    ['completed', 'succeeded'],
    ['failed', 'failed'],
    ['paused', 'unknown'],
  ])('maps %s to %s', (status, normalised) => {
    expect(normalise({ status }).status).toBe(normalised);
  });
  it('ranks the pipeline stages in order, unknown lowest', () => {
    const ranks = ['paused', 'downloading', 'processing', 'uploading', 'completed'].map((status) => normalise({ status }).rank);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(new Set(ranks).size).toBe(ranks.length);
    expect(normalise({ status: 'failed' }).rank).toBe(normalise({ status: 'completed' }).rank);
  });
  it('normalises offsets and missing zones to UTC', () => {
    expect(normalise({ timestamp: '2025-04-09T17:30:45.123456+02:00' }).occurredAt).toBe('2025-04-09T15:30:45.123Z');
    expect(normalise({ timestamp: '2025-04-09T15:30:45' }).occurredAt).toBe('2025-04-09T15:30:45.000Z');
  });
  it('names the failing field', () => {
    expect(validationMessage(() => normaliseSigned(request('{"status": "processing", "timestamp": "2025-04-09T15:30:45Z"}')))).toBe('uuid: Required');
    expect(validationMessage(() => normalise({ uuid: '' }))).toBe('uuid: must not be empty');
    expect(validationMessage(() => normalise({ timestamp: 'yesterday' }))).toBe('timestamp: not an ISO-8601 date-time');
    expect(validationMessage(() => normalise({ timestamp: '2025-02-30T00:00:00Z' }))).toBe('timestamp: not an ISO-8601 date-time');
  });
  it('rejects a body that is not a JSON object', () => {
    expect(() => normaliseSigned(request('{"uuid":'))).toThrow(ValidationError);
    expect(validationMessage(() => normaliseSigned(request('"text"')))).toBe('body: expected a JSON object');
  });
});

describe('normaliseIsoTimestamp', () => {
  it.each([
    ['2025-04-09T15:30:45Z', '2025-04-09T15:30:45.000Z'],
    ['2025-04-09 15:30:45z', '2025-04-09T15:30:45.000Z'],
    ['2025-04-09T15:30Z', '2025-04-09T15:30:00.000Z'],
    ['2025-04-09T00:30:45-0130', '2025-04-09T02:00:45.000Z'],
    ['2025-04-09T15:30:45,5+00', '2025-04-09T15:30:45.500Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(normaliseIsoTimestamp(text)).toBe(iso);
  });
  it.each(['', '2025-04-09', '2025-13-01T00:00:00Z', '2025-04-09T24:00:00Z', '2025-04-09T15:30:45+25:00', '1744212645'])('refuses %j', (text) => {
    expect(normaliseIsoTimestamp(text)).toBeUndefined();
  });
});

/** The SignatureError a verify call ends in: what the caller reads (reason, message) and what operators log. */
function refusal(body: string, headers: Record<string, string> = {}, material = trusted): Pick<SignatureError, 'reason' | 'message' | 'logDetail'> {
  try {
    contentor.verify(request(body, headers), material, new Date());
  } catch (error) {
    if (error instanceof SignatureError) return { reason: error.reason, message: error.message, logDetail: error.logDetail };
    throw error;
  }
  throw new Error('expected a SignatureError');
}

describe('Contentor refusals as the caller and the operator see them', () => {
  it('names both places a signature may be when there is none', () => {
    const { message } = refusal(data);
    expect(message).toContain('X-Webhook-Signature');
    expect(message).toContain('"signature"');
  });
  it('says what a well-formed signature looks like when it is malformed', () => {
    expect(refusal(data, header('zz'))).toMatchObject({
      reason: 'malformed_signature',
      message: expect.stringMatching(/HMAC-SHA256 digest as hex or base64/),
    });
  });
  it('logs how many secrets were tried and which signing style failed, never the digest', () => {
    expect(refusal(data, header(signContentorHeader(data, 'not-the-secret')), trust(secret, oldSecret))).toEqual({
      reason: 'invalid_signature',
      message: 'Invalid signature',
      logDetail: { secrets: 2, style: 'header' },
    });
    expect(refusal(contentorEnvelope(data, 'not-the-secret'))).toEqual({
      reason: 'invalid_signature',
      message: 'Invalid signature',
      logDetail: { secrets: 1, style: 'envelope' },
    });
  });
  it('reads sha256= only as a prefix: a digest followed by it is malformed', () => {
    expect(outcome(data, header(`${signContentorHeader(data, secret)}sha256=`))).toBe('malformed_signature');
    expect(outcome(data, header(`sha256=${signContentorHeader(data, secret)}`))).toBe('ok');
  });
});

describe('Contentor payload problems as the caller sees them (400, naming the field)', () => {
  const signedBody = (text: string | Buffer) => request(text, { 'x-webhook-signature': signContentorHeader(text, secret) });
  const body = (fields: Record<string, unknown>) => JSON.stringify({ uuid: 'u-1', status: 'processing', timestamp: '2025-04-09T15:30:45Z', ...fields });

  it('names uuid and status when they cannot be stored', () => {
    expect(validationMessage(() => verifyAndNormalise(contentor, signedBody(body({ uuid: 'u\u0007' })), trusted))).toBe('uuid: contains control characters');
    expect(validationMessage(() => verifyAndNormalise(contentor, signedBody(body({ status: 'done\n' })), trusted))).toBe('status: contains control characters');
  });
  it('says a signed body that is not JSON is not valid JSON', () => {
    expect(validationMessage(() => verifyAndNormalise(contentor, signedBody('{"uuid":'), trusted))).toBe('body: not valid JSON');
  });
  it('carries the locale and the provider error message people see in a notification', () => {
    const event = verifyAndNormalise(contentor, signedBody(body({ status: 'failed', error_message: 'Upload to bucket refused', locale: 'fr-FR' })), trusted);
    expect(event.details).toEqual({ locale: 'fr-FR', message: 'Upload to bucket refused' });
    expect(verifyAndNormalise(contentor, signedBody(body({})), trusted).details).toBeUndefined();
  });
});

describe('Contentor bodies nested deeper than the JSON parser goes', () => {
  // A header-signed body may nest deeper than lambda/core/json/parse.ts reads (MAX_JSON_DEPTH); it is still a delivery.
  const deep = (uuid: string, depth: number) =>
    `{"uuid":"${uuid}","status":"completed","timestamp":"2025-04-09T15:30:45Z","trace":${'['.repeat(depth)}${']'.repeat(depth)}}`;
  const signedDeep = (text: string) => verifyAndNormalise(contentor, request(text, header(signContentorHeader(text, secret))), trusted);

  it('normalises a header-signed body 1,500 levels deep, its payload the whole body', () => {
    const text = deep('u-deep', 1500);
    const event = signedDeep(text);
    expect(event).toMatchObject({ provider: 'contentor', jobId: 'u-deep', status: 'succeeded', eventType: 'completed' });
    expect(payloadTextOfEvent(event)).toBe(text);
  });
  it('identifies each deep body by its bytes', () => {
    expect(signedDeep(deep('u-deep', 1500)).contentHash).not.toBe(signedDeep(deep('u-deep', 1501)).contentHash);
  });
});

describe('Contentor content hashes are stable across releases', () => {
  // Stored hashes decide what a retry is: a changed recipe would turn a delivery retried across a deploy into a
  // second event (and a second notification). Checked with CPython: sha256 of "contentor\n" + json.dumps(data,
  // sort_keys=True), and of "contentor-raw\n" + the bytes for a body too deep to parse.
  const text = '{"uuid":"u-stable","status":"completed","timestamp":"2025-04-09T15:30:45Z","meta":{"b":1.0,"a":"é"}}';
  const deepText = `{"uuid":"u-stable","status":"completed","timestamp":"2025-04-09T15:30:45Z","trace":${'['.repeat(1200)}${']'.repeat(1200)}}`;
  it.each([
    [
      'header-signed',
      () => verifyAndNormalise(contentor, request(text, header(signContentorHeader(text, secret))), trusted),
      'f2258207d4e5fee32cf89b7188f51f017786e06c168319328d8645f22d0e5842',
    ],
    [
      'envelope-signed',
      () => verifyAndNormalise(contentor, request(contentorEnvelope(text, secret)), trusted),
      'f2258207d4e5fee32cf89b7188f51f017786e06c168319328d8645f22d0e5842',
    ],
    [
      'header-signed deeper than the parser goes',
      () => verifyAndNormalise(contentor, request(deepText, header(signContentorHeader(deepText, secret))), trusted),
      'dd09cfcb2c3bbb74b14ec7221d3e85140025207e8a5906a6682018b300106d22',
    ],
  ])('%s', (_form, normalise, expected) => {
    expect(normalise().contentHash).toBe(expected);
  });
});

describe('Contentor in the words people read', () => {
  it('spells the CLI usage with the uuid', () => {
    expect(contentor.naming.usage).toBe('contentor <uuid>');
  });
  it.each([
    ['completed', ' completed', 'Contentor finished the job: the processed video was uploaded.'],
    ['failed', ' failed', 'Contentor reported that the job failed.'],
  ])('explains %s', (status, outcomeWords, explanation) => {
    const item = contentorItem(status, 'u-words');
    expect(contentor.describe(item)).toEqual({ headline: ['Contentor job ', { value: 'u-words' }, outcomeWords], explanation });
  });
});

describe('Contentor secrets, from the variables its module names', () => {
  const base = { TABLE_NAME: 't', PANJAYA_PUBLIC_KEYS: PANJAYA_DEFAULT_PUBLIC_KEY_PEM };
  const trustFrom = (env: Record<string, string>) => trustOf(readReceiverEnv({ ...base, ...env }), providersOf({}), 60_000)(contentor);

  it('takes the local stack secrets from CONTENTOR_WEBHOOK_SECRETS', async () => {
    await expect(trustFrom({ CONTENTOR_WEBHOOK_SECRETS: 'local-one,local-two' })).resolves.toMatchObject({ secrets: ['local-one', 'local-two'] });
  });
  it('fetches them from Secrets Manager when PROVIDER_SECRET_ARNS names its secret: unreachable here, so a 503, never no secrets', async () => {
    // A closed local port: the fetch fails at once, offline.
    const offline = { AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' };
    const saved = Object.fromEntries(Object.keys(offline).map((name) => [name, process.env[name]]));
    Object.assign(process.env, offline);
    try {
      await expect(
        trustFrom({ PROVIDER_SECRET_ARNS: JSON.stringify({ contentor: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:contentor' }) }),
      ).rejects.toMatchObject({
        reason: 'secrets_unavailable',
      });
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('Contentor sample deliveries (npm run send)', () => {
  const sender = contentor.sender;
  if (!sender) throw new Error('Contentor has no sample sender');
  const sample = (style: string, values: Record<string, string | undefined> = { uuid: 'u-sample', timestamp: '2026-01-01T00:00:00Z' }) =>
    sender.sample('completed', values, signerOf(secret), style);
  afterEach(() => jest.useRealTimers());

  it('offers the three header styles, hex first, and the envelope; names its options as the CLI shows them', () => {
    expect(sender.styles).toEqual(['header-hex', 'header-base64', 'header-sha256=hex', 'envelope']);
    expect(sender.eventNoun).toBe('status');
    expect(sender.options).toEqual({ uuid: { help: 'job uuid (default: a new one)' }, timestamp: { help: 'event time, ISO (default: now)' } });
  });

  it.each(['header-hex', 'header-base64', 'header-sha256=hex', 'envelope'])('makes a %s delivery that verifies and names its job, status and time', (style) => {
    const delivery = sample(style);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.job).toEqual(['u-sample']);
    expect(verifyAndNormalise(contentor, request(delivery.body, delivery.headers), trusted)).toMatchObject({
      jobId: 'u-sample',
      eventType: 'completed',
      status: 'succeeded',
      occurredAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('writes each style as the provider does', () => {
    expect(sample('header-hex').headers['x-webhook-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(sample('header-base64').headers['x-webhook-signature']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(sample('header-sha256=hex').headers['x-webhook-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const envelope = sample('envelope');
    expect(envelope.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(envelope.body)).toEqual({
      data: { uuid: 'u-sample', status: 'completed', timestamp: '2026-01-01T00:00:00Z' },
      signature: expect.any(String),
    });
  });

  it('defaults to a new uuid each time and to the current time', () => {
    jest.useFakeTimers({ now: new Date('2026-02-03T04:05:06.000Z') });
    const [first, second] = [sample('header-hex', {}), sample('header-hex', {})];
    expect(first.job[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.job[0]).not.toBe(first.job[0]);
    expect(JSON.parse(first.body)).toMatchObject({ uuid: first.job[0], timestamp: '2026-02-03T04:05:06.000Z' });
  });

  it("names the stack output that holds Contentor's secret as README.md documents it (ContentorSecretArn)", () => {
    expect(contentor.trust).toMatchObject({ kind: 'secrets', outputName: 'ContentorSecretArn' });
  });
});
