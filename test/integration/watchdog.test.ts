/**
 * The watchdog end to end on the emulators: real events stored by the event store, sweeps with an injected clock
 * through the real handler and DynamoDB store, the stall notified by the real fan-out (stream -> poller -> fauxqs).
 */
import { randomUUID } from 'node:crypto';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { DynamoJobQueries } from '../../lambda/adapters/dynamo-job-queries';
import { DynamoWatchdogStore } from '../../lambda/adapters/dynamo-watchdog-store';
import { makeTelemetry } from '../../lambda/adapters/telemetry';
import type { StateItem } from '../../lambda/core/items';
import { parseStallDeadlines, StallPayloadSchema, type WatchdogStore } from '../../lambda/core/watchdog';
import { makeWatchdogHandler } from '../../lambda/handlers/watchdog/handler';
import { readLocalConfig } from '../../local/config';
import { startWatchdog } from '../../local/watchdog-wiring';
import { dynamoEndpoint } from '../helpers/aws-local';
import { contentorEvent, panjayaEvent } from '../helpers/events';
import { fanoutHarness, takeAll, type Received } from '../helpers/fanout-harness';

const T0 = Date.parse('2026-11-23T07:00:00.000Z');
const HOUR = 3_600_000;
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

let h: Awaited<ReturnType<typeof fanoutHarness>>;
let events: DynamoEventStore;
let queries: DynamoJobQueries;
let watchdogStore: DynamoWatchdogStore;

beforeEach(async () => {
  // A table per test: a sweep reads every job in it, and each test counts notifications exactly.
  h = await fanoutHarness();
  const client = makeDocumentClient({ endpoint: dynamoEndpoint() });
  events = new DynamoEventStore({ client, tableName: h.table.tableName, retentionDays: 30 });
  queries = new DynamoJobQueries({ client, tableName: h.table.tableName });
  watchdogStore = new DynamoWatchdogStore(client, h.table.tableName);
});
afterEach(async () => {
  await h.poller.stop();
  await h.table.drop();
});

const telemetry = makeTelemetry('watchdog-test');
telemetry.logger.setLogLevel('SILENT');
const deadlines = parseStallDeadlines(undefined);

/** One sweep at T0 + offset through the real handler. */
function sweepAt(offsetMs: number, store: WatchdogStore = watchdogStore) {
  return makeWatchdogHandler({ store, deadlines, retentionDays: 30, telemetry, now: () => new Date(T0 + offsetMs) })();
}

/** Lets the fan-out deliver everything written so far, then takes what the all-topics queue got. */
async function delivered(): Promise<Received[]> {
  await h.poller.drain();
  return takeAll(h.sqs, h.all.queueUrl);
}

const summary = (received: Received[]) => received.map((r) => `${r.document.status}:${r.document.eventType}`);

async function processingJob(uuid = randomUUID()) {
  await events.store(contentorEvent({ uuid, status: 'processing', timestamp: iso(-1000) }), iso(0));
  return uuid;
}

