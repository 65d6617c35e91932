/**
 * The console's paged reads on DynamoDB Local: one page of the byStatus index (keys only, newest first, a range of
 * entry times), the state items behind a page's entries, and one page of pending notifications; each page says where
 * the next starts, and paging through gives every entry once. DynamoDB ends a Query page early at 1 MB, which a test
 * table never reaches: "short pages" caps each request's Limit in front of the SDK, so a page takes several requests.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoJobQueries, type IndexKey, type StatusIndexEntry } from '../../lambda/adapters/dynamo-job-queries';
import { dynamoEndpoint } from '../helpers/aws-local';
import { type EventStoreTable, openEventStoreTable } from '../helpers/event-store-table';
import { contentorEvent } from '../helpers/events';

let db: EventStoreTable;
/** Failed jobs, oldest entry first: job i entered `failed` at minute i of 2040. */
const failed: string[] = [];
/** Terminal events waiting for their notification, oldest first: event i received at minute i of 2041. */
const pendingIds: string[] = [];

const at = (year: number, minute: number) => new Date(Date.UTC(year, 0, 1, 0, minute)).toISOString();

beforeAll(async () => {
  db = await openEventStoreTable(30);
  for (let minute = 0; minute < 7; minute++) {
    const event = contentorEvent({ status: 'failed' });
    failed.push(event.jobId);
    await db.store.store(event, at(2040, minute));
  }
  // Another status, in the same years: never on a failed page.
  await db.store.store(contentorEvent({ status: 'completed' }), at(2040, 3));
});
afterAll(() => db.close());

/** Job queries whose every Query asks DynamoDB for at most `cap` items, as a page cut at 1 MB would return. */
function shortPages(cap: number): DynamoJobQueries {
  const client = makeDocumentClient({ endpoint: dynamoEndpoint() });
  db.opened.push(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Limit?: number };
      if (context.commandName === 'QueryCommand' && input.Limit !== undefined) input.Limit = Math.min(input.Limit, cap);
      return next(args);
    },
    { step: 'initialize', name: 'shortPages' },
  );
  return new DynamoJobQueries({ client, tableName: db.table.tableName });
}

/** Job queries that run `meanwhile` after each Query answered and before anything is read back (the index lags). */
function racing(meanwhile: () => Promise<void>): DynamoJobQueries {
  const client = makeDocumentClient({ endpoint: dynamoEndpoint() });
  db.opened.push(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'QueryCommand') await meanwhile();
      return result;
    },
    { step: 'initialize', name: 'racing' },
  );
  return new DynamoJobQueries({ client, tableName: db.table.tableName });
}

/** Every page of failed entries from `since`, `limit` at a time: the pages' job ids, and whether each had a `next`. */
async function allPages(queries: DynamoJobQueries, range: { sinceIso: string; untilIso?: string }, limit: number) {
  const pages: Array<{ jobIds: string[]; next: boolean }> = [];
  let startAfter: IndexKey | undefined;
  do {
    const page = await queries.statusIndexPage('failed', range, { limit, ...(startAfter ? { startAfter } : {}) });
    pages.push({ jobIds: page.items.map((entry) => entry.jobId), next: page.next !== undefined });
    startAfter = page.next;
  } while (startAfter !== undefined && pages.length < 10);
  return pages;
}

const newestFirst = () => [...failed].reverse();

describe('statusIndexPage', () => {
  it('lists the entries newest first, each with its job, entry time and keys, and where the next page starts', async () => {
    const page = await db.queries.statusIndexPage('failed', { sinceIso: at(2040, 0) }, { limit: 3 });
    expect(page.items.map((entry) => entry.jobId)).toEqual(newestFirst().slice(0, 3));
    const jobId = failed[6] ?? '';
    const entry: StatusIndexEntry = {
      provider: 'contentor',
      partitionId: jobId,
      jobId,
      statusSince: at(2040, 6),
      key: { pk: `JOB#contentor#${jobId}`, sk: `STATE#${jobId}` },
      indexKey: { pk: `JOB#contentor#${jobId}`, sk: `STATE#${jobId}`, gsi1pk: 'STATUS#failed', gsi1sk: `${at(2040, 6)}#contentor#${jobId}` },
    };
    expect(page.items[0]).toEqual(entry);
    expect(page.next).toEqual(page.items[2]?.indexKey);
  });

  it('pages through every entry once, the last page without a next', async () => {
    expect(await allPages(db.queries, { sinceIso: at(2040, 0) }, 3)).toEqual([
      { jobIds: newestFirst().slice(0, 3), next: true },
      { jobIds: newestFirst().slice(3, 6), next: true },
      { jobIds: newestFirst().slice(6), next: false },
    ]);
  });

  it('keeps to the range: entered at or after since, before until', async () => {
    const page = await db.queries.statusIndexPage('failed', { sinceIso: at(2040, 2), untilIso: at(2040, 5) }, { limit: 10 });
    expect(page.items.map((entry) => entry.jobId)).toEqual([failed[4], failed[3], failed[2]]);
    expect(page.next).toBeUndefined();
  });

  it('fills a page of `limit` entries, no more, when DynamoDB answers in short pages', async () => {
    const pages = await allPages(shortPages(2), { sinceIso: at(2040, 0) }, 5);
    expect(pages).toEqual([
      { jobIds: newestFirst().slice(0, 5), next: true },
      { jobIds: newestFirst().slice(5), next: false },
    ]);
  });
});

