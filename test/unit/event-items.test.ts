import {
  buildEventItem,
  timestampEventId,
  expiresAtFor,
  normaliseTimestamp,
  padSeq,
  arrivalEventId,
  placeBySequence,
  placeByTimestamp,
  stateTransitionFor,
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

describe('stateTransitionFor', () => {
  const completed = contentorEvent({ status: 'completed' });
  const completedItem = buildEventItem(completed, placeByTimestamp(completed, receivedAt), receivedAt, 30);
  /** The state as read before the write: another event of the job, in `status`. */
  const read = (status: NormalisedStatus, orderKey = '2025-04-09T15:00:00.000Z#01#x', seq = 1) => ({ status, orderKey, seq });

  it('creates a new job state only if none exists, keyed in the status index on when it entered its status', () => {
    const transition = stateTransitionFor(completedItem, 'provider-timestamp', undefined, { moveHead: true });
    expect(transition.key).toEqual({ pk: completedItem.pk, sk: `STATE#${completed.jobId}` });
    expect(transition.requires).toEqual({ kind: 'absent' });
    expect(transition.increments).toEqual(['seq']);
    expect(transition.set).toMatchObject({
      orderKey: completedItem.orderKey,
      status: 'succeeded',
      updatedAt: receivedAt,
      lastContentHash: completed.contentHash,
      itemType: 'state',
    });
    expect(transition.index).toEqual({ statusSince: receivedAt, gsi1pk: 'STATUS#succeeded', gsi1sk: `${receivedAt}#contentor#${completed.jobId}` });
  });

  it('moves an existing state only while it is still the one read (compare-and-set on order key and status)', () => {
    const transition = stateTransitionFor(completedItem, 'provider-timestamp', read('in_progress'), { moveHead: true });
    expect(transition.requires).toEqual({ kind: 'unchanged', fields: { orderKey: read('in_progress').orderKey, status: 'in_progress' } });
  });

  it('moves statusSince and the status index keys when the status changes', () => {
    const transition = stateTransitionFor(completedItem, 'provider-timestamp', read('in_progress'), { moveHead: true });
    expect(transition.index).toMatchObject({ statusSince: receivedAt, gsi1pk: 'STATUS#succeeded' });
  });

  it('leaves statusSince and the status index keys alone when the status stays (no index write)', () => {
    const processing = contentorEvent({ status: 'processing' });
    const item = buildEventItem(processing, placeByTimestamp(processing, receivedAt), receivedAt, 30);
    const transition = stateTransitionFor(item, 'provider-timestamp', read('in_progress'), { moveHead: true });
    expect(transition.index).toBeUndefined();
    expect(Object.keys(transition.set).filter((name) => /statusSince|gsi1/.test(name))).toEqual([]);
    expect(transition.set).toMatchObject({ updatedAt: receivedAt, eventType: 'processing' });
  });

  /** A Panjaya event taking slot 5 over a state read at slot 4 in `status`. */
  const slotFive = (eventName: string, status: NormalisedStatus, moveHead: boolean) => {
    const event = panjayaEvent({ assetId: 'a1', event: eventName, versionId: 'v' });
    const item = buildEventItem(event, placeBySequence(event, receivedAt, 5), receivedAt, 30);
    return stateTransitionFor(item, 'arrival-sequence', read(status, padSeq(4), 4), { moveHead, slot: { seq: 5, lastContentHash: 'h', recent: 'x' } });
  };

  it('sets a Panjaya state to the sequence taken from the item', () => {
    const transition = slotFive('version_failed', 'in_progress', true);
    expect(transition.set).toMatchObject({ seq: 5, lastContentHash: 'h', recent: 'x' });
    expect(transition.increments).toBeUndefined();
    expect(transition.requires).toEqual({ kind: 'unchanged', fields: { seq: 4, status: 'in_progress' } });
  });

  it('only records the slot when the head does not move', () => {
    const transition = slotFive('version_generating', 'succeeded', false);
    expect(transition.set).toEqual({ seq: 5, lastContentHash: 'h', recent: 'x' });
    expect(transition.index).toBeUndefined();
  });
});
