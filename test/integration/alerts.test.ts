/**
 * Alerts for people against DynamoDB Local and fauxqs (docs/ARCHITECTURE.md "Alerts for people"): a provider outage
 * fails 300 jobs across two providers at once and the watchdog marks 200 more stalled in one sweep. Systems get all
 * 500, each once; people get at most `alertsPerWindow` alerts per window plus one digest per window, together
 * accounting for every event exactly once, never more than 5 messages in a second, however many fan-out
 * invocations and digest flushes run at once. What SNS is asked to publish is checked at the SDK boundary.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { keys } from '../../lambda/contracts';
import { makeDocumentClient } from '../../lambda/adapters/dynamo-client';
import { DynamoEventStore } from '../../lambda/adapters/dynamo-event-store';
import { DynamoWatchdogStore } from '../../lambda/adapters/dynamo-watchdog-store';
import { makeTelemetry } from '../../lambda/adapters/telemetry';
import { MACHINE_PROTOCOLS } from '../../lambda/core/notification';
import { parseStallDeadlines } from '../../lambda/core/watchdog';
import { makeWatchdogHandler } from '../../lambda/handlers/watchdog/handler';
import { parseEnvelope, unwrapFauxqsStructure } from '../../local/console-subscriber';
import { alertsHarness, capturingSnsClient, filteredStreamRecords } from '../helpers/alerts-harness';
import { DynamoAlertStore } from '../../lambda/adapters/dynamo-alert-store';
import { DynamoNotificationLedger } from '../../lambda/adapters/notification-ledger';
import { SnsNotificationPublisher } from '../../lambda/adapters/sns-publisher';
import { runRedrive } from '../../tools/redrive';
import { dynamoEndpoint } from '../helpers/aws-local';
import { contentorEvent } from '../helpers/events';
import { contentorItem, panjayaItem, putItem } from '../helpers/event-item-fixtures';
import { drainQueue } from '../helpers/fanout-harness';

const PER_WINDOW = 10;
const WINDOW_SECONDS = 3;

interface Delivered {
  readonly at: number;
  readonly subject: string;
  readonly document: Record<string, unknown>;
}

const people = (h: Awaited<ReturnType<typeof alertsHarness>>) =>
  drainQueue(h.sqs, h.people.queueUrl, (body) => {
    const envelope = parseEnvelope(body);
    // fauxqs hands an SQS subscriber the whole structure; real SNS would deliver `sqs`, else `default`.
    return {
      at: Date.parse(envelope.Timestamp),
      subject: envelope.Subject ?? '',
      document: JSON.parse(unwrapFauxqsStructure(envelope.Message, 'sqs')),
    } as Delivered;
  });

const perSecond = (times: readonly number[]) => {
  const counts = new Map<number, number>();
  for (const t of times) counts.set(Math.floor(t / 1000), (counts.get(Math.floor(t / 1000)) ?? 0) + 1);
  return Math.max(0, ...counts.values());
};

/** Runs `batches` through `workers` concurrent fan-out invocations (each its own container) while digest flushes run. */
async function runConcurrently(h: Awaited<ReturnType<typeof alertsHarness>>, records: DynamoDBRecord[], workers: number): Promise<void> {
  const queue: DynamoDBRecord[][] = [];
  for (let i = 0; i < records.length; i += 10) queue.push(records.slice(i, i + 10));
  let done = false;
  const flusher = (async () => {
    const flush = h.flushHandler();
    while (!done) {
      await flush().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      const handler = h.fanoutHandler();
      for (let batch = queue.shift(); batch; batch = queue.shift()) {
        const result = await handler({ Records: batch });
        expect(result.batchItemFailures).toEqual([]);
      }
    }),
  );
  // Every window closes (plus the grace); flush until nothing is owed, with two flushers racing at the end.
  await new Promise((r) => setTimeout(r, (WINDOW_SECONDS + Math.min(10, WINDOW_SECONDS)) * 1000 + 500));
  await Promise.all([h.flushHandler()(), h.flushHandler()()]);
  done = true;
  await flusher;
}

