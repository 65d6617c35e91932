/**
 * The alerts budget and accounting over arbitrary arrival patterns (fast-check), on the real DynamoDB adapter in
 * virtual time (test/helpers/virtual-clock.ts): concurrent fan-out invocations arriving whenever, retries of the same
 * event, several digest flushers, any window, budget and alert statuses. Whatever the pattern: each alert-worthy event
 * reaches people exactly once (alone or counted in its window's digest), no window sends more than its budget of
 * individual alerts or more than one digest, no second holds more than 5 messages, other statuses never alert.
 */
import fc from 'fast-check';
import { ALERT_DEFAULTS } from '../../lambda/contracts';
import { DynamoAlertStore } from '../../lambda/adapters/dynamo-alert-store';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { alertEvent, flushClosedWindows, flushGraceMs, type AlertSettings } from '../../lambda/core/alerts';
import type { EventItem } from '../../lambda/core/items';
import type { NormalisedStatus } from '../../lambda/core/model';
import type { OutgoingNotification } from '../../lambda/core/ports';
import { createTestTable, dynamoEndpoint } from '../helpers/aws-local';
import { contentorItem, panjayaItem } from '../helpers/event-item-fixtures';
import { VirtualClock } from '../helpers/virtual-clock';

const kinds = ['contentor-failed', 'contentor-completed', 'panjaya-failed', 'stalled'] as const;
function itemOf(kind: (typeof kinds)[number], n: number): EventItem {
  if (kind === 'contentor-failed') return contentorItem('failed');
  if (kind === 'contentor-completed') return contentorItem('completed');
  if (kind === 'panjaya-failed') return panjayaItem('version_failed', `asset-${n}`, 'v1');
  return { ...contentorItem('processing'), status: 'stalled' as NormalisedStatus, eventType: 'processing', notifyTopic: 'failed' };
}

const scenario = fc.record({
  perWindow: fc.integer({ min: 0, max: 6 }),
  windowSeconds: fc.integer({ min: 1, max: 30 }),
  statuses: fc.subarray(['failed', 'stalled', 'succeeded'] as const, { minLength: 1 }),
  events: fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 40 }),
  // Invocations: when each starts (virtual ms) and which events it carries (indexes; repeats are retries).
  invocations: fc.array(fc.record({ startMs: fc.integer({ min: 0, max: 40_000 }), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 10 }) }), {
    minLength: 1,
    maxLength: 8,
  }),
  flushers: fc.integer({ min: 1, max: 3 }),
  flushEveryMs: fc.integer({ min: 100, max: 8_000 }),
});

let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(() => table.drop());

let epoch = Date.parse('2031-01-01T00:00:00.000Z');

it('holds the budget, the rate and exactly-once accounting for any arrival pattern', async () => {
  const store = new DynamoAlertStore(makeDocumentClient({ endpoint: dynamoEndpoint() }), table.tableName);
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      // Each run in its own stretch of virtual time: its windows and rate slots are its own.
      epoch += 30 * 86_400_000;
      const clock = new VirtualClock(epoch);
      const tracked = clock.track(store);
      const published: Array<{ at: number; notification: OutgoingNotification }> = [];
      const publisher = { publish: async (notification: OutgoingNotification) => void published.push({ at: clock.now, notification }) };
      const settings: AlertSettings = { perWindow: s.perWindow, windowSeconds: s.windowSeconds, statuses: new Set(s.statuses) };
      const deps = { store: tracked, publisher, settings, jobsCommandHint: 'jobs get', now: clock.date, sleep: clock.sleep };
      const items = s.events.map((kind, n) => itemOf(kind, n));
      let stop = false;
      const invocations = s.invocations.map(async (inv) => {
        await clock.sleep(inv.startMs);
        for (const pick of inv.picks) await alertEvent(items[pick % items.length] as EventItem, deps);
        await flushClosedWindows(deps);
      });
      const flushers = Array.from({ length: s.flushers }, async () => {
        while (!stop) {
          await flushClosedWindows(deps);
          await clock.sleep(s.flushEveryMs);
        }
      });
      const main = (async () => {
        await Promise.all(invocations);
        // Past every window (decisions can land up to a few windows ahead) and its grace, then the last flushes.
        await clock.sleep(5 * s.windowSeconds * 1000 + flushGraceMs(settings) + ALERT_DEFAULTS.maxPerSecond * 1000);
        await flushClosedWindows(deps);
        stop = true;
        await Promise.all(flushers);
        await flushClosedWindows(deps);
      })();
      await clock.run(main);

      const delivered = new Set(s.invocations.flatMap((inv) => inv.picks.map((p) => p % items.length)));
      const worthy = [...delivered].map((i) => items[i] as EventItem).filter((item) => settings.statuses.has(item.status));
      const docs = published.map((p) => JSON.parse(JSON.parse(p.notification.message).default) as Record<string, unknown>);
      const alerts = docs.filter((d) => d.kind === 'alert');
      const digests = docs.filter((d) => d.kind === 'digest') as Array<{ windowStart: string; total: number; jobs: Array<{ eventId: string }> }>;
      const alertIds = alerts.map((a) => a.eventId as string);
      // Exactly once.
      expect(new Set(alertIds).size).toBe(alertIds.length);
      expect(alertIds.length + digests.reduce((n, d) => n + d.total, 0)).toBe(worthy.length);
      const listed = digests.flatMap((d) => d.jobs.map((j) => j.eventId));
      expect(new Set([...alertIds, ...listed]).size).toBe(alertIds.length + listed.length);
      for (const id of [...alertIds, ...listed]) expect(worthy.some((w) => w.eventId === id)).toBe(true);
      if (digests.every((d) => d.total <= 20)) expect(new Set([...alertIds, ...listed])).toEqual(new Set(worthy.map((w) => w.eventId)));
      // One digest per window; the budget per window.
      expect(new Set(digests.map((d) => d.windowStart)).size).toBe(digests.length);
      const perWindow = new Map<string, number>();
      for (const id of alertIds) {
        const window = (await store.decisionOf(id))?.window ?? '?';
        perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
      }
      for (const count of perWindow.values()) expect(count).toBeLessThanOrEqual(s.perWindow);
      // The rate ceiling, in virtual seconds.
      const perSecond = new Map<number, number>();
      for (const p of published) perSecond.set(Math.floor(p.at / 1000), (perSecond.get(Math.floor(p.at / 1000)) ?? 0) + 1);
      for (const count of perSecond.values()) expect(count).toBeLessThanOrEqual(ALERT_DEFAULTS.maxPerSecond);
    }),
    { numRuns: 25 },
  );
}, 600_000);

it('publishes one alert when two attempts of the same event race (a retried record beside the first)', async () => {
  const store = new DynamoAlertStore(makeDocumentClient({ endpoint: dynamoEndpoint() }), table.tableName);
  for (let round = 0; round < 5; round++) {
    epoch += 30 * 86_400_000;
    const clock = new VirtualClock(epoch);
    const published: OutgoingNotification[] = [];
    const deps = {
      store: clock.track(store),
      publisher: { publish: async (n: OutgoingNotification) => void published.push(n) },
      settings: { perWindow: 5, windowSeconds: 60, statuses: new Set<NormalisedStatus>(['failed']) },
      jobsCommandHint: 'jobs get',
      now: clock.date,
      sleep: clock.sleep,
    };
    const item = contentorItem('failed');
    const outcomes = await clock.run(Promise.all([alertEvent(item, deps), alertEvent(item, deps), alertEvent(item, deps)]));
    expect(published).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'alerted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already')).toHaveLength(2);
  }
});
