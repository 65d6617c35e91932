import { buildEmailText, buildNotification, buildSubject } from '../../lambda/core/notification';
import { EventItemSchema, type StateItem } from '../../lambda/core/items';
import { exampleJobId, stateItem } from '../helpers/state-items';
import { matchesStreamFilter } from '../../lambda/core/stream-filter';
import { keys, PENDING_PARTITION } from '../../lambda/contracts';
import {
  buildStall,
  deadlineFor,
  formatMinutes,
  judgeStall,
  parseStallDeadlines,
  serialiseStallDeadlines,
  stallEventId,
  StallDeadlinesError,
  StallPayloadSchema,
  sweep,
  sweepQueries,
  type StallWriteOutcome,
  type WatchdogStore,
} from '../../lambda/core/watchdog';

const _HOUR = 3_600_000;
const defaults = parseStallDeadlines(undefined);
const uuid = exampleJobId;

const state = stateItem;
const at = (iso: string) => new Date(iso);

describe('stall deadline configuration', () => {
  it('defaults to 2 h for Contentor stages, 3 h for Panjaya generation and a 48 h version_ready reminder', () => {
    const minutes = Object.fromEntries(defaults.map((r) => [`${r.provider}.${r.eventType}`, r.minutes]));
    expect(minutes).toEqual({
      'contentor.downloading': 120,
      'contentor.processing': 120,
      'contentor.uploading': 120,
      'panjaya.version_generating': 180,
      'panjaya.version_ready': 2880,
    });
  });

  it('merges overrides over the defaults, reads durations and switches a status off', () => {
    const rules = parseStallDeadlines({ contentor: { processing: '90m', Uploading: 45 }, panjaya: { version_ready: 'off', version_generating: '1d' } });
    const minutes = Object.fromEntries(rules.map((r) => [`${r.provider}.${r.eventType}`, r.minutes]));
    expect(minutes).toEqual({ 'contentor.downloading': 120, 'contentor.processing': 90, 'contentor.uploading': 45, 'panjaya.version_generating': 1440 });
  });

  it('accepts the same configuration as JSON text (context -c and environment variables)', () => {
    expect(parseStallDeadlines('{"panjaya":{"version_ready":"2h"}}').find((r) => r.eventType === 'version_ready')?.minutes).toBe(120);
  });

  it.each([
    [{ contentor: { completed: '2h' } }, /stallDeadlines\.contentor\.completed: contentor "completed" is succeeded, not a waiting status/],
    [{ contentor: { queued: '2h' } }, /contentor "queued" is not a status this receiver knows/],
    [{ contentor: { processing: '2 weeks' } }, /stallDeadlines\.contentor\.processing: "2 weeks" is not a duration such as "90m"/],
    [{ contentor: { processing: 0 } }, /at least 1/],
    [{ contentor: { processing: 1.5 } }, /whole minutes/],
    [{ other: {} }, /stallDeadlines/],
    ['not json', /stallDeadlines: stallDeadlines must be a JSON object by provider/],
  ])('rejects %j with a message naming the entry', (input, message) => {
    expect(() => parseStallDeadlines(input)).toThrow(StallDeadlinesError);
    expect(() => parseStallDeadlines(input)).toThrow(message);
  });

  it('survives the round trip through the function environment, including a default switched off', () => {
    const rules = parseStallDeadlines({ panjaya: { version_ready: 'off' }, contentor: { processing: '3h' } });
    expect(parseStallDeadlines(serialiseStallDeadlines(rules))).toEqual(rules);
  });

  it.each([
    [45, '45 min'],
    [120, '2 h'],
    [90, '1 h 30 min'],
    [2880, '48 h'],
  ])('says %i minutes as "%s"', (minutes, words) => {
    expect(formatMinutes(minutes)).toBe(words);
  });
});

