import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { stateUpdateRequest } from '../../lambda/adapters/state-update-expressions';
import { DependencyError } from '../../lambda/core/errors';
import { freePort } from '../../local/emulators';
import { dynamoEndpoint } from '../helpers/aws-local';
import { type EventStoreTable, openEventStoreTable } from '../helpers/event-store-table';
import { contentorEvent, panjayaEvent } from '../helpers/events';
import { transitionWalk } from '../helpers/state-transitions';

const RETENTION_DAYS = 30;
let db: EventStoreTable;

beforeAll(async () => {
  db = await openEventStoreTable(RETENTION_DAYS);
});
afterAll(() => db.close());

/** A fresh Panjaya version job. */
const version = () => ({ assetId: `asset-${randomUUID()}`, versionId: 'v1' });

/** Receive times a minute apart, so tests can state arrival order explicitly. */
const at = (minute: number) => new Date(Date.UTC(2025, 3, 9, 16, minute)).toISOString();
const atSeconds = (second: number) => new Date(Date.UTC(2025, 3, 9, 16, 0, second)).toISOString();

/**
 * Concurrent writers as providers are: a 503 (a lost race past the bounded retries, or DynamoDB Local timing out on a
 * busy machine) is retried a few times with the same delivery, which must then complete exactly once.
 */
async function storeLikeProvider(event: Parameters<DynamoEventStore['store']>[0], receivedAt: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.store.store(event, receivedAt);
    } catch (error) {
      if (!(error instanceof DependencyError) || attempt === 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/**
 * A store whose client fails the first state UpdateItem with a server error: the half-done write (event stored, state
 * not moved) that DynamoDB Local cannot produce on its own. Only the request is faulted; the SDK itself is real.
 */
function storeFailingFirstStateUpdate(): DynamoEventStore {
  const faulty = makeDocumentClient({ endpoint: dynamoEndpoint(), maxAttempts: 1 });
  db.opened.push(faulty);
  let failed = false;
  faulty.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { UpdateExpression?: unknown };
      if (!failed && input.UpdateExpression !== undefined) {
        failed = true;
        throw Object.assign(new Error('injected fault'), { name: 'InternalServerError' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'failFirstStateUpdate' },
  );
  return new DynamoEventStore({ client: faulty, tableName: db.table.tableName, retentionDays: RETENTION_DAYS });
}

describe('Contentor events (provider timestamp)', () => {
  it('accepts a new event once and answers duplicate with the same id after', async () => {
    const event = contentorEvent({ status: 'processing' });
    const first = await db.store.store(event, at(0));
    const again = await db.store.store(event, at(1));
    expect(first.outcome).toBe('accepted');
    expect(again).toMatchObject({ outcome: 'duplicate', eventId: first.eventId });
    expect(await db.queries.history('contentor', event.jobId, event.jobId)).toHaveLength(1);
  });

  it('accepts exactly one of 20 concurrent identical deliveries', async () => {
    const event = contentorEvent({ status: 'completed' });
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => storeLikeProvider(event, at(0))));
    expect(outcomes.filter((o) => o.outcome === 'accepted')).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.eventId)).size).toBe(1);
    expect(await db.queries.history('contentor', event.jobId, event.jobId)).toHaveLength(1);
    expect(await db.queries.getJob('contentor', event.jobId, event.jobId)).toMatchObject({ status: 'succeeded', seq: 1 });
  });

  it('keeps a job completed when an older processing event arrives late, and still stores it in history', async () => {
    const uuid = randomUUID();
    const completed = contentorEvent({ uuid, status: 'completed', timestamp: '2025-04-09T15:40:00Z' });
    const processing = contentorEvent({ uuid, status: 'processing', timestamp: '2025-04-09T15:35:00Z' });
    await db.store.store(completed, at(0));
    expect((await db.store.store(processing, at(1))).outcome).toBe('accepted');

    const state = await db.queries.getJob('contentor', uuid, uuid);
    expect(state).toMatchObject({ status: 'succeeded', eventType: 'completed', updatedAt: at(0), occurredAt: '2025-04-09T15:40:00.000Z' });
    const history = await db.queries.history('contentor', uuid, uuid);
    expect(history.map((e) => e.eventType)).toEqual(['processing', 'completed']);
  });

  it('moves a job forward to a newer event', async () => {
    const uuid = randomUUID();
    await db.store.store(contentorEvent({ uuid, status: 'downloading', timestamp: '2025-04-09T15:30:00Z' }), at(0));
    await db.store.store(contentorEvent({ uuid, status: 'failed', timestamp: '2025-04-09T15:31:00Z' }), at(1));
    expect(await db.queries.getJob('contentor', uuid, uuid)).toMatchObject({ status: 'failed', seq: 2, updatedAt: at(1) });
  });

  it.each([
    ['completed first', ['completed', 'processing']],
    ['processing first', ['processing', 'completed']],
  ])('breaks a same-timestamp tie by lifecycle rank (%s)', async (_name, order) => {
    const uuid = randomUUID();
    for (const [i, status] of order.entries()) await db.store.store(contentorEvent({ uuid, status, timestamp: '2025-04-09T15:30:45Z' }), at(i));
    expect(await db.queries.getJob('contentor', uuid, uuid)).toMatchObject({ status: 'succeeded' });
  });

  it('stores an unknown status as an unknown event', async () => {
    const event = contentorEvent({ status: 'teleporting' });
    expect((await db.store.store(event, at(0))).outcome).toBe('accepted');
    const [item] = await db.queries.history('contentor', event.jobId, event.jobId);
    expect(item).toMatchObject({ status: 'unknown', eventType: 'teleporting' });
    expect(item).not.toHaveProperty('gsi2pk');
    expect(await db.queries.getJob('contentor', event.jobId, event.jobId)).toMatchObject({ status: 'unknown' });
  });

  it('stores the body as the exact bytes received and sets the TTL attribute from the retention', async () => {
    const event = contentorEvent({ status: 'completed', extra: { output: { url: 'https://example.test/v.mp4', bytes: 12 } } });
    await db.store.store(event, at(0));
    const [item] = await db.queries.history('contentor', event.jobId, event.jobId);
    expect(Buffer.from(item?.body ?? []).equals(Buffer.from(event.body))).toBe(true);
    expect(item?.expiresAt).toBe(Date.parse(at(0)) / 1000 + RETENTION_DAYS * 86_400);
  });

  it('completes a half-done write on retry: state correct, outcome duplicate, one event item', async () => {
    const event = contentorEvent({ status: 'completed' });
    await expect(storeFailingFirstStateUpdate().store(event, at(0))).rejects.toBeInstanceOf(DependencyError);
    expect(await db.queries.getJob('contentor', event.jobId, event.jobId)).toBeUndefined();

    const retry = await db.store.store(event, at(1));
    expect(retry.outcome).toBe('duplicate');
    expect(await db.queries.getJob('contentor', event.jobId, event.jobId)).toMatchObject({ status: 'succeeded', eventId: retry.eventId });
    expect(await db.queries.history('contentor', event.jobId, event.jobId)).toHaveLength(1);
  });
});

