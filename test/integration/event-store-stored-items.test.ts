/**
 * What the event store leaves on DynamoDB Local, read back as the job queries and the fan-out read it: the payload
 * span of an event item, the cost of a duplicate only the conditional put detects, and a compare-and-set on a state
 * that is gone (it fails in DynamoDB as in memory).
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { stateUpdateRequest } from '../../lambda/adapters/state-update-expressions';
import { payloadTextOf } from '../../lambda/core/notification/payload';
import { applyTransition, type StateTransition } from '../../lambda/core/state-transition';
import { type EventStoreTable, openEventStoreTable } from '../helpers/event-store-table';
import { contentorEvent } from '../helpers/events';

let db: EventStoreTable;

beforeAll(async () => {
  db = await openEventStoreTable(30);
});
afterAll(() => db.close());

const at = (minute: number) => new Date(Date.UTC(2025, 3, 9, 16, minute)).toISOString();

describe('the payload span of a stored event', () => {
  const payload = '{"uuid":"u","status":"completed"}';
  const cases: Array<[string, string, { start: number; end: number }]> = [
    ['a body with a UTF-8 byte order mark', `\u{feff}${payload}`, { start: 3, end: 3 + payload.length }],
    ['an envelope’s data member', `{"data":${payload},"id":"x"}`, { start: 8, end: 8 + payload.length }],
    ['a payload followed by other bytes', `${payload}\n\n`, { start: 0, end: payload.length }],
  ];

  it.each(cases)('is stored with its offsets, so the fan-out reads back exactly the payload (%s)', async (_name, text, span) => {
    const event = { ...contentorEvent({ status: 'completed' }), body: Buffer.from(text, 'utf8'), payloadSpan: span };
    await db.store.store(event, at(0));
    const [item] = await db.queries.history('contentor', event.jobId, event.jobId);
    expect(item).toMatchObject({ payloadStart: span.start, payloadEnd: span.end });
    expect(payloadTextOf(item ?? {})).toBe(payload);
  });

  it('is left out when the payload is the whole body (the default the fan-out reads)', async () => {
    const body = Buffer.from(payload, 'utf8');
    const event = { ...contentorEvent({ status: 'completed' }), body, payloadSpan: { start: 0, end: body.length } };
    await db.store.store(event, at(0));
    const [item] = await db.queries.history('contentor', event.jobId, event.jobId);
    expect(item).not.toHaveProperty('payloadStart');
    expect(item).not.toHaveProperty('payloadEnd');
    expect(payloadTextOf(item ?? {})).toBe(payload);
  });
});

describe('a Contentor duplicate of an event older than the state', () => {
  it('is answered duplicate by the conditional put alone, costing the one unit AWS bills for the failed condition', async () => {
    const uuid = randomUUID();
    const late = contentorEvent({ uuid, status: 'processing', timestamp: '2025-04-09T15:35:00Z' });
    await db.store.store(contentorEvent({ uuid, status: 'completed', timestamp: '2025-04-09T15:40:00Z' }), at(0));
    const first = await db.store.store(late, at(1));
    const again = await db.store.store(late, at(2));
    expect(first).toMatchObject({ outcome: 'accepted', writeUnits: 1 });
    expect(again).toEqual({ outcome: 'duplicate', eventId: first.eventId, writeUnits: 1, readUnits: 1 });
    expect(await db.queries.history('contentor', uuid, uuid)).toHaveLength(2);
    expect(await db.queries.getJob('contentor', uuid, uuid)).toMatchObject({ status: 'succeeded', eventType: 'completed' });
  });
});

describe('a compare-and-set on a state that is gone', () => {
  it('fails in DynamoDB as it does in memory, and creates nothing', async () => {
    const jobId = randomUUID();
    const transition: StateTransition = {
      key: { pk: `JOB#contentor#${jobId}`, sk: `STATE#${jobId}` },
      set: { status: 'failed', eventType: 'failed' },
      requires: { kind: 'unchanged', fields: { orderKey: '2025-04-09T15:30:00.000Z#01#e', status: 'in_progress' } },
    };
    expect(applyTransition(undefined, transition)).toBeUndefined();
    await expect(db.client.send(new UpdateCommand({ TableName: db.table.tableName, ...stateUpdateRequest(transition) }))).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    expect((await db.client.send(new GetCommand({ TableName: db.table.tableName, Key: transition.key, ConsistentRead: true }))).Item).toBeUndefined();
  });
});
