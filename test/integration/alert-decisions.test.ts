/**
 * One event's way to people (lambda/core/alerts/alert-event.ts) on the real DynamoAlertStore over DynamoDB Local, in
 * time the test sets: alone or in its window's digest, within the budget, in the next window when its own is being
 * flushed, once however often it is retried, and only in a rate slot of its own. Narrower and much faster than
 * test/integration/alerts.test.ts and test/property/alert-budget.test.ts, which run bursts and arrival patterns.
 */
import { keys } from '../../lambda/contracts';
import { ALERT_ITEM_RETENTION_DAYS, nextWindow, pacing, slotAt, STALE_CLAIM_MS, type AlertWindow } from '../../lambda/core/alerts';
import { alertEvent } from '../../lambda/core/alerts/alert-event';
import { alertTable, iso, window60, scenario } from '../helpers/alert-core-deps';
import { contentorItem, panjayaItem } from '../helpers/event-item-fixtures';

let t: Awaited<ReturnType<typeof alertTable>>;
beforeAll(async () => {
  t = await alertTable();
});
afterAll(() => t.table.drop());

/** A window whose digest flush has started (`claimed`) or finished (`flushed`): it takes no more decisions. */
async function closeWindow(window: AlertWindow, how: 'claimed' | 'flushed', at: number) {
  expect(await t.decide(window, contentorItem('failed'), 'digest', at)).toBe('decided');
  expect(await t.store.claimFlush(window.start, iso(at), iso(at - STALE_CLAIM_MS))).toBe(true);
  if (how === 'flushed') await t.store.finishFlush(window.start, iso(at), 1);
}

