/**
 * The local event-source mapping against DynamoDB Local's real stream, behaving as Lambda documents for stream
 * sources with the fan-out's settings (lambda/core/fanout-mapping.ts): partial batch responses, bisect on a thrown
 * error, bounded retries, then Lambda's on-failure record in a real (fauxqs) SQS queue. The handler here is scripted
 * — it throws or reports failures on cue — so each behaviour is seen alone; the real fan-out handler runs over this
 * poller in fanout.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { PutItemCommand, type AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, TrimmedDataAccessException, type DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { fanoutMapping } from '../../lambda/core/fanout-mapping';
import { StreamPoller, type StreamFailureRecord, type StreamPollerOptions } from '../../local/stream-poller';
import { createTestTable, localDynamo, localSqs, localStreams, uniqueName } from '../helpers/aws-local';
import { drainQueue } from '../helpers/fanout-harness';
import { emulatorPropertyRuns } from '../helpers/property-runs';

const dynamo = localDynamo();
const sqs = localSqs();

type Table = Awaited<ReturnType<typeof createTestTable>>;
const tables: Table[] = [];
afterAll(async () => {
  for (const table of tables) await table.drop();
});

async function freshTable(): Promise<Table> {
  const table = await createTestTable(dynamo);
  tables.push(table);
  return table;
}

/** An event item as the stream filter sees it; `notify: false` makes it one the filter drops. */
async function putEvent(table: Table, options: { notify?: boolean; body?: Uint8Array } = {}): Promise<string> {
  const eventId = randomUUID();
  const item: Record<string, SdkAttributeValue> = {
    pk: { S: `JOB#contentor#${eventId}` },
    sk: { S: `EVENT#${eventId}#1` },
    itemType: { S: 'event' },
    eventId: { S: eventId },
    ...(options.notify === false ? {} : { notifyTopic: { S: 'failed' } }),
    ...(options.body ? { body: { B: options.body } } : {}),
  };
  await dynamo.send(new PutItemCommand({ TableName: table.tableName, Item: item }));
  return eventId;
}

async function putEvents(table: Table, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await putEvent(table));
  return ids;
}

const idOf = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.eventId?.S ?? '?';
const seqOf = (record: DynamoDBRecord) => record.dynamodb?.SequenceNumber ?? '';

/** A handler that answers each invocation as `script` says and records what it was given. */
function scripted(script: (records: DynamoDBRecord[], invocation: number) => DynamoDBBatchResponse | 'throw') {
  const invocations: DynamoDBRecord[][] = [];
  const handler = async (event: DynamoDBStreamEvent) => {
    invocations.push(event.Records);
    const answer = script(event.Records, invocations.length);
    if (answer === 'throw') throw new Error('injected handler failure');
    return answer;
  };
  return { handler, invocations, ids: () => invocations.map((batch) => batch.map(idOf)) };
}

async function onFailureQueue(): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('on-failure') }))).QueueUrl ?? '';
}

const takeFailureRecords = (queueUrl: string) => drainQueue(sqs, queueUrl, (body) => JSON.parse(body) as StreamFailureRecord);

async function poller(table: Table, handler: StreamPollerOptions['handler'], options: Partial<StreamPollerOptions> = {}) {
  const queueUrl = await onFailureQueue();
  const p = new StreamPoller({ streams: localStreams(), streamArn: table.streamArn, handler, onFailure: { sqs, queueUrl }, log: () => undefined, ...options });
  return { poller: p, queueUrl };
}

/** Records the handler completed: all of a batch it accepted, those before the first reported failure otherwise. */
function completed(invocations: DynamoDBRecord[][], answers: Array<DynamoDBBatchResponse | 'throw'>): string[] {
  return invocations.flatMap((batch, i) => {
    const answer = answers[i];
    if (answer === 'throw') return [];
    const failed = answer?.batchItemFailures.map((f) => batch.findIndex((r) => seqOf(r) === f.itemIdentifier)) ?? [];
    if (failed.some((index) => index < 0)) return [];
    return batch.slice(0, failed.length === 0 ? batch.length : Math.min(...failed)).map(idOf);
  });
}

