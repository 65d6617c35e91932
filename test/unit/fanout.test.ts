import {
  DEFAULT_MARK_RETRY_DELAYS_MS,
  fanOut,
  publishIfPending,
  type FanoutDeps,
  type FanoutRecord,
  type ItemKey,
  type NotificationLedger,
} from '../../lambda/core/fanout';
import type { NotificationPublisher, OutgoingNotification } from '../../lambda/core/ports';
import type { EventItem } from '../../lambda/core/items';
import { contentorItem, panjayaItem } from '../helpers/event-item-fixtures';

/** In-memory ledger: an event is pending until marked (the table's sparse index keys, in a Set). */
class MemoryLedger implements NotificationLedger {
  readonly pending = new Set<string>();
  failMarks = 0;
  constructor(items: EventItem[]) {
    for (const item of items) this.pending.add(`${item.pk}|${item.sk}`);
  }
  async isPending(key: ItemKey) {
    return this.pending.has(`${key.pk}|${key.sk}`);
  }
  async markNotified(key: ItemKey) {
    if (this.failMarks > 0) {
      this.failMarks -= 1;
      throw new Error('ProvisionedThroughputExceeded');
    }
    return this.pending.delete(`${key.pk}|${key.sk}`) ? ('marked' as const) : ('already' as const);
  }
  readonly parked = new Map<string, string>();
  async markUndeliverable(key: ItemKey, reason: string) {
    if (!this.pending.has(`${key.pk}|${key.sk}`)) return 'already' as const;
    this.parked.set(`${key.pk}|${key.sk}`, reason);
    return 'marked' as const;
  }
}

/** Records what was published; throws for the calls listed in `failOn` (1-based). */
class RecordingPublisher implements NotificationPublisher {
  readonly published: OutgoingNotification[] = [];
  calls = 0;
  constructor(private readonly failOn: number[] = []) {}
  async publish(notification: OutgoingNotification) {
    this.calls += 1;
    if (this.failOn.includes(this.calls)) throw new Error('SNS unavailable');
    this.published.push(notification);
  }
}

const quietLog = { info: () => undefined, warn: () => undefined, error: jest.fn() };
const record = (item: Record<string, unknown>, seq: number): FanoutRecord => ({ sequenceNumber: String(seq), image: item });
const eventIds = (p: RecordingPublisher) => p.published.map((n) => (JSON.parse(JSON.parse(n.message).default) as { eventId: string }).eventId);

function setup(items: EventItem[], failOn: number[] = []) {
  const publisher = new RecordingPublisher(failOn);
  const ledger = new MemoryLedger(items);
  const deps: FanoutDeps = { publisher, ledger, jobsCommandHint: 'jobs get', log: quietLog };
  return { publisher, ledger, deps, records: items.map((item, i) => record(item, 100 + i)) };
}

