/**
 * A storage fault in one request of the event store, on DynamoDB Local: the store answers 503 (the provider retries),
 * names the failed operation for the operator's log, and never takes the fault for an answer (a failed put is not a
 * duplicate, a failed read is not "no state yet"). DynamoDB Local cannot fail one request on its own, so the fault is
 * injected in front of that one request; the SDK and the table are real.
 */
import { randomUUID } from 'node:crypto';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import type { NormalisedEvent } from '../../lambda/core/model';
import { dynamoEndpoint } from '../helpers/aws-local';
import { type EventStoreTable, openEventStoreTable } from '../helpers/event-store-table';
import { contentorEvent, panjayaEvent } from '../helpers/events';

type Operation = 'GetItem' | 'PutItem' | 'UpdateItem';

let db: EventStoreTable;

beforeAll(async () => {
  db = await openEventStoreTable(30);
});
afterAll(() => db.close());

const at = (minute: number) => new Date(Date.UTC(2025, 3, 9, 16, minute)).toISOString();

/** A store whose every `operation` request fails as a DynamoDB server error would; the requests it sent, by name. */
function storeFailing(operation: Operation): { failing: DynamoEventStore; sent: Operation[] } {
  const faulty = makeDocumentClient({ endpoint: dynamoEndpoint(), maxAttempts: 1 });
  db.opened.push(faulty);
  const sent: Operation[] = [];
  faulty.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { Item?: unknown; UpdateExpression?: unknown };
      const name: Operation = input.UpdateExpression !== undefined ? 'UpdateItem' : input.Item !== undefined ? 'PutItem' : 'GetItem';
      sent.push(name);
      if (name === operation) throw Object.assign(new Error('injected server error'), { name: 'InternalServerError' });
      return next(args);
    },
    { step: 'initialize', name: `fail${operation}` },
  );
  return { failing: new DynamoEventStore({ client: faulty, tableName: db.table.tableName, retentionDays: 30 }), sent };
}

const unavailable = (operation: Operation) => ({
  name: 'DependencyError',
  httpStatus: 503,
  reason: 'storage_unavailable',
  message: 'storage is unavailable, retry later',
  logDetail: { operation, error: 'InternalServerError', message: 'injected server error' },
});

const events: Array<[string, () => NormalisedEvent]> = [
  ['Contentor', () => contentorEvent({ status: 'completed' })],
  ['Panjaya', () => panjayaEvent({ assetId: `asset-${randomUUID()}`, versionId: 'v1', event: 'version_generated' })],
];

describe.each(events)('a %s event', (_provider, makeEvent) => {
  it('whose state read fails is answered 503 naming GetItem, and nothing is written', async () => {
    const event = makeEvent();
    const { failing, sent } = storeFailing('GetItem');
    await expect(failing.store(event, at(0))).rejects.toMatchObject(unavailable('GetItem'));
    expect(sent).toEqual(['GetItem']);
    expect(await db.queries.history(event.provider, event.partitionId, event.jobId)).toEqual([]);
    expect(await db.queries.getJob(event.provider, event.partitionId, event.jobId)).toBeUndefined();
  });

  it('whose event put fails is answered 503 naming PutItem, not duplicate, and the job gets no state', async () => {
    const event = makeEvent();
    const { failing, sent } = storeFailing('PutItem');
    await expect(failing.store(event, at(0))).rejects.toMatchObject(unavailable('PutItem'));
    expect(sent).toEqual(['GetItem', 'PutItem']);
    expect(await db.queries.getJob(event.provider, event.partitionId, event.jobId)).toBeUndefined();
    expect((await db.store.store(event, at(1))).outcome).toBe('accepted');
  });

  it('whose state write fails is answered 503 naming UpdateItem; the retry completes it', async () => {
    const event = makeEvent();
    const { failing } = storeFailing('UpdateItem');
    await expect(failing.store(event, at(0))).rejects.toMatchObject(unavailable('UpdateItem'));
    expect(await db.queries.getJob(event.provider, event.partitionId, event.jobId)).toBeUndefined();
    expect((await db.store.store(event, at(1))).outcome).toBe('duplicate');
    expect(await db.queries.getJob(event.provider, event.partitionId, event.jobId)).toMatchObject({ status: 'succeeded' });
    expect(await db.queries.byStatusSince('succeeded', at(0))).toEqual(expect.arrayContaining([expect.objectContaining({ jobId: event.jobId })]));
  });
});