describe('local stream poller, as Lambda maps a DynamoDB stream', () => {
  it('hands a binary attribute over as Lambda does: a base64 string in {"B": …}', async () => {
    const table = await freshTable();
    const h = scripted(() => ({ batchItemFailures: [] }));
    const { poller: p } = await poller(table, h.handler);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 4096 }), async (bytes) => {
        const before = h.invocations.length;
        const id = await putEvent(table, { body: bytes });
        await p.drain();
        const delivered = h.invocations.slice(before).flat();
        expect(delivered.map(idOf)).toEqual([id]);
        expect(delivered[0]?.dynamodb?.NewImage?.body).toEqual({ B: Buffer.from(bytes).toString('base64') });
      }),
      { numRuns: 25 },
    );
  });

  it('invokes with the filtered records only, cut into batches of at most batchSize, in stream order', async () => {
    const table = await freshTable();
    const terminal: string[] = [];
    for (let i = 0; i < 7; i++) {
      terminal.push(await putEvent(table));
      if (i % 3 === 0) await putEvent(table, { notify: false });
    }
    const h = scripted(() => ({ batchItemFailures: [] }));
    const { poller: p } = await poller(table, h.handler, { batchSize: 3 });
    await p.drain();
    expect(h.ids()).toEqual([terminal.slice(0, 3), terminal.slice(3, 6), terminal.slice(6)]);
  });

  it('bisects a batch whose invocation throws until the poison record is alone: its neighbours are handled once, in order, and only it is given up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: fanoutMapping.batchSize }).chain((size) => fc.tuple(fc.constant(size), fc.nat({ max: size - 1 }), fc.nat({ max: 3 }))),
        async ([size, poisonAt, maxRetries]) => {
          const table = await freshTable();
          const ids = await putEvents(table, size);
          const poison = ids[poisonAt];
          const answers: Array<DynamoDBBatchResponse | 'throw'> = [];
          const h = scripted((records) => {
            const answer = records.some((r) => idOf(r) === poison) ? 'throw' : { batchItemFailures: [] };
            answers.push(answer);
            return answer;
          });
          const { poller: p, queueUrl } = await poller(table, h.handler, { maxRetries });
          await p.drain();

          expect(completed(h.invocations, answers)).toEqual(ids.filter((id) => id !== poison));
          expect(h.ids().filter((batch) => batch.length === 1 && batch[0] === poison)).toHaveLength(maxRetries + 1);
          const poisonSeq = seqOf(h.invocations.flat().find((r) => idOf(r) === poison) ?? {});
          const failures = await takeFailureRecords(queueUrl);
          expect(failures).toEqual(p.failureRecords);
          expect(failures).toHaveLength(1);
          expect(failures[0]).toMatchObject({
            requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: h.ids().filter((batch) => batch.includes(poison ?? '')).length },
            responseContext: { functionError: 'Unhandled' },
            version: '1.0',
            DDBStreamBatchInfo: { batchSize: 1, startSequenceNumber: poisonSeq, endSequenceNumber: poisonSeq, streamArn: table.streamArn },
          });
        },
      ),
      { numRuns: emulatorPropertyRuns(0.2, 8) },
    );
  });

  it('retries a reported failure from that record on, never re-sending the records before it, then gives up the rest with its sequence range', async () => {
    const table = await freshTable();
    const ids = await putEvents(table, 5);
    const h = scripted((records) => {
      const failing = records.find((r) => idOf(r) === ids[2]);
      return { batchItemFailures: failing ? [{ itemIdentifier: seqOf(failing) }] : [] };
    });
    const { poller: p, queueUrl } = await poller(table, h.handler, { maxRetries: 2 });
    await p.drain();
    expect(h.ids()).toEqual([ids, ids.slice(2), ids.slice(2)]);
    const retried = h.invocations[1] ?? [];
    const failures = await takeFailureRecords(queueUrl);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.requestContext.approximateInvokeCount).toBe(3);
    expect(failures[0]?.responseContext.functionError).toBeUndefined();
    expect(failures[0]?.DDBStreamBatchInfo).toMatchObject({
      batchSize: 3,
      startSequenceNumber: seqOf(retried[0] ?? {}),
      endSequenceNumber: seqOf(retried[2] ?? {}),
    });
  });

  it('checkpoints at the lowest of several reported failures', async () => {
    const table = await freshTable();
    const ids = await putEvents(table, 4);
    const h = scripted((records, invocation) =>
      invocation > 1 ? { batchItemFailures: [] } : { batchItemFailures: [records[3], records[1]].map((r) => ({ itemIdentifier: seqOf(r ?? {}) })) },
    );
    const { poller: p } = await poller(table, h.handler);
    await p.drain();
    expect(h.ids()).toEqual([ids, ids.slice(1)]);
  });

  it('retries a transient failure until it passes: every record completed exactly once, nothing given up', async () => {
    const table = await freshTable();
    const ids = await putEvents(table, 6);
    const answers: DynamoDBBatchResponse[] = [];
    const h = scripted((records, invocation) => {
      // The first two invocations fail at their second record, as an SNS outage would.
      const answer = { batchItemFailures: invocation <= 2 && records[1] ? [{ itemIdentifier: seqOf(records[1]) }] : [] };
      answers.push(answer);
      return answer;
    });
    const { poller: p, queueUrl } = await poller(table, h.handler);
    await p.drain();
    expect(completed(h.invocations, answers)).toEqual(ids);
    expect(h.invocations).toHaveLength(3);
    expect(await takeFailureRecords(queueUrl)).toEqual([]);
  });

  it.each([
    ['an empty', ''],
    ['an unknown', 'not-a-sequence-number'],
  ])('treats %s item identifier as a failure of the whole batch', async (_, itemIdentifier) => {
    const table = await freshTable();
    const ids = await putEvents(table, 3);
    const h = scripted((_records, invocation) => ({ batchItemFailures: invocation === 1 ? [{ itemIdentifier }] : [] }));
    const { poller: p } = await poller(table, h.handler);
    await p.drain();
    expect(h.ids()).toEqual([ids, ids]);
  });

  it('without bisecting, retries a throwing batch whole and gives it up whole', async () => {
    const table = await freshTable();
    const ids = await putEvents(table, 4);
    const h = scripted(() => 'throw');
    const { poller: p, queueUrl } = await poller(table, h.handler, { bisectBatchOnError: false, maxRetries: 1 });
    await p.drain();
    expect(h.ids()).toEqual([ids, ids]);
    const failures = await takeFailureRecords(queueUrl);
    expect(failures.map((f) => [f.DDBStreamBatchInfo.batchSize, f.requestContext.approximateInvokeCount, f.responseContext.functionError])).toEqual([
      [4, 2, 'Unhandled'],
    ]);
  });

  it("uses the CDK mapping's settings by default: a failing record is invoked once plus retryAttempts times", async () => {
    const table = await freshTable();
    const ids = await putEvents(table, 2);
    const h = scripted((records) => (records.some((r) => idOf(r) === ids[0]) ? 'throw' : { batchItemFailures: [] }));
    const { poller: p, queueUrl } = await poller(table, h.handler);
    await p.drain();
    expect(h.ids()).toEqual([ids, ...Array.from({ length: fanoutMapping.retryAttempts + 1 }, () => [ids[0]]), [ids[1]]]);
    expect((await takeFailureRecords(queueUrl)).map((f) => f.requestContext.approximateInvokeCount)).toEqual([fanoutMapping.retryAttempts + 2]);
  });

  it('goes on with the next records after giving a batch up', async () => {
    const table = await freshTable();
    const first = await putEvents(table, 2);
    const h = scripted((records) =>
      records.some((r) => idOf(r) === first[0]) ? { batchItemFailures: [{ itemIdentifier: seqOf(records[0] ?? {}) }] } : { batchItemFailures: [] },
    );
    const { poller: p, queueUrl } = await poller(table, h.handler, { maxRetries: 0 });
    await p.drain();
    const later = await putEvents(table, 2);
    await p.drain();
    expect(h.ids()).toEqual([first, later]);
    expect((await takeFailureRecords(queueUrl)).map((f) => f.DDBStreamBatchInfo.batchSize)).toEqual([2]);
  });
});

