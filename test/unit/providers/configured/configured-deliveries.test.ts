/**
 * A provider declared by configuration alone, as the receiver runs it: a delivery signed by its scheme is verified
 * and turned into the event that is stored (job, status, time, identity), and every refusal says which field and why.
 * Signatures here come from the test signers (test/helpers/signing.ts); the schemes' own modules are checked against
 * CPython and WebCrypto in standard-webhooks.test.ts and hmac-header.test.ts.
 */
import { hash } from 'node:crypto';
import type { NormalisedEvent } from '../../../../lambda/core/model';
import { parseProvidersConfig, type ConfiguredProvider } from '../../../../lambda/core/providers/configured/config-schema';
import { configuredModule } from '../../../../lambda/core/providers/configured/module';
import { standardWebhooksHeaderNames } from '../../../../lambda/core/providers/configured/standard-webhooks';
import type { EventItem } from '../../../../lambda/core/items';
import { exampleProviders } from '../../../fixtures/configured-providers';
import { signHmacHeader, signStandardWebhook } from '../../../helpers/signing';
import { request, secretsTrust, validationMessage, verifyAndNormalise, verifyOutcome } from '../outcome';

const parsed = parseProvidersConfig(exampleProviders);
const replicateConfig = parsed.replicate as ConfiguredProvider;
const acmeConfig = parsed.acme as ConfiguredProvider;
const replicate = configuredModule('replicate', replicateConfig);
const acme = configuredModule('acme', acmeConfig);

const replicateSecret = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const acmeSecret = 'acme-shared-secret';
const sentAt = 1_767_225_600; // 2026-01-01T00:00:00Z
const receivedAt = new Date(sentAt * 1000);

const replicateHeaders = (body: string, id = 'msg_one', timestamp = sentAt, secret = replicateSecret) => signStandardWebhook(body, secret, { id, timestamp });
const replicateEvent = (body: string, id = 'msg_one', timestamp = sentAt): NormalisedEvent =>
  verifyAndNormalise(replicate, request(body, replicateHeaders(body, id, timestamp)), secretsTrust(replicateSecret), receivedAt);
const acmeHeaders = (body: string, secret = acmeSecret) => ({ 'x-acme-signature': signHmacHeader(body, secret, { encoding: 'hex', prefix: 'sha256=' }) });
const acmeEvent = (body: string, module = acme): NormalisedEvent =>
  verifyAndNormalise(module, request(body, acmeHeaders(body)), secretsTrust(acmeSecret), receivedAt);
const sha256 = (text: string | Buffer) => hash('sha256', text, 'hex');

