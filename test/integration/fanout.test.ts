import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoNotificationLedger } from '../../lambda/adapters/notification-ledger';
import type { NotificationLedger } from '../../lambda/core/fanout';
import type { EventItem } from '../../lambda/core/items';
import { runRedrive } from '../../tools/redrive';
import { contentorItem, expectedDocument, panjayaItem, putItem } from '../helpers/event-item-fixtures';
import { fanoutHarness, JOBS_HINT, takeAll, takeDeadLetters } from '../helpers/fanout-harness';

let h: Awaited<ReturnType<typeof fanoutHarness>>;

beforeAll(async () => {
  h = await fanoutHarness();
});
afterAll(async () => {
  await h.poller.stop();
  await h.table.drop();
});
afterEach(async () => {
  // Each test starts from an empty queue set and no injected faults.
  h.publisher.failNext = 0;
  await h.poller.drain();
  await takeAll(h.sqs, h.all.queueUrl);
  await takeAll(h.sqs, h.panjayaOnly.queueUrl);
  await takeDeadLetters(h.sqs, h.dlqUrl);
});

async function write(...items: Array<EventItem | Record<string, unknown>>) {
  for (const item of items) await putItem(h.doc, h.table.tableName, item);
}

async function stored(item: EventItem) {
  return (await h.doc.send(new GetCommand({ TableName: h.table.tableName, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }))).Item;
}

const ids = (received: Array<{ document: { eventId: string } }>) => received.map((r) => r.document.eventId).sort();

