/**
 * The event store's bounded retries under concurrent writers, on DynamoDB Local: a writer that keeps taking the next
 * arrival slot, a stall that keeps changing the state between read and compare-and-set, a slot occupant that expired
 * in between, and the read-only guard losing a race. Each racer is a real write to the table, made in the moment
 * before the store's own request (a client middleware), so every lost condition is DynamoDB's own answer.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { dynamoEndpoint } from '../helpers/aws-local';
import { type EventStoreTable, openEventStoreTable } from '../helpers/event-store-table';
import { contentorEvent, panjayaEvent } from '../helpers/events';

const RETENTION_DAYS = 30;
let db: EventStoreTable;

beforeAll(async () => {
  db = await openEventStoreTable(RETENTION_DAYS);
});
afterAll(() => db.close());

const at = (minute: number) => new Date(Date.UTC(2025, 3, 9, 16, minute)).toISOString();

type Request = { name: string; input: { Key?: { sk?: string }; Item?: unknown; UpdateExpression?: unknown } };

/**
 * A store whose client runs `before(request)` ahead of each of its requests (GetItem, PutItem, UpdateItem), and a
 * count of the requests it sent by name.
 */
function storeWith(before: (request: Request) => Promise<void>, options: { maxSequenceAttempts?: number; maxStateAttempts?: number; readOnly?: boolean } = {}) {
  const racing = makeDocumentClient({ endpoint: dynamoEndpoint(), maxAttempts: 1 });
  db.opened.push(racing);
  const sent: string[] = [];
  racing.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Request['input'];
      const name = input.UpdateExpression !== undefined ? 'UpdateItem' : input.Item !== undefined ? 'PutItem' : 'GetItem';
      await before({ name, input });
      sent.push(name);
      return next(args);
    },
    { step: 'initialize', name: 'raceBeforeEachRequest' },
  );
  return { racingStore: new DynamoEventStore({ client: racing, tableName: db.table.tableName, retentionDays: RETENTION_DAYS, ...options }), sent };
}

/** The watchdog's kind of write: the job's status changes under the store (stalled, then back), its head does not. */
async function flipStatus(pk: string, sk: string, status: string): Promise<void> {
  await db.client.send(
    new UpdateCommand({
      TableName: db.table.tableName,
      Key: { pk, sk },
      UpdateExpression: 'SET #s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': status },
    }),
  );
}

describe('a Panjaya job whose next slot another writer keeps taking', () => {
  it('gives up after the configured number of slots with a 503 naming the job, having stored none of its own', async () => {
    const job = { assetId: `asset-${randomUUID()}`, versionId: 'v1' };
    const jobId = `${job.assetId}/v1`;
    let taken = 0;
    // Ahead of each of our puts (one more time than we try), another writer stores an event of its own in that slot.
    const { racingStore, sent } = storeWith(
      async ({ name }) => {
        if (name !== 'PutItem' || taken >= 4) return;
        taken += 1;
        await db.store.store(panjayaEvent({ ...job, event: 'version_generating', extra: { writer: 'other', n: taken } }), at(0));
      },
      { maxSequenceAttempts: 3 },
    );
    const ours = panjayaEvent({ ...job, event: 'version_generated' });
    await expect(racingStore.store(ours, at(0))).rejects.toMatchObject({
      name: 'DependencyError',
      httpStatus: 503,
      reason: 'storage_unavailable',
      message: 'too many concurrent events for this job, retry later',
      logDetail: { jobId, attempts: 3 },
    });
    expect(sent.filter((n) => n === 'PutItem')).toHaveLength(3);
    const history = await db.queries.history('panjaya', job.assetId, jobId);
    expect(history.map((e) => e.orderKey)).toEqual(['0000000001', '0000000002', '0000000003']);
    expect(history.every((e) => e.eventType === 'version_generating')).toBe(true);
    expect(await db.queries.getJob('panjaya', job.assetId, jobId)).toMatchObject({ seq: 3, status: 'in_progress' });
  });

  it('takes the slot after one whose occupant expired between the lost put and the read', async () => {
    const job = { assetId: `asset-${randomUUID()}`, versionId: 'v1' };
    const jobId = `${job.assetId}/v1`;
    let raced = false;
    const { racingStore } = storeWith(async ({ name, input }) => {
      if (name === 'PutItem' && !raced) {
        raced = true;
        await db.store.store(panjayaEvent({ ...job, event: 'version_generating' }), at(0));
      } else if (name === 'GetItem' && input.Key?.sk?.startsWith('EVENT#')) {
        // TTL removes the occupant the moment before the store reads it.
        await db.client.send(new DeleteCommand({ TableName: db.table.tableName, Key: input.Key as Record<string, string> }));
      }
    });
    const out = await racingStore.store(panjayaEvent({ ...job, event: 'version_generated' }), at(1));
    expect(out.outcome).toBe('accepted');
    const history = await db.queries.history('panjaya', job.assetId, jobId);
    expect(history.map((e) => [e.orderKey, e.eventType])).toEqual([['0000000002', 'version_generated']]);
    expect(await db.queries.getJob('panjaya', job.assetId, jobId)).toMatchObject({ seq: 2, status: 'succeeded', eventId: out.eventId });
  });
});

