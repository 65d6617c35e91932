import { randomUUID } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { DynamoJobQueries } from '../../lambda/adapters/dynamo-job-queries';
import type { EventItem } from '../../lambda/core/items';
import { freePort } from '../../local/emulators';
import { createTestTable, dynamoEndpoint } from '../helpers/aws-local';
import { contentorEvent, panjayaEvent } from '../helpers/events';

let table: Awaited<ReturnType<typeof createTestTable>>;
let client: DynamoDBDocumentClient;
let store: DynamoEventStore;
let queries: DynamoJobQueries;
/** Requests the queries' client sent, by command input shape, reset per test. */
let sent: string[] = [];

beforeAll(async () => {
  table = await createTestTable();
  client = makeDocumentClient({ endpoint: dynamoEndpoint() });
  store = new DynamoEventStore({ client, tableName: table.tableName, retentionDays: 30 });
  const counted = makeDocumentClient({ endpoint: dynamoEndpoint() });
  counted.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  queries = new DynamoJobQueries({ client: counted, tableName: table.tableName });
});
beforeEach(() => {
  sent = [];
});
afterAll(async () => {
  await table.drop();
  client.destroy();
});

/**
 * Receive time in a given year. The status and pending indexes are shared by every job in the table, so each test
 * keeps to its own years: pending 2001, everything else 2005, failed-since 2030-2032 (the latest).
 */
const inYear = (year: number, minute = 0) => new Date(Date.UTC(year, 0, 1, 0, minute)).toISOString();

describe('getJob', () => {
  it('returns undefined for a job never seen', async () => {
    expect(await queries.getJob('contentor', 'nope', 'nope')).toBeUndefined();
  });

  it('returns the current state of a known job', async () => {
    const event = contentorEvent({ status: 'downloading' });
    const { eventId } = await store.store(event, inYear(2005));
    expect(await queries.getJob('contentor', event.jobId, event.jobId)).toMatchObject({
      itemType: 'state',
      provider: 'contentor',
      jobId: event.jobId,
      status: 'in_progress',
      eventType: 'downloading',
      eventId,
      updatedAt: inYear(2005),
    });
  });
});

describe('listPartition', () => {
  it('returns a Panjaya asset and all its versions in one Query, and nothing else', async () => {
    const assetId = `asset-${randomUUID()}`;
    await store.store(panjayaEvent({ assetId, event: 'asset_failed' }), inYear(2005));
    await store.store(panjayaEvent({ assetId, versionId: 'v1', event: 'version_generated' }), inYear(2005));
    await store.store(panjayaEvent({ assetId, versionId: 'v2', event: 'version_generating' }), inYear(2005));
    await store.store(panjayaEvent({ assetId: `${assetId}-other`, versionId: 'v1', event: 'version_ready' }), inYear(2005));
    sent = [];

    const states = await queries.listPartition('panjaya', assetId);
    expect(sent).toEqual(['QueryCommand']);
    expect(states.map((s) => [s.jobId, s.status])).toEqual([
      [assetId, 'failed'],
      [`${assetId}/v1`, 'succeeded'],
      [`${assetId}/v2`, 'in_progress'],
    ]);
  });
});

describe('history', () => {
  it('lists Contentor events in provider time order whatever the arrival order', async () => {
    const uuid = randomUUID();
    for (const [minute, status, timestamp] of [
      [0, 'uploading', '2025-04-09T15:33:00Z'],
      [1, 'downloading', '2025-04-09T15:31:00Z'],
      [2, 'completed', '2025-04-09T15:34:00Z'],
      [3, 'processing', '2025-04-09T15:32:00Z'],
    ] as const) {
      await store.store(contentorEvent({ uuid, status, timestamp }), inYear(2005, minute));
    }
    const history = await queries.history('contentor', uuid, uuid);
    expect(history.map((e) => e.eventType)).toEqual(['downloading', 'processing', 'uploading', 'completed']);
  });

  it('lists a Panjaya version in arrival order without the asset or a version whose id extends it', async () => {
    const assetId = `asset-${randomUUID()}`;
    await store.store(panjayaEvent({ assetId, versionId: 'v1', event: 'version_generating' }), inYear(2005, 0));
    await store.store(panjayaEvent({ assetId, versionId: 'v10', event: 'version_generating' }), inYear(2005, 1));
    await store.store(panjayaEvent({ assetId, event: 'asset_failed' }), inYear(2005, 2));
    await store.store(panjayaEvent({ assetId, versionId: 'v1', event: 'version_generated' }), inYear(2005, 3));

    const history = await queries.history('panjaya', assetId, `${assetId}/v1`);
    expect(history.map((e) => [e.jobId, e.eventType, e.receivedAt])).toEqual([
      [`${assetId}/v1`, 'version_generating', inYear(2005, 0)],
      [`${assetId}/v1`, 'version_generated', inYear(2005, 3)],
    ]);
  });
});

