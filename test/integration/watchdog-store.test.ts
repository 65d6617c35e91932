/**
 * The watchdog's storage on DynamoDB Local: which states a sweep gets from the byStatus index (oldest first, at most
 * its limit, however DynamoDB pages the answer, only those still in the status), and what a stall write answers
 * (written, written before, overtaken by a real event, or a failure the next sweep retries). DynamoDB Local cannot
 * cut a page short (it does so only past 1 MB), fail one request, or cancel a transaction for throttling or a
 * conflict: those are injected in front of the one request; the SDK and the table are real.
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoWatchdogStore } from '../../lambda/adapters/dynamo-watchdog-store';
import type { StateItem } from '../../lambda/core/items';
import { buildStall, judgeStall, parseStallDeadlines } from '../../lambda/core/watchdog';
import { keys } from '../../lambda/contracts';
import { dynamoEndpoint } from '../helpers/aws-local';
import { type EventStoreTable, openEventStoreTable } from '../helpers/event-store-table';
import { contentorEvent } from '../helpers/events';

const T0 = Date.parse('2026-11-23T07:00:00.000Z');
const MINUTE = 60_000;
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
/** Everything that entered a status before T0 + 3 h. */
const BEFORE = `${iso(180 * MINUTE)}#\uffff`;
const deadlines = parseStallDeadlines(undefined);

let db: EventStoreTable;
beforeEach(async () => {
  // A table per test: the index query reads every state in the status.
  db = await openEventStoreTable(30);
});
afterEach(() => db.close());

/** A Contentor job that entered processing (in_progress) at T0 + `minute`. */
async function processingJob(minute: number): Promise<string> {
  const uuid = randomUUID();
  await db.store.store(contentorEvent({ uuid, status: 'processing', timestamp: iso(minute * MINUTE - 1000) }), iso(minute * MINUTE));
  return uuid;
}

type Operation = 'Query' | 'BatchGetItem' | 'TransactWriteItems';
const operationOf = (input: Record<string, unknown>): Operation | undefined =>
  input.IndexName !== undefined
    ? 'Query'
    : input.RequestItems !== undefined
      ? 'BatchGetItem'
      : input.TransactItems !== undefined
        ? 'TransactWriteItems'
        : undefined;

/** A store on a client whose `operation` requests go through `around` (one attempt each, no SDK retries). */
function storeWith(
  operation: Operation,
  around: (send: () => Promise<unknown>, input: Record<string, unknown>) => Promise<unknown>,
): { store: DynamoWatchdogStore; client: DynamoDBDocumentClient } {
  const client = makeDocumentClient({ endpoint: dynamoEndpoint(), maxAttempts: 1 });
  db.opened.push(client);
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Record<string, unknown>;
      if (operationOf(input) !== operation) return next(args);
      return around(() => next(args), input) as ReturnType<typeof next>;
    },
    { step: 'initialize', name: `around${operation}` },
  );
  return { store: new DynamoWatchdogStore(client, db.table.tableName), client };
}

const unavailable = (operation: Operation, error: string) => ({
  name: 'DependencyError',
  reason: 'storage_unavailable',
  logDetail: expect.objectContaining({ operation, error }),
});

describe('the states a sweep reads', () => {
  it('are the oldest in the status first, at most the limit, none entered after the bound', async () => {
    const jobs: string[] = [];
    for (let minute = 0; minute < 4; minute++) jobs.push(await processingJob(minute));
    await processingJob(200);
    const store = new DynamoWatchdogStore(db.client, db.table.tableName);
    expect((await store.statesBefore('in_progress', BEFORE, 3)).states.map((s) => s.jobId)).toEqual(jobs.slice(0, 3));
    expect((await store.statesBefore('in_progress', BEFORE, 10)).states.map((s) => s.jobId)).toEqual(jobs);
  });

  it('are the same oldest ones, exactly the limit, when DynamoDB answers in short pages', async () => {
    const jobs: string[] = [];
    for (let minute = 0; minute < 7; minute++) jobs.push(await processingJob(minute));
    // A page ends at 1 MB in AWS, however many items were asked for: here every page holds at most two.
    const { store } = storeWith('Query', (send, input) => {
      input.Limit = Math.min(Number(input.Limit), 2);
      return send();
    });
    expect((await store.statesBefore('in_progress', BEFORE, 5)).states.map((s) => s.jobId)).toEqual(jobs.slice(0, 5));
    expect((await store.statesBefore('in_progress', BEFORE, 4)).states.map((s) => s.jobId)).toEqual(jobs.slice(0, 4));
    expect((await store.statesBefore('in_progress', BEFORE, 9)).states.map((s) => s.jobId)).toEqual(jobs);
  });

  it('leave out a job that a real event moved on between the index read and the read-back', async () => {
    const [stays, completes] = [await processingJob(0), await processingJob(1)];
    const { store } = storeWith('Query', async (send) => {
      const page = await send();
      await db.store.store(contentorEvent({ uuid: completes, status: 'completed', timestamp: iso(150 * MINUTE) }), iso(150 * MINUTE));
      return page;
    });
    expect(await store.statesBefore('in_progress', BEFORE, 10)).toMatchObject({ states: [{ jobId: stays }], invalid: 0 });
  });

  it('count an index item that is not a state item instead of failing the sweep', async () => {
    const job = await processingJob(1);
    await db.client.send(
      new PutCommand({
        TableName: db.table.tableName,
        Item: {
          pk: keys.partition('contentor', 'junk'),
          sk: keys.state('junk'),
          gsi1pk: keys.status('in_progress'),
          gsi1sk: keys.statusSort(iso(0), 'contentor', 'junk'),
        },
      }),
    );
    const store = new DynamoWatchdogStore(db.client, db.table.tableName);
    expect(await store.statesBefore('in_progress', BEFORE, 10)).toMatchObject({ states: [{ jobId: job }], invalid: 1 });
  });

  it('fail as storage unavailable, naming Query, when the index read fails', async () => {
    await processingJob(0);
    const { store } = storeWith('Query', async () => {
      throw Object.assign(new Error('injected server error'), { name: 'InternalServerError' });
    });
    await expect(store.statesBefore('in_progress', BEFORE, 10)).rejects.toMatchObject(unavailable('Query', 'InternalServerError'));
  });
});