describe('fan-out: DynamoDB Local stream -> poller -> handler -> fauxqs', () => {
  it('delivers exactly one message per terminal event with the contract fields and attributes, none for others', async () => {
    const terminal = [
      panjayaItem('version_generated', 'asset-1', 'v1'),
      panjayaItem('version_failed', 'asset-1', 'v2'),
      panjayaItem('version_generate_failed', 'asset-1', 'v3'),
      panjayaItem('asset_failed', 'asset-2'),
      contentorItem('completed'),
      contentorItem('failed'),
    ];
    const others = [
      panjayaItem('version_generating', 'asset-1', 'v4'),
      panjayaItem('version_ready', 'asset-1', 'v4'),
      panjayaItem('version_archived', 'asset-1', 'v4'),
      contentorItem('downloading'),
      contentorItem('processing'),
      contentorItem('uploading'),
      contentorItem('paused'),
    ];
    await write(...others.slice(0, 3), ...terminal, ...others.slice(3));
    await h.poller.drain();

    const received = await takeAll(h.sqs, h.all.queueUrl);
    expect(ids(received)).toEqual(terminal.map((t) => t.eventId).sort());
    for (const item of terminal) {
      const message = received.find((r) => r.document.eventId === item.eventId);
      expect(message?.document).toEqual(expectedDocument(item));
      expect(message?.envelope.TopicArn).toBe(h.topics[item.notifyTopic ?? 'failed']);
      expect(message?.envelope.Subject).toMatch(/^\[(SUCCEEDED|FAILED)\] /);
      expect(message?.envelope.MessageAttributes).toEqual({
        provider: { Type: 'String', Value: item.provider },
        status: { Type: 'String', Value: item.status },
        eventType: { Type: 'String', Value: item.eventType },
      });
      const after = await stored(item);
      expect(after?.gsi2pk).toBeUndefined();
      expect(after?.notifiedAt).toEqual(expect.any(String));
    }
  });

  it('delivers to a provider=panjaya filter-policy subscription only the Panjaya messages', async () => {
    const panjaya = [panjayaItem('version_generated', 'asset-3', 'v1'), panjayaItem('asset_failed', 'asset-4')];
    await write(contentorItem('failed'), ...panjaya, contentorItem('completed'));
    await h.poller.drain();
    expect(ids(await takeAll(h.sqs, h.panjayaOnly.queueUrl))).toEqual(panjaya.map((p) => p.eventId).sort());
    expect(await takeAll(h.sqs, h.all.queueUrl)).toHaveLength(4);
  });

  it('notifies twice for a regenerated Panjaya version (generated -> generating -> generated)', async () => {
    const first = panjayaItem('version_generated', 'asset-5', 'v1');
    const again = panjayaItem('version_generated', 'asset-5', 'v1');
    await write(first, panjayaItem('version_generating', 'asset-5', 'v1'), again);
    await h.poller.drain();
    const received = await takeAll(h.sqs, h.all.queueUrl);
    expect(received.map((r) => r.document.jobId)).toEqual(['asset-5/v1', 'asset-5/v1']);
    expect(ids(received)).toEqual([first.eventId, again.eventId].sort());
  });

  it('retries from the failed record after an SNS failure: every event once, none doubled', async () => {
    const items = [contentorItem('failed'), contentorItem('completed'), panjayaItem('version_failed', 'asset-6', 'v1')];
    h.publisher.failNext = 1;
    await write(...items);
    await h.poller.drain();
    expect(ids(await takeAll(h.sqs, h.all.queueUrl))).toEqual(items.map((i) => i.eventId).sort());
    expect(h.publisher.attempts).toBeGreaterThan(items.length);
    expect(await takeDeadLetters(h.sqs, h.dlqUrl)).toEqual([]);
  });

  it('after retries are exhausted, leaves the events pending and the re-drive publishes each once', async () => {
    const items = [contentorItem('failed'), panjayaItem('version_generated', 'asset-7', 'v1'), contentorItem('completed')];
    h.publisher.failNext = Number.MAX_SAFE_INTEGER;
    await write(...items);
    await h.poller.drain();
    expect(await takeAll(h.sqs, h.all.queueUrl)).toEqual([]);

    // The on-failure record points at the shard and sequence range, like Lambda's, not at the records.
    const deadLetters = await takeDeadLetters(h.sqs, h.dlqUrl);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      version: '1.0',
      DDBStreamBatchInfo: { batchSize: 3, streamArn: h.table.streamArn, shardId: expect.any(String), startSequenceNumber: expect.any(String) },
    });
    for (const item of items) expect((await stored(item))?.gsi2pk).toBe('PENDING');

    h.publisher.failNext = 0;
    const deps = {
      doc: h.doc,
      tableName: h.table.tableName,
      ledger: new DynamoNotificationLedger(h.doc, h.table.tableName),
      publisher: h.publisher,
      jobsCommandHint: JOBS_HINT,
    };
    const dryRun = await runRedrive({ olderThanMs: 0, execute: false }, deps);
    expect(dryRun.pending.map((p) => p.eventId).sort()).toEqual(items.map((i) => i.eventId).sort());
    expect(await takeAll(h.sqs, h.all.queueUrl)).toEqual([]);

    const executed = await runRedrive({ olderThanMs: 0, execute: true }, deps);
    expect(executed.published.sort()).toEqual(items.map((i) => i.eventId).sort());
    const again = await runRedrive({ olderThanMs: 0, execute: true }, deps);
    expect(again.pending).toEqual([]);
    await h.poller.drain();
    expect(ids(await takeAll(h.sqs, h.all.queueUrl))).toEqual(items.map((i) => i.eventId).sort());
  });

  it('reports the dead-letter queue failure records in the re-drive without consuming them', async () => {
    h.publisher.failNext = Number.MAX_SAFE_INTEGER;
    await write(contentorItem('failed'));
    await h.poller.drain();
    const deps = { doc: h.doc, tableName: h.table.tableName, ledger: h.ledger, sqs: h.sqs };
    const first = await runRedrive({ olderThanMs: 0, execute: false, dlqUrl: h.dlqUrl }, deps);
    const second = await runRedrive({ olderThanMs: 0, execute: false, dlqUrl: h.dlqUrl }, deps);
    expect(first.deadLetters).toHaveLength(1);
    expect(first.deadLetters[0]).toMatchObject({ condition: 'RetryAttemptsExhausted', batchSize: 1, streamArn: h.table.streamArn });
    expect(second.deadLetters).toEqual(first.deadLetters);
    h.publisher.failNext = 0;
    await runRedrive({ olderThanMs: 0, execute: true }, { ...deps, publisher: h.publisher });
  });

  it('publishes once when Lambda hands the same stream records over again (its answer to the first delivery was lost)', async () => {
    const items = [contentorItem('completed'), panjayaItem('asset_failed', `asset-${Date.now()}`)];
    const before = h.invocations.length;
    await write(...items);
    await h.poller.drain();
    const delivered = h.invocations.slice(before);
    expect(delivered.flatMap((event) => event.Records)).toHaveLength(items.length);
    for (const event of delivered) expect(await h.handler(event)).toEqual({ batchItemFailures: [] });
    expect(ids(await takeAll(h.sqs, h.all.queueUrl))).toEqual(items.map((i) => i.eventId).sort());
  });

  it('publishes nothing from a re-drive whose pending list went stale: the fan-out notified those events meanwhile', async () => {
    const items = [contentorItem('failed'), panjayaItem('version_generated', `asset-${Date.now()}`, 'v2')];
    await write(...items);
    // The re-drive reads its list first; the live fan-out then publishes and marks both before the re-drive gets to
    // them, so only the ledger's own check stands between the list and a second message.
    const real = new DynamoNotificationLedger(h.doc, h.table.tableName);
    let fanoutRan = false;
    const ledger: NotificationLedger = {
      isPending: async (key) => {
        if (!fanoutRan) {
          fanoutRan = true;
          await h.poller.drain();
        }
        return real.isPending(key);
      },
      markNotified: (key, at) => real.markNotified(key, at),
      markUndeliverable: (key, reason, at) => real.markUndeliverable(key, reason, at),
    };
    const ours = items.map((i) => i.eventId).sort();
    const report = await runRedrive(
      { olderThanMs: 0, execute: true },
      { doc: h.doc, tableName: h.table.tableName, ledger, publisher: h.publisher, jobsCommandHint: JOBS_HINT },
    );
    // Other tests' parked events are pending too: look at ours.
    const mine = (eventIds: string[]) => eventIds.filter((id) => ours.includes(id)).sort();
    expect(mine(report.pending.map((p) => p.eventId))).toEqual(ours);
    expect(mine(report.skipped)).toEqual(ours);
    expect(mine(report.published)).toEqual([]);
    expect(ids(await takeAll(h.sqs, h.all.queueUrl))).toEqual(ours);
  });

  it('parks a poison record injected into a batch: its neighbours are notified, it is marked and stays pending', async () => {
    const before = contentorItem('failed');
    // Looks like a terminal event to the stream filter, but its body is not JSON: it can never become a message.
    const poison = { ...contentorItem('completed'), body: Buffer.from('{"uuid": "truncated') };
    const after = panjayaItem('version_generated', `asset-${Date.now()}`, 'v1');
    await write(before, poison, after);
    await h.poller.drain();
    expect(ids(await takeAll(h.sqs, h.all.queueUrl)).sort()).toEqual([before.eventId, after.eventId].sort());
    // Nothing went to the dead-letter queue: parking is not a batch failure.
    expect(await takeDeadLetters(h.sqs, h.dlqUrl)).toEqual([]);
    expect(await stored(poison as EventItem)).toMatchObject({ undeliverable: 'the stored payload is not JSON', gsi2pk: 'PENDING' });
  });

  it('parks a record that is not an event item at all, without blocking the shard', async () => {
    const poison = { ...contentorItem('failed'), provider: 'Not a provider' };
    await write(poison);
    const good = contentorItem('completed');
    await write(good);
    await h.poller.drain();
    expect(ids(await takeAll(h.sqs, h.all.queueUrl))).toEqual([good.eventId]);
    expect(await stored(poison as EventItem)).toMatchObject({ undeliverable: expect.stringContaining('provider') });
  });
});
