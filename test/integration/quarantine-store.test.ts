/**
 * The quarantine store itself (lambda/adapters/dynamo-quarantine-store.ts) against DynamoDB Local, as the receiver
 * keeps through it and the replay tool lists and removes through it: the cap per route and hour and its bounded
 * memory, identical junk once but a refused write never hidden, and a listing newest first, within its window,
 * across pages, with unreadable items reported. test/integration/quarantine.test.ts covers it behind the receiver.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoQuarantineStore } from '../../lambda/adapters/dynamo-quarantine-store';
import { keys } from '../../lambda/contracts';
import { deliveryIdOf, quarantineBuckets, type QuarantineRecord } from '../../lambda/core/quarantine';
import { commandCountingDocClient, createTestTable, localDocClient } from '../helpers/aws-local';

const doc = localDocClient();
let tableName: string;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ tableName, drop } = await createTestTable());
});
afterAll(async () => drop());

/** A route name of its own per test: partitions and hourly counters are per route, so tests never share one. */
const route = () => `route-${randomUUID().slice(0, 8)}`;

function record(provider: string, receivedAt: string, body: string | Buffer = `junk ${randomUUID()}`): QuarantineRecord {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const headers = { 'x-signature': 'zz' };
  return {
    provider,
    deliveryId: deliveryIdOf(provider, headers, bytes),
    reason: 'invalid_signature',
    httpStatus: 401,
    detail: 'Invalid signature',
    receivedAt,
    headers,
    body: bytes,
  };
}

const store = (overrides: Partial<ConstructorParameters<typeof DynamoQuarantineStore>[0]> = {}) =>
  new DynamoQuarantineStore({ client: doc, tableName, retentionDays: 14, hourlyCap: 100, ...overrides });

