/**
 * A provider declared by configuration alone (config-schema.ts) as a ProviderModule like the built-ins: its
 * signature scheme, JSON Pointers into the body for the job id, status, event time and event id, and its status map.
 *
 * Duplicates and ordering: each event is identified by its event id (the `eventId` pointer, else Standard Webhooks'
 * `webhook-id`, which every retry of one message repeats) or, without one, by its body. It takes an arrival slot
 * like a Panjaya callback (core/write-plan.ts), so a retry is a duplicate however late it comes, while the state
 * orders by `occurredAt` where the body has it and by receive time otherwise — the webhook timestamp is the
 * attempt's time, not the event's.
 */
import { hash } from 'node:crypto';
import { ValidationError } from '../../errors';
import { JsonTooDeepError, parseJson, type JsonNode } from '../../json/parse';
import type { NormalisedEvent } from '../../model';
import { bodyText, wholeBodySpan } from '../body';
import { checkEventType, checkId } from '../ids';
import { describeFrom, singleIdNaming, type ProviderModule, type RawRequest, type Trust } from '../provider';
import { normaliseIsoTimestamp } from '../timestamps';
import type { ConfiguredProvider } from './config-schema';
import { verifyHmacHeader } from './hmac-header';
import { compilePointer, fieldText } from './json-pointer';
import { configuredStatusMap } from './status-map';
import { decodeStandardWebhooksSecret, standardWebhooksHeaderNames, verifyStandardWebhook } from './standard-webhooks';

/** What verification hands to normalise: the parsed tree that was checked, and the message id the scheme carried. */
interface Verified {
  readonly root: JsonNode;
  readonly webhookId?: string;
}

function parseBodyTree(body: Buffer): JsonNode {
  const text = bodyText(body);
  try {
    return parseJson(text);
  } catch (error) {
    if (error instanceof JsonTooDeepError) throw new ValidationError('body: nested too deeply to read the configured fields');
    throw new ValidationError('body: not valid JSON');
  }
}

/** Standard Webhooks keys are decoded once per secret list (a source hands out the same list while cached). */
function keyCache(): (secrets: readonly string[]) => Uint8Array[] {
  const decoded = new WeakMap<readonly string[], Uint8Array[]>();
  return (list) => {
    let keys = decoded.get(list);
    if (keys === undefined) {
      keys = [];
      for (const entry of list) {
        try {
          keys.push(decodeStandardWebhooksSecret(entry));
        } catch {
          // A bad secret is refused by the configuration checks; here it simply verifies nothing.
        }
      }
      decoded.set(list, keys);
    }
    return keys;
  };
}

/** The ProviderModule for configured provider `name`. */
export function configuredModule(name: string, config: ConfiguredProvider): ProviderModule<Verified> {
  const statuses = configuredStatusMap(config.statuses);
  const pointers = {
    jobId: compilePointer(config.jobId),
    status: compilePointer(config.status),
    occurredAt: config.occurredAt === undefined ? undefined : compilePointer(config.occurredAt),
    eventId: config.eventId === undefined ? undefined : compilePointer(config.eventId),
  };
  const signature = config.signature;
  const keysOf = keyCache();
  const naming = singleIdNaming(name, 'jobId');

  // No default case: a scheme added to config-schema.ts without a verifier here fails the type check.
  function verify(request: RawRequest, trust: Trust, receivedAt: Date): Verified {
    switch (signature.scheme) {
      case 'standard-webhooks': {
        const { webhookId } = verifyStandardWebhook(request, keysOf(trust.secrets), {
          toleranceSeconds: signature.toleranceSeconds,
          nowSeconds: Math.floor(receivedAt.getTime() / 1000),
        });
        return { root: parseBodyTree(request.body), webhookId };
      }
      case 'hmac-sha256':
        verifyHmacHeader(request, trust.secrets, signature);
        return { root: parseBodyTree(request.body) };
    }
  }

  function normalise(request: RawRequest, { root, webhookId }: Verified): NormalisedEvent {
    if (root.kind !== 'object') throw new ValidationError('body: expected a JSON object');
    const jobId = checkId('jobId', fieldText(root, pointers.jobId, 'jobId', true));
    const eventType = checkEventType('status', fieldText(root, pointers.status, 'status', true));
    const occurredText = pointers.occurredAt ? fieldText(root, pointers.occurredAt, 'occurredAt', false) : undefined;
    const occurredAt = occurredText === undefined ? undefined : normaliseIsoTimestamp(occurredText);
    if (occurredText !== undefined && occurredAt === undefined)
      throw new ValidationError(`occurredAt (${JSON.stringify(config.occurredAt)}): not an ISO-8601 date-time`);
    const eventId = pointers.eventId ? fieldText(root, pointers.eventId, 'eventId', false) : webhookId;
    return {
      provider: name,
      jobId,
      partitionId: jobId,
      status: statuses.statusFor(eventType),
      eventType,
      ...(occurredAt === undefined ? {} : { occurredAt }),
      body: request.body,
      payloadSpan: wholeBodySpan(request.body),
      // Configured providers' messages are not known to us: no excerpt guessed from field names.
      contentHash: eventId === undefined ? hash('sha256', request.body, 'hex') : hash('sha256', `${name}\nid\n${eventId}`, 'hex'),
      ordering: 'arrival-sequence',
      identity: eventId === undefined ? 'body' : 'event-id',
      rank: statuses.rankFor(eventType),
    };
  }

  return {
    name,
    label: config.label,
    trust: { kind: 'secrets' },
    signatureHeaders: signature.scheme === 'standard-webhooks' ? standardWebhooksHeaderNames : [signature.header.toLowerCase()],
    verify,
    normalise,
    statusOf: statuses.statusFor,
    rankOf: statuses.rankFor,
    knownEventTypes: Object.keys(config.statuses),
    // No defaults: how long a job may take is the provider's business; stallDeadlines can name its statuses.
    defaultStallDeadlines: {},
    naming,
    // No words of ours for a configured provider's statuses: headline and sentence from the normalised status.
    describe: describeFrom(config.label, naming, {}),
  };
}
