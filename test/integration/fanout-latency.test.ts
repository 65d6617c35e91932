/**
 * Measures notification latency in the local stack's shape (item write -> message in a subscribed SQS queue) over
 * 50 events, with the poller running as `npm start` runs it. Reported, not asserted against a threshold: timing
 * depends on the machine. The test fails only if an event is lost or doubled.
 */
import { ReceiveMessageCommand, DeleteMessageBatchCommand } from '@aws-sdk/client-sqs';
import { contentorItem, putItem } from '../helpers/event-item-fixtures';
import { fanoutHarness } from '../helpers/fanout-harness';
import { parseEnvelope, unwrapFauxqsStructure } from '../../local/console-subscriber';
import { percentile } from '../helpers/percentile';

const EVENTS = 50;
const POLL_INTERVAL_MS = 50;
const WRITE_SPACING_MS = 100;

it(`delivers ${EVENTS} events once each and reports write-to-queue latency`, async () => {
  const h = await fanoutHarness({ pollIntervalMs: POLL_INTERVAL_MS });
  const writtenAt = new Map<string, number>();
  const latencies = new Map<string, number>();
  let duplicates = 0;
  h.poller.start();
  const receiving = (async () => {
    while (latencies.size < EVENTS) {
      const out = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: h.all.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const now = performance.now();
      const messages = out.Messages ?? [];
      for (const m of messages) {
        const { eventId } = JSON.parse(unwrapFauxqsStructure(parseEnvelope(m.Body ?? '').Message, 'sqs')) as { eventId: string };
        if (latencies.has(eventId)) duplicates += 1;
        latencies.set(eventId, now - (writtenAt.get(eventId) ?? now));
      }
      if (messages.length > 0) {
        await h.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: h.all.queueUrl,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
          }),
        );
      }
    }
  })();
  for (let i = 0; i < EVENTS; i += 1) {
    const item = contentorItem(i % 2 === 0 ? 'completed' : 'failed');
    writtenAt.set(item.eventId, performance.now());
    await putItem(h.doc, h.table.tableName, item);
    // Spread the writes (a callback every 100 ms) so this measures latency, not a backlog of a burst: the handler
    // works through a shard's records one at a time (GetItem, Publish, UpdateItem), as Lambda does per shard.
    await new Promise((r) => setTimeout(r, WRITE_SPACING_MS));
  }
  await receiving;
  await h.poller.stop();
  await h.poller.drain();
  const extra = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: h.all.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  await h.table.drop();

  const sorted = [...latencies.values()].sort((a, b) => a - b);
  console.log(
    `fan-out latency over ${sorted.length} events (poll interval ${POLL_INTERVAL_MS} ms, one write every ${WRITE_SPACING_MS} ms): ` +
      `p50 ${(percentile(sorted, 50) ?? NaN).toFixed(1)} ms, p99 ${(percentile(sorted, 99) ?? NaN).toFixed(1)} ms, max ${(sorted[sorted.length - 1] ?? NaN).toFixed(1)} ms`,
  );
  expect([...latencies.keys()].sort()).toEqual([...writtenAt.keys()].sort());
  expect(duplicates).toBe(0);
  expect(extra.Messages ?? []).toEqual([]);
});
