import { itemTypes } from '../../lambda/contracts';
import { matchesStreamFilter } from '../../lambda/core/stream-filter';

const record = (newImage: Record<string, unknown>, eventName = 'INSERT') => ({ eventName, dynamodb: { NewImage: newImage } });

describe('fan-out stream filter', () => {
  it('matches a new event item that must notify', () => {
    expect(matchesStreamFilter(record({ itemType: { S: 'event' }, notifyTopic: { S: 'failed' } }))).toBe(true);
  });
  it('ignores events without a topic, state items and modifications', () => {
    expect(matchesStreamFilter(record({ itemType: { S: 'event' } }))).toBe(false);
    expect(matchesStreamFilter(record({ itemType: { S: 'state' }, notifyTopic: { S: 'failed' } }))).toBe(false);
    expect(matchesStreamFilter(record({ itemType: { S: 'event' }, notifyTopic: { S: 'failed' } }, 'MODIFY'))).toBe(false);
  });
  it('ignores quarantined deliveries and their hourly counters (they never invoke the fan-out)', () => {
    expect(matchesStreamFilter(record({ itemType: { S: itemTypes.quarantine }, provider: { S: 'contentor' } }))).toBe(false);
    expect(matchesStreamFilter(record({ count: { N: '1' } }))).toBe(false);
  });
});
