/**
 * Closing alert windows (lambda/core/alerts/flush.ts) on the real DynamoAlertStore over DynamoDB Local, in time the
 * test sets: when a window is flushed, what its digest lists and in which order, and what a flush does when an alert
 * is being published, another flusher holds the window, no rate slot is free or SNS fails for one window. Narrower
 * and much faster than test/integration/alerts.test.ts and test/property/alert-budget.test.ts.
 */
import { DynamoAlertStore } from '../../lambda/adapters/dynamo-alert-store';
import { flushClosedWindows, flushGraceMs, pacing, slotAt, STALE_CLAIM_MS, type AlertStore, type AlertWindow } from '../../lambda/core/alerts';
import type { EventItem } from '../../lambda/core/items';
import type { OutgoingNotification } from '../../lambda/core/ports';
import { alertTable, iso, window60, RecordingPublisher, scenario } from '../helpers/alert-core-deps';
import { commandCountingDocClient } from '../helpers/aws-local';
import { contentorItem } from '../helpers/event-item-fixtures';

let t: Awaited<ReturnType<typeof alertTable>>;
beforeAll(async () => {
  t = await alertTable();
});
afterAll(() => t.table.drop());

/** An alert another attempt published: publishingAt, then sentAt, as alertEvent writes them. */
async function sendAlone(window: AlertWindow, item: EventItem, atMs: number) {
  expect(await t.decide(window, item, 'alert', atMs)).toBe('decided');
  expect(await t.store.startPublishing(window.start, item.eventId, iso(atMs), iso(atMs - STALE_CLAIM_MS))).toBe(true);
  await t.store.markSent(window.start, item.eventId, iso(atMs));
}
const listed = (doc: Record<string, unknown>) => (doc.jobs as Array<{ eventId: string }>).map((j) => j.eventId);
/** Its window's end plus the flush grace: the first moment a flush sends its digest. */
const flushableAt = (window: AlertWindow) => Date.parse(window.end) + flushGraceMs({ statuses: new Set(), perWindow: 2, windowSeconds: 60 });

