import {
  buildEventItem,
  timestampEventId,
  expiresAtFor,
  normaliseTimestamp,
  padSeq,
  arrivalEventId,
  placeBySequence,
  placeByTimestamp,
  stateUpdateFor,
  timestampOrderKey,
} from '../../lambda/core/event-items';
import { ValidationError } from '../../lambda/core/errors';
import { EventItemSchema } from '../../lambda/core/items';
import type { NormalisedStatus } from '../../lambda/core/model';
import { PENDING_PARTITION } from '../../lambda/contracts';
import { contentorEvent, panjayaEvent } from '../helpers/events';

const receivedAt = '2025-04-09T16:00:00.000Z';

describe('event ids', () => {
  it('are 32 hex characters and deterministic per Contentor content', () => {
    expect(timestampEventId('contentor', 'abc')).toMatch(/^[0-9a-f]{32}$/);
    expect(timestampEventId('contentor', 'abc')).toBe(timestampEventId('contentor', 'abc'));
    expect(timestampEventId('contentor', 'abd')).not.toBe(timestampEventId('contentor', 'abc'));
  });

  it('differ for the same Panjaya body at another sequence or job', () => {
    const id = arrivalEventId('panjaya', 'a1/v1', 1, 'h');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(arrivalEventId('panjaya', 'a1/v1', 2, 'h')).not.toBe(id);
    expect(arrivalEventId('panjaya', 'a1/v2', 1, 'h')).not.toBe(id);
    expect(arrivalEventId('panjaya', 'a1/v1', 1, 'h')).toBe(id);
  });
});

describe('order keys', () => {
  it('normalise provider timestamps to UTC with milliseconds', () => {
    expect(normaliseTimestamp('2025-04-09T15:30:45Z')).toBe('2025-04-09T15:30:45.000Z');
    expect(normaliseTimestamp('2025-04-09T17:30:45.5+02:00')).toBe('2025-04-09T15:30:45.500Z');
  });

  it('read a timestamp without a zone as UTC, not host time', () => {
    expect(normaliseTimestamp('2025-04-09T15:30:45')).toBe('2025-04-09T15:30:45.000Z');
  });

  it('reject a timestamp that is not a time', () => {
    expect(() => normaliseTimestamp('yesterday')).toThrow(ValidationError);
    expect(() => normaliseTimestamp('+010000-01-01T00:00:00Z')).toThrow(ValidationError);
  });

  it('sort Contentor events by time, then rank, as plain strings', () => {
    const early = timestampOrderKey('2025-04-09T15:30:45.000Z', 4, 'ffff');
    const laterLowRank = timestampOrderKey('2025-04-09T15:30:45.001Z', 1, '0000');
    const sameTimeHigherRank = timestampOrderKey('2025-04-09T15:30:45.000Z', 10, '0000');
    expect([laterLowRank, sameTimeHigherRank, early].sort()).toEqual([early, sameTimeHigherRank, laterLowRank]);
  });

  it('zero-pad Panjaya sequences so they sort as strings', () => {
    expect(padSeq(7)).toBe('0000000007');
    expect(padSeq(10) > padSeq(9)).toBe(true);
    expect(padSeq(12345)).toBe('0000012345');
    expect(() => padSeq(0)).toThrow(RangeError);
  });
});

describe('buildEventItem', () => {
  it('builds a valid non-terminal item with TTL and no pending-index keys', () => {
    const event = contentorEvent({ status: 'processing' });
    const item = buildEventItem(event, placeByTimestamp(event, receivedAt), receivedAt, 30);
    expect(EventItemSchema.parse(item)).toEqual(item);
    expect(item.sk).toBe(`EVENT#${event.jobId}#2025-04-09T15:30:45.000Z#02#${item.eventId}`);
    expect(item.expiresAt).toBe(Date.parse(receivedAt) / 1000 + 30 * 86400);
    expect(item).not.toHaveProperty('notifyTopic');
    expect(item).not.toHaveProperty('gsi2pk');
    expect(Object.values(item)).not.toContain(undefined);
  });

  it('marks a terminal event pending for its topic', () => {
    const event = contentorEvent({ status: 'failed' });
    const item = buildEventItem(event, placeByTimestamp(event, receivedAt), receivedAt, 30);
    expect(item.notifyTopic).toBe('failed');
    expect(item.gsi2pk).toBe(PENDING_PARTITION);
    expect(item.gsi2sk).toBe(`${receivedAt}#${item.eventId}`);
  });

  it('uses the receive time when the event has no provider time', () => {
    const event = panjayaEvent({ assetId: 'a1', versionId: 'v1', event: 'version_generated' });
    const item = buildEventItem(event, placeBySequence(event, receivedAt, 3), receivedAt, 7);
    expect(item.occurredAt).toBe(receivedAt);
    expect(item.orderKey).toBe('0000000003');
    expect(item.eventId).toBe(arrivalEventId('panjaya', 'a1/v1', 3, event.contentHash));
    expect(item.notifyTopic).toBe('succeeded');
  });

  it('computes TTL from fractional retention days', () => {
    expect(expiresAtFor('1970-01-01T00:00:00.000Z', 0.5)).toBe(43200);
  });
});

