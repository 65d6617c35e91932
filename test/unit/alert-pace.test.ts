/** The rate slots' waiting rule (lambda/core/alerts/pace.ts), with a slot store that answers from a set. */
import { pacing, slotAt, slotStartMs, waitForSlot, type AlertStore } from '../../lambda/core/alerts';

function slots(taken: Set<number>) {
  const claims: number[] = [];
  const store = {
    claimSlot: async (slot: number) => {
      claims.push(slot);
      if (taken.has(slot)) return false;
      taken.add(slot);
      return true;
    },
  } as unknown as AlertStore;
  return { store, claims };
}

describe('waitForSlot', () => {
  const t0 = Date.parse('2030-01-01T00:00:00.100Z');

  it('takes the current slot when free, without waiting', async () => {
    const { store } = slots(new Set());
    const sleeps: number[] = [];
    expect(await waitForSlot({ store, now: () => new Date(t0), sleep: async (ms) => void sleeps.push(ms) })).toBe(true);
    expect(sleeps).toEqual([]);
  });

  it('waits for the start of the first free later slot', async () => {
    const first = slotAt(t0);
    const { store } = slots(new Set([first, first + 1, first + 2]));
    const sleeps: number[] = [];
    expect(await waitForSlot({ store, now: () => new Date(t0), sleep: async (ms) => void sleeps.push(ms) })).toBe(true);
    expect(sleeps).toEqual([slotStartMs(first + 3) - t0]);
  });

  it('gives up after maxWaitMs of taken slots, or at the caller deadline, whichever is first', async () => {
    const all = new Set(Array.from({ length: 1000 }, (_, i) => slotAt(t0) + i));
    const busy = slots(new Set(all));
    expect(await waitForSlot({ store: busy.store, now: () => new Date(t0) })).toBe(false);
    expect(Math.max(...busy.claims) - slotAt(t0)).toBeLessThanOrEqual(Math.ceil(pacing.maxWaitMs / pacing.slotMs));
    const soon = slots(new Set(all));
    expect(await waitForSlot({ store: soon.store, now: () => new Date(t0), waitUntilMs: t0 + 600 })).toBe(false);
    expect(Math.max(...soon.claims)).toBe(slotAt(t0 + 600));
    const late = slots(new Set());
    expect(await waitForSlot({ store: late.store, now: () => new Date(t0), waitUntilMs: t0 - 1 })).toBe(false);
    expect(late.claims).toEqual([]);
  });
});

it('does not publish in a slot it woke up after (a starved process): it takes a later slot', async () => {
  const t0 = Date.parse('2030-01-01T00:00:00.100Z');
  let now = t0;
  const first = slotAt(t0);
  const { store, claims } = slots(new Set([first]));
  // The sleep for slot first+1 oversleeps by a whole second.
  const sleep = async (ms: number) => {
    now += ms + 1000;
  };
  expect(await waitForSlot({ store, now: () => new Date(now), sleep })).toBe(true);
  expect(claims[1]).toBe(first + 1);
  const last = claims.at(-1) ?? 0;
  expect(last).toBeGreaterThan(first + 1);
  // It returns only when "now" lies inside the slot it holds.
  expect(now).toBeGreaterThanOrEqual(slotStartMs(last));
  expect(now).toBeLessThan(slotStartMs(last + 1));
});