describe('job alerts: a burst of 300 failures and 200 stalls', () => {
  let h: Awaited<ReturnType<typeof alertsHarness>>;
  let records: DynamoDBRecord[];

  beforeAll(async () => {
    h = await alertsHarness({ perWindow: PER_WINDOW, windowSeconds: WINDOW_SECONDS });
    const doc = makeDocumentClient({ endpoint: dynamoEndpoint() });
    // 300 failures across two providers, written as the receiver writes them.
    for (let i = 0; i < 150; i++) {
      await putItem(doc, h.table.tableName, contentorItem('failed'));
      await putItem(doc, h.table.tableName, panjayaItem('version_failed', `asset-${i}`, 'v1'));
    }
    // 200 jobs left in processing for 3 h, then one sweep marks them all stalled.
    const events = new DynamoEventStore({ client: doc, tableName: h.table.tableName, retentionDays: 30 });
    const threeHoursAgo = new Date(Date.now() - 3 * 3_600_000).toISOString();
    for (let i = 0; i < 200; i++) await events.store(contentorEvent({ uuid: randomUUID(), status: 'processing', timestamp: threeHoursAgo }), threeHoursAgo);
    const telemetry = makeTelemetry('watchdog-test');
    telemetry.logger.setLogLevel('SILENT');
    const sweep = await makeWatchdogHandler({
      store: new DynamoWatchdogStore(doc, h.table.tableName),
      deadlines: parseStallDeadlines(undefined),
      retentionDays: 30,
      telemetry,
    })();
    expect(sweep.stalled).toHaveLength(200);
    records = await filteredStreamRecords(h.table.streamArn);
    expect(records).toHaveLength(500);
    // Shuffled, as shards and retries deliver them.
    records.sort(() => Math.random() - 0.5);
    await runConcurrently(h, records, 4);
  }, 240_000);
  afterAll(() => h.table.drop());

  it('gives systems every one of the 500 on the failed topic, each exactly once', async () => {
    const systems = await drainQueue(
      h.sqs,
      h.systemsFailed.queueUrl,
      (body) => JSON.parse(unwrapFauxqsStructure(parseEnvelope(body).Message, 'sqs')) as { eventId: string; status: string },
    );
    const ids = systems.map((d) => d.eventId);
    expect(new Set(ids).size).toBe(500);
    expect(ids).toHaveLength(500);
    expect(systems.filter((d) => d.status === 'stalled')).toHaveLength(200);
  });

  it('accounts for every event exactly once in individual alerts and digests, within the budget and the rate', async () => {
    const received = await people(h);
    const alerts = received.filter((r) => r.document.kind === 'alert');
    const digests = received.filter((r) => r.document.kind === 'digest');
    expect(alerts.length + digests.length).toBe(received.length);

    // Exactly once: alert ids distinct, digest totals plus alerts = 500, no digest names an alerted event.
    const alertIds = alerts.map((a) => a.document.eventId as string);
    expect(new Set(alertIds).size).toBe(alertIds.length);
    const digestTotal = digests.reduce((sum, d) => sum + (d.document.total as number), 0);
    expect(alertIds.length + digestTotal).toBe(500);
    const listed = digests.flatMap((d) => (d.document.jobs as Array<{ eventId: string }>).map((j) => j.eventId));
    expect(listed.filter((id) => alertIds.includes(id))).toEqual([]);
    for (const d of digests) {
      const doc = d.document as { total: number; jobs: unknown[]; more: number; byProvider: Record<string, Record<string, number>>; listCommand: string };
      expect(doc.jobs.length + doc.more).toBe(doc.total);
      expect(doc.jobs.length).toBeLessThanOrEqual(20);
      const byProvider = Object.values(doc.byProvider).flatMap((counts) => Object.values(counts));
      expect(byProvider.reduce((a, b) => a + b, 0)).toBe(doc.total);
      expect(doc.listCommand).toMatch(/jobs -- (list --status failed|stalled) --since /);
    }

    // One digest per window at most.
    const windows = digests.map((d) => d.document.windowStart as string);
    expect(new Set(windows).size).toBe(windows.length);

    // At most PER_WINDOW individual alerts per decision window (the window is on each event's mark).
    const doc = makeDocumentClient({ endpoint: dynamoEndpoint() });
    const perWindow = new Map<string, number>();
    for (const id of alertIds) {
      const mark = await doc.send(new GetCommand({ TableName: h.table.tableName, Key: { pk: keys.alertEventMark(id), sk: keys.alertEventMarkSort } }));
      const window = mark.Item?.window as string;
      perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
    }
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(PER_WINDOW);
    const heads = await doc.send(
      new QueryCommand({ TableName: h.table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.alertWindowsPartition } }),
    );
    for (const head of heads.Items ?? []) expect((head.alerts as number | undefined) ?? 0).toBeLessThanOrEqual(PER_WINDOW);
    // The burst spans several windows and exhausts each one's budget.
    expect(perWindow.size).toBeGreaterThanOrEqual(1);
    expect(digests.length).toBeGreaterThanOrEqual(1);

    // The rate ceiling, by SNS's clock and by the SDK's.
    expect(perSecond(received.map((r) => r.at))).toBeLessThanOrEqual(5);
    const alertPublishes = h.captured.filter((c) => c.input.TopicArn === h.topics.alerts);
    expect(alertPublishes).toHaveLength(received.length);
    expect(perSecond(alertPublishes.map((c) => c.at))).toBeLessThanOrEqual(5);
  });

  it('asks SNS for json-structured messages: the contract under every machine protocol, the card only for people', () => {
    const systems = h.captured.filter((c) => c.input.TopicArn === h.topics.failed);
    expect(systems).toHaveLength(500);
    for (const { input } of [...systems, ...h.captured.filter((c) => c.input.TopicArn === h.topics.alerts)]) {
      expect(input.MessageStructure).toBe('json');
      expect(input.Subject).toMatch(/^\[(FAILED|STALLED|DIGEST)\] [\x20-\x7e]+$/);
      expect(Object.keys(input.MessageAttributes ?? {}).sort()).toEqual(['eventType', 'provider', 'status']);
    }
    for (const { input } of systems) {
      const structure = JSON.parse(input.Message ?? '{}') as Record<string, string>;
      const documents = MACHINE_PROTOCOLS.map((p) => structure[p]);
      expect(new Set(documents).size).toBe(1);
      expect(JSON.parse(documents[0] ?? '{}')).toMatchObject({ status: expect.stringMatching(/^(failed|stalled)$/), payload: expect.anything() });
      expect(input.Message).not.toContain('client-markdown');
    }
    for (const { input } of h.captured.filter((c) => c.input.TopicArn === h.topics.alerts)) {
      const structure = JSON.parse(input.Message ?? '{}') as Record<string, string>;
      expect(Object.keys(structure).sort()).toEqual(['default', 'email', 'https']);
      expect(JSON.parse(structure.https ?? '{}')).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown' } });
      const kind = JSON.parse(structure.default ?? '{}').kind;
      expect(['alert', 'digest']).toContain(kind);
      if (kind === 'digest') expect(input.MessageAttributes?.status?.StringValue).toBe('digest');
    }
  });
});