describe('watchdog: sweeps against DynamoDB Local, notifications through the fan-out', () => {
  it('gives a job left in processing past its deadline exactly one stalled notification', async () => {
    const uuid = await processingJob();
    expect((await sweepAt(2 * HOUR - 1)).stalled).toEqual([]);
    expect(await delivered()).toEqual([]);

    const result = await sweepAt(2 * HOUR + 5000);
    expect(result.stalled.map((j) => j.jobId)).toEqual([uuid]);
    const received = await delivered();
    expect(summary(received)).toEqual(['stalled:processing']);
    const [stall] = received;
    expect(stall?.envelope.MessageAttributes?.status?.Value).toBe('stalled');
    expect(stall?.document).toMatchObject({
      provider: 'contentor',
      jobId: uuid,
      status: 'stalled',
      eventId: result.stalled[0]?.eventId,
      occurredAt: iso(2 * HOUR),
    });
    expect(StallPayloadSchema.parse(stall?.document.payload)).toMatchObject({ stalledEventType: 'processing', waitingSince: iso(0), deadline: '2 h' });

    // Later sweeps find the job in `stalled`, not in `in_progress`: nothing more.
    await sweepAt(3 * HOUR);
    await sweepAt(30 * HOUR);
    expect(await delivered()).toEqual([]);
    const state = await queries.getJob('contentor', uuid, uuid);
    expect(state).toMatchObject({ status: 'stalled', eventType: 'processing', updatedAt: iso(2 * HOUR + 5000) });
    expect((await queries.byStatusSince('stalled', iso(0))).map((s) => s.jobId)).toEqual([uuid]);
    expect((await queries.history('contentor', uuid, uuid)).map((e) => e.status)).toEqual(['in_progress', 'stalled']);
  });

  it('finds a job by when it entered in_progress but judges it by its last event', async () => {
    const uuid = await processingJob();
    // Same status: the index entry stays at 0, the state's updatedAt moves to 1.5 h.
    await events.store(contentorEvent({ uuid, status: 'uploading', timestamp: iso(1.5 * HOUR) }), iso(1.5 * HOUR));

    const early = await sweepAt(2 * HOUR + 5000);
    expect(early).toMatchObject({ examined: 1, stalled: [] });
    const late = await sweepAt(3.5 * HOUR);
    expect(late.stalled.map((j) => j.jobId)).toEqual([uuid]);
    const [stall] = await delivered();
    expect(StallPayloadSchema.parse(stall?.document.payload)).toMatchObject({ stalledEventType: 'uploading', waitingSince: iso(1.5 * HOUR) });
  });

  it('lets a late completed win over the stall and notify as usual', async () => {
    const uuid = await processingJob();
    await sweepAt(2 * HOUR);
    expect(summary(await delivered())).toEqual(['stalled:processing']);

    // A provider retry of the event the job stalled on is a duplicate: the job stays stalled.
    expect((await events.store(contentorEvent({ uuid, status: 'processing', timestamp: iso(-1000) }), iso(2.5 * HOUR))).outcome).toBe('duplicate');
    expect((await queries.getJob('contentor', uuid, uuid))?.status).toBe('stalled');

    await events.store(contentorEvent({ uuid, status: 'completed', timestamp: iso(2.9 * HOUR) }), iso(3 * HOUR));
    expect(summary(await delivered())).toEqual(['succeeded:completed']);
    expect(await queries.getJob('contentor', uuid, uuid)).toMatchObject({ status: 'succeeded', eventType: 'completed' });
    await sweepAt(10 * HOUR);
    expect(await delivered()).toEqual([]);
  });

  it('does not double-notify when sweeps run concurrently, or when the index still shows a stalled job', async () => {
    const jobs = await Promise.all(Array.from({ length: 5 }, () => processingJob()));
    const results = await Promise.all(Array.from({ length: 4 }, () => sweepAt(2 * HOUR + 1000)));
    expect(results.flatMap((r) => r.stalled.map((j) => j.jobId)).sort()).toEqual([...jobs].sort());
    expect(results.every((r) => r.failures.length === 0)).toBe(true);

    // The byStatus index is eventually consistent in AWS: replay a read taken before the stalls were written.
    const stale: StateItem[] = [];
    for (const uuid of jobs) {
      const now = await queries.getJob('contentor', uuid, uuid);
      if (now) stale.push({ ...now, status: 'in_progress' });
    }
    expect(stale).toHaveLength(jobs.length);
    const lagging: WatchdogStore = { statesBefore: async () => ({ states: stale, invalid: 0 }), writeStall: (e, u) => watchdogStore.writeStall(e, u) };
    expect((await sweepAt(2 * HOUR + 2000, lagging)).stalled).toEqual([]);

    const received = await delivered();
    expect(received.map((r) => r.document.jobId).sort()).toEqual([...jobs].sort());
    expect(new Set(received.map((r) => r.document.status))).toEqual(new Set(['stalled']));
  });

  it('never stalls a job whose state a real event moved after the sweep read the index', async () => {
    const uuid = await processingJob();
    const racing: WatchdogStore = {
      statesBefore: async (status, before, limit) => {
        const read = await watchdogStore.statesBefore(status, before, limit);
        await events.store(contentorEvent({ uuid, status: 'uploading', timestamp: iso(2 * HOUR) }), iso(2 * HOUR));
        return read;
      },
      writeStall: (e, u) => watchdogStore.writeStall(e, u),
    };
    const result = await sweepAt(2 * HOUR + 1000, racing);
    expect(result).toMatchObject({ stalled: [], skipped: 1, failures: [] });
    expect(await delivered()).toEqual([]);
    expect((await queries.history('contentor', uuid, uuid)).map((e) => e.eventType)).toEqual(['processing', 'uploading']);
    expect((await queries.getJob('contentor', uuid, uuid))?.status).toBe('in_progress');
  });

  it('notifies a second stall after new activity', async () => {
    const uuid = await processingJob();
    const first = await sweepAt(2 * HOUR);
    await events.store(contentorEvent({ uuid, status: 'uploading', timestamp: iso(3 * HOUR) }), iso(3 * HOUR));
    expect((await sweepAt(4 * HOUR)).stalled).toEqual([]);
    const second = await sweepAt(5 * HOUR);
    const received = await delivered();
    expect(summary(received)).toEqual(['stalled:processing', 'stalled:uploading']);
    expect(second.stalled[0]?.eventId).not.toBe(first.stalled[0]?.eventId);
    expect((await queries.history('contentor', uuid, uuid)).map((e) => `${e.status}:${e.eventType}`)).toEqual([
      'in_progress:processing',
      'stalled:processing',
      'in_progress:uploading',
      'stalled:uploading',
    ]);
  });

  it('applies per-status deadlines: Panjaya generation after 3 h, version_ready as a 48 h reminder', async () => {
    await events.store(panjayaEvent({ assetId: 'A1', versionId: 'v1', event: 'version_generating' }), iso(0));
    await events.store(panjayaEvent({ assetId: 'A1', versionId: 'v2', event: 'version_ready' }), iso(0));
    expect((await sweepAt(3 * HOUR - 1)).stalled).toEqual([]);
    expect((await sweepAt(3 * HOUR)).stalled.map((j) => j.jobId)).toEqual(['A1/v1']);
    expect((await sweepAt(48 * HOUR)).stalled.map((j) => j.jobId)).toEqual(['A1/v2']);
    const received = await delivered();
    expect(received.map((r) => `${r.document.jobId}:${r.document.eventType}`)).toEqual(['A1/v1:version_generating', 'A1/v2:version_ready']);
    expect(received.map((r) => r.envelope.Subject)).toEqual([
      '[STALLED] Panjaya version A1/v1 stalled: no callback for 3 h',
      '[STALLED] Panjaya version A1/v2 stalled: no callback for 48 h',
    ]);

    // A regeneration after the stall is new activity: it stores, moves the state and notifies its outcome.
    await events.store(panjayaEvent({ assetId: 'A1', versionId: 'v1', event: 'version_generated' }), iso(49 * HOUR));
    expect(summary(await delivered())).toEqual(['succeeded:version_generated']);
    expect((await queries.getJob('panjaya', 'A1', 'A1/v1'))?.status).toBe('succeeded');
  });
});