describe('judging a stall', () => {
  const s = state({ updatedAt: '2026-11-23T07:00:00.000Z' });

  it('is not due one millisecond before the deadline', () => {
    expect(judgeStall(s, defaults, at('2026-11-23T08:59:59.999Z'))).toBeUndefined();
  });

  it('is due exactly at the deadline, and says when it became due', () => {
    expect(judgeStall(s, defaults, at('2026-11-23T09:00:00.000Z'))).toEqual({ rule: deadlineFor(s, defaults), dueAt: '2026-11-23T09:00:00.000Z' });
  });

  it('uses the deadline of the provider status the job is in', () => {
    const generating = state({ provider: 'panjaya', jobId: 'A1/v1', partitionId: 'A1', eventType: 'version_generating' });
    expect(judgeStall(generating, defaults, at('2026-11-23T09:59:59.999Z'))).toBeUndefined();
    expect(judgeStall(generating, defaults, at('2026-11-23T10:00:00.000Z'))).toBeDefined();
    const ready = state({ provider: 'panjaya', jobId: 'A1/v1', partitionId: 'A1', eventType: 'version_ready', status: 'ready' });
    expect(judgeStall(ready, defaults, at('2026-11-25T06:59:59.999Z'))).toBeUndefined();
    expect(judgeStall(ready, defaults, at('2026-11-25T07:00:00.000Z'))).toBeDefined();
  });

  it('matches provider status names the way the lifecycle does (case and surrounding spaces)', () => {
    expect(judgeStall(state({ eventType: ' Processing ' }), defaults, at('2026-11-23T09:00:00.000Z'))).toBeDefined();
  });

  it('never stalls a status without a deadline: terminal, unknown, or switched off', () => {
    const late = at('2026-12-31T00:00:00.000Z');
    expect(judgeStall(state({ status: 'succeeded', eventType: 'completed' }), defaults, late)).toBeUndefined();
    expect(judgeStall(state({ status: 'unknown', eventType: 'queued' }), defaults, late)).toBeUndefined();
    expect(judgeStall(state({ status: 'stalled' }), defaults, late)).toBeUndefined();
    const off = parseStallDeadlines({ contentor: { processing: 'off' } });
    expect(judgeStall(s, off, late)).toBeUndefined();
  });

  it('queries each swept status only as far back as its shortest deadline, including items exactly at the cutoff', () => {
    const now = at('2026-11-23T12:00:00.000Z');
    const queries = sweepQueries(defaults, now);
    expect(queries.map((q) => [q.status, q.cutoff])).toEqual([
      ['in_progress', '2026-11-23T10:00:00.000Z'],
      ['ready', '2026-11-21T12:00:00.000Z'],
    ]);
    const [inProgress] = queries;
    expect(keys.statusSort('2026-11-23T10:00:00.000Z', 'contentor', uuid) < (inProgress?.sortKeyBefore ?? '')).toBe(true);
    expect(keys.statusSort('2026-11-23T10:00:00.001Z', 'contentor', uuid) < (inProgress?.sortKeyBefore ?? '')).toBe(false);
    expect(sweepQueries(parseStallDeadlines({ panjaya: { version_ready: 'off' } }), now).map((q) => q.status)).toEqual(['in_progress']);
  });
});

describe('the stall write', () => {
  const s = state();
  const now = at('2026-11-23T09:05:00.000Z');
  // Built in a hook, not while the file loads: a broken rule must fail these tests, not stop the file.
  let judgement: NonNullable<ReturnType<typeof judgeStall>>;
  let event: ReturnType<typeof buildStall>['event'];
  let transition: ReturnType<typeof buildStall>['state'];
  beforeAll(() => {
    const due = judgeStall(s, defaults, now);
    if (!due) throw new Error('fixture must be due');
    judgement = due;
    ({ event, state: transition } = buildStall(s, judgement, now, 90));
  });

  it('is a valid event item that the fan-out filter passes and that notifies the failed topic', () => {
    expect(EventItemSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      status: 'stalled',
      notifyTopic: 'failed',
      gsi2pk: PENDING_PARTITION,
      eventType: 'processing',
      receivedAt: now.toISOString(),
      occurredAt: '2026-11-23T09:00:00.000Z',
    });
    expect(matchesStreamFilter({ eventName: 'INSERT', dynamodb: { NewImage: { itemType: { S: 'event' }, notifyTopic: { S: 'failed' } } } })).toBe(true);
  });

  it('has an id fixed by the job and the state it stalls, and a new one after new activity', () => {
    expect(event.eventId).toBe(stallEventId(s));
    expect(buildStall(s, judgement, at('2026-11-23T10:00:00.000Z'), 90).event.eventId).toBe(event.eventId);
    expect(stallEventId({ ...s, eventId: 'f'.repeat(32) })).not.toBe(event.eventId);
    expect(stallEventId({ ...s, jobId: 'other' })).not.toBe(event.eventId);
  });

  it('sorts in the job history right after the event it stalls and before any later event', () => {
    const history = [s.orderKey, `2026-11-23T06:59:58.000Z#03#${'0'.repeat(32)}`, `2026-11-23T08:00:00.000Z#02#${'0'.repeat(32)}`].map((o) =>
      keys.event(s.jobId, o),
    );
    expect([...history, event.sk].sort()).toEqual([history[0], event.sk, history[1], history[2]]);
    const panjaya = state({ provider: 'panjaya', jobId: 'A1/v1', partitionId: 'A1', eventType: 'version_generating', orderKey: '0000000003', seq: 3 });
    const stall = buildStall(panjaya, { rule: deadlineFor(panjaya, defaults) ?? judgement.rule, dueAt: now.toISOString() }, now, 90).event;
    expect([keys.event('A1/v1', '0000000004'), stall.sk, keys.event('A1/v1', '0000000003')].sort()).toEqual([
      keys.event('A1/v1', '0000000003'),
      stall.sk,
      keys.event('A1/v1', '0000000004'),
    ]);
  });

  it('updates only status, time and index keys, on condition that the state is still the judged one', () => {
    expect(transition.set).toEqual({ status: 'stalled', updatedAt: now.toISOString() });
    expect(transition.increments).toBeUndefined();
    expect(transition.key).toEqual({ pk: s.pk, sk: keys.state(s.jobId) });
    expect(transition.requires).toEqual({ kind: 'unchanged', fields: { eventId: s.eventId, status: 'in_progress' } });
    // The job entered `stalled` now: statusSince moves with the index sort key.
    expect(transition.index).toEqual({
      statusSince: now.toISOString(),
      gsi1pk: 'STATUS#stalled',
      gsi1sk: keys.statusSort(now.toISOString(), 'contentor', uuid),
    });
  });

  it('carries the watchdog payload the notification is worded from', () => {
    expect(StallPayloadSchema.parse(JSON.parse(Buffer.from(event.body ?? []).toString('utf8')))).toEqual({
      watchdog: 'stalled',
      stalledStatus: 'in_progress',
      stalledEventType: 'processing',
      stalledEventId: s.eventId,
      lastEventOccurredAt: s.occurredAt,
      waitingSince: s.updatedAt,
      deadlineMinutes: 120,
      deadline: '2 h',
      dueAt: '2026-11-23T09:00:00.000Z',
      detectedAt: now.toISOString(),
    });
  });

  it('reads as a stall in the e-mail, with status attribute stalled', () => {
    const notification = buildNotification(event, { jobsCommandHint: 'npm run jobs -- get' });
    expect(notification.topic).toBe('failed');
    expect(notification.attributes).toEqual({ provider: 'contentor', status: 'stalled', eventType: 'processing' });
    expect(buildSubject(event)).toBe(`[STALLED] Contentor job ${uuid} stalled: no callback for 2 h`);
    const email = buildEmailText(event, { jobsCommandHint: 'npm run jobs -- get' });
    expect(email).toContain('No callback for 2 h since processing at 2026-11-23T07:00:00.000Z');
    expect(email).toMatch(/Waiting since: +2026-11-23T07:00:00.000Z/);
    expect(email).toContain(`npm run jobs -- get contentor ${uuid}`);
  });

  it('words a version_ready stall as a reminder about a person, not a provider fault', () => {
    const ready = state({
      provider: 'panjaya',
      jobId: 'A1/v1',
      partitionId: 'A1',
      eventType: 'version_ready',
      status: 'ready',
      orderKey: '0000000001',
      seq: 1,
    });
    const later = at('2026-11-25T08:00:00.000Z');
    const verdict = judgeStall(ready, defaults, later);
    if (!verdict) throw new Error('fixture must be due');
    const stall = buildStall(ready, verdict, later, 90).event;
    expect(buildSubject(stall)).toBe('[STALLED] Panjaya version A1/v1 stalled: no callback for 48 h');
    expect(buildEmailText(stall, { jobsCommandHint: 'npm run jobs -- get' })).toContain('Reminder: no callback for 48 h since version_ready');
  });
});

