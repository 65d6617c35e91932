/**
 * The local stream poller (local/stream-poller.ts) asks `matchesStreamFilter` about every record it reads, whatever
 * its shape: a record with no usable new image must simply not reach the fan-out, as Lambda's filter would drop it.
 */
import { matchesPattern, matchesStreamFilter } from '../../lambda/core/stream-filter';

describe('records without a usable new image', () => {
  it('do not match, and never throw', () => {
    expect(matchesStreamFilter(null)).toBe(false);
    expect(matchesStreamFilter({ eventName: 'INSERT', dynamodb: null })).toBe(false);
    expect(matchesStreamFilter({ eventName: 'INSERT', dynamodb: { NewImage: null } })).toBe(false);
    expect(matchesStreamFilter({ eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'job' } } } })).toBe(false);
    expect(matchesStreamFilter({ eventName: 'INSERT', dynamodb: { NewImage: { itemType: null, notifyTopic: { S: 'failed' } } } })).toBe(false);
  });

  it('match only strings listed in the pattern, not other values that look alike', () => {
    expect(matchesPattern({ eventName: ['INSERT'] }, { eventName: 'INSERT' })).toBe(true);
    expect(matchesPattern({ eventName: ['INSERT'] }, { eventName: ['INSERT'] })).toBe(false);
    expect(matchesPattern({ eventName: ['1'] }, { eventName: 1 })).toBe(false);
  });
});