describe('keeping a refused delivery', () => {
  it('stores a delivery once: the same one again is a duplicate', async () => {
    const s = store();
    const r = record(route(), '2034-01-01T00:00:00.000Z');
    expect(await s.keep(r)).toBe('stored');
    expect(await s.keep(r)).toBe('duplicate');
  });

  it('fails, never answers "duplicate", when the table refuses the item', async () => {
    // Over DynamoDB's 400 KB item limit: the counter write succeeds, the put is refused.
    const r = record(route(), '2034-01-01T00:00:00.000Z', Buffer.alloc(500 * 1024, 0x61));
    await expect(store().keep(r)).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('caps each route on its own: one full hour does not stop another route', async () => {
    const s = store({ hourlyCap: 1 });
    const at = '2034-01-01T01:00:00.000Z';
    const [full, other] = [route(), route()];
    expect([await s.keep(record(full, at)), await s.keep(record(full, at)), await s.keep(record(other, at))]).toEqual(['stored', 'capped', 'stored']);
  });

  it('remembers several full hours at once, but not without bound (64)', async () => {
    const { client, commands } = commandCountingDocClient();
    const s = store({ client, hourlyCap: 0 });
    const at = '2034-01-01T02:00:00.000Z';
    const routes = Array.from({ length: 65 }, route);
    const [first, second] = routes as [string, string];
    for (const name of [first, second]) expect(await s.keep(record(name, at))).toBe('capped');
    commands.length = 0;
    // Both full hours remembered: no request for either.
    expect([await s.keep(record(first, at)), await s.keep(record(second, at))]).toEqual(['capped', 'capped']);
    expect(commands).toEqual([]);
    for (const name of routes.slice(2)) await s.keep(record(name, at));
    commands.length = 0;
    // The 65th full hour made room by forgetting the others: the first route's counter is asked again (and is full).
    expect(await s.keep(record(first, at))).toBe('capped');
    expect(commands).toEqual(['UpdateItemCommand']);
  });
});

describe('listing and removing (the replay tool)', () => {
  it('lists newest first, ties by delivery id, only from `sinceIso`, without bodies unless asked', async () => {
    const s = store();
    const name = route();
    const records = [
      record(name, '2034-02-01T08:00:00.000Z'),
      record(name, '2034-02-01T10:00:00.000Z'),
      record(name, '2034-02-01T12:00:00.000Z'),
      record(name, '2034-02-01T12:00:00.000Z'),
    ];
    for (const r of records) await s.keep(r);
    const query = { providers: [name], sinceIso: '2034-02-01T09:00:00.000Z', nowIso: '2034-02-01T13:00:00.000Z' };
    const listed = await s.list(query);
    const newestTwo = [records[2], records[3]].map((r) => r?.deliveryId).sort();
    expect(listed.items.map((i) => i.deliveryId)).toEqual([...newestTwo, records[1]?.deliveryId]);
    expect(listed.items.every((i) => i.body === undefined)).toBe(true);
    const withBody = await s.list({ ...query, withBody: true });
    expect(withBody.items.map((i) => Buffer.from(i.body ?? new Uint8Array()).toString())).toEqual(
      withBody.items.map((i) => records.find((r) => r.deliveryId === i.deliveryId)?.body.toString()),
    );
  });

  it('lists many deliveries newest first, whatever order the table returns them in', async () => {
    const s = store();
    const name = route();
    // The table returns a partition in delivery-id order (a hash): unrelated to when each came.
    const times = Array.from({ length: 9 }, (_, i) => `2034-02-02T0${i}:00:00.000Z`);
    for (const at of times) await s.keep(record(name, at));
    const listed = await s.list({ providers: [name], sinceIso: '2034-02-02T00:00:00.000Z', nowIso: '2034-02-02T12:00:00.000Z' });
    expect(listed.items.map((i) => i.receivedAt)).toEqual([...times].reverse());
  });

  it('leaves an item out from the second its TTL names', async () => {
    const s = store({ retentionDays: 1 });
    const name = route();
    await s.keep(record(name, '2034-03-01T10:00:00.000Z'));
    const list = (nowIso: string) => s.list({ providers: [name], sinceIso: '2034-03-01T00:00:00.000Z', nowIso });
    expect((await list('2034-03-02T09:59:59.000Z')).items).toHaveLength(1);
    expect((await list('2034-03-02T10:00:00.000Z')).items).toHaveLength(0);
  });

  it('reads a route and day past one page of results (1 MB)', async () => {
    const s = store();
    const name = route();
    const at = '2034-04-01T10:00:00.000Z';
    for (let n = 0; n < 8; n++) await s.keep(record(name, at, Buffer.alloc(300 * 1024, 0x61 + n)));
    const listed = await s.list({ providers: [name], sinceIso: at, nowIso: at, withBody: true });
    expect(listed.items).toHaveLength(8);
  });

  it('reports an item it cannot read, naming each problem, and lists the rest', async () => {
    const s = store();
    const name = route();
    const at = '2034-05-01T10:00:00.000Z';
    const good = record(name, at);
    await s.keep(good);
    const pk = keys.quarantinePartition(name, quarantineBuckets(at).day);
    const sk = keys.quarantineDelivery('unreadable');
    await doc.send(new PutCommand({ TableName: tableName, Item: { pk, sk, itemType: 'quarantine', provider: name } }));
    const listed = await s.list({ providers: [name], sinceIso: at, nowIso: at });
    expect(listed.items.map((i) => i.deliveryId)).toEqual([good.deliveryId]);
    expect(listed.unreadable).toEqual([{ pk, sk, reason: expect.stringMatching(/deliveryId.*; .*receivedAt/) }]);
  });

  it('removes a delivery, and removing it again is harmless', async () => {
    const s = store();
    const name = route();
    const at = '2034-06-01T10:00:00.000Z';
    const [gone, kept] = [record(name, at), record(name, at)];
    await s.keep(gone);
    await s.keep(kept);
    const query = { providers: [name], sinceIso: at, nowIso: at };
    const item = (await s.list(query)).items.find((i) => i.deliveryId === gone.deliveryId);
    if (!item) throw new Error('not stored');
    await s.remove(item);
    await s.remove(item);
    expect((await s.list(query)).items.map((i) => i.deliveryId)).toEqual([kept.deliveryId]);
  });
});