/** In-memory store: records the writes and answers with scripted outcomes. */
class MemoryStore implements WatchdogStore {
  writes: string[] = [];
  outcomes: Array<StallWriteOutcome | Error> = [];
  constructor(private readonly states: Record<string, StateItem[]>) {}
  async statesBefore(status: string, before: string) {
    return { states: (this.states[status] ?? []).filter((s) => s.gsi1sk < before), invalid: 0 };
  }
  async writeStall(event: { jobId: string }) {
    this.writes.push(event.jobId);
    const next = this.outcomes.shift() ?? 'stalled';
    if (next instanceof Error) throw next;
    return next;
  }
}

describe('a sweep', () => {
  const log = { info: () => undefined, error: () => undefined };
  const now = () => at('2026-11-23T09:30:00.000Z');

  it('writes a stall for each due job only, and reports those another writer got to first', async () => {
    const due = state({ jobId: 'due', updatedAt: '2026-11-23T07:00:00.000Z' });
    const fresh = state({ jobId: 'fresh', updatedAt: '2026-11-23T08:00:00.000Z' });
    const generating = state({ provider: 'panjaya', jobId: 'A/v', partitionId: 'A', eventType: 'version_generating', updatedAt: '2026-11-23T07:00:00.000Z' });
    const raced = state({ jobId: 'raced', updatedAt: '2026-11-23T06:00:00.000Z' });
    const store = new MemoryStore({ in_progress: [raced, due, generating, fresh] });
    store.outcomes = ['superseded', 'stalled'];
    const result = await sweep({ store, deadlines: defaults, retentionDays: 90, now, log });
    expect(store.writes).toEqual(['raced', 'due']);
    expect(result).toMatchObject({ examined: 3, skipped: 1, failures: [] });
    expect(result.stalled.map((j) => j.jobId)).toEqual(['due']);
  });

  it('carries on past a failed write and reports it', async () => {
    const store = new MemoryStore({ in_progress: [state({ jobId: 'a' }), state({ jobId: 'b' })] });
    store.outcomes = [new Error('throttled')];
    const result = await sweep({ store, deadlines: defaults, retentionDays: 90, now, log });
    expect(result.failures).toEqual([{ jobId: 'a', reason: 'Error: throttled' }]);
    expect(result.stalled.map((j) => j.jobId)).toEqual(['b']);
  });
});