describe('job alerts for what a re-drive publishes', () => {
  it('alerts people once for a failure the fan-out never sent, and not again on a second re-drive', async () => {
    const h = await alertsHarness({ perWindow: PER_WINDOW, windowSeconds: 600 });
    try {
      const doc = makeDocumentClient({ endpoint: dynamoEndpoint() });
      // A failure whose notification was lost (still pending), and nothing polling the stream.
      const lost = contentorItem('failed');
      await putItem(doc, h.table.tableName, lost);
      const deps = {
        doc,
        tableName: h.table.tableName,
        ledger: new DynamoNotificationLedger(doc, h.table.tableName),
        publisher: new SnsNotificationPublisher(capturingSnsClient(h.captured), h.topics),
        jobsCommandHint: 'npm run --silent jobs -- get',
        alerts: {
          store: new DynamoAlertStore(doc, h.table.tableName),
          settings: { perWindow: PER_WINDOW, windowSeconds: 600, statuses: new Set(['failed', 'stalled'] as const) },
        },
      };
      const first = await runRedrive({ olderThanMs: 0, execute: true }, deps);
      expect(first).toMatchObject({ published: [lost.eventId], alerted: [lost.eventId], alertFailed: [] });
      const second = await runRedrive({ olderThanMs: 0, execute: true }, deps);
      expect(second).toMatchObject({ pending: [], published: [], alerted: [] });
      const received = await people(h);
      expect(received.map((r) => [r.document.kind, r.document.eventId])).toEqual([['alert', lost.eventId]]);
    } finally {
      await h.table.drop();
    }
  });
});
