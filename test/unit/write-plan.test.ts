import fc from 'fast-check';
import type { StateItem } from '../../lambda/core/items';
import type { NormalisedEvent } from '../../lambda/core/model';
import { applyTransition, type StateTransition } from '../../lambda/core/state-transition';
import { InternalError } from '../../lambda/core/errors';
import { planSlotRecord, planWrite, RECENT_MAX, parseRecent, type WritePlanConfig } from '../../lambda/core/write-plan';
import { contentorEvent, panjayaEvent } from '../helpers/events';

const config: WritePlanConfig = { retentionDays: 30, retryWindowSeconds: 600 };
const t = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();

/**
 * Applies a plan's state transition to an in-memory state: deliveries here are sequential, so the state is always the
 * one read and the compare-and-set must hold (absent for a new job, else the read fields unchanged).
 */
function apply(transition: StateTransition, state: StateItem | undefined): StateItem {
  const { requires } = transition;
  if (requires.kind === 'absent') expect(state).toBeUndefined();
  else {
    expect(state).toBeDefined();
    if (requires.fields.seq !== undefined) expect(state?.seq).toBe(requires.fields.seq);
    if (requires.fields.orderKey !== undefined) expect(state?.orderKey).toBe(requires.fields.orderKey);
    expect(state?.status).toBe(requires.fields.status);
  }
  const next = applyTransition(state, transition);
  if (next === undefined) throw new Error('the precondition must hold for a sequential delivery');
  return next;
}

/** Stores one delivery against the state (sequentially), returning the outcome, the stored eventId and the new state. */
function deliver(event: NormalisedEvent, receivedAt: string, state: StateItem | undefined) {
  const plan = planWrite(event, receivedAt, state, config);
  if (plan.kind === 'duplicate') return { outcome: 'duplicate' as const, eventId: plan.eventId, state };
  return { outcome: 'accepted' as const, eventId: plan.event.eventId, item: plan.event, state: plan.state ? apply(plan.state, state) : state };
}

const version = (event: string, extra: Record<string, unknown> = {}) => panjayaEvent({ assetId: 'a', versionId: 'v', event, extra });

describe('planWrite: timestamp order (Contentor)', () => {
  it('is a duplicate, with nothing written, when the state already reflects the event', () => {
    const event = contentorEvent({ status: 'completed' });
    const first = deliver(event, t(0), undefined);
    expect(deliver(event, t(5), first.state)).toMatchObject({ outcome: 'duplicate', eventId: first.eventId });
  });

  it('stores a late event in the history without moving the state', () => {
    const done = contentorEvent({ uuid: 'u', status: 'completed', timestamp: '2026-01-01T00:10:00Z' });
    const late = contentorEvent({ uuid: 'u', status: 'processing', timestamp: '2026-01-01T00:05:00Z' });
    const state = deliver(done, t(0), undefined).state;
    const plan = planWrite(late, t(1), state, config);
    expect(plan).toMatchObject({ kind: 'write' });
    expect(plan.kind === 'write' && plan.state).toBe(undefined);
  });
});