describe('a job state that keeps changing between the read and the compare-and-set', () => {
  const attempts = 3;

  it('gives a Contentor event up after the configured attempts, its event stored for the retry to finish', async () => {
    const uuid = randomUUID();
    await db.store.store(contentorEvent({ uuid, status: 'processing', timestamp: '2025-04-09T15:30:00Z' }), at(0));
    let flips = 0;
    const { racingStore, sent } = storeWith(
      async ({ name }) => {
        if (name !== 'UpdateItem' || flips > attempts) return;
        flips += 1;
        await flipStatus(`JOB#contentor#${uuid}`, `STATE#${uuid}`, flips % 2 === 1 ? 'stalled' : 'in_progress');
      },
      { maxStateAttempts: attempts },
    );
    const event = contentorEvent({ uuid, status: 'completed', timestamp: '2025-04-09T15:40:00Z' });
    await expect(racingStore.store(event, at(1))).rejects.toMatchObject({
      name: 'DependencyError',
      httpStatus: 503,
      reason: 'storage_unavailable',
      message: 'the job state kept changing under concurrent writes, retry later',
      logDetail: { jobId: uuid, attempts },
    });
    expect(sent.filter((n) => n === 'UpdateItem')).toHaveLength(attempts);
    expect(await db.queries.history('contentor', uuid, uuid)).toHaveLength(2);
    expect(await db.queries.getJob('contentor', uuid, uuid)).toMatchObject({ eventType: 'processing' });

    expect((await db.store.store(event, at(2))).outcome).toBe('duplicate');
    expect(await db.queries.getJob('contentor', uuid, uuid)).toMatchObject({ status: 'succeeded', eventType: 'completed' });
    expect(await db.queries.byStatusSince('succeeded', at(2))).toEqual(expect.arrayContaining([expect.objectContaining({ jobId: uuid })]));
  });

  it('gives a Panjaya slot record up after the configured attempts, and the retry records it', async () => {
    const job = { assetId: `asset-${randomUUID()}`, versionId: 'v1' };
    const jobId = `${job.assetId}/v1`;
    const pk = `JOB#panjaya#${job.assetId}`;
    await db.store.store(panjayaEvent({ ...job, event: 'version_generating' }), at(0));
    let flips = 0;
    const { racingStore, sent } = storeWith(
      async ({ name }) => {
        if (name !== 'UpdateItem' || flips > attempts) return;
        flips += 1;
        await flipStatus(pk, `STATE#${jobId}`, flips % 2 === 1 ? 'stalled' : 'in_progress');
      },
      { maxStateAttempts: attempts },
    );
    const event = panjayaEvent({ ...job, event: 'version_generated' });
    await expect(racingStore.store(event, at(1))).rejects.toMatchObject({
      httpStatus: 503,
      message: 'the job state kept changing under concurrent writes, retry later',
      logDetail: { jobId, attempts },
    });
    expect(sent.filter((n) => n === 'UpdateItem')).toHaveLength(attempts);
    expect(await db.queries.getJob('panjaya', job.assetId, jobId)).toMatchObject({ seq: 1 });

    expect((await db.store.store(event, at(2))).outcome).toBe('duplicate');
    expect(await db.queries.getJob('panjaya', job.assetId, jobId)).toMatchObject({ seq: 2, status: 'succeeded', eventType: 'version_generated' });
  });
});

describe('the read-only guard', () => {
  it('re-reads the state when a real writer moved it on in between, and decides again (the late event stays out)', async () => {
    const uuid = randomUUID();
    await db.store.store(contentorEvent({ uuid, status: 'processing', timestamp: '2025-04-09T15:30:00Z' }), at(0));
    let stateReads = 0;
    const { racingStore: dryRun } = storeWith(
      async ({ name, input }) => {
        if (name !== 'GetItem' || !input.Key?.sk?.startsWith('STATE#')) return;
        stateReads += 1;
        // Ahead of the compare-and-set's read (the second state read), a newer event moves the state on.
        if (stateReads === 2) await db.store.store(contentorEvent({ uuid, status: 'failed', timestamp: '2025-04-09T15:50:00Z' }), at(1));
      },
      { readOnly: true },
    );
    const out = await dryRun.store(contentorEvent({ uuid, status: 'completed', timestamp: '2025-04-09T15:40:00Z' }), at(2));
    // Reads: the state, the event's key (absent), the state for the compare-and-set (moved on), the state again.
    expect(out).toMatchObject({ outcome: 'accepted', writeUnits: 0, readUnits: 4 });
    expect(stateReads).toBe(3);
    expect(await db.queries.history('contentor', uuid, uuid)).toHaveLength(2);
    expect(await db.queries.getJob('contentor', uuid, uuid)).toMatchObject({ status: 'failed' });
  });

  it('answers as the store does with a single state attempt (its own in-memory write is not a lost race)', async () => {
    const job = { assetId: `asset-${randomUUID()}`, versionId: 'v1' };
    const events = [panjayaEvent({ ...job, event: 'version_generating' }), panjayaEvent({ ...job, event: 'version_generated' })];
    const dryRun = new DynamoEventStore({
      client: db.client,
      tableName: db.table.tableName,
      retentionDays: RETENTION_DAYS,
      readOnly: true,
      maxStateAttempts: 1,
    });
    const real = new DynamoEventStore({ client: db.client, tableName: db.table.tableName, retentionDays: RETENTION_DAYS, maxStateAttempts: 1 });
    for (const [i, event] of events.entries()) {
      const dry = await dryRun.store(event, at(i));
      const stored = await real.store(event, at(i));
      expect({ i, outcome: dry.outcome, eventId: dry.eventId }).toEqual({ i, outcome: 'accepted', eventId: stored.eventId });
    }
    const uuid = randomUUID();
    const contentor = contentorEvent({ uuid, status: 'completed' });
    expect(await dryRun.store(contentor, at(0))).toMatchObject({ outcome: 'accepted', writeUnits: 0 });
    expect(await db.queries.getJob('contentor', uuid, uuid)).toBeUndefined();
  });
});