describe('alertEvent', () => {
  it('leaves a status that does not alert alone: no decision, nothing published', async () => {
    const { deps, publisher } = scenario(t.store);
    const succeeded = contentorItem('completed');
    expect(await alertEvent(succeeded, deps)).toBe('not-alert-worthy');
    expect(publisher.published).toEqual([]);
    expect(await t.store.decisionOf(succeeded.eventId)).toBeUndefined();
  });

  it('publishes a first alert once, as an alert document of the event, and records it sent', async () => {
    const { deps, publisher, start } = scenario(t.store);
    const failed = panjayaItem('version_failed', 'asset-1', 'v1');
    expect(await alertEvent(failed, deps)).toBe('alerted');
    expect(publisher.documents).toEqual([expect.objectContaining({ kind: 'alert', eventId: failed.eventId, status: 'failed' })]);
    expect(await t.store.decisionOf(failed.eventId)).toMatchObject({ kind: 'alert', window: window60(start).start, sentAt: iso(start) });
  });

  it('leaves events past the window budget for the digest, without publishing them', async () => {
    const { deps, publisher } = scenario(t.store, { perWindow: 1 });
    const [first, second] = [contentorItem('failed'), contentorItem('failed')];
    expect(await alertEvent(first, deps)).toBe('alerted');
    expect(await alertEvent(second, deps)).toBe('digested');
    expect(publisher.documents.map((d) => d.eventId)).toEqual([first.eventId]);
    expect(await t.store.decisionOf(second.eventId)).toMatchObject({ kind: 'digest' });
  });

  it('with a budget of 0 sends digests only', async () => {
    const { deps, publisher } = scenario(t.store, { perWindow: 0 });
    const failed = contentorItem('failed');
    expect(await alertEvent(failed, deps)).toBe('digested');
    expect(publisher.published).toEqual([]);
    expect(await t.store.decisionOf(failed.eventId)).toMatchObject({ kind: 'digest' });
  });

  it.each(['claimed', 'flushed'] as const)('decides in the next window when its own is %s for its digest, with that window’s expiry', async (how) => {
    const { deps, publisher, start } = scenario(t.store);
    await closeWindow(window60(start), how, start);
    const failed = contentorItem('failed');
    expect(await alertEvent(failed, deps)).toBe('alerted');
    const next = nextWindow(window60(start), 60);
    expect(await t.store.decisionOf(failed.eventId)).toMatchObject({ kind: 'alert', window: next.start, sentAt: expect.any(String) });
    expect(publisher.published).toHaveLength(1);
    expect((await t.item(keys.alertEventMark(failed.eventId), keys.alertEventMarkSort))?.expiresAt).toBe(
      Date.parse(next.end) / 1000 + ALERT_ITEM_RETENTION_DAYS * 86_400,
    );
  });

  it('tries four windows: three closed in a row → decided in the fourth', async () => {
    const { deps, start } = scenario(t.store);
    for (let i = 0; i < 3; i++) await closeWindow(window60(start + i * 60_000), 'claimed', start);
    const failed = contentorItem('failed');
    expect(await alertEvent(failed, deps)).toBe('alerted');
    expect((await t.store.decisionOf(failed.eventId))?.window).toBe(iso(start + 3 * 60_000));
  });

  it('gives up, naming the event, when four windows in a row are closed', async () => {
    const { deps, publisher, start } = scenario(t.store);
    for (let i = 0; i < 4; i++) await closeWindow(window60(start + i * 60_000), 'claimed', start);
    const failed = contentorItem('failed');
    await expect(alertEvent(failed, deps)).rejects.toThrow(new Error(`no open alert window for event ${failed.eventId} after 4 attempts`));
    expect(publisher.published).toEqual([]);
    expect(await t.store.decisionOf(failed.eventId)).toBeUndefined();
  });

  it('does not publish again when a sent alert is retried, nor wait for a rate slot to say so', async () => {
    const { clock, deps, publisher, start } = scenario(t.store);
    const failed = contentorItem('failed');
    expect(await alertEvent(failed, deps)).toBe('alerted');
    expect(await alertEvent(failed, deps)).toBe('already');
    expect(publisher.published).toHaveLength(1);
    // The first took the current slot; a retry that claimed one would have slept until the next.
    expect(clock.now).toBe(start);
  });

  it('publishes, once, an alert an earlier attempt decided in an earlier window but never sent', async () => {
    const { clock, deps, publisher, start } = scenario(t.store);
    const failed = contentorItem('failed');
    expect(await t.decide(window60(start), failed, 'alert', start)).toBe('decided');
    // The retry comes in the next window; the alert belongs to the window it was decided in.
    clock.now = start + 70_000;
    expect(await alertEvent(failed, deps)).toBe('alerted');
    expect(await alertEvent(failed, deps)).toBe('already');
    expect(publisher.documents.map((d) => d.eventId)).toEqual([failed.eventId]);
    expect(await t.store.decisionOf(failed.eventId)).toMatchObject({ kind: 'alert', window: iso(start), sentAt: iso(start + 70_000) });
  });

  it('leaves an earlier digest decision, or an alert already folded into the digest, to the digest', async () => {
    const { clock, deps, publisher, start } = scenario(t.store);
    const [digested, folded] = [contentorItem('failed'), contentorItem('failed')];
    expect(await t.decide(window60(start), digested, 'digest', start)).toBe('decided');
    expect(await t.decide(window60(start), folded, 'alert', start)).toBe('decided');
    expect(await t.store.fold(window60(start).start, folded.eventId, iso(start), iso(start - STALE_CLAIM_MS))).toBe('folded');
    expect(await alertEvent(digested, deps)).toBe('already');
    expect(await alertEvent(folded, deps)).toBe('already');
    expect(publisher.published).toEqual([]);
    // Neither took a rate slot: the next alert goes out in the current one, without waiting.
    const next = contentorItem('failed');
    expect(await alertEvent(next, deps)).toBe('alerted');
    expect(publisher.documents.map((d) => d.eventId)).toEqual([next.eventId]);
    expect(clock.now).toBe(start);
  });

  it('does not publish an alert another attempt is publishing now, but takes over one whose publish is presumed dead', async () => {
    const { clock, deps, publisher, start } = scenario(t.store);
    const [racing, dead] = [contentorItem('failed'), contentorItem('failed')];
    const window = window60(start);
    clock.now = start + 5_000;
    for (const item of [racing, dead]) expect(await t.decide(window, item, 'alert', start)).toBe('decided');
    expect(await t.store.startPublishing(window.start, racing.eventId, iso(clock.now), iso(clock.now - STALE_CLAIM_MS))).toBe(true);
    expect(await t.store.startPublishing(window.start, dead.eventId, iso(clock.now - STALE_CLAIM_MS - 1), iso(0))).toBe(true);
    expect(await alertEvent(racing, deps)).toBe('already');
    expect(publisher.published).toEqual([]);
    expect(await alertEvent(dead, deps)).toBe('alerted');
    expect(publisher.documents.map((d) => d.eventId)).toEqual([dead.eventId]);
  });

  it('leaves an alert unsent (for the digest) when every rate slot within the wait is taken', async () => {
    const { deps, publisher, start } = scenario(t.store);
    for (let slot = slotAt(start); slot <= slotAt(start + pacing.maxWaitMs); slot++) expect(await t.store.claimSlot(slot, 0)).toBe(true);
    const failed = contentorItem('failed');
    expect(await alertEvent(failed, deps)).toBe('unpaced');
    expect(publisher.published).toEqual([]);
    const decision = await t.store.decisionOf(failed.eventId);
    expect(decision).toMatchObject({ kind: 'alert' });
    expect(decision?.publishingAt).toBeUndefined();
    expect(decision?.sentAt).toBeUndefined();
  });

  it('stores the mark, the decision and the window head to expire a retention period after the window ends', async () => {
    const { deps, start } = scenario(t.store);
    const failed = contentorItem('failed');
    expect(await alertEvent(failed, deps)).toBe('alerted');
    const window = window60(start);
    // 2033-… plus a month per scenario: the window ends on a whole minute, so its epoch seconds are exact.
    const expected = Date.parse(window.end) / 1000 + ALERT_ITEM_RETENTION_DAYS * 86_400;
    expect(ALERT_ITEM_RETENTION_DAYS).toBe(7);
    const stored = [
      await t.item(keys.alertEventMark(failed.eventId), keys.alertEventMarkSort),
      await t.item(keys.alertWindowPartition(window.start), keys.alertWindowEvent(failed.eventId)),
      await t.item(keys.alertWindowsPartition, keys.alertWindowHead(window.start)),
    ];
    expect(stored.map((item) => item?.expiresAt)).toEqual([expected, expected, expected]);
  });
});