describe('planWrite: arrival order (Panjaya)', () => {
  it('treats the body of the last slot as a retry however late it comes', () => {
    const generating = version('version_generating');
    const first = deliver(generating, t(0), undefined);
    expect(deliver(generating, t(86_400), first.state)).toMatchObject({ outcome: 'duplicate', eventId: first.eventId });
  });

  it('treats an identical body within the window as a retry even after the job moved on', () => {
    const generating = version('version_generating');
    const a = deliver(generating, t(0), undefined);
    const b = deliver(version('version_generated'), t(30), a.state);
    const again = deliver(generating, t(600), b.state);
    expect(again).toMatchObject({ outcome: 'duplicate', eventId: a.eventId });
    expect(b.state?.status).toBe('succeeded');
  });

  it('stores the same body past the window after another event as a new event (regeneration), and it notifies', () => {
    const generated = version('version_generated');
    const a = deliver(generated, t(0), undefined);
    const b = deliver(version('version_generating'), t(700), a.state);
    const c = deliver(generated, t(1400), b.state);
    expect(c.outcome).toBe('accepted');
    expect(c.eventId).not.toBe(a.eventId);
    expect(c.item?.notifyTopic).toBe('succeeded');
    expect(c.state).toMatchObject({ status: 'succeeded', seq: 3 });
  });

  it('does not roll a generated version back to generating when the earlier stage arrives within the window', () => {
    const a = deliver(version('version_generated'), t(0), undefined);
    const late = deliver(version('version_generating'), t(3), a.state);
    expect(late.outcome).toBe('accepted');
    expect(late.state).toMatchObject({ status: 'succeeded', eventId: a.eventId, seq: 2 });
  });

  it('moves to a later stage that reached the store second though it was received moments before the head (concurrent copies)', () => {
    // Two receivers, or one slow store call: generated received at 0 s is stored after generating received at 3 s.
    const a = deliver(version('version_generating'), t(3), undefined);
    const b = deliver(version('version_generated'), t(0), a.state);
    expect(b.outcome).toBe('accepted');
    expect(b.state).toMatchObject({ status: 'succeeded', eventId: b.eventId, seq: 2 });
  });

  it('keeps the head on a newer event when a replay carries an older receive time', () => {
    const a = deliver(version('version_generated'), t(5000), undefined);
    const replayed = deliver(version('version_failed'), t(10), a.state);
    expect(replayed.outcome).toBe('accepted');
    expect(replayed.state).toMatchObject({ status: 'succeeded', seq: 2 });
  });

  it('turns the window off at 0 seconds: only the last slot is a duplicate', () => {
    const off = { ...config, retryWindowSeconds: 0 };
    const g = version('version_generating');
    const s1 = planWrite(g, t(0), undefined, off);
    const st1 = s1.kind === 'write' && s1.state ? apply(s1.state, undefined) : undefined;
    const s2 = planWrite(version('version_generated'), t(1), st1, off);
    const st2 = s2.kind === 'write' && s2.state ? apply(s2.state, st1) : undefined;
    expect(planWrite(g, t(2), st2, off).kind).toBe('write');
  });

  it('remembers at most RECENT_MAX bodies, newest kept', () => {
    let state: StateItem | undefined;
    for (let i = 0; i < RECENT_MAX + 5; i++) state = deliver(version('version_generating', { n: i }), t(i), state).state;
    expect(parseRecent(state?.recent)).toHaveLength(RECENT_MAX);
    expect(deliver(version('version_generating', { n: RECENT_MAX + 4 }), t(100), state).outcome).toBe('duplicate');
  });

  it('never stores two copies of one body within the window, and never moves to an earlier stage within it (generated orders)', () => {
    const bodies = [
      version('version_generating'),
      version('version_ready'),
      version('version_generated'),
      version('version_generated', { result_url: 'https://x.test/2' }),
      version('version_failed'),
    ];
    fc.assert(
      fc.property(
        fc.array(fc.record({ body: fc.nat(bodies.length - 1), gap: fc.oneof(fc.nat(5), fc.nat(2000)) }), { minLength: 1, maxLength: 40 }),
        (deliveries) => {
          let state: StateItem | undefined;
          let clock = 0;
          const stored: Array<{ body: number; at: number }> = [];
          for (const d of deliveries) {
            clock += d.gap;
            const event = bodies[d.body] as NormalisedEvent;
            const before = state;
            const result = deliver(event, t(clock), state);
            state = result.state;
            if (result.outcome === 'accepted') {
              const previous = stored.filter((s) => s.body === d.body).at(-1);
              // A copy within the window of its previous stored copy is always a duplicate.
              if (previous !== undefined) expect(clock - previous.at).toBeGreaterThan(config.retryWindowSeconds);
              stored.push({ body: d.body, at: clock });
              if (before !== undefined && state?.eventId !== result.eventId) {
                // Not moved: only an earlier stage within the window of the head.
                expect(event.rank).toBeLessThan(before.headRank ?? 0);
              }
            }
            expect(state?.seq).toBe(stored.length);
          }
        },
      ),
    );
  });
});