describe('fan-out orchestration', () => {
  it('publishes each pending terminal event once and marks it', async () => {
    const items = [contentorItem('failed'), panjayaItem('version_generated', 'a', 'v')];
    const { publisher, ledger, deps, records } = setup(items);
    const result = await fanOut(records, deps);
    expect(result.failures).toEqual([]);
    expect(eventIds(publisher)).toEqual(items.map((i) => i.eventId));
    expect(ledger.pending.size).toBe(0);
  });

  it('skips events already marked, so a retried batch publishes nothing twice', async () => {
    const items = [contentorItem('failed'), contentorItem('completed')];
    const { publisher, deps, records } = setup(items);
    await fanOut(records, deps);
    const again = await fanOut(records, deps);
    expect(again.outcomes.map((o) => o.outcome)).toEqual(['skipped', 'skipped']);
    expect(publisher.published).toHaveLength(2);
  });

  it('reports the first failed record and every later one, without attempting the later ones', async () => {
    const items = [contentorItem('failed'), contentorItem('failed'), contentorItem('completed')];
    const { publisher, ledger, deps, records } = setup(items, [2]);
    const result = await fanOut(records, deps);
    expect(result.failures).toEqual(['101', '102']);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['published', 'failed', 'not_attempted']);
    expect(publisher.calls).toBe(2);
    expect(ledger.pending.size).toBe(2);
  });

  it('resumes at the failed record on retry: every event published exactly once overall', async () => {
    const items = [contentorItem('failed'), contentorItem('failed'), contentorItem('completed')];
    const { publisher, deps, records } = setup(items, [2]);
    const first = await fanOut(records, deps);
    const retry = await fanOut(
      records.filter((r) => first.failures.includes(r.sequenceNumber)),
      deps,
    );
    expect(retry.failures).toEqual([]);
    expect(eventIds(publisher).sort()).toEqual(items.map((i) => i.eventId).sort());
  });

  it('treats a failed mark after a successful publish as a failure (at-least-once: the retry publishes again)', async () => {
    const items = [contentorItem('failed')];
    const { publisher, ledger, deps, records } = setup(items);
    ledger.failMarks = 1;
    expect((await fanOut(records, deps)).failures).toEqual(['100']);
    expect((await fanOut(records, deps)).failures).toEqual([]);
    expect(publisher.published).toHaveLength(2);
    expect(new Set(eventIds(publisher)).size).toBe(1);
  });

  it('waits out a short storage blip between publish and mark instead of publishing again', async () => {
    const items = [contentorItem('failed')];
    const { publisher, ledger, deps, records } = setup(items);
    ledger.failMarks = 2;
    const result = await fanOut(records, { ...deps, markRetryDelaysMs: [1, 1] });
    expect(result.failures).toEqual([]);
    expect(publisher.published).toHaveLength(1);
    expect(ledger.pending.size).toBe(0);
  });

  it('still fails the record when the mark keeps failing after its retries (the event stays pending)', async () => {
    const { publisher, ledger, deps, records } = setup([contentorItem('failed')]);
    ledger.failMarks = 3;
    expect((await fanOut(records, { ...deps, markRetryDelaysMs: [1, 1] })).failures).toEqual(['100']);
    expect(publisher.published).toHaveLength(1);
    expect(ledger.pending.size).toBe(1);
  });

  it('parks a poison record (not an event item) with its reason and goes on with its neighbours', async () => {
    const before = contentorItem('failed');
    const good = contentorItem('failed');
    const poison = { ...contentorItem('failed'), provider: 'Not a provider' };
    const { publisher, ledger, deps } = setup([before, poison as EventItem, good]);
    const result = await fanOut([record(before, 1), { ...record(poison, 2), key: { pk: poison.pk, sk: poison.sk } }, record(good, 3)], deps);
    expect(result.failures).toEqual([]);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['published', 'parked', 'published']);
    expect(eventIds(publisher)).toEqual([before.eventId, good.eventId]);
    // Still pending (re-drive finds it), and marked with why.
    expect(ledger.pending.has(`${poison.pk}|${poison.sk}`)).toBe(true);
    expect(ledger.parked.get(`${poison.pk}|${poison.sk}`)).toContain('provider');
    expect(quietLog.error).toHaveBeenCalledWith(
      'event parked: it cannot become a notification',
      expect.objectContaining({ sequenceNumber: '2', reason: expect.stringContaining('provider') }),
    );
  });

  it('parks an event whose stored body is not JSON, or missing, and publishes the rest', async () => {
    const broken = { ...contentorItem('failed'), body: Buffer.from('{"uuid": 1') };
    const missing = contentorItem('completed');
    delete missing.body;
    const good = contentorItem('completed');
    const { publisher, ledger, deps, records } = setup([broken, missing, good]);
    const result = await fanOut(records, deps);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['parked', 'parked', 'published']);
    expect(ledger.parked.get(`${broken.pk}|${broken.sk}`)).toBe('the stored payload is not JSON');
    expect(ledger.parked.get(`${missing.pk}|${missing.sk}`)).toContain('no raw body');
    expect(eventIds(publisher)).toEqual([good.eventId]);
  });

  it('parks a message SNS refuses as invalid, but fails the batch for a transient SNS error', async () => {
    const items = [contentorItem('failed'), contentorItem('failed'), contentorItem('failed')];
    const { ledger, deps, records } = setup(items);
    let calls = 0;
    const publisher: NotificationPublisher = {
      publish: async () => {
        calls += 1;
        if (calls === 1) throw Object.assign(new Error('Invalid parameter: Message'), { name: 'InvalidParameterException' });
        if (calls === 2) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
      },
    };
    const result = await fanOut(records, { ...deps, publisher });
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['parked', 'failed', 'not_attempted']);
    expect(result.failures).toEqual(['101', '102']);
    expect(ledger.parked.get(`${items[0]?.pk}|${items[0]?.sk}`)).toContain('InvalidParameterException');
  });

  it('fails the batch when parking itself fails (storage down): the record is retried, not lost', async () => {
    const { ledger, deps } = setup([]);
    ledger.markUndeliverable = async () => {
      throw new Error('DynamoDB unavailable');
    };
    const result = await fanOut([{ sequenceNumber: '7', image: { pk: 'p' }, key: { pk: 'p', sk: 's' } }, record(contentorItem('failed'), 8)], deps);
    expect(result.failures).toEqual(['7', '8']);
    // No event id to name: the outcomes carry none (not even an undefined one).
    expect(result.outcomes).toStrictEqual([
      { sequenceNumber: '7', outcome: 'failed', reason: 'DynamoDB unavailable' },
      { sequenceNumber: '8', outcome: 'not_attempted' },
    ]);
  });

  it('parks a record whose image could not be decoded (logged, nothing to mark without a key)', async () => {
    const { deps } = setup([]);
    const result = await fanOut([{ sequenceNumber: '7', image: undefined, decodeError: 'record has no NewImage' }], deps);
    expect(result.outcomes).toStrictEqual([{ sequenceNumber: '7', outcome: 'parked', reason: 'record has no NewImage' }]);
    expect(result.failures).toEqual([]);
  });

  it('counts a concurrent mark by someone else as published, not as a failure', async () => {
    const item = contentorItem('failed');
    const { deps, ledger } = setup([item]);
    const racing: NotificationLedger = { isPending: async () => true, markNotified: async () => 'already', markUndeliverable: async () => 'already' };
    const result = await fanOut([record(item, 1)], { ...deps, ledger: racing });
    expect(result.failures).toEqual([]);
    expect(result.outcomes[0]?.outcome).toBe('published');
    expect(ledger.pending.size).toBe(1);
  });
});