describe('Contentor state writes (compare-and-set on the state read)', () => {
  it('ends at the newest of 12 concurrent different events, each stored once', async () => {
    const uuid = randomUUID();
    const statuses = ['downloading', 'processing', 'uploading', 'failed', 'processing', 'completed'];
    const events = Array.from({ length: 12 }, (_, i) =>
      contentorEvent({ uuid, status: statuses[i % statuses.length], timestamp: `2025-04-09T15:${String(10 + i)}:00Z` }),
    );
    const outcomes = await Promise.all([...events].reverse().map((event) => storeLikeProvider(event, at(0))));
    expect(outcomes.every((o) => o.outcome === 'accepted')).toBe(true);
    expect(await db.queries.history('contentor', uuid, uuid)).toHaveLength(12);
    const newest = events[11];
    expect(await db.queries.getJob('contentor', uuid, uuid)).toMatchObject({ eventType: newest?.eventType, status: newest?.status });
    expect(await db.queries.byStatusSince(newest?.status ?? '', at(0))).toEqual(expect.arrayContaining([expect.objectContaining({ jobId: uuid })]));
  });

  it('re-reads and moves the index when the status changed between its read and its write (a stall)', async () => {
    const uuid = randomUUID();
    await db.store.store(contentorEvent({ uuid, status: 'processing', timestamp: '2025-04-09T15:30:00Z' }), at(0));
    // The watchdog's write lands between this store's state read and its state write.
    const racing = makeDocumentClient({ endpoint: dynamoEndpoint() });
    db.opened.push(racing);
    let raced = false;
    racing.middlewareStack.add(
      (next) => async (args) => {
        if (!raced && (args.input as { UpdateExpression?: unknown }).UpdateExpression !== undefined) {
          raced = true;
          await db.client.send(
            new UpdateCommand({
              TableName: db.table.tableName,
              Key: { pk: `JOB#contentor#${uuid}`, sk: `STATE#${uuid}` },
              UpdateExpression: 'SET #s = :s, gsi1pk = :p',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':s': 'stalled', ':p': 'STATUS#stalled' },
            }),
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'stallBeforeStateWrite' },
    );
    const racingStore = new DynamoEventStore({ client: racing, tableName: db.table.tableName, retentionDays: RETENTION_DAYS });
    const out = await racingStore.store(contentorEvent({ uuid, status: 'uploading', timestamp: '2025-04-09T15:31:00Z' }), at(1));
    // 1 (event) + 1 estimated (lost condition) + 1 (state) + 2 (index: stalled → in_progress); 2 state reads.
    expect(out).toMatchObject({ outcome: 'accepted', writeUnits: 5, readUnits: 2 });
    expect(await db.queries.getJob('contentor', uuid, uuid)).toMatchObject({
      status: 'in_progress',
      eventType: 'uploading',
      statusSince: at(1),
      gsi1pk: 'STATUS#in_progress',
    });
  });

  it('gives up with DependencyError (503) when the state keeps changing under it', async () => {
    const event = contentorEvent({ status: 'completed' });
    const losing = makeDocumentClient({ endpoint: dynamoEndpoint(), maxAttempts: 1 });
    db.opened.push(losing);
    losing.middlewareStack.add(
      (next) => async (args) => {
        if ((args.input as { UpdateExpression?: unknown }).UpdateExpression !== undefined) {
          throw Object.assign(new Error('injected lost race'), { name: 'ConditionalCheckFailedException' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'alwaysLoseTheRace' },
    );
    const losingStore = new DynamoEventStore({ client: losing, tableName: db.table.tableName, retentionDays: RETENTION_DAYS, maxStateAttempts: 3 });
    await expect(losingStore.store(event, at(0))).rejects.toMatchObject({ name: 'DependencyError', httpStatus: 503 });
    // The event is stored; a retry completes the state.
    expect((await db.store.store(event, at(1))).outcome).toBe('duplicate');
    expect(await db.queries.getJob('contentor', event.jobId, event.jobId)).toMatchObject({ status: 'succeeded' });
  });
});

describe('Panjaya events (arrival sequence)', () => {
  it('treats an identical body as a duplicate while the job has not moved on', async () => {
    const job = version();
    const first = await db.store.store(panjayaEvent({ ...job, event: 'version_generating' }), at(0));
    const again = await db.store.store(panjayaEvent({ ...job, event: 'version_generating' }), at(1));
    expect(first.outcome).toBe('accepted');
    expect(again).toEqual(expect.objectContaining({ outcome: 'duplicate', eventId: first.eventId }));
  });

  it('treats a regeneration cycle past the retry window as new events, each terminal one pending notification', async () => {
    const job = version();
    const generated = panjayaEvent({ ...job, event: 'version_generated' });
    const generating = panjayaEvent({ ...job, event: 'version_generating' });
    const outcomes = [
      await db.store.store(generated, atSeconds(0)),
      await db.store.store(generating, atSeconds(700)),
      await db.store.store(generated, atSeconds(1400)),
    ];
    expect(outcomes.map((o) => o.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(new Set(outcomes.map((o) => o.eventId)).size).toBe(3);
    expect((await db.store.store(generated, atSeconds(5000))).outcome).toBe('duplicate');

    const jobId = `${job.assetId}/v1`;
    const pending = (await db.queries.pendingNotifications(atSeconds(6000), 10_000)).filter((e) => e.jobId === jobId);
    expect(pending.map((e) => e.orderKey)).toEqual(['0000000001', '0000000003']);
    expect(await db.queries.getJob('panjaya', job.assetId, jobId)).toMatchObject({ status: 'succeeded', seq: 3, eventId: outcomes[2]?.eventId });
  });

  it('treats the same body within the retry window as a retry even after the job moved on, without rolling back', async () => {
    const job = version();
    const generated = panjayaEvent({ ...job, event: 'version_generated' });
    const generating = panjayaEvent({ ...job, event: 'version_generating' });
    const outcomes = [
      await db.store.store(generated, atSeconds(0)),
      await db.store.store(generating, atSeconds(30)),
      await db.store.store(generated, atSeconds(60)),
    ];
    expect(outcomes.map((o) => o.outcome)).toEqual(['accepted', 'accepted', 'duplicate']);
    expect(outcomes[2]?.eventId).toBe(outcomes[0]?.eventId);
    const jobId = `${job.assetId}/v1`;
    // The earlier stage arriving after its own outcome is kept in the history but does not move the state.
    expect(await db.queries.getJob('panjaya', job.assetId, jobId)).toMatchObject({ status: 'succeeded', seq: 2, eventId: outcomes[0]?.eventId });
    expect((await db.queries.pendingNotifications(atSeconds(100), 10_000)).filter((e) => e.jobId === jobId)).toHaveLength(1);
  });

  it('never notifies twice nor rolls back under 30 overlapping copies of one cycle', async () => {
    const job = version();
    const generating = panjayaEvent({ ...job, event: 'version_generating' });
    const generated = panjayaEvent({ ...job, event: 'version_generated' });
    const copies = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? generating : generated));
    const outcomes = await Promise.all(copies.map((event, i) => storeLikeProvider(event, atSeconds(i % 5))));
    expect(outcomes.filter((o) => o.outcome === 'accepted')).toHaveLength(2);
    const jobId = `${job.assetId}/v1`;
    expect(await db.queries.getJob('panjaya', job.assetId, jobId)).toMatchObject({ status: 'succeeded', eventType: 'version_generated' });
    expect((await db.queries.pendingNotifications(atSeconds(100), 10_000)).filter((e) => e.jobId === jobId)).toHaveLength(1);
  });

  it('accepts exactly one of 20 concurrent identical deliveries', async () => {
    const job = version();
    const event = panjayaEvent({ ...job, event: 'version_ready' });
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => storeLikeProvider(event, at(0))));
    expect(outcomes.filter((o) => o.outcome === 'accepted')).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.eventId)).size).toBe(1);
    expect(await db.queries.history('panjaya', job.assetId, event.jobId)).toHaveLength(1);
  });

  it('stores concurrent different events at distinct sequences and ends at the latest stage', async () => {
    const job = version();
    const events = ['version_generating', 'version_ready', 'version_generated'].map((event) => panjayaEvent({ ...job, event }));
    const outcomes = await Promise.all(events.map((event) => storeLikeProvider(event, at(0))));
    expect(outcomes.map((o) => o.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
    const jobId = `${job.assetId}/v1`;
    const history = await db.queries.history('panjaya', job.assetId, jobId);
    expect(history.map((e) => e.orderKey)).toEqual(['0000000001', '0000000002', '0000000003']);
    // Whatever order they took slots in: an earlier stage within the window never overtakes a later one.
    expect(await db.queries.getJob('panjaya', job.assetId, jobId)).toMatchObject({ seq: 3, status: 'succeeded', eventId: outcomes[2]?.eventId });
  });

  it('completes a half-done write on retry: state correct, outcome duplicate, one event item', async () => {
    const job = version();
    const event = panjayaEvent({ ...job, event: 'version_failed' });
    await expect(storeFailingFirstStateUpdate().store(event, at(0))).rejects.toMatchObject({ httpStatus: 503 });

    const retry = await db.store.store(event, at(1));
    expect(retry.outcome).toBe('duplicate');
    expect(await db.queries.getJob('panjaya', job.assetId, event.jobId)).toMatchObject({ status: 'failed', seq: 1, eventId: retry.eventId });
    expect(await db.queries.history('panjaya', job.assetId, event.jobId)).toHaveLength(1);
  });

  it('helps a crashed concurrent writer: its event becomes state, ours takes the next slot', async () => {
    const job = version();
    const crashed = panjayaEvent({ ...job, event: 'version_generating' });
    await expect(storeFailingFirstStateUpdate().store(crashed, at(0))).rejects.toBeInstanceOf(DependencyError);

    const next = await db.store.store(panjayaEvent({ ...job, event: 'version_generated' }), at(1));
    expect(next.outcome).toBe('accepted');
    const history = await db.queries.history('panjaya', job.assetId, crashed.jobId);
    expect(history.map((e) => e.eventType)).toEqual(['version_generating', 'version_generated']);
    expect(await db.queries.getJob('panjaya', job.assetId, crashed.jobId)).toMatchObject({ seq: 2, status: 'succeeded' });
  });

  it('stores an unknown event type with status unknown', async () => {
    const job = version();
    await db.store.store(panjayaEvent({ ...job, event: 'version_teleported' }), at(0));
    const [item] = await db.queries.history('panjaya', job.assetId, `${job.assetId}/v1`);
    expect(item).toMatchObject({ status: 'unknown', eventType: 'version_teleported' });
  });
});

describe('state transitions in DynamoDB (adapters/state-update-expressions.ts)', () => {
  it('do to the stored state exactly what they mean in memory (core/state-transition.ts), and apply once', async () => {
    for (const { name, transition, after } of transitionWalk()) {
      const update = () => db.client.send(new UpdateCommand({ TableName: db.table.tableName, ...stateUpdateRequest(transition) }));
      await update();
      const stored = await db.client.send(new GetCommand({ TableName: db.table.tableName, Key: transition.key, ConsistentRead: true }));
      expect({ name, state: stored.Item }).toEqual({ name, state: after });
      await expect(update()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    }
  });
});

describe('the read-only guard (the replay dry run)', () => {
  let dryRun: DynamoEventStore;
  beforeAll(() => {
    dryRun = new DynamoEventStore({ client: db.client, tableName: db.table.tableName, retentionDays: RETENTION_DAYS, readOnly: true });
  });

  it('answers accepted for new events and writes nothing', async () => {
    const job = version();
    const events = [contentorEvent({ status: 'completed' }), panjayaEvent({ ...job, event: 'version_generated' })];
    for (const event of events) {
      expect(await dryRun.store(event, at(0))).toMatchObject({ outcome: 'accepted', writeUnits: 0 });
      expect(await db.queries.getJob(event.provider, event.partitionId, event.jobId)).toBeUndefined();
      expect(await db.queries.history(event.provider, event.partitionId, event.jobId)).toEqual([]);
    }
  });

  it('answers as the store does, delivery for delivery (duplicates, late events, retries within the window)', async () => {
    const uuid = randomUUID();
    const job = version();
    const deliveries = [
      contentorEvent({ uuid, status: 'processing', timestamp: '2025-04-09T15:30:00Z' }),
      contentorEvent({ uuid, status: 'completed', timestamp: '2025-04-09T15:40:00Z' }),
      contentorEvent({ uuid, status: 'processing', timestamp: '2025-04-09T15:35:00Z' }),
      contentorEvent({ uuid, status: 'completed', timestamp: '2025-04-09T15:40:00Z' }),
      panjayaEvent({ ...job, event: 'version_generating' }),
      panjayaEvent({ ...job, event: 'version_generated' }),
      panjayaEvent({ ...job, event: 'version_generating' }),
      panjayaEvent({ ...job, event: 'version_ready' }),
      panjayaEvent({ ...job, event: 'version_generated' }),
    ];
    for (const [i, event] of deliveries.entries()) {
      const dry = await dryRun.store(event, atSeconds(i));
      const real = await db.store.store(event, atSeconds(i));
      expect({ i, outcome: dry.outcome, eventId: dry.eventId, writeUnits: dry.writeUnits }).toEqual({
        i,
        outcome: real.outcome,
        eventId: real.eventId,
        writeUnits: 0,
      });
    }
  });

  it('answers as the store would behind a crashed writer (helping it in memory only), and writes nothing', async () => {
    const job = version();
    const crashed = panjayaEvent({ ...job, event: 'version_generating' });
    await expect(storeFailingFirstStateUpdate().store(crashed, at(0))).rejects.toBeInstanceOf(DependencyError);
    const next = panjayaEvent({ ...job, event: 'version_generated' });

    const dryRetry = await dryRun.store(crashed, at(1));
    const dryNext = await dryRun.store(next, at(1));
    expect(dryRetry.outcome).toBe('duplicate');
    expect(dryNext.outcome).toBe('accepted');
    expect(await db.queries.getJob('panjaya', job.assetId, crashed.jobId)).toBeUndefined();
    expect(await db.queries.history('panjaya', job.assetId, crashed.jobId)).toHaveLength(1);

    expect(await db.store.store(next, at(1))).toMatchObject({ outcome: 'accepted', eventId: dryNext.eventId });
  });
});

describe('storage failures', () => {
  it('answers DependencyError (503) when DynamoDB cannot be reached', async () => {
    const down = makeDocumentClient({ endpoint: `http://127.0.0.1:${await freePort()}`, maxAttempts: 1 });
    db.opened.push(down);
    const unreachable = new DynamoEventStore({ client: down, tableName: db.table.tableName, retentionDays: RETENTION_DAYS });
    for (const event of [contentorEvent(), panjayaEvent({ assetId: 'a', event: 'asset_failed' })]) {
      await expect(unreachable.store(event, at(0))).rejects.toMatchObject({ name: 'DependencyError', httpStatus: 503, reason: 'storage_unavailable' });
    }
  });
});

/**
 * Write units per event, as DynamoDB Local reports them (it counts GSI writes: 1 per index insert, 2 when an index
 * key changes, none when an update leaves the KEYS_ONLY index's keys alone), plus 1 estimated unit per failed
 * condition (AWS bills it but reports nothing with the error).
 */
describe('write units', () => {
  /** Write and read units of each delivery of one Contentor job, in order (timestamps a minute apart). */
  async function contentorUnits(statuses: string[]): Promise<Array<[number, number]>> {
    const uuid = randomUUID();
    const units: Array<[number, number]> = [];
    for (const [i, status] of statuses.entries()) {
      const out = await db.store.store(contentorEvent({ uuid, status, timestamp: `2025-04-09T15:3${i}:00Z` }), at(i));
      units.push([out.writeUnits, out.readUnits]);
    }
    return units;
  }

  it('costs a Contentor job 3 for its first event, 2 for one that keeps the status, 4 for a status change', async () => {
    // downloading → processing → uploading are all in_progress; unknown is another status.
    expect((await contentorUnits(['downloading', 'processing', 'uploading', 'teleporting'])).map(([w]) => w)).toEqual([3, 2, 2, 4]);
  });

  it('costs 5 for a terminal event that changes status (pending index entry), and reads the state once per delivery', async () => {
    expect(await contentorUnits(['processing', 'completed'])).toEqual([
      [3, 1],
      [5, 1],
    ]);
  });

  it('costs nothing but the state read for a Contentor duplicate the state already reflects', async () => {
    const event = contentorEvent({ status: 'completed' });
    await db.store.store(event, at(0));
    expect(await db.store.store(event, at(1))).toMatchObject({ outcome: 'duplicate', writeUnits: 0, readUnits: 1 });
  });

  it('costs a late Contentor event only its event item (no state write, no failed condition)', async () => {
    const uuid = randomUUID();
    await db.store.store(contentorEvent({ uuid, status: 'completed', timestamp: '2025-04-09T15:40:00Z' }), at(0));
    const late = await db.store.store(contentorEvent({ uuid, status: 'processing', timestamp: '2025-04-09T15:35:00Z' }), at(1));
    expect(late).toMatchObject({ outcome: 'accepted', writeUnits: 1, readUnits: 1 });
  });

  it('costs Panjaya the same writes plus one consistent state read', async () => {
    const job = version();
    const generating = await db.store.store(panjayaEvent({ ...job, event: 'version_generating' }), at(0));
    const generated = await db.store.store(panjayaEvent({ ...job, event: 'version_generated' }), at(1));
    const duplicate = await db.store.store(panjayaEvent({ ...job, event: 'version_generated' }), at(2));
    expect([generating.writeUnits, generated.writeUnits, duplicate.writeUnits]).toEqual([3, 5, 0]);
    expect([generating.readUnits, generated.readUnits, duplicate.readUnits]).toEqual([1, 1, 1]);
  });

  it('costs a Panjaya event that keeps the status no index move (version_failed after version_generate_failed)', async () => {
    const job = version();
    await db.store.store(panjayaEvent({ ...job, event: 'version_generate_failed' }), at(0));
    const again = await db.store.store(panjayaEvent({ ...job, event: 'version_failed' }), at(1));
    // Both failed: the event item and its pending entry (2) + the state (1), no index move.
    expect(again.writeUnits).toBe(3);
  });
});

describe('the largest configurable body', () => {
  it('is stored whole in one item, with ids at their bound (no ValidationException by construction)', async () => {
    const { MAX_STORABLE_BODY_BYTES } = await import('../../lambda/contracts');
    const id = 'u'.repeat(256);
    const event = contentorEvent({ uuid: id, status: 'completed' });
    const body = Buffer.alloc(MAX_STORABLE_BODY_BYTES, 0x20);
    const outcome = await db.store.store({ ...event, body, details: { message: 'm'.repeat(500), locale: 'l'.repeat(500) } }, at(0));
    expect(outcome.outcome).toBe('accepted');
    const [item] = await db.queries.history('contentor', id, id);
    expect(item?.body?.length).toBe(MAX_STORABLE_BODY_BYTES);
  });
});