describe('a Standard Webhooks provider declared by configuration', () => {
  const body = '{"id": "pred-1", "status": "succeeded", "completed_at": "2026-01-01T00:00:05.25Z"}';

  it('stores the job, its status and event time read at the configured pointers, identified by the webhook id', () => {
    expect(replicateEvent(body)).toEqual({
      provider: 'replicate',
      jobId: 'pred-1',
      partitionId: 'pred-1',
      status: 'succeeded',
      eventType: 'succeeded',
      occurredAt: '2026-01-01T00:00:05.250Z',
      body: Buffer.from(body),
      payloadSpan: { start: 0, end: Buffer.byteLength(body) },
      contentHash: sha256('replicate\nid\nmsg_one'),
      ordering: 'arrival-sequence',
      identity: 'event-id',
      rank: 3,
    });
  });
  it('gives a retry of one message (same webhook-id, new attempt time) the same identity, and another message another', () => {
    const first = replicateEvent(body, 'msg_one', sentAt);
    expect(replicateEvent(body, 'msg_one', sentAt + 60).contentHash).toBe(first.contentHash);
    expect(replicateEvent(body, 'msg_two', sentAt).contentHash).not.toBe(first.contentHash);
  });
  it('leaves the event time out while the body has it null (the receive time orders it)', () => {
    const event = replicateEvent('{"id": "pred-1", "status": "processing", "completed_at": null}');
    expect(event).not.toHaveProperty('occurredAt');
    expect(event).toMatchObject({ status: 'in_progress', rank: 1 });
  });
  it('refuses an event time that is not ISO-8601, naming the field and its pointer', () => {
    expect(validationMessage(() => replicateEvent('{"id": "pred-1", "status": "failed", "completed_at": "yesterday"}'))).toBe(
      'occurredAt ("/completed_at"): not an ISO-8601 date-time',
    );
  });
  it('checks the attempt time against the time the delivery was received', () => {
    const headers = replicateHeaders(body);
    const at = (seconds: number) => verifyOutcome(() => replicate.verify(request(body, headers), secretsTrust(replicateSecret), new Date(seconds * 1000)));
    expect(at(sentAt + 300)).toBe('ok');
    expect(at(sentAt + 301)).toBe('timestamp_too_old');
    expect(at(sentAt - 301)).toBe('timestamp_too_new');
    // A fraction of a second past the tolerance is still within it: whole seconds, as the header carries them.
    expect(verifyOutcome(() => replicate.verify(request(body, headers), secretsTrust(replicateSecret), new Date((sentAt + 300) * 1000 + 999)))).toBe('ok');
  });
  it("uses the configured tolerance, not the scheme's default", () => {
    const strict = configuredModule('replicate', { ...replicateConfig, signature: { scheme: 'standard-webhooks', toleranceSeconds: 10 } });
    const headers = replicateHeaders(body);
    expect(verifyOutcome(() => strict.verify(request(body, headers), secretsTrust(replicateSecret), new Date((sentAt + 11) * 1000)))).toBe('timestamp_too_old');
  });
  it('verifies with any configured secret, skipping one that is not a Standard Webhooks secret', () => {
    const headers = replicateHeaders(body);
    const trust = secretsTrust('not*a*secret', replicateSecret);
    expect(verifyOutcome(() => replicate.verify(request(body, headers), trust, receivedAt))).toBe('ok');
    // The same list again (a cached source hands out the same array), and a list without the signer's secret.
    expect(verifyOutcome(() => replicate.verify(request(body, headers), trust, receivedAt))).toBe('ok');
    const other = secretsTrust(`whsec_${Buffer.alloc(32, 6).toString('base64')}`);
    expect(verifyOutcome(() => replicate.verify(request(body, headers), other, receivedAt))).toBe('invalid_signature');
    expect(verifyOutcome(() => replicate.verify(request(body, headers), secretsTrust('not*a*secret'), receivedAt))).toBe('invalid_signature');
  });
  it('keeps the Standard Webhooks headers of a refused delivery, to verify it again later', () => {
    expect(replicate.signatureHeaders).toEqual(standardWebhooksHeaderNames);
  });
  it('identifies an event by the configured eventId pointer rather than the webhook id, and by its body when the body has none', () => {
    const withEventId = configuredModule('replicate', { ...replicateConfig, eventId: '/event/id' });
    const trust = secretsTrust(replicateSecret);
    const normalise = (text: string, id: string) => verifyAndNormalise(withEventId, request(text, replicateHeaders(text, id)), trust, receivedAt);
    const text = '{"id": "pred-1", "status": "succeeded", "event": {"id": 77}}';
    expect(normalise(text, 'msg_one')).toMatchObject({ contentHash: sha256('replicate\nid\n77'), identity: 'event-id' });
    expect(normalise(text, 'msg_two').contentHash).toBe(sha256('replicate\nid\n77'));
    const without = '{"id": "pred-1", "status": "succeeded"}';
    expect(normalise(without, 'msg_one')).toMatchObject({ contentHash: sha256(without), identity: 'body' });
  });
});