/** A log that keeps every line, for the operator-facing lines the fan-out promises. */
function recordingLog() {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('fan-out: what operators read and get back', () => {
  it('logs each published, skipped and concurrently marked event with its sequence number and event id', async () => {
    const [published, skipped, raced] = [contentorItem('failed'), contentorItem('completed'), contentorItem('failed')];
    const { deps, ledger } = setup([published, raced]);
    const { lines, log } = recordingLog();
    const racing: NotificationLedger = {
      isPending: async (key) => key.sk === raced.sk || ledger.isPending(key),
      markNotified: async (key) => (key.sk === raced.sk ? 'already' : ledger.markNotified(key)),
      markUndeliverable: async () => 'already',
    };
    await fanOut([record(published, 1), record(skipped, 2), record(raced, 3)], { ...deps, ledger: racing, log });
    expect(lines).toEqual([
      {
        level: 'info',
        message: 'notification published',
        fields: { sequenceNumber: '1', eventId: published.eventId, provider: 'contentor', jobId: published.jobId, status: 'failed' },
      },
      { level: 'info', message: 'event already notified, skipped', fields: { sequenceNumber: '2', eventId: skipped.eventId } },
      { level: 'warn', message: 'event was marked notified concurrently', fields: { sequenceNumber: '3', eventId: raced.eventId } },
    ]);
  });

  it('names the event of a failed record and of a parked one in the outcome and the log', async () => {
    const [refused, down] = [contentorItem('failed'), contentorItem('failed')];
    const { deps } = setup([refused, down]);
    const { lines, log } = recordingLog();
    let calls = 0;
    const publisher: NotificationPublisher = {
      publish: async () => {
        calls += 1;
        // The SNS adapter flags refusals it knows to be about the message itself (adapters/sns-publisher.ts).
        if (calls === 1) throw Object.assign(new Error('Message too long'), { name: 'SomeRefusal', permanent: true });
        throw new Error('socket hang up');
      },
    };
    const result = await fanOut([record(refused, 1), record(down, 2)], { ...deps, publisher, log });
    expect(result.outcomes).toEqual([
      { sequenceNumber: '1', outcome: 'parked', eventId: refused.eventId, reason: 'SNS refused the message: SomeRefusal: Message too long' },
      { sequenceNumber: '2', outcome: 'failed', eventId: down.eventId, reason: 'Error: socket hang up' },
    ]);
    expect(lines.find((l) => l.message === 'notification failed')?.fields).toEqual({
      sequenceNumber: '2',
      eventId: down.eventId,
      reason: 'Error: socket hang up',
    });
  });

  it('does not treat an error flagged permanent: false as a refusal of the message', async () => {
    const item = contentorItem('failed');
    const { deps, records } = setup([item]);
    const publisher: NotificationPublisher = {
      publish: async () => {
        throw Object.assign(new Error('try later'), { permanent: false });
      },
    };
    expect((await fanOut(records, { ...deps, publisher })).outcomes.map((o) => o.outcome)).toEqual(['failed']);
  });

  it('parks a record without a NewImage, and one that is no event item with each problem named', async () => {
    const { deps } = setup([]);
    const result = await fanOut(
      [
        { sequenceNumber: '1', image: undefined },
        { sequenceNumber: '2', image: { pk: 'p', sk: 's' }, key: { pk: 'p', sk: 's' } },
      ],
      deps,
    );
    expect(result.outcomes[0]).toEqual({ sequenceNumber: '1', outcome: 'parked', reason: 'record has no NewImage' });
    expect(result.outcomes[1]?.reason).toMatch(/^not an event item: itemType: [^;]+; provider: [^;]+; jobId: /);
  });
});

describe('fan-out: waiting out a storage blip between publish and mark', () => {
  afterEach(() => jest.useRealTimers());

  it('pauses for each configured delay before marking again', async () => {
    jest.useFakeTimers();
    const item = contentorItem('failed');
    const { deps, ledger } = setup([item]);
    let marks = 0;
    const flaky: NotificationLedger = {
      isPending: (key) => ledger.isPending(key),
      markNotified: async (key) => {
        marks += 1;
        if (marks === 1) throw new Error('ProvisionedThroughputExceeded');
        return ledger.markNotified(key);
      },
      markUndeliverable: (key, reason) => ledger.markUndeliverable(key, reason),
    };
    const done = publishIfPending(item, { ...deps, ledger: flaky, markRetryDelaysMs: [5000] });
    await jest.advanceTimersByTimeAsync(4999);
    expect(marks).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    await expect(done).resolves.toEqual({ outcome: 'published', marked: 'marked' });
    expect(marks).toBe(2);
  });

  it('by default waits about 12.5 s in all, inside the fan-out function timeout (30 s)', () => {
    const total = DEFAULT_MARK_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(12_000);
    expect(total).toBeLessThan(30_000);
  });
});