describe('stateUpdateFor', () => {
  const completed = contentorEvent({ status: 'completed' });
  const completedItem = buildEventItem(completed, placeByTimestamp(completed, receivedAt), receivedAt, 30);
  /** The state as read before the write: another event of the job, in `status`. */
  const read = (status: NormalisedStatus, orderKey = '2025-04-09T15:00:00.000Z#01#x', seq = 1) => ({ status, orderKey, seq });

  it('creates a new job state only if none exists, keyed in the status index on when it entered its status', () => {
    const update = stateUpdateFor(completedItem, 'provider-timestamp', undefined, { moveHead: true });
    expect(update.Key).toEqual({ pk: completedItem.pk, sk: `STATE#${completed.jobId}` });
    expect(update.ConditionExpression).toBe('attribute_not_exists(#pk)');
    expect(update.UpdateExpression).toContain('#seq = if_not_exists(#seq, :zero) + :one');
    expect(update.ExpressionAttributeValues).toMatchObject({
      ':orderKey': completedItem.orderKey,
      ':status': 'succeeded',
      ':updatedAt': receivedAt,
      ':statusSince': receivedAt,
      ':lastContentHash': completed.contentHash,
      ':gsi1pk': 'STATUS#succeeded',
      ':gsi1sk': `${receivedAt}#contentor#${completed.jobId}`,
      ':itemType': 'state',
    });
  });

  it('moves an existing state only while it is still the one read (compare-and-set on order key and status)', () => {
    const update = stateUpdateFor(completedItem, 'provider-timestamp', read('in_progress'), { moveHead: true });
    expect(update.ConditionExpression).toBe('#orderKey = :readOrderKey AND #status = :readStatus');
    expect(update.ExpressionAttributeValues).toMatchObject({ ':readOrderKey': read('in_progress').orderKey, ':readStatus': 'in_progress' });
  });

  it('moves statusSince and the status index keys when the status changes', () => {
    const update = stateUpdateFor(completedItem, 'provider-timestamp', read('in_progress'), { moveHead: true });
    expect(update.UpdateExpression).toMatch(/#statusSince = :statusSince, #gsi1pk = :gsi1pk, #gsi1sk = :gsi1sk/);
    expect(update.ExpressionAttributeValues).toMatchObject({ ':statusSince': receivedAt, ':gsi1pk': 'STATUS#succeeded' });
  });

  it('leaves statusSince and the status index keys alone when the status stays (no index write)', () => {
    const processing = contentorEvent({ status: 'processing' });
    const item = buildEventItem(processing, placeByTimestamp(processing, receivedAt), receivedAt, 30);
    const update = stateUpdateFor(item, 'provider-timestamp', read('in_progress'), { moveHead: true });
    expect(update.UpdateExpression).not.toMatch(/statusSince|gsi1/);
    expect(Object.keys(update.ExpressionAttributeValues).filter((name) => /statusSince|gsi1/.test(name))).toEqual([]);
    expect(update.ExpressionAttributeValues).toMatchObject({ ':updatedAt': receivedAt, ':eventType': 'processing' });
  });

  it('sets a Panjaya state to the sequence taken from the item', () => {
    const event = panjayaEvent({ assetId: 'a1', event: 'asset_failed' });
    const item = buildEventItem(event, placeBySequence(event, receivedAt, 5), receivedAt, 30);
    const update = stateUpdateFor(item, 'arrival-sequence', read('in_progress', padSeq(4), 4), {
      moveHead: true,
      slot: { seq: 5, lastContentHash: 'h', recent: 'x' },
    });
    expect(update.ExpressionAttributeValues[':seq']).toBe(5);
    expect(update.UpdateExpression).toContain('#seq = :seq');
    expect(update.ConditionExpression).toBe('#seq = :readSeq AND #status = :readStatus');
  });

  it.each([
    ['a new job', undefined],
    ['a status change', read('in_progress')],
    ['the same status', read('succeeded')],
  ])('names every value and attribute the expressions use (%s)', (_name, current) => {
    for (const [ordering, moveHead] of [
      ['provider-timestamp', true],
      ['arrival-sequence', true],
      ['arrival-sequence', current === undefined],
    ] as const) {
      const event = ordering === 'arrival-sequence' ? panjayaEvent({ assetId: 'a1', event: 'version_generated', versionId: 'v' }) : completed;
      const placement = ordering === 'arrival-sequence' ? placeBySequence(event, receivedAt, 2) : placeByTimestamp(event, receivedAt);
      const slot = ordering === 'arrival-sequence' ? { slot: { seq: 2, lastContentHash: 'h', recent: 'r' } } : {};
      const update = stateUpdateFor(buildEventItem(event, placement, receivedAt, 1), ordering, current, { moveHead, ...slot });
      const expressions = `${update.UpdateExpression} ${update.ConditionExpression}`;
      const undefinedTokens = (expressions.match(/[#:][A-Za-z0-9]+/g) ?? []).filter((token) =>
        token.startsWith('#') ? update.ExpressionAttributeNames[token] === undefined : update.ExpressionAttributeValues[token] === undefined,
      );
      expect(undefinedTokens).toEqual([]);
      // DynamoDB rejects unused names/values, so every one must appear.
      for (const token of [...Object.keys(update.ExpressionAttributeNames), ...Object.keys(update.ExpressionAttributeValues)]) {
        expect(expressions).toMatch(new RegExp(`${token}\\b`));
      }
    }
  });
});
