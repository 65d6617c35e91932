/**
 * The arrival-order rules of lambda/core/write-plan.ts, one boundary at a time: which event moves a job's head (by
 * event id: provider time when both sides have it, else receive time, a later stage winning a tie; by body: the
 * retry window around the head), and the recent-copies list a duplicate is found in. test/unit/write-plan.test.ts
 * runs the same rules through planWrite.
 */
import { copyWithinWindow, movesArrivalHead, withRecent } from '../../lambda/core/write-plan';

const head = { receivedAt: '2026-01-01T10:00:00.000Z', occurredAt: '2026-01-01T09:00:00.000Z', headRank: 2, headTimed: 1 as const };
const at = (seconds: number) => new Date(Date.parse(head.receivedAt) + seconds * 1000).toISOString();

describe('by event id, both sides carrying the provider time', () => {
  const item = (occurredAt: string, rank: number) => ({ receivedAt: at(-60), occurredAt, rank, providerTime: 1 as const });
  it('moves for a later provider time even when received earlier, never for an earlier one', () => {
    expect(movesArrivalHead(item('2026-01-01T09:00:01.000Z', 1), head, 600, 'event-id')).toBe(true);
    expect(movesArrivalHead({ ...item('2026-01-01T08:59:59.000Z', 3), receivedAt: at(60) }, head, 600, 'event-id')).toBe(false);
  });
  it('breaks a tie in provider time by stage: the same or a later stage moves, an earlier one does not', () => {
    expect(movesArrivalHead(item(head.occurredAt, 2), head, 600, 'event-id')).toBe(true);
    expect(movesArrivalHead(item(head.occurredAt, 3), head, 600, 'event-id')).toBe(true);
    expect(movesArrivalHead(item(head.occurredAt, 1), head, 600, 'event-id')).toBe(false);
  });
});

describe('by event id, without the provider time on both sides', () => {
  const untimed = { ...head, headTimed: undefined };
  const item = (receivedAt: string, rank: number, providerTime?: 1) => ({
    receivedAt,
    occurredAt: '2026-01-01T11:00:00.000Z',
    rank,
    ...(providerTime ? { providerTime } : {}),
  });
  it('moves for a later receive time, never for an earlier one, whatever the provider time says', () => {
    expect(movesArrivalHead(item(at(1), 1), untimed, 600, 'event-id')).toBe(true);
    expect(movesArrivalHead(item(at(-1), 3), untimed, 600, 'event-id')).toBe(false);
  });
  it('breaks a tie in receive time by stage', () => {
    expect(movesArrivalHead(item(at(0), 2), untimed, 600, 'event-id')).toBe(true);
    expect(movesArrivalHead(item(at(0), 1), untimed, 600, 'event-id')).toBe(false);
  });
  it('never lets an earlier stage overtake a later one across the two kinds (one side timed)', () => {
    expect(movesArrivalHead(item(at(60), 1, 1), untimed, 600, 'event-id')).toBe(false);
    expect(movesArrivalHead(item(at(60), 2, 1), untimed, 600, 'event-id')).toBe(true);
    expect(movesArrivalHead(item(at(60), 1), head, 600, 'event-id')).toBe(false);
  });
});

describe('by body, within the retry window of the head', () => {
  const item = (seconds: number, rank: number) => ({ receivedAt: at(seconds), occurredAt: at(seconds), rank });
  it('lets a later stage received moments before the head overtake it, nothing else received before it', () => {
    expect(movesArrivalHead(item(-5, 3), head, 600)).toBe(true);
    expect(movesArrivalHead(item(-5, 2), head, 600)).toBe(false);
    expect(movesArrivalHead(item(-601, 3), head, 600)).toBe(false);
    expect(movesArrivalHead(item(-5, 3), head, 0)).toBe(false);
  });
  it('keeps an earlier stage received after the head from moving it inside the window, not outside it', () => {
    expect(movesArrivalHead(item(5, 1), head, 600)).toBe(false);
    expect(movesArrivalHead(item(5, 2), head, 600)).toBe(true);
    expect(movesArrivalHead(item(600, 1), head, 600)).toBe(false);
    expect(movesArrivalHead(item(601, 1), head, 600)).toBe(true);
    expect(movesArrivalHead(item(5, 1), head, 0)).toBe(true);
    // Without a window even a copy received in the same second is just later: it moves the head.
    expect(movesArrivalHead(item(0, 1), head, 0)).toBe(true);
  });
});

describe('recent copies', () => {
  it('keeps copies up to exactly the window old, drops older ones and the same body, and adds the new one last', () => {
    const copies = [
      { hash: 'old', seq: 1, at: 1000 },
      { hash: 'edge', seq: 2, at: 1400 },
      { hash: 'same', seq: 3, at: 1500 },
      { hash: 'new', seq: 4, at: 1550 },
    ];
    expect(withRecent(copies, { hash: 'same', seq: 5, at: 2000 }, 600).map((c) => c.hash)).toEqual(['edge', 'new', 'same']);
  });
  it('finds no copy when there is no window', () => {
    const state = { recent: 'abcdef0123456789:1:1767261600' };
    expect(copyWithinWindow(state, 'abcdef0123456789ffff', head.receivedAt, 0)).toBeUndefined();
    expect(copyWithinWindow(state, 'abcdef0123456789ffff', head.receivedAt, 600)).toMatchObject({ seq: 1 });
  });
});
