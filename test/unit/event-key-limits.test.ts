/**
 * The limits of the pure event-store builders (lambda/core/event-items.ts, lambda/core/state-transition.ts): what they
 * refuse, with which words, and the bounds the order keys keep so they still sort as strings.
 */
import { buildEventItem, normaliseTimestamp, padSeq, placeBySequence, stateTransitionFor, timestampOrderKey } from '../../lambda/core/event-items';
import { ValidationError } from '../../lambda/core/errors';
import type { StateItem } from '../../lambda/core/items';
import { applyTransition, preconditionHolds, type StateTransition } from '../../lambda/core/state-transition';
import { panjayaEvent } from '../helpers/events';

const receivedAt = '2025-04-09T16:00:00.000Z';

describe('arrival sequences', () => {
  it.each([0, -3, 1.5, Number.MAX_SAFE_INTEGER + 1])('refuse %p, naming it', (seq) => {
    expect(() => padSeq(seq)).toThrow(new RangeError(`sequence must be a positive integer, got ${seq}`));
  });
});

describe('provider timestamps', () => {
  it('are refused with the first 40 characters of what was sent (a 400 the provider reads)', () => {
    const sent = `not-a-time-${'x'.repeat(29)}SECRET-TAIL-NOT-ECHOED`;
    let refused: unknown;
    try {
      normaliseTimestamp(sent);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).message).toBe(`timestamp is not a valid ISO-8601 time: ${sent.slice(0, 40)}`);
  });
});

describe('Contentor order keys', () => {
  it('keep the rank at two digits however large, so a huge rank cannot sort past a later time', () => {
    expect(timestampOrderKey('2025-04-09T15:30:45.000Z', 99, 'e')).toBe('2025-04-09T15:30:45.000Z#99#e');
    expect(timestampOrderKey('2025-04-09T15:30:45.000Z', 100, 'e')).toBe('2025-04-09T15:30:45.000Z#99#e');
    expect(timestampOrderKey('2025-04-09T15:30:45.000Z', 12_345.7, 'e')).toBe('2025-04-09T15:30:45.000Z#99#e');
    expect(timestampOrderKey('2025-04-09T15:30:45.000Z', -4, 'e')).toBe('2025-04-09T15:30:45.000Z#00#e');
  });
});

describe('arrival-ordered state writes', () => {
  it('refuse to be decided without the slot values (they would lose the retry-window bookkeeping)', () => {
    const event = panjayaEvent({ assetId: 'a1', versionId: 'v1', event: 'version_generated' });
    const item = buildEventItem(event, placeBySequence(event, receivedAt, 1), receivedAt, 30);
    expect(() => stateTransitionFor(item, 'arrival-sequence', undefined, { moveHead: true })).toThrow(
      new Error('an arrival-ordered state write needs its slot values'),
    );
  });
});

describe('a compare-and-set on a state that is gone', () => {
  const transition: StateTransition = {
    key: { pk: 'JOB#panjaya#a1', sk: 'STATE#a1/v1' },
    set: { status: 'failed' },
    requires: { kind: 'unchanged', fields: { seq: 1, status: 'in_progress' } },
  };

  it('does not hold and changes nothing (it must not recreate the state from the key alone)', () => {
    expect(preconditionHolds(transition.requires, undefined)).toBe(false);
    expect(applyTransition(undefined, transition)).toBeUndefined();
  });

  it('holds on the state as read, and only on it', () => {
    const read = { pk: transition.key.pk, sk: transition.key.sk, seq: 1, status: 'in_progress' } as unknown as StateItem;
    expect(preconditionHolds(transition.requires, read)).toBe(true);
    expect(preconditionHolds(transition.requires, { ...read, seq: 2 })).toBe(false);
  });
});