describe('flushClosedWindows', () => {
  it('leaves a window alone until its grace after the end has passed, then sends its digest once', async () => {
    const { clock, deps, publisher, start } = scenario(t.store);
    const window = window60(start);
    const failed = contentorItem('failed');
    expect(await t.decide(window, failed, 'digest', start)).toBe('decided');
    clock.now = Date.parse(window.end) + 10_000 - 1;
    expect(await flushClosedWindows(deps)).toEqual({ flushed: [], failures: [] });
    expect(publisher.published).toEqual([]);
    clock.now += 1;
    expect(await flushClosedWindows(deps)).toEqual({ flushed: [{ windowStart: window.start, digestTotal: 1, outcome: 'sent' }], failures: [] });
    expect(publisher.documents).toEqual([expect.objectContaining({ kind: 'digest', windowStart: window.start, total: 1 })]);
    expect(listed(publisher.documents[0] ?? {})).toEqual([failed.eventId]);
    expect(await flushClosedWindows(deps)).toEqual({ flushed: [], failures: [] });
    expect(publisher.published).toHaveLength(1);
  });

  it('lists digest decisions, folded alerts and unsent alerts (folding them), not sent ones, by decision time then event id', async () => {
    const { clock, deps, publisher, start } = scenario(t.store);
    const window = window60(start);
    // Seven events, named by event-id order; decided so that id order and decision order differ.
    const [a, b, c, d, e, f, s] = Array.from({ length: 7 }, () => contentorItem('failed')).sort((x, y) => x.eventId.localeCompare(y.eventId)) as [
      EventItem,
      EventItem,
      EventItem,
      EventItem,
      EventItem,
      EventItem,
      EventItem,
    ];
    expect(await t.decide(window, d, 'alert', start)).toBe('decided'); // never published: folded now
    expect(await t.decide(window, b, 'digest', start + 1_000)).toBe('decided');
    await sendAlone(window, s, start + 1_500);
    expect(await t.decide(window, e, 'alert', start + 2_000)).toBe('decided'); // folded by an earlier flush that then failed
    expect(await t.store.fold(window.start, e.eventId, iso(start + 70_000), iso(start))).toBe('folded');
    // Folded while its publish was presumed dead, which then went out after all: people had it alone.
    expect(await t.decide(window, f, 'alert', start + 2_500)).toBe('decided');
    expect(await t.store.startPublishing(window.start, f.eventId, iso(start + 2_500), iso(0))).toBe(true);
    expect(await t.store.fold(window.start, f.eventId, iso(start + 2_500 + STALE_CLAIM_MS + 1), iso(start + 2_500 + 1))).toBe('folded');
    await t.store.markSent(window.start, f.eventId, iso(start + 2_500 + STALE_CLAIM_MS + 2));
    for (const item of [c, a]) expect(await t.decide(window, item, 'digest', start + 3_000)).toBe('decided');
    clock.now = flushableAt(window) + STALE_CLAIM_MS;
    expect((await flushClosedWindows(deps)).flushed).toEqual([{ windowStart: window.start, digestTotal: 5, outcome: 'sent' }]);
    expect(publisher.documents.map(listed)).toEqual([[d.eventId, b.eventId, e.eventId, a.eventId, c.eventId]]);
    expect(publisher.documents[0]).toMatchObject({ total: 5 });
    expect((await t.store.decisionOf(d.eventId))?.foldedAt).toBe(iso(clock.now));
  });

  it('writes only for the alerts it folds, nothing per digest member (documented cost: about 4 per window)', async () => {
    const counting = commandCountingDocClient();
    const { clock, deps, start } = scenario(new DynamoAlertStore(counting.client, t.table.tableName));
    const window = window60(start);
    const [digested1, digested2, folded, unsent] = [contentorItem('failed'), contentorItem('failed'), contentorItem('failed'), contentorItem('failed')];
    for (const item of [digested1, digested2]) expect(await t.decide(window, item, 'digest', start)).toBe('decided');
    for (const item of [folded, unsent]) expect(await t.decide(window, item, 'alert', start)).toBe('decided');
    expect(await t.store.fold(window.start, folded.eventId, iso(start), iso(0))).toBe('folded');
    clock.now = flushableAt(window);
    expect((await flushClosedWindows(deps)).flushed).toEqual([{ windowStart: window.start, digestTotal: 4, outcome: 'sent' }]);
    // Take the window, fold the one unsent alert, mark the window done (and one rate slot, a put).
    expect(counting.commands.filter((c) => c === 'UpdateItemCommand')).toHaveLength(3);
  });

  it('does not list an alert whose publish lands between reading the window and folding it', async () => {
    const { clock, deps, publisher, start } = scenario(t.store);
    const window = window60(start);
    const [racing, digested] = [contentorItem('failed'), contentorItem('failed')];
    expect(await t.decide(window, racing, 'alert', start)).toBe('decided');
    expect(await t.decide(window, digested, 'digest', start)).toBe('decided');
    clock.now = flushableAt(window);
    // Fault injection: the emulator cannot interleave another invocation between the flush's read of the decisions
    // and its fold, so this store marks the alert sent (its publish landed) just before folding it.
    const racingStore: AlertStore = Object.assign(Object.create(t.store) as DynamoAlertStore, {
      fold: async (windowStart: string, eventId: string, at: string, staleBefore: string) => {
        if (eventId === racing.eventId) await t.store.markSent(windowStart, eventId, at);
        return t.store.fold(windowStart, eventId, at, staleBefore);
      },
    });
    expect((await flushClosedWindows({ ...deps, store: racingStore })).flushed).toEqual([{ windowStart: window.start, digestTotal: 1, outcome: 'sent' }]);
    expect(publisher.documents.map(listed)).toEqual([[digested.eventId]]);
  });

  it('postpones a window while one of its alerts is being published, and sends it once that is done', async () => {
    const { clock, deps, publisher, start } = scenario(t.store);
    const window = window60(start);
    const [publishing, digested] = [contentorItem('failed'), contentorItem('failed')];
    expect(await t.decide(window, publishing, 'alert', start)).toBe('decided');
    expect(await t.decide(window, digested, 'digest', start)).toBe('decided');
    clock.now = flushableAt(window);
    expect(await t.store.startPublishing(window.start, publishing.eventId, iso(clock.now - 1_000), iso(0))).toBe(true);
    expect(await flushClosedWindows(deps)).toEqual({ flushed: [{ windowStart: window.start, digestTotal: 0, outcome: 'postponed' }], failures: [] });
    expect(publisher.published).toEqual([]);
    await t.store.markSent(window.start, publishing.eventId, iso(clock.now));
    clock.now += 1_000;
    expect((await flushClosedWindows(deps)).flushed).toEqual([{ windowStart: window.start, digestTotal: 1, outcome: 'sent' }]);
    expect(publisher.documents.map(listed)).toEqual([[digested.eventId]]);
  });

  it('leaves a window another flusher holds, but takes over a claim presumed dead', async () => {
    const { clock, deps, publisher, start } = scenario(t.store);
    const [held, abandoned] = [window60(start), window60(start + 60_000)];
    const [inHeld, inAbandoned] = [contentorItem('failed'), contentorItem('failed')];
    expect(await t.decide(held, inHeld, 'digest', start)).toBe('decided');
    expect(await t.decide(abandoned, inAbandoned, 'digest', start + 60_000)).toBe('decided');
    clock.now = flushableAt(abandoned) + STALE_CLAIM_MS;
    expect(await t.store.claimFlush(held.start, iso(clock.now - 1_000), iso(0))).toBe(true);
    expect(await t.store.claimFlush(abandoned.start, iso(clock.now - STALE_CLAIM_MS - 1), iso(0))).toBe(true);
    expect((await flushClosedWindows(deps)).flushed).toEqual([
      { windowStart: held.start, digestTotal: 0, outcome: 'taken' },
      { windowStart: abandoned.start, digestTotal: 1, outcome: 'sent' },
    ]);
    expect(publisher.documents.map(listed)).toEqual([[inAbandoned.eventId]]);
  });

  it('hands the window back when no rate slot is free, and sends it when one is', async () => {
    const { clock, deps, publisher, start } = scenario(t.store);
    const window = window60(start);
    const digested = contentorItem('failed');
    expect(await t.decide(window, digested, 'digest', start)).toBe('decided');
    clock.now = flushableAt(window);
    for (let slot = slotAt(clock.now); slot <= slotAt(clock.now + pacing.maxWaitMs); slot++) expect(await t.store.claimSlot(slot, 0)).toBe(true);
    expect((await flushClosedWindows(deps)).flushed).toEqual([{ windowStart: window.start, digestTotal: 1, outcome: 'unpaced' }]);
    expect(publisher.published).toEqual([]);
    clock.now += pacing.maxWaitMs + 1_000;
    expect((await flushClosedWindows(deps)).flushed).toEqual([{ windowStart: window.start, digestTotal: 1, outcome: 'sent' }]);
    expect(publisher.documents.map(listed)).toEqual([[digested.eventId]]);
  });

  it('reports a window whose digest SNS refused, flushes the others, and sends that one at the next flush', async () => {
    const refusal = new Error('SNS refused this one');
    let failedWindow = '';
    const failingOnce = new (class extends RecordingPublisher {
      override async publish(notification: OutgoingNotification): Promise<void> {
        const doc = JSON.parse((JSON.parse(notification.message) as { default: string }).default) as { windowStart: string };
        if (doc.windowStart === failedWindow) {
          failedWindow = '';
          throw refusal;
        }
        await super.publish(notification);
      }
    })();
    const { clock, deps, publisher, start } = scenario(t.store, {}, failingOnce);
    const [first, second] = [window60(start), window60(start + 60_000)];
    const [inFirst, inSecond] = [contentorItem('failed'), contentorItem('failed')];
    expect(await t.decide(first, inFirst, 'digest', start)).toBe('decided');
    expect(await t.decide(second, inSecond, 'digest', start + 60_000)).toBe('decided');
    failedWindow = first.start;
    clock.now = flushableAt(second);
    expect(await flushClosedWindows(deps)).toEqual({
      flushed: [{ windowStart: second.start, digestTotal: 1, outcome: 'sent' }],
      failures: [{ windowStart: first.start, error: refusal }],
    });
    expect(publisher.documents.map(listed)).toEqual([[inSecond.eventId]]);
    clock.now += 1_000;
    expect(await flushClosedWindows(deps)).toEqual({ flushed: [{ windowStart: first.start, digestTotal: 1, outcome: 'sent' }], failures: [] });
    expect(publisher.documents.map(listed)).toEqual([[inSecond.eventId], [inFirst.eventId]]);
  });

  it('sends nothing for a window whose alerts all went out alone, and marks it done', async () => {
    const { clock, deps, publisher, start } = scenario(t.store);
    const window = window60(start);
    await sendAlone(window, contentorItem('failed'), start);
    clock.now = flushableAt(window);
    expect(await flushClosedWindows(deps)).toEqual({ flushed: [{ windowStart: window.start, digestTotal: 0, outcome: 'nothing-to-send' }], failures: [] });
    expect(publisher.published).toEqual([]);
    expect(await flushClosedWindows(deps)).toEqual({ flushed: [], failures: [] });
  });
});