describe('byStatusSince', () => {
  const failedJobs: string[] = [];
  const stillFailed: string[] = [];
  beforeAll(async () => {
    // Failed in 2030, 2031 and 2032; one more failed in 2031 but completed in 2032 (no longer failed).
    for (const year of [2030, 2031, 2032]) {
      const event = contentorEvent({ status: 'failed' });
      failedJobs.push(event.jobId);
      await store.store(event, inYear(year));
    }
    const uuid = randomUUID();
    await store.store(contentorEvent({ uuid, status: 'failed', timestamp: '2025-04-09T15:30:00Z' }), inYear(2031, 5));
    await store.store(contentorEvent({ uuid, status: 'completed', timestamp: '2025-04-09T15:31:00Z' }), inYear(2032, 5));
    // Failed in 2030 and again (a newer failed event, same status) in 2031: it entered failed in 2030.
    const again = randomUUID();
    stillFailed.push(again);
    await store.store(contentorEvent({ uuid: again, status: 'failed', timestamp: '2025-04-09T15:30:00Z' }), inYear(2030, 10));
    await store.store(contentorEvent({ uuid: again, status: 'failed', timestamp: '2025-04-09T15:31:00Z', extra: { error: 'again' } }), inYear(2031, 10));
  });

  it('finds jobs failed since T, newest first, through the status index', async () => {
    const jobs = await queries.byStatusSince('failed', inYear(2031));
    expect(jobs.map((j) => j.jobId)).toEqual([failedJobs[2], failedJobs[1]]);
    // The index holds keys only: the states are read back in one batch.
    expect(sent).toEqual(['QueryCommand', 'BatchGetItemCommand']);
  });

  it('lists a job by when it entered the status, not by its last update', async () => {
    const since2030 = await queries.byStatusSince('failed', inYear(2030, 10));
    expect(since2030.map((j) => j.jobId)).toContain(stillFailed[0]);
    const entered = since2030.find((j) => j.jobId === stillFailed[0]);
    expect(entered).toMatchObject({ statusSince: inYear(2030, 10), updatedAt: inYear(2031, 10) });
    expect((await queries.byStatusSince('failed', inYear(2031))).map((j) => j.jobId)).not.toContain(stillFailed[0]);
  });

  it('returns at most `limit` jobs, the newest', async () => {
    const jobs = await queries.byStatusSince('failed', inYear(2000), 2);
    expect(jobs.map((j) => j.jobId)).toEqual([failedJobs[2], failedJobs[1]]);
  });

  it('lists a job under its current status only', async () => {
    const succeeded = await queries.byStatusSince('succeeded', inYear(2032));
    expect(succeeded.filter((j) => j.updatedAt.startsWith('2032')).map((j) => j.eventType)).toEqual(['completed']);
  });
});