describe('queries that read every page (byStatusSince, history)', () => {
  it('return `limit` states, no more, when DynamoDB answers in short pages', async () => {
    const states = await shortPages(2).byStatusSince('failed', at(2040, 0), 5);
    expect(states.map((state) => state.jobId)).toEqual(newestFirst().slice(0, 5));
  });

  it('return a whole history when DynamoDB answers in short pages', async () => {
    const uuid = randomUUID();
    for (const [minute, status] of [
      [1, 'downloading'],
      [2, 'processing'],
      [3, 'uploading'],
      [4, 'completed'],
    ] as const) {
      await db.store.store(contentorEvent({ uuid, status, timestamp: at(2025, minute) }), at(2039, minute));
    }
    const history = await shortPages(2).history('contentor', uuid, uuid);
    expect(history.map((event) => event.eventType)).toEqual(['downloading', 'processing', 'uploading', 'completed']);
  });
});

describe('statesOf', () => {
  it('reads the states behind a page in its order, leaving out a job that left the status and reporting unreadable items', async () => {
    const page = await db.queries.statusIndexPage('failed', { sinceIso: at(2040, 0) }, { limit: 4 });
    const [newest, second, third, fourth] = page.items;
    if (!newest || !second || !third || !fourth) throw new Error('fixture: four failed jobs expected');
    // After the page was read: one job completes, another's state item is damaged.
    await db.store.store(contentorEvent({ uuid: second.jobId, status: 'completed', timestamp: '2099-01-01T00:00:00Z' }), at(2045, 0));
    await db.client.send(
      new UpdateCommand({
        TableName: db.table.tableName,
        Key: third.key,
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'teleported' },
      }),
    );
    const { states, invalid } = await db.queries.statesOf('failed', page.items);
    expect(states.map((state) => [state.jobId, state.status])).toEqual([
      [newest.jobId, 'failed'],
      [fourth.jobId, 'failed'],
    ]);
    expect(invalid).toEqual([third.key]);
  });
});

describe('pendingPage', () => {
  let tail: DynamoDBDocumentClient;
  beforeAll(async () => {
    tail = db.client;
    for (let minute = 0; minute < 5; minute++) {
      const event = contentorEvent({ status: minute % 2 === 0 ? 'completed' : 'failed' });
      await db.store.store(event, at(2041, minute));
      pendingIds.push(event.jobId);
    }
  });

  it('pages through the events waiting for their notification, oldest first, received before T', async () => {
    // Everything stored before 2041 minute 4: the 2039/2040 terminal events, then the 2041 ones but the last.
    const before = at(2041, 4);
    const first = await db.queries.pendingPage(before, { limit: 100 });
    const waiting = first.items.filter((item) => item.receivedAt.startsWith('2041')).map((item) => item.jobId);
    expect(waiting).toEqual(pendingIds.slice(0, 4));
    expect(first.next).toBeUndefined();

    const pages: string[][] = [];
    let startAfter: IndexKey | undefined;
    do {
      const page = await db.queries.pendingPage(before, { limit: 2, ...(startAfter ? { startAfter } : {}) });
      pages.push(page.items.map((item) => item.eventId));
      startAfter = page.next;
    } while (startAfter !== undefined && pages.length < 20);
    expect(pages.flat()).toEqual(first.items.map((item) => item.eventId));
    expect(pages.slice(0, -1).every((page) => page.length === 2)).toBe(true);
  });

  it('leaves out an event notified after the index was read, and reports an item that is not an event', async () => {
    const first = (await db.queries.pendingPage(at(2041, 5), { limit: 100 })).items.filter((item) => item.receivedAt.startsWith('2041'));
    const [notified, damaged] = first;
    if (!notified || !damaged) throw new Error('fixture: pending events expected');
    const meanwhile = async () => {
      await tail.send(
        new UpdateCommand({
          TableName: db.table.tableName,
          Key: { pk: notified.pk, sk: notified.sk },
          UpdateExpression: 'REMOVE gsi2pk, gsi2sk SET notifiedAt = :now',
          ExpressionAttributeValues: { ':now': at(2042, 0) },
        }),
      );
      await tail.send(
        new UpdateCommand({
          TableName: db.table.tableName,
          Key: { pk: damaged.pk, sk: damaged.sk },
          UpdateExpression: 'REMOVE eventId',
        }),
      );
    };
    const report = await racing(meanwhile).pendingPage(at(2041, 5), { limit: 100 });
    const ids = report.items.map((item) => item.eventId);
    expect(ids).not.toContain(notified.eventId);
    expect(ids).not.toContain(damaged.eventId);
    expect(report.invalid).toEqual([{ pk: damaged.pk, sk: damaged.sk, reason: expect.stringContaining('eventId') }]);
  });
});