/**
 * The position a poller holds can be gone (DynamoDB Local reports TrimmedDataAccessException after a restart over
 * persisted data). The fault is injected — the emulator cannot be made to trim on demand — by a streams client that
 * fails the first GetRecords, then behaves as the real one.
 */
function trimmingOnce(real: DynamoDBStreamsClient): { client: DynamoDBStreamsClient; trimmed: () => number } {
  let trimmed = 0;
  const client = {
    send: async (command: unknown) => {
      if (command instanceof GetRecordsCommand && trimmed === 0) {
        trimmed += 1;
        throw new TrimmedDataAccessException({ message: 'position before the trim horizon', $metadata: {} });
      }
      return real.send(command as never);
    },
  } as unknown as DynamoDBStreamsClient;
  return { client, trimmed: () => trimmed };
}

it('continues from the oldest record after a trimmed stream position, delivering every terminal event once', async () => {
  const table = await freshTable();
  const faulty = trimmingOnce(localStreams());
  const ids = await putEvents(table, 2);
  const h = scripted(() => ({ batchItemFailures: [] }));
  const { poller: p } = await poller(table, h.handler, { streams: faulty.client });
  for (let round = 0; round < 5; round++) await p.drain();
  expect(faulty.trimmed()).toBe(1);
  expect(h.ids().flat()).toEqual(ids);
});
