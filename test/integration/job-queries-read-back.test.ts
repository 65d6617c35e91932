/**
 * How the job queries read on DynamoDB Local: consistently (a caller sees its own write), reading back what a
 * keys-only index names while the index lags the table, retrying throttled batch reads a few rounds before answering
 * 503, and naming the failed operation for the operator's log. DynamoDB Local is always consistent, never throttles
 * and cannot fail one request on its own: what it cannot do is done in front of the SDK on the client; the SDK and
 * the table are real.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoJobQueries } from '../../lambda/adapters/dynamo-job-queries';
import { dynamoEndpoint } from '../helpers/aws-local';
import { type EventStoreTable, openEventStoreTable } from '../helpers/event-store-table';
import { contentorEvent } from '../helpers/events';

let db: EventStoreTable;

const at = (minute: number) => new Date(Date.UTC(2050, 0, 1, 0, minute)).toISOString();

beforeAll(async () => {
  db = await openEventStoreTable(30);
});
afterAll(() => db.close());

type Request = { command: string; input: Record<string, unknown> };
type Intercept = (request: Request, send: () => Promise<{ output: Record<string, unknown> }>) => Promise<{ output: Record<string, unknown> }>;

/** Job queries over a client whose requests go through `intercept` (after the document layer, as DynamoDB gets them). */
function queriesThrough(intercept: Intercept): DynamoJobQueries {
  const client = makeDocumentClient({ endpoint: dynamoEndpoint(), maxAttempts: 1 });
  db.opened.push(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = { command: String(context.commandName), input: args.input as Record<string, unknown> };
      return (await intercept(request, () => next(args) as Promise<{ output: Record<string, unknown> }>)) as Awaited<ReturnType<typeof next>>;
    },
    { step: 'initialize', name: 'intercept' },
  );
  return new DynamoJobQueries({ client, tableName: db.table.tableName });
}

const failingOn = (command: string) =>
  queriesThrough((request, send) => {
    if (request.command === command) throw Object.assign(new Error('injected server error'), { name: 'InternalServerError' });
    return send();
  });

const unavailable = (operation: string) => ({
  name: 'DependencyError',
  httpStatus: 503,
  message: 'storage is unavailable, retry later',
  logDetail: { operation, error: 'InternalServerError', message: 'injected server error' },
});

async function failedJob(minute: number): Promise<string> {
  const event = contentorEvent({ status: 'failed' });
  await db.store.store(event, at(minute));
  return event.jobId;
}

describe('consistent reads', () => {
  it('reads a job and the states behind an index with consistent reads', async () => {
    const jobId = await failedJob(0);
    const requests: Request[] = [];
    const queries = queriesThrough((request, send) => {
      requests.push(request);
      return send();
    });
    expect(await queries.getJob('contentor', jobId, jobId)).toMatchObject({ jobId, status: 'failed' });
    expect((await queries.byStatusSince('failed', at(0))).map((state) => state.jobId)).toContain(jobId);
    const consistency = requests.map(({ command, input }) => {
      const batch = input.RequestItems as Record<string, { ConsistentRead?: boolean }> | undefined;
      return [command, batch ? batch[db.table.tableName]?.ConsistentRead : input.ConsistentRead];
    });
    expect(consistency).toEqual([
      ['GetItemCommand', true],
      // An index can only be read eventually consistent; what it names is read back consistently.
      ['QueryCommand', undefined],
      ['BatchGetItemCommand', true],
    ]);
  });
});

describe('the index lags the table', () => {
  it('byStatusSince leaves out a job that left the status after the index was read', async () => {
    const [leaving, staying] = [await failedJob(10), await failedJob(11)];
    const queries = queriesThrough(async (request, send) => {
      const result = await send();
      if (request.command === 'QueryCommand')
        await db.store.store(contentorEvent({ uuid: leaving, status: 'completed', timestamp: '2099-01-01T00:00:00Z' }), at(12));
      return result;
    });
    expect((await queries.byStatusSince('failed', at(10))).map((state) => state.jobId)).toEqual([staying]);
  });
});

