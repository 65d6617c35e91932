import type { EventItem } from '../../../lambda/core/items';
import { countPerHour, hourStarts } from '../../../tools/console/periods';
import { timelineOf } from '../../../tools/console/timeline';

function event(id: string, orderKey: string, receivedAt: string, extra: Partial<EventItem> = {}): EventItem {
  return {
    pk: 'JOB#contentor#j',
    sk: `EVENT#j#${orderKey}`,
    itemType: 'event',
    provider: 'contentor',
    jobId: 'j',
    partitionId: 'j',
    eventId: id,
    status: 'in_progress',
    eventType: 'processing',
    occurredAt: receivedAt,
    receivedAt,
    orderKey,
    contentHash: `hash-${id}`,
    ...extra,
  };
}

describe('console timeline', () => {
  it('marks an event that arrived after a newer one (provider time order) as late', () => {
    const history = [
      event('a', '2026-01-01T08:00:00.000Z#01#a', '2026-01-01T08:00:01.000Z'),
      event('late', '2026-01-01T08:01:00.000Z#01#late', '2026-01-01T08:10:00.000Z'),
      event('b', '2026-01-01T08:05:00.000Z#03#b', '2026-01-01T08:05:01.000Z', { status: 'failed' }),
    ];
    expect(timelineOf(history, 'b').map((e) => [e.event.eventId, e.late, e.head])).toEqual([
      ['a', false, false],
      ['late', true, false],
      ['b', false, true],
    ]);
  });

  it('in arrival order, marks only an event whose receive time is older than an earlier slot (a replay)', () => {
    const history = [
      event('s1', '0000000001', '2026-01-01T10:00:00.000Z'),
      event('s2', '0000000002', '2026-01-01T10:05:00.000Z'),
      event('replayed', '0000000003', '2026-01-01T09:00:00.000Z'),
    ];
    expect(timelineOf(history, 's2').map((e) => e.late)).toEqual([false, false, true]);
  });

  it('names the earlier event a stored body repeats (a new cycle), and the watchdog stall', () => {
    const history = [
      event('gen1', '0000000001', '2026-01-01T10:00:00.000Z', { contentHash: 'same' }),
      event('other', '0000000002', '2026-01-01T10:20:00.000Z'),
      event('gen2', '0000000003', '2026-01-01T11:00:00.000Z', { contentHash: 'same' }),
      event('stall', '0000000003#stall', '2026-01-01T14:00:00.000Z', { status: 'stalled', contentHash: 'same' }),
    ];
    const timeline = timelineOf(history, 'stall');
    expect(timeline.map((e) => e.repeats)).toEqual([undefined, undefined, 'gen1', undefined]);
    expect(timeline.map((e) => e.stall)).toEqual([false, false, false, true]);
    expect(timeline.some((e) => e.late)).toBe(false);
  });
});

describe('console periods', () => {
  it('covers the period with whole hours, and counts every time in it exactly once', () => {
    const now = new Date('2026-01-02T10:30:00.000Z');
    const since = new Date('2026-01-01T10:30:00.000Z');
    const hours = hourStarts(since, now);
    expect(hours[0]).toBe('2026-01-01T10:00:00.000Z');
    expect(hours[hours.length - 1]).toBe('2026-01-02T10:00:00.000Z');
    expect(hours).toHaveLength(25);
    const times = ['2026-01-01T10:30:00.000Z', '2026-01-01T10:59:59.999Z', '2026-01-01T11:00:00.000Z', '2026-01-02T10:29:00.000Z', '2025-12-31T00:00:00.000Z'];
    const counts = countPerHour(hours, times);
    expect(counts[0]).toBe(2);
    expect(counts[1]).toBe(1);
    expect(counts[24]).toBe(1);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
  });
});