describe('planWrite: arrival order with event ids (configured providers)', () => {
  const event = (status: string, id: string, rank: number, occurredAt?: string): NormalisedEvent => ({
    ...version('version_generating'),
    provider: 'replicate',
    jobId: 'p1',
    partitionId: 'p1',
    eventType: status,
    status: status === 'succeeded' ? 'succeeded' : 'in_progress',
    contentHash: `id-${id}`,
    identity: 'event-id',
    rank,
    ...(occurredAt === undefined ? {} : { occurredAt }),
  });

  it('treats a repeated event id as a duplicate however late it comes (no window for ids)', () => {
    const a = deliver(event('processing', 'm1', 1), t(0), undefined);
    const b = deliver(event('processing', 'm2', 1), t(10), a.state);
    expect(deliver(event('processing', 'm1', 1), t(86_400 * 3), b.state)).toMatchObject({ outcome: 'duplicate', eventId: a.eventId });
  });

  it('orders by receive time unless both events carry the provider time', () => {
    const starting = deliver(event('starting', 'm1', 1), t(100), undefined);
    // completed_at earlier than our receipt of `starting` (a provider clock behind ours): receipt order still wins.
    const done = deliver(event('succeeded', 'm2', 3, t(50)), t(101), starting.state);
    expect(done.state).toMatchObject({ status: 'succeeded', eventId: done.eventId });
    const both = deliver(event('succeeded', 'm3', 3, t(40)), t(102), done.state);
    expect(both.state?.eventId).toBe(done.eventId);
  });

  it('never lets an earlier stage without a provider time overtake a later one that has it', () => {
    const done = deliver(event('succeeded', 'm2', 3, t(50)), t(100), undefined);
    const late = deliver(event('processing', 'm1', 1), t(200), done.state);
    expect(late.outcome).toBe('accepted');
    expect(late.state).toMatchObject({ status: 'succeeded', eventId: done.eventId });
  });
});

describe('planSlotRecord: recording a stored arrival slot on the state', () => {
  // Built in a hook, not while the file loads: a broken rule must fail these tests, not stop the file.
  let first: ReturnType<typeof deliver>;
  let second: ReturnType<typeof deliver>;
  beforeAll(() => {
    first = deliver(version('version_generating'), t(0), undefined);
    second = deliver(version('version_generated'), t(30), first.state);
  });

  it('records the next slot with the same transition the plan that stored it carries', () => {
    const plan = planWrite(version('version_generated'), t(30), first.state, config);
    if (plan.kind !== 'write' || second.item === undefined) throw new Error('fixture must store the second slot');
    expect(planSlotRecord(second.item, first.state, config)).toEqual(plan.state);
  });

  it('records nothing once the state has passed the slot (another writer recorded it)', () => {
    if (first.item === undefined) throw new Error('fixture must store the first slot');
    expect(planSlotRecord(first.item, second.state, config)).toBeUndefined();
    if (second.item === undefined) throw new Error('fixture must store the second slot');
    expect(planSlotRecord(second.item, second.state, config)).toBeUndefined();
  });

  it('refuses a slot past the next one as a bug, not an outage', () => {
    if (second.item === undefined) throw new Error('fixture must store the second slot');
    expect(() => planSlotRecord(second.item as NonNullable<typeof second.item>, undefined, config)).toThrow(InternalError);
    // The caller reads a 500 that says nothing of our layout; the log says which slots disagreed.
    try {
      planSlotRecord(second.item as NonNullable<typeof second.item>, undefined, config);
    } catch (error) {
      expect(error).toMatchObject({
        message: 'internal error: the request could not be stored',
        logDetail: { bug: true, jobId: second.item.jobId, stateSlot: 0, eventSlot: 2 },
      });
    }
  });
});