describe('throttled batch reads', () => {
  it('retry the keys DynamoDB left unprocessed until every state is read', async () => {
    const jobs = [await failedJob(20), await failedJob(21), await failedJob(22)];
    let throttled = 0;
    const queries = queriesThrough(async (request, send) => {
      const result = await send();
      if (request.command !== 'BatchGetItemCommand' || throttled >= 2) return result;
      // Process one key per round, leave the rest unprocessed (as under throttling).
      throttled++;
      const table = db.table.tableName;
      type Marshalled = { pk?: { S?: string }; sk?: { S?: string } };
      const same = (a: Marshalled) => (b: Marshalled) => a.pk?.S === b.pk?.S && a.sk?.S === b.sk?.S;
      const [processed, ...unprocessed] = (request.input.RequestItems as Record<string, { Keys: Marshalled[] }>)[table]?.Keys ?? [];
      const responses = (result.output.Responses as Record<string, Marshalled[]>)[table] ?? [];
      const answered = processed ? responses.filter(same(processed)) : [];
      return { ...result, output: { ...result.output, Responses: { [table]: answered }, UnprocessedKeys: { [table]: { Keys: unprocessed } } } };
    });
    const states = await queries.byStatusSince('failed', at(20));
    expect(states.map((state) => state.jobId)).toEqual([...jobs].reverse());
  });

  it('answer 503 "throttling" when keys stay unprocessed round after round', async () => {
    await failedJob(30);
    let rounds = 0;
    const queries = queriesThrough(async (request, send) => {
      const result = await send();
      if (request.command !== 'BatchGetItemCommand') return result;
      rounds++;
      if (rounds > 20) throw new Error('still retrying after 20 rounds');
      const table = db.table.tableName;
      const asked = (request.input.RequestItems as Record<string, unknown>)[table];
      return { ...result, output: { Responses: { [table]: [] }, UnprocessedKeys: { [table]: asked } } };
    });
    await expect(queries.byStatusSince('failed', at(30))).rejects.toMatchObject({
      name: 'DependencyError',
      httpStatus: 503,
      message: 'storage is throttling reads, retry later',
      logDetail: { unprocessed: 1 },
    });
    expect(rounds).toBe(5);
  });
});

describe('a failed request', () => {
  it('is answered 503 naming the operation: GetItem, Query, BatchGetItem', async () => {
    await failedJob(40);
    await expect(failingOn('GetItemCommand').getJob('contentor', 'x', 'x')).rejects.toMatchObject(unavailable('GetItem'));
    await expect(failingOn('QueryCommand').history('contentor', 'x', 'x')).rejects.toMatchObject(unavailable('Query'));
    await expect(failingOn('QueryCommand').statusIndexPage('failed', { sinceIso: at(40) }, { limit: 5 })).rejects.toMatchObject(unavailable('Query'));
    await expect(failingOn('BatchGetItemCommand').byStatusSince('failed', at(40))).rejects.toMatchObject(unavailable('BatchGetItem'));
  });
});

describe('an item that is not what its key says', () => {
  it('is named with every failing field, one per clause', async () => {
    const uuid = randomUUID();
    await db.client.send(
      new UpdateCommand({
        TableName: db.table.tableName,
        Key: { pk: `JOB#contentor#${uuid}`, sk: `STATE#${uuid}` },
        UpdateExpression: 'SET itemType = :t, #s = :s, seq = :seq',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':t': 'state', ':s': 'teleported', ':seq': 'many' },
      }),
    );
    const error = await db.queries.getJob('contentor', uuid, uuid).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'InvalidItemError', key: { pk: `JOB#contentor#${uuid}`, sk: `STATE#${uuid}` } });
    const clauses = (error as { reason: string }).reason.split('; ');
    expect(clauses.filter((clause) => /^(status|seq): /.test(clause))).toHaveLength(2);
  });

  it('an index entry without the table key is refused by name', async () => {
    await failedJob(50);
    const queries = queriesThrough(async (request, send) => {
      const result = await send();
      if (request.command !== 'QueryCommand') return result;
      const items = (result.output.Items as Array<Record<string, unknown>>).map(({ pk: _pk, ...rest }) => rest);
      return { ...result, output: { ...result.output, Items: items } };
    });
    await expect(queries.byStatusSince('failed', at(50))).rejects.toThrow('index returned an item without pk/sk');
  });
});