describe('a stall write', () => {
  /** The state of a job that entered processing at T0, judged stalled at T0 + 3 h. */
  async function judgedStall(): Promise<{ state: StateItem; write: ReturnType<typeof buildStall> }> {
    const uuid = await processingJob(0);
    const state = await db.queries.getJob('contentor', uuid, uuid);
    if (state === undefined) throw new Error('fixture: no state');
    const now = new Date(T0 + 180 * MINUTE);
    const judgement = judgeStall(state, deadlines, now);
    if (judgement === undefined) throw new Error('fixture: not due');
    return { state, write: buildStall(state, judgement, now, 30) };
  }

  it('is "stalled" once, then "already" for the same judged state, and writes one stall event', async () => {
    const { state, write } = await judgedStall();
    const store = new DynamoWatchdogStore(db.client, db.table.tableName);
    expect(await store.writeStall(write.event, write.state)).toBe('stalled');
    expect(await store.writeStall(write.event, write.state)).toBe('already');
    expect((await db.queries.history('contentor', state.jobId, state.jobId)).map((e) => e.status)).toEqual(['in_progress', 'stalled']);
    expect((await db.queries.getJob('contentor', state.jobId, state.jobId))?.status).toBe('stalled');
  });

  it('is "superseded", writing nothing, when a real event moved the job after it was judged', async () => {
    const { state, write } = await judgedStall();
    await db.store.store(contentorEvent({ uuid: state.jobId, status: 'uploading', timestamp: iso(170 * MINUTE) }), iso(170 * MINUTE));
    const store = new DynamoWatchdogStore(db.client, db.table.tableName);
    expect(await store.writeStall(write.event, write.state)).toBe('superseded');
    expect((await db.queries.history('contentor', state.jobId, state.jobId)).map((e) => e.eventType)).toEqual(['processing', 'uploading']);
  });

  const cancelled = (reasons: CancellationReason[] | undefined) =>
    new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, ...(reasons ? { CancellationReasons: reasons } : {}) });

  it.each<[string, Error]>([
    ['a conflict with another transaction on the state', cancelled([{ Code: 'None' }, { Code: 'TransactionConflict' }])],
    ['a lost condition on the state, its reason given without a code for the put', cancelled([{}, { Code: 'ConditionalCheckFailed' }])],
  ])('is "superseded" after %s (the next sweep judges again)', async (_case, error) => {
    const { write } = await judgedStall();
    const { store } = storeWith('TransactWriteItems', async () => {
      throw error;
    });
    expect(await store.writeStall(write.event, write.state)).toBe('superseded');
  });

  it('is "already" when the cancellation comes from another copy of the SDK (known by its name)', async () => {
    const { write } = await judgedStall();
    const foreign = Object.assign(new Error('Transaction cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
    });
    const { store } = storeWith('TransactWriteItems', async () => {
      throw foreign;
    });
    expect(await store.writeStall(write.event, write.state)).toBe('already');
  });

  it.each<[string, Error, string]>([
    ['cancelled for throttling', cancelled([{ Code: 'None' }, { Code: 'ThrottlingError' }]), 'TransactionCanceledException'],
    ['cancelled with no reason given', cancelled(undefined), 'TransactionCanceledException'],
    [
      'failed on the server, whatever reasons the error carries',
      Object.assign(new Error('injected server error'), { name: 'InternalServerError', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] }),
      'InternalServerError',
    ],
  ])('fails as storage unavailable, naming TransactWriteItems, when %s, and writes nothing', async (_case, error, name) => {
    const { state, write } = await judgedStall();
    const { store } = storeWith('TransactWriteItems', async () => {
      throw error;
    });
    await expect(store.writeStall(write.event, write.state)).rejects.toMatchObject(unavailable('TransactWriteItems', name));
    expect((await db.queries.getJob('contentor', state.jobId, state.jobId))?.status).toBe('in_progress');
  });
});