describe('local stack watchdog (npm start)', () => {
  const recent = (ms: number) => new Date(Date.now() - ms).toISOString();

  it('sweeps at start with the LOCAL_STALL_DEADLINES override and reports the stall', async () => {
    const uuid = randomUUID();
    await events.store(contentorEvent({ uuid, status: 'processing', timestamp: recent(3 * 60_000) }), recent(2 * 60_000));
    const lines: string[] = [];
    const env = { LOCAL_WATCHDOG_INTERVAL_MS: '60000' };
    const functionEnv = { TABLE_NAME: h.table.tableName, DYNAMODB_ENDPOINT: dynamoEndpoint(), STALL_DEADLINES: '{"contentor":{"processing":"1m"}}' };
    // The first sweep runs at once; stop() waits for it and cancels the next.
    await startWatchdog({ functionEnv, log: (l) => lines.push(l), env }).stop();
    expect((await queries.getJob('contentor', uuid, uuid))?.status).toBe('stalled');
    expect(lines).toContain(`watchdog: contentor ${uuid} stalled in processing (event ${(await queries.history('contentor', uuid, uuid))[1]?.eventId})`);
    expect(summary(await delivered())).toEqual(['stalled:processing']);
  });

  it('refuses a bad override, naming the variable, and can be switched off', async () => {
    const functionEnv = { TABLE_NAME: h.table.tableName, DYNAMODB_ENDPOINT: dynamoEndpoint(), STALL_DEADLINES: '{"contentor":{"processing":"1m"}}' };
    const start = (env: Record<string, string>) => startWatchdog({ functionEnv, log: () => undefined, env });
    // npm start checks the override with the rest of its environment (local/config.ts), naming the variable.
    expect(() => readLocalConfig({ LOCAL_STALL_DEADLINES: '{"contentor":{"completed":"1m"}}' })).toThrow(/LOCAL_STALL_DEADLINES\.contentor\.completed/);
    expect(() => start({ LOCAL_WATCHDOG_INTERVAL_MS: 'soon' })).toThrow(/LOCAL_WATCHDOG_INTERVAL_MS/);
    const uuid = randomUUID();
    await events.store(contentorEvent({ uuid, status: 'processing', timestamp: recent(3 * 60_000) }), recent(2 * 60_000));
    await start({ LOCAL_WATCHDOG_INTERVAL_MS: '0' }).stop();
    expect((await queries.getJob('contentor', uuid, uuid))?.status).toBe('in_progress');
  });
});