describe('pendingNotifications', () => {
  const pendingEvents: EventItem[] = [];
  beforeAll(async () => {
    // 105 terminal events (more than one BatchGetItem), plus one non-terminal that must not show up.
    for (let i = 0; i < 105; i++) {
      await store.store(contentorEvent({ status: i % 2 === 0 ? 'completed' : 'failed' }), inYear(2001, i));
    }
    await store.store(contentorEvent({ status: 'processing' }), inYear(2001, 200));
    pendingEvents.push(...(await queries.pendingNotifications(inYear(2002), 1000)));
  });

  it('returns every terminal event received before T, oldest first, as full event items', async () => {
    expect(pendingEvents).toHaveLength(105);
    expect(pendingEvents.map((e) => e.receivedAt)).toEqual(Array.from({ length: 105 }, (_, i) => inYear(2001, i)));
    expect(pendingEvents.every((e) => e.body !== undefined && e.notifyTopic === (e.status === 'succeeded' ? 'succeeded' : 'failed'))).toBe(true);
  });

  it('leaves out events received at or after T', async () => {
    const early = await queries.pendingNotifications(inYear(2001, 3));
    expect(early.map((e) => e.receivedAt)).toEqual([inYear(2001, 0), inYear(2001, 1), inYear(2001, 2)]);
  });

  it('returns at most `limit` events', async () => {
    expect(await queries.pendingNotifications(inYear(2002), 4)).toHaveLength(4);
  });

  it('stops listing an event once the fan-out marked it notified', async () => {
    const [first] = pendingEvents;
    if (!first) throw new Error('no pending event');
    await client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { pk: first.pk, sk: first.sk },
        UpdateExpression: 'REMOVE gsi2pk, gsi2sk SET notifiedAt = :now',
        ExpressionAttributeValues: { ':now': inYear(2003) },
      }),
    );
    const after = await queries.pendingNotifications(inYear(2002), 1000);
    expect(after.map((e) => e.eventId)).not.toContain(first.eventId);
    expect(after).toHaveLength(104);
  });
});

describe('storage failures', () => {
  it('answer DependencyError (503) for every query when DynamoDB cannot be reached', async () => {
    const down = makeDocumentClient({ endpoint: `http://127.0.0.1:${await freePort()}`, maxAttempts: 1 });
    const unreachable = new DynamoJobQueries({ client: down, tableName: table.tableName });
    const calls = [
      () => unreachable.getJob('contentor', 'x', 'x'),
      () => unreachable.listPartition('panjaya', 'x'),
      () => unreachable.history('panjaya', 'x', 'x'),
      () => unreachable.byStatusSince('failed', inYear(2000)),
      () => unreachable.pendingNotifications(inYear(2000)),
    ];
    for (const call of calls) await expect(call()).rejects.toMatchObject({ name: 'DependencyError', httpStatus: 503 });
    down.destroy();
  });
});

describe('items of the earlier layout (the provider payload stored as DynamoDB maps)', () => {
  it('are read without a BigInt or marshalling surprise: the map is never read back', async () => {
    const event = contentorEvent({ status: 'failed' });
    await store.store(event, inYear(2005, 30));
    const [stored] = await queries.history('contentor', event.jobId, event.jobId);
    // What the old layout wrote beside the scalars: numbers past 2^53, empty maps, deep nesting.
    await client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { pk: stored?.pk, sk: stored?.sk },
        UpdateExpression: 'SET payload = :p REMOVE body',
        ExpressionAttributeValues: { ':p': { big: 9007199254740993n, huge: 10n ** 30n, empty: {}, list: [{}], nested: { a: { b: { c: {} } } } } },
      }),
    );
    const [old] = await queries.history('contentor', event.jobId, event.jobId);
    expect(old).toMatchObject({ eventId: stored?.eventId, status: 'failed' });
    expect(old).not.toHaveProperty('payload');
    expect(old?.body).toBeUndefined();
    expect((await queries.pendingNotificationsReport(inYear(2006), 10_000)).items.map((i) => i.eventId)).toContain(stored?.eventId);
  });

  it('name the item and the field when one does not have the shape its key says', async () => {
    const uuid = randomUUID();
    await client.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { pk: `JOB#contentor#${uuid}`, sk: `STATE#${uuid}` },
        UpdateExpression: 'SET itemType = :t, #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':t': 'state', ':s': 'teleported' },
      }),
    );
    await expect(queries.getJob('contentor', uuid, uuid)).rejects.toMatchObject({ name: 'InvalidItemError', message: expect.stringMatching(/STATE#.*status/) });
  });
});