describe('an HMAC header provider declared by configuration', () => {
  const body = '{"job": {"id": "j-1", "state": "done"}}';

  it('stores the job and status read at nested pointers, identified by the body (it has no event id), with no event time', () => {
    expect(acmeEvent(body)).toEqual({
      provider: 'acme',
      jobId: 'j-1',
      partitionId: 'j-1',
      status: 'succeeded',
      eventType: 'done',
      body: Buffer.from(body),
      payloadSpan: { start: 0, end: Buffer.byteLength(body) },
      contentHash: sha256(body),
      ordering: 'arrival-sequence',
      identity: 'body',
      rank: 3,
    });
  });
  it('keeps the byte-order mark out of the payload it stores', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]);
    const event = verifyAndNormalise(
      acme,
      { body: withBom, headers: { 'x-acme-signature': signHmacHeader(withBom, acmeSecret, { encoding: 'hex', prefix: 'sha256=' }) } },
      secretsTrust(acmeSecret),
    );
    expect(event).toMatchObject({ jobId: 'j-1', payloadSpan: { start: 3, end: withBom.length } });
  });
  it('maps statuses whatever their case and spaces, and an unlisted one to unknown with rank 0', () => {
    expect(acmeEvent('{"job": {"id": "j-1", "state": " Running "}}')).toMatchObject({ eventType: ' Running ', status: 'in_progress', rank: 1 });
    expect(acmeEvent('{"job": {"id": "j-1", "state": "paused"}}')).toMatchObject({ status: 'unknown', rank: 0 });
  });
  it('refuses a delivery signed with another secret, or with no signature header', () => {
    const trust = secretsTrust(acmeSecret);
    expect(verifyOutcome(() => acme.verify(request(body, acmeHeaders(body, 'other')), trust, receivedAt))).toBe('invalid_signature');
    expect(verifyOutcome(() => acme.verify(request(body, {}), trust, receivedAt))).toBe('missing_signature');
  });
  it('keeps its own signature header (lower case) of a refused delivery', () => {
    expect(acme.signatureHeaders).toEqual(['x-acme-signature']);
  });
  it.each([
    ['{"job": {"state": "done"}}', 'jobId ("/job/id"): Required'],
    ['{"job": {"id": "", "state": "done"}}', 'jobId: must not be empty'],
    ['{"job": {"id": true, "state": "done"}}', 'jobId ("/job/id"): expected a string or a number, found a boolean'],
    ['{"job": {"id": "j-1"}}', 'status ("/job/state"): Required'],
    ['{"job": {"id": "j-1", "state": ["done"]}}', 'status ("/job/state"): expected a string or a number, found an array'],
    ['[{"job": {"id": "j-1", "state": "done"}}]', 'body: expected a JSON object'],
    ['{"job": ', 'body: not valid JSON'],
  ])('refuses %s with a 400 saying %j', (text, message) => {
    expect(validationMessage(() => acmeEvent(text))).toBe(message);
  });
  it('refuses a body nested deeper than the parser reads with a 400 saying so', () => {
    const deep = `{"job": {"id": "j-1", "state": "done"}, "trace": ${'['.repeat(1001)}${']'.repeat(1001)}}`;
    expect(validationMessage(() => acmeEvent(deep))).toBe('body: nested too deeply to read the configured fields');
  });
  it('refuses a body that is not UTF-8 with a 400 saying so', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0x7d]);
    const signedBytes = { 'x-acme-signature': signHmacHeader(bytes, acmeSecret, { encoding: 'hex', prefix: 'sha256=' }) };
    expect(validationMessage(() => verifyAndNormalise(acme, { body: bytes, headers: signedBytes }, secretsTrust(acmeSecret)))).toBe('body: not valid UTF-8');
  });
  it('names the status, event time and event id fields when they are of a wrong type or cannot be stored', () => {
    expect(validationMessage(() => acmeEvent('{"job": {"id": "j-1", "state": "done\\u0007"}}'))).toBe('status: contains control characters');
    const withEventId = configuredModule('acme', { ...acmeConfig, eventId: '/delivery' });
    expect(validationMessage(() => acmeEvent('{"job": {"id": "j-1", "state": "done"}, "delivery": {"id": 1}}', withEventId))).toBe(
      'eventId ("/delivery"): expected a string or a number, found an object',
    );
    expect(validationMessage(() => replicateEvent('{"id": "pred-1", "status": "failed", "completed_at": false}'))).toBe(
      'occurredAt ("/completed_at"): expected a string or a number, found a boolean',
    );
  });
  it('reads an event id given as a number exactly as written', () => {
    const module = configuredModule('acme', { ...acmeConfig, eventId: '/delivery' });
    expect(acmeEvent('{"job": {"id": 12345678901234567890, "state": "done"}, "delivery": 1.50}', module)).toMatchObject({
      jobId: '12345678901234567890',
      contentHash: sha256('acme\nid\n1.50'),
      identity: 'event-id',
    });
  });
});

describe('a configured provider in the words people read', () => {
  const item = (provider: string, jobId: string, eventType: string, status: EventItem['status']) =>
    ({ provider, jobId, partitionId: jobId, eventType, status }) as EventItem;

  it('is named by its label (or its name), routed and trusted by shared secrets, with the statuses it declared', () => {
    expect(replicate).toMatchObject({ name: 'replicate', label: 'Replicate', trust: { kind: 'secrets' } });
    expect(acme).toMatchObject({ name: 'acme', label: 'acme' });
    expect(replicate.knownEventTypes).toEqual(['starting', 'processing', 'succeeded', 'failed', 'canceled']);
    expect(replicate.statusOf(' Canceled ')).toBe('failed');
    expect(replicate.rankOf('processing')).toBe(1);
  });
  it('has no stall deadlines of its own (stallDeadlines may name its statuses)', () => {
    expect(replicate.defaultStallDeadlines).toEqual({});
  });
  it('is named on the CLIs by its job id', () => {
    expect(replicate.naming.usage).toBe('replicate <jobId>');
    expect(replicate.naming.fromArgs(['pred-1'])).toEqual({ partitionId: 'pred-1', jobId: 'pred-1' });
  });
  it('words a terminal event from the normalised status, with the provider label', () => {
    expect(replicate.describe(item('replicate', 'pred-1', 'canceled', 'failed'))).toEqual({
      headline: ['Replicate job ', { value: 'pred-1' }, ' failed'],
      explanation: 'Replicate sent a status this receiver maps to "failed".',
    });
  });
});
