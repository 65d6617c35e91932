/** The rate slots' waiting rule (lambda/core/alerts/pace.ts), with a slot store that answers from a set. */
import { ALERT_ITEM_RETENTION_DAYS, pacing, slotAt, slotStartMs, waitForSlot, type AlertStore } from '../../lambda/core/alerts';

function slots(taken: Set<number>) {
  const claims: number[] = [];
  const expiries: number[] = [];
  const store = {
    claimSlot: async (slot: number, expiresAt: number) => {
      claims.push(slot);
      expiries.push(expiresAt);
      if (taken.has(slot)) return false;
      taken.add(slot);
      return true;
    },
  } as unknown as AlertStore;
  return { store, claims, expiries };
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

describe('waitForSlot at its boundaries', () => {
  const t0 = Date.parse('2030-01-01T00:00:00.100Z');
  const first = slotAt(t0);

  it('takes a free current slot when the caller must be done now', async () => {
    const { store, claims } = slots(new Set());
    expect(await waitForSlot({ store, now: () => new Date(t0), waitUntilMs: t0 })).toBe(true);
    expect(claims).toEqual([first]);
  });

  it('takes a slot that begins exactly at the caller deadline', async () => {
    let now = t0;
    const { store, claims } = slots(new Set([first]));
    const sleep = async (ms: number) => {
      now += ms;
    };
    expect(await waitForSlot({ store, now: () => new Date(now), sleep, waitUntilMs: slotStartMs(first + 1) })).toBe(true);
    expect(claims).toEqual([first, first + 1]);
    expect(now).toBe(slotStartMs(first + 1));
  });

  it('gives up a slot it wakes up in exactly as the next one begins', async () => {
    let now = t0;
    const { store, claims } = slots(new Set([first]));
    const sleep = async (ms: number) => {
      now += ms + pacing.slotMs;
    };
    expect(await waitForSlot({ store, now: () => new Date(now), sleep })).toBe(true);
    expect(now).toBe(slotStartMs(first + 2));
    expect(claims).toEqual([first, first + 1, first + 2]);
  });

  it('lets each slot it claims expire a retention period after the slot begins (epoch seconds)', async () => {
    let now = t0;
    const { store, claims, expiries } = slots(new Set([first]));
    const sleep = async (ms: number) => {
      now += ms;
    };
    expect(await waitForSlot({ store, now: () => new Date(now), sleep })).toBe(true);
    expect(ALERT_ITEM_RETENTION_DAYS).toBe(7);
    // The second slot begins at …00.250: its epoch seconds are rounded down.
    expect(expiries).toEqual(claims.map((slot) => Math.floor(slotStartMs(slot) / 1000) + 7 * 86_400));
    expect(expiries[1]).toBe(Date.parse('2030-01-08T00:00:00.000Z') / 1000);
  });
});

it('waits on real timers when no sleep is given: it returns only once the slot it holds has begun', async () => {
  // Start early in a slot, so the next slot's start is most of a slot away.
  while (Date.now() % pacing.slotMs > pacing.slotMs / 4) await new Promise((resolve) => setTimeout(resolve, 5));
  const current = slotAt(Date.now());
  const { store, claims } = slots(new Set([current]));
  expect(await waitForSlot({ store, now: () => new Date() })).toBe(true);
  const held = claims.at(-1) ?? current;
  expect(held).toBeGreaterThan(current);
  // A Node timer can fire a millisecond or so early; returning without the wait would be most of a slot early.
  expect(Date.now()).toBeGreaterThanOrEqual(slotStartMs(held) - 5);
});
